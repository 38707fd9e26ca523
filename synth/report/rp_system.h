/*
 * rp_system.h — the report's system section (hgreport): a MiniLM layer through the system
 * model with each core type (the sys-<core> backends of hadrun's fidelity runs), and a sweep of
 * context lengths (hgsys --json files): time and energy per query, DRAM included, the bound,
 * and the contexts where each core is memory-bound. docs/system.md describes the model.
 */
#ifndef RP_SYSTEM_H
#define RP_SYSTEM_H

#include "rp_nk.h"
#include "rp_util.h"

#include <cjson/cJSON.h>
#include <stdio.h>

/* Core logic energy of the flow at one point, per core type (NAN where absent): energy per
   query (nJ) at cycles_per_query cycles (the point's II), and its K/V load run's energy (nJ)
   over its cycles (reset, configuration and the load of one head). The sweep costs each run's
   configuration and load cycles at the load's energy per cycle and its other busy cycles at
   the queries'. */
typedef struct rp_core_energy {
    double nj[RP_NCORES], cycles[RP_NCORES];
    double load_nj[RP_NCORES], load_cycles[RP_NCORES];
    double load_keys[RP_NCORES]; /* keys the load run loads (the point run's activity.n_keys) */
    int lw;                      /* keys a load beat of the point's cores (params.load_width; absent: 1) */
    char point[64];
} rp_core_energy;

/* How the section costs core logic, once of the flows as generated (RP_SYS_PLAIN) and once of
   their clock-gating estimates (RP_SYS_GATED, docs/synth.md "Clock gating"; a figure without
   one is '-'): layer, the workload sweep's fit (rp_nk_fit_energy; NULL or a fit of another
   configuration: '-'), which costs the MiniLM layer; sys[2], the fits of flows of the system
   sweep's own cores (rp_nk_fit_energy of --system-nk, and of --system-wide-nk for the wider
   load port; NULL: none): each fit's query plane costs its port's queries and its load line its
   port's loads; a core without them: the one-key fit's query plane, else ce's energy per query
   over its cycles per query, and the load fits of ce and ce_wide. ce: the core energy of the
   runs of one key a load beat (NULL: none), ce_wide (NULL: none) of the runs of a wider load
   port, each from a point of cores of that load width. */
enum { RP_SYS_PLAIN, RP_SYS_GATED, RP_SYS_NCOST };
typedef struct rp_sys_cost {
    const rp_nk_fit *layer, *sys;
    const rp_core_energy *ce, *ce_wide;
} rp_sys_cost;

/* Writes the section into md (and report.json's "system" object, system.csv, system_*.dat,
   system.gp and its plots in dir). fid: hadrun --json runs whose sys-<core> backends give the
   MiniLM layer (nfid may be 0), its core logic costed by cost[].layer. sweep: hgsys --json runs
   (nsweep may be 0), costed by cost[].sys, .ce and .ce_wide. Returns 0, or 1 if gnuplot failed
   (the rest is written). Bad input: rp_die. */
int rp_system_section(FILE *md, const char *dir, cJSON *root, const cJSON *const *fid, int nfid,
                      const rp_sys_cost cost[RP_SYS_NCOST], const cJSON *const *sweep, int nsweep);

#endif
