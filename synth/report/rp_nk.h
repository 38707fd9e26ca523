/*
 * rp_nk.h — the report's workload section (hgreport --nk-sweep): energy per query of every
 * core type against n_k, the keys of the stimulus, from N to L, and the HAD/baseline and
 * HAD/int8-topn ratios, with a plot. Each point is one set of flow runs (one per core type) of
 * the same configuration on a stimulus of n_k keys; the flow records n_k in its summary
 * (activity.n_keys, from the capture's hg_phase.txt).
 */
#ifndef RP_NK_H
#define RP_NK_H

#include "rp_util.h"

#include <cjson/cJSON.h>
#include <stdio.h>

#define RP_NK_MAX 32 /* points of the sweep */

typedef struct rp_nk_point {
    int n_keys;
    cJSON *run[RP_NCORES]; /* summary.json per core type, NULL where absent */
    rp_figs_t figs[RP_NCORES];
    char dir[RP_NCORES][1024];
} rp_nk_point;

/* Reads one point, "RUN_DIR,RUN_DIR,..." (each holds reports/summary.json with
   activity.n_keys): at most one run per core type, all of one n_k and one configuration
   (params d, lanes, top_n, max_keys). Bad input: rp_die naming the file and the value. */
void rp_nk_parse(rp_nk_point *p, const char *arg);

/* Sorts the points by n_k; two of one n_k, or points of different configurations, are bad
   input (rp_die). Call it before anything is written. */
void rp_nk_check(rp_nk_point *pts, int n);

/* Writes the section of the checked points (rp_nk_check) into md (and report.json's
   "nk_sweep", nk_sweep.csv, nk_sweep.dat, nk_sweep.gp and its plots in dir). stimulus
   describes the data. Returns 0, or 1 if gnuplot failed (the rest is written). Frees the
   points' runs. */
int rp_nk_section(FILE *md, const char *dir, cJSON *root, rp_nk_point *pts, int n, const char *stimulus);

#endif
