/*
 * rp_select.h — the report's selector comparison (hgreport --selectors): flow runs of a
 * point's top-N cores built with another top-N selector (hadgen --selector), beside the
 * point's own runs (each core built with its default selector, hg_core_sel: the reference).
 * Every selector keeps the same keys, so the cores compute the same outputs on the same
 * stimulus; the section gives what the hardware costs: the select block's area and power, the
 * core's logic and memory area, power, Fmax and energy per query, and the ratios against the
 * reference.
 */
#ifndef RP_SELECT_H
#define RP_SELECT_H

#include "rp_count.h"
#include "rp_util.h"

#include <cjson/cJSON.h>
#include <stdio.h>

#define RP_SELECT_MAX 16 /* runs over every --selectors */

typedef struct rp_select_run {
    char point[64];  /* the point whose run of the same core is the reference */
    hg_sel_kind sel; /* summary params.selector */
    hg_cut_kind cut; /* summary params.sort_cut (twostage; auto when absent) */
    char label[48];  /* the selector as the table names it: "twostage", "twostage, sort cut off" */
    char dir[1024];
    int core;       /* hg_core_kind */
    cJSON *run;     /* its summary.json */
    rp_figs_t figs; /* its figures */
    cJSON *base;    /* the point's run of the same core (set by rp_select_match) */
    rp_figs_t base_figs;
    const char *base_dir; /* its run folder */
    char base_label[48];  /* its selector, as label names this run's */
    cJSON *baseline;      /* the point's baseline run, NULL when it has none */
    rp_figs_t baseline_figs;
    rp_load load; /* its K/V load run (hgreport --kv-load); RP_LOAD_NONE when none was given */
    /* set by the caller (NAN: not available), over the baseline's, nominal, low and high: energy
       per query with every correction counted, and the same at equal queries/s; base_*: the same
       for the point's run (the reference), counted alike */
    double counted[3], qps_counted[3], base_counted[3], base_qps_counted[3];
} rp_select_run;

typedef struct rp_select {
    int n;
    rp_select_run r[RP_SELECT_MAX];
} rp_select;

/* Reads one --selectors NAME=RUN_DIR[,RUN_DIR...]: each RUN_DIR a flow run (reports/
   summary.json) of a top-N core (its selector and sort cut must differ from the point's run of
   that core: rp_select_match checks). Bad input: rp_die naming the option, the file and what is
   wrong. */
void rp_select_add(rp_select *s, const char *arg);

/* Sets run i's reference: base, the point's summary of the same core (NULL: rp_die, the point
   has no such run), from folder base_dir, and the point's baseline run (NULL: none; then the
   run has no place in the choice of the best selector). Checks that base and the run are the
   same configuration (params d, lanes, top_n, max_keys) with another selector or sort cut, and
   that both ran the same stimulus over the same queries (activity.queries) and, unless one of
   the two is a counting or two-stage selector, whose later passes add latency, the same cycles
   (activity.cycles). The summaries stay owned by the caller and must outlive s. */
void rp_select_match(rp_select_run *r, cJSON *base, const char *base_dir, cJSON *baseline);

/* Sets the counted figures of every matched run of point (rp_select_match) and of its
   reference from k, the point's runs, loads and glitches: counted as the point is (rp_count), with
   the run's own load and without glitches (their factors are of the point's runs' blocks). */
void rp_select_count(rp_select *s, const char *point, const rp_count *k);

/* One selector of a point's top-N core against the point's baseline. */
typedef struct rp_select_pick {
    char label[48];             /* "merge", "counting", "twostage, sort cut off" */
    int reference;              /* 1: the point's own run (the core's default selector) */
    const char *dir;            /* its flow run */
    double fmax;                /* MHz */
    double area, e_query;       /* logic area and energy per query (the flow's) over the baseline's */
    double qps, qps_lo, qps_hi; /* energy per query over the baseline's at equal queries/s
                                   (rp_qps_ratio: nominal law and range); NAN without a common rate */
    double counted[3];          /* the run's counted and qps_counted (rp_select_run) */
    double qps_counted[3];
    double key; /* the figure the choice compares (rp_select_candidates) */
} rp_select_pick;

/* What rp_select_candidates chose by: the first figure every candidate has. */
typedef enum {
    RP_SEL_BY_QPS_COUNTED, /* energy per query at equal queries/s, every correction counted */
    RP_SEL_BY_COUNTED,     /* energy per query, every correction counted */
    RP_SEL_BY_PLAIN        /* the flows' energy per query */
} rp_select_by;

/* The selectors measured for core at point: the point's own run first, then every run of s
   of that core and point in their order (at most RP_SELECT_MAX + 1, into c). Returns their
   number, 0 when s has no run of that core and point or the point has no baseline. *best: the
   index of the best, the lowest energy per query at equal queries/s, counted, where every
   candidate has that figure, else the lowest counted energy per query, else the lowest plain
   one (*by: which); the first on a tie. */
int rp_select_candidates(const rp_select *s, const char *point, int core, rp_select_pick *c, int *best,
                         rp_select_by *by);

/* Writes the section into md and "selectors" into root, with the best measured selector of
   each top-N core of each point against the baseline ("best_selectors"; nothing when s has no
   runs). */
void rp_select_section(FILE *md, cJSON *root, const rp_select *s);

/* Frees the summaries. */
void rp_select_free(rp_select *s);

#endif
