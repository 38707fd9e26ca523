/*
 * hg_emit_probes.c — <prefix>_probes.v: every piece of instrumentation of a core, outside its
 * design modules (docs/spec.md, section 8). One simulation-only module reads the core through
 * hierarchical names and holds
 *   - the memory access counts of the simulator's statistics: <memory>_reads (read enables
 *     set) and <memory>_writes, every rising clock edge, public for hgsim's shim;
 *   - with HG_CAPTURE, the activity capture of the power flow: one file per instance of a
 *     captured module, one line per rising clock edge with every port but the clock, in port
 *     order, as fixed-width hex.
 * The instances are found by walking the children every module recorded (ge_child) from the
 * top. Verilator attaches the module to the core with `bind` (HS_BIND); Icarus, which has no
 * bind, instantiates it beside the core (synth/bench/hg_capture_tb.v).
 */
#include "hg_emit.h"
#include "hg_emit_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAP_CHUNK 8192 /* widest $fwrite argument Verilator accepts (bits) */

/* One instance of a generated module: the module and its path below the top ("" for the top,
   else ".u_av.g_dim[3].u_dim"). */
typedef struct {
    const mod_rec *m;
    char path[96];
} inst_rec;

typedef struct {
    inst_rec *v;
    int n, cap;
} inst_list;

static const mod_rec *find_mod(const gen *g, const char *suffix)
{
    for (int i = 0; i < g->nmods; i++)
        if (strcmp(g->mods[i].suffix, suffix) == 0) return &g->mods[i];
    return NULL;
}

/* Appends m at path and, depth first in instantiation order, every instance below it. */
static void walk(gen *g, const mod_rec *m, const char *path, inst_list *l)
{
    if (g->failed) return;
    if (l->n == l->cap) {
        inst_rec *v = realloc(l->v, (size_t)(l->cap ? 2 * l->cap : 64) * sizeof *v);
        if (!v) {
            ge_fail(g, "out of memory");
            return;
        }
        l->cap = l->cap ? 2 * l->cap : 64;
        l->v = v;
    }
    l->v[l->n].m = m;
    snprintf(l->v[l->n].path, sizeof l->v[0].path, "%s", path);
    l->n++;
    for (int k = 0; k < m->nkids; k++) {
        const child_rec *c = &m->kids[k];
        const mod_rec *cm = find_mod(g, c->suffix);
        if (!cm) {
            ge_fail(g, "internal error: unit '%s' has cells of unit '%s', which was not described", m->name,
                    c->suffix);
            return;
        }
        for (int i = 0; i < c->count; i++) {
            char p[96];
            if (c->loop[0])
                snprintf(p, sizeof p, "%s.%s[%d].%s", path, c->loop, i, c->inst);
            else
                snprintf(p, sizeof p, "%s.%s", path, c->inst);
            walk(g, cm, p, l);
        }
    }
}

void hg_emit_probes_module(const char *prefix, char *name, size_t len)
{
    snprintf(name, len, "%s_probes", prefix);
}

void hg_emit_probes_file(const char *prefix, char *name, size_t len)
{
    char mod[HG_FILE_PATH_MAX];
    hg_emit_probes_module(prefix, mod, sizeof mod);
    snprintf(name, len, "%s.v", mod);
}

static const port_rec *find_port(const mod_rec *m, const char *name)
{
    for (int i = 0; i < m->nports; i++)
        if (strcmp(m->ports[i].name, name) == 0) return &m->ports[i];
    return NULL;
}

/* The access counters of every memory instance: reads are the read enables set (re_i, one
   bit a port), writes the write enable (we_i). */
static void emit_counts(gen *g, const inst_list *l)
{
    ge_o(g, "  // ---- memory access counts (hgsim's statistics) ----------------------------------\n");
    for (int i = 0; i < l->n; i++) {
        const mod_rec *m = l->v[i].m;
        if (!m->mem_words) continue;
        ge_o(g, "  reg [63:0] %s_reads /*verilator public_flat_rd*/;\n", m->suffix);
        ge_o(g, "  reg [63:0] %s_writes /*verilator public_flat_rd*/;\n", m->suffix);
    }
    ge_o(g, "  initial begin\n");
    for (int i = 0; i < l->n; i++)
        if (l->v[i].m->mem_words)
            ge_o(g, "    %s_reads = 64'd0;\n    %s_writes = 64'd0;\n", l->v[i].m->suffix, l->v[i].m->suffix);
    ge_o(g, "  end\n  always @(posedge `HS_DUT.clk_i) begin\n");
    for (int i = 0; i < l->n; i++) {
        const mod_rec *m = l->v[i].m;
        if (!m->mem_words) continue;
        const port_rec *re = find_port(m, "re_i"), *we = find_port(m, "we_i");
        if (!re || !we || we->width != 1) {
            ge_fail(g, "internal error: memory unit '%s' needs an re_i and a one-bit we_i port", m->name);
            return;
        }
        ge_o(g, "    %s_reads <= %s_reads", m->suffix, m->suffix);
        if (re->width == 1) ge_o(g, " + {63'd0, `HS_DUT%s.re_i}", l->v[i].path);
        for (int b = 0; re->width > 1 && b < re->width; b++)
            ge_o(g, "\n        + {63'd0, `HS_DUT%s.re_i[%d]}", l->v[i].path, b);
        ge_o(g, ";\n    %s_writes <= %s_writes + {63'd0, `HS_DUT%s.we_i};\n", m->suffix, m->suffix,
             l->v[i].path);
    }
    ge_o(g, "  end\n");
}

/* The arguments of one instance's capture line: every port but the clock; a port wider than
   CAP_CHUNK bits as slices [min(w, (s+1)C)-1 : sC], most significant first, printed with no
   separator (%h pads every slice to its full width, so the line is that of the whole port). */
static void emit_capture_line(gen *g, const inst_rec *in, int k)
{
    const mod_rec *m = in->m;
    ge_o(g, "    if (cap_fd[%d] != 0)\n      $fwrite(cap_fd[%d], \"", k, k);
    int n = 0;
    for (int i = 0; i < m->nports; i++)
        if (strcmp(m->ports[i].name, "clk_i") != 0) {
            ge_o(g, "%s", n++ ? " " : "");
            for (int s = (m->ports[i].width - 1) / CAP_CHUNK; s >= 0; s--) ge_o(g, "%%h");
        }
    ge_o(g, "\\n\"");
    for (int i = 0; i < m->nports; i++) {
        const port_rec *p = &m->ports[i];
        if (strcmp(p->name, "clk_i") == 0) continue;
        int ns = (p->width - 1) / CAP_CHUNK + 1;
        if (ns == 1)
            ge_o(g, ",\n              `HS_DUT%s.%s", in->path, p->name);
        else
            for (int s = ns - 1; s >= 0; s--)
                ge_o(g, ",\n              `HS_DUT%s.%s[%d:%d]", in->path, p->name,
                     (s + 1) * CAP_CHUNK < p->width ? (s + 1) * CAP_CHUNK - 1 : p->width - 1, s * CAP_CHUNK);
    }
    ge_o(g, ");\n");
}

/* The activity capture (HG_CAPTURE): +hg_capture_dir=DIR opens DIR/<HS_NAME><path>.hex for
   every instance of a captured module. */
static void emit_capture(gen *g, const inst_list *l)
{
    int ncap = 0;
    for (int i = 0; i < l->n; i++) ncap += l->v[i].m->capture;
    ge_o(g,
         "\n`ifdef HG_CAPTURE\n"
         "  // ---- activity capture (the power flow): +hg_capture_dir=DIR -----------------------\n"
         "  reg [8*256-1:0] cap_dir;\n"
         "  reg [8*512-1:0] cap_path;\n"
         "  integer cap_fd [0:%d];\n"
         "  integer cap_k;\n"
         "  initial begin\n"
         "    for (cap_k = 0; cap_k < %d; cap_k = cap_k + 1) cap_fd[cap_k] = 0;\n"
         "    if ($value$plusargs(\"hg_capture_dir=%%s\", cap_dir)) begin\n",
         ncap - 1, ncap);
    for (int i = 0, k = 0; i < l->n; i++) {
        if (!l->v[i].m->capture) continue;
        ge_o(g,
             "      $sformat(cap_path, \"%%0s/%%0s%s.hex\", cap_dir, `HS_NAME);\n"
             "      cap_fd[%d] = $fopen(cap_path, \"w\");\n",
             l->v[i].path, k++);
    }
    ge_o(g, "    end\n  end\n  always @(posedge `HS_DUT.clk_i) begin\n");
    for (int i = 0, k = 0; i < l->n; i++)
        if (l->v[i].m->capture) emit_capture_line(g, &l->v[i], k++);
    ge_o(g, "  end\n`endif\n");
}

void ge_emit_probes(gen *g)
{
    const char *top = g->mods[g->nmods - 1].name;
    inst_list l = {0};
    walk(g, &g->mods[g->nmods - 1], "", &l);
    char file[80];
    hg_emit_probes_file(ge_pfx(g), file, sizeof file);
    ge_out_begin(g, file);
    ge_write_header(g, "//");
    ge_o(g,
         "//\n"
         "// %s_probes\n"
         "// Simulation-only instrumentation of %s, outside its design modules: never\n"
         "// synthesized, not in filelist.f (manifest.json names it, \"probes\"). It reads the core\n"
         "// through hierarchical names rooted at `HS_DUT and holds\n"
         "//   - the memory access counts of the simulator's statistics (<memory>_reads: read\n"
         "//     enables set, <memory>_writes), every rising clock edge;\n"
         "//   - with HG_CAPTURE, the activity capture of the power flow: +hg_capture_dir=DIR\n"
         "//     writes DIR/<instance>.hex (`HS_NAME and the instance's path) for every instance\n"
         "//     of a logic module, one line per rising clock edge with every port but the clock,\n"
         "//     in port order, as fixed-width hex (docs/spec.md, section 8).\n"
         "// With +define+HS_BIND (Verilator) the bind statement at the end attaches it to %s.\n"
         "// A simulator without bind: instantiate it beside the core with HS_DUT defined as the\n"
         "// core instance's name from there and HS_NAME as its %%m name.\n"
         "`ifndef HS_DUT\n`define HS_DUT %s\n`endif\n"
         "`ifndef HS_NAME\n`define HS_NAME \"TOP.%s\"\n`endif\n\n"
         "module %s_probes;\n\n",
         ge_pfx(g), top, top, top, top, ge_pfx(g));
    emit_counts(g, &l);
    emit_capture(g, &l);
    ge_o(g,
         "\nendmodule\n\n"
         "`ifdef HS_BIND\nbind %s %s_probes u_hs_probes ();\n`endif\n",
         top, ge_pfx(g));
    ge_out_end(g);
    free(l.v);
}
