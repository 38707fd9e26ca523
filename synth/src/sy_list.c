/* sy_list.c — see sy_list.h. */
#include "sy_list.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sy_io.h"
#include "sy_util.h"

/* One line; -1 with err (without the file and line) if it is malformed. */
static int parse_line(char *line, const hg_manifest *man, sy_inst *in, char *err, size_t errlen)
{
    char *f[3];
    char *p = line;
    for (int k = 0; k < 3; k++) {
        char *sp = strchr(p, ' ');
        if (!sp) {
            snprintf(err, errlen, "expected MODULE SIMULATE CELLS CAPTURE_BASE separated by single spaces");
            return -1;
        }
        *sp = '\0';
        f[k] = p;
        p = sp + 1;
    }
    const hg_mmod *mm = hg_manifest_find(man, f[0]);
    long sim, cells;
    if (!mm || mm->is_memory) {
        snprintf(err, errlen, "\"%.80s\" is not a logic module of the manifest", f[0]);
        return -1;
    }
    if (sy_parse_long(f[1], 0, 1, &sim) != 0) {
        snprintf(err, errlen, "SIMULATE \"%.40s\" must be 0 or 1", f[1]);
        return -1;
    }
    if (sy_parse_long(f[2], 0, 1000000000L, &cells) != 0) {
        snprintf(err, errlen, "CELLS \"%.40s\" must be an integer in 0..1000000000", f[2]);
        return -1;
    }
    const char *slash = strrchr(p, '/');
    const char *name = slash ? slash + 1 : p;
    for (const char *c = p; *c; c++)
        if ((unsigned char)*c < ' ' || *c == 0x7f) {
            snprintf(err, errlen, "the capture path has a control character");
            return -1;
        }
    if (!sy_is_token(name)) {
        snprintf(err, errlen, "capture name \"%.80s\" is empty or has a space", name);
        return -1;
    }
    in->mod = mm;
    in->simulate = (int)sim;
    in->cells = cells;
    in->base = sy_strdup(p);
    in->name = in->base + (name - p);
    return 0;
}

int sy_list_read(const char *path, const hg_manifest *man, sy_list *l, char *err, size_t errlen)
{
    memset(l, 0, sizeof *l);
    char rerr[768];
    char *text = sy_read_file(path, NULL, rerr, sizeof rerr);
    if (!text) {
        snprintf(err, errlen, "instance list: %s", rerr);
        return -1;
    }
    int cap = 0, lineno = 0, rc = 0;
    for (char *rest = text, *p; !rc && (p = sy_next_line(&rest));) {
        lineno++;
        if (!*p) continue;
        if (l->n == cap) {
            cap = cap ? 2 * cap : 64;
            l->v = sy_xrealloc(l->v, (size_t)cap * sizeof *l->v);
        }
        char e2[512];
        if (parse_line(p, man, &l->v[l->n], e2, sizeof e2) != 0) {
            snprintf(err, errlen, "instance list %s: line %d: %s", path, lineno, e2);
            rc = -1;
        } else {
            l->n++;
        }
    }
    free(text);
    if (rc) sy_list_free(l);
    return rc;
}

void sy_list_free(sy_list *l)
{
    for (int i = 0; i < l->n; i++) free(l->v[i].base);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}
