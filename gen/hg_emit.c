/*
 * hg_emit.c — Verilog emitter for the HAD, baseline and int8 + top-N attention cores.
 *
 * Every module goes to its own file. A module is described by calls to mod_begin(),
 * lparam(), port(), ports_end(), free Verilog text through o(), and mod_end(), which also
 * records the module (block, instance count, ports, memory geometry) for the manifest and
 * appends, for logic modules, the activity-capture block used by the power flow.
 * The microarchitecture is described in docs/architecture.md; the numbers in docs/spec.md.
 */
#include "hg_emit.h"
#include "hg_file.h"

#include <assert.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_MODS  24
#define MAX_PORTS 48
#define MAX_FILES (2 * MAX_MODS)  /* the modules and the block sources they use */
#define MAX_OUTS  (MAX_FILES + 3) /* those, filelist.f, hadgen.core, manifest.json */

/* Where the hand-written blocks are read from: $HADGEN_RTL_SRC, else the source tree's
   rtl/src (HG_SRC_DIR, set by the build). */
#ifndef HG_SRC_DIR
#define HG_SRC_DIR "."
#endif

/* Module name suffixes (the module of suffix S is <prefix>_S in <prefix>_S.v). */
static const char *const mod_suffixes[] = {"xnor_lane", "mac_lane", "score_array", "topn", "wlut",
                                           "exp_unit",  "av_dim",   "av",          "norm", "kmem",
                                           "vmem",      "smem",     "core",        NULL};

/* The blocks every module belongs to, in report order: manifest.json lists them ("blocks"),
   and the synthesis flow and the report take them from there. "memory" modules are costed by
   the flow's memory model instead of being synthesized. */
static const struct {
    const char *name, *summary;
} hg_blocks[] = {
    {"score", "key scoring: XNOR-popcount lanes (HAD) or int8 multiply-accumulate lanes"},
    {"select", "top-N selection of the scored keys"},
    {"softmax", "softmax weights: the run-time exp table (HAD) or exp units (int8)"},
    {"av", "weighted sum of the values"},
    {"norm", "normalizer: reciprocal of the weight sum, output scaling and rounding"},
    {"control", "core top: streams, sequencing, configuration registers"},
    {"memory", "K, V and score memories (memory model, not synthesized)"},
};
#define HG_NBLOCKS ((int)(sizeof hg_blocks / sizeof hg_blocks[0]))

/* The hand-written blocks hadgen copies into a core folder (rtl/src/<name>.v). */
static const char *const block_files[] = {"hg_xnor_lane.v",
                                          "hg_mac_lane.v",
                                          "hg_topn.v",
                                          "hg_wlut.v",
                                          "hg_av_dim.v",
                                          "hg_exp_unit.v",
                                          "hg_norm.v",
                                          "hg_mem_banked.v",
                                          "hg_mem_flat.v",
                                          "hg_av_list.v",
                                          "hg_av_rows.v",
                                          "hg_av_out.v",
                                          NULL};

typedef struct port_rec {
    const char *dir; /* "input" / "output" */
    int width;
    char name[32];
    char kind[16];
    char range[40];
    char comment[96];
} port_rec;

typedef struct param_rec {
    char name[16];
    long value;
    char comment[96];
} param_rec;

typedef struct mod_rec {
    char name[64];
    char file[72];
    char sources[4][40]; /* the hand-written blocks it instantiates (rtl/src files) */
    int nsources;
    const char *block;
    int instances;
    int mem_words, mem_width, mem_rports, mem_wports; /* memories only */
    int nports;
    port_rec ports[MAX_PORTS];
} mod_rec;

typedef struct gen {
    const hg_cfg *c;
    const char *dir;
    const char *cmdline;
    FILE *f;                /* the file being written (a temporary name) */
    hg_wfile out[MAX_OUTS]; /* every file written, renamed into place at the end */
    int nout;
    param_rec params[MAX_PORTS]; /* parameters of the module being written */
    int nparams;
    mod_rec mods[MAX_MODS];
    int nmods;
    char files[MAX_FILES][72]; /* every Verilog file, in dependency order (filelist.f) */
    int nfiles;
    char *err;
    size_t errlen;
    int failed;
} gen;

/* ---- low-level output ------------------------------------------------------------------ */

static void o(gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void o(gen *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (g->f) vfprintf(g->f, fmt, ap);
    va_end(ap);
}

static void set_err(gen *g, const char *what, const char *path)
{
    if (!g->failed) snprintf(g->err, g->errlen, "%s '%s': %s", what, path, strerror(errno));
    g->failed = 1;
}

/* Starts output file dir/name under a temporary name; g->f is NULL if that fails. */
static void out_begin(gen *g, const char *name)
{
    char path[HG_FILE_PATH_MAX], why[256];
    g->f = NULL;
    if (g->failed) return;
    assert(g->nout < MAX_OUTS);
    snprintf(path, sizeof path, "%s/%s", g->dir, name);
    hg_wfile *w = &g->out[g->nout];
    if (hg_file_begin(w, path, why, sizeof why) != 0) {
        snprintf(g->err, g->errlen, "cannot write '%s': %s", path, why);
        g->failed = 1;
        return;
    }
    g->nout++;
    g->f = w->f;
}

/* Closes the output file being written (it keeps its temporary name). */
static void out_end(gen *g)
{
    if (!g->f) return;
    hg_wfile *w = &g->out[g->nout - 1];
    int ok = !ferror(g->f);
    ok = fclose(g->f) == 0 && ok;
    g->f = w->f = NULL;
    if (!ok) set_err(g, "cannot write", w->path);
}

static const char *pfx(gen *g) { return g->c->prefix; }

/* The header every emitted file starts with: do-not-edit, command line, parameters. */
static void write_header(gen *g, const char *comment)
{
    const hg_cfg *c = g->c;
    o(g,
      "%s ----------------------------------------------------------------------------\n"
      "%s AUTO-GENERATED by hadgen. DO NOT EDIT: changes are lost on regeneration.\n"
      "%s Generated with:\n%s   %s\n"
      "%s Parameters: core=%s d=%d lanes=%d top_n=%d max_keys=%d weight_bits=%d\n"
      "%s             exp_frac_bits=%d out_frac=%d prefix=%s\n"
      "%s Derived:    groups=%d av_slots=%d acc_width=%d wsum_width=%d recip_q=%d\n"
      "%s             out_width=%d recip_bits_per_cycle=%d norm_mults=%d ii_cycles=%d\n"
      "%s ----------------------------------------------------------------------------\n",
      comment, comment, comment, comment, g->cmdline, comment, hg_core_name(c->core), c->d, c->p, c->n, c->l,
      c->wb, comment, c->fb, c->of, c->prefix, comment, c->g, c->r, c->accw, c->wsw, c->rq, comment, c->ow,
      c->bpc, c->mn, c->ii, comment);
}

/* ---- module skeleton ------------------------------------------------------------------- */

static mod_rec *mod_begin(gen *g, const char *suffix, const char *block, int instances, const char *purpose)
{
    if (g->failed || g->nmods >= MAX_MODS) return &g->mods[0];
    mod_rec *m = &g->mods[g->nmods++];
    memset(m, 0, sizeof *m);
    char name[64];
    snprintf(name, sizeof name, "%s_%s", pfx(g), suffix);
    memcpy(m->name, name, sizeof name);
    snprintf(m->file, sizeof m->file, "%s.v", name);
    m->block = block;
    m->instances = instances;
    assert(g->nfiles < MAX_FILES);
    memcpy(g->files[g->nfiles++], m->file, sizeof m->file);
    int listed = 0;
    for (int i = 0; i < HG_NBLOCKS; i++) listed |= strcmp(block, hg_blocks[i].name) == 0;
    assert(listed && "block missing from hg_blocks");
    (void)listed;
    int known = 0;
    for (int i = 0; mod_suffixes[i]; i++) known |= strcmp(suffix, mod_suffixes[i]) == 0;
    assert(known && "module suffix missing from mod_suffixes");
    (void)known;
    out_begin(g, m->file);
    if (!g->f) return m;
    write_header(g, "//");
    o(g, "//\n// %s\n// %s\n", m->name, purpose);
    o(g, "`default_nettype none\n\nmodule %s", m->name);
    g->nparams = 0;
    return m;
}

/* A module parameter (fixed to this configuration) with a comment. */
static void lparam(gen *g, const char *name, long value, const char *comment)
{
    if (g->nparams >= MAX_PORTS) return;
    param_rec *p = &g->params[g->nparams++];
    snprintf(p->name, sizeof p->name, "%s", name);
    p->value = value;
    snprintf(p->comment, sizeof p->comment, "%s", comment);
}

/* A port: kind "input wire", "output wire" or "output reg"; range text such as "D-1:0" or
   NULL for one bit; width its numeric value. */
static void port(gen *g, const char *kind, const char *range, int width, const char *name,
                 const char *comment)
{
    mod_rec *m = &g->mods[g->nmods - 1];
    if (m->nports < MAX_PORTS) {
        port_rec *p = &m->ports[m->nports++];
        p->dir = kind[0] == 'i' ? "input" : "output";
        p->width = width;
        snprintf(p->name, sizeof p->name, "%s", name);
        snprintf(p->kind, sizeof p->kind, "%s", kind);
        snprintf(p->range, sizeof p->range, "%s%s%s", range ? "[" : "", range ? range : "", range ? "]" : "");
        snprintf(p->comment, sizeof p->comment, "%s", comment);
    }
}

/* Prints the parameter list and the ports collected since mod_begin(). */
static void ports_end(gen *g)
{
    mod_rec *m = &g->mods[g->nmods - 1];
    if (g->nparams) {
        o(g, " #(\n");
        for (int i = 0; i < g->nparams; i++) {
            const param_rec *p = &g->params[i];
            char v[40];
            snprintf(v, sizeof v, "%ld%s", p->value, i + 1 < g->nparams ? "," : "");
            o(g, "  parameter %-6s = %-9s // %s\n", p->name, v, p->comment);
        }
        o(g, ")");
    }
    o(g, " (\n");
    for (int i = 0; i < m->nports; i++) {
        const port_rec *p = &m->ports[i];
        char nm[40];
        snprintf(nm, sizeof nm, "%s%s", p->name, i + 1 < m->nports ? "," : "");
        o(g, "  %-11s %-14s %-15s // %s\n", p->kind, p->range, nm, p->comment);
    }
    o(g, ");\n\n");
}

#define HG_CAP_CHUNK 8192 /* widest $fwrite argument Verilator accepts (bits) */

static int imin(int a, int b) { return a < b ? a : b; }

/* Activity capture (docs/spec.md, section 8): one line per rising clock edge with every
   port but the clock, in port order, as fixed-width hex. */
static void emit_capture(gen *g, const mod_rec *m)
{
    o(g, "\n`ifdef HG_CAPTURE\n"
         "  // Activity capture for the power flow: +hg_capture_dir=DIR writes DIR/<instance>.hex.\n"
         "  integer cap_fd;\n"
         "  reg [8*256-1:0] cap_dir;\n"
         "  reg [8*512-1:0] cap_path;\n"
         "  initial begin\n"
         "    cap_fd = 0;\n"
         "    if ($value$plusargs(\"hg_capture_dir=%%s\", cap_dir)) begin\n"
         "      $sformat(cap_path, \"%%0s/%%m.hex\", cap_dir);\n"
         "      cap_fd = $fopen(cap_path, \"w\");\n"
         "    end\n"
         "  end\n"
         "  always @(posedge clk_i)\n"
         "    if (cap_fd != 0)\n"
         "      $fwrite(cap_fd, \"");
    /* A port wider than HG_CAP_CHUNK bits is printed as slices [min(w, (s+1)C)-1 : sC], most
       significant first, with no separator: %h pads every slice to its full width, so the
       line is the same as with the whole port (Verilator refuses wider $fwrite arguments). */
    int n = 0;
    for (int i = 0; i < m->nports; i++)
        if (strcmp(m->ports[i].name, "clk_i") != 0) {
            o(g, "%s", n++ ? " " : "");
            for (int s = (m->ports[i].width - 1) / HG_CAP_CHUNK; s >= 0; s--) o(g, "%%h");
        }
    o(g, "\\n\"");
    for (int i = 0; i < m->nports; i++) {
        const port_rec *p = &m->ports[i];
        if (strcmp(p->name, "clk_i") == 0) continue;
        int ns = (p->width - 1) / HG_CAP_CHUNK + 1;
        if (ns == 1)
            o(g, ",\n              %s", p->name);
        else
            for (int s = ns - 1; s >= 0; s--)
                o(g, ",\n              %s[%d:%d]", p->name, imin(p->width, (s + 1) * HG_CAP_CHUNK) - 1,
                  s * HG_CAP_CHUNK);
    }
    o(g, ");\n`endif\n");
}

static void mod_end(gen *g, int capture)
{
    mod_rec *m = &g->mods[g->nmods - 1];
    if (capture) emit_capture(g, m);
    o(g, "\nendmodule\n\n`default_nettype wire\n");
    out_end(g);
}

/* ---- hand-written blocks ----------------------------------------------------------------- */

/* The folder of the hand-written blocks. */
static const char *block_dir(void)
{
    const char *e = getenv("HADGEN_RTL_SRC");
    return e && *e ? e : HG_SRC_DIR "/rtl/src";
}

/* Copies block file `file` (rtl/src) into the output, behind the do-not-edit header, once. */
static void copy_block(gen *g, const char *file)
{
    int listed = 0;
    for (int i = 0; block_files[i]; i++) listed |= strcmp(file, block_files[i]) == 0;
    assert(listed && "block file missing from block_files");
    assert(!g->f && "copy_block while a module is being written");
    (void)listed;
    for (int i = 0; i < g->nfiles; i++)
        if (strcmp(g->files[i], file) == 0) return;
    char path[HG_FILE_PATH_MAX], why[256];
    snprintf(path, sizeof path, "%s/%s", block_dir(), file);
    size_t len = 0;
    char *text = hg_file_read(path, 1L << 20, &len, why, sizeof why);
    if (!text) {
        if (!g->failed)
            snprintf(g->err, g->errlen,
                     "hand-written block '%s': %s (the blocks are read from "
                     "rtl/src of the source tree, or from $HADGEN_RTL_SRC)",
                     path, why);
        g->failed = 1;
        return;
    }
    assert(g->nfiles < MAX_FILES);
    snprintf(g->files[g->nfiles++], sizeof g->files[0], "%s", file);
    out_begin(g, file);
    if (g->f) {
        write_header(g, "//");
        o(g, "// Copy of rtl/src/%s, the hand-written block: edit it there.\n\n", file);
        fwrite(text, 1, len, g->f);
    }
    out_end(g);
    free(text);
}

/* Records that the module being written instantiates hand-written block `module`. */
static void add_source(mod_rec *m, const char *module)
{
    char f[40];
    snprintf(f, sizeof f, "%s.v", module);
    for (int i = 0; i < m->nsources; i++)
        if (strcmp(m->sources[i], f) == 0) return;
    assert(m->nsources < (int)(sizeof m->sources / sizeof m->sources[0]));
    snprintf(m->sources[m->nsources++], sizeof m->sources[0], "%s", f);
}

/* One instance `inst` of hand-written block `module` with the parameter overrides given
   ("NAME", "VALUE" pairs, NULL-ended) and the port connections given ("PORT", "SIGNAL"
   pairs, NULL-ended): for a module that combines a block with other modules. The block
   file is copied (copy_block) before the module is begun. */
static void hand_instance(gen *g, const char *module, const char *inst, const char *const *params,
                          const char *const *conns)
{
    add_source(&g->mods[g->nmods - 1], module);
    o(g, "  %s #(\n", module);
    for (int i = 0; params[i]; i += 2)
        o(g, "    .%s(%s)%s\n", params[i], params[i + 1], params[i + 2] ? "," : "");
    o(g, "  ) %s (\n", inst);
    for (int i = 0; conns[i]; i += 2)
        o(g, "    .%-13s(%s)%s\n", conns[i], conns[i + 1], conns[i + 2] ? "," : "");
    o(g, "  );\n\n");
}

/* The body of a module that is hand-written block `module` (rtl/src/<module>.v): one instance
   of it, u_block, with the parameter overrides given ("NAME", "VALUE" pairs, NULL-ended)
   and every port of the module connected to the block's port of the same name. */
/* The same with more port connections ("PORT", "SIGNAL" pairs, NULL-ended): ports of the
   block that are not ports of the module (a table the module holds beside the block). */
static void block_instance_with(gen *g, const char *module, const char *const *params,
                                const char *const *extra)
{
    mod_rec *m = &g->mods[g->nmods - 1];
    add_source(m, module);
    o(g, "  // The hand-written block rtl/src/%s.v with this configuration's parameters.\n", module);
    o(g, "  %s #(\n", module);
    for (int i = 0; params[i]; i += 2)
        o(g, "    .%s(%s)%s\n", params[i], params[i + 1], params[i + 2] ? "," : "");
    o(g, "  ) u_block (\n");
    for (int i = 0; extra && extra[i]; i += 2) o(g, "    .%-13s(%s),\n", extra[i], extra[i + 1]);
    for (int i = 0; i < m->nports; i++)
        o(g, "    .%-13s(%s)%s\n", m->ports[i].name, m->ports[i].name, i + 1 < m->nports ? "," : "");
    o(g, "  );\n");
}

static void block_instance(gen *g, const char *module, const char *const *params)
{
    block_instance_with(g, module, params, NULL);
}

/* ---- shared helpers for emitted text --------------------------------------------------- */

static int imax(int a, int b) { return a > b ? a : b; }
static int abits(int n) { return imax(1, hg_clog2(n)); } /* address bits for n entries */

/* Zero extension of e (width w) to width to. */
static const char *zext(char *buf, size_t n, const char *e, int w, int to)
{
    if (to == w)
        snprintf(buf, n, "%s", e);
    else
        snprintf(buf, n, "{{%d{1'b0}}, %s}", to - w, e);
    return buf;
}

/* ---- score lanes ----------------------------------------------------------------------- */

static void emit_xnor_lane(gen *g)
{
    const hg_cfg *c = g->c;
    copy_block(g, "hg_xnor_lane.v");
    mod_begin(g, "xnor_lane", "score", c->p,
              "One HAD score lane: m = popcount(XNOR(q, k)), the number of positions where\n"
              "// the query and key signs agree (0..D). The dot product of the signs is 2m - D.\n"
              "// Registered output; one key per cycle.");
    lparam(g, "D", c->d, "head dimension = bits per key");
    lparam(g, "MW", c->mw, "match-count width");
    port(g, "input wire", NULL, 1, "clk_i", "clock");
    port(g, "input wire", NULL, 1, "en_i", "pipeline enable (hold when low)");
    port(g, "input wire", "D-1:0", c->d, "q_i", "query sign bits (1 = +1)");
    port(g, "input wire", "D-1:0", c->d, "k_i", "key sign bits");
    port(g, "output wire", "MW-1:0", c->mw, "m_o", "matches, valid one cycle later");
    ports_end(g);
    static const char *const params[] = {"D", "D", NULL};
    block_instance(g, "hg_xnor_lane", params);
    mod_end(g, 1);
}

static void emit_mac_lane(gen *g)
{
    const hg_cfg *c = g->c;
    copy_block(g, "hg_mac_lane.v");
    mod_begin(g, "mac_lane", "score", c->p,
              "One int8 score lane: s = sum_i q[i] * k[i] over D signed bytes.\n"
              "// Registered output; one key per cycle.");
    lparam(g, "D", c->d, "head dimension");
    lparam(g, "SW", c->sw, "score width (signed)");
    port(g, "input wire", NULL, 1, "clk_i", "clock");
    port(g, "input wire", NULL, 1, "en_i", "pipeline enable (hold when low)");
    port(g, "input wire", "8*D-1:0", 8 * c->d, "q_i", "query, D x int8, element i at [8i+7:8i]");
    port(g, "input wire", "8*D-1:0", 8 * c->d, "k_i", "key, D x int8");
    port(g, "output wire", "SW-1:0", c->sw, "s_o", "dot product (signed), one cycle later");
    ports_end(g);
    static const char *const params[] = {"D", "D", "SW", "SW", NULL};
    block_instance(g, "hg_mac_lane", params);
    mod_end(g, 1);
}

static void emit_score_array(gen *g)
{
    const hg_cfg *c = g->c;
    int had = c->core == HG_CORE_HAD;
    mod_begin(g, "score_array", "score", 1,
              "P score lanes side by side: the P keys of one memory row against one query.");
    lparam(g, "P", c->p, "lanes");
    lparam(g, "KW", c->kw, "bits per key / query");
    lparam(g, "SW", c->sw, "score width");
    port(g, "input wire", NULL, 1, "clk_i", "clock");
    port(g, "input wire", NULL, 1, "en_i", "pipeline enable");
    port(g, "input wire", "KW-1:0", c->kw, "q_i", "query");
    port(g, "input wire", "P*KW-1:0", c->p * c->kw, "k_i", "P keys, lane j at [j*KW +: KW]");
    port(g, "output wire", "P*SW-1:0", c->p * c->sw, "s_o", "P scores, one cycle later");
    ports_end(g);
    o(g,
      "  genvar j;\n"
      "  generate\n"
      "    for (j = 0; j < P; j = j + 1) begin : g_lane\n"
      "      %s_%s u_lane (\n"
      "        .clk_i (clk_i),\n"
      "        .en_i  (en_i),\n"
      "        .q_i   (q_i),\n"
      "        .k_i   (k_i[j*KW +: KW]),\n"
      "        .%s   (s_o[j*SW +: SW])\n"
      "      );\n"
      "    end\n"
      "  endgenerate\n",
      pfx(g), had ? "xnor_lane" : "mac_lane", had ? "m_o" : "s_o");
    mod_end(g, 0);
}

/* ---- top-N selector -------------------------------------------------------------------- */

static void emit_topn(gen *g)
{
    const hg_cfg *c = g->c;
    int sgn = c->core != HG_CORE_HAD;
    copy_block(g, "hg_topn.v");
    mod_begin(g, "topn", "select", 1,
              "Streaming top-N selector. Holds the N best (score, index) pairs seen so far,\n"
              "// sorted best first, and merges P candidates per cycle. Order: higher score first;\n"
              "// equal scores: lower key index first (held entries always have lower indices\n"
              "// than new candidates, and lane j < lane j' within a group). On the last group\n"
              "// of a query the merged list is published until the consumer takes it.");
    lparam(g, "N", c->n, "entries kept");
    lparam(g, "P", c->p, "candidates per cycle");
    lparam(g, "SW", c->sw, sgn ? "score width (signed)" : "score width (unsigned)");
    lparam(g, "IW", c->iw, "key index width");
    port(g, "input wire", NULL, 1, "clk_i", "clock");
    port(g, "input wire", NULL, 1, "rst_ni", "synchronous reset, active low");
    port(g, "input wire", NULL, 1, "en_i", "pipeline enable");
    port(g, "input wire", NULL, 1, "in_valid_i", "a group of candidates is presented");
    port(g, "input wire", NULL, 1, "first_i", "first group of a query (list starts empty)");
    port(g, "input wire", NULL, 1, "last_i", "last group of a query (publish the result)");
    port(g, "input wire", "P-1:0", c->p, "lane_valid_i", "candidate j is a real key");
    port(g, "input wire", "P*SW-1:0", c->p * c->sw, "s_i", "candidate scores");
    port(g, "input wire", "IW-1:0", c->iw, "base_i", "key index of lane 0");
    port(g, "input wire", NULL, 1, "take_i", "consumer releases the published list");
    port(g, "output wire", NULL, 1, "out_valid_o", "published list valid");
    port(g, "output wire", "N-1:0", c->n, "out_v_o", "entry valid (a prefix)");
    port(g, "output wire", "N*SW-1:0", c->n * c->sw, "out_s_o", "entry scores, best first");
    port(g, "output wire", "N*IW-1:0", c->n * c->iw, "out_idx_o", "entry key indices");
    ports_end(g);
    const char *const params[] = {"N",  "N",  "P", "P", "SW", "SW", "SIGNED", sgn ? "1" : "0",
                                  "IW", "IW", NULL};
    block_instance(g, "hg_topn", params);
    mod_end(g, 1);
}

/* ---- softmax weights ------------------------------------------------------------------- */

static void emit_wlut(gen *g)
{
    const hg_cfg *c = g->c;
    copy_block(g, "hg_wlut.v");
    mod_begin(g, "wlut", "softmax", 1,
              "HAD softmax weights: a run-time table etab[delta], delta = m_max - m in 0..D,\n"
              "// holding round(2^WB * exp(S_j - S_max)) for the layer's sigma_Q * sigma_K.\n"
              "// R lookups per cycle, registered.");
    lparam(g, "D", c->d, "head dimension (table has D + 1 entries)");
    lparam(g, "MW", c->mw, "delta width");
    lparam(g, "WW", c->ww, "weight width");
    lparam(g, "R", c->r, "lookups per cycle");
    port(g, "input wire", NULL, 1, "clk_i", "clock");
    port(g, "input wire", NULL, 1, "we_i", "table write");
    port(g, "input wire", "MW-1:0", c->mw, "waddr_i", "table entry written (0..D)");
    port(g, "input wire", "WW-1:0", c->ww, "wdata_i", "table value");
    port(g, "input wire", NULL, 1, "en_i", "pipeline enable");
    port(g, "input wire", "R-1:0", c->r, "valid_i", "lookup r is a real key");
    port(g, "input wire", "R*MW-1:0", c->r * c->mw, "delta_i", "deltas, lookup r at [r*MW +: MW]");
    port(g, "output wire", "R*WW-1:0", c->r * c->ww, "w_o", "weights (0 where not valid), one cycle later");
    ports_end(g);
    static const char *const params[] = {"D", "D", "WW", "WW", "R", "R", NULL};
    block_instance(g, "hg_wlut", params);
    mod_end(g, 1);
}

static void emit_exp_unit(gen *g, int instances)
{
    const hg_cfg *c = g->c;
    int tw = c->sw + 1;
    copy_block(g, "hg_exp_unit.v");
    mod_begin(g, "exp_unit", "softmax", instances,
              "int8 softmax weight: w = 2^-(z / 2^FB) in units of 2^-WB, where\n"
              "// z = (t * exp_mul) >> exp_shift and t = s_max - s >= 0 (docs/spec.md). The integer\n"
              "// part of z shifts, the FB-bit fraction indexes a constant 2^-f table. Registered.");
    lparam(g, "TW", tw, "width of t = s_max - s");
    lparam(g, "FB", c->fb, "fraction-table index bits");
    lparam(g, "WB", c->wb, "weight fraction bits");
    lparam(g, "WW", c->ww, "weight width");
    port(g, "input wire", NULL, 1, "clk_i", "clock");
    port(g, "input wire", NULL, 1, "en_i", "pipeline enable");
    port(g, "input wire", NULL, 1, "valid_i", "a real key (else the weight is 0)");
    port(g, "input wire", "TW-1:0", tw, "t_i", "s_max - s (non-negative)");
    port(g, "input wire", "15:0", 16, "mul_i", "exp multiplier (run time)");
    port(g, "input wire", "5:0", 6, "shift_i", "exp shift (run time)");
    port(g, "output wire", "WW-1:0", c->ww, "w_o", "weight, one cycle later");
    ports_end(g);
    /* the computed table beside the block: a ROM of round(2^WB * 2^(-f / 2^FB)) */
    o(g, "  // round(2^WB * 2^(-f / 2^FB)), f = 0 .. 2^FB - 1 (hg_exp_frac): the block's table\n"
         "  function [WW-1:0] frac_rom;\n"
         "    input [FB-1:0] f;\n"
         "    case (f)\n");
    for (int f = 0; f < (1 << c->fb); f++)
        o(g, "      %d'd%d: frac_rom = %d'd%u;\n", c->fb, f, c->ww, hg_exp_frac(c, f));
    o(g, "      default: frac_rom = {WW{1'b0}};\n"
         "    endcase\n"
         "  endfunction\n\n"
         "  wire [FB-1:0] frac_addr;\n"
         "  wire [WW-1:0] frac = frac_rom(frac_addr);\n\n");
    static const char *const params[] = {"TW", "TW", "FB", "FB", "WB", "WB", NULL};
    static const char *const table[] = {"frac_addr_o", "frac_addr", "frac_i", "frac", NULL};
    block_instance_with(g, "hg_exp_unit", params, table);
    mod_end(g, 1);
}

/* ---- AV ------------------------------------------------------------------------------- */

static void emit_av_dim(gen *g)
{
    const hg_cfg *c = g->c;
    copy_block(g, "hg_av_dim.v");
    mod_begin(g, "av_dim", "av", c->d,
              "One output dimension of the AV unit: acc += sum_r w[r] * v[r] over R key slots\n"
              "// (weights unsigned, values int8). One instance per head dimension.");
    lparam(g, "R", c->r, "key slots per cycle");
    lparam(g, "WW", c->ww, "weight width (unsigned)");
    lparam(g, "ACCW", c->accw, "accumulator width (signed)");
    port(g, "input wire", NULL, 1, "clk_i", "clock");
    port(g, "input wire", NULL, 1, "en_i", "pipeline enable");
    port(g, "input wire", NULL, 1, "valid_i", "a beat of R slots is presented");
    port(g, "input wire", NULL, 1, "first_i", "first beat of a query (restart the sum)");
    port(g, "input wire", "R*WW-1:0", c->r * c->ww, "w_i", "weights, slot r at [r*WW +: WW]");
    port(g, "input wire", "R*8-1:0", c->r * 8, "v_i", "values (int8) of this dimension");
    port(g, "output wire", "ACCW-1:0", c->accw, "acc_o", "accumulated sum");
    ports_end(g);
    static const char *const params[] = {"R", "R", "WW", "WW", "ACCW", "ACCW", NULL};
    block_instance(g, "hg_av_dim", params);
    mod_end(g, 1);
}

/* The D av_dim instances of an AV unit (one per head dimension) on the MAC stage's beat:
   mac_v, mac_first, the weights mac_w and the V rows vm_rdata_i (R slots of D bytes). */
static void av_dims(gen *g)
{
    o(g,
      "  genvar i, rr;\n"
      "  generate\n"
      "    for (i = 0; i < D; i = i + 1) begin : g_dim\n"
      "      wire [R*8-1:0] v_col;\n"
      "      for (rr = 0; rr < R; rr = rr + 1) begin : g_slot\n"
      "        assign v_col[rr*8 +: 8] = vm_rdata_i[rr*8*D + i*8 +: 8];\n"
      "      end\n"
      "      %s_av_dim u_dim (\n"
      "        .clk_i   (clk_i),\n"
      "        .en_i    (av_en),\n"
      "        .valid_i (mac_v),\n"
      "        .first_i (mac_first),\n"
      "        .w_i     (mac_w),\n"
      "        .v_i     (v_col),\n"
      "        .acc_o   (acc_o[i*ACCW +: ACCW])\n"
      "      );\n"
      "    end\n"
      "  endgenerate\n\n",
      pfx(g));
}

/* The hand-off stage (rtl/src/hg_av_out.v): weight sum, the result held for the normalizer,
   the AV enable; busy: the signal of the earlier stages still holding a beat. */
static void av_out(gen *g, const char *busy)
{
    static const char *const params[] = {"R", "R", "WW", "WW", "WSW", "WSW", NULL};
    const char *const conns[] = {"clk_i",  "clk_i",       "rst_ni",      "rst_ni",      "mac_v_i",
                                 "mac_v",  "mac_first_i", "mac_first",   "mac_last_i",  "mac_last",
                                 "w_i",    "mac_w",       "busy_i",      busy,          "en_o",
                                 "av_en",  "out_valid_o", "out_valid_o", "out_ready_i", "out_ready_i",
                                 "wsum_o", "wsum_o",      "idle_o",      "idle_o",      NULL};
    hand_instance(g, "hg_av_out", "u_out", params, conns);
}

/* Port list shared by both AV variants: the weight-sum/accumulator hand-off to norm. */
static void av_out_ports(gen *g)
{
    const hg_cfg *c = g->c;
    port(g, "output wire", NULL, 1, "out_valid_o", "acc_o / wsum_o hold a finished query");
    port(g, "input wire", NULL, 1, "out_ready_i", "normalizer takes them");
    port(g, "output wire", "D*ACCW-1:0", c->d * c->accw, "acc_o", "accumulators, dim i at [i*ACCW +: ACCW]");
    port(g, "output wire", "WSW-1:0", c->wsw, "wsum_o", "sum of the weights");
    port(g, "output wire", NULL, 1, "idle_o", "nothing in flight");
}

/* The exp units of the AV units without a weight table (int8 cores): `count` instances
   g_exp[er]; unit er takes t[er*(SW+1) +: SW+1] when lookup_v[er] and writes weight er of
   mac_w. */
static void emit_exp_units(gen *g, const char *count)
{
    o(g,
      "  genvar er;\n"
      "  generate\n"
      "    for (er = 0; er < %s; er = er + 1) begin : g_exp\n"
      "      %s_exp_unit u_exp (\n"
      "        .clk_i   (clk_i),\n"
      "        .en_i    (av_en),\n"
      "        .valid_i (lookup_v[er]),\n"
      "        .t_i     (t[er*(SW+1) +: SW+1]),\n"
      "        .mul_i   (exp_mul_i),\n"
      "        .shift_i (exp_shift_i),\n"
      "        .w_o     (mac_w[er*WW +: WW])\n"
      "      );\n"
      "    end\n"
      "  endgenerate\n\n",
      count, pfx(g));
}

/* The parameters and ports of the top-N cores' AV unit. */
static void av_topn_ports(gen *g)
{
    const hg_cfg *c = g->c;
    int had = c->core == HG_CORE_HAD;
    lparam(g, "D", c->d, "head dimension");
    lparam(g, "N", c->n, "list entries");
    lparam(g, "R", c->r, "entries per cycle");
    lparam(g, "SW", c->sw, "score width");
    lparam(g, "IW", c->iw, "key index width");
    lparam(g, "WW", c->ww, "weight width");
    lparam(g, "ACCW", c->accw, "accumulator width");
    lparam(g, "WSW", c->wsw, "weight-sum width");
    if (had) lparam(g, "MW", c->mw, "delta width");
    port(g, "input wire", NULL, 1, "clk_i", "clock");
    port(g, "input wire", NULL, 1, "rst_ni", "synchronous reset, active low");
    port(g, "input wire", NULL, 1, "list_valid_i", "a published top-N list is waiting");
    port(g, "input wire", "N-1:0", c->n, "list_v_i", "entry valid");
    port(g, "input wire", "N*SW-1:0", c->n * c->sw, "list_s_i", "entry scores, best first");
    port(g, "input wire", "N*IW-1:0", c->n * c->iw, "list_idx_i", "entry key indices");
    port(g, "output wire", NULL, 1, "list_take_o", "list fully read (released)");
    if (had) {
        port(g, "input wire", NULL, 1, "etab_we_i", "exp table write");
        port(g, "input wire", "MW-1:0", c->mw, "etab_addr_i", "exp table entry");
        port(g, "input wire", "WW-1:0", c->ww, "etab_data_i", "exp table value");
    } else {
        port(g, "input wire", "15:0", 16, "exp_mul_i", "exp multiplier");
        port(g, "input wire", "5:0", 6, "exp_shift_i", "exp shift");
    }
    port(g, "output wire", "R-1:0", c->r, "vm_re_o", "V memory read enables");
    port(g, "output wire", "R*IW-1:0", c->r * c->iw, "vm_raddr_o", "V memory read addresses");
    port(g, "input wire", "R*8*D-1:0", c->r * 8 * c->d, "vm_rdata_i", "V rows, one cycle later");
    av_out_ports(g);
    ports_end(g);
}

/* AV of the top-N cores: the walk over the published list (rtl/src/hg_av_list.v), the
   weights of the entries read (the exp table, HAD, or R exp units), D av_dim instances and
   the hand-off to the normalizer (rtl/src/hg_av_out.v). */
static void emit_av_topn(gen *g)
{
    int had = g->c->core == HG_CORE_HAD;
    copy_block(g, "hg_av_list.v");
    copy_block(g, "hg_av_out.v");
    mod_begin(g, "av", "av", 1,
              "AV unit of a top-N core. Walks the published top-N list R entries per cycle:\n"
              "// cycle 1 reads their V rows and computes their weights, cycle 2 accumulates\n"
              "// w * v in D av_dim instances and sums the weights. Releases the list after its\n"
              "// last read; hands (acc, wsum) to the normalizer after the last beat.");
    av_topn_ports(g);
    o(g,
      "  localparam TW = %s;  // width of t = s_max - s\n\n"
      "  wire              av_en;\n"
      "  wire [R-1:0]      lookup_v;\n"
      "  wire [R*TW-1:0]   t;\n"
      "  wire              mac_v, mac_first, mac_last;\n"
      "  wire [R*WW-1:0]   mac_w;\n\n",
      had ? "SW" : "SW + 1");
    static const char *const lp[] = {"N", "N", "R", "R", "SW", "SW", "SIGNED", NULL, "IW", "IW", NULL};
    const char *params[sizeof lp / sizeof lp[0]];
    memcpy(params, lp, sizeof lp);
    params[7] = had ? "0" : "1";
    static const char *const conns[] = {
        "clk_i",        "clk_i",       "rst_ni",   "rst_ni",   "en_i",       "av_en",       "list_valid_i",
        "list_valid_i", "list_v_i",    "list_v_i", "list_s_i", "list_s_i",   "list_idx_i",  "list_idx_i",
        "list_take_o",  "list_take_o", "vm_re_o",  "vm_re_o",  "vm_raddr_o", "vm_raddr_o",  "lookup_v_o",
        "lookup_v",     "t_o",         "t",        "mac_v_o",  "mac_v",      "mac_first_o", "mac_first",
        "mac_last_o",   "mac_last",    NULL};
    hand_instance(g, "hg_av_list", "u_list", params, conns);
    if (had)
        o(g,
          "  %s_wlut u_wlut (\n"
          "    .clk_i   (clk_i),\n"
          "    .we_i    (etab_we_i),\n"
          "    .waddr_i (etab_addr_i),\n"
          "    .wdata_i (etab_data_i),\n"
          "    .en_i    (av_en),\n"
          "    .valid_i (lookup_v),\n"
          "    .delta_i (t),\n"
          "    .w_o     (mac_w)\n"
          "  );\n\n",
          pfx(g));
    else
        emit_exp_units(g, "R");
    av_dims(g);
    av_out(g, "1'b0");
    mod_end(g, 1);
}

/* The parameters and ports of the baseline's AV unit. */
static void av_dense_ports(gen *g)
{
    const hg_cfg *c = g->c;
    int gw = abits(c->g);
    int nkw = hg_clog2(c->l + 1);
    lparam(g, "D", c->d, "head dimension");
    lparam(g, "P", c->p, "keys per cycle");
    lparam(g, "R", c->r, "key slots per cycle (= P)");
    lparam(g, "L", c->l, "most keys");
    lparam(g, "G", c->g, "score rows per bank: ceil(L / P)");
    lparam(g, "SW", c->sw, "score width (signed)");
    lparam(g, "GW", gw, "row address width");
    lparam(g, "NKW", nkw, "key count width");
    lparam(g, "WW", c->ww, "weight width");
    lparam(g, "ACCW", c->accw, "accumulator width");
    lparam(g, "WSW", c->wsw, "weight-sum width");
    port(g, "input wire", NULL, 1, "clk_i", "clock");
    port(g, "input wire", NULL, 1, "rst_ni", "synchronous reset, active low");
    port(g, "input wire", "NKW-1:0", nkw, "nkeys_i", "keys per query");
    port(g, "input wire", NULL, 1, "sc_valid_i", "a query's scores are complete in bank sc_bank_i");
    port(g, "input wire", NULL, 1, "sc_bank_i", "score memory bank");
    port(g, "input wire", "SW-1:0", c->sw, "sc_smax_i", "maximum score of the query");
    port(g, "output wire", NULL, 1, "sc_take_o", "bank fully read (released)");
    port(g, "input wire", "15:0", 16, "exp_mul_i", "exp multiplier");
    port(g, "input wire", "5:0", 6, "exp_shift_i", "exp shift");
    port(g, "output wire", NULL, 1, "sm_re_o", "score memory read");
    if (c->g == 1)
        port(g, "output wire", NULL, 1, "sm_raddr_o", "score memory row = bank (one row per bank)");
    else
        port(g, "output wire", "GW:0", gw + 1, "sm_raddr_o", "score memory row: bank * G + row");
    port(g, "input wire", "P*SW-1:0", c->p * c->sw, "sm_rdata_i", "P scores, one cycle later");
    port(g, "output wire", NULL, 1, "vm_re_o", "V memory read");
    port(g, "output wire", "GW-1:0", gw, "vm_raddr_o", "V memory row");
    port(g, "input wire", "P*8*D-1:0", c->p * 8 * c->d, "vm_rdata_i", "P V rows, one cycle later");
    av_out_ports(g);
    ports_end(g);
}

/* AV of the baseline: the walk over the score bank, row by row (rtl/src/hg_av_rows.v), P exp
   units, D av_dim instances and the hand-off to the normalizer (rtl/src/hg_av_out.v). */
static void emit_av_dense(gen *g)
{
    copy_block(g, "hg_av_rows.v");
    copy_block(g, "hg_av_out.v");
    mod_begin(g, "av", "av", 1,
              "AV unit of the baseline. For each row of P keys: cycle 1 reads its scores from\n"
              "// the score memory, cycle 2 computes P weights and reads the P V rows, cycle 3\n"
              "// accumulates w * v in D av_dim instances. Releases the score bank after the\n"
              "// last read; hands (acc, wsum) to the normalizer after the last beat.");
    av_dense_ports(g);
    o(g, "  wire              av_en, busy;\n"
         "  wire [P-1:0]      lookup_v;\n"
         "  wire [P*(SW+1)-1:0] t;\n"
         "  wire              mac_v, mac_first, mac_last;\n"
         "  wire [R*WW-1:0]   mac_w;\n\n");
    static const char *const params[] = {"P", "P", "G", "G", "L", "L", "SW", "SW", NULL};
    static const char *const conns[] = {
        "clk_i",      "clk_i",      "rst_ni",     "rst_ni",     "en_i",       "av_en",      "nkeys_i",
        "nkeys_i",    "sc_valid_i", "sc_valid_i", "sc_bank_i",  "sc_bank_i",  "sc_smax_i",  "sc_smax_i",
        "sc_take_o",  "sc_take_o",  "sm_re_o",    "sm_re_o",    "sm_raddr_o", "sm_raddr_o", "sm_rdata_i",
        "sm_rdata_i", "vm_re_o",    "vm_re_o",    "vm_raddr_o", "vm_raddr_o", "lookup_v_o", "lookup_v",
        "t_o",        "t",          "busy_o",     "busy",       "mac_v_o",    "mac_v",      "mac_first_o",
        "mac_first",  "mac_last_o", "mac_last",   NULL};
    hand_instance(g, "hg_av_rows", "u_rows", params, conns);
    emit_exp_units(g, "P");
    av_dims(g);
    av_out(g, "busy");
    mod_end(g, 1);
}

/* ---- normalizer ------------------------------------------------------------------------ */

static void emit_norm(gen *g)
{
    const hg_cfg *c = g->c;
    copy_block(g, "hg_norm.v");
    mod_begin(g, "norm", "norm", 1,
              "Softmax normalizer: out[i] = sat(round(acc[i] * recip / 2^(RQ - OF))) with\n"
              "// recip = floor(2^RQ / wsum) (all ones when wsum = 0). The reciprocal is a\n"
              "// restoring division, BPC quotient bits per cycle (CR cycles); then MN multipliers\n"
              "// scale MN dimensions per cycle (CM cycles). Busy CR + CM cycles per query.");
    lparam(g, "D", c->d, "head dimension");
    lparam(g, "ACCW", c->accw, "accumulator width (signed)");
    lparam(g, "WSW", c->wsw, "weight-sum width");
    lparam(g, "RQ", c->rq, "reciprocal exponent");
    lparam(g, "OF", c->of, "output fraction bits");
    lparam(g, "OW", c->ow, "output width (signed)");
    lparam(g, "BPC", c->bpc, "quotient bits per cycle");
    lparam(g, "CR", c->cr, "reciprocal cycles");
    lparam(g, "MN", c->mn, "multipliers");
    lparam(g, "CM", c->cm, "multiply cycles");
    port(g, "input wire", NULL, 1, "clk_i", "clock");
    port(g, "input wire", NULL, 1, "rst_ni", "synchronous reset, active low");
    port(g, "input wire", NULL, 1, "in_valid_i", "a query's (acc, wsum) is offered");
    port(g, "output wire", NULL, 1, "in_ready_o", "taken this cycle when valid");
    port(g, "input wire", "D*ACCW-1:0", c->d * c->accw, "acc_i", "accumulators");
    port(g, "input wire", "WSW-1:0", c->wsw, "wsum_i", "weight sum");
    port(g, "output wire", NULL, 1, "o_valid_o", "output vector valid");
    port(g, "input wire", NULL, 1, "o_ready_i", "output taken");
    port(g, "output wire", "D*OW-1:0", c->d * c->ow, "o_data_o", "outputs, dim i at [i*OW +: OW]");
    port(g, "output wire", NULL, 1, "idle_o", "nothing in flight");
    ports_end(g);
    static const char *const params[] = {"D",  "D",  "ACCW", "ACCW", "WSW", "WSW", "RQ",
                                         "RQ", "OF", "OF",   "OW",   "OW",  "BPC", "BPC",
                                         "CR", "CR", "MN",   "MN",   "CM",  "CM",  NULL};
    block_instance(g, "hg_norm", params);
    mod_end(g, 1);
}

/* ---- memories -------------------------------------------------------------------------- */

/* Access counters of a memory for the simulator's statistics, in the generated module beside
   the block (not part of the memory): reads (the read enables set: the RP of re_i when
   multi_port, else the one re_i) and writes a cycle. */
static void mem_counters(gen *g, int multi_port)
{
    o(g, "\n`ifndef SYNTHESIS\n"
         "  // Access counters for the simulator's statistics (not part of the memory).\n"
         "  reg [63:0] n_reads /*verilator public_flat_rd*/;\n"
         "  reg [63:0] n_writes /*verilator public_flat_rd*/;\n"
         "  initial begin\n"
         "    n_reads = 64'd0;\n"
         "    n_writes = 64'd0;\n"
         "  end\n");
    if (multi_port)
        o(g, "  // Number of read enables set.\n"
             "  function [63:0] nset;\n"
             "    input [RP-1:0] x;\n"
             "    integer i;\n"
             "    begin\n"
             "      nset = 64'd0;\n"
             "      for (i = 0; i < RP; i = i + 1)\n"
             "        nset = nset + {63'd0, x[i]};\n"
             "    end\n"
             "  endfunction\n");
    o(g,
      "  always @(posedge clk_i) begin\n"
      "    n_reads  <= n_reads + %s;\n"
      "    n_writes <= n_writes + {63'd0, we_i};\n"
      "  end\n"
      "`endif\n",
      multi_port ? "nset(re_i)" : "{63'd0, re_i}");
}

static void mem_geometry(gen *g, int words, int width, int rports)
{
    mod_rec *m = &g->mods[g->nmods - 1];
    m->mem_words = words;
    m->mem_width = width;
    m->mem_rports = rports;
    m->mem_wports = 1;
}

/* LANES banks of WORDS x W: one lane written per cycle, a whole row read per cycle. */
static void emit_mem_banked(gen *g, const char *suffix, int width, const char *purpose)
{
    const hg_cfg *c = g->c;
    int lnw = abits(c->p), gw = abits(c->g);
    copy_block(g, "hg_mem_banked.v");
    mod_begin(g, suffix, "memory", 1, purpose);
    mem_geometry(g, c->g, c->p * width, 1);
    lparam(g, "LANES", c->p, "banks (one per score lane)");
    lparam(g, "WORDS", c->g, "rows per bank");
    lparam(g, "W", width, "bits per entry");
    lparam(g, "LNW", lnw, "lane select width");
    lparam(g, "GW", gw, "row address width");
    port(g, "input wire", NULL, 1, "clk_i", "clock");
    port(g, "input wire", NULL, 1, "we_i", "write one entry");
    port(g, "input wire", "LNW-1:0", lnw, "wlane_i", "bank written (key index mod LANES)");
    port(g, "input wire", "GW-1:0", gw, "wrow_i", "row written (key index / LANES)");
    port(g, "input wire", "W-1:0", width, "wdata_i", "entry written");
    port(g, "input wire", NULL, 1, "re_i", "read a row");
    port(g, "input wire", "GW-1:0", gw, "rrow_i", "row read");
    port(g, "output wire", "LANES*W-1:0", c->p * width, "rdata_o", "row read, one cycle later");
    ports_end(g);
    static const char *const params[] = {"LANES", "LANES", "WORDS", "WORDS", "W", "W", NULL};
    block_instance(g, "hg_mem_banked", params);
    mem_counters(g, 0);
    mod_end(g, 0);
}

/* WORDS x W with one write port and RP independent read ports. */
static void emit_mem_flat(gen *g, const char *suffix, int words, int aw, int width, int rp,
                          const char *purpose)
{
    copy_block(g, "hg_mem_flat.v");
    mod_begin(g, suffix, "memory", 1, purpose);
    mem_geometry(g, words, width, rp);
    lparam(g, "WORDS", words, "entries");
    lparam(g, "W", width, "bits per entry");
    lparam(g, "AW", aw, "address width");
    lparam(g, "RP", rp, "read ports");
    port(g, "input wire", NULL, 1, "clk_i", "clock");
    port(g, "input wire", NULL, 1, "we_i", "write");
    port(g, "input wire", "AW-1:0", aw, "waddr_i", "write address");
    port(g, "input wire", "W-1:0", width, "wdata_i", "write data");
    port(g, "input wire", "RP-1:0", rp, "re_i", "read enables");
    port(g, "input wire", "RP*AW-1:0", rp * aw, "raddr_i", "read addresses, port r at [r*AW +: AW]");
    port(g, "output wire", "RP*W-1:0", rp * width, "rdata_o", "read data, one cycle later");
    ports_end(g);
    static const char *const params[] = {"WORDS", "WORDS", "W", "W", "RP", "RP", NULL};
    block_instance(g, "hg_mem_flat", params);
    mem_counters(g, 1);
    mod_end(g, 0);
}

/* ---- core top -------------------------------------------------------------------------- */

static void core_ports(gen *g)
{
    const hg_cfg *c = g->c;
    int kw = c->kw;
    port(g, "input wire", NULL, 1, "clk_i", "clock");
    port(g, "input wire", NULL, 1, "rst_ni", "synchronous reset, active low");
    port(g, "input wire", NULL, 1, "cfg_valid_i", "configuration write");
    port(g, "output wire", NULL, 1, "cfg_ready_o", "accepted (only while idle)");
    port(g, "input wire", "15:0", 16, "cfg_addr_i", "register address (docs/spec.md)");
    port(g, "input wire", "31:0", 32, "cfg_data_i", "register value");
    port(g, "input wire", NULL, 1, "kv_valid_i", "key/value pair (next index)");
    port(g, "output wire", NULL, 1, "kv_ready_o", "accepted (only while idle)");
    port(g, "input wire", "KW-1:0", kw, "kv_k_i", c->core == HG_CORE_HAD ? "key sign bits" : "key, D x int8");
    port(g, "input wire", "8*D-1:0", 8 * c->d, "kv_v_i", "value, D x int8");
    port(g, "input wire", NULL, 1, "q_valid_i", "query");
    port(g, "output wire", NULL, 1, "q_ready_o", "query accepted");
    port(g, "input wire", "KW-1:0", kw, "q_data_i",
         c->core == HG_CORE_HAD ? "query sign bits" : "query, D x int8");
    port(g, "output wire", NULL, 1, "o_valid_o", "attention output");
    port(g, "input wire", NULL, 1, "o_ready_i", "output taken");
    port(g, "output wire", "D*OW-1:0", c->d * c->ow, "o_data_o", "D outputs, dim i at [i*OW +: OW]");
}

/* Configuration registers, K/V load pointer and the score (S) stage shared by all cores. */
/* The run-time configuration registers of the top (key count; exp multiplier and shift of
   the int8 cores) and the idle handshake of the configuration and K/V streams. */
static void core_config(gen *g, int nkw, int bw)
{
    const hg_cfg *c = g->c;
    char zb[96];
    o(g,
      "  localparam [BW-1:0]  P_B    = P;\n"
      "  localparam [NKW-1:0] L_N    = L;\n"
      "  localparam [31:0]    L_32   = L;\n"
      "  localparam [LNW-1:0] P_LAST = %d;\n\n"
      "  // ---- run-time configuration -------------------------------------------------\n"
      "  wire idle;\n"
      "  assign cfg_ready_o = idle;\n"
      "  assign kv_ready_o  = idle;\n"
      "  wire cfg_fire = cfg_valid_i && idle;\n"
      "  wire kv_fire  = kv_valid_i && idle;\n\n"
      "  reg [NKW-1:0] nkeys_q;      // keys per query, 1..L\n",
      c->p - 1);
    if (c->core != HG_CORE_HAD)
        o(g, "  reg [15:0]    exp_mul_q;    // exp multiplier\n"
             "  reg [5:0]     exp_shift_q;  // exp shift\n");
    o(g, "  wire [NKW-1:0] nkeys_in = (cfg_data_i == 32'd0) ? {{(NKW-1){1'b0}}, 1'b1} :\n"
         "                            (cfg_data_i > L_32) ? L_N : cfg_data_i[NKW-1:0];\n"
         "  always @(posedge clk_i) begin\n"
         "    if (!rst_ni) begin\n"
         "      nkeys_q <= L_N;\n");
    if (c->core != HG_CORE_HAD)
        o(g, "      exp_mul_q   <= 16'd0;\n"
             "      exp_shift_q <= 6'd0;\n");
    o(g,
      "    end else if (cfg_fire) begin\n"
      "      if (cfg_addr_i == 16'h%03x) nkeys_q <= nkeys_in;\n",
      HG_CFG_NKEYS);
    if (c->core != HG_CORE_HAD)
        o(g,
          "      if (cfg_addr_i == 16'h%03x) exp_mul_q <= cfg_data_i[15:0];\n"
          "      if (cfg_addr_i == 16'h%03x) exp_shift_q <= cfg_data_i[5:0];\n",
          HG_CFG_EXP_MUL, HG_CFG_EXP_SHIFT);
    o(g,
      "    end\n"
      "  end\n"
      "  wire [BW-1:0] nk = %s;\n\n",
      zext(zb, sizeof zb, "nkeys_q", nkw, bw));
}

/* The K/V load counters: key i goes to bank i mod P, row i / P. */
static void core_load(gen *g)
{
    o(g,
      "  // ---- K/V load: key i goes to bank i mod P, row i / P ---------------------------\n"
      "  reg [NKW-1:0] ld_cnt_q;\n"
      "  reg [LNW-1:0] ld_lane_q;\n"
      "  reg [GW-1:0]  ld_row_q;\n"
      "  wire ld_we = kv_fire && (ld_cnt_q < L_N);\n"
      "  always @(posedge clk_i) begin\n"
      "    if (!rst_ni || (cfg_fire && cfg_addr_i == 16'h%03x)) begin\n"
      "      ld_cnt_q  <= {NKW{1'b0}};\n"
      "      ld_lane_q <= {LNW{1'b0}};\n"
      "      ld_row_q  <= {GW{1'b0}};\n"
      "    end else if (ld_we) begin\n"
      "      ld_cnt_q <= ld_cnt_q + 1'b1;\n"
      "      if (ld_lane_q == P_LAST) begin\n"
      "        ld_lane_q <= {LNW{1'b0}};\n"
      "        ld_row_q  <= ld_row_q + 1'b1;\n"
      "      end else begin\n"
      "        ld_lane_q <= ld_lane_q + 1'b1;\n"
      "      end\n"
      "    end\n"
      "  end\n\n",
      HG_CFG_NKEYS);
}

/* The score stage: one row of P keys issued a cycle, two pipeline stages behind it. */
static void core_score_stage(gen *g)
{
    const hg_cfg *c = g->c;
    int base = c->core == HG_CORE_BASELINE;
    o(g,
      "  // ---- score stage: one row of P keys per cycle --------------------------------\n"
      "  // issue (read K row) -> p1 (lanes compute) -> p2 (%s)\n"
      "  reg            s_run_q;    // a query is being issued\n"
      "  reg [BW-1:0]   s_base_q;   // index of the first key of the row issued\n"
      "  reg [GW-1:0]   s_row_q;    // row issued\n"
      "  reg [KW-1:0]   q_cur_q;    // query being issued\n"
      "  reg            p1_v_q, p1_first_q, p1_last_q;\n"
      "  reg [BW-1:0]   p1_base_q;\n"
      "  reg [KW-1:0]   p1_q_q;\n"
      "  reg            p2_v_q, p2_first_q, p2_last_q;\n"
      "  reg [BW-1:0]   p2_base_q;\n",
      base ? "scores to the score memory, running max" : "top-N merge");
    if (base) o(g, "  reg            s_bank_q, p1_bank_q, p2_bank_q;  // score memory bank of the query\n");
    if (base && c->g > 1) o(g, "  reg [GW-1:0]   p1_row_q, p2_row_q;\n");
    o(g, "  wire           s_full;     // the stage's result is still held downstream\n"
         "  wire           s_take;     // ... and is released this cycle\n"
         "  wire s_en         = !(p2_v_q && p2_last_q && s_full && !s_take);\n"
         "  wire s_issue      = s_run_q && s_en;\n"
         "  wire row_last     = (s_base_q + P_B >= nk);\n"
         "  wire s_issue_last = s_issue && row_last;\n"
         "  assign q_ready_o  = s_en && (!s_run_q || s_issue_last) && !cfg_valid_i && !kv_valid_i;\n"
         "  wire q_fire       = q_valid_i && q_ready_o;\n\n"
         "  always @(posedge clk_i) begin\n"
         "    if (!rst_ni) begin\n"
         "      s_run_q <= 1'b0;\n"
         "      p1_v_q  <= 1'b0;\n"
         "      p2_v_q  <= 1'b0;\n"
         "    end else if (s_en) begin\n"
         "      p1_v_q <= s_issue;\n"
         "      p2_v_q <= p1_v_q;\n"
         "      if (q_fire) s_run_q <= 1'b1;\n"
         "      else if (s_issue_last) s_run_q <= 1'b0;\n"
         "    end\n"
         "  end\n\n"
         "  always @(posedge clk_i)\n"
         "    if (s_en) begin\n"
         "      if (q_fire) begin\n"
         "        q_cur_q  <= q_data_i;\n"
         "        s_base_q <= {BW{1'b0}};\n"
         "        s_row_q  <= {GW{1'b0}};\n"
         "      end else if (s_issue) begin\n"
         "        s_base_q <= s_base_q + P_B;\n"
         "        s_row_q  <= s_row_q + 1'b1;\n"
         "      end\n"
         "      p1_first_q <= (s_row_q == {GW{1'b0}});\n"
         "      p1_last_q  <= row_last;\n"
         "      p1_base_q  <= s_base_q;\n"
         "      p1_q_q     <= q_cur_q;\n"
         "      p2_first_q <= p1_first_q;\n"
         "      p2_last_q  <= p1_last_q;\n"
         "      p2_base_q  <= p1_base_q;\n");
    if (base)
        o(g, "      p1_bank_q  <= s_bank_q;\n"
             "      p2_bank_q  <= p1_bank_q;\n");
    if (base && c->g > 1)
        o(g, "      p1_row_q   <= s_row_q;\n"
             "      p2_row_q   <= p1_row_q;\n");
    o(g, "    end\n\n");
    if (base)
        o(g, "  always @(posedge clk_i)\n"
             "    if (!rst_ni) s_bank_q <= 1'b0;\n"
             "    else if (s_en && q_fire) s_bank_q <= ~s_bank_q;\n\n");
}

/* The K memory and the score array, and which lanes of the row in p2 hold real keys. */
static void core_score_array(gen *g)
{
    o(g,
      "  // K memory and score lanes\n"
      "  wire [P*KW-1:0] k_row;\n"
      "  wire [P*SW-1:0] scores;\n"
      "  %s_kmem u_kmem (\n"
      "    .clk_i   (clk_i),\n"
      "    .we_i    (ld_we),\n"
      "    .wlane_i (ld_lane_q),\n"
      "    .wrow_i  (ld_row_q),\n"
      "    .wdata_i (kv_k_i),\n"
      "    .re_i    (s_issue),\n"
      "    .rrow_i  (s_row_q),\n"
      "    .rdata_o (k_row)\n"
      "  );\n\n"
      "  %s_score_array u_score (\n"
      "    .clk_i (clk_i),\n"
      "    .en_i  (s_en),\n"
      "    .q_i   (p1_q_q),\n"
      "    .k_i   (k_row),\n"
      "    .s_o   (scores)\n"
      "  );\n\n"
      "  // lane j of the row in p2 holds a real key\n"
      "  wire [P-1:0] lane_ok;\n"
      "  genvar j;\n"
      "  generate\n"
      "    for (j = 0; j < P; j = j + 1) begin : g_ok\n"
      "      localparam [BW-1:0] J = j;\n"
      "      assign lane_ok[j] = (p2_base_q + J < nk);\n"
      "    end\n"
      "  endgenerate\n\n",
      pfx(g), pfx(g));
}

/* The front end every core shares: configuration, K/V load, score stage, K memory and
   score lanes. */
static void core_front(gen *g, int nkw, int bw)
{
    core_config(g, nkw, bw);
    core_load(g);
    core_score_stage(g);
    core_score_array(g);
}

static void core_norm(gen *g)
{
    o(g,
      "  // ---- normalizer ---------------------------------------------------------------\n"
      "  %s_norm u_norm (\n"
      "    .clk_i      (clk_i),\n"
      "    .rst_ni     (rst_ni),\n"
      "    .in_valid_i (av_valid),\n"
      "    .in_ready_o (av_ready),\n"
      "    .acc_i      (av_acc),\n"
      "    .wsum_i     (av_wsum),\n"
      "    .o_valid_o  (o_valid_o),\n"
      "    .o_ready_i  (o_ready_i),\n"
      "    .o_data_o   (o_data_o),\n"
      "    .idle_o     (norm_idle)\n"
      "  );\n",
      pfx(g));
}

static void core_params(gen *g, int nkw, int bw, int lnw, int gw)
{
    const hg_cfg *c = g->c;
    lparam(g, "D", c->d, "head dimension");
    lparam(g, "P", c->p, "lanes (keys scored per cycle)");
    lparam(g, "L", c->l, "maximum keys");
    lparam(g, "KW", c->kw, "bits per key / query");
    lparam(g, "SW", c->sw, "score width");
    if (hg_cfg_topn(c)) lparam(g, "IW", c->iw, "key index width");
    lparam(g, "OW", c->ow, "output width");
    lparam(g, "ACCW", c->accw, "accumulator width");
    lparam(g, "WSW", c->wsw, "weight-sum width");
    lparam(g, "NKW", nkw, "key count width");
    lparam(g, "BW", bw, "key base width");
    lparam(g, "LNW", lnw, "lane select width");
    lparam(g, "GW", gw, "row address width");
    if (c->core == HG_CORE_HAD) {
        lparam(g, "MW", c->mw, "match-count width");
        lparam(g, "WW", c->ww, "weight width");
    }
    if (c->core != HG_CORE_BASELINE) {
        lparam(g, "N", c->n, "top-N");
        lparam(g, "R", c->r, "AV key slots per cycle");
    }
}

/* Opens the top module: its documentation, parameters, ports and the front end (load, score
   lanes) that every core shares. */
static void core_begin(gen *g, const char *doc)
{
    const hg_cfg *c = g->c;
    int nkw = hg_clog2(c->l + 1), bw = imax(nkw, hg_clog2(c->l + c->p + 1));
    int lnw = abits(c->p), gw = abits(c->g);
    mod_begin(g, "core", "control", 1, doc);
    core_params(g, nkw, bw, lnw, gw);
    core_ports(g);
    ports_end(g);
    core_front(g, nkw, bw);
}

/* The top-N cores' selector, fed by the score stage. */
static void topn_select(gen *g)
{
    o(g,
      "  // ---- top-N selection ----------------------------------------------------------\n"
      "  wire          list_take;\n"
      "  wire [N-1:0]    list_v;\n"
      "  wire [N*SW-1:0] list_s;\n"
      "  wire [N*IW-1:0] list_idx;\n"
      "  assign s_take = list_take;\n"
      "  %s_topn u_topn (\n"
      "    .clk_i        (clk_i),\n"
      "    .rst_ni       (rst_ni),\n"
      "    .en_i         (s_en),\n"
      "    .in_valid_i   (p2_v_q),\n"
      "    .first_i      (p2_first_q),\n"
      "    .last_i       (p2_last_q),\n"
      "    .lane_valid_i (lane_ok),\n"
      "    .s_i          (scores),\n"
      "    .base_i       (p2_base_q[IW-1:0]),\n"
      "    .take_i       (list_take),\n"
      "    .out_valid_o  (s_full),\n"
      "    .out_v_o      (list_v),\n"
      "    .out_s_o      (list_s),\n"
      "    .out_idx_o    (list_idx)\n"
      "  );\n\n",
      pfx(g));
}

/* The top-N cores' V memory and sparse AV unit. */
static void topn_av(gen *g)
{
    const hg_cfg *c = g->c;
    int had = c->core == HG_CORE_HAD;
    o(g, "  // ---- AV and V memory -----------------------------------------------------------\n"
         "  wire [R-1:0]      vm_re;\n"
         "  wire [R*IW-1:0]   vm_raddr;\n"
         "  wire [R*8*D-1:0]  vm_rdata;\n"
         "  wire              av_valid, av_ready, av_idle, norm_idle;\n"
         "  wire [D*ACCW-1:0] av_acc;\n"
         "  wire [WSW-1:0]    av_wsum;\n");
    if (had)
        o(g,
          "  wire [15:0] etab_off = cfg_addr_i - 16'h%03x;\n"
          "  wire etab_we = cfg_fire && cfg_addr_i >= 16'h%03x && etab_off <= 16'd%d;\n"
          "  // table values saturate at 2^WB (= weight 1.0), so sums fit ACCW / WSW bits\n"
          "  localparam [31:0] WMAX = 32'd%u;\n"
          "  wire [WW-1:0] etab_data = (cfg_data_i > WMAX) ? WMAX[WW-1:0] : cfg_data_i[WW-1:0];\n",
          HG_CFG_ETAB, HG_CFG_ETAB, c->d, 1u << c->wb);
    o(g,
      "  %s_vmem u_vmem (\n"
      "    .clk_i   (clk_i),\n"
      "    .we_i    (ld_we),\n"
      "    .waddr_i (ld_cnt_q[IW-1:0]),\n"
      "    .wdata_i (kv_v_i),\n"
      "    .re_i    (vm_re),\n"
      "    .raddr_i (vm_raddr),\n"
      "    .rdata_o (vm_rdata)\n"
      "  );\n\n"
      "  %s_av u_av (\n"
      "    .clk_i        (clk_i),\n"
      "    .rst_ni       (rst_ni),\n"
      "    .list_valid_i (s_full),\n"
      "    .list_v_i     (list_v),\n"
      "    .list_s_i     (list_s),\n"
      "    .list_idx_i   (list_idx),\n"
      "    .list_take_o  (list_take),\n",
      pfx(g), pfx(g));
    if (had)
        o(g, "    .etab_we_i    (etab_we),\n"
             "    .etab_addr_i  (etab_off[MW-1:0]),\n"
             "    .etab_data_i  (etab_data),\n");
    else
        o(g, "    .exp_mul_i    (exp_mul_q),\n"
             "    .exp_shift_i  (exp_shift_q),\n");
    o(g, "    .vm_re_o      (vm_re),\n"
         "    .vm_raddr_o   (vm_raddr),\n"
         "    .vm_rdata_i   (vm_rdata),\n"
         "    .out_valid_o  (av_valid),\n"
         "    .out_ready_i  (av_ready),\n"
         "    .acc_o        (av_acc),\n"
         "    .wsum_o       (av_wsum),\n"
         "    .idle_o       (av_idle)\n"
         "  );\n\n");
}

static void emit_core_topn(gen *g)
{
    const hg_cfg *c = g->c;
    int had = c->core == HG_CORE_HAD;
    core_begin(g, had ? "HAD attention core: binarized Q/K scored by XNOR-popcount, top-N selection,\n"
                        "// table softmax over the kept keys, sparse AV, normalization. Pipeline:\n"
                        "// score+select (ceil(n_k/P) cycles) | AV (ceil(N/R)) | norm (CR+CM)."
                      : "int8 + top-N attention core: int8 dot-product scores, top-N selection, exp\n"
                        "// softmax over the kept keys, sparse AV, normalization. Pipeline:\n"
                        "// score+select (ceil(n_k/P) cycles) | AV (ceil(N/R)) | norm (CR+CM).");
    topn_select(g);
    topn_av(g);
    core_norm(g);
    o(g, "\n  assign idle = !s_run_q && !p1_v_q && !p2_v_q && !s_full && av_idle && norm_idle;\n");
    mod_end(g, 1);
}

/* The baseline's running row maximum and its double-buffered score memory. */
static void baseline_scores(gen *g)
{
    const hg_cfg *c = g->c;
    char bank1[96] = "";
    if (c->g > 1)
        snprintf(bank1, sizeof bank1, "  localparam [GW:0] BANK1 = %d;  // first row of score bank 1\n",
                 c->g);
    o(g,
      "  // ---- row maximum and score memory ----------------------------------------------\n"
      "  localparam [SW-1:0] SMIN = {1'b1, {(SW-1){1'b0}}};\n"
      "  // maximum of m and the valid scores of a row, as a tree of compare/select stages\n"
      "  // (clog2(P+1) deep; invalid lanes enter as SMIN, which never wins)\n"
      "  function [SW-1:0] rowmax;\n"
      "    input [P*SW-1:0] s;\n"
      "    input [P-1:0] ok;\n"
      "    input [SW-1:0] m;\n"
      "    reg [(P+1)*SW-1:0] v;\n"
      "    integer k, step;\n"
      "    begin\n"
      "      for (k = 0; k < P; k = k + 1) v[k*SW +: SW] = ok[k] ? s[k*SW +: SW] : SMIN;\n"
      "      v[P*SW +: SW] = m;\n"
      "      for (step = 1; step < P + 1; step = step * 2)\n"
      "        for (k = 0; k + step < P + 1; k = k + 2 * step)\n"
      "          if ($signed(v[(k+step)*SW +: SW]) > $signed(v[k*SW +: SW]))\n"
      "            v[k*SW +: SW] = v[(k+step)*SW +: SW];\n"
      "      rowmax = v[SW-1:0];\n"
      "    end\n"
      "  endfunction\n\n"
      "%s"
      "  reg [SW-1:0] smax_q;\n"
      "  reg          sc_v_q, sc_bank_q;\n"
      "  reg [SW-1:0] sc_smax_q;\n"
      "  wire         sc_take;\n"
      "  wire [SW-1:0] smax_d = rowmax(scores, lane_ok, p2_first_q ? SMIN : smax_q);\n"
      "  assign s_full = sc_v_q;\n"
      "  assign s_take = sc_take;\n"
      "  always @(posedge clk_i) begin\n"
      "    if (!rst_ni) sc_v_q <= 1'b0;\n"
      "    else if (s_en && p2_v_q && p2_last_q) sc_v_q <= 1'b1;\n"
      "    else if (sc_take) sc_v_q <= 1'b0;\n"
      "  end\n"
      "  always @(posedge clk_i)\n"
      "    if (s_en && p2_v_q) begin\n"
      "      smax_q <= smax_d;\n"
      "      if (p2_last_q) begin\n"
      "        sc_bank_q <= p2_bank_q;\n"
      "        sc_smax_q <= smax_d;\n"
      "      end\n"
      "    end\n\n"
      "  wire           sm_re;\n"
      "  wire [%s]    sm_raddr;\n"
      "  wire [P*SW-1:0] sm_rdata;\n"
      "  %s_smem u_smem (\n"
      "    .clk_i   (clk_i),\n"
      "    .we_i    (s_en && p2_v_q),\n"
      "    .waddr_i (%s),\n"
      "    .wdata_i (scores),\n"
      "    .re_i    (sm_re),\n"
      "    .raddr_i (sm_raddr),\n"
      "    .rdata_o (sm_rdata)\n"
      "  );\n\n",
      bank1, c->g == 1 ? "0:0" : "GW:0", pfx(g),
      c->g == 1 ? "p2_bank_q" : "p2_bank_q ? {1'b0, p2_row_q} + BANK1 : {1'b0, p2_row_q}");
}

/* The baseline's V memory and dense AV unit. */
static void baseline_av(gen *g)
{
    o(g,
      "  // ---- AV and V memory -----------------------------------------------------------\n"
      "  wire              vm_re;\n"
      "  wire [GW-1:0]     vm_raddr;\n"
      "  wire [P*8*D-1:0]  vm_rdata;\n"
      "  wire              av_valid, av_ready, av_idle, norm_idle;\n"
      "  wire [D*ACCW-1:0] av_acc;\n"
      "  wire [WSW-1:0]    av_wsum;\n"
      "  %s_vmem u_vmem (\n"
      "    .clk_i   (clk_i),\n"
      "    .we_i    (ld_we),\n"
      "    .wlane_i (ld_lane_q),\n"
      "    .wrow_i  (ld_row_q),\n"
      "    .wdata_i (kv_v_i),\n"
      "    .re_i    (vm_re),\n"
      "    .rrow_i  (vm_raddr),\n"
      "    .rdata_o (vm_rdata)\n"
      "  );\n\n"
      "  %s_av u_av (\n"
      "    .clk_i       (clk_i),\n"
      "    .rst_ni      (rst_ni),\n"
      "    .nkeys_i     (nkeys_q),\n"
      "    .sc_valid_i  (sc_v_q),\n"
      "    .sc_bank_i   (sc_bank_q),\n"
      "    .sc_smax_i   (sc_smax_q),\n"
      "    .sc_take_o   (sc_take),\n"
      "    .exp_mul_i   (exp_mul_q),\n"
      "    .exp_shift_i (exp_shift_q),\n"
      "    .sm_re_o     (sm_re),\n"
      "    .sm_raddr_o  (sm_raddr),\n"
      "    .sm_rdata_i  (sm_rdata),\n"
      "    .vm_re_o     (vm_re),\n"
      "    .vm_raddr_o  (vm_raddr),\n"
      "    .vm_rdata_i  (vm_rdata),\n"
      "    .out_valid_o (av_valid),\n"
      "    .out_ready_i (av_ready),\n"
      "    .acc_o       (av_acc),\n"
      "    .wsum_o      (av_wsum),\n"
      "    .idle_o      (av_idle)\n"
      "  );\n\n",
      pfx(g), pfx(g));
}

static void emit_core_baseline(gen *g)
{
    core_begin(g, "Standard int8 attention core (baseline): int8 dot-product scores of every key,\n"
                  "// exp softmax over all keys (two passes: the row maximum is found while scoring,\n"
                  "// scores wait in a double-buffered score memory), dense AV, normalization.\n"
                  "// Pipeline: score (ceil(n_k/P) cycles) | AV (ceil(n_k/P)) | norm (CR+CM).");
    baseline_scores(g);
    baseline_av(g);
    core_norm(g);
    o(g, "\n  assign idle = !s_run_q && !p1_v_q && !p2_v_q && !sc_v_q && av_idle && norm_idle;\n");
    mod_end(g, 1);
}

/* ---- manifest and file list ------------------------------------------------------------ */

static void add_int(cJSON *o_, const char *k, int v) { cJSON_AddNumberToObject(o_, k, v); }

static cJSON *manifest_json(gen *g)
{
    const hg_cfg *c = g->c;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "generator", "hadgen");
    cJSON_AddStringToObject(root, "command", g->cmdline);
    cJSON *p = cJSON_AddObjectToObject(root, "params");
    cJSON_AddStringToObject(p, "core", hg_core_name(c->core));
    add_int(p, "d", c->d);
    add_int(p, "lanes", c->p);
    add_int(p, "top_n", c->n);
    add_int(p, "max_keys", c->l);
    add_int(p, "weight_bits", c->wb);
    add_int(p, "exp_frac_bits", c->fb);
    add_int(p, "out_frac", c->of);
    cJSON_AddStringToObject(p, "prefix", c->prefix);
    cJSON *d = cJSON_AddObjectToObject(root, "derived");
    for (const hg_cfg_field *f = hg_cfg_derived; f->name; f++) add_int(d, f->name, hg_cfg_field_value(c, f));
    cJSON_AddStringToObject(root, "top", g->mods[g->nmods - 1].name);
    cJSON *blocks = cJSON_AddArrayToObject(root, "blocks");
    for (int i = 0; i < HG_NBLOCKS; i++) {
        cJSON *jb = cJSON_CreateObject();
        cJSON_AddStringToObject(jb, "name", hg_blocks[i].name);
        cJSON_AddStringToObject(jb, "summary", hg_blocks[i].summary);
        cJSON_AddItemToArray(blocks, jb);
    }
    cJSON *mods = cJSON_AddArrayToObject(root, "modules");
    for (int i = 0; i < g->nmods; i++) {
        const mod_rec *m = &g->mods[i];
        cJSON *jm = cJSON_CreateObject();
        cJSON_AddStringToObject(jm, "name", m->name);
        cJSON_AddStringToObject(jm, "file", m->file);
        cJSON_AddStringToObject(jm, "block", m->block);
        if (m->nsources) { /* the hand-written blocks (rtl/src) its body instantiates */
            const char *src[4];
            for (int k = 0; k < m->nsources; k++) src[k] = m->sources[k];
            cJSON_AddItemToObject(jm, "sources", cJSON_CreateStringArray(src, m->nsources));
        }
        add_int(jm, "instances", m->instances);
        if (m->mem_words) {
            cJSON *mm = cJSON_AddObjectToObject(jm, "memory");
            add_int(mm, "words", m->mem_words);
            add_int(mm, "width", m->mem_width);
            add_int(mm, "read_ports", m->mem_rports);
            add_int(mm, "write_ports", m->mem_wports);
        }
        cJSON *ps = cJSON_AddArrayToObject(jm, "ports");
        for (int k = 0; k < m->nports; k++) {
            cJSON *jp = cJSON_CreateObject();
            cJSON_AddStringToObject(jp, "name", m->ports[k].name);
            cJSON_AddStringToObject(jp, "dir", m->ports[k].dir);
            add_int(jp, "width", m->ports[k].width);
            cJSON_AddItemToArray(ps, jp);
        }
        cJSON_AddItemToArray(mods, jm);
    }
    return root;
}

static void write_text(gen *g, const char *name, const char *text)
{
    out_begin(g, name);
    o(g, "%s", text);
    out_end(g);
}

/* Writes hadgen.core: a FuseSoC (CAPI2) core description of the folder, so the core drops
   into FuseSoC/Edalize flows. Its VLNV name holds every configuration parameter, so two
   configurations never share a name. Targets: default (the sources and the top) and lint
   (Verilator lint-only through the lint flow). CAPI=2: must be the first line, so the
   do-not-edit header follows it. */
static void emit_fusesoc(gen *g)
{
    const hg_cfg *c = g->c;
    const char *top = g->mods[g->nmods - 1].name;
    out_begin(g, "hadgen.core");
    o(g, "CAPI=2:\n");
    o(g, "# AUTO-GENERATED by hadgen. DO NOT EDIT: changes are lost on regeneration.\n");
    o(g, "# Generated with: %s\n", g->cmdline);
    o(g, "# FuseSoC core description of this folder (docs/usage.md). List it with\n");
    o(g, "#   fusesoc --cores-root <this folder> core list\n");
    o(g, "name: hadgen:cores:%s_d%d_p%d_n%d_l%d_w%d_e%d_o%d:1.0\n", pfx(g), c->d, c->p, c->n, c->l, c->wb,
      c->fb, c->of);
    o(g, "description: \"%s attention core, d=%d, P=%d, N=%d, L=%d (hadgen)\"\n", hg_core_name(c->core), c->d,
      c->p, c->n, c->l);
    o(g, "filesets:\n  rtl:\n    file_type: verilogSource\n    files:\n");
    for (int i = 0; i < g->nfiles; i++) o(g, "      - %s\n", g->files[i]);
    o(g, "targets:\n");
    o(g, "  default:\n    filesets: [rtl]\n    toplevel: %s\n", top);
    o(g,
      "  lint:\n    filesets: [rtl]\n    toplevel: %s\n    flow: lint\n"
      "    flow_options:\n      tool: verilator\n",
      top);
    out_end(g);
}

/* Writes filelist.f, hadgen.core, then manifest.json (renamed into place last: it marks the
   directory as hadgen's). */
static void emit_manifest(gen *g)
{
    char list[8192];
    size_t len = (size_t)snprintf(list, sizeof list,
                                  "# AUTO-GENERATED by hadgen (%s): sources in"
                                  " dependency order\n",
                                  g->cmdline);
    for (int i = 0; i < g->nfiles && len < sizeof list; i++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s\n", g->files[i]);
    write_text(g, "filelist.f", list);
    emit_fusesoc(g);

    cJSON *root = manifest_json(g);
    char *text = root ? cJSON_Print(root) : NULL;
    if (text) {
        out_begin(g, "manifest.json");
        o(g, "%s\n", text);
        out_end(g);
    }
    cJSON_free(text);
    cJSON_Delete(root);
    if (!text && !g->failed) {
        snprintf(g->err, g->errlen, "out of memory");
        g->failed = 1;
    }
}

/* ---- ownership and commit -------------------------------------------------------------- */

int hg_emit_generated_name(const char *name)
{
    for (int i = 0; block_files[i]; i++)
        if (strcmp(name, block_files[i]) == 0) return 1;
    size_t n = strlen(name);
    for (int i = 0; mod_suffixes[i]; i++) {
        size_t k = strlen(mod_suffixes[i]);
        if (n < k + 4 || strcmp(name + n - 2, ".v") != 0 || name[n - k - 3] != '_' ||
            strncmp(name + n - k - 2, mod_suffixes[i], k) != 0)
            continue;
        size_t p = n - k - 3; /* prefix length */
        int ok = p >= 1 && p <= HG_PREFIX_MAX && ((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_');
        for (size_t j = 1; ok && j < p; j++)
            ok = (name[j] >= 'a' && name[j] <= 'z') || (name[j] >= '0' && name[j] <= '9') || name[j] == '_';
        if (ok) return 1;
    }
    return 0;
}

int hg_emit_owned(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode)) return 0;
    char head[4097];
    FILE *f = hg_file_open(path, -1, NULL, NULL, 0);
    if (!f) return 0;
    size_t n = fread(head, 1, sizeof head - 1, f);
    fclose(f);
    head[n] = '\0';
    return strstr(head, "AUTO-GENERATED by hadgen") != NULL ||
           strstr(head, "\"generator\":\t\"hadgen\"") != NULL;
}

/* Checks that every output may replace what its final path holds: nothing, or a regular
   file hadgen wrote. Returns 0, or -2 with a message. */
static int check_targets(gen *g)
{
    for (int i = 0; i < g->nout; i++) {
        const char *p = g->out[i].path;
        struct stat st;
        if (lstat(p, &st) != 0) continue;
        if (!S_ISREG(st.st_mode)) {
            snprintf(g->err, g->errlen,
                     "'%s' is %s, not a file hadgen wrote; refusing to "
                     "replace it (remove it or choose another --out)",
                     p,
                     S_ISDIR(st.st_mode)   ? "a directory"
                     : S_ISLNK(st.st_mode) ? "a symbolic link"
                                           : "a special file");
            return -2;
        }
        if (!hg_emit_owned(p)) {
            snprintf(g->err, g->errlen,
                     "'%s' exists and was not written by hadgen (no "
                     "do-not-edit header); refusing to replace it (move it away or choose "
                     "another --out)",
                     p);
            return -2;
        }
    }
    return 0;
}

/* Renames every output into place, manifest.json last; on any failure removes the
   temporary files instead. Returns 0, -1 or -2 (refused) with a message. */
static int commit(gen *g)
{
    int rc = g->failed ? -1 : check_targets(g);
    for (int i = 0; rc == 0 && i < g->nout; i++)
        if (rename(g->out[i].tmp, g->out[i].path) != 0) {
            set_err(g, "cannot write", g->out[i].path);
            rc = -1;
        } else {
            g->out[i].tmp[0] = '\0';
        }
    for (int i = 0; i < g->nout; i++) hg_file_discard(&g->out[i]);
    return rc;
}

/* ---- entry point ----------------------------------------------------------------------- */

int hg_emit_core(const hg_cfg *c, const char *dir, const char *cmdline, char *err, size_t errlen)
{
    gen *g = calloc(1, sizeof *g);
    if (!g) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    g->c = c;
    g->dir = dir;
    g->cmdline = cmdline;
    g->err = err;
    g->errlen = errlen;
    if (c->core == HG_CORE_HAD)
        emit_xnor_lane(g);
    else
        emit_mac_lane(g);
    emit_score_array(g);
    if (hg_cfg_topn(c)) emit_topn(g);
    if (c->core == HG_CORE_HAD)
        emit_wlut(g);
    else
        emit_exp_unit(g, c->r);
    emit_av_dim(g);
    if (hg_cfg_topn(c))
        emit_av_topn(g);
    else
        emit_av_dense(g);
    emit_norm(g);
    emit_mem_banked(g, "kmem", c->kw,
                    "K memory: L keys in P banks (key i in bank i mod P, row i / P), so one\n"
                    "// row of P keys is read per cycle. Synchronous read. A black box in synthesis.");
    if (hg_cfg_topn(c))
        emit_mem_flat(g, "vmem", c->l, abits(c->l), 8 * c->d, c->r,
                      "V memory: L rows of D int8 values, R read ports (the AV unit reads the\n"
                      "// V rows of R selected keys per cycle). Synchronous read. A black box in\n"
                      "// synthesis.");
    else
        emit_mem_banked(g, "vmem", 8 * c->d,
                        "V memory: L rows of D int8 values in P banks like the K memory; the AV\n"
                        "// unit reads P rows per cycle. Synchronous read. A black box in synthesis.");
    if (!hg_cfg_topn(c))
        emit_mem_flat(g, "smem", 2 * c->g, abits(2 * c->g), c->p * c->sw, 1,
                      "Score memory: two banks of ceil(L/P) rows of P scores (one query is scored\n"
                      "// into one bank while the AV unit reads the other). Synchronous read. A\n"
                      "// black box in synthesis.");
    if (hg_cfg_topn(c))
        emit_core_topn(g);
    else
        emit_core_baseline(g);
    if (!g->failed) emit_manifest(g);
    int rc = commit(g);
    free(g);
    return rc;
}
