/* sy_cmd_glgen.c — `hgsynth glgen`: the Verilator gate-level top of one module.
 *
 * Writes, from the module's gate-level view (sy_glmodel.h):
 *   hggl_top.v  module hggl_top(clk_i, in_i, out_o, tog_o, acc_o, gen_o): the module's
 *               library cells on scalar nets; in_i drives its inputs and the outputs of its
 *               cut-out logic submodules; out_o carries its outputs and the inputs of those
 *               submodules; tog_o is every cell output net; acc_o the memory enables; gen_o
 *               the load enable of each clock-gating group (sy_glgate); memories are the RTL
 *               memory modules.
 *   map.txt     the stimulus / check / toggle / access layout (sy_glmodel_write_map).
 *   memfiles.f  RTL files of the memories instantiated: for a memory that is a hand-written
 *               block (the manifest's "module"), <unit>.v (mem_wrapper) and the block's file.
 * With --timed (the glitch-aware route, GL_SIM=timed, Icarus with SDF): the cells of
 * hggl_top.v keep their netlist instance names (those of OpenSTA's SDF), and
 *   hggl_timed.vh  the module's part of synth/bench/hg_timed_tb.v: its port widths, the
 *                  flip-flop data nets (held at 0 for one clock edge so every flop starts at
 *                  0, as in the other simulators) and one transition counter per toggle net.
 *   Memories are not instantiated then: their read data comes from the captures through the
 *   extra input mem_i (at the positions of the checked bits it feeds), as the built-in
 *   simulator takes it; memfiles.f is empty.
 * This is the Verilator route (a cross-check of the built-in simulator, `hgsynth gatesim`,
 * on small modules: Verilator's compile time and memory grow quickly with netlist size).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sy_cmd.h"
#include "sy_glmodel.h"
#include "sy_io.h"
#include "sy_manifest.h"
#include "sy_util.h"

/* Verilator uses a plain integer for ports up to 64 bits; padding to 65 keeps every
 * port a VlWide so one harness fits all modules. */
#define SY_MIN_PORT_WIDTH 65

static int pad(int w) { return w < SY_MIN_PORT_WIDTH ? SY_MIN_PORT_WIDTH : w; }

static void net(FILE *f, int bit)
{
    if (bit >= 0)
        fprintf(f, "n%d", bit);
    else if (bit == SY_BIT_1)
        fprintf(f, "1'b1");
    else if (bit == SY_BIT_Z)
        fprintf(f, "1'bz");
    else
        fprintf(f, "1'b0");
}

/* A cell instance name as a Verilog identifier: as it is when it is a plain one, else
 * escaped ("\\name "). */
static void cell_name(FILE *f, const char *name)
{
    int plain = (name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= 'a' && name[0] <= 'z') || name[0] == '_';
    for (const char *p = name; *p && plain; p++)
        plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
                *p == '_' || *p == '$';
    fprintf(f, plain ? "%s" : "\\%s ", name);
}

/* Memory i of g in hggl_top: its instance (zero delay) or, timed, its read data taken from
   the captures (mem_i); then its access enables, write first, into acc_o from bit *acc. */
static void write_top_mem(const sy_glmodel *g, FILE *v, int timed, int i, int *acc)
{
    const sy_glmem *m = &g->mems[i];
    if (timed) { /* read data from the captures, as the built-in simulator takes it */
        for (int k = 0; k < m->nconns; k++)
            for (int j = 0; m->conns[k].dir == 1 && j < m->conns[k].nbits; j++) {
                int n = m->conns[k].bits[j], o = -1;
                for (int si = 0; n >= 0 && o < 0 && si < g->nsegs; si++)
                    for (int b = 0; !g->segs[si].is_in && o < 0 && b < g->segs[si].width; b++)
                        if (g->segs[si].bits[b] == n) o = g->segs[si].pos + b;
                if (o >= 0)
                    fprintf(v, "  assign n%d = mem_i[%d]; // %s.%s[%d]\n", n, o, m->name, m->conns[k].name,
                            j);
            }
    }
    if (!timed) fprintf(v, "  %s m%d (", m->mod->name, i);
    for (int k = 0; k < m->nconns && !timed; k++) {
        const sy_nport *p = &m->conns[k];
        fprintf(v, "%s\n    .%s({", k ? "," : "", p->name);
        for (int j = p->nbits - 1; j >= 0; j--) {
            if (p->dir == 1 && p->bits[j] < 0)
                fprintf(v, "nc_m%d_%d_%d", i, k, j);
            else
                net(v, p->bits[j]);
            if (j) fprintf(v, ", ");
        }
        fprintf(v, "})");
    }
    if (!timed) fprintf(v, "\n  );\n");
    for (int k = 0; k < m->nconns && !timed; k++)
        for (int j = 0; j < m->conns[k].nbits; j++)
            if (m->conns[k].dir == 1 && m->conns[k].bits[j] < 0)
                fprintf(v, "  wire nc_m%d_%d_%d;\n", i, k, j);
    for (int w = 1; w >= 0; w--) {
        int en = w ? m->wr_en : m->rd_en;
        if (w && en < 0) continue;
        fprintf(v, "  assign acc_o[%d] = ", (*acc)++);
        if (en < 0) fprintf(v, "1'b1");
        for (int j = 0; en >= 0 && j < m->conns[en].nbits; j++) {
            fprintf(v, "%s", j ? " | " : "");
            net(v, m->conns[en].bits[j]);
        }
        fprintf(v, ";\n");
    }
}

/* The cells of g in hggl_top: named c<i> (zero delay) or by their netlist names (timed: the
   SDF refers to them). */
static void write_top_cells(const sy_glmodel *g, FILE *v, int timed)
{
    for (int i = 0; i < g->ncells; i++) {
        const sy_glcell *c = &g->cells[i];
        if (timed) {
            fprintf(v, "  %s ", c->type);
            cell_name(v, c->name);
            fprintf(v, " (");
        } else {
            fprintf(v, "  %s c%d (", c->type, i);
        }
        for (int k = 0; k < c->nconns; k++) {
            fprintf(v, "%s.%s(", k ? ", " : "", c->conns[k].name);
            net(v, c->conns[k].nbits ? c->conns[k].bits[0] : SY_BIT_X);
            fprintf(v, ")");
        }
        fprintf(v, ");\n");
    }
}

static void write_top(const sy_glmodel *g, FILE *v, int timed)
{
    int nacc = 0;
    for (int i = 0; i < g->nmems; i++) nacc += 1 + (g->mems[i].wr_en >= 0);
    fprintf(v,
            "// Gate-level simulation top of module %s, written by `hgsynth glgen` from its\n"
            "// Yosys netlist. Do not edit.\n"
            "/* verilator lint_off UNUSEDSIGNAL */\n/* verilator lint_off UNDRIVEN */\n"
            "module hggl_top (\n  input wire clk_i,\n  input wire [%d:0] in_i,\n"
            "  output wire [%d:0] out_o,\n  output wire [%d:0] tog_o,\n  output wire [%d:0] acc_o,\n"
            "  output wire [%d:0] gen_o%s\n);\n",
            g->mmod->name, pad(g->nin) - 1, pad(g->nout) - 1, pad(g->ntogs) - 1, pad(nacc) - 1,
            pad(g->ngates) - 1, timed ? ",\n  input wire [MEMW:0] mem_i" : "");
    if (timed) fprintf(v, "  localparam MEMW = %d;\n", pad(g->nout) - 1);
    for (int b = 0; b < g->nnets; b++) fprintf(v, "  wire n%d;\n", b);
    if (g->clk_net >= 0) fprintf(v, "  assign n%d = clk_i;\n", g->clk_net);
    for (int i = 0; i < g->nsegs; i++) {
        const sy_seg *s = &g->segs[i];
        for (int j = 0; j < s->width; j++) {
            if (s->is_in && s->bits[j] >= 0) fprintf(v, "  assign n%d = in_i[%d];\n", s->bits[j], s->pos + j);
            if (!s->is_in) {
                fprintf(v, "  assign out_o[%d] = ", s->pos + j);
                net(v, s->bits[j]);
                fprintf(v, ";\n");
            }
        }
    }
    for (int i = g->nout; i < pad(g->nout); i++) fprintf(v, "  assign out_o[%d] = 1'b0;\n", i);
    write_top_cells(g, v, timed);
    for (int i = 0; i < g->ntogs; i++) fprintf(v, "  assign tog_o[%d] = n%d;\n", i, g->togs[i].net);
    for (int i = g->ntogs; i < pad(g->ntogs); i++) fprintf(v, "  assign tog_o[%d] = 1'b0;\n", i);
    int acc = 0;
    for (int i = 0; i < g->nmems; i++) write_top_mem(g, v, timed, i, &acc);
    for (int i = nacc; i < pad(nacc); i++) fprintf(v, "  assign acc_o[%d] = 1'b0;\n", i);
    for (int q = 0; q < g->ngates; q++) { /* when the group may load: its gate is open */
        const sy_glen *e = &g->gates[q].en;
        fprintf(v, "  assign gen_o[%d] = %s", q, e->en_high ? "" : "~");
        net(v, e->en);
        fprintf(v, " | %s", e->rst_high ? "" : "~");
        net(v, e->rst);
        fprintf(v, "; // %s\n", e->cond);
    }
    for (int q = g->ngates; q < pad(g->ngates); q++) fprintf(v, "  assign gen_o[%d] = 1'b0;\n", q);
    fprintf(v, "endmodule\n");
}

/* A memory unit that is a hand-written block used with parameter values, as a module of the
 * unit's name (the cell type in the netlist): OUT/<unit>.v around one instance of the block. */
static int mem_wrapper(const hg_mmod *mod, const char *out, char *err, size_t errlen)
{
    char *path = sy_asprintf("%s/%s.v", out, mod->name);
    sy_out o = {0};
    int rc = sy_out_open(&o, path, err, errlen);
    if (!rc) {
        fprintf(o.f,
                "// Memory unit %s: hand-written block %s with its parameter values, written by\n"
                "// `hgsynth glgen` for the gate-level simulation.\nmodule %s (",
                mod->name, mod->module, mod->name);
        for (int i = 0; i < mod->nports; i++) fprintf(o.f, "%s%s", i ? ", " : "", mod->ports[i].name);
        fprintf(o.f, ");\n");
        for (int i = 0; i < mod->nports; i++)
            fprintf(o.f, "  %s wire [%d:0] %s;\n", mod->ports[i].dir == HG_DIR_IN ? "input" : "output",
                    mod->ports[i].width - 1, mod->ports[i].name);
        fprintf(o.f, "  %s #(", mod->module);
        for (int i = 0; i < mod->nparams; i++)
            fprintf(o.f, "%s.%s(%ld)", i ? ", " : "", mod->param_names[i], mod->param_values[i]);
        fprintf(o.f, ") u_block (");
        for (int i = 0; i < mod->nports; i++)
            fprintf(o.f, "%s.%s(%s)", i ? ", " : "", mod->ports[i].name, mod->ports[i].name);
        fprintf(o.f, ");\nendmodule\n");
        rc = sy_out_commit(&o, err, errlen);
    }
    sy_out_abort(&o);
    free(path);
    return rc;
}

/* Prints DIR/FILE into memfiles.f unless an earlier memory printed it (k < i). */
static void mem_file(const sy_glmodel *g, int i, const char *dir, const char *file, FILE *ff)
{
    for (int j = 0; j < i; j++) {
        const hg_mmod *m = g->mems[j].mod;
        if (strcmp(m->file, file) == 0) return;
        for (int k = 0; k < m->nsources; k++)
            if (strcmp(m->sources[k], file) == 0) return;
    }
    fprintf(ff, "%s/%s\n", dir, file);
}

/* memfiles.f: the RTL files of the memories of g, each once, block sources first. */
static int mem_files(const sy_glmodel *g, const hg_manifest *man, const char *out, FILE *ff, char *err,
                     size_t errlen)
{
    for (int i = 0; i < g->nmems; i++) {
        const hg_mmod *mod = g->mems[i].mod;
        int seen = 0;
        for (int j = 0; j < i; j++) seen |= g->mems[j].mod == mod;
        if (seen) continue;
        for (int k = 0; k < mod->nsources; k++) mem_file(g, i, man->dir, mod->sources[k], ff);
        mem_file(g, i, man->dir, mod->file, ff);
        if (strcmp(mod->module, mod->name) != 0) {
            if (mem_wrapper(mod, out, err, errlen) != 0) return -1;
            fprintf(ff, "%s/%s.v\n", out, mod->name);
        }
    }
    return 0;
}

/* The per-module part of the timed bench (synth/bench/hg_timed_tb.v, included into it):
 * the padded port widths of hggl_top, the data-input nets of every flip-flop (a cell with
 * an input on the clock net: its other inputs) and one process per toggle net that hands
 * the net's value to the bench's counter once the time step it changed in is over. */
static void write_timed(const sy_glmodel *g, FILE *v)
{
    int nacc = 0;
    for (int i = 0; i < g->nmems; i++) nacc += 1 + (g->mems[i].wr_en >= 0);
    fprintf(v,
            "// Part of synth/bench/hg_timed_tb.v for module %s, written by `hgsynth glgen --timed`.\n"
            "// Do not edit.\n"
            "localparam NIN = %d, NOUT = %d, NTOG_W = %d, NACC_W = %d;\n"
            "localparam NTOG = %d, NACC = %d;\n",
            g->mmod->name, pad(g->nin), pad(g->nout), pad(g->ntogs), pad(nacc), g->ntogs, nacc);
    for (int pass = 0; pass < 2; pass++) {
        fprintf(v, "task hgt_%s_state;\n  begin\n", pass ? "free" : "hold");
        for (int i = 0; i < g->ncells; i++) {
            const sy_glcell *c = &g->cells[i];
            int clocked = 0;
            for (int k = 0; k < c->nconns; k++)
                clocked |= g->clk_net >= 0 && c->conns[k].dir != 1 && c->conns[k].nbits &&
                           c->conns[k].bits[0] == g->clk_net;
            for (int k = 0; clocked && k < c->nconns; k++) {
                int b = c->conns[k].nbits ? c->conns[k].bits[0] : -1;
                if (c->conns[k].dir == 1 || b < 0 || b == g->clk_net) continue;
                if (pass)
                    fprintf(v, "    release dut.n%d;\n", b);
                else
                    fprintf(v, "    force dut.n%d = 1'b0;\n", b);
            }
        }
        fprintf(v, "  end\nendtask\n");
    }
    for (int i = 0; i < g->ntogs; i++)
        fprintf(v, "always @(dut.n%d) #(SETTLE) hgt_tog(%d, dut.n%d);\n", g->togs[i].net, i, g->togs[i].net);
}

int sy_cmd_glgen(int argc, char **argv)
{
    const char *rtl = NULL, *nldir = NULL, *module = NULL, *out = NULL, *order_s = "ports", *timed = NULL;
    const sy_opt opts[] = {
        {"--rtl", &rtl, 1, 0, "generated RTL directory (with manifest.json)"},
        {"--netlists", &nldir, 1, 0, "directory of the Yosys JSON netlists (<module>.json)"},
        {"--module", &module, 1, 0, "module name"},
        {"--out", &out, 1, 0, "output directory (must exist)"},
        {"--capture-order", &order_s, 0, 0, "column order of captures: ports (default) or inputs-first"},
        {"--timed", &timed, 0, 1,
         "for the timed Icarus bench: netlist cell names (those of the SDF), and hggl_timed.vh"},
    };
    int rc = sy_parse_opts("glgen", "write the Verilator gate-level top and map of one module", argc, argv,
                           opts, (int)(sizeof opts / sizeof opts[0]));
    if (rc) return rc == 1 ? 0 : 2;
    int order = sy_capture_order_parse(order_s);
    if (order < 0) {
        fprintf(stderr, "hgsynth glgen: --capture-order %s: must be ports or inputs-first\n", order_s);
        return 2;
    }
    char err[1024] = "";
    if (sy_dir_check(out, err, sizeof err) != 0) {
        fprintf(stderr, "hgsynth glgen: --out: %s\n", err);
        return 2;
    }
    hg_manifest *man = sy_manifest_load(rtl, err, sizeof err);
    if (!man) {
        fprintf(stderr, "hgsynth glgen: %s\n", err);
        return 2;
    }
    sy_glmodel *g = sy_glmodel_build(man, nldir, module, (sy_capture_order)order, err, sizeof err);
    if (!g) {
        fprintf(stderr, "hgsynth glgen: %s\n", err);
        hg_manifest_free(man);
        return 2;
    }
    char *vp = sy_asprintf("%s/hggl_top.v", out), *mp = sy_asprintf("%s/map.txt", out);
    char *fp = sy_asprintf("%s/memfiles.f", out), *tp = sy_asprintf("%s/hggl_timed.vh", out);
    sy_out v = {0}, mf = {0}, ff = {0}, tf = {0};
    rc = sy_out_open(&v, vp, err, sizeof err) != 0 || sy_out_open(&mf, mp, err, sizeof err) != 0 ||
         sy_out_open(&ff, fp, err, sizeof err) != 0 || (timed && sy_out_open(&tf, tp, err, sizeof err) != 0);
    if (!rc) {
        write_top(g, v.f, timed != NULL);
        if (timed) write_timed(g, tf.f);
        sy_glmodel_write_map(g, mf.f);
        if (!timed) rc = mem_files(g, man, out, ff.f, err, sizeof err) != 0;
    }
    if (!rc) {
        rc = sy_out_commit(&v, err, sizeof err) != 0 || sy_out_commit(&mf, err, sizeof err) != 0 ||
             sy_out_commit(&ff, err, sizeof err) != 0 || (timed && sy_out_commit(&tf, err, sizeof err) != 0);
    }
    sy_out_abort(&tf);
    sy_out_abort(&v);
    sy_out_abort(&mf);
    sy_out_abort(&ff);
    if (rc) {
        fprintf(stderr, "hgsynth glgen: %s\n", err);
        rc = 2;
    } else {
        printf("hgsynth glgen: %s: %d input bits, %d checked bits, %d toggle nets -> %s\n", module, g->nin,
               g->nout, g->ntogs, out);
    }
    free(vp);
    free(mp);
    free(fp);
    free(tp);
    sy_glmodel_free(g);
    hg_manifest_free(man);
    return rc;
}
