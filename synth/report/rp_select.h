/*
 * rp_select.h — the report's selector comparison (hgreport --selectors): flow runs of a
 * point's top-N cores built with another top-N selector (hadgen --selector), beside the
 * point's own runs (the default merge selector). Every selector keeps the same keys, so the
 * cores compute the same outputs on the same stimulus; the section gives what the hardware
 * costs: the select block's area and power, the core's logic and memory area, power, Fmax and
 * energy per query, and the ratios against merge.
 */
#ifndef RP_SELECT_H
#define RP_SELECT_H

#include "rp_util.h"

#include <cjson/cJSON.h>
#include <stdio.h>

#define RP_SELECT_MAX 16 /* runs over every --selectors */

typedef struct rp_select_run {
    char point[64];  /* the point whose run of the same core is the merge reference */
    hg_sel_kind sel; /* summary params.selector */
    hg_cut_kind cut; /* summary params.sort_cut (twostage; auto when absent) */
    char label[48];  /* the selector as the table names it: "twostage", "twostage, sort cut off" */
    char dir[1024];
    int core;          /* hg_core_kind */
    cJSON *run;        /* its summary.json */
    rp_figs_t figs;    /* its figures */
    const cJSON *base; /* the point's run of the same core (set by rp_select_match) */
    rp_figs_t base_figs;
} rp_select_run;

typedef struct rp_select {
    int n;
    rp_select_run r[RP_SELECT_MAX];
} rp_select;

/* Reads one --selectors NAME=RUN_DIR[,RUN_DIR...]: each RUN_DIR a flow run (reports/
   summary.json) of a top-N core with a selector other than merge. Bad input: rp_die naming the
   option, the file and what is wrong. */
void rp_select_add(rp_select *s, const char *arg);

/* Sets run i's reference: base, the point's summary of the same core (NULL: rp_die, the point
   has no such run). Checks that both are the same configuration (params d, lanes, top_n,
   max_keys), that the reference's selector is merge, and that both ran the same stimulus over
   the same queries (activity.queries) and, but for the counting selector, whose second pass
   adds latency, the same cycles (activity.cycles). */
void rp_select_match(rp_select_run *r, const cJSON *base);

/* Writes the section into md and "selectors" into root (nothing when s has no runs). */
void rp_select_section(FILE *md, cJSON *root, const rp_select *s);

/* Frees the summaries. */
void rp_select_free(rp_select *s);

#endif
