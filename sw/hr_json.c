/* hr_json.c — JSON helpers shared by the runner's writers. */
#include "hr_json.h"

#include <stdio.h>
#include <stdlib.h>

void hr_json_add_exact(cJSON *o, const char *key, double v)
{
    char b[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(b, sizeof b, "%.*g", prec, v);
        if (strtod(b, NULL) == v)
            break;
    }
    cJSON_AddItemToObject(o, key, cJSON_CreateRaw(b));
}

int hr_json_write(const char *path, const cJSON *root)
{
    char *txt = cJSON_Print(root);
    FILE *f = txt ? fopen(path, "w") : NULL;
    int ok = f && fputs(txt, f) >= 0 && fputc('\n', f) != EOF;
    if (f && fclose(f) != 0)
        ok = 0;
    free(txt);
    return ok ? 0 : -1;
}
