/*
 * rp_nk.h — the report's workload section (hgreport --nk-sweep): energy per query of every
 * core type against n_k, the keys of the stimulus, from N to L, and the HAD/baseline and
 * HAD/int8-topn ratios, with a plot. Each point is one set of flow runs (one per core type) of
 * the same configuration on a stimulus of n_k keys; the flow records n_k in its summary
 * (activity.n_keys, from the capture's hg_phase.txt). HAD over the baseline is also given counted
 * (rp_count.h: with the points' K/V loads, glitches and uncertain corrections), at the flows'
 * clock and at equal queries/s.
 */
#ifndef RP_NK_H
#define RP_NK_H

#include "rp_count.h"
#include "rp_util.h"

#include <cjson/cJSON.h>
#include <stdio.h>

#define RP_NK_MAX 32 /* points of the sweep */

typedef struct rp_nk_point {
    int n_keys;
    rp_count k; /* its runs per core type (owned), figures, K/V loads; glitches set by the caller */
    char dir[RP_NCORES][1024];
} rp_nk_point;

/* Reads one point, "RUN_DIR,RUN_DIR,..." (each holds reports/summary.json with
   activity.n_keys): at most one run per core type, all of one n_k and one configuration
   (params d, lanes, top_n, max_keys). Bad input: rp_die naming the option (opt: "nk-sweep"), the file and the value. */
void rp_nk_parse(rp_nk_point *p, const char *arg, const char *opt);

/* Sorts the points by n_k; two of one n_k, or points of different configurations, are bad
   input (rp_die). Call it before anything is written. */
void rp_nk_check(rp_nk_point *pts, int n, const char *opt);

/* Reads one --nk-kv-load "RUN_DIR,RUN_DIR,...": K/V load runs (the flow over the cycles before
   the first query) of the sweep's runs, each given to the point of its activity.n_keys and core
   type, amortized over that run's queries. Bad input (no such point or run, another
   configuration, a second load of one run, no window energy): rp_die naming opt (the option,
   "nk-kv-load") and sweep_opt (the points' option, "nk-sweep"). */
void rp_nk_load(rp_nk_point *pts, int n, const char *arg, const char *opt, const char *sweep_opt);

/* Core logic energy against the work of the points, per core type, fitted by least squares
   (each fit NAN where the core has too few points, or points that do not fix it; *_res: the
   largest |fit - measured| / measured over the fitted points):
   - a query's, its flow's energy per query, as q0 + q1 n_k (two points or more), and as
     query + key x n_k + cycle x its cycles (activity.cycles_per_query; three points or more);
   - a head's reset, configuration and K/V load, its load run's window energy (rp_nk_load), as
     l0 + l1 n_k (two load runs or more). */
typedef struct rp_nk_fit {
    double q0[RP_NCORES], q1[RP_NCORES], q_res[RP_NCORES];
    double query[RP_NCORES], key[RP_NCORES], cycle[RP_NCORES], res[RP_NCORES];
    double l0[RP_NCORES], l1[RP_NCORES], l_res[RP_NCORES];
    int nk_lo, nk_hi;            /* the points' range of n_k (0: no points) */
    const cJSON *run[RP_NCORES]; /* per core, a run of the points (params), NULL where absent; owned by
                                    the points, valid until they are freed */
} rp_nk_fit;

/* The fits of the checked points (rp_nk_check), their loads read (rp_nk_load): of the flows'
   energies as generated (gated 0), or of their clock-gating estimates (gated 1: each run's
   clock_gating.per_query_nj and its load run's window_nj, docs/synth.md "Clock gating"; a core
   of which one run or load run lacks the estimate gets no fit of it, rather than one of fewer
   points). */
void rp_nk_fit_energy(const rp_nk_point *pts, int n, int gated, rp_nk_fit *f);

/* Writes the section of the checked points (rp_nk_check) into md (and report.json's
   "nk_sweep", nk_sweep.csv, nk_sweep.dat, nk_sweep.gp and its plots in dir). stimulus
   describes the data. Returns 0, or 1 if gnuplot failed (the rest is written). Frees the
   points' runs. */
int rp_nk_section(FILE *md, const char *dir, cJSON *root, rp_nk_point *pts, int n, const char *stimulus);

#endif
