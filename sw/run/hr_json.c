/* hr_json.c — JSON helpers shared by the runner's writers. */
#include "hr_json.h"

#include "hg_file.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

cJSON *hr_json_exact(double v)
{
    if (!isfinite(v)) return cJSON_CreateNull();
    char b[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(b, sizeof b, "%.*g", prec, v);
        if (strtod(b, NULL) == v) break;
    }
    return cJSON_CreateRaw(b);
}

void hr_json_add_exact(cJSON *o, const char *key, double v)
{
    cJSON_AddItemToObject(o, key, hr_json_exact(v));
}

int hr_json_write(const char *path, const cJSON *root)
{
    char *txt = cJSON_Print(root);
    hg_wfile w;
    if (!txt || hg_file_begin(&w, path, NULL, 0) != 0) {
        free(txt);
        return -1;
    }
    int ok = fputs(txt, w.f) >= 0 && fputc('\n', w.f) != EOF;
    free(txt);
    if (!ok) {
        hg_file_discard(&w);
        return -1;
    }
    return hg_file_commit(&w, NULL, 0);
}
