/*
 * rp_util.h — what the report tools (hgreport, hgsweep) share: JSON files, dotted-path
 * numbers, core names, output files, and the bad-input exit.
 */
#ifndef RP_UTIL_H
#define RP_UTIL_H

#include "hg_config.h"

#include <cjson/cJSON.h>
#include <stdio.h>

/* Core types: sw/base/hg_config's list (index = hg_core_kind). */
#define RP_NCORES       HG_NCORES
#define RP_CORE_NAME(i) hg_core_name((hg_core_kind)(i))
extern const char *rp_prog; /* program name in messages */

/* Bad input: "<prog>: <message>" on stderr, exit 2. */
void rp_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Largest JSON file the report tools read (bytes). */
#define RP_MAX_JSON (64L << 20)
/* The contents of a regular text file of at most max_bytes, NUL-terminated (free it); rp_die
   naming what and path if it is not a regular file, larger, unreadable or holds a NUL byte. */
char *rp_read_text(const char *path, const char *what, long max_bytes);
/* 1 if s is a plain name for output files: 1..64 letters, digits, '-', '_', starting with a
   letter or digit (no '/', no '.': nothing outside the output folder). Can't fail. */
int rp_plain_name(const char *s);
/* The parsed JSON file (a regular file of at most RP_MAX_JSON bytes); rp_die if it cannot be
   read or parsed. */
cJSON *rp_load_json(const char *path);
/* Number at a dotted path ("totals.area_um2"); NAN if missing or not a number. */
double rp_num(const cJSON *j, const char *path);
/* The same, or absent where the path is missing (a file of a tool from before that field, as
   params.v_bits: 8); NAN if it is there and not a number. */
double rp_num_or(const cJSON *j, const char *path, double absent);
/* String member, "" if missing. */
const char *rp_str(const cJSON *j, const char *key);
/* Core type index (hg_core_kind) of a name, -1 if unknown. */
int rp_core_index(const char *name);
/* DIR/NAME opened for writing, through a temporary name in DIR that rp_out_close renames
   (a failure or an exit before it leaves the previous DIR/NAME); on failure a message and
   exit 1. At most 32 open at a time (asserted). */
FILE *rp_out_file(const char *dir, const char *name);
/* Closes a file of rp_out_file and renames it to its final name; on a write error a message
   and exit 1 (the previous file stays). */
void rp_out_close(FILE *f);

/* Writes J, formatted, to DIR/NAME (exit 1 on failure). */
void rp_write_json(const char *dir, const char *name, const cJSON *j);
/* Runs gnuplot on DIR/SCRIPT in DIR, its messages to DIR/LOG; 0 done, 1 failed (message). */
int rp_gnuplot(const char *dir, const char *script, const char *log);

/* The figures of one core at one operating point, from the flow's summary.json
   (mm^2, MHz, queries/s, mW at the flow's clock, nJ, cycles). */
typedef struct rp_figs_t {
    double area_logic, area_mem, area, fmax, qps, power_logic, power_mem, power;
    double e_query, e_query_node, qpmj_node, ii;
} rp_figs_t;
/* Reads them: 0, or -1 with "key K missing or not a finite number" in err. Every field is
   required (clock_period_ns, totals, timing, throughput, energy). */
int rp_figs(const cJSON *summary, rp_figs_t *f, char *err, size_t n);

/* The blocks of a summary.json (its "blocks" object, which the flow fills from the manifest's
   list): adds the names not yet in names[0..*count) in their order, at most max. Returns -1
   with err if the object is missing or holds a block without finite area_um2 and power_uw. */
#define RP_MAX_BLOCKS 16
int rp_blocks(const cJSON *summary, const char **names, int *count, int max, char *err, size_t n);
/* area (um^2) or power (uW) of block name in a summary, 0 if the core has no such block. */
double rp_block(const cJSON *summary, const char *name, const char *what);

/* A whole number in 1..2^30 at a dotted path of J, or 0 (missing, not a number, not whole or
   out of range). Can't fail. */
int rp_whole(const cJSON *j, const char *path);

/* The design point of a flow summary.json (hgsweep's grid): its core, parameters and figures. */
typedef struct rp_point_t {
    int core, d, p, n, l; /* core type (hg_core_kind); params.d, lanes, top_n, max_keys */
    rp_figs_t f;
} rp_point_t;
/* Reads the point of summary S: a known core, params.d, lanes, top_n and max_keys whole
   numbers in 1..1e6, and an area, energy per query and Fmax that are finite and > 0. Returns
   0, or -1 with what is wrong in err (without the file's name). */
int rp_summary_point(const cJSON *s, rp_point_t *x, char *err, size_t n);

/* What the report tools read from hadrun --json output (a fidelity file). */
typedef struct rp_run_head_t {
    int distilled; /* model.distilled is true: its HAD backends ran on a distilled model */
    int d;         /* core.d (0 when absent and not required) */
    int n;         /* core.top_n */
    int tokens;    /* sentences.max_tokens */
    int vb;        /* core.v_bits, 2..8 (8 when absent: a run from before --v-bits) */
    int v_channel; /* core.v_scale is "channel" (hadrun --v-scale channel), else 0 */
} rp_run_head_t;
/* Reads the header of hadrun --json output J: a backends array, core.top_n and
   sentences.max_tokens (and, if need_d, core.d) whole numbers >= 1 (rp_whole), core.v_bits
   (if present) a whole number in 2..8, core.v_scale (if present) "head" or "channel". Returns 0, or
   -1 with what is wrong in err ("no backends array", "core.top_n missing or not a whole
   number >= 1"). */
int rp_run_head(const cJSON *j, int need_d, rp_run_head_t *h, char *err, size_t n);

/* A variant option's argument NAME=RUN_DIR[,RUN_DIR...] (--selectors, --vbits): rp_die
   "--OPT 'ARG': ..." unless NAME is a point name and a run directory follows; for each run
   directory, its reports/summary.json loaded and passed to add (which owns it) with the point's
   name, the directory and the file's path. */
typedef void (*rp_variant_fn)(void *ctx, const char *point, const char *dir, const char *path, cJSON *run);
void rp_variant_runs(const char *opt, const char *arg, rp_variant_fn add, void *ctx);

/* A variant run (another selector, narrower values) against its point's run of the same core
   (base): rp_die "--OPT POINT=DIR: ..." when base is NULL or the two differ in params d, lanes,
   top_n, max_keys or activity queries, or (same_cycles) activity cycles (the same
   configuration on the same stimulus is compared; narrower values shorten the normalizer's
   reciprocal, so their runs may end a few cycles earlier). */
void rp_same_point(const char *opt, const char *point, const char *dir, int core, const cJSON *run,
                   const cJSON *base, int same_cycles);

/* The sort cut of a flow summary (params.sort_cut; auto when absent): 0, or -1 with "params.sort_cut
   'X' must be auto, on or off" in err. */
int rp_summary_cut(const cJSON *s, hg_cut_kind *cut, char *err, size_t n);

/* The selector and sort cut of a flow summary (params.selector, merge when absent: a run from
   before --selector; params.sort_cut as rp_summary_cut): 0, or -1 with a message in err naming
   the field and value. */
int rp_summary_sel(const cJSON *s, hg_sel_kind *sel, hg_cut_kind *cut, char *err, size_t n);

/* 1 if two flow summaries name the same selector and sort cut (rp_summary_sel; a summary that
   names none that parses counts as differing). */
int rp_same_sel(const cJSON *a, const cJSON *b);

/* A top-N selector as the tables name it: "twostage", or with a sort cut other than auto
   "twostage, sort cut off"; written into buf (n bytes), which it returns. Can't fail. */
const char *rp_sel_label(char *buf, size_t n, hg_sel_kind sel, hg_cut_kind cut);

/* The AV unit's fan-out stages of a flow summary (params.av_fan, hadgen --av-fan: a string or a
   number; auto when absent, as hgsynth writes it only for another choice) into *fan: HG_AV_FAN_AUTO,
   HG_AV_FAN_OFF or the dimensions a stage serves, 1..d (d: params.d). 0, or -1 with a message in
   err naming the field, its value and what is allowed. */
int rp_summary_fan(const cJSON *s, int *fan, char *err, size_t n);

/* fan (rp_summary_fan) as the tables name it: "" for auto, else "AV fan off" or "AV fan 32"; into
   buf (n bytes), which it returns. */
const char *rp_fan_label(char *buf, size_t n, int fan);

/* dir/reports/summary.json into path (n bytes); rp_die naming option opt when it does not fit. */
void rp_summary_path(char *path, size_t n, const char *opt, const char *dir);

/* a / b, NAN when b is not > 0. */
double rp_ratio(double a, double b);
/* x as a JSON number, null when x is not finite. */
cJSON *rp_json_num(double x);

/* A figure and its range as a table cell, 3 decimals: "x (lo-hi)", x bold ("**x**") when bold;
   "x" alone when the range is not finite or empty (lo == hi); "n/a" when x is not finite.
   Written into buf (n bytes), which it returns. */
const char *rp_fig_range(char *buf, size_t n, double x, double lo, double hi, int bold);

#endif
