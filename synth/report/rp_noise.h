/*
 * rp_noise.h — the synthesis noise band of the report (hgreport --noise): each point's flow
 * runs repeated under null perturbations (SYN_SALT: abc maps a permuted copy of the same
 * logic; docs/synth.md, "Synthesis noise"), and the spread of every figure and ratio over
 * them. A difference between two reports smaller than the spread is the flow's noise.
 */
#ifndef RP_NOISE_H
#define RP_NOISE_H

#include "rp_util.h"

#include <cjson/cJSON.h>
#include <stdio.h>

#define RP_NOISE_MAX_POINTS 4
#define RP_NOISE_MAX_REPS   16 /* perturbed repeats of one point */

/* One point: sample 0 is the unperturbed run (the point's own), 1..nrep the repeats. */
typedef struct rp_noise_point {
    char name[64];
    int nrep;
    int have[RP_NCORES];
    int salt[RP_NOISE_MAX_REPS + 1]; /* 0 for sample 0 */
    rp_figs_t figs[RP_NOISE_MAX_REPS + 1][RP_NCORES];
    double area[RP_NOISE_MAX_REPS + 1][RP_NCORES][RP_MAX_BLOCKS];  /* um^2 per block */
    double power[RP_NOISE_MAX_REPS + 1][RP_NCORES][RP_MAX_BLOCKS]; /* uW per block */
} rp_noise_point;

typedef struct rp_noise {
    int npoints;
    rp_noise_point pt[RP_NOISE_MAX_POINTS];
    const char *const *blocks; /* the report's blocks (rp_noise_add's first call sets them) */
    int nblocks;
} rp_noise;

/* What makes flow run j unfit as a perturbed repeat of the point's run base (NULL: fit): no
   run to repeat, salt (its SYN_SALT) not >= 1, a gate-level check that did not pass, another
   configuration, stimulus or activity window. It only reports: the caller decides how to refuse. */
const char *rp_noise_unfit(const cJSON *j, const cJSON *base, int salt);

/* Adds one perturbed repeat of the point `name` whose unperturbed runs are base[c] (one per
   core type, NULL where absent): dirs is "RUN_DIR,RUN_DIR,...", one run per core type of the
   point, each a flow run of the same configuration on the same captures and window with one
   SYN_SALT >= 1 (summary syn_salt) that no other repeat of the point has, and a passing
   gate-level check. blocks[0..nblocks) are the report's blocks. Bad input: rp_die naming the
   file and what is wrong. */
void rp_noise_add(rp_noise *nz, const char *name, const cJSON *const *base, const char *dirs,
                  const char *const *blocks, int nblocks);

/* The spread of n + 1 samples v[0..n] (v[0] the unperturbed one): smallest, largest, and the
   largest |v[i] / v[0] - 1| over i >= 1 (NAN when v[0] is not > 0, or n is 0). Can't fail. */
typedef struct rp_spread {
    double lo, hi, dev;
} rp_spread;
rp_spread rp_noise_spread(const double *v, int n);

/* Writes the section (one table of figures and ratios and one of block deviations per point)
   into md and "noise" into root. Nothing when no repeat was read. */
void rp_noise_section(FILE *md, cJSON *root, const rp_noise *nz);

#endif
