/* sy_energy.h — the arithmetic of `hgsynth summary` that turns power into energy per query:
 * cell power from simulated toggles, memory power from access counts, energy per query at the flow's clock and at Fmax, and the
 * node normalisation (docs/synth.md, "Throughput and energy per query"). Pure functions of
 * their arguments, unit-tested without a flow run (tests/test_synth_energy.cc).
 */
#ifndef SY_ENERGY_H
#define SY_ENERGY_H

#include "sy_mem.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One cell of a netlist for the activity-based power (docs/synth.md, "Power"): OpenSTA's
   power at global activity 0 and 1 (p0_w, p1_w) and its leakage, the number of its outputs
   with simulated toggles (0: a black box or memory, left out) and their toggles in all. */
typedef struct {
    double p0_w, p1_w, leak_w;
    int nout;
    double toggles;
} sy_cell_act;

typedef struct {
    double power_w;  /* sum of P0 + a (P1 - P0), a = toggles / nout / cycles */
    double leak_w;   /* sum of the leakages */
    double p0dyn_w;  /* sum of P0 - leakage (the clock pins' part at activity 0) */
    double act_mean; /* mean of a over the cells counted (0 when none) */
} sy_cells_power;

/* Power of one instance's cells over `cycles` simulated cycles (> 0), cells with nout == 0
   left out. */
sy_cells_power sy_cells_power_of(const sy_cell_act *c, int n, double cycles);

/* Power of nets switched `pf_toggles` times their capacitance (sum of pF x toggles) over
   `cycles` cycles of period_ns at vdd: C V^2 / 2 per toggle. Watts. */
double sy_switch_power_w(double pf_toggles, double vdd, double cycles, double period_ns);

/* Power of one memory module (all its instances) over an activity window of `cycles` cycles
   of period_ns: dynamic = (reads E_read + writes E_write) / (cycles T), leakage = instances x
   the cost's leakage. Watts. cycles must be > 0. */
typedef struct {
    double dyn_w, leak_w;
} sy_mem_power;
sy_mem_power sy_mem_power_of(const sy_mem_cost *c, double reads, double writes, double cycles,
                             double period_ns, int instances);

/* Cycles per query: the activity window's cycles over the queries in it (by_window, queries
   > 0), else the generator's initiation interval ii. */
double sy_cycles_per_query(long cycles, double queries, int by_window, double ii);

typedef struct {
    double logic_w, logic_leak_w; /* logic power at the flow clock, and its leakage part */
    double mem_w, mem_leak_w;     /* memories, likewise */
    double period_ns;             /* the flow clock */
    double fmax_mhz;              /* 0: unknown */
    double cycles_per_query;
    double node_nm, node_vdd; /* target of the node normalisation */
    double node_cell_k;       /* osu018's cell capacitance over a foundry library's (>= 1) */
} sy_energy_in;

typedef struct {
    double logic_j, mem_j, per_query_j; /* energy per query at the flow clock */
    double node_scale;                  /* (node / 180 nm) / node_cell_k (Vdd / 1.8 V)^2 */
    double power_at_fmax_w;             /* dynamic scaled to Fmax, plus leakage (0: no Fmax) */
    double per_query_at_fmax_j;         /* dynamic energy, plus leakage over the shorter time */
} sy_energy;

/* Dynamic energy per cycle does not depend on the clock; leakage energy per query does
   (leakage x cycles / f). */
sy_energy sy_energy_of(const sy_energy_in *in);

#ifdef __cplusplus
}
#endif

#endif
