/* sy_netlist.c — see sy_netlist.h. */
#include "sy_netlist.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sy_io.h"
#include "sy_util.h"

static int parse_dir(const char *s)
{
    if (!s) return -1;
    if (strcmp(s, "input") == 0) return 0;
    if (strcmp(s, "output") == 0) return 1;
    if (strcmp(s, "inout") == 0) return 2;
    return -1;
}

/* Converts a JSON bit list into *bits; returns the count, updating *maxbit, or -1 with a
 * message (what: "port p" or "cell c port p") on a bit that is neither a net number in
 * 0..SY_MAX_BIT nor one of "0", "1", "x", "z". */
static int parse_bits(const cJSON *arr, int **bits, int *maxbit, const char *what, char *err, size_t errlen)
{
    int n = cJSON_IsArray(arr) ? cJSON_GetArraySize(arr) : 0;
    if (!cJSON_IsArray(arr) || n > SY_MAX_BIT + 1) {
        snprintf(err, errlen, "%s: \"bits\" is not a list of at most %d bits", what, SY_MAX_BIT + 1);
        *bits = NULL;
        return -1;
    }
    *bits = sy_xcalloc((size_t)(n ? n : 1), sizeof **bits);
    int i = 0;
    const cJSON *b;
    cJSON_ArrayForEach(b, arr)
    {
        if (cJSON_IsNumber(b)) {
            double v = b->valuedouble;
            if (!(v >= 0 && v <= SY_MAX_BIT && v == (double)(int)v)) {
                snprintf(err, errlen, "%s: bit %d is %.17g: net numbers must be integers in 0..%d", what, i,
                         v, SY_MAX_BIT);
                return -1;
            }
            (*bits)[i] = (int)v;
            if ((int)v > *maxbit) *maxbit = (int)v;
        } else {
            const char *s = cJSON_IsString(b) ? b->valuestring : "";
            if (strcmp(s, "0") && strcmp(s, "1") && strcmp(s, "x") && strcmp(s, "z")) {
                snprintf(err, errlen, "%s: bit %d is neither a net number nor \"0\", \"1\", \"x\", \"z\"",
                         what, i);
                return -1;
            }
            (*bits)[i] = s[0] == '0' ? SY_BIT_0 : s[0] == '1' ? SY_BIT_1 : s[0] == 'z' ? SY_BIT_Z : SY_BIT_X;
        }
        i++;
    }
    return n;
}

/* Direction of port `port` of a cell: from its port_directions, else from the module of
 * that type in the same file. */
static int cell_port_dir(const cJSON *cell, const cJSON *jmods, const char *type, const char *port)
{
    const cJSON *pd = cJSON_GetObjectItemCaseSensitive(cell, "port_directions");
    if (pd) {
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(pd, port);
        if (cJSON_IsString(d)) return parse_dir(d->valuestring);
    }
    const cJSON *tm = cJSON_GetObjectItemCaseSensitive(jmods, type);
    const cJSON *ports = tm ? cJSON_GetObjectItemCaseSensitive(tm, "ports") : NULL;
    const cJSON *p = ports ? cJSON_GetObjectItemCaseSensitive(ports, port) : NULL;
    const cJSON *d = p ? cJSON_GetObjectItemCaseSensitive(p, "direction") : NULL;
    return cJSON_IsString(d) ? parse_dir(d->valuestring) : -1;
}

static int bad_name(const char *kind, const char *name, int ident, char *err, size_t errlen)
{
    if (ident ? sy_is_ident(name) : sy_is_token(name)) return 0;
    snprintf(err, errlen, "%s \"%.80s\" is not %s", kind, name,
             ident ? "an identifier ([A-Za-z_][A-Za-z0-9_]*)"
                   : "a name of printable characters without space or '/'");
    return -1;
}

/* A net name that names a register: not hidden, not a net Yosys numbered (_N_, what a netlist
 * read back from Verilog calls its internal nets), printable without spaces or '/'. */
static int register_name(const cJSON *nn)
{
    const char *s = nn->string;
    const cJSON *hide = cJSON_GetObjectItemCaseSensitive(nn, "hide_name");
    if (!s || (cJSON_IsNumber(hide) && hide->valuedouble != 0) || !sy_is_token(s)) return 0;
    size_t n = strlen(s), k = 1;
    while (k < n && s[k] >= '0' && s[k] <= '9') k++;
    return !(n >= 3 && s[0] == '_' && s[n - 1] == '_' && k == n - 1);
}

/* Names of the bits (sy_nmod.bitname) from "netnames". The names are metadata: an entry of
 * another form, or a bit outside 0..maxbit, is left out rather than an error. */
static void read_netnames(const cJSON *netnames, sy_nmod *m)
{
    m->bitname = sy_xcalloc((size_t)(m->maxbit + 2), sizeof *m->bitname);
    const cJSON *nn, *list = cJSON_IsObject(netnames) ? netnames : NULL;
    cJSON_ArrayForEach(nn, list)
    {
        const cJSON *bits = cJSON_GetObjectItemCaseSensitive(nn, "bits"), *b;
        if (!cJSON_IsArray(bits) || !register_name(nn)) continue;
        cJSON_ArrayForEach(b, bits)
        {
            if (!cJSON_IsNumber(b) || !(b->valuedouble >= 0 && b->valuedouble <= m->maxbit)) continue;
            int v = (int)b->valuedouble;
            if (v != b->valuedouble) continue;
            if (!m->bitname[v] || strcmp(nn->string, m->bitname[v]) < 0) {
                free(m->bitname[v]);
                m->bitname[v] = sy_strdup(nn->string);
            }
        }
    }
}

int sy_netlist_attr_set(const cJSON *a)
{
    if (cJSON_IsNumber(a)) return a->valuedouble != 0;
    return cJSON_IsString(a) && strpbrk(a->valuestring, "123456789") != NULL;
}

/* The kept wires (sy_nmod.kept) from "netnames" (a bit no port or cell connects reads as
 * SY_BIT_X); -1 with err on a bad name or bit list. */
static int read_kept(const cJSON *netnames, sy_nmod *m, char *err, size_t errlen)
{
    const cJSON *nn, *list = cJSON_IsObject(netnames) ? netnames : NULL;
    cJSON_ArrayForEach(nn, list)
    {
        const cJSON *attrs = cJSON_GetObjectItemCaseSensitive(nn, "attributes");
        if (!sy_netlist_attr_set(cJSON_GetObjectItemCaseSensitive(attrs, "keep"))) continue;
        if (bad_name("kept net", nn->string, 0, err, errlen)) return -1;
        m->kept = sy_xrealloc(m->kept, (size_t)(m->nkept + 1) * sizeof *m->kept);
        sy_nport *k = &m->kept[m->nkept++];
        *k = (sy_nport){sy_strdup(nn->string), 0, 0, NULL};
        char *what = sy_asprintf("net %s", nn->string);
        int maxbit = m->maxbit; /* a kept net's bits are those of ports and cells */
        k->nbits =
            parse_bits(cJSON_GetObjectItemCaseSensitive(nn, "bits"), &k->bits, &maxbit, what, err, errlen);
        free(what);
        if (k->nbits < 0) return -1;
        for (int j = 0; j < k->nbits; j++)
            if (k->bits[j] > m->maxbit) k->bits[j] = SY_BIT_X; /* connected to nothing */
    }
    return 0;
}

static int read_module(const cJSON *jm, const cJSON *jmods, sy_nmod *m, char *err, size_t errlen)
{
    m->name = sy_strdup(jm->string ? jm->string : "");
    m->maxbit = -1;
    const cJSON *attrs = cJSON_GetObjectItemCaseSensitive(jm, "attributes");
    m->blackbox = attrs && cJSON_GetObjectItemCaseSensitive(attrs, "blackbox") != NULL;
    const cJSON *ports = cJSON_GetObjectItemCaseSensitive(jm, "ports");
    const cJSON *cells = cJSON_GetObjectItemCaseSensitive(jm, "cells");
    int np = cJSON_IsObject(ports) ? cJSON_GetArraySize(ports) : 0;
    int nc = cJSON_IsObject(cells) ? cJSON_GetArraySize(cells) : 0;
    m->ports = sy_xcalloc((size_t)(np ? np : 1), sizeof *m->ports);
    m->cells = sy_xcalloc((size_t)(nc ? nc : 1), sizeof *m->cells);
    char e2[512];
    const cJSON *p;
    const cJSON *plist = cJSON_IsObject(ports) ? ports : NULL, *clist = cJSON_IsObject(cells) ? cells : NULL;
    cJSON_ArrayForEach(p, plist)
    {
        sy_nport *np_ = &m->ports[m->nports++];
        np_->name = sy_strdup(p->string);
        if (bad_name("port", p->string, 1, e2, sizeof e2)) goto bad;
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(p, "direction");
        np_->dir = parse_dir(cJSON_IsString(d) ? d->valuestring : NULL);
        char *what = sy_asprintf("port %s", p->string);
        np_->nbits = parse_bits(cJSON_GetObjectItemCaseSensitive(p, "bits"), &np_->bits, &m->maxbit, what, e2,
                                sizeof e2);
        free(what);
        if (np_->nbits < 0) goto bad;
    }
    const cJSON *c;
    cJSON_ArrayForEach(c, clist)
    {
        sy_ncell *nc_ = &m->cells[m->ncells++];
        nc_->name = sy_strdup(c->string);
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(c, "type");
        nc_->type = sy_strdup(cJSON_IsString(t) ? t->valuestring : "");
        if (bad_name("cell", c->string, 0, e2, sizeof e2)) goto bad;
        if (bad_name("cell type", nc_->type, 1, e2, sizeof e2)) goto bad;
        const cJSON *conns = cJSON_GetObjectItemCaseSensitive(c, "connections");
        int nk = cJSON_IsObject(conns) ? cJSON_GetArraySize(conns) : 0;
        nc_->conns = sy_xcalloc((size_t)(nk ? nk : 1), sizeof *nc_->conns);
        const cJSON *cn, *klist = cJSON_IsObject(conns) ? conns : NULL;
        cJSON_ArrayForEach(cn, klist)
        {
            sy_nport *np_ = &nc_->conns[nc_->nconns++];
            np_->name = sy_strdup(cn->string);
            if (bad_name("cell port", cn->string, 1, e2, sizeof e2)) goto bad;
            np_->dir = cell_port_dir(c, jmods, nc_->type, cn->string);
            char *what = sy_asprintf("cell %s port %s", nc_->name, np_->name);
            np_->nbits = parse_bits(cn, &np_->bits, &m->maxbit, what, e2, sizeof e2);
            free(what);
            if (np_->nbits < 0) goto bad;
            if (np_->dir < 0) {
                snprintf(e2, sizeof e2, "cell %s (%s): direction of port %s unknown", nc_->name, nc_->type,
                         np_->name);
                goto bad;
            }
        }
    }
    read_netnames(cJSON_GetObjectItemCaseSensitive(jm, "netnames"), m);
    if (read_kept(cJSON_GetObjectItemCaseSensitive(jm, "netnames"), m, e2, sizeof e2) != 0) goto bad;
    return 0;
bad:
    snprintf(err, errlen, "module %.100s: %.380s", m->name, e2);
    return -1;
}

sy_netlist *sy_netlist_read(const char *path, char *err, size_t errlen)
{
    char rerr[768];
    char *text = sy_read_file(path, NULL, rerr, sizeof rerr);
    if (!text) {
        snprintf(err, errlen, "netlist: %s", rerr);
        return NULL;
    }
    sy_netlist *nl = sy_netlist_parse(text, path, err, errlen);
    free(text);
    return nl;
}

sy_netlist *sy_netlist_parse(const char *text, const char *path, char *err, size_t errlen)
{
    cJSON *root = cJSON_ParseWithOpts(text, NULL, 1); /* nothing may follow the value */
    const cJSON *jmods = root ? cJSON_GetObjectItemCaseSensitive(root, "modules") : NULL;
    if (!cJSON_IsObject(jmods)) {
        snprintf(err, errlen, "%s: not a Yosys JSON netlist (no \"modules\")", path);
        cJSON_Delete(root);
        return NULL;
    }
    sy_netlist *nl = sy_xcalloc(1, sizeof *nl);
    nl->nmods = cJSON_GetArraySize(jmods);
    nl->mods = sy_xcalloc((size_t)(nl->nmods ? nl->nmods : 1), sizeof *nl->mods);
    int i = 0, bad = 0;
    const cJSON *jm;
    cJSON_ArrayForEach(jm, jmods)
    {
        char e2[512];
        if (!bad && read_module(jm, jmods, &nl->mods[i], e2, sizeof e2) != 0) {
            snprintf(err, errlen, "%s: %s", path, e2);
            bad = 1;
        }
        i++;
    }
    cJSON_Delete(root);
    if (bad) {
        sy_netlist_free(nl);
        return NULL;
    }
    return nl;
}

static void free_ports(sy_nport *p, int n)
{
    for (int i = 0; i < n; i++) {
        free(p[i].name);
        free(p[i].bits);
    }
    free(p);
}

void sy_netlist_free(sy_netlist *nl)
{
    if (!nl) return;
    for (int i = 0; i < nl->nmods; i++) {
        sy_nmod *m = &nl->mods[i];
        free(m->name);
        free_ports(m->ports, m->nports);
        for (int c = 0; c < m->ncells; c++) {
            free(m->cells[c].name);
            free(m->cells[c].type);
            free_ports(m->cells[c].conns, m->cells[c].nconns);
        }
        free(m->cells);
        for (int b = 0; m->bitname && b <= m->maxbit; b++) free(m->bitname[b]);
        free(m->bitname);
        free_ports(m->kept, m->nkept);
    }
    free(nl->mods);
    free(nl);
}

const sy_nmod *sy_netlist_find(const sy_netlist *nl, const char *name)
{
    for (int i = 0; i < nl->nmods; i++)
        if (strcmp(nl->mods[i].name, name) == 0) return &nl->mods[i];
    return NULL;
}
