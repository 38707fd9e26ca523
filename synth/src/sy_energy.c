/* sy_energy.c — see sy_energy.h. */
#include "sy_energy.h"

sy_mem_power sy_mem_power_of(const sy_mem_cost *c, double reads, double writes, double cycles,
                             double period_ns, int instances)
{
    double t = period_ns * 1e-9;
    sy_mem_power p;
    p.dyn_w = (reads * c->e_read_pj + writes * c->e_write_pj) * 1e-12 / (cycles * t);
    p.leak_w = c->leak_uw * 1e-6 * instances;
    return p;
}

double sy_cycles_per_query(long cycles, double queries, int by_window, double ii)
{
    return by_window && queries > 0 ? (double)cycles / queries : ii;
}

sy_energy sy_energy_of(const sy_energy_in *in)
{
    /* (the order of the operations is the one the published figures were computed in) */
    double t = in->period_ns * 1e-9;
    double total = in->logic_w + in->mem_w;
    sy_energy e;
    e.logic_j = in->logic_w * in->cycles_per_query * t;
    e.mem_j = in->mem_w * in->cycles_per_query * t;
    e.per_query_j = e.logic_j + e.mem_j;
    e.node_scale = (in->node_nm / 180.0) / in->node_cell_k * (in->node_vdd / 1.8) * (in->node_vdd / 1.8);
    double dyn_per_cycle = (total - in->logic_leak_w - in->mem_leak_w) * t;
    e.power_at_fmax_w =
        in->fmax_mhz > 0 ? dyn_per_cycle * in->fmax_mhz * 1e6 + in->logic_leak_w + in->mem_leak_w : 0;
    e.per_query_at_fmax_j =
        in->fmax_mhz > 0 ? (dyn_per_cycle + (in->logic_leak_w + in->mem_leak_w) / (in->fmax_mhz * 1e6)) *
                               in->cycles_per_query
                         : 0;
    return e;
}

sy_cells_power sy_cells_power_of(const sy_cell_act *c, int n, double cycles)
{
    sy_cells_power r = {0, 0, 0, 0};
    double act = 0;
    int counted = 0;
    for (int i = 0; i < n; i++) {
        if (c[i].nout == 0) continue;
        double a = c[i].toggles / c[i].nout / cycles;
        r.power_w += c[i].p0_w + a * (c[i].p1_w - c[i].p0_w);
        r.leak_w += c[i].leak_w;
        r.p0dyn_w += c[i].p0_w - c[i].leak_w;
        act += a;
        counted++;
    }
    r.act_mean = counted ? act / counted : 0;
    return r;
}

double sy_switch_power_w(double pf_toggles, double vdd, double cycles, double period_ns)
{
    /* pF V^2 = pJ; the order of the operations is the one the published figures used */
    double w_per_pf = 0.5 * vdd * vdd * 1e-12 / (cycles * period_ns * 1e-9);
    return pf_toggles * w_per_pf;
}
