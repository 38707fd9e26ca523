/* sy_cmd_gatesim.c — `hgsynth gatesim`: the built-in gate-level simulator.
 *
 * Simulates the synthesized netlist of one module (its gate-level view, sy_glmodel.h) on
 * the captured RTL stimulus of its instances, 64 instances at a time (one bit of a 64-bit
 * word per instance), zero delay and cycle based:
 *   each cycle: drive the module inputs and the outputs of its cut-out submodules from
 *   the captures; evaluate flip-flop outputs, then the combinational cells in topological
 *   order (cell functions compiled from the Liberty `function` / `ff` attributes); check
 *   every module output and every submodule input against the capture (x digits are
 *   don't-care; a module with rst_ni is checked once its first reset is released);
 *   count toggles of every cell output net, memory enables, and per clock-gating group
 *   (sy_glgate) the cycles its gate is open, those after a cycle with its load enable on, and
 *   the cycles in which one of its flip-flops changed; then the rising clock edge loads every
 *   flip-flop from its `next_state`.
 * Memory read data is taken from the captured inputs of the submodules it feeds (memories
 * are not captured), so a memory output that drives the module's own cells is an error.
 * Writes map.txt (sy_glmodel_write_map) and one <instance>.tog per instance, the same
 * files as the Verilator harness (synth/harness/hggl_main.cpp), which is its cross-check.
 * Exit status: 0 all equal, 1 mismatch (printed: cycle, instance, port, got, expected),
 * 2 bad input or a netlist construct it does not simulate.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sy_bool.h"
#include "sy_capture.h"
#include "sy_cmd.h"
#include "sy_glmodel.h"
#include "sy_io.h"
#include "sy_lib.h"
#include "sy_list.h"
#include "sy_manifest.h"
#include "sy_util.h"

/* ------------------------------------------------------------------------------------ */
/* Compiled cell functions: a stack program per output over the input pins and state    */

enum { OP_IN, OP_ST, OP_C0, OP_C1, OP_NOT, OP_AND, OP_OR, OP_XOR, OP_END };

typedef struct {
    uint8_t op, arg;
} ins;

typedef struct {
    const sy_cell *lc;
    int nin; /* input pins, in lc->pins order */
    const char *in_names[16];
    int nout;
    const char *out_names[8];
    ins *out_prog[8];
    int seq; /* has an ff */
    ins *next_prog, *clr_prog, *pre_prog;
    const char *clk_pin;
    int clk_neg;
} ctype;

typedef struct {
    const sy_lib *lib;
    ctype **types; /* stable pointers: cells keep them */
    int ntypes;
    char *err;
    size_t errlen;
} compiler;

static int pin_index(const ctype *t, const char *name)
{
    for (int i = 0; i < t->nin; i++)
        if (strcmp(t->in_names[i], name) == 0) return i;
    return -1;
}

static int emit(const ctype *t, const sy_bexpr *e, ins *code, int *n, int max)
{
    if (*n >= max - 1) return -1;
    switch (e->op) {
    case SY_B_VAR: {
        int k = pin_index(t, e->name);
        if (k >= 0) {
            code[(*n)++] = (ins){OP_IN, (uint8_t)k};
            return 0;
        }
        const sy_seq *s = t->lc->nseq ? &t->lc->seq[0] : NULL;
        if (s && s->var1 && strcmp(e->name, s->var1) == 0)
            code[(*n)++] = (ins){OP_ST, 0};
        else if (s && s->var2 && strcmp(e->name, s->var2) == 0)
            code[(*n)++] = (ins){OP_ST, 1};
        else
            return -1;
        return 0;
    }
    case SY_B_CONST: code[(*n)++] = (ins){(uint8_t)(e->value ? OP_C1 : OP_C0), 0}; return 0;
    case SY_B_NOT:
        if (emit(t, e->a, code, n, max)) return -1;
        code[(*n)++] = (ins){OP_NOT, 0};
        return 0;
    default:
        if (emit(t, e->a, code, n, max) || emit(t, e->b, code, n, max)) return -1;
        code[(*n)++] = (ins){(uint8_t)(e->op == SY_B_AND ? OP_AND : e->op == SY_B_OR ? OP_OR : OP_XOR), 0};
        return 0;
    }
}

static ins *compile_expr(compiler *c, const ctype *t, const char *text, const char *what)
{
    char berr[256];
    sy_bexpr *e = sy_bool_parse(text, berr, sizeof berr);
    if (!e) {
        snprintf(c->err, c->errlen, "cell %s %s: %s", t->lc->name, what, berr);
        return NULL;
    }
    ins *code = sy_xcalloc(64, sizeof *code);
    int n = 0;
    if (emit(t, e, code, &n, 64) != 0) {
        snprintf(c->err, c->errlen, "cell %s %s \"%s\": unknown name or too complex", t->lc->name, what,
                 text);
        free(code);
        code = NULL;
    } else {
        code[n] = (ins){OP_END, 0};
    }
    sy_bool_free(e);
    return code;
}

static const ctype *ctype_of(compiler *c, const char *name)
{
    for (int i = 0; i < c->ntypes; i++)
        if (strcmp(c->types[i]->lc->name, name) == 0) return c->types[i];
    const sy_cell *lc = sy_lib_find(c->lib, name);
    if (!lc) {
        snprintf(c->err, c->errlen, "cell type %s is not in the liberty file", name);
        return NULL;
    }
    c->types = sy_xrealloc(c->types, (size_t)(c->ntypes + 1) * sizeof *c->types);
    ctype *t = c->types[c->ntypes] = sy_xcalloc(1, sizeof *t);
    t->lc = lc;
    for (int i = 0; i < lc->npins; i++) {
        const sy_pin *p = &lc->pins[i];
        if (p->dir == SY_PIN_INPUT && t->nin < 16) t->in_names[t->nin++] = p->name;
        if (p->dir == SY_PIN_OUTPUT && t->nout < 8) {
            if (p->three_state || !p->function) {
                snprintf(c->err, c->errlen, "cell %s: tri-state or function-less outputs are not simulated",
                         name);
                return NULL;
            }
            t->out_names[t->nout] = p->name;
            t->nout++;
        }
        if (p->dir == SY_PIN_INOUT) {
            snprintf(c->err, c->errlen, "cell %s: inout pins are not simulated", name);
            return NULL;
        }
    }
    if (lc->unsupported || lc->nseq > 1 || (lc->nseq == 1 && lc->seq[0].is_latch)) {
        snprintf(c->err, c->errlen,
                 "cell %s: latches, statetables and multi-bit cells are not simulated (%s)", name,
                 "use the Verilator route, GL_SIM=verilator");
        return NULL;
    }
    for (int o = 0; o < t->nout; o++) {
        const sy_pin *p = NULL;
        for (int i = 0; i < lc->npins; i++)
            if (strcmp(lc->pins[i].name, t->out_names[o]) == 0) p = &lc->pins[i];
        if (!(t->out_prog[o] = compile_expr(c, t, p->function, "function"))) return NULL;
    }
    if (lc->nseq == 1) {
        const sy_seq *s = &lc->seq[0];
        t->seq = 1;
        char berr[256];
        sy_bexpr *ck = sy_bool_parse(s->clocked_on, berr, sizeof berr);
        const sy_bexpr *v = ck;
        if (v && v->op == SY_B_NOT) {
            t->clk_neg = 1;
            v = v->a;
        }
        if (!v || v->op != SY_B_VAR || pin_index(t, v->name) < 0) {
            snprintf(c->err, c->errlen, "cell %s: clocked_on \"%s\" is not a pin", name, s->clocked_on);
            sy_bool_free(ck);
            return NULL;
        }
        t->clk_pin = t->in_names[pin_index(t, v->name)];
        sy_bool_free(ck);
        if (!(t->next_prog = compile_expr(c, t, s->next_state, "next_state"))) return NULL;
        if (s->clear && !(t->clr_prog = compile_expr(c, t, s->clear, "clear"))) return NULL;
        if (s->preset && !(t->pre_prog = compile_expr(c, t, s->preset, "preset"))) return NULL;
    }
    c->ntypes++;
    return t;
}

static void compiler_free(compiler *c)
{
    for (int i = 0; i < c->ntypes; i++) {
        for (int o = 0; o < c->types[i]->nout; o++) free(c->types[i]->out_prog[o]);
        free(c->types[i]->next_prog);
        free(c->types[i]->clr_prog);
        free(c->types[i]->pre_prog);
        free(c->types[i]);
    }
    free(c->types);
}

/* ------------------------------------------------------------------------------------ */
/* Simulation model                                                                       */

typedef struct {
    const ctype *t;
    int in[16];     /* net of each input pin */
    int out[8];     /* net of each output pin (-1: unconnected) */
    uint64_t st[2]; /* state var1, var2 (seq cells) */
    uint64_t nx;    /* next state, staged at the clock edge */
} scell;

typedef struct {
    const sy_glmodel *g;
    int nnets; /* model nets + 2 constants */
    int net0, net1;
    uint64_t *val, *prev;
    scell *cells;
    int ncells;
    int *order; /* combinational cells, topological */
    int norder;
    int *seqs; /* sequential cells */
    int nseqs;
    int *from_cap; /* per net: -1, or out-segment bit that feeds it (memory data) */
} simm;

static int cnet(const simm *s, int bit) { return bit >= 0 ? bit : bit == SY_BIT_1 ? s->net1 : s->net0; }

static uint64_t run(const ins *code, const scell *c, const uint64_t *val)
{
    uint64_t st[32];
    int sp = 0;
    for (const ins *i = code;; i++) {
        switch (i->op) {
        case OP_IN: st[sp++] = val[c->in[i->arg]]; break;
        case OP_ST: st[sp++] = c->st[i->arg]; break;
        case OP_C0: st[sp++] = 0; break;
        case OP_C1: st[sp++] = ~0ull; break;
        case OP_NOT: st[sp - 1] = ~st[sp - 1]; break;
        case OP_AND:
            sp--;
            st[sp - 1] &= st[sp];
            break;
        case OP_OR:
            sp--;
            st[sp - 1] |= st[sp];
            break;
        case OP_XOR:
            sp--;
            st[sp - 1] ^= st[sp];
            break;
        default: return st[0];
        }
    }
}

/* Connects cell i of g in s: its type, input and output nets; checks that a flip-flop is
   clocked by the rising edge of clk_i and has no live asynchronous clear or preset.
   driver[n] becomes i for the nets a combinational cell drives. 0, or -1 with err. */
static int sim_connect(simm *s, const sy_glmodel *g, compiler *cc, int i, int *driver, char *err,
                       size_t errlen)
{
    const sy_glcell *gc = &g->cells[i];
    scell *c = &s->cells[i];
    if (!(c->t = ctype_of(cc, gc->type))) return -1;
    for (int k = 0; k < 16; k++) c->in[k] = s->net0;
    for (int k = 0; k < 8; k++) c->out[k] = -1;
    for (int k = 0; k < gc->nconns; k++) {
        const sy_nport *p = &gc->conns[k];
        int bit = p->nbits ? p->bits[0] : SY_BIT_X;
        int pi = pin_index(c->t, p->name);
        if (pi >= 0) c->in[pi] = cnet(s, bit);
        for (int o = 0; o < c->t->nout; o++)
            if (strcmp(c->t->out_names[o], p->name) == 0 && bit >= 0) c->out[o] = bit;
    }
    if (c->t->seq) {
        int ck = c->in[pin_index(c->t, c->t->clk_pin)];
        if (ck != g->clk_net || c->t->clk_neg) {
            snprintf(err, errlen,
                     "flip-flop %s (%s) is not clocked by the rising edge of clk_i: not simulated", gc->name,
                     gc->type);
            return -1;
        }
        /* asynchronous clear / preset: only tied inactive (dfflibmap's plain flops) */
        for (int a = 0; a < 2; a++) {
            const ins *q = a ? c->t->pre_prog : c->t->clr_prog;
            int tied = 1;
            for (; q && q->op != OP_END; q++)
                if (q->op == OP_IN && c->in[q->arg] != s->net0 && c->in[q->arg] != s->net1) tied = 0;
            q = a ? c->t->pre_prog : c->t->clr_prog;
            if (q && (!tied || run(q, c, s->val) != 0)) {
                snprintf(err, errlen,
                         "flip-flop %s (%s): asynchronous %s not tied inactive: not simulated "
                         "(use GL_SIM=verilator)",
                         gc->name, gc->type, a ? "preset" : "clear");
                return -1;
            }
        }
    } else {
        for (int o = 0; o < c->t->nout; o++)
            if (c->out[o] >= 0) driver[c->out[o]] = i;
    }
    return 0;
}

/* Orders the combinational cells of s so that each comes after the cells driving its
   inputs (Kahn), and lists the flip-flops. 0, or -1 with err on a combinational loop. */
static int sim_order(simm *s, const int *driver, char *err, size_t errlen)
{
    const sy_glmodel *g = s->g;
    /* Kahn: count combinational predecessors of every combinational cell */
    int *indeg = sy_xcalloc((size_t)(g->ncells ? g->ncells : 1), sizeof *indeg);
    int *nsucc = sy_xcalloc((size_t)s->nnets, sizeof *nsucc);
    for (int i = 0; i < g->ncells; i++) {
        if (s->cells[i].t->seq) continue;
        for (int k = 0; k < s->cells[i].t->nin; k++) {
            int n = s->cells[i].in[k];
            if (driver[n] >= 0) {
                indeg[i]++;
                nsucc[n]++;
            }
        }
    }
    int *start = sy_xcalloc((size_t)s->nnets + 1, sizeof *start);
    for (int n = 0; n < s->nnets; n++) start[n + 1] = start[n] + nsucc[n];
    int *succ = sy_xmalloc((size_t)(start[s->nnets] ? start[s->nnets] : 1) * sizeof *succ);
    memset(nsucc, 0, (size_t)s->nnets * sizeof *nsucc);
    for (int i = 0; i < g->ncells; i++) {
        if (s->cells[i].t->seq) continue;
        for (int k = 0; k < s->cells[i].t->nin; k++) {
            int n = s->cells[i].in[k];
            if (driver[n] >= 0) succ[start[n] + nsucc[n]++] = i;
        }
    }
    s->order = sy_xmalloc((size_t)(g->ncells ? g->ncells : 1) * sizeof *s->order);
    s->seqs = sy_xmalloc((size_t)(g->ncells ? g->ncells : 1) * sizeof *s->seqs);
    int ncomb = 0;
    for (int i = 0; i < g->ncells; i++) {
        if (s->cells[i].t->seq)
            s->seqs[s->nseqs++] = i;
        else {
            ncomb++;
            if (indeg[i] == 0) s->order[s->norder++] = i;
        }
    }
    for (int h = 0; h < s->norder; h++) {
        const scell *c = &s->cells[s->order[h]];
        for (int o = 0; o < c->t->nout; o++) {
            int n = c->out[o];
            if (n < 0) continue;
            for (int j = start[n]; j < start[n + 1]; j++)
                if (--indeg[succ[j]] == 0) s->order[s->norder++] = succ[j];
        }
    }
    int rc = 0;
    if (s->norder != ncomb) {
        snprintf(err, errlen, "module %s: combinational loop through %d cells: not simulated", g->mmod->name,
                 ncomb - s->norder);
        rc = -1;
    }
    free(indeg);
    free(nsucc);
    free(start);
    free(succ);
    return rc;
}

/* Builds the simulation model s of netlist g (cell types compiled by cc): nets 0/1 at the
   end, every cell connected, the combinational cells in evaluation order. 0, or -1 with err. */
static int sim_build(simm *s, const sy_glmodel *g, compiler *cc, char *err, size_t errlen)
{
    s->g = g;
    s->net0 = g->nnets;
    s->net1 = g->nnets + 1;
    s->nnets = g->nnets + 2;
    s->val = sy_xcalloc((size_t)s->nnets, sizeof *s->val);
    s->prev = sy_xcalloc((size_t)s->nnets, sizeof *s->prev);
    s->val[s->net1] = ~0ull;
    s->ncells = g->ncells;
    s->cells = sy_xcalloc((size_t)(g->ncells ? g->ncells : 1), sizeof *s->cells);
    int *driver = sy_xmalloc((size_t)s->nnets * sizeof *driver); /* comb cell driving the net, or -1 */
    for (int i = 0; i < s->nnets; i++) driver[i] = -1;
    int rc = 0;
    for (int i = 0; i < g->ncells && rc == 0; i++) rc = sim_connect(s, g, cc, i, driver, err, errlen);
    if (rc == 0) rc = sim_order(s, driver, err, errlen);
    free(driver);
    return rc;
}

static void sim_free(simm *s)
{
    free(s->val);
    free(s->prev);
    free(s->cells);
    free(s->order);
    free(s->seqs);
    free(s->from_cap);
}

/* ------------------------------------------------------------------------------------ */
/* Captures                                                                               */

/* A capture is read by sy_capture (the Verilator harness reads it the same way); it is
   also noted as an input of the command (sy_input_check), so no output may replace it. */
static int cap_open(sy_capture *c, const char *path, int ncols, char *err, size_t errlen)
{
    if (sy_input_check(path, err, errlen) != 0) {
        memset(c, 0, sizeof *c);
        return -1;
    }
    return sy_capture_open(c, path, ncols, err, errlen);
}

/* ------------------------------------------------------------------------------------ */
/* One batch of up to 64 instances                                                        */

typedef struct {
    const char *name; /* instance name (capture base file name) */
    const char *base; /* capture path without .hex */
} instref;

typedef struct {
    const char *togdir;
    int window; /* a window was given: START < cycle < END count */
    long win_start, win_end;
    long max_errors;
    int mismatches_total;
} runopts;

/* The state of one batch: its captures (nfile per lane: the instance's own, then one per
   cut-out submodule), the expected outputs and care masks of the cycle, the toggle and
   memory-access counters and the mismatches, per lane. */
typedef struct {
    simm *s;
    const instref *inst;
    int nl, nfile;
    sy_capture *caps;
    uint64_t *exp, *care, *tog, *acc;
    uint64_t *gate, *chg; /* per group and lane: cycles open, cycles one of its flops changed */
    uint64_t *gon;        /* per group: its enable in the cycle before, per lane */
    long *mism;
    uint64_t lanes, checked, armed; /* armed: lanes that have seen rst_ni low */
    const sy_seg *rst;
    long cycle, counted;
} batch;

/* Opens the captures and allocates the counters: 0, or 2 with err. */
static int batch_open(batch *bt, simm *s, const instref *inst, int nl, char *err, size_t errlen)
{
    const sy_glmodel *g = s->g;
    *bt = (batch){.s = s, .inst = inst, .nl = nl, .nfile = 1 + g->nchildren};
    bt->caps = sy_xcalloc((size_t)(nl * bt->nfile), sizeof *bt->caps);
    int rc = 0;
    for (int l = 0; l < nl && !rc; l++)
        for (int f = 0; f < bt->nfile && !rc; f++) {
            char *p = f == 0 ? sy_asprintf("%s.hex", inst[l].base)
                             : sy_asprintf("%s.%s.hex", inst[l].base, g->children[f - 1].path);
            char e2[768];
            if (cap_open(&bt->caps[l * bt->nfile + f], p,
                         f == 0 ? hg_mmod_ncols(g->mmod) : hg_mmod_ncols(g->children[f - 1].mod), e2,
                         sizeof e2)) {
                snprintf(err, errlen, "no capture for instance %s of %s: %s", inst[l].name, g->mmod->name,
                         e2);
                rc = 2;
            }
            free(p);
        }
    /* expected values and care masks of every checked bit, per lane bit */
    bt->exp = sy_xcalloc((size_t)(g->nout ? g->nout : 1), sizeof *bt->exp);
    bt->care = sy_xcalloc((size_t)(g->nout ? g->nout : 1), sizeof *bt->care);
    bt->tog = sy_xcalloc((size_t)(g->ntogs ? g->ntogs : 1) * 64, sizeof *bt->tog);
    int nacc = 0;
    for (int i = 0; i < g->nmems; i++) nacc += 1 + (g->mems[i].wr_en >= 0);
    bt->acc = sy_xcalloc((size_t)(nacc ? nacc : 1) * 64, sizeof *bt->acc);
    bt->gate = sy_xcalloc((size_t)(g->ngates ? g->ngates : 1) * 64, sizeof *bt->gate);
    bt->chg = sy_xcalloc((size_t)(g->ngates ? g->ngates : 1) * 64, sizeof *bt->chg);
    bt->gon = sy_xcalloc((size_t)(g->ngates ? g->ngates : 1), sizeof *bt->gon);
    bt->mism = sy_xcalloc((size_t)nl, sizeof *bt->mism);
    bt->lanes = nl == 64 ? ~0ull : ((1ull << nl) - 1);
    /* Before the module's reset has been applied its state is undefined (the synthesized
     * netlist may even encode it differently, e.g. a re-encoded FSM), and while it is held
     * registers without a reset are still undefined in a 4-state RTL simulation (Icarus: a
     * partly unknown hex digit, which drives 0 for all its bits): checking starts on the
     * first cycle with rst_ni high after one with rst_ni low. Modules without rst_ni: from
     * cycle 0. */
    for (int si = 0; si < g->nsegs; si++)
        if (g->segs[si].is_in && g->segs[si].src < 0 && strcmp(g->segs[si].port, "rst_ni") == 0)
            bt->rst = &g->segs[si];
    bt->checked = bt->rst ? 0 : bt->lanes;
    for (int i = 0; i < s->ncells; i++) {
        s->cells[i].st[0] = 0;
        s->cells[i].st[1] = ~0ull;
    }
    return rc;
}

static void batch_close(batch *bt)
{
    for (int k = 0; k < bt->nl * bt->nfile; k++) sy_capture_close(&bt->caps[k]);
    free(bt->caps);
    free(bt->exp);
    free(bt->care);
    free(bt->tog);
    free(bt->acc);
    free(bt->gate);
    free(bt->chg);
    free(bt->gon);
    free(bt->mism);
}

/* Reads the next line of every capture: 1 a cycle, 0 all ended together, 2 with err (a
   malformed line, captures of unequal length). */
static int read_cycle(batch *bt, char *err, size_t errlen)
{
    int ended = 0, n = bt->nl * bt->nfile;
    for (int k = 0; k < n; k++) {
        int r = sy_capture_next(&bt->caps[k], bt->cycle, err, errlen);
        if (r < 0) return 2;
        if (r == 0) ended++;
    }
    if (ended > 0 && ended < n) {
        for (int k = 0; k < n; k++)
            if (!feof(bt->caps[k].f)) {
                snprintf(err, errlen,
                         "captures of unequal length: %s has more than %ld lines, others end there",
                         bt->caps[k].path, bt->cycle);
                break;
            }
        return 2;
    }
    return ended ? 0 : 1;
}

/* The cycle's captured values: inputs onto their nets, outputs into exp and care. 0, or 2
   with err (a column of the wrong width). */
static int load_cycle(batch *bt, char *err, size_t errlen)
{
    simm *s = bt->s;
    const sy_glmodel *g = s->g;
    memset(bt->exp, 0, (size_t)g->nout * sizeof *bt->exp);
    memset(bt->care, 0, (size_t)g->nout * sizeof *bt->care);
    for (int si = 0; si < g->nsegs; si++) {
        const sy_seg *sg = &g->segs[si];
        int want = (sg->width + 3) / 4;
        for (int l = 0; l < bt->nl; l++) {
            const sy_capture *cf = &bt->caps[l * bt->nfile + sg->src + 1];
            const char *tk = cf->tok[sg->col];
            int n = cf->len[sg->col];
            if (n != want) {
                snprintf(err, errlen,
                         "%s: cycle %ld: column %d (port %s, %d bits) has %d hex digits, expected %d: "
                         "wrong capture column order (CAPTURE_ORDER)?",
                         cf->path, bt->cycle, sg->col, sg->port, sg->width, n, want);
                return 2;
            }
            uint64_t lb = 1ull << l;
            for (int b = 0; b < sg->width; b++) {
                int v = sy_hex_digit(tk[n - 1 - b / 4]);
                int bit = v >= 0 && ((v >> (b & 3)) & 1);
                if (sg->is_in) {
                    int net = sg->bits[b];
                    if (net < 0) continue;
                    if (bit)
                        s->val[net] |= lb;
                    else
                        s->val[net] &= ~lb;
                } else {
                    int o = sg->pos + b;
                    if (bit) bt->exp[o] |= lb;
                    if (v >= 0) bt->care[o] |= lb;
                }
            }
        }
    }
    return 0;
}

/* Flip-flop outputs, then the combinational cells in order (memory read data is set by
   the caller). */
static void evaluate(simm *s)
{
    for (int i = 0; i < s->nseqs; i++) {
        scell *c = &s->cells[s->seqs[i]];
        for (int o = 0; o < c->t->nout; o++)
            if (c->out[o] >= 0) s->val[c->out[o]] = run(c->t->out_prog[o], c, s->val);
    }
    for (int i = 0; i < s->norder; i++) {
        scell *c = &s->cells[s->order[i]];
        for (int o = 0; o < c->t->nout; o++)
            if (c->out[o] >= 0) s->val[c->out[o]] = run(c->t->out_prog[o], c, s->val);
    }
}

/* Prints a mismatch of segment sg in lane l: got and expected as hex, x where unknown. */
static void print_mismatch(const batch *bt, const sy_seg *sg, int l)
{
    const simm *s = bt->s;
    const sy_glmodel *g = s->g;
    sy_buf got = {0}, want = {0};
    for (int d = (sg->width + 3) / 4 - 1; d >= 0; d--) {
        int gv = 0, wv = 0, known = 1;
        for (int b = 0; b < 4 && 4 * d + b < sg->width; b++) {
            int o = sg->pos + 4 * d + b;
            gv |= (int)((s->val[cnet(s, sg->bits[4 * d + b])] >> l) & 1) << b;
            wv |= (int)((bt->exp[o] >> l) & 1) << b;
            known &= (int)((bt->care[o] >> l) & 1);
        }
        sy_buf_printf(&got, "%x", gv);
        if (known)
            sy_buf_printf(&want, "%x", wv);
        else
            sy_buf_printf(&want, "x");
    }
    char *where = sg->src < 0 ? sy_asprintf("output %s", sg->port)
                              : sy_asprintf("input %s of submodule %s", sg->port, g->children[sg->src].path);
    fprintf(stderr, "hgsynth gatesim: MISMATCH cycle %ld instance %s (module %s) %s: got %s expected %s\n",
            bt->cycle, bt->inst[l].name, g->mmod->name, where, got.s, want.s);
    free(where);
    sy_buf_free(&got);
    sy_buf_free(&want);
}

/* Compares every checked output with the capture; counts (and prints up to max_errors)
   mismatches per lane; starts checking a lane when its reset is released. */
static void check_outputs(batch *bt, long max_errors)
{
    const simm *s = bt->s;
    const sy_glmodel *g = s->g;
    int rst = bt->rst && bt->rst->bits[0] >= 0;
    if (rst) bt->checked |= bt->armed & s->val[bt->rst->bits[0]] & bt->lanes;
    for (int si = 0; si < g->nsegs; si++) {
        const sy_seg *sg = &g->segs[si];
        if (sg->is_in) continue;
        uint64_t bad = 0;
        for (int b = 0; b < sg->width; b++) {
            int o = sg->pos + b, net = sg->bits[b];
            if (net >= 0 && s->from_cap[net] >= 0) continue;
            uint64_t v = s->val[cnet(s, net)];
            bad |= (v ^ bt->exp[o]) & bt->care[o];
        }
        bad &= bt->lanes & bt->checked;
        for (int l = 0; bad && l < bt->nl; l++)
            if (((bad >> l) & 1) && bt->mism[l]++ < max_errors) print_mismatch(bt, sg, l);
    }
    if (rst) bt->armed |= ~s->val[bt->rst->bits[0]] & bt->lanes;
}

/* Memory accesses and net toggles of the cycle, when it is in the window. */
static void count_activity(batch *bt, const runopts *ro)
{
    simm *s = bt->s;
    const sy_glmodel *g = s->g;
    int in_window = !ro->window || (bt->cycle > ro->win_start && bt->cycle < ro->win_end);
    if (in_window) {
        int a = 0;
        for (int i = 0; i < g->nmems; i++) {
            const sy_glmem *m = &g->mems[i];
            for (int w = 1; w >= 0; w--) {
                int en = w ? m->wr_en : m->rd_en;
                if (w && en < 0) continue;
                uint64_t on = en < 0 ? ~0ull : 0;
                for (int j = 0; en >= 0 && j < m->conns[en].nbits; j++)
                    on |= s->val[cnet(s, m->conns[en].bits[j])];
                on &= bt->lanes;
                for (; on; on &= on - 1) bt->acc[a * 64 + __builtin_ctzll(on)]++;
                a++;
            }
        }
    }
    if (bt->cycle > 0 && in_window) {
        bt->counted++;
        for (int t = 0; t < g->ntogs; t++) {
            int n = g->togs[t].net;
            uint64_t x = (s->val[n] ^ s->prev[n]) & bt->lanes;
            for (; x; x &= x - 1) bt->tog[(size_t)t * 64 + (size_t)__builtin_ctzll(x)]++;
        }
        /* the edge into this cycle: a group's gate passed it when its enable was on in the
           cycle before; a flop of the group changed when one of its outputs did */
        for (int q = 0; q < g->ngates; q++) {
            uint64_t any = 0;
            for (int k = 0; k < g->gates[q].n; k++) {
                int n = g->togs[g->gates[q].togs[k]].net;
                any |= s->val[n] ^ s->prev[n];
            }
            for (any &= bt->lanes; any; any &= any - 1)
                bt->chg[(size_t)q * 64 + (size_t)__builtin_ctzll(any)]++;
            for (uint64_t on = bt->gon[q] & bt->lanes; on; on &= on - 1)
                bt->gate[(size_t)q * 64 + (size_t)__builtin_ctzll(on)]++;
        }
    }
    for (int t = 0; t < g->ntogs; t++) s->prev[g->togs[t].net] = s->val[g->togs[t].net];
    for (int q = 0; q < g->ngates; q++) {
        const sy_glen *e = &g->gates[q].en;
        uint64_t en = s->val[cnet(s, e->en)], rst = s->val[cnet(s, e->rst)];
        bt->gon[q] = (e->en_high ? en : ~en) | (e->rst_high ? rst : ~rst);
    }
}

/* The rising edge: every flip-flop takes its next state. */
static void clock_edge(simm *s)
{
    for (int i = 0; i < s->nseqs; i++) {
        scell *c = &s->cells[s->seqs[i]];
        c->nx = run(c->t->next_prog, c, s->val);
    }
    for (int i = 0; i < s->nseqs; i++) {
        scell *c = &s->cells[s->seqs[i]];
        c->st[0] = c->nx;
        c->st[1] = ~c->nx;
    }
}

/* One .tog file per lane (written whole or not at all), and the per-instance result line. */
static int write_toggles(batch *bt, runopts *ro, int rc, char *err, size_t errlen)
{
    const sy_glmodel *g = bt->s->g;
    const instref *inst = bt->inst;
    sy_out *outs = sy_xcalloc((size_t)bt->nl, sizeof *outs);
    for (int l = 0; l < bt->nl && rc == 0; l++) {
        char *tp = sy_asprintf("%s/%s.tog", ro->togdir, inst[l].name);
        if (sy_out_open(&outs[l], tp, err, errlen) != 0) {
            rc = 2;
        } else {
            FILE *f = outs[l].f;
            fprintf(f, "hgtog 1\ninstance %s\nmodule %s\ncycles %ld\ncounted %ld\nmismatches %ld\n",
                    inst[l].name, g->mmod->name, bt->cycle, bt->counted, bt->mism[l]);
            int a = 0;
            for (int i = 0; i < g->nmems; i++) {
                const sy_glmem *m = &g->mems[i];
                if (m->wr_en >= 0)
                    fprintf(f, "mem %s w %llu\n", m->name, (unsigned long long)bt->acc[a++ * 64 + l]);
                fprintf(f, "mem %s r %llu\n", m->name, (unsigned long long)bt->acc[a++ * 64 + l]);
            }
            fprintf(f, "gates %d\n", g->ngates);
            for (int q = 0; q < g->ngates; q++)
                fprintf(f, "gate %d %llu %llu\n", q, (unsigned long long)bt->gate[(size_t)q * 64 + (size_t)l],
                        (unsigned long long)bt->chg[(size_t)q * 64 + (size_t)l]);
            fprintf(f, "toggles %d\n", g->ntogs);
            for (int t = 0; t < g->ntogs; t++)
                fprintf(f, "%llu\n", (unsigned long long)bt->tog[(size_t)t * 64 + (size_t)l]);
        }
        free(tp);
    }
    for (int l = 0; l < bt->nl; l++) {
        if (rc) {
            sy_out_abort(&outs[l]);
            continue;
        }
        if (sy_out_commit(&outs[l], err, errlen) != 0) {
            rc = 2;
            continue;
        }
        if (bt->mism[l]) {
            fprintf(stderr, "hgsynth gatesim: %s: %ld mismatching port values over %ld cycles\n",
                    inst[l].name, bt->mism[l], bt->cycle);
            ro->mismatches_total++;
        } else {
            printf("hgsynth gatesim: %s: %ld cycles, gate level == RTL, %ld cycles of activity\n",
                   inst[l].name, bt->cycle, bt->counted);
        }
    }
    free(outs);
    return rc;
}

/* Simulates up to 64 instances of the module (one per lane bit) on their captures. */
static int run_batch(simm *s, const instref *inst, int nl, runopts *ro, char *err, size_t errlen)
{
    batch bt;
    int rc = batch_open(&bt, s, inst, nl, err, errlen);
    const sy_glmodel *g = s->g;
    while (!rc) {
        int r = read_cycle(&bt, err, errlen);
        if (r != 1) {
            rc = r;
            break;
        }
        if ((rc = load_cycle(&bt, err, errlen)) != 0) break;
        /* memory read data: from the captured inputs of the submodules it feeds */
        for (int n = 0; n < g->nnets; n++)
            if (s->from_cap[n] >= 0) s->val[n] = bt.exp[s->from_cap[n]];
        evaluate(s);
        check_outputs(&bt, ro->max_errors);
        count_activity(&bt, ro);
        clock_edge(s);
        bt.cycle++;
    }
    if (!rc && ro->window && ro->win_end > bt.cycle) {
        snprintf(err, errlen,
                 "--window %ld:%ld ends past the captures of %s (%ld cycles): END must be at most %ld",
                 ro->win_start, ro->win_end, inst[0].name, bt.cycle, bt.cycle);
        rc = 2;
    }
    rc = write_toggles(&bt, ro, rc, err, errlen);
    batch_close(&bt);
    return rc;
}

/* Memory read data must be recoverable from captures: every memory output net that is
 * used must also be a checked bit (a submodule input or a module output). */
static int memory_sources(simm *s, char *err, size_t errlen)
{
    const sy_glmodel *g = s->g;
    s->from_cap = sy_xmalloc((size_t)s->nnets * sizeof *s->from_cap);
    for (int n = 0; n < s->nnets; n++) s->from_cap[n] = -1;
    int *outbit = sy_xmalloc((size_t)s->nnets * sizeof *outbit);
    for (int n = 0; n < s->nnets; n++) outbit[n] = -1;
    for (int i = 0; i < g->nsegs; i++)
        if (!g->segs[i].is_in)
            for (int b = 0; b < g->segs[i].width; b++)
                if (g->segs[i].bits[b] >= 0 && outbit[g->segs[i].bits[b]] < 0)
                    outbit[g->segs[i].bits[b]] = g->segs[i].pos + b;
    char *used = sy_xcalloc((size_t)s->nnets, 1);
    for (int i = 0; i < s->ncells; i++)
        for (int k = 0; k < s->cells[i].t->nin; k++) used[s->cells[i].in[k]] = 1;
    int rc = 0;
    for (int i = 0; i < g->nmems && !rc; i++)
        for (int k = 0; k < g->mems[i].nconns && !rc; k++) {
            const sy_nport *p = &g->mems[i].conns[k];
            if (p->dir != 1) continue;
            for (int b = 0; b < p->nbits; b++) {
                int n = p->bits[b];
                if (n < 0) continue;
                if (outbit[n] >= 0)
                    s->from_cap[n] = outbit[n];
                else if (used[n]) {
                    snprintf(
                        err, errlen,
                        "module %s: output %s[%d] of memory %s drives its own cells and is not captured: "
                        "not simulated (use GL_SIM=verilator)",
                        g->mmod->name, p->name, b, g->mems[i].name);
                    rc = -1;
                    break;
                }
            }
        }
    free(outbit);
    free(used);
    return rc;
}

/* "START:END" with 0 <= START, START + 2 <= END (at least one cycle counts). */
static int parse_window(const char *win, runopts *ro)
{
    const char *colon = strchr(win, ':');
    if (!colon || colon == win) return -1;
    char *a = sy_strndup(win, (size_t)(colon - win));
    long s0, e0;
    int bad = sy_parse_long(a, 0, 1000000000000L, &s0) != 0 ||
              sy_parse_long(colon + 1, 0, 1000000000000L, &e0) != 0 || s0 + 2 > e0;
    free(a);
    if (bad) return -1;
    ro->window = 1;
    ro->win_start = s0;
    ro->win_end = e0;
    return 0;
}

/* --map: the module's map.txt (nets and toggle columns) written to path: 0, or 2. */
static int write_map(const sy_glmodel *g, const char *path)
{
    char err[1024] = "";
    sy_out mo;
    int rc = sy_out_open(&mo, path, err, sizeof err) != 0;
    if (!rc) {
        sy_glmodel_write_map(g, mo.f);
        rc = sy_out_commit(&mo, err, sizeof err) != 0;
    }
    if (!rc) return 0;
    fprintf(stderr, "hgsynth gatesim: --map: %s\n", err);
    return 2;
}

/* Builds the simulation of g (its cells compiled from lib) and runs the instances, 64 a
   batch (one bit lane each): 0, or 2 with a message. Mismatches are counted in ro. */
static int simulate(const sy_glmodel *g, const sy_lib *lib, instref *inst, int ninst, runopts *ro)
{
    char err[1024] = "";
    compiler cc = {.lib = lib, .err = err, .errlen = sizeof err};
    simm s = {0};
    int rc = sim_build(&s, g, &cc, err, sizeof err) != 0 || memory_sources(&s, err, sizeof err) != 0 ? 2 : 0;
    if (rc) fprintf(stderr, "hgsynth gatesim: %s\n", err);
    for (int i = 0; i < ninst && !rc; i += 64) {
        int nl = ninst - i < 64 ? ninst - i : 64;
        rc = run_batch(&s, inst + i, nl, ro, err, sizeof err);
        if (rc) fprintf(stderr, "hgsynth gatesim: %s\n", err);
    }
    sim_free(&s);
    compiler_free(&cc);
    return rc;
}

int sy_cmd_gatesim(int argc, char **argv)
{
    const char *rtl = NULL, *nldir = NULL, *lib_path = NULL, *module = NULL, *list = NULL, *togdir = NULL;
    const char *win = NULL, *order_s = "ports", *map_out = NULL, *maxerr_s = "10";
    const sy_opt opts[] = {
        {"--rtl", &rtl, 1, 0, "generated RTL directory"},
        {"--netlists", &nldir, 1, 0, "directory of the Yosys JSON netlists"},
        {"--lib", &lib_path, 1, 0, "Liberty file of the netlists"},
        {"--module", &module, 1, 0, "module to simulate"},
        {"--instances", &list, 1, 0,
         "instance list of `hgsynth instances` (its lines for the module with SIMULATE=1)"},
        {"--toggles", &togdir, 1, 0, "directory for the <instance>.tog files"},
        {"--map", &map_out, 0, 0, "write the module's map.txt here"},
        {"--window", &win, 0, 0, "START:END: cycles START < c < END count as activity (default: all)"},
        {"--capture-order", &order_s, 0, 0, "capture column order: ports (default) or inputs-first"},
        {"--max-errors", &maxerr_s, 0, 0, "mismatches printed per instance (default 10)"},
    };
    int rc = sy_parse_opts("gatesim", "gate-level simulation of one module on its captured stimulus", argc,
                           argv, opts, (int)(sizeof opts / sizeof opts[0]));
    if (rc) return rc == 1 ? 0 : 2;
    runopts ro = {.togdir = togdir};
    if (sy_opt_long("gatesim", "--max-errors", maxerr_s, 0, 1000000, &ro.max_errors) != 0) return 2;
    if (win && parse_window(win, &ro) != 0) {
        fprintf(stderr,
                "hgsynth gatesim: --window '%s': must be START:END, integers with 0 <= START and "
                "START + 2 <= END (the cycles START < c < END count)\n",
                win);
        return 2;
    }
    int order = sy_capture_order_parse(order_s);
    if (order < 0) {
        fprintf(stderr, "hgsynth gatesim: --capture-order %s: must be ports or inputs-first\n", order_s);
        return 2;
    }
    char err[1024] = "";
    if (sy_dir_check(togdir, err, sizeof err) != 0) {
        fprintf(stderr, "hgsynth gatesim: --toggles: %s\n", err);
        return 2;
    }
    hg_manifest *man = sy_manifest_load(rtl, err, sizeof err);
    sy_lib *lib = man ? sy_lib_read(lib_path, err, sizeof err) : NULL;
    sy_glmodel *g =
        lib ? sy_glmodel_build(man, nldir, module, (sy_capture_order)order, err, sizeof err) : NULL;
    sy_list list_all = {0};
    if (g && sy_list_read(list, man, &list_all, err, sizeof err) != 0) {
        sy_glmodel_free(g);
        g = NULL;
    }
    if (!g) {
        fprintf(stderr, "hgsynth gatesim: %s\n", err);
        sy_lib_free(lib);
        hg_manifest_free(man);
        return 2;
    }
    /* instances of this module to simulate */
    instref *inst = sy_xcalloc((size_t)(list_all.n ? list_all.n : 1), sizeof *inst);
    int ninst = 0;
    for (int i = 0; i < list_all.n; i++)
        if (list_all.v[i].mod == g->mmod && list_all.v[i].simulate)
            inst[ninst++] = (instref){list_all.v[i].name, list_all.v[i].base};
    if (ninst == 0) {
        fprintf(stderr,
                "hgsynth gatesim: instance list %s has no instance of module %s to simulate (a line "
                "\"%s 1 CELLS CAPTURE_BASE\")\n",
                list, module, module);
        rc = 2;
    }
    if (!rc && map_out) rc = write_map(g, map_out);
    if (!rc) rc = simulate(g, lib, inst, ninst, &ro);
    if (!rc && ro.mismatches_total) rc = 1;
    free(inst);
    sy_list_free(&list_all);
    sy_glmodel_free(g);
    sy_lib_free(lib);
    hg_manifest_free(man);
    return rc;
}
