/*
 * rp_count.c — counted energy per query against the baseline (rp_count.h).
 */
#include "rp_count.h"

#include "rp_qps.h"

#include <math.h>
#include <stdio.h>

#define BASE HG_CORE_BASELINE

void rp_count_init(rp_count *k)
{
    *k = (rp_count){0};
    for (int c = 0; c < RP_NCORES; c++) {
        k->load[c] = RP_LOAD_NONE;
        k->reuse[c] = NAN;
    }
}

double rp_count_gated(const cJSON *run, const char *key)
{
    const cJSON *g = run ? cJSON_GetObjectItemCaseSensitive(run, "clock_gating") : NULL;
    char path[64];
    snprintf(path, sizeof path, "clock_gating.%s", key);
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(g, "measured")) ? rp_num(run, path) : NAN;
}

int rp_count_load_of(const cJSON *run, rp_load *l)
{
    double nj = rp_num(run, "energy.window_nj"), cyc = rp_num(run, "activity.cycles");
    double lp = rp_num(run, "totals.logic_power_uw"), lk = rp_num(run, "totals.logic_leakage_uw"),
           t = rp_num(run, "clock_period_ns");
    if (!(nj >= 0) || !(cyc > 0) || !isfinite(nj) || !isfinite(cyc)) return -1;
    *l = (rp_load){nj,
                   isfinite(lp) && isfinite(lk) && t > 0 ? (lp - lk) * 1e-6 * cyc * t : NAN, /* W x ns = nJ */
                   cyc, rp_count_gated(run, "window_nj")};
    return 0;
}

double rp_count_load_per_query(const rp_count *k, int c)
{
    return isfinite(k->load[c].nj) && k->reuse[c] > 0 ? k->load[c].nj / k->reuse[c] : 0;
}

/* 1 when one of core c and the baseline has a K/V load and the other none */
static int loads_differ(const rp_count *k, int c)
{
    return isfinite(k->load[c].nj) != isfinite(k->load[BASE].nj);
}

double rp_count_glitch_nj(const rp_count *k, int c)
{
    double tot = rp_num(k->run[c], "totals.power_uw"), add = 0;
    if (!k->glitch || !k->glitch->have[c] || !(tot > 0)) return 0;
    for (int b = 0; b < k->nblocks; b++)
        add += (rp_glitch_factor(k->glitch, c, k->blocks[b]) - 1) *
               rp_block(k->run[c], k->blocks[b], "power_uw");
    return k->figs[c].e_query * add / tot;
}

/* The clock network at half / twice its wire: energy scales with power at fixed cycles. */
static double d_clock(const rp_count *k, int c, int hi)
{
    const rp_figs_t *f = &k->figs[c];
    double ck = rp_num(k->run[c], "clock_network.power_uw");
    double alt = rp_num(k->run[c], hi ? "clock_network.power_high_uw" : "clock_network.power_low_uw");
    double pw = f->power_logic + f->power_mem; /* mW */
    if (!isfinite(ck) || !isfinite(alt) || !(pw > 0)) return NAN;
    return f->e_query * (alt - ck) * 1e-3 / pw;
}

/* A wire energy per query of the summary at half / twice its length. */
static double d_wire(const rp_count *k, int c, int hi, const char *key)
{
    double w = rp_num(k->run[c], key);
    return isfinite(w) ? (hi ? w : -0.5 * w) : NAN;
}

/* Clock gating: the low end is the summary's estimate (clock_gating.per_query_nj, docs/synth.md)
   and, with a K/V load, its load run's (clock_gating.window_nj) amortized likewise; the high end
   the core as generated, without gates. NAN when the run or its load run has no estimate. */
static double d_gating(const rp_count *k, int c, int hi)
{
    double g = rp_count_gated(k->run[c], "per_query_nj"), e = rp_num(k->run[c], "energy.per_query_nj");
    if (!isfinite(g) || !isfinite(e)) return NAN;
    double load = 0;
    if (rp_count_load_per_query(k, c) > 0) {
        if (!isfinite(k->load[c].cg_nj)) return NAN;
        load = (k->load[c].cg_nj - k->load[c].nj) / k->reuse[c];
    }
    return hi ? 0 : g - e + load;
}

const rp_count_corr RP_COUNT_CORR[RP_COUNT_NCORR] = {
    {"clock", "clock network with half / twice its wire", 0},
    {"memory_bus", "memory data buses half / twice as long", 1},
    {"boundary_wire", "module-boundary wires half / twice as long", 0},
    {"glitch", "zero-delay activity / glitches counted", 0},
    {"clock_gating", "registers' clocks gated (estimate) / not gated", 0},
};

double rp_count_delta(const rp_count *k, int corr, int c, int hi)
{
    switch (corr) {
    case 0: return d_clock(k, c, hi);
    case 1: return d_wire(k, c, hi, "energy.per_query_memory_bus_nj");    /* MEM_BUS_K */
    case 2: return d_wire(k, c, hi, "energy.per_query_boundary_wire_nj"); /* BND_WIRE_K */
    case 3: /* glitches (counted when measured): the low end is zero-delay activity */
        if (!k->glitch || !k->glitch->have[BASE]) return NAN;
        return hi ? 0 : -rp_count_glitch_nj(k, c);
    case RP_COUNT_GATING: return d_gating(k, c, hi);
    default: return NAN;
    }
}

unsigned rp_count_corrections(const rp_count *k)
{
    unsigned all = 0;
    for (int i = 0; i < RP_COUNT_NCORR; i++)
        if (isfinite(rp_count_delta(k, i, BASE, 0))) all |= 1u << i;
    return all;
}

double rp_count_energy(const rp_count *k, int c, unsigned mask, unsigned corner)
{
    double e = k->figs[c].e_query + rp_count_load_per_query(k, c) + rp_count_glitch_nj(k, c);
    for (int i = 0; i < RP_COUNT_NCORR; i++)
        if (mask >> i & 1) e += rp_count_delta(k, i, c, (int)(corner >> i & 1));
    return e;
}

void rp_count_range(const rp_count *k, int c, unsigned mask, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (unsigned x = 0; x < 1u << RP_COUNT_NCORR; x++) {
        if (x & ~mask) continue;
        double r = loads_differ(k, c)
                       ? NAN
                       : rp_ratio(rp_count_energy(k, c, mask, x), rp_count_energy(k, BASE, mask, x));
        if (isnan(r)) {
            *lo = *hi = NAN;
            return;
        }
        *lo = fmin(*lo, r);
        *hi = fmax(*hi, r);
    }
}

double rp_count_ratio(const rp_count *k, int c, double *lo, double *hi)
{
    rp_count_range(k, c, rp_count_corrections(k), lo, hi);
    return loads_differ(k, c) ? NAN : rp_ratio(rp_count_energy(k, c, 0, 0), rp_count_energy(k, BASE, 0, 0));
}

/* What core c's counted energy per query (rp_count_energy at the same corner) adds to its run's
   own figures, split for a lower logic supply: the K/V load's logic dynamic energy, glitches and
   the logic corrections scale with it; the load's memory and leakage energy and the memory
   buses do not. */
static rp_qps_add qps_add(const rp_count *k, int c, unsigned mask, unsigned corner)
{
    rp_qps_add a = {rp_count_glitch_nj(k, c), 0};
    double load = rp_count_load_per_query(k, c);
    if (load > 0) {
        double dyn = k->load[c].dyn_nj / k->reuse[c];
        a.logic_nj += dyn;
        a.fixed_nj += load - dyn;
    }
    for (int i = 0; i < RP_COUNT_NCORR; i++)
        if (mask >> i & 1)
            *(RP_COUNT_CORR[i].fixed ? &a.fixed_nj : &a.logic_nj) +=
                rp_count_delta(k, i, c, (int)(corner >> i & 1));
    return a;
}

double rp_count_qps(const rp_count *k, int c, double *lo, double *hi)
{
    *lo = *hi = NAN;
    const int pair[2] = {c, BASE};
    for (int i = 0; i < 2; i++)
        if (rp_count_load_per_query(k, pair[i]) > 0 && !isfinite(k->load[pair[i]].dyn_nj)) return NAN;
    rp_qps_rate rate;
    if (loads_differ(k, c) || !rp_qps_common_rate(k->run, k->figs, c, &rate)) return NAN;
    rp_qps_add a[2] = {qps_add(k, c, 0, 0), qps_add(k, BASE, 0, 0)};
    double r = rp_qps_ratio_at(k->run, k->figs, c, &rate, a, 0);
    unsigned all = rp_count_corrections(k);
    double l = INFINITY, h = -INFINITY;
    for (unsigned x = 0; x < 1u << RP_COUNT_NCORR; x++) {
        if (x & ~all) continue;
        rp_qps_add y[2] = {qps_add(k, c, all, x), qps_add(k, BASE, all, x)};
        for (int law = 0; law < RP_QPS_LAWS; law++) {
            double v = rp_qps_ratio_at(k->run, k->figs, c, &rate, y, law);
            if (isnan(v)) return r;
            l = fmin(l, v);
            h = fmax(h, v);
        }
    }
    *lo = l;
    *hi = h;
    return r;
}
