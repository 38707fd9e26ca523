/* sy_clock.c — see sy_clock.h. */
#include "sy_clock.h"

#include <math.h>

/* Buffers of a tree whose leaves load it with c_load. Each level has at most half the
   buffers of the one below (buf_load_pf >= 2 buf_in_pf, sy_clock.h), so the loop ends. */
static double buffers_for(const sy_clock_params *p, double c_load)
{
    double n = 0, level = ceil(c_load / p->buf_load_pf);
    while (level > 1) {
        n += level;
        level = ceil(level * p->buf_in_pf / p->buf_load_pf);
    }
    return n + 1; /* the root */
}

static double energy(const sy_clock_params *p, double c_load, double nbuf)
{
    return p->vdd * p->vdd * (c_load + nbuf * p->buf_in_pf) + nbuf * p->buf_pj;
}

sy_clock_tree sy_clock_of(const sy_clock_params *p, double flops, double pins_pf, double area_um2)
{
    sy_clock_tree t = {.flops = flops, .pins_pf = pins_pf, .area_mm2 = area_um2 * 1e-6};
    if (!(flops > 0)) return t;
    t.wire_mm = p->wire_k * sqrt(flops * t.area_mm2);
    t.wire_pf = t.wire_mm * p->wire_pf_mm;
    double c_load = pins_pf + t.wire_pf;
    t.buffers = buffers_for(p, c_load);
    t.buffers_pf = t.buffers * p->buf_in_pf;
    t.buffer_area_um2 = t.buffers * p->buf_area_um2;
    t.e_cycle_pj = energy(p, c_load, t.buffers);
    double lo = pins_pf + 0.5 * t.wire_pf, hi = pins_pf + 2 * t.wire_pf;
    t.e_cycle_low_pj = energy(p, lo, buffers_for(p, lo));
    t.e_cycle_high_pj = energy(p, hi, buffers_for(p, hi));
    return t;
}
