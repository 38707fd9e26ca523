/* sy_glmodel.c — see sy_glmodel.h. */
#include "sy_glmodel.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sy_enables.h"
#include "sy_util.h"

/* ------------------------------------------------------------------------------------ */
/* Private state: netlists read so far and every allocation of the model                  */

typedef struct {
    sy_netlist **nls;
    char **nl_names;
    int nnl;
    sy_ffens **ffs; /* per netlist read: its flops' enables (NULL: not read yet, or no file) */
    int *ff_read;   /* per netlist: 1 once its enable file was looked for */
    void **blocks;
    int nblocks, capblocks;
} priv;

static void *take(sy_glmodel *g, void *p)
{
    priv *pv = g->priv;
    if (pv->nblocks == pv->capblocks) {
        pv->capblocks = pv->capblocks ? 2 * pv->capblocks : 64;
        pv->blocks = sy_xrealloc(pv->blocks, (size_t)pv->capblocks * sizeof *pv->blocks);
    }
    pv->blocks[pv->nblocks++] = p;
    return p;
}

static const sy_nmod *netlist_of(sy_glmodel *g, const char *nldir, const char *module, char *err,
                                 size_t errlen)
{
    priv *pv = g->priv;
    for (int i = 0; i < pv->nnl; i++)
        if (strcmp(pv->nl_names[i], module) == 0) return sy_netlist_find(pv->nls[i], module);
    char *path = sy_asprintf("%s/%s.json", nldir, module);
    sy_netlist *nl = sy_netlist_read(path, err, errlen);
    free(path);
    if (!nl) return NULL;
    pv->nls = sy_xrealloc(pv->nls, (size_t)(pv->nnl + 1) * sizeof *pv->nls);
    pv->nl_names = sy_xrealloc(pv->nl_names, (size_t)(pv->nnl + 1) * sizeof *pv->nl_names);
    pv->ffs = sy_xrealloc(pv->ffs, (size_t)(pv->nnl + 1) * sizeof *pv->ffs);
    pv->ff_read = sy_xrealloc(pv->ff_read, (size_t)(pv->nnl + 1) * sizeof *pv->ff_read);
    pv->ffs[pv->nnl] = NULL;
    pv->ff_read[pv->nnl] = 0;
    pv->nls[pv->nnl] = nl;
    pv->nl_names[pv->nnl++] = sy_strdup(module);
    const sy_nmod *m = sy_netlist_find(nl, module);
    if (!m) snprintf(err, errlen, "netlist %s/%s.json has no module %s", nldir, module, module);
    return m;
}

/* The flop enables of netlist module nm (read before with netlist_of), from
 * nldir/<module>.ffen.json: *out, NULL when the file does not exist. -1 with err on a file
 * that does not read. */
static int ffens_of(sy_glmodel *g, const char *nldir, const sy_nmod *nm, const sy_ffens **out, char *err,
                    size_t errlen)
{
    priv *pv = g->priv;
    int i = 0;
    while (i < pv->nnl && sy_netlist_find(pv->nls[i], nm->name) != nm) i++;
    *out = NULL;
    if (i == pv->nnl) return 0;
    if (!pv->ff_read[i]) {
        pv->ff_read[i] = 1;
        char *path = sy_asprintf("%s/%s.ffen.json", nldir, nm->name);
        struct stat st;
        int exists = stat(path, &st) == 0 || errno != ENOENT; /* else the reader says why */
        if (exists) pv->ffs[i] = sy_ffens_read(path, nm, err, errlen);
        free(path);
        if (exists && !pv->ffs[i]) return -1;
    }
    *out = pv->ffs[i];
    return 0;
}

/* ------------------------------------------------------------------------------------ */
/* Capture columns                                                                        */

int sy_capture_order_parse(const char *s)
{
    if (strcmp(s, "ports") == 0) return SY_ORDER_PORTS;
    if (strcmp(s, "inputs-first") == 0) return SY_ORDER_INPUTS_FIRST;
    return -1;
}

int sy_capture_col(const hg_mmod *mm, const char *name, sy_capture_order order)
{
    int col = 0;
    int passes = order == SY_ORDER_PORTS ? 1 : 2;
    for (int pass = 0; pass < passes; pass++)
        for (int i = 0; i < mm->nports; i++) {
            const hg_mport *p = &mm->ports[i];
            if (strcmp(p->name, "clk_i") == 0) continue;
            if (order == SY_ORDER_INPUTS_FIRST && (p->dir == HG_DIR_OUT) != pass) continue;
            if (strcmp(p->name, name) == 0) return col;
            col++;
        }
    return -1;
}

/* ------------------------------------------------------------------------------------ */
/* Building                                                                               */

typedef struct {
    sy_glmodel *g;
    const hg_manifest *man;
    const char *nldir;
    sy_capture_order order;
    int capsegs, capchildren, capcells, capmems;
    char *err;
    size_t errlen;
} builder;

static const sy_nport *find_port(const sy_nport *ports, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(ports[i].name, name) == 0) return &ports[i];
    return NULL;
}

static int leaf_count(builder *b, const sy_nmod *nm)
{
    int n = 0;
    for (int i = 0; i < nm->ncells; i++) n += hg_manifest_find(b->man, nm->cells[i].type) == NULL;
    return n;
}

static void add_seg(builder *b, int is_in, int src, int col, const char *port, const int *bits, int width)
{
    sy_glmodel *g = b->g;
    if (g->nsegs == b->capsegs) {
        b->capsegs = b->capsegs ? 2 * b->capsegs : 32;
        g->segs = sy_xrealloc(g->segs, (size_t)b->capsegs * sizeof *g->segs);
    }
    int *copy = take(g, sy_xmalloc((size_t)(width ? width : 1) * sizeof *copy));
    memcpy(copy, bits, (size_t)width * sizeof *copy);
    int *pos = is_in ? &g->nin : &g->nout;
    g->segs[g->nsegs++] = (sy_seg){is_in, *pos, width, src, col, port, copy};
    *pos += width;
}

/* Translated copy of a cell's connections: bits of the (inlined) module -> model nets. */
static sy_nport *translate(builder *b, const sy_ncell *c, const int *xl)
{
    sy_nport *conns = take(b->g, sy_xcalloc((size_t)(c->nconns ? c->nconns : 1), sizeof *conns));
    for (int k = 0; k < c->nconns; k++) {
        conns[k] = c->conns[k];
        int *bits =
            take(b->g, sy_xmalloc((size_t)(c->conns[k].nbits ? c->conns[k].nbits : 1) * sizeof *bits));
        for (int j = 0; j < c->conns[k].nbits; j++) {
            int v = c->conns[k].bits[j];
            bits[j] = v >= 0 ? xl[v] : v;
        }
        conns[k].bits = bits;
    }
    return conns;
}

static char *join(const char *prefix, const char *name)
{
    return prefix[0] ? sy_asprintf("%s.%s", prefix, name) : sy_strdup(name);
}

static int is_enable(const char *name, int write)
{
    static const char *const wr[] = {"we_i", "wen_i", "wr_en_i", "write_en_i", "w_en_i", NULL};
    static const char *const rd[] = {"re_i", "ren_i", "rd_en_i", "read_en_i", "r_en_i", NULL};
    for (const char *const *n = write ? wr : rd; *n; n++)
        if (strcmp(*n, name) == 0) return 1;
    return 0;
}

static int add_child(builder *b, const sy_ncell *c, const hg_mmod *cm, const sy_nport *conns, char *path)
{
    sy_glmodel *g = b->g;
    if (g->nchildren == b->capchildren) {
        b->capchildren = b->capchildren ? 2 * b->capchildren : 16;
        g->children = sy_xrealloc(g->children, (size_t)b->capchildren * sizeof *g->children);
    }
    int idx = g->nchildren++;
    g->children[idx] = (sy_glchild){(char *)(uintptr_t)path, cm};
    for (int dir = 1; dir >= 0; dir--)
        for (int i = 0; i < cm->nports; i++) {
            const hg_mport *mp = &cm->ports[i];
            if ((mp->dir == HG_DIR_OUT) != dir || strcmp(mp->name, "clk_i") == 0) continue;
            const sy_nport *p = find_port(conns, c->nconns, mp->name);
            if (!p) continue; /* unconnected */
            if (p->nbits != mp->width) {
                snprintf(b->err, b->errlen, "module %s: instance %s: port %s has %d bits, manifest says %d",
                         g->mmod->name, path, mp->name, p->nbits, mp->width);
                return -1;
            }
            add_seg(b, dir == 1, idx, sy_capture_col(cm, mp->name, b->order), mp->name, p->bits, p->nbits);
        }
    return 0;
}

/* A clocked cell (an input on the model's clock net): the register name of its first output
 * bit in nm, prefixed, or its own (prefixed) cell name when the bit has none. NULL for a cell
 * that is not clocked. */
static const char *clocked_reg(builder *b, const sy_nmod *nm, const sy_ncell *c, const sy_nport *conns,
                               const char *prefix)
{
    int clocked = 0, out = -1;
    for (int k = 0; k < c->nconns; k++) {
        if (conns[k].dir == 0 && conns[k].nbits == 1 && conns[k].bits[0] == b->g->clk_net &&
            b->g->clk_net >= 0)
            clocked = 1;
        if (conns[k].dir == 1 && conns[k].nbits > 0 && out < 0) out = c->conns[k].bits[0];
    }
    if (!clocked) return NULL;
    const char *name = out >= 0 && out <= nm->maxbit && nm->bitname[out] ? nm->bitname[out] : c->name;
    return take(b->g, join(prefix, name));
}

/* Adds the cells of netlist module nm, whose bit v is model net xl[v], under path prefix
 * (depth: inlining level). */
static int add_cells(builder *b, const sy_nmod *nm, const int *xl, const char *prefix, int depth)
{
    sy_glmodel *g = b->g;
    if (depth > SY_MAX_DEPTH) {
        snprintf(b->err, b->errlen,
                 "module %s: more than %d levels of inlined submodules at %s (a module that "
                 "contains itself?)",
                 g->mmod->name, SY_MAX_DEPTH, prefix);
        return -1;
    }
    const sy_ffens *ffs = NULL;
    int ffs_known = 0;
    for (int i = 0; i < nm->ncells; i++) {
        const sy_ncell *c = &nm->cells[i];
        const hg_mmod *cm = hg_manifest_find(b->man, c->type);
        sy_nport *conns = translate(b, c, xl);
        char *path = take(g, join(prefix, c->name));
        if (!cm) {
            if (g->ncells == b->capcells) {
                b->capcells = b->capcells ? 2 * b->capcells : 256;
                g->cells = sy_xrealloc(g->cells, (size_t)b->capcells * sizeof *g->cells);
            }
            sy_glcell *gc = &g->cells[g->ncells++];
            *gc = (sy_glcell){path, c->type, c->nconns, conns, clocked_reg(b, nm, c, conns, prefix), {0}};
            if (!gc->reg) continue;
            if (!ffs_known) {
                if (ffens_of(g, b->nldir, nm, &ffs, b->err, b->errlen) != 0) return -1;
                if (!ffs) {
                    snprintf(b->err, b->errlen,
                             "netlist %s/%s.json has flip-flops but no %s.ffen.json beside it (their load "
                             "enables, written by synth/scripts/yosys_module.tcl): synthesize it again",
                             b->nldir, nm->name, nm->name);
                    return -1;
                }
                ffs_known = 1;
            }
            const sy_ffen *fe = sy_ffens_find(ffs, c->name);
            if (fe)
                gc->en = (sy_glen){fe->en >= 0 ? xl[fe->en] : fe->en, fe->en_high,
                                   fe->rst >= 0 ? xl[fe->rst] : fe->rst, fe->rst_high,
                                   take(g, join(prefix, fe->cond))};
            continue;
        }
        if (cm->is_memory) {
            if (g->nmems == b->capmems) {
                b->capmems = b->capmems ? 2 * b->capmems : 8;
                g->mems = sy_xrealloc(g->mems, (size_t)b->capmems * sizeof *g->mems);
            }
            sy_glmem *m = &g->mems[g->nmems++];
            *m = (sy_glmem){path, cm, c->nconns, conns, -1, -1};
            for (int k = 0; k < c->nconns; k++) {
                if (conns[k].dir == 0 && is_enable(conns[k].name, 1)) m->wr_en = k;
                if (conns[k].dir == 0 && is_enable(conns[k].name, 0)) m->rd_en = k;
            }
            continue;
        }
        const sy_nmod *cn = netlist_of(g, b->nldir, cm->name, b->err, b->errlen);
        if (!cn) return -1;
        if (leaf_count(b, cn) > 0) {
            if (add_child(b, c, cm, conns, path) != 0) return -1;
            continue;
        }
        /* pure wiring: inline it, its internal nets become fresh model nets */
        if (g->nnets > SY_MAX_NETS - (cn->maxbit + 1)) {
            snprintf(b->err, b->errlen, "module %s: more than %d nets with the inlined submodule %s",
                     g->mmod->name, SY_MAX_NETS, path);
            return -1;
        }
        int *cxl = sy_xmalloc((size_t)(cn->maxbit + 1) * sizeof *cxl);
        for (int v = 0; v <= cn->maxbit; v++) cxl[v] = -1;
        for (int p = 0; p < cn->nports; p++) {
            const sy_nport *pc = find_port(conns, c->nconns, cn->ports[p].name);
            for (int j = 0; j < cn->ports[p].nbits; j++) {
                int v = cn->ports[p].bits[j];
                if (v >= 0 && pc && j < pc->nbits) cxl[v] = pc->bits[j] >= 0 ? pc->bits[j] : -1;
            }
        }
        for (int v = 0; v <= cn->maxbit; v++)
            if (cxl[v] < 0) cxl[v] = g->nnets++;
        int rc = add_cells(b, cn, cxl, path, depth + 1);
        free(cxl);
        if (rc != 0) return -1;
    }
    return 0;
}

static int add_own_ports(builder *b, const sy_nmod *nm)
{
    const hg_mmod *mm = b->g->mmod;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < mm->nports; i++) {
            const hg_mport *mp = &mm->ports[i];
            if ((mp->dir == HG_DIR_OUT) != pass || strcmp(mp->name, "clk_i") == 0) continue;
            const sy_nport *p = find_port(nm->ports, nm->nports, mp->name);
            if (!p || p->nbits != mp->width) {
                snprintf(b->err, b->errlen, "module %s: port %s of the manifest (width %d) %s in the netlist",
                         mm->name, mp->name, mp->width, p ? "has another width" : "is missing");
                return -1;
            }
            add_seg(b, pass == 0, -1, sy_capture_col(mm, mp->name, b->order), mp->name, p->bits, p->nbits);
        }
    return 0;
}

typedef struct {
    const char *name, *type;
    const sy_glen *en;
    int tog;
} gmember;

static int group_cmp(const gmember *x, const gmember *y)
{
    int c = strcmp(x->name, y->name);
    if (!c) c = strcmp(x->type, y->type);
    if (!c) c = strcmp(x->en->cond, y->en->cond);
    return c;
}

static int gmember_cmp(const void *a, const void *b)
{
    const gmember *x = a, *y = b;
    int c = group_cmp(x, y);
    return c ? c : (x->tog > y->tog) - (x->tog < y->tog);
}

/* Groups the clocked cells with a load enable by (register, type, enable), each by the toggle
 * index of its first output; the groups in name order, members in toggle order. (An enable's
 * condition text names its nets, so equal texts are equal conditions.) */
static void build_gates(sy_glmodel *g)
{
    gmember *m = sy_xmalloc((size_t)(g->ntogs ? g->ntogs : 1) * sizeof *m);
    int n = 0;
    for (int t = 0; t < g->ntogs; t++) {
        const sy_glcell *c = &g->cells[g->togs[t].cell];
        if (c->reg && c->en.cond && (t == 0 || g->togs[t - 1].cell != g->togs[t].cell))
            m[n++] = (gmember){c->reg, c->type, &c->en, t};
    }
    qsort(m, (size_t)n, sizeof *m, gmember_cmp);
    for (int i = 0; i < n;) {
        int j = i + 1;
        while (j < n && group_cmp(&m[j], &m[i]) == 0) j++;
        int *togs = take(g, sy_xmalloc((size_t)(j - i) * sizeof *togs));
        for (int k = i; k < j; k++) togs[k - i] = m[k].tog;
        g->gates = sy_xrealloc(g->gates, (size_t)(g->ngates + 1) * sizeof *g->gates);
        g->gates[g->ngates++] = (sy_glgate){m[i].name, m[i].type, *m[i].en, j - i, togs};
        i = j;
    }
    free(m);
}

sy_glmodel *sy_glmodel_build(const hg_manifest *man, const char *nldir, const char *module,
                             sy_capture_order order, char *err, size_t errlen)
{
    sy_glmodel *g = sy_xcalloc(1, sizeof *g);
    g->priv = sy_xcalloc(1, sizeof(priv));
    g->mmod = hg_manifest_find(man, module);
    g->clk_net = -1;
    builder b = {.g = g, .man = man, .nldir = nldir, .order = order, .err = err, .errlen = errlen};
    if (!g->mmod || g->mmod->is_memory) {
        snprintf(err, errlen, "'%s' is not a logic module of the manifest", module);
        sy_glmodel_free(g);
        return NULL;
    }
    const sy_nmod *nm = netlist_of(g, nldir, module, err, errlen);
    if (!nm || add_own_ports(&b, nm) != 0) {
        sy_glmodel_free(g);
        return NULL;
    }
    g->nnets = nm->maxbit + 1;
    const sy_nport *clk = find_port(nm->ports, nm->nports, "clk_i");
    if (clk && clk->nbits == 1 && clk->bits[0] >= 0) g->clk_net = clk->bits[0];
    int *xl = sy_xmalloc((size_t)(nm->maxbit + 1) * sizeof *xl);
    for (int v = 0; v <= nm->maxbit; v++) xl[v] = v;
    int rc = add_cells(&b, nm, xl, "", 0);
    free(xl);
    if (rc != 0) {
        sy_glmodel_free(g);
        return NULL;
    }
    for (int i = 0; i < g->ncells; i++)
        for (int k = 0; k < g->cells[i].nconns; k++) {
            const sy_nport *p = &g->cells[i].conns[k];
            if (p->dir != 1 || p->nbits < 1 || p->bits[0] < 0) continue;
            g->togs = sy_xrealloc(g->togs, (size_t)(g->ntogs + 1) * sizeof *g->togs);
            g->togs[g->ntogs++] = (sy_gltog){i, p->name, p->bits[0]};
        }
    build_gates(g);
    return g;
}

void sy_glmodel_free(sy_glmodel *g)
{
    if (!g) return;
    priv *pv = g->priv;
    for (int i = 0; i < pv->nblocks; i++) free(pv->blocks[i]);
    free(pv->blocks);
    for (int i = 0; i < pv->nnl; i++) {
        sy_netlist_free(pv->nls[i]);
        free(pv->nl_names[i]);
    }
    for (int i = 0; i < pv->nnl; i++) sy_ffens_free(pv->ffs[i]);
    free(pv->nls);
    free(pv->nl_names);
    free(pv->ffs);
    free(pv->ff_read);
    free(pv);
    free(g->segs);
    free(g->children);
    free(g->cells);
    free(g->mems);
    free(g->togs);
    free(g->gates);
    free(g);
}

void sy_glmodel_write_map(const sy_glmodel *g, FILE *f)
{
    int nacc = 0;
    for (int i = 0; i < g->nmems; i++) nacc += 1 + (g->mems[i].wr_en >= 0);
    fprintf(f, "hggl 1\nmodule %s\nwidths %d %d %d %d\nself %d\n", g->mmod->name, g->nin, g->nout, g->ntogs,
            nacc, hg_mmod_ncols(g->mmod));
    for (int i = 0; i < g->nchildren; i++)
        fprintf(f, "child %d %s %s %d\n", i, g->children[i].path, g->children[i].mod->name,
                hg_mmod_ncols(g->children[i].mod));
    for (int i = 0; i < g->nsegs; i++) {
        const sy_seg *s = &g->segs[i];
        if (s->src < 0)
            fprintf(f, "%s %d %d self %d %s\n", s->is_in ? "in" : "out", s->pos, s->width, s->col, s->port);
        else
            fprintf(f, "%s %d %d %d %d %s\n", s->is_in ? "in" : "out", s->pos, s->width, s->src, s->col,
                    s->port);
    }
    for (int i = 0; i < g->ntogs; i++)
        fprintf(f, "tog %d %s %s\n", i, g->cells[g->togs[i].cell].name, g->togs[i].pin);
    for (int i = 0; i < g->ngates; i++) {
        const sy_glgate *q = &g->gates[i];
        fprintf(f, "gate %d %s %s %s %d", i, q->type, q->name, q->en.cond, q->n);
        for (int k = 0; k < q->n; k++) fprintf(f, " %d", q->togs[k]);
        fputc('\n', f);
    }
    int acc = 0;
    for (int i = 0; i < g->nmems; i++) {
        const sy_glmem *m = &g->mems[i];
        if (m->wr_en >= 0)
            fprintf(f, "mem %d %s %s w %s\n", acc++, m->name, m->mod->name, m->conns[m->wr_en].name);
        fprintf(f, "mem %d %s %s r %s\n", acc++, m->name, m->mod->name,
                m->rd_en >= 0 ? m->conns[m->rd_en].name : "-");
    }
}
