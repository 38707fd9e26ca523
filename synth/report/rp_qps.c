/*
 * rp_qps.c — energy per query at a common queries/s (rp_qps.h).
 */
#include "rp_qps.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BASE HG_CORE_BASELINE

/* The alpha-power law's parameters for the osu018 (180 nm) cells: the nominal pair and the
   corners of the range the report prints (docs/synth.md, "Equal queries per second"). */
static const rp_vlaw LAW_NOMINAL = {0.45, 1.4};
static const rp_vlaw LAW_RANGE[4] = {{0.35, 1.2}, {0.35, 2.0}, {0.55, 1.2}, {0.55, 2.0}};

static double speed(double v, rp_vlaw law) { return pow(v - law.vt, law.alpha) / v; }

double rp_supply_for(double f, double fmax, double v0, rp_vlaw law)
{
    if (!(f < fmax)) return v0;
    double want = f / fmax * speed(v0, law), lo = law.vt, hi = v0;
    while (hi - lo > 1e-9) { /* speed rises with V above Vt (alpha >= 1) */
        double mid = 0.5 * (lo + hi);
        if (speed(mid, law) < want)
            lo = mid;
        else
            hi = mid;
    }
    return hi;
}

double rp_liberty_vdd(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return NAN;
    char line[1024];
    double v = NAN;
    for (int n = 0; n < 200 && fgets(line, sizeof line, f); n++) { /* it is in the header */
        const char *k = strstr(line, "nom_voltage");
        if (k && sscanf(k, "nom_voltage : %lf", &v) == 1) break;
    }
    fclose(f);
    return v > 0 && isfinite(v) ? v : NAN;
}

typedef struct {
    double f_mhz, vdd, nj; /* clock and supply for the common rate, energy per query there */
} at_rate;

/* Core c of a point at q queries/s under law, with add beside its run's figures: logic dynamic
   energy at the supply that just meets q, memories as measured, logic leakage over 1/q. */
static at_rate core_at(const cJSON *r, const rp_figs_t *f, double q, double v0, rp_vlaw law,
                       const rp_qps_add *add)
{
    double t_ns = rp_num(r, "clock_period_ns"), cyc = rp_num(r, "activity.cycles_per_query");
    double leak_w = rp_num(r, "totals.logic_leakage_uw") * 1e-6;
    double dyn_nj = rp_num(r, "energy.per_query_logic_nj") - leak_w * cyc * t_ns + add->logic_nj;
    at_rate a = {.f_mhz = q * f->ii * 1e-6};
    a.vdd = rp_supply_for(a.f_mhz, f->fmax, v0, law);
    a.nj = dyn_nj * (a.vdd / v0) * (a.vdd / v0) + rp_num(r, "energy.per_query_memory_nj") + add->fixed_nj +
           leak_w / q * 1e9;
    return a;
}

int rp_qps_common_rate(cJSON *const *runs, const rp_figs_t *figs, int c, rp_qps_rate *r)
{
    double q = INFINITY, v0 = NAN;
    const int pair[2] = {c, BASE};
    for (int k = 0; k < 2; k++) {
        int i = pair[k];
        if (!runs[i] || !(figs[i].qps > 0) || !(figs[i].fmax > 0) ||
            !isfinite(rp_num(runs[i], "energy.per_query_logic_nj")) ||
            !isfinite(rp_num(runs[i], "activity.cycles_per_query")))
            return 0;
        q = fmin(q, figs[i].qps);
        double v = rp_liberty_vdd(rp_str(runs[i], "liberty"));
        if (isnan(v) || (!isnan(v0) && v != v0)) return 0;
        v0 = v;
    }
    *r = (rp_qps_rate){q, v0};
    return 1;
}

static rp_vlaw law_of(int k) { return k == 0 ? LAW_NOMINAL : LAW_RANGE[k - 1]; }

double rp_qps_ratio_at(cJSON *const *runs, const rp_figs_t *figs, int c, const rp_qps_rate *r,
                       const rp_qps_add *add, int law)
{
    static const rp_qps_add none[2] = {{0, 0}, {0, 0}};
    if (!add) add = none;
    return core_at(runs[c], &figs[c], r->q, r->v0, law_of(law), &add[0]).nj /
           core_at(runs[BASE], &figs[BASE], r->q, r->v0, law_of(law), &add[1]).nj;
}

double rp_qps_ratio(cJSON *const *runs, const rp_figs_t *figs, int c, double *lo, double *hi)
{
    rp_qps_rate rate;
    *lo = *hi = NAN;
    if (!rp_qps_common_rate(runs, figs, c, &rate)) return NAN;
    *lo = INFINITY;
    *hi = -INFINITY;
    for (int k = 1; k < RP_QPS_LAWS; k++) {
        double x = rp_qps_ratio_at(runs, figs, c, &rate, NULL, k);
        *lo = fmin(*lo, x);
        *hi = fmax(*hi, x);
    }
    return rp_qps_ratio_at(runs, figs, c, &rate, NULL, 0);
}

void rp_qps_section(FILE *md, cJSON *jp, cJSON *const *runs, const rp_figs_t *figs,
                    const double (*counted)[3])
{
    static const rp_qps_add none = {0, 0};
    cJSON *je = NULL;
    for (int c = 0; c < RP_NCORES; c++) {
        rp_qps_rate rate;
        double lo, hi;
        if (c == BASE || !rp_qps_common_rate(runs, figs, c, &rate)) continue;
        double q = rate.q, v0 = rate.v0;
        if (!je) {
            fprintf(
                md,
                "\nEqual queries per second (docs/synth.md): each core and the baseline at the slower one's "
                "queries/s at its Fmax; the faster lowers its logic supply from %.2f V until its Fmax just "
                "meets that rate (alpha-power law, Vt %.2f V, alpha %.1f; range Vt %.2f-%.2f V, alpha "
                "%.1f-%.1f). Memories stay at %.2f V. Plain: the flow's energy per query; counted: with the "
                "K/V load amortized and every correction above (their logic share at the lowered supply), "
                "its range over the law's and the uncertain corrections' together.\n\n| core | queries/s | "
                "clock MHz | logic supply V | energy/query nJ | baseline supply V | baseline energy/query nJ "
                "| "
                "/ baseline, plain (range) | / baseline, counted (range) "
                "|\n|---|---|---|---|---|---|---|---|---|\n",
                v0, LAW_NOMINAL.vt, LAW_NOMINAL.alpha, LAW_RANGE[0].vt, LAW_RANGE[3].vt, LAW_RANGE[0].alpha,
                LAW_RANGE[3].alpha, v0);
            je = cJSON_AddObjectToObject(jp, "equal_qps");
        }
        at_rate a = core_at(runs[c], &figs[c], q, v0, LAW_NOMINAL, &none);
        at_rate b = core_at(runs[BASE], &figs[BASE], q, v0, LAW_NOMINAL, &none);
        double r = rp_qps_ratio(runs, figs, c, &lo, &hi);
        const double nan3[3] = {NAN, NAN, NAN}, *k = counted ? counted[c] : nan3;
        char cnt[64];
        rp_fig_range(cnt, sizeof cnt, k[0], k[1], k[2], 0);
        fprintf(md, "| %s | %.4g | %.1f | %.3f | %.1f | %.3f | %.1f | %.3f (%.3f-%.3f) | %s |\n",
                RP_CORE_NAME(c), q, a.f_mhz, a.vdd, a.nj, b.vdd, b.nj, r, lo, hi, cnt);
        cJSON *o = cJSON_AddObjectToObject(je, RP_CORE_NAME(c));
        cJSON_AddNumberToObject(o, "queries_per_s", q);
        cJSON_AddNumberToObject(o, "clock_mhz", a.f_mhz);
        cJSON_AddNumberToObject(o, "logic_vdd", a.vdd);
        cJSON_AddNumberToObject(o, "energy_per_query_nj", a.nj);
        cJSON_AddNumberToObject(o, "baseline_clock_mhz", b.f_mhz);
        cJSON_AddNumberToObject(o, "baseline_logic_vdd", b.vdd);
        cJSON_AddNumberToObject(o, "baseline_energy_per_query_nj", b.nj);
        cJSON_AddNumberToObject(o, "ratio_vs_baseline", r);
        cJSON_AddNumberToObject(o, "ratio_vs_baseline_low", lo);
        cJSON_AddNumberToObject(o, "ratio_vs_baseline_high", hi);
        static const char *const ck[3] = {"ratio_counted_vs_baseline", "ratio_counted_vs_baseline_low",
                                          "ratio_counted_vs_baseline_high"};
        for (int x = 0; x < 3; x++) cJSON_AddItemToObject(o, ck[x], rp_json_num(k[x]));
        cJSON_AddNumberToObject(o, "nominal_vdd", v0);
    }
}
