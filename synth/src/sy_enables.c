/* sy_enables.c — see sy_enables.h. */
#include "sy_enables.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sy_io.h"
#include "sy_util.h"

/* Polarities of a flop type: 0 with *en_pol (and *rst_pol, *has_rst) set, -1 if it is none of
 * $_DFFE_CE_, $_SDFFE_CRVE_, $_SDFFCE_CRVE_ (C, R, E in P/N, V in 0/1). */
static int parse_type(const char *t, char *en_pol, char *rst_pol, int *has_rst)
{
    size_t n = strlen(t);
    const char *pn = "PN";
    if (n == 10 && strncmp(t, "$_DFFE_", 7) == 0 && t[9] == '_' && strchr(pn, t[7]) && strchr(pn, t[8])) {
        *en_pol = t[8];
        *has_rst = 0;
        return 0;
    }
    size_t k = strncmp(t, "$_SDFFE_", 8) == 0 ? 8 : strncmp(t, "$_SDFFCE_", 9) == 0 ? 9 : 0;
    /* n == k + 5: the four letters are not the terminator, which strchr would find */
    if (!k || n != k + 5 || t[k + 4] != '_' || !strchr(pn, t[k]) || !strchr(pn, t[k + 1]) ||
        (t[k + 2] != '0' && t[k + 2] != '1') || !strchr(pn, t[k + 3]))
        return -1;
    *en_pol = t[k + 3];
    *rst_pol = t[k + 1];
    *has_rst = k == 8; /* $_SDFFE_: the reset loads the flop whatever its enable */
    return 0;
}

typedef struct {
    const char *name; /* the kept wire that sorts first, NULL: none */
    int off;
} keptbit;

/* For each bit number 0..nbits-1 of the file's module: its kept wire and offset. */
static keptbit *kept_bits(const cJSON *netnames, int nbits)
{
    keptbit *kb = sy_xcalloc((size_t)nbits + 1, sizeof *kb);
    const cJSON *nn, *list = cJSON_IsObject(netnames) ? netnames : NULL;
    cJSON_ArrayForEach(nn, list)
    {
        const cJSON *attrs = cJSON_GetObjectItemCaseSensitive(nn, "attributes");
        int set = sy_netlist_attr_set(cJSON_GetObjectItemCaseSensitive(attrs, "keep"));
        const cJSON *bits = cJSON_GetObjectItemCaseSensitive(nn, "bits"), *b;
        const cJSON *blist = set && cJSON_IsArray(bits) ? bits : NULL;
        int off = 0;
        cJSON_ArrayForEach(b, blist)
        {
            double v = cJSON_IsNumber(b) ? b->valuedouble : -1;
            if (v >= 0 && v < nbits && v == (int)v &&
                (!kb[(int)v].name || strcmp(nn->string, kb[(int)v].name) < 0))
                kb[(int)v] = (keptbit){nn->string, off};
            off++;
        }
    }
    return kb;
}

/* Largest bit number of a cell connection in the file's module (-1: none). */
static int max_conn_bit(const cJSON *cells)
{
    int mx = -1;
    const cJSON *c, *list = cJSON_IsObject(cells) ? cells : NULL;
    cJSON_ArrayForEach(c, list)
    {
        const cJSON *k, *conns = cJSON_GetObjectItemCaseSensitive(c, "connections");
        const cJSON *klist = cJSON_IsObject(conns) ? conns : NULL;
        cJSON_ArrayForEach(k, klist)
        {
            const cJSON *b, *blist = cJSON_IsArray(k) ? k : NULL;
            cJSON_ArrayForEach(b, blist)
            {
                if (cJSON_IsNumber(b) && b->valuedouble > mx && b->valuedouble <= SY_MAX_BIT)
                    mx = (int)b->valuedouble;
            }
        }
    }
    return mx;
}

/* The net of a flop's one-bit connection `pin` in the final module nm: *bit, and its name in
 * *name (allocated; "0" or "1" for a constant). NULL, or what is wrong. */
static const char *resolve(const cJSON *cell, const char *pin, const keptbit *kb, int nbits,
                           const sy_nmod *nm, int *bit, char **name)
{
    const cJSON *conns = cJSON_GetObjectItemCaseSensitive(cell, "connections");
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(conns, pin);
    const cJSON *b = cJSON_IsArray(arr) && cJSON_GetArraySize(arr) == 1 ? arr->child : NULL;
    if (cJSON_IsString(b) && (strcmp(b->valuestring, "0") == 0 || strcmp(b->valuestring, "1") == 0)) {
        *bit = b->valuestring[0] == '1' ? SY_BIT_1 : SY_BIT_0;
        *name = sy_strdup(b->valuestring);
        return NULL;
    }
    if (!cJSON_IsNumber(b) || !(b->valuedouble >= 0 && b->valuedouble < nbits)) return "is not one net";
    const keptbit *k = &kb[(int)b->valuedouble];
    if (!k->name) return "is a net without a kept name";
    for (int i = 0; i < nm->nkept; i++) {
        const sy_nport *w = &nm->kept[i];
        if (strcmp(w->name, k->name) != 0) continue;
        if (k->off >= w->nbits || w->bits[k->off] == SY_BIT_X || w->bits[k->off] == SY_BIT_Z) break;
        *bit = w->bits[k->off];
        *name = w->nbits > 1 ? sy_asprintf("%s[%d]", w->name, k->off) : sy_strdup(w->name);
        return NULL;
    }
    return "is a kept net the netlist lacks (the two files are of different synthesis runs)";
}

static int ffen_cmp(const void *a, const void *b)
{
    return strcmp(((const sy_ffen *)a)->cell, ((const sy_ffen *)b)->cell);
}

sy_ffens *sy_ffens_read(const char *path, const sy_nmod *nm, char *err, size_t errlen)
{
    char rerr[512];
    char *text = sy_read_file(path, NULL, rerr, sizeof rerr);
    if (!text) {
        snprintf(err, errlen, "flop enables: %s", rerr);
        return NULL;
    }
    cJSON *root = cJSON_ParseWithOpts(text, NULL, 1);
    free(text);
    const cJSON *mods = cJSON_GetObjectItemCaseSensitive(root, "modules");
    const cJSON *jm = cJSON_GetObjectItemCaseSensitive(mods, nm->name);
    if (!cJSON_IsObject(jm)) {
        snprintf(err, errlen, "flop enables %s: %s", path,
                 root ? "no module of the netlist's name" : "not a JSON document");
        cJSON_Delete(root);
        return NULL;
    }
    const cJSON *cells = cJSON_GetObjectItemCaseSensitive(jm, "cells");
    int nbits = max_conn_bit(cells) + 1;
    keptbit *kb = kept_bits(cJSON_GetObjectItemCaseSensitive(jm, "netnames"), nbits);
    sy_ffens *e = sy_xcalloc(1, sizeof *e);
    int rc = 0;
    const cJSON *c, *clist = cJSON_IsObject(cells) ? cells : NULL;
    cJSON_ArrayForEach(c, clist)
    {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(c, "type");
        char en_pol = 0, rst_pol = 0;
        int has_rst = 0;
        const char *what = NULL, *pin = NULL;
        sy_ffen f = {.rst = SY_BIT_0, .rst_high = 1};
        char *en_name = NULL, *rst_name = NULL;
        if (!cJSON_IsString(t) || parse_type(t->valuestring, &en_pol, &rst_pol, &has_rst) != 0)
            what = "has a type other than $_DFFE_CE_, $_SDFFE_CRVE_, $_SDFFCE_CRVE_";
        else if (!sy_is_token(c->string))
            what = "has a name with a space, '/' or control character";
        else if ((what = resolve(c, "E", kb, nbits, nm, &f.en, &en_name)) != NULL)
            pin = "E";
        else if (has_rst && (what = resolve(c, "R", kb, nbits, nm, &f.rst, &rst_name)) != NULL)
            pin = "R";
        if (what) {
            if (pin)
                snprintf(err, errlen, "flop enables %s: cell %.80s: its %s connection %s", path, c->string,
                         pin, what);
            else
                snprintf(err, errlen, "flop enables %s: cell %.80s %s", path, c->string, what);
            free(en_name);
            rc = -1;
            break;
        }
        f.cell = sy_strdup(c->string);
        f.en_high = en_pol == 'P';
        f.rst_high = has_rst ? rst_pol == 'P' : 1;
        f.cond = rst_name ? sy_asprintf("%s%s|%s%s", f.en_high ? "" : "!", en_name, f.rst_high ? "" : "!",
                                        rst_name)
                          : sy_asprintf("%s%s", f.en_high ? "" : "!", en_name);
        free(en_name);
        free(rst_name);
        e->ff = sy_xrealloc(e->ff, (size_t)(e->n + 1) * sizeof *e->ff);
        e->ff[e->n++] = f;
    }
    free(kb);
    cJSON_Delete(root);
    if (rc) {
        sy_ffens_free(e);
        return NULL;
    }
    if (e->n) qsort(e->ff, (size_t)e->n, sizeof *e->ff, ffen_cmp);
    return e;
}

static int ffen_key_cmp(const void *key, const void *b)
{
    return strcmp((const char *)key, ((const sy_ffen *)b)->cell);
}

const sy_ffen *sy_ffens_find(const sy_ffens *e, const char *cell)
{
    return e && e->n ? bsearch(cell, e->ff, (size_t)e->n, sizeof *e->ff, ffen_key_cmp) : NULL;
}

void sy_ffens_free(sy_ffens *e)
{
    if (!e) return;
    for (int i = 0; i < e->n; i++) {
        free(e->ff[i].cell);
        free(e->ff[i].cond);
    }
    free(e->ff);
    free(e);
}
