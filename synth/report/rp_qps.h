/*
 * rp_qps.h — energy per query at a common queries/s (hgreport): each core and the baseline run
 * at the throughput of the slower of the two (its queries/s at Fmax), and the one with slack
 * lowers its logic supply until its Fmax just meets that throughput. The supply follows the alpha-power
 * law, Fmax ~ (V - Vt)^alpha / V, over a stated range of Vt and alpha; logic dynamic energy
 * scales with V^2, memories stay at the nominal supply, leakage is charged over the longer
 * query time at its nominal value (docs/synth.md, "Equal queries per second").
 */
#ifndef RP_QPS_H
#define RP_QPS_H

#include "rp_util.h"

#include <cjson/cJSON.h>
#include <stdio.h>

/* One (Vt, alpha) of the alpha-power law. */
typedef struct rp_vlaw {
    double vt, alpha;
} rp_vlaw;

/* The supply at which a core with Fmax fmax at v0 runs at f (0 < f): the V in (vt, v0] with
   (V - vt)^alpha / V = (f / fmax) (v0 - vt)^alpha / v0, found to 1e-9 V; v0 when f >= fmax.
   Needs 0 < vt < v0 and alpha >= 1. Can't fail. */
double rp_supply_for(double f, double fmax, double v0, rp_vlaw law);

/* The nominal supply of a Liberty file (its nom_voltage); NAN if absent or unreadable. */
double rp_liberty_vdd(const char *path);

/* Energy per query of core c over the baseline's at their common rate, nominal law; *lo and
   *hi over the law's range. NAN (and NAN range) when the two have no common rate. */
double rp_qps_ratio(cJSON *const *runs, const rp_figs_t *figs, int c, double *lo, double *hi);

/* Energy a query takes beside its flow run's own figures (the K/V load amortized, a correction
   of docs/synth.md): logic dynamic energy, which scales with the logic supply squared, and energy
   at a fixed supply (memories and their buses; the load's leakage, as measured). */
typedef struct rp_qps_add {
    double logic_nj, fixed_nj;
} rp_qps_add;

#define RP_QPS_LAWS 5 /* law 0: the nominal (Vt, alpha); 1..4: the corners of the printed range */

/* The common rate of core c and the baseline: the slower one's queries/s at its Fmax, and their
   nominal supply. */
typedef struct rp_qps_rate {
    double q, v0;
} rp_qps_rate;

/* Fills *r; 0 when the two have no common rate (a figure missing, no supply in the liberty, or
   two supplies), 1 else. */
int rp_qps_common_rate(cJSON *const *runs, const rp_figs_t *figs, int c, rp_qps_rate *r);

/* rp_qps_ratio at the common rate r under one law (0..RP_QPS_LAWS-1), with add[0] added to core
   c's energy per query and add[1] to the baseline's (add NULL: nothing added). */
double rp_qps_ratio_at(cJSON *const *runs, const rp_figs_t *figs, int c, const rp_qps_rate *r,
                       const rp_qps_add *add, int law);

/* Writes the point's subsection into md and "equal_qps" into jp (one object per core other
   than the baseline): runs[c] / figs[c] per core type (runs[c] NULL where absent); counted[c]
   (NULL: none), the ratio with every correction the caller counts, nominal, low and high (NAN:
   not available), printed beside the plain one. Nothing for a core without a common rate. */
void rp_qps_section(FILE *md, cJSON *jp, cJSON *const *runs, const rp_figs_t *figs,
                    const double (*counted)[3]);

#endif
