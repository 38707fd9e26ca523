/*
 * rp_select.c — the report's selector comparison (rp_select.h).
 */
#include "rp_select.h"

#include "rp_qps.h"

#include <math.h>
#include <string.h>

/* one run of --selectors (rp_variant_runs) */
static void add_run(void *ctx, const char *point, const char *dir, const char *path, cJSON *j)
{
    rp_select *s = ctx;
    if (s->n == RP_SELECT_MAX) {
        cJSON_Delete(j);
        rp_die("--selectors %s=%s: at most %d runs in all", point, dir, RP_SELECT_MAX);
    }
    char why[256] = "", sel[64], cname[64];
    snprintf(sel, sizeof sel, "%s", rp_str(cJSON_GetObjectItem(j, "params"), "selector"));
    snprintf(cname, sizeof cname, "%s", rp_str(j, "core"));
    int core = rp_core_index(cname);
    rp_select_run *r = &s->r[s->n];
    memset(r, 0, sizeof *r);
    if (core < 0 || core == HG_CORE_BASELINE) {
        cJSON_Delete(j);
        rp_die("--selectors: %s: core '%s' has no top-N selector (had or int8-topn)", path, cname);
    }
    hg_sel_kind k;
    hg_cut_kind cut;
    if (!sel[0]) snprintf(why, sizeof why, "params.selector missing: a --selectors run names its selector");
    if (why[0] || rp_summary_sel(j, &k, &cut, why, sizeof why) != 0 ||
        rp_figs(j, &r->figs, why, sizeof why) != 0) {
        cJSON_Delete(j);
        rp_die("--selectors: %s: %s", path, why);
    }
    snprintf(r->point, sizeof r->point, "%s", point);
    snprintf(r->dir, sizeof r->dir, "%s", dir);
    r->core = core;
    r->sel = k;
    r->cut = cut;
    rp_sel_label(r->label, sizeof r->label, k, cut);
    r->run = j;
    r->load = RP_LOAD_NONE;
    for (int x = 0; x < 3; x++)
        r->counted[x] = r->qps_counted[x] = r->base_counted[x] = r->base_qps_counted[x] = NAN;
    s->n++;
}

void rp_select_add(rp_select *s, const char *arg) { rp_variant_runs("selectors", arg, add_run, s); }

void rp_select_match(rp_select_run *r, cJSON *base, const char *base_dir, cJSON *baseline)
{
    /* the counting selector picks the keys in a second pass, the two-stage one merges each row
       a cycle later: the same queries and throughput, a longer latency, so a window of more
       cycles (its fill and drain are in its energy) */
    char why[256] = "";
    hg_sel_kind bsel = HG_SEL_MERGE;
    hg_cut_kind bcut = HG_CUT_AUTO;
    if (base && rp_summary_sel(base, &bsel, &bcut, why, sizeof why) != 0)
        rp_die("--selectors %s=%s: the point's %s run: %s", r->point, r->dir, RP_CORE_NAME(r->core), why);
    rp_same_point("selectors", r->point, r->dir, r->core, r->run, base,
                  !hg_sel_later(r->sel) && !hg_sel_later(bsel));
    rp_sel_label(r->base_label, sizeof r->base_label, bsel, bcut);
    if (bsel == r->sel && bcut == r->cut)
        rp_die("--selectors %s=%s: the point's %s run has this selector already (%s): a --selectors run "
               "is of another selector or sort cut",
               r->point, r->dir, RP_CORE_NAME(r->core), r->label);
    if (rp_figs(base, &r->base_figs, why, sizeof why) != 0) rp_die("--selectors %s: %s", r->point, why);
    r->base = base;
    r->base_dir = base_dir;
    r->baseline = baseline;
    if (baseline && rp_figs(baseline, &r->baseline_figs, why, sizeof why) != 0)
        rp_die("--selectors %s: the point's baseline run: %s", r->point, why);
}

void rp_select_count(rp_select *s, const char *point, const rp_count *k)
{
    for (int i = 0; i < s->n; i++) {
        rp_select_run *r = &s->r[i];
        if (strcmp(r->point, point) != 0 || !r->baseline) continue;
        rp_count t = *k;
        t.glitch = NULL;
        int c = r->core;
        for (int pass = 0; pass < 2; pass++) {
            double *cnt = pass ? r->counted : r->base_counted,
                   *q = pass ? r->qps_counted : r->base_qps_counted;
            if (pass) {
                t.run[c] = r->run;
                t.figs[c] = r->figs;
                t.load[c] = r->load;
            }
            cnt[0] = rp_count_ratio(&t, c, &cnt[1], &cnt[2]);
            q[0] = rp_count_qps(&t, c, &q[1], &q[2]);
        }
    }
}

static void add(cJSON *o, const char *k, double v) { cJSON_AddItemToObject(o, k, rp_json_num(v)); }

/* run (figures f, counted figures cnt and qcnt) of core over the baseline */
static rp_select_pick pick(const rp_select_run *r, cJSON *run, const rp_figs_t *f, const double *cnt,
                           const double *qcnt, const char *label, const char *dir)
{
    rp_select_pick x = {.dir = dir, .fmax = f->fmax, .reference = run == r->base};
    memcpy(x.counted, cnt, sizeof x.counted);
    memcpy(x.qps_counted, qcnt, sizeof x.qps_counted);
    snprintf(x.label, sizeof x.label, "%s", label);
    x.area = rp_ratio(f->area_logic, r->baseline_figs.area_logic);
    x.e_query = rp_ratio(f->e_query, r->baseline_figs.e_query);
    cJSON *runs[RP_NCORES] = {0};
    rp_figs_t figs[RP_NCORES] = {0};
    runs[r->core] = run;
    figs[r->core] = *f;
    runs[HG_CORE_BASELINE] = r->baseline;
    figs[HG_CORE_BASELINE] = r->baseline_figs;
    x.qps = rp_qps_ratio(runs, figs, r->core, &x.qps_lo, &x.qps_hi);
    return x;
}

int rp_select_candidates(const rp_select *s, const char *point, int core, rp_select_pick *c, int *best,
                         rp_select_by *by)
{
    int n = 0;
    for (int i = 0; i < s->n; i++) {
        const rp_select_run *r = &s->r[i];
        if (r->core != core || strcmp(r->point, point) != 0 || !r->baseline) continue;
        if (!n)
            c[n++] = pick(r, r->base, &r->base_figs, r->base_counted, r->base_qps_counted, r->base_label,
                          r->base_dir);
        c[n++] = pick(r, r->run, &r->figs, r->counted, r->qps_counted, r->label, r->dir);
    }
    int have_q = 1, have_c = 1;
    for (int k = 0; k < n; k++) {
        have_q &= isfinite(c[k].qps_counted[0]);
        have_c &= isfinite(c[k].counted[0]);
    }
    *by = have_q ? RP_SEL_BY_QPS_COUNTED : have_c ? RP_SEL_BY_COUNTED : RP_SEL_BY_PLAIN;
    *best = 0;
    for (int k = 0; k < n; k++)
        c[k].key = *by == RP_SEL_BY_QPS_COUNTED ? c[k].qps_counted[0]
                   : *by == RP_SEL_BY_COUNTED   ? c[k].counted[0]
                                                : c[k].e_query;
    for (int k = 1; k < n; k++)
        if (c[k].key < c[*best].key) *best = k;
    return n;
}

/* v[0] (v[1]-v[2]) as rp_fig_range writes it */
static const char *fig3(char *buf, size_t n, const double *v, int b)
{
    return rp_fig_range(buf, n, v[0], v[1], v[2], b);
}

static void add3(cJSON *o, const char *k, const double *v)
{
    char key[96];
    add(o, k, v[0]);
    snprintf(key, sizeof key, "%s_low", k);
    add(o, key, v[1]);
    snprintf(key, sizeof key, "%s_high", k);
    add(o, key, v[2]);
}

static const char *const BY_NAME[3] = {"energy_per_query_equal_qps", "energy_per_query",
                                       "energy_per_query_plain"};

/* The best measured selector of each top-N core of each point against the baseline. */
static void best_section(FILE *md, cJSON *root, const rp_select *s)
{
    cJSON *arr = NULL;
    char margins[4096] = ""; /* each choice against the runner-up, after the table */
    size_t ml = 0;
    for (int i = 0; i < s->n; i++) {
        const rp_select_run *r = &s->r[i];
        int first = 1; /* the group's first run */
        for (int k = 0; k < i && first; k++)
            first = s->r[k].core != r->core || strcmp(s->r[k].point, r->point);
        rp_select_pick c[RP_SELECT_MAX + 1];
        int best;
        rp_select_by by;
        int n = first ? rp_select_candidates(s, r->point, r->core, c, &best, &by) : 0;
        if (!n) continue;
        if (!arr) {
            fprintf(
                md,
                "\n### Each top-N core at its best measured selector\n\n"
                "Every selector measured above, against the point's baseline: the flows' energy per query; "
                "counted, with the K/V load amortized over the stimulus's queries where each run has its "
                "load run, and the range of the clock-network, bus and boundary-wire corrections; and both "
                "at equal queries/s (docs/synth.md; the faster core at a lower logic supply; the counted "
                "range spans the law's and the corrections' together). The glitch factors are measured on "
                "the point's own runs only, so no row counts glitches. \"(default)\": the point's own run, "
                "the core built with its default selector. The best (bold) is the one of the "
                "lowest counted energy per query at equal queries/s where every selector of the core has "
                "that figure, else of the lowest counted energy per query, else the flows' own.\n\n"
                "| point | core | selector | Fmax MHz | logic area / baseline | energy/query / baseline | "
                "counted (range) | at equal queries/s (range) | at equal queries/s, counted (range) |\n"
                "|---|---|---|---|---|---|---|---|---|\n");
            arr = cJSON_AddArrayToObject(root, "best_selectors");
        }
        for (int k = 0; k < n; k++) {
            int b = k == best;
            const char *bs = b ? "**" : "";
            char q[96], cn[96], qc[96];
            const double qv[3] = {c[k].qps, c[k].qps_lo, c[k].qps_hi};
            fprintf(md, "| %s | %s | %s%s%s%s | %.1f | %.3f | %s%.3f%s | %s | %s | %s |\n", r->point,
                    RP_CORE_NAME(r->core), bs, c[k].label, bs, c[k].reference ? " (default)" : "", c[k].fmax,
                    c[k].area, b && by == RP_SEL_BY_PLAIN ? "**" : "", c[k].e_query,
                    b && by == RP_SEL_BY_PLAIN ? "**" : "",
                    fig3(cn, sizeof cn, c[k].counted, b && by == RP_SEL_BY_COUNTED), fig3(q, sizeof q, qv, 0),
                    fig3(qc, sizeof qc, c[k].qps_counted, b && by == RP_SEL_BY_QPS_COUNTED));
        }
        int next = best == 0; /* the runner-up (n >= 2: the point's run and a run of s) */
        for (int k = 0; k < n; k++)
            if (k != best && c[k].key < c[next].key) next = k;
        double margin = c[next].key / c[best].key - 1;
        if (ml < sizeof margins)
            ml += (size_t)snprintf(margins + ml, sizeof margins - ml, "%s %s %s: %s, then %s (+%.1f%%)",
                                   ml ? ";" : "", r->point, RP_CORE_NAME(r->core), c[best].label,
                                   c[next].label, 100 * margin);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "point", r->point);
        cJSON_AddStringToObject(o, "core", RP_CORE_NAME(r->core));
        cJSON_AddStringToObject(o, "best", c[best].label);
        cJSON_AddStringToObject(o, "runner_up", c[next].label);
        add(o, "margin", margin);
        cJSON_AddStringToObject(o, "chosen_by", BY_NAME[by]);
        cJSON *ca = cJSON_AddArrayToObject(o, "candidates");
        for (int k = 0; k < n; k++) {
            cJSON *x = cJSON_CreateObject();
            cJSON_AddStringToObject(x, "selector", c[k].label);
            cJSON_AddStringToObject(x, "run", c[k].dir);
            cJSON_AddBoolToObject(x, "default", c[k].reference);
            add(x, "fmax_mhz", c[k].fmax);
            add(x, "logic_area_vs_baseline", c[k].area);
            add(x, "energy_per_query_vs_baseline", c[k].e_query);
            add3(x, "counted_vs_baseline", c[k].counted);
            add(x, "equal_qps_vs_baseline", c[k].qps);
            add(x, "equal_qps_vs_baseline_low", c[k].qps_lo);
            add(x, "equal_qps_vs_baseline_high", c[k].qps_hi);
            add3(x, "equal_qps_counted_vs_baseline", c[k].qps_counted);
            cJSON_AddItemToArray(ca, x);
        }
        cJSON_AddItemToArray(arr, o);
    }
    if (arr)
        fprintf(
            md,
            "\nEach best and its runner-up (the runner-up's figure over the best's):%s. A margin inside the "
            "synthesis noise band does not rank the two (make report-noise: under null perturbations an Fmax "
            "moves by 1-4%%, an energy per query by up to 1%%; the figure at equal queries/s follows "
            "Fmax).\n",
            margins);
}

/* one table row: the select block and the core's figures */
typedef struct {
    double sel_area, sel_power, area, mem_area, power, fmax, e_query;
} sel_figs;

static sel_figs figs_of(const cJSON *run, const rp_figs_t *f)
{
    return (sel_figs){rp_block(run, "select", "area_um2") * 1e-6,
                      rp_block(run, "select", "power_uw") * 1e-3,
                      f->area_logic,
                      f->area_mem,
                      f->power_logic,
                      f->fmax,
                      f->e_query};
}

static void row(FILE *md, const char *point, const char *core, const char *sel, const sel_figs *x)
{
    fprintf(md, "| %s | %s | %s | %.3f | %.2f | %.3f | %.3f | %.2f | %.1f | %.3f |\n", point, core, sel,
            x->sel_area, x->sel_power, x->area, x->mem_area, x->power, x->fmax, x->e_query);
}

void rp_select_section(FILE *md, cJSON *root, const rp_select *s)
{
    if (!s->n) return;
    fprintf(md,
            "\n## Top-N selectors\n\n"
            "The same configuration and stimulus with each selector (`hadgen --selector`) beside the "
            "point's own run, the core built with its default selector (hadgen's: HAD counting, "
            "int8 + top-N twostage); the ratios are each other selector's over the default's. All keep "
            "the same keys (counting: in key order), so the outputs are the same bit for bit (each flow's "
            "capture checks them against the golden model); what differs is the hardware. Select: the "
            "top-N selector's logic (counting: both passes); core: logic only; memory: the memory "
            "model's area of every memory of the core (the counting selector adds a score memory of "
            "2 ceil(L/P) rows of P match counts between its passes); energy per query: logic and "
            "memories. The counting selector keeps the throughput and adds ceil(n_k/P) + 1 cycles of "
            "latency; the two-stage one (bitonic networks with a register between the local sort and "
            "the global merge) keeps it and adds one cycle, two where a second register cuts its sort "
            "(`hadgen --sort-cut`: by default where the sort is at least as deep as the merge; \"sort cut "
            "off\" rows: never).\n\n"
            "| point | core | selector | select area mm^2 | select power mW | core logic area mm^2 | "
            "memory area mm^2 | core logic power mW | Fmax MHz | energy/query nJ |\n"
            "|---|---|---|---|---|---|---|---|---|---|\n");
    cJSON *arr = cJSON_AddArrayToObject(root, "selectors");
    for (int i = 0; i < s->n; i++) {
        const rp_select_run *r = &s->r[i];
        sel_figs m = figs_of(r->base, &r->base_figs), x = figs_of(r->run, &r->figs);
        sel_figs q = {rp_ratio(x.sel_area, m.sel_area), rp_ratio(x.sel_power, m.sel_power),
                      rp_ratio(x.area, m.area),         rp_ratio(x.mem_area, m.mem_area),
                      rp_ratio(x.power, m.power),       rp_ratio(x.fmax, m.fmax),
                      rp_ratio(x.e_query, m.e_query)};
        const char *core = RP_CORE_NAME(r->core);
        char bl[64];
        snprintf(bl, sizeof bl, "%s (default)", r->base_label);
        row(md, r->point, core, bl, &m);
        row(md, r->point, core, r->label, &x);
        fprintf(md,
                "| %s | %s | **%s / %s** | **%.3f** | **%.3f** | **%.3f** | **%.3f** | **%.3f** | **%.3f** | "
                "**%.3f** |\n",
                r->point, core, r->label, r->base_label, q.sel_area, q.sel_power, q.area, q.mem_area, q.power,
                q.fmax, q.e_query);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "point", r->point);
        cJSON_AddStringToObject(o, "core", core);
        cJSON_AddStringToObject(o, "selector", hg_sel_name(r->sel));
        cJSON_AddStringToObject(o, "sort_cut", hg_cut_name(r->cut));
        cJSON_AddStringToObject(o, "run", r->dir);
        cJSON_AddStringToObject(o, "reference_selector", r->base_label);
        const sel_figs *v[3] = {&m, &x, &q};
        const char *names[3] = {"reference", hg_sel_name(r->sel), "ratio"};
        for (int k = 0; k < 3; k++) {
            cJSON *f = cJSON_AddObjectToObject(o, names[k]);
            add(f, k == 2 ? "select_area" : "select_area_mm2", v[k]->sel_area);
            add(f, k == 2 ? "select_power" : "select_power_mw", v[k]->sel_power);
            add(f, k == 2 ? "logic_area" : "logic_area_mm2", v[k]->area);
            add(f, k == 2 ? "memory_area" : "memory_area_mm2", v[k]->mem_area);
            add(f, k == 2 ? "logic_power" : "logic_power_mw", v[k]->power);
            add(f, k == 2 ? "fmax" : "fmax_mhz", v[k]->fmax);
            add(f, k == 2 ? "energy_per_query" : "energy_per_query_nj", v[k]->e_query);
        }
        cJSON_AddItemToArray(arr, o);
    }
    fprintf(md, "\nA ratio inside the synthesis noise band (make report-noise) is not a difference of the "
                "designs. Runs:");
    for (int i = 0; i < s->n; i++) fprintf(md, " `%s`", s->r[i].dir);
    fprintf(md, ".\n");
    best_section(md, root, s);
}

void rp_select_free(rp_select *s)
{
    for (int i = 0; i < s->n; i++) cJSON_Delete(s->r[i].run);
    s->n = 0;
}
