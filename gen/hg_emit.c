/*
 * hg_emit.c — Verilog emitter for the HAD, baseline and int8 + top-N attention cores: output
 * files, the unit records, hand-written blocks, commit and the entry point.
 *
 * Every block of hardware is a hand-written, parameterized Verilog file (rtl/src), copied into
 * the core folder. A unit (a module the manifest lists: the flow synthesizes, captures and
 * costs units) is either such a block used with this configuration's parameter values
 * (ge_unit_begin .. ge_unit_end) or the one module hadgen writes, the core's top
 * <prefix>_core (ge_mod_begin .. ge_mod_end), which holds the hand-written core with the
 * values hadgen derives. The records (block, instance count, ports, memory geometry,
 * children, capture) feed the manifest, from which sim/ writes the simulation probes
 * (sim/hs_probes.c) that hold all instrumentation: no design module does, and hadgen writes
 * none. The units are described by hg_emit_blocks.c,
 * hg_emit_av.c and hg_emit_top.c (hg_emit_int.h). Errors are sticky: after the first (a
 * hand-written block that cannot be read, a file that cannot be written) every call is a
 * no-op and hg_emit_core reports it. The microarchitecture is described in
 * docs/architecture.md; the numbers in docs/spec.md.
 */
#include "hg_emit.h"
#include "hg_emit_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Where the hand-written blocks are read from: $HADGEN_RTL_SRC, else the source tree's
   rtl/src (HG_SRC_DIR, set by the build). */
#ifndef HG_SRC_DIR
#define HG_SRC_DIR "."
#endif

/* Module name suffixes (the module of suffix S is <prefix>_S in <prefix>_S.v). */
static const char *const mod_suffixes[] = {
    "xnor_lane", "mac_lane", "score_array", "topn", "topn_scan", "wlut", "exp_unit", "av_dim",
    "av_fan",    "av",       "norm",        "kmem", "vmem",      "smem", "core",     NULL};

/* The blocks every module belongs to, in report order: manifest.json lists them ("blocks"),
   and the synthesis flow and the report take them from there. "memory" modules are costed by
   the flow's memory model instead of being synthesized. */
const ge_block_info ge_blocks[] = {
    {"score", "key scoring: XNOR-popcount lanes (HAD) or int8 multiply-accumulate lanes"},
    {"select", "top-N selection of the scored keys"},
    {"softmax", "softmax weights: the run-time exp table (HAD) or exp units (int8)"},
    {"av", "weighted sum of the values"},
    {"norm", "normalizer: reciprocal of the weight sum, output scaling and rounding"},
    {"control", "core top: streams, sequencing, configuration registers"},
    {"memory", "K, V and score memories (memory model, not synthesized)"},
};
const int ge_nblocks = (int)(sizeof ge_blocks / sizeof ge_blocks[0]);

/* The hand-written blocks hadgen copies into a core folder (rtl/src/<name>.v), each with the
   block it instantiates itself, if any: that one is copied before it and is a source of
   every module that instantiates it (flattened into the module's netlist with it). */
static const struct {
    const char *file, *uses;
} block_files[] = {{"hg_xnor_lane.v", NULL},
                   {"hg_mac_lane.v", NULL},
                   {"hg_topn.v", NULL},
                   {"hg_topn_bitonic.v", NULL},
                   {"hg_bank_addr.v", NULL},
                   {"hg_topn_scan.v", "hg_bank_addr.v"},
                   {"hg_topn_place.v", "hg_bank_addr.v"},
                   {"hg_wlut.v", NULL},
                   {"hg_av_dim.v", NULL},
                   {"hg_fanout.v", NULL},
                   {"hg_exp_unit.v", NULL},
                   {"hg_norm.v", NULL},
                   {"hg_mem_banked.v", NULL},
                   {"hg_mem_flat.v", NULL},
                   {"hg_av_list.v", NULL},
                   {"hg_av_rows.v", "hg_bank_addr.v"},
                   {"hg_av_out.v", NULL},
                   {"hg_av_mac.v", "hg_av_out.v"},
                   {"hg_cfg_load.v", NULL},
                   {"hg_score_stage.v", NULL},
                   {"hg_rowmax.v", "hg_bank_addr.v"},
                   {"hg_score_array.v", NULL},
                   {"hg_av_topn.v", NULL},
                   {"hg_av_dense.v", NULL},
                   {"hg_core_topn.v", NULL},
                   {"hg_core_dense.v", NULL},
                   {NULL, NULL}};

/* The index of block file `file` in block_files, or -1. */
static int block_index(const char *file)
{
    for (int i = 0; block_files[i].file; i++)
        if (strcmp(file, block_files[i].file) == 0) return i;
    return -1;
}

/* ---- low-level output ------------------------------------------------------------------ */

void ge_o(gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ge_o(gen *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (g->f) vfprintf(g->f, fmt, ap);
    va_end(ap);
}

void ge_fail(gen *g, const char *fmt, ...)
{
    if (!g->failed) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(g->err, g->errlen, fmt, ap);
        va_end(ap);
    }
    g->failed = 1;
}

/* 1 if count is below the limit of its table, else the sticky error naming it. */
static int within(gen *g, int count, int limit, const char *what)
{
    if (count < limit) return 1;
    ge_fail(g, "internal limit: more than %d %s (gen/hg_emit_int.h)", limit, what);
    return 0;
}

static void set_err(gen *g, const char *what, const char *path)
{
    if (!g->failed) snprintf(g->err, g->errlen, "%s '%s': %s", what, path, strerror(errno));
    g->failed = 1;
}

/* Starts output file dir/name under a temporary name; g->f is NULL if that fails. */
void ge_out_begin(gen *g, const char *name)
{
    char path[HG_FILE_PATH_MAX], why[256];
    g->f = NULL;
    if (g->failed || !within(g, g->nout, MAX_OUTS, "output files")) return;
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
void ge_out_end(gen *g)
{
    if (!g->f) return;
    hg_wfile *w = &g->out[g->nout - 1];
    int ok = !ferror(g->f);
    ok = fclose(g->f) == 0 && ok;
    g->f = w->f = NULL;
    if (!ok) set_err(g, "cannot write", w->path);
}

const char *ge_pfx(gen *g) { return g->c->prefix; }

/* The header every emitted file starts with: do-not-edit, command line, parameters. */
void ge_write_header(gen *g, const char *comment)
{
    const hg_cfg *c = g->c;
    int twostage = c->sel == HG_SEL_TWOSTAGE; /* the one selector with a sort cut */
    char lw[64] = ""; /* shown where not 1, the shadow table where on, the AV fan-out where not auto */
    char fan[16];
    if (c->lw > 1) snprintf(lw, sizeof lw, " load_width=%d", c->lw);
    if (c->shadow) snprintf(lw + strlen(lw), sizeof lw - strlen(lw), " etab_shadow=on");
    if (c->fan_opt != HG_AV_FAN_AUTO)
        snprintf(lw + strlen(lw), sizeof lw - strlen(lw), " av_fan=%s", hg_cfg_fan_text(c, fan, sizeof fan));
    ge_o(g,
         "%s ----------------------------------------------------------------------------\n"
         "%s AUTO-GENERATED by hadgen. DO NOT EDIT: changes are lost on regeneration.\n"
         "%s Generated with:\n%s   %s\n"
         "%s Parameters: core=%s d=%d lanes=%d top_n=%d max_keys=%d weight_bits=%d\n"
         "%s             exp_frac_bits=%d out_frac=%d v_bits=%d%s selector=%s%s%s prefix=%s\n"
         "%s Derived:    groups=%d av_slots=%d acc_width=%d wsum_width=%d recip_q=%d\n"
         "%s             out_width=%d recip_bits_per_cycle=%d norm_mults=%d ii_cycles=%d\n"
         "%s ----------------------------------------------------------------------------\n",
         comment, comment, comment, comment, g->cmdline, comment, hg_core_name(c->core), c->d, c->p, c->n,
         c->l, c->wb, comment, c->fb, c->of, c->vb, lw, hg_sel_name(c->sel), twostage ? " sort_cut=" : "",
         twostage ? hg_cut_name(c->cut) : "", c->prefix, comment, c->g, c->r, c->accw, c->wsw, c->rq, comment,
         c->ow, c->bpc, c->mn, c->ii, comment);
}

/* ---- module skeleton ------------------------------------------------------------------- */

/* A new unit record <prefix>_<suffix> of block `block` with `file`, or NULL after an error;
   the block and the suffix must be listed (ge_blocks, mod_suffixes). */
static mod_rec *new_unit(gen *g, const char *suffix, const char *block, int instances, const char *file)
{
    if (g->failed || !within(g, g->nmods, MAX_MODS, "units")) return NULL;
    int listed = 0;
    for (int i = 0; i < ge_nblocks; i++) listed |= strcmp(block, ge_blocks[i].name) == 0;
    int known = 0;
    for (int i = 0; mod_suffixes[i]; i++) known |= strcmp(suffix, mod_suffixes[i]) == 0;
    if (!listed || !known) {
        ge_fail(g, "internal error: unit '%s' of block '%s': %s", suffix, block,
                !listed ? "the block is not in ge_blocks" : "the suffix is not in mod_suffixes");
        return NULL;
    }
    mod_rec *m = &g->mods[g->nmods++];
    memset(m, 0, sizeof *m);
    snprintf(m->name, sizeof m->name, "%s_%s", ge_pfx(g), suffix);
    snprintf(m->suffix, sizeof m->suffix, "%s", suffix);
    if (file)
        snprintf(m->file, sizeof m->file, "%s", file);
    else
        snprintf(m->file, sizeof m->file, "%s_%s.v", ge_pfx(g), suffix);
    m->block = block;
    m->instances = instances;
    return m;
}

mod_rec *ge_mod_begin(gen *g, const char *suffix, const char *block, int instances, const char *purpose)
{
    mod_rec *m = new_unit(g, suffix, block, instances, NULL);
    if (!m || !within(g, g->nfiles, MAX_FILES, "Verilog files")) return &g->mods[0];
    memcpy(g->files[g->nfiles++], m->file, sizeof m->file);
    ge_out_begin(g, m->file);
    if (!g->f) return m;
    ge_write_header(g, "//");
    ge_o(g, "//\n// %s\n// %s\n", m->name, purpose);
    ge_o(g, "`default_nettype none\n\nmodule %s", m->name);
    return m;
}

/* A port: kind "input wire", "output wire" or "output reg"; range text such as "D-1:0" or
   NULL for one bit; width its numeric value. */
void ge_port(gen *g, const char *kind, const char *range, int width, const char *name, const char *comment)
{
    if (g->failed) return; /* after an error no module is being written */
    mod_rec *m = &g->mods[g->nmods - 1];
    if (!within(g, m->nports, MAX_PORTS, "ports of a unit")) return;
    port_rec *p = &m->ports[m->nports++];
    p->dir = kind[0] == 'i' ? "input" : "output";
    p->width = width;
    snprintf(p->name, sizeof p->name, "%s", name);
    snprintf(p->kind, sizeof p->kind, "%s", kind);
    snprintf(p->range, sizeof p->range, "%s%s%s", range ? "[" : "", range ? range : "", range ? "]" : "");
    snprintf(p->comment, sizeof p->comment, "%s", comment);
}

void ge_in(gen *g, const char *name, int width) { ge_port(g, "input wire", NULL, width, name, ""); }
void ge_out(gen *g, const char *name, int width) { ge_port(g, "output wire", NULL, width, name, ""); }

/* Prints the ports collected since ge_mod_begin(). */
void ge_ports_end(gen *g)
{
    if (g->failed) return; /* after an error no module is being written */
    mod_rec *m = &g->mods[g->nmods - 1];
    ge_o(g, " (\n");
    for (int i = 0; i < m->nports; i++) {
        const port_rec *p = &m->ports[i];
        char nm[40];
        snprintf(nm, sizeof nm, "%s%s", p->name, i + 1 < m->nports ? "," : "");
        ge_o(g, "  %-11s %-14s %-15s // %s\n", p->kind, p->range, nm, p->comment);
    }
    ge_o(g, ");\n\n");
}

void ge_child(gen *g, const char *suffix, const char *loop, const char *inst, int count)
{
    if (g->failed) return; /* after an error no module is being written */
    mod_rec *m = &g->mods[g->nmods - 1];
    if (!within(g, m->nkids, MAX_KIDS, "kinds of child cells of a unit")) return;
    if (count < 1) {
        ge_fail(g, "internal error: child '%s' of unit '%s' has %d cells", inst, m->name, count);
        return;
    }
    child_rec *k = &m->kids[m->nkids];
    if (strlen(suffix) >= sizeof k->suffix || strlen(loop ? loop : "") >= sizeof k->loop ||
        strlen(inst) >= sizeof k->inst) {
        ge_fail(g,
                "internal limit: child '%s%s%s' of unit '%s' has a name longer than gen/hg_emit_int.h holds",
                loop ? loop : "", loop ? "[]." : "", inst, m->name);
        return;
    }
    m->nkids++;
    snprintf(k->suffix, sizeof k->suffix, "%s", suffix);
    snprintf(k->loop, sizeof k->loop, "%s", loop ? loop : "");
    snprintf(k->inst, sizeof k->inst, "%s", inst);
    k->count = count;
}

void ge_mod_end(gen *g, int capture)
{
    if (g->failed) return; /* after an error no module is being written */
    g->mods[g->nmods - 1].capture = capture;
    ge_o(g, "\nendmodule\n\n`default_nettype wire\n");
    ge_out_end(g);
}

/* ---- units that are hand-written blocks as they are ------------------------------------ */

static void add_source_file(gen *g, mod_rec *m, const char *f);

mod_rec *ge_unit_begin(gen *g, const char *suffix, const char *block, int instances, const char *module)
{
    char file[40];
    snprintf(file, sizeof file, "%s.v", module);
    ge_copy_block(g, file);
    mod_rec *m = new_unit(g, suffix, block, instances, file);
    if (!m) return &g->mods[0];
    snprintf(m->module, sizeof m->module, "%s", module);
    return m;
}

void ge_uparam(gen *g, const char *name, long value)
{
    if (g->failed) return;
    mod_rec *m = &g->mods[g->nmods - 1];
    if (!m->module[0]) {
        ge_fail(g, "internal error: parameter '%s' of unit '%s', which is not a hand-written block", name,
                m->name);
        return;
    }
    if (!within(g, m->nuparams, MAX_UPARAMS, "parameters of a unit")) return;
    param_rec *p = &m->uparams[m->nuparams++];
    snprintf(p->name, sizeof p->name, "%s", name);
    p->value = value;
}

void ge_usource(gen *g, const char *file)
{
    if (g->failed) return;
    add_source_file(g, &g->mods[g->nmods - 1], file);
}

void ge_unit_end(gen *g, int capture)
{
    if (!g->failed) g->mods[g->nmods - 1].capture = capture;
}

/* ---- hand-written blocks ----------------------------------------------------------------- */

/* The folder of the hand-written blocks. */
static const char *block_dir(void)
{
    const char *e = getenv("HADGEN_RTL_SRC");
    return e && *e ? e : HG_SRC_DIR "/rtl/src";
}

/* Copies block file `file` (rtl/src) into the output, behind the do-not-edit header, once. */
void ge_copy_block(gen *g, const char *file)
{
    int b = block_index(file);
    if (g->failed) return;
    if (b < 0 || g->f) {
        ge_fail(g, "internal error: block file '%s': %s", file,
                b < 0 ? "not in block_files" : "copied while a module is being written");
        return;
    }
    if (block_files[b].uses) ge_copy_block(g, block_files[b].uses);
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
    if (!within(g, g->nfiles, MAX_FILES, "Verilog files")) {
        free(text);
        return;
    }
    snprintf(g->files[g->nfiles++], sizeof g->files[0], "%s", file);
    ge_out_begin(g, file);
    if (g->f) {
        ge_write_header(g, "//");
        ge_o(g, "// Copy of rtl/src/%s, the hand-written block: edit it there.\n\n", file);
        fwrite(text, 1, len, g->f);
    }
    ge_out_end(g);
    free(text);
}

/* Records that the module being written instantiates hand-written block file `f` (and so the
   block that one uses). */
static void add_source_file(gen *g, mod_rec *m, const char *f)
{
    int b = block_index(f);
    if (b >= 0 && block_files[b].uses) add_source_file(g, m, block_files[b].uses);
    for (int i = 0; i < m->nsources; i++)
        if (strcmp(m->sources[i], f) == 0) return;
    if (!within(g, m->nsources, (int)(sizeof m->sources / sizeof m->sources[0]),
                "hand-written sources of a unit"))
        return;
    snprintf(m->sources[m->nsources++], sizeof m->sources[0], "%s", f);
}

/* ---- ownership and commit -------------------------------------------------------------- */

int hg_emit_generated_name(const char *name)
{
    if (block_index(name) >= 0) return 1;
    size_t n = strlen(name);
    for (int i = 0; mod_suffixes[i]; i++) {
        size_t k = strlen(mod_suffixes[i]);
        if (n < k + 4 || strcmp(name + n - 2, ".v") != 0 || name[n - k - 3] != '_' ||
            strncmp(name + n - k - 2, mod_suffixes[i], k) != 0)
            continue;
        if (hg_cfg_prefix_ok(name, n - k - 3)) return 1;
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

int ge_commit(gen *g)
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
        ge_emit_xnor_lane(g);
    else
        ge_emit_mac_lane(g);
    ge_emit_score_array(g);
    if (hg_cfg_topn(c)) ge_emit_topn(g);
    if (c->core == HG_CORE_HAD)
        ge_emit_wlut(g);
    else
        ge_emit_exp_unit(g, c->r);
    ge_emit_av_dim(g);
    if (c->fan) ge_emit_av_fan(g);
    if (hg_cfg_topn(c))
        ge_emit_av_topn(g);
    else
        ge_emit_av_dense(g);
    ge_emit_norm(g);
    /* K: L keys in P banks (key i in bank i mod P, row i / P), a row of P keys read a cycle,
       a load beat of LW keys written */
    ge_emit_mem_banked(g, "kmem", c->kw);
    if (hg_cfg_topn(c)) /* V: L rows of D VB-bit values in rows of LW, R read ports (the rows of R
                           selected keys) */
        ge_emit_mem_flat(g, "vmem", c->l, c->vw, c->r, c->lw);
    else /* V: banked like K, a row of P keys' V rows read a cycle */
        ge_emit_mem_banked(g, "vmem", c->vw);
    /* scores: two banks of ceil(L/P) rows of P scores (double buffer): the baseline's, and the
       counting selector's between its two passes */
    if (!hg_cfg_topn(c) || c->sel == HG_SEL_COUNTING)
        ge_emit_mem_flat(g, "smem", 2 * c->g, c->p * c->sw, 1, 1);
    if (hg_cfg_topn(c))
        ge_emit_core_topn(g);
    else
        ge_emit_core_baseline(g);
    if (!g->failed) ge_emit_manifest(g);
    int rc = ge_commit(g);
    free(g);
    return rc;
}
