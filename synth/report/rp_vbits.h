/*
 * rp_vbits.h — the report's value-precision comparison (hgreport --vbits, --vbits-fidelity):
 * flow runs of a point's cores built with narrower values (hadgen --v-bits B < 8) beside the
 * point's own 8-bit runs, on the same head quantized to B bits; and the fidelity of the golden
 * backends with V quantized to B bits beside 8 bits. The section gives what narrower V saves
 * (the V memory, the AV unit, the core's area and energy per query, and how the HAD/baseline
 * ratios move when both cores narrow V alike) and what it costs in fidelity.
 */
#ifndef RP_VBITS_H
#define RP_VBITS_H

#include "rp_util.h"

#include <cjson/cJSON.h>
#include <stdio.h>

#define RP_VBITS_MAX 16 /* runs over every --vbits, and files over every --vbits-fidelity */

typedef struct rp_vbits_run {
    char point[64]; /* the point whose run of the same core is the 8-bit reference */
    char dir[1024];
    int core;          /* hg_core_kind */
    int vb;            /* summary params.v_bits, 2..7 */
    cJSON *run;        /* its summary.json */
    rp_figs_t figs;    /* its figures */
    const cJSON *base; /* the point's run of the same core (set by rp_vbits_match) */
    rp_figs_t base_figs;
} rp_vbits_run;

typedef struct rp_vbits_fid {
    char file[1024];
    cJSON *j;      /* hadrun --json output */
    int vb;        /* core.v_bits */
    int v_channel; /* core.v_scale is "channel" */
    int distilled; /* model.distilled */
} rp_vbits_fid;

typedef struct rp_vbits {
    int n, nf;
    rp_vbits_run r[RP_VBITS_MAX];
    rp_vbits_fid f[RP_VBITS_MAX];
} rp_vbits;

/* Reads one --vbits NAME=RUN_DIR[,RUN_DIR...]: each RUN_DIR a flow run (reports/summary.json)
   of a core with params.v_bits below 8. Bad input: rp_die naming the option, the file and what
   is wrong. */
void rp_vbits_add(rp_vbits *s, const char *arg);

/* Reads one --vbits-fidelity FILE: hadrun --json output (any core.v_bits and core.v_scale; the
   8-bit files are the reference). At most one file per (v_bits, v_scale, model kind). */
void rp_vbits_add_fidelity(rp_vbits *s, const char *file);

/* Sets run r's reference: base, the point's summary of the same core (NULL: rp_die, the point
   has no such run). Checks that both are the same configuration (params d, lanes, top_n,
   max_keys), that the reference has 8-bit values, and that both ran the same queries
   (activity.queries; the cycles may differ by the normalizer's shorter reciprocal). */
void rp_vbits_match(rp_vbits_run *r, const cJSON *base);

/* Writes the section into md and "value_bits" into root (nothing when s has neither runs nor
   fidelity files). */
void rp_vbits_section(FILE *md, cJSON *root, const rp_vbits *s);

/* Frees the summaries and fidelity files. */
void rp_vbits_free(rp_vbits *s);

#endif
