/* sy_mem.c — see sy_mem.h. */
#include "sy_mem.h"

#include <math.h>

sy_mem_cost sy_mem_cost_of(const sy_mem_params *p, long words, long width, long write_bits, int read_ports,
                           int write_ports)
{
    sy_mem_cost c;
    double f_um = p->feature_nm * 1e-3;
    /* a memory taller than a macro is banks of macro_rows rows: an access drives one bank's bit lines */
    double rows = fmin((double)words, p->macro_rows), cols = (double)width, w = (double)write_bits;
    double abits = words > 1 ? ceil(log2((double)words)) : 1.0;
    double vdd2 = p->vdd * p->vdd;
    c.bits = (double)words * cols;
    c.banks = ceil((double)words / p->macro_rows);
    double cell = p->bitcell_f2 * f_um * f_um * (read_ports + write_ports > 1 ? p->port_factor : 1.0);
    c.area_um2 = c.bits * cell / p->array_eff;
    /* fF * V * V = fJ; /1000 -> pJ */
    c.macros = ceil(cols / p->macro_bits);
    c.bus_mm = p->bus_k * sqrt(c.area_um2 * 1e-6);
    /* C V^2 / 2 per toggle (pF * V^2 = pJ), bus_act toggles per wire per access */
    double bus_pj_per_bit = 0.5 * c.bus_mm * p->bus_pf_mm * vdd2 * p->bus_act;
    c.bus_read_pj = cols * bus_pj_per_bit;
    c.bus_write_pj = w * bus_pj_per_bit;
    double read_fj = cols * (rows * p->cbl_ff * p->vdd * p->read_swing + p->sa_fj) + cols * p->cwl_ff * vdd2 +
                     c.macros * abits * p->dec_fj;
    double write_fj =
        w * (rows * p->cbl_ff * vdd2 + p->cwl_ff * vdd2) + ceil(w / p->macro_bits) * abits * p->dec_fj;
    c.e_read_pj = read_fj * 1e-3 + c.bus_read_pj;
    c.e_write_pj = write_fj * 1e-3 + c.bus_write_pj;
    c.leak_uw = c.bits * p->leak_pa * 1e-12 * p->vdd * 1e6;
    return c;
}

void sy_mem_add_read_load(sy_mem_cost *c, const sy_mem_params *p, double pins_pf)
{
    double e = 0.5 * pins_pf * p->vdd * p->vdd * p->bus_act;
    c->pins_read_pj += e;
    c->e_read_pj += e;
}
