/* sy_bound.c — see sy_bound.h. */
#include "sy_bound.h"

#include "sy_netlist.h"
#include "sy_util.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    sy_netlist *nl;
    const sy_nmod *nm;            /* the module in it */
    double *sink;                 /* per net: input pins on it (library cells, submodule inputs), pF */
    int have_sink;                /* 0 not yet, 1 in progress, 2 done */
    double **out_pin, **out_wire; /* per output port, per bit: the load beyond the module */
    int have_out;
} bmodule;

typedef struct {
    const hg_manifest *man;
    const sy_lib *lib;
    const double *area;
    const sy_bound_params *bp;
    bmodule *m;
    char *err;
    size_t errlen;
} bctx;

static int mod_index(const bctx *c, const char *name)
{
    const hg_mmod *mm = hg_manifest_find(c->man, name);
    return mm ? (int)(mm - c->man->mods) : -1;
}

static double wire_of(const bctx *c, int i)
{
    return c->bp->wire_k * c->bp->wire_pf_mm * sqrt(fmax(c->area[i], 0) * 1e-6);
}

static int port_index(const sy_nmod *nm, const char *name)
{
    for (int p = 0; p < nm->nports; p++)
        if (strcmp(nm->ports[p].name, name) == 0) return p;
    return -1;
}

static int sinks(bctx *c, int i);

/* Input capacitance of bit b of port `port` of logic module i (its sink on that port's net). */
static int in_cap(bctx *c, int i, const char *port, int b, double *pf)
{
    *pf = 0;
    if (c->man->mods[i].is_memory) return 0;
    if (sinks(c, i) != 0) return -1;
    const sy_nmod *nm = c->m[i].nm;
    int p = port_index(nm, port);
    if (p < 0 || b >= nm->ports[p].nbits) return 0; /* an unconnected port of the black box */
    int net = nm->ports[p].bits[b];
    *pf = net >= 0 ? c->m[i].sink[net] : 0;
    return 0;
}

/* sink[] of module i: the input pins on each of its nets, submodules' through their ports. */
static int sinks(bctx *c, int i)
{
    bmodule *m = &c->m[i];
    if (m->have_sink == 2) return 0;
    if (m->have_sink == 1) {
        snprintf(c->err, c->errlen, "module %s instantiates itself", c->man->mods[i].name);
        return -1;
    }
    m->have_sink = 1;
    const sy_nmod *nm = m->nm;
    m->sink = sy_xcalloc((size_t)nm->maxbit + 2, sizeof *m->sink);
    for (int k = 0; k < nm->ncells; k++) {
        const sy_ncell *cell = &nm->cells[k];
        const sy_cell *lc = sy_lib_find(c->lib, cell->type);
        int child = lc ? -1 : mod_index(c, cell->type);
        for (int q = 0; q < cell->nconns; q++) {
            const sy_nport *cp = &cell->conns[q];
            if (cp->dir != 0) continue;
            for (int b = 0; b < cp->nbits; b++) {
                int net = cp->bits[b];
                if (net < 0) continue;
                double pf = 0;
                if (lc) {
                    const sy_pin *pin = NULL;
                    for (int x = 0; x < lc->npins && !pin; x++)
                        if (strcmp(lc->pins[x].name, cp->name) == 0) pin = &lc->pins[x];
                    if (!pin) {
                        snprintf(c->err, c->errlen,
                                 "module %s: cell %s of type %s has a pin %s the library lacks",
                                 c->man->mods[i].name, cell->name, cell->type, cp->name);
                        return -1;
                    }
                    if (!pin->clock) pf = pin->cap_pf; /* clock pins: the clock network's */
                } else if (child >= 0 && in_cap(c, child, cp->name, b, &pf) != 0) {
                    return -1;
                }
                m->sink[net] += pf;
            }
        }
    }
    m->have_sink = 2;
    return 0;
}

/* out_pin / out_wire of module i: per output bit the pins and wire beyond its boundary,
   averaged over its instances in every parent (weighted by the parent's instance count). */
static int outs(bctx *c, int i)
{
    bmodule *m = &c->m[i];
    if (m->have_out) return 0;
    const sy_nmod *nm = m->nm;
    m->out_pin = sy_xcalloc((size_t)nm->nports + 1, sizeof *m->out_pin);
    m->out_wire = sy_xcalloc((size_t)nm->nports + 1, sizeof *m->out_wire);
    double **wsum = sy_xcalloc((size_t)nm->nports + 1, sizeof *wsum);
    for (int p = 0; p < nm->nports; p++) {
        m->out_pin[p] = sy_xcalloc((size_t)nm->ports[p].nbits + 1, sizeof **m->out_pin);
        m->out_wire[p] = sy_xcalloc((size_t)nm->ports[p].nbits + 1, sizeof **m->out_wire);
        wsum[p] = sy_xcalloc((size_t)nm->ports[p].nbits + 1, sizeof **wsum);
    }
    m->have_out = 1;
    int rc = 0;
    for (int par = 0; par < c->man->nmods && !rc; par++) {
        if (par == i || !c->m[par].nm) continue;
        const sy_nmod *pm = c->m[par].nm;
        double weight = c->man->mods[par].instances > 0 ? c->man->mods[par].instances : 1;
        for (int k = 0; k < pm->ncells && !rc; k++) {
            const sy_ncell *cell = &pm->cells[k];
            if (strcmp(cell->type, c->man->mods[i].name) != 0) continue;
            if (sinks(c, par) != 0 || outs(c, par) != 0) {
                rc = -1;
                break;
            }
            for (int q = 0; q < cell->nconns; q++) {
                const sy_nport *cp = &cell->conns[q];
                int p = port_index(nm, cp->name);
                if (cp->dir != 1 || p < 0) continue;
                for (int b = 0; b < cp->nbits && b < nm->ports[p].nbits; b++) {
                    int net = cp->bits[b];
                    double pin = net >= 0 ? c->m[par].sink[net] : 0, wire = net >= 0 ? wire_of(c, i) : 0;
                    for (int pp = 0; net >= 0 && pp < pm->nports; pp++) /* the net leaves the parent too */
                        if (pm->ports[pp].dir == 1)
                            for (int bb = 0; bb < pm->ports[pp].nbits; bb++)
                                if (pm->ports[pp].bits[bb] == net) {
                                    pin += c->m[par].out_pin[pp][bb];
                                    wire += c->m[par].out_wire[pp][bb];
                                }
                    m->out_pin[p][b] += weight * pin;
                    m->out_wire[p][b] += weight * wire;
                    wsum[p][b] += weight;
                }
            }
        }
    }
    for (int p = 0; p < nm->nports; p++) {
        for (int b = 0; b < nm->ports[p].nbits; b++)
            if (wsum[p][b] > 0) {
                m->out_pin[p][b] /= wsum[p][b];
                m->out_wire[p][b] /= wsum[p][b];
            }
        free(wsum[p]);
    }
    free(wsum);
    return rc;
}

/* Appends a driver (each cell output pin is visited once: no merging needed). */
static void add_drv(sy_bmod *o, int *cap, const char *cell, const char *pin, double pin_pf, double wire_pf)
{
    if (o->n == *cap) {
        *cap = *cap ? 2 * *cap : 64;
        o->v = sy_xrealloc(o->v, (size_t)*cap * sizeof *o->v);
    }
    o->v[o->n++] = (sy_bdrv){sy_strdup(cell), sy_strdup(pin), pin_pf, wire_pf};
}

static int drv_cmp(const void *a, const void *b)
{
    const sy_bdrv *x = a, *y = b;
    int r = strcmp(x->cell, y->cell);
    return r ? r : strcmp(x->pin, y->pin);
}

/* The boundary drivers of module i (sy_bound.h). */
static int drivers(bctx *c, int i, sy_bmod *o)
{
    const sy_nmod *nm = c->m[i].nm;
    if (sinks(c, i) != 0 || outs(c, i) != 0) return -1;
    int nnet = nm->maxbit + 1, cap = 0;
    double *to_child = sy_xcalloc((size_t)nnet + 1, sizeof *to_child),
           *side = sy_xcalloc((size_t)nnet + 1, sizeof *side);
    for (int k = 0; k < nm->ncells; k++) { /* nets into submodule inputs, and their largest side */
        const sy_ncell *cell = &nm->cells[k];
        int child = sy_lib_find(c->lib, cell->type) ? -1 : mod_index(c, cell->type);
        if (child < 0 || c->man->mods[child].is_memory) continue;
        for (int q = 0; q < cell->nconns; q++)
            for (int b = 0; cell->conns[q].dir == 0 && b < cell->conns[q].nbits; b++) {
                int net = cell->conns[q].bits[b];
                double pf;
                if (net < 0 || in_cap(c, child, cell->conns[q].name, b, &pf) != 0) continue;
                to_child[net] += c->bp->pins ? pf : 0;
                side[net] = fmax(side[net], wire_of(c, child));
            }
    }
    for (int k = 0; k < nm->ncells; k++) { /* the library cells driving boundary nets */
        const sy_ncell *cell = &nm->cells[k];
        if (!sy_lib_find(c->lib, cell->type)) continue;
        for (int q = 0; q < cell->nconns; q++) {
            const sy_nport *cp = &cell->conns[q];
            if (cp->dir != 1) continue;
            for (int b = 0; b < cp->nbits; b++) {
                int net = cp->bits[b];
                if (net < 0) continue;
                double pin = to_child[net], wire = side[net];
                for (int p = 0; p < nm->nports; p++)
                    if (nm->ports[p].dir == 1)
                        for (int bb = 0; bb < nm->ports[p].nbits; bb++)
                            if (nm->ports[p].bits[bb] == net) {
                                pin += c->bp->pins ? fmax(c->m[i].out_pin[p][bb] - c->bp->out_pf, 0) : 0;
                                wire += c->m[i].out_wire[p][bb];
                            }
                if (pin > 0 || wire > 0) add_drv(o, &cap, cell->name, cp->name, pin, wire);
            }
        }
    }
    free(to_child);
    free(side);
    if (o->n > 1) qsort(o->v, (size_t)o->n, sizeof *o->v, drv_cmp);
    return 0;
}

/* out[m].mem_out_pin_pf of every memory m: the pins its output bits drive in its parents,
   averaged over its instances (weighted by the parents' instance counts). */
static int mem_sinks(bctx *c, sy_bmod *out)
{
    double *w = sy_xcalloc((size_t)c->man->nmods, sizeof *w);
    for (int par = 0; par < c->man->nmods; par++) {
        const sy_nmod *pm = c->m[par].nm;
        if (!pm) continue;
        double weight = c->man->mods[par].instances > 0 ? c->man->mods[par].instances : 1;
        for (int k = 0; k < pm->ncells; k++) {
            int mi = mod_index(c, pm->cells[k].type);
            if (mi < 0 || !c->man->mods[mi].is_memory) continue;
            if (sinks(c, par) != 0) {
                free(w);
                return -1;
            }
            double pf = 0;
            for (int q = 0; q < pm->cells[k].nconns; q++)
                for (int b = 0; pm->cells[k].conns[q].dir == 1 && b < pm->cells[k].conns[q].nbits; b++) {
                    int net = pm->cells[k].conns[q].bits[b];
                    if (net >= 0) pf += c->m[par].sink[net];
                }
            out[mi].mem_out_pin_pf += weight * (c->bp->pins ? pf : 0);
            w[mi] += weight;
        }
    }
    for (int i = 0; i < c->man->nmods; i++)
        if (w[i] > 0) out[i].mem_out_pin_pf /= w[i];
    free(w);
    return 0;
}

int sy_bound_compute(const hg_manifest *man, const char *netdir, const sy_lib *lib, const double *area_um2,
                     const sy_bound_params *bp, sy_bmod *out, char *err, size_t errlen)
{
    bctx c = {man, lib, area_um2, bp, sy_xcalloc((size_t)man->nmods, sizeof(bmodule)), err, errlen};
    int rc = 0;
    memset(out, 0, (size_t)man->nmods * sizeof *out);
    for (int i = 0; i < man->nmods && !rc; i++) {
        if (man->mods[i].is_memory) continue;
        char *path = sy_asprintf("%s/%s.json", netdir, man->mods[i].name);
        c.m[i].nl = sy_netlist_read(path, err, errlen);
        if (!c.m[i].nl || !(c.m[i].nm = sy_netlist_find(c.m[i].nl, man->mods[i].name))) {
            if (c.m[i].nl) snprintf(err, errlen, "%s has no module %s", path, man->mods[i].name);
            rc = -1;
        }
        free(path);
    }
    for (int i = 0; i < man->nmods && !rc; i++)
        if (c.m[i].nm) rc = drivers(&c, i, &out[i]);
    rc = rc ? rc : mem_sinks(&c, out);
    for (int i = 0; i < man->nmods; i++) {
        bmodule *m = &c.m[i];
        if (m->have_out)
            for (int p = 0; p < m->nm->nports; p++) {
                free(m->out_pin[p]);
                free(m->out_wire[p]);
            }
        free(m->out_pin);
        free(m->out_wire);
        free(m->sink);
        if (m->nl) sy_netlist_free(m->nl);
    }
    free(c.m);
    if (rc) sy_bound_free(out, man->nmods);
    return rc;
}

const sy_bdrv *sy_bound_find(const sy_bmod *b, const char *cell, const char *pin)
{
    sy_bdrv key = {(char *)(uintptr_t)cell, (char *)(uintptr_t)pin, 0, 0};
    return b->n ? bsearch(&key, b->v, (size_t)b->n, sizeof *b->v, drv_cmp) : NULL;
}

void sy_bound_free(sy_bmod *b, int n)
{
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < b[i].n; k++) {
            free(b[i].v[k].cell);
            free(b[i].v[k].pin);
        }
        free(b[i].v);
        b[i] = (sy_bmod){0};
    }
}
