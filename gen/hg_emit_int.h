/*
 * hg_emit_int.h — the emitter's internals, shared by its files: the state of one generation
 * and the calls that describe a unit. Not part of the generator's interface (hg_emit.h).
 *
 *   hg_emit.c           output files, the unit records, hand-written blocks, commit,
 *                       hg_emit_core
 *   hg_emit_blocks.c    score lanes and array, selector, softmax weights, normalizer, memories
 *   hg_emit_av.c        the AV units
 *   hg_emit_top.c       the core's top, <prefix>_core
 *   hg_emit_manifest.c  manifest.json, filelist.f and the FuseSoC core file
 *
 * A unit that is a hand-written block is described by ge_unit_begin(), ge_uparam() for each
 * parameter value, ge_usource() for each block flattened into it, ge_in()/ge_out() for each
 * port, ge_child() for each cell that is another unit, and ge_unit_end(). The core's top is
 * written by ge_mod_begin(), ge_port() for each port, ge_ports_end(), its body through ge_o(),
 * ge_usource()/ge_child() as above, and ge_mod_end(). Errors are sticky: after the first,
 * calls write nothing and hg_emit_core reports it.
 */
#ifndef HG_EMIT_INT_H
#define HG_EMIT_INT_H

#include "hg_config.h"
#include "hg_file.h"

#include <cjson/cJSON.h>
#include <stdio.h>

#define MAX_MODS  24
#define MAX_PORTS 48
#define MAX_FILES (2 * MAX_MODS)  /* the modules and the block sources they use */
#define MAX_OUTS  (MAX_FILES + 3) /* those, filelist.f, hadgen.core, manifest.json */

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

/* A cell (or a generate loop of cells) of one unit inside another. */
typedef struct child_rec {
    char suffix[16]; /* the unit instantiated: <prefix>_<suffix> */
    char loop[32];   /* generate-loop label ("g_lane": instances g_lane[0].inst ..), or "" */
    char inst[24];   /* instance name (a path inside the loop body: "g_xnor.u_lane") */
    int count;       /* loop iterations (1 without a loop) */
} child_rec;

#define MAX_KIDS 8

#define MAX_UPARAMS 16

typedef struct mod_rec {
    char name[64];
    char suffix[16];
    char file[72];
    char module[40];                /* a hand-written block used as the unit itself (ge_unit_begin), or "" */
    param_rec uparams[MAX_UPARAMS]; /* its parameter values */
    int nuparams;
    char sources[8][40]; /* the hand-written blocks it instantiates (rtl/src files) */
    int nsources;
    const char *block;
    int instances;
    int mem_words, mem_width, mem_rports, mem_wports; /* memories only */
    int capture; /* its ports are captured for the power flow (manifest "capture", sim's probes) */
    int nports;
    port_rec ports[MAX_PORTS];
    child_rec kids[MAX_KIDS];
    int nkids;
} mod_rec;

typedef struct gen {
    const hg_cfg *c;
    const char *dir;
    const char *cmdline;
    FILE *f;                /* the file being written (a temporary name) */
    hg_wfile out[MAX_OUTS]; /* every file written, renamed into place at the end */
    int nout;
    mod_rec mods[MAX_MODS];
    int nmods;
    char files[MAX_FILES][72]; /* every Verilog file, in dependency order (filelist.f) */
    int nfiles;
    char *err;
    size_t errlen;
    int failed;
} gen;

/* The blocks every module belongs to, in report order (hg_emit.c). */
typedef struct {
    const char *name, *summary;
} ge_block_info;
extern const ge_block_info ge_blocks[];
extern const int ge_nblocks;

static inline int imax(int a, int b) { return a > b ? a : b; }
/* Address bits for n entries (at least 1). */
static inline int abits(int n) { return imax(1, hg_clog2(n)); }

/* ---- errors (hg_emit.c) */
/* The sticky error: the first message is kept (printf format), every later emit does
   nothing, and ge_commit removes what was written. An internal limit (the tables above) or
   an inconsistency of the unit descriptions is such an error, not an abort, so it leaves no
   temporary files behind. */
void ge_fail(gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Renames every output into place, manifest.json last; after an error, or when a target may
   not be replaced, removes the temporary files instead. Returns 0, -1 (error) or -2 (refused)
   with the message in g->err. */
int ge_commit(gen *g);

/* ---- output (hg_emit.c) */
/* printf into the module or file being written. */
void ge_o(gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The module prefix of the configuration. */
const char *ge_pfx(gen *g);
/* The header every generated file starts with (do-not-edit, command, parameters), each line
   opened by `comment`. */
void ge_write_header(gen *g, const char *comment);
/* Starts output file dir/name under a temporary name (g->f is NULL if that fails); ends it. */
void ge_out_begin(gen *g, const char *name);
void ge_out_end(gen *g);

/* ---- the one generated module, the core's top (hg_emit.c) */
/* Begins module <prefix>_<suffix> of block `block` (a name of ge_blocks), instantiated
   `instances` times in the core, with a purpose comment. */
mod_rec *ge_mod_begin(gen *g, const char *suffix, const char *block, int instances, const char *purpose);
/* A port: kind "input wire", "output wire" or "output reg"; range text ("D-1:0") or NULL for
   one bit; width its value. */
void ge_port(gen *g, const char *kind, const char *range, int width, const char *name, const char *comment);
/* A port of a hand-written unit (ge_unit_begin): name and width only. */
void ge_in(gen *g, const char *name, int width);
void ge_out(gen *g, const char *name, int width);
/* Writes the ports collected since ge_mod_begin. */
void ge_ports_end(gen *g);
/* Records that the unit being described has cells of unit <prefix>_<suffix>: `inst` (a path
   in the unit's hierarchy, "u_core.u_av"), inside the generate loop `loop` (count
   iterations: loop[0].inst ..) or, loop NULL, once. */
void ge_child(gen *g, const char *suffix, const char *loop, const char *inst, int count);
/* Ends the module; capture: the power flow captures its ports (manifest "capture"). */
void ge_mod_end(gen *g, int capture);

/* ---- units that are hand-written blocks as they are (hg_emit.c) */
/* Begins unit <prefix>_<suffix> of block `block`, instantiated `instances` times: no file is
   written, the unit is hand-written block `module` (rtl/src/<module>.v, copied) with the
   parameter values given by ge_uparam(); its ports follow through ge_in()/ge_out() (for the
   manifest); ge_unit_end(g, capture) ends it. */
mod_rec *ge_unit_begin(gen *g, const char *suffix, const char *block, int instances, const char *module);
void ge_uparam(gen *g, const char *name, long value);
/* A hand-written block the unit's block instantiates and which is synthesized with it
   (flattened into the unit's netlist, not a unit of its own): `file` (rtl/src), copied by
   ge_copy_block() before ge_unit_begin(). */
void ge_usource(gen *g, const char *file);
void ge_unit_end(gen *g, int capture);

/* ---- hand-written blocks (hg_emit.c) */
/* Copies rtl/src/<file> into the core folder once; not while a module is being written. */
void ge_copy_block(gen *g, const char *file);

/* ---- the modules (hg_emit_blocks.c, hg_emit_av.c, hg_emit_top.c) */
void ge_emit_xnor_lane(gen *g);
void ge_emit_mac_lane(gen *g);
void ge_emit_score_array(gen *g);
void ge_emit_topn(gen *g);
void ge_emit_wlut(gen *g);
void ge_emit_exp_unit(gen *g, int instances);
void ge_emit_norm(gen *g);
void ge_emit_mem_banked(gen *g, const char *suffix, int width);
void ge_emit_mem_flat(gen *g, const char *suffix, int words, int width, int rp, int wl);
void ge_emit_av_dim(gen *g);
void ge_emit_av_fan(gen *g);
void ge_emit_av_topn(gen *g);
void ge_emit_av_dense(gen *g);
void ge_emit_core_topn(gen *g);
void ge_emit_core_baseline(gen *g);

/* ---- manifest.json, filelist.f, hadgen.core (hg_emit_manifest.c) */
void ge_emit_manifest(gen *g);

#endif
