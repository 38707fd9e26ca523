/*
 * rp_count.h — a core's counted energy per query against the baseline (docs/synth.md, "The
 * comparison report"): its flow's energy per query plus the K/V load amortized over the queries
 * that reuse it and the glitches where their factors are measured, with the uncertain
 * corrections (the clock network at half / twice its wire, the memory buses and the
 * module-boundary wires half / twice as long, zero-delay activity against glitches, the
 * registers' clocks gated by the estimate of docs/synth.md or not gated) at their
 * low and high ends, the same end for both cores; at the flows' clock and at equal queries/s
 * (rp_qps.h), where each addition's logic share follows the lowered logic supply.
 */
#ifndef RP_COUNT_H
#define RP_COUNT_H

#include "rp_glitch.h"
#include "rp_util.h"

#include <cjson/cJSON.h>

/* One head's K/V load, from a load run (the flow over the cycles before the first query): its
   window energy, the logic dynamic share of it (NAN: unknown), its cycles, and its window energy
   with the clock-gating estimate (NAN: the summary has none); nj NAN: none. */
typedef struct rp_load {
    double nj, dyn_nj, cycles, cg_nj;
} rp_load;
#define RP_LOAD_NONE ((rp_load){NAN, NAN, NAN, NAN})

typedef struct rp_count {
    cJSON *run[RP_NCORES];     /* summary.json per core type, NULL where absent (not owned) */
    rp_figs_t figs[RP_NCORES]; /* its figures */
    rp_load load[RP_NCORES];   /* per core its K/V load (RP_LOAD_NONE where not given) */
    double reuse[RP_NCORES];   /* the queries that reuse it (the stimulus's); NAN where not given */
    const rp_glitch *glitch;   /* per-block glitch factors; NULL: glitches not counted */
    const char *const *blocks; /* the blocks the factors apply to */
    int nblocks;
} rp_count;

/* The uncertain corrections, bit k of a mask and a corner being RP_COUNT_CORR[k]. */
#define RP_COUNT_NCORR  5
#define RP_COUNT_GATING 4 /* the index of clock gating (docs/synth.md, "Clock gating") */
typedef struct rp_count_corr {
    const char *id, *what;
    int fixed; /* 1: energy at the memories' supply, which equal queries/s does not lower */
} rp_count_corr;
extern const rp_count_corr RP_COUNT_CORR[RP_COUNT_NCORR];

/* No runs, no loads, no glitches. */
void rp_count_init(rp_count *k);

/* A K/V load run's figures: its window energy (energy.window_nj), the window (activity.cycles),
   its logic dynamic share (logic power less leakage over the window; NAN when the summary lacks
   totals.logic_power_uw, totals.logic_leakage_uw or clock_period_ns), its window energy with the
   clock-gating estimate (clock_gating.window_nj when measured, else NAN). Returns -1 when the
   window energy is not >= 0 or the cycles not > 0. */
int rp_count_load_of(const cJSON *run, rp_load *l);

/* A figure of a summary's clock-gating estimate (clock_gating.<key>: per_query_nj, window_nj,
   ...); NAN when run is NULL or its summary has no measured estimate. */
double rp_count_gated(const cJSON *run, const char *key);

/* The K/V load amortized over the queries that reuse it (nJ per query); 0 when not given. */
double rp_count_load_per_query(const rp_count *k, int c);

/* The energy glitches add to a query of core c (nJ): each block's power x (its factor - 1), as
   a share of the core's power, of its energy per query; 0 without factors. */
double rp_count_glitch_nj(const rp_count *k, int c);

/* Correction corr's change of core c's energy per query at its low (hi 0) or high end (nJ);
   NAN when c's summary does not carry it. */
double rp_count_delta(const rp_count *k, int corr, int c, int hi);

/* The corrections the baseline's summary carries (bit k: RP_COUNT_CORR[k]). */
unsigned rp_count_corrections(const rp_count *k);

/* Core c's counted energy per query with correction k at the end of bit k of corner, for every
   k in mask (nJ); NAN when one of them is missing. */
double rp_count_energy(const rp_count *k, int c, unsigned mask, unsigned corner);

/* Lowest and highest ratio core c / baseline over the corners of the corrections in mask; NAN
   when a correction is missing, or when one of the two has a K/V load and the other none (the
   ratios below likewise: a load is counted for both cores or for neither). */
void rp_count_range(const rp_count *k, int c, unsigned mask, double *lo, double *hi);

/* Core c's counted energy per query over the baseline's, and (*lo, *hi) over every uncertain
   correction the baseline carries. */
double rp_count_ratio(const rp_count *k, int c, double *lo, double *hi);

/* The same at equal queries/s: the nominal law at the corrections' nominal values; *lo and *hi
   over every law of the range and every corner of the corrections. NAN (and NAN range) without
   a common rate or where a load run lacks its logic share; NAN range where a correction is
   missing. */
double rp_count_qps(const rp_count *k, int c, double *lo, double *hi);

#endif
