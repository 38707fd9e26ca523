/*
 * hs_sim.h — plain C API to the cycle-accurate (Verilator) simulation of a generated core.
 *
 * A simulator is opened for a configuration: its RTL is generated with hadgen and built with
 * Verilator into a shared library once, then cached per configuration (and per variant:
 * plain, FST trace, activity capture). Several simulators, of different configurations, can
 * be open in one process.
 *
 * The core's streams are driven exactly as a host would: configuration writes, K/V load,
 * queries in, outputs out, with ready/valid handshakes; every call advances the clock.
 *
 * Watchdog: a core that stops responding never hangs the caller. When no handshake the host
 * waits for completes within hs_watchdog_cycles(c) cycles, hs_load or hs_run returns -1 with
 * a message that names the stream (configuration, keys/values, queries, outputs), the state
 * (what the host waits for, every stream's valid/ready levels) and the cycle.
 */
#ifndef HS_SIM_H
#define HS_SIM_H

#include "hg_config.h"
#include "hm_golden.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hs_sim hs_sim;

typedef struct hs_opts {
    const char *cache_dir;   /* where built models live; NULL: $HADGEN_SIM_CACHE, else
                                <source tree>/build/sim */
    const char *trace_fst;   /* write an FST waveform here (NULL: no trace) */
    const char *capture_dir; /* write per-instance activity captures here (NULL: none); at
                                most HS_CAPTURE_DIR_MAX bytes */
    int quiet;               /* 1: do not print build progress */
} hs_opts;

/* The longest capture directory. The model writes DIR/<instance>.hex, and the Verilator
   runtime overflows a buffer of 256 bytes on a longer file name; an instance file name is
   "TOP." + prefix + at most 64 bytes ("_core.u_core.u_score.g_lane[63].g_mac.u_lane.hex" is 48). */
#define HS_CAPTURE_DIR_MAX (256 - 1 - 4 - HG_PREFIX_MAX - 64)

/* Cycle counts and memory accesses since open. */
typedef struct hs_stats {
    uint64_t cycles;         /* all clock cycles */
    uint64_t cycles_cfg;     /* spent in configuration writes */
    uint64_t cycles_load;    /* spent loading K/V */
    uint64_t cycles_query;   /* spent streaming queries (first query offered .. last out) */
    uint64_t queries;        /* queries completed */
    uint64_t last_first_out; /* in the last hs_run: cycle (from its start) of the first output */
    uint64_t last_last_out;  /* ... and of the last output */
    uint64_t kmem_reads, kmem_writes, vmem_reads, vmem_writes, smem_reads, smem_writes;
} hs_stats;

/* The watchdog's bound: HS_WATCHDOG_MULT x (II + G + N + CR + CM) + HS_WATCHDOG_MIN cycles
   without a handshake on the stream the host waits on. One query takes at most about
   2G + N + CR + CM + 4 cycles from the core taking it to its output (docs/spec.md section 5:
   score G + 2, AV at most max(G, ceil(N/R)) + 2, normalizer CR + CM), so the bound is more
   than 16 times the latency of a query; a configuration or K/V beat waits at most for the
   core to become idle, which is shorter. Can't fail. */
#define HS_WATCHDOG_MULT 64u
#define HS_WATCHDOG_MIN  1024
uint64_t hs_watchdog_cycles(const hg_cfg *c);

/* Opens a simulator for configuration c (finished by hg_cfg_finish), building it first if
   needed. Returns NULL with a message in err on failure (build error, bad cache dir: see
   hs_check_cache_dir). */
hs_sim *hs_open(const hg_cfg *c, const hs_opts *opts, char *err, size_t errlen);

/* Checks a simulation cache directory (hs_opts.cache_dir) before any build: not empty, no
   quote or control character (the path reaches a shell command), not the filesystem root,
   not an existing non-directory. Returns 0, or -1 with the reason in err. hs_open checks
   the cache it uses the same way. */
int hs_check_cache_dir(const char *dir, char *err, size_t errlen);

/* Builds (or finds cached) another kind of model of c: generates c's RTL into a folder of the
   cache (cache_dir as hs_opts.cache_dir) named after c and variant, and runs SCRIPT (a path
   relative to the source tree, called as SCRIPT RTL_DIR OUT_DIR) unless the folder's product
   ARTIFACT was built from identical RTL and identical model sources (deps: paths relative to
   the source tree, NULL-terminated). Writes the product's path to path. Returns 0, or -1 with a
   message in err. The system model (sim/sys/) uses it. */
int hs_build_model(const hg_cfg *c, const char *cache_dir, const char *variant, const char *script,
                   const char *const *deps, const char *artifact, int quiet, char *path, size_t pathlen,
                   char *err, size_t errlen);

/* Path of the shared library hs_open would use for c (for make rules and messages). */
int hs_lib_path(const hg_cfg *c, const hs_opts *opts, char *path, size_t n);

/* Writes the run-time configuration (n_keys, exp table or exp parameters) and loads
   run->n_keys keys and values (layouts of hm_golden.h). Returns 0, or -1 with a message
   (n_keys out of range, simulation timeout). */
int hs_load(hs_sim *s, const hm_run *run, const uint8_t *k, const int8_t *v, char *err, size_t errlen);

/* Streams nq queries (hm_key_bytes each) through the core, back to back, and stores the nq
   output vectors (d values each) in out. Returns 0, or -1 with a message on timeout. */
int hs_run(hs_sim *s, int nq, const uint8_t *q, int32_t *out, char *err, size_t errlen);

/* Random stalls for tests: each cycle the host withholds q_valid with probability
   q_gap_pct/100 and o_ready with probability o_stall_pct/100 (seeded, reproducible);
   o_stall_pct 100 holds o_ready low, so the run ends by the watchdog. */
void hs_set_stalls(hs_sim *s, int q_gap_pct, int o_stall_pct, uint32_t seed);

/* The stalls of $HADGEN_SIM_STALLS, "Q,O" (percentages 0..100 as for hs_set_stalls, seed 1),
   which hs_open applies to every simulator it opens, in any tool (tests of the protocol and
   of the watchdog). Unset or empty: 0, 0. Returns 0, or -1 with the reason in err (a value
   that is not two integers in 0..100). */
int hs_env_stalls(int *q_gap_pct, int *o_stall_pct, char *err, size_t errlen);

/* Statistics since open. */
void hs_get_stats(const hs_sim *s, hs_stats *st);

/* Closes the simulator: flushes the trace and the activity captures (complete when this
   returns). s may be NULL. */
void hs_close(hs_sim *s);

#ifdef __cplusplus
}
#endif
#endif
