/* sy_netlist.c — see sy_netlist.h. */
#include "sy_netlist.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sy_util.h"

static int parse_dir(const char *s)
{
    if (!s) return -1;
    if (strcmp(s, "input") == 0) return 0;
    if (strcmp(s, "output") == 0) return 1;
    if (strcmp(s, "inout") == 0) return 2;
    return -1;
}

/* Converts a JSON bit list; returns the count, updating *maxbit. */
static int parse_bits(const cJSON *arr, int **bits, int *maxbit)
{
    int n = cJSON_GetArraySize(arr);
    *bits = sy_xcalloc((size_t)(n ? n : 1), sizeof **bits);
    for (int i = 0; i < n; i++) {
        const cJSON *b = cJSON_GetArrayItem(arr, i);
        if (cJSON_IsNumber(b)) {
            (*bits)[i] = b->valueint;
            if (b->valueint > *maxbit) *maxbit = b->valueint;
        } else {
            const char *s = cJSON_IsString(b) ? b->valuestring : "x";
            (*bits)[i] = s[0] == '0' ? SY_BIT_0 : s[0] == '1' ? SY_BIT_1 : s[0] == 'z' ? SY_BIT_Z : SY_BIT_X;
        }
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

static int read_module(const cJSON *jm, const cJSON *jmods, sy_nmod *m, char *err, size_t errlen)
{
    m->name = sy_strdup(jm->string);
    const cJSON *attrs = cJSON_GetObjectItemCaseSensitive(jm, "attributes");
    m->blackbox = attrs && cJSON_GetObjectItemCaseSensitive(attrs, "blackbox") != NULL;
    const cJSON *ports = cJSON_GetObjectItemCaseSensitive(jm, "ports");
    const cJSON *cells = cJSON_GetObjectItemCaseSensitive(jm, "cells");
    m->nports = cJSON_GetArraySize(ports);
    m->ports = sy_xcalloc((size_t)(m->nports ? m->nports : 1), sizeof *m->ports);
    int i = 0;
    const cJSON *p;
    cJSON_ArrayForEach(p, ports)
    {
        sy_nport *np = &m->ports[i++];
        np->name = sy_strdup(p->string);
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(p, "direction");
        np->dir = parse_dir(cJSON_IsString(d) ? d->valuestring : NULL);
        np->nbits = parse_bits(cJSON_GetObjectItemCaseSensitive(p, "bits"), &np->bits, &m->maxbit);
    }
    m->ncells = cJSON_GetArraySize(cells);
    m->cells = sy_xcalloc((size_t)(m->ncells ? m->ncells : 1), sizeof *m->cells);
    i = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, cells)
    {
        sy_ncell *nc = &m->cells[i++];
        nc->name = sy_strdup(c->string);
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(c, "type");
        nc->type = sy_strdup(cJSON_IsString(t) ? t->valuestring : "");
        const cJSON *conns = cJSON_GetObjectItemCaseSensitive(c, "connections");
        nc->nconns = cJSON_GetArraySize(conns);
        nc->conns = sy_xcalloc((size_t)(nc->nconns ? nc->nconns : 1), sizeof *nc->conns);
        int k = 0;
        const cJSON *cn;
        cJSON_ArrayForEach(cn, conns)
        {
            sy_nport *np = &nc->conns[k++];
            np->name = sy_strdup(cn->string);
            np->dir = cell_port_dir(c, jmods, nc->type, cn->string);
            np->nbits = parse_bits(cn, &np->bits, &m->maxbit);
            if (np->dir < 0) {
                snprintf(err, errlen, "module %s: cell %s (%s): direction of port %s unknown", m->name,
                         nc->name, nc->type, np->name);
                return -1;
            }
        }
    }
    return 0;
}

sy_netlist *sy_netlist_read(const char *path, char *err, size_t errlen)
{
    char *text = sy_read_file(path, NULL);
    if (!text) {
        snprintf(err, errlen, "cannot read netlist '%s'", path);
        return NULL;
    }
    cJSON *root = cJSON_Parse(text);
    free(text);
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
