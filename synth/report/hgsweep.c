/*
 * hgsweep — the results of `make sweep`: one row per design point (core, selector and its sort
 * cut, the AV unit's fan-out stages, d, P, N, L) from the flow summaries, ratios against the
 * baseline of the same (d, P, L) (and, for a core built with another selector or fan-out than its
 * default, against its default point),
 * attention fidelity where the real model measures it (HAD: the distilled model; HAD
 * post-training in extra columns), the energy ratios counted as the report counts them (rp_count.h:
 * with each point's K/V load run, the uncertain corrections' range) at the flows' clock and at
 * equal queries/s, the Pareto fronts of each workload (d, P, L: area against energy per query,
 * fidelity against energy per query, fidelity against the energy ratio at equal queries/s), a
 * Markdown section, deterministic JSON, CSV, and gnuplot plots; with --noise, each point's
 * synthesis noise band (its flow repeated under SYN_SALT null perturbations: docs/synth.md,
 * "Synthesis noise") on its Fmax, energy and ratios.
 *
 * usage: hgsweep --out DIR [--fidelity FILE ...] [--kv-load FILE ...] [--noise FILE ...]
 *                [--noise-load FILE ...] [--ref D,N,L,P] [--expect N] SUMMARY_JSON ...
 * Exit codes: 0 done, 1 a file could not be written or gnuplot failed, 2 bad input.
 */
#include "rp_count.h"
#include "rp_noise.h"
#include "rp_util.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FID  64
#define MAX_REPS 8 /* salted repeats of one point (--noise) */

/* one repeat of a point's flow under a null perturbation of synthesis (SYN_SALT) */
typedef struct rep {
    int salt;
    rp_figs_t f;
    cJSON *run;   /* its summary */
    rp_load load; /* its K/V load run on the same netlists (--noise-load); RP_LOAD_NONE: none */
} rep;

/* smallest and largest of a figure over a point's samples (its run and its repeats; a ratio:
   every pairing of the point's samples with its baseline's), NAN when none */
typedef struct band {
    double lo, hi;
} band;

typedef struct pt {
    int core, d, p, n, l;
    int sel; /* top-N selector (hg_sel_kind; params.selector, merge when absent or the baseline) */
    int cut; /* its sort cut (hg_cut_kind; params.sort_cut, auto when absent or the baseline) */
    int fan; /* the AV unit's fan-out stages (hadgen --av-fan: params.av_fan, rp_summary_fan) */
    rp_figs_t f;
    double sel_area, sel_power;          /* the select block: mm^2, mW (NAN if the summary has none) */
    double r_area, r_area_mem, r_energy; /* against the baseline of the same d, P, L */
    double cos, nn, recall;              /* fidelity; NAN where not measured */
    int ctx;                             /* token limit of the texts fidelity was measured on */
    double cos_pt, nn_pt;                /* HAD post-training (the original model); NAN else */
    int ctx_pt;                          /* token limit of that measurement */
    int front_area, front_fid;           /* on the Pareto front of its workload (d, P, L) */
    int front_qps;                       /* on the fidelity / energy-at-equal-queries/s front */
    cJSON *run;                          /* its summary */
    rp_load load;                        /* its K/V load run (--kv-load); RP_LOAD_NONE: none */
    double r_cnt[3], r_qps[3];    /* energy against the baseline counted, and at equal queries/s counted:
                                  nominal, low, high (NAN: not available) */
    double crit_ns, ws_ns, ws_pf; /* critical path; its slowest stage: delay, load */
    char ws_pin[256];             /* that stage's output pin ("" if not reported) */
    rep reps[MAX_REPS];           /* --noise: its salted repeats, in the order given */
    int nrep;
    band nz_fmax, nz_energy, nz_ratio, nz_qps; /* their band: MHz, nJ/query, energy against the
                                                  baseline plain and at equal queries/s counted */
} pt;

typedef struct fid {
    int core, d, n; /* n = 0: the baseline (no selection, any N) */
    int max_tokens; /* token limit of the measurement's texts: points need L >= this */
    int post;       /* 1: HAD on the original model (post-training), not the point's fidelity */
    double cos, nn, recall;
    char file[512];
} fid;

static int cmp_pt(const void *a, const void *b)
{
    const pt *x = a, *y = b;
    /* the sort cut auto first: a selector's default before its variants; the fan-out likewise
       (auto 0, off -1, then the stage sizes) */
    int k[8][2] = {{x->core, y->core},
                   {x->d, y->d},
                   {x->p, y->p},
                   {x->l, y->l},
                   {x->n, y->n},
                   {x->sel, y->sel},
                   {x->cut == HG_CUT_AUTO ? -1 : x->cut, y->cut == HG_CUT_AUTO ? -1 : y->cut},
                   {x->fan == HG_AV_FAN_AUTO ? -2 : x->fan, y->fan == HG_AV_FAN_AUTO ? -2 : y->fan}};
    for (int i = 0; i < 8; i++)
        if (k[i][0] != k[i][1]) return k[i][0] < k[i][1] ? -1 : 1;
    return 0;
}

static void read_point(pt *x, const char *path)
{
    cJSON *s = rp_load_json(path);
    rp_point_t p;
    char err[512];
    if (rp_summary_point(s, &p, err, sizeof err) != 0) rp_die("'%s': %s", path, err);
    x->core = p.core;
    x->d = p.d;
    x->p = p.p;
    x->n = p.n;
    x->l = p.l;
    x->f = p.f;
    hg_sel_kind k;
    hg_cut_kind cut;
    if (rp_summary_sel(s, &k, &cut, err, sizeof err) != 0 ||
        rp_summary_fan(s, &x->fan, err, sizeof err) != 0) {
        cJSON_Delete(s);
        rp_die("'%s': %s", path, err);
    }
    x->sel = x->core == HG_CORE_BASELINE ? HG_SEL_MERGE : (int)k; /* recorded, unused by the baseline */
    x->cut = x->core == HG_CORE_BASELINE ? HG_CUT_AUTO : (int)cut;
    x->sel_area = rp_num(s, "blocks.select.area_um2") / 1e6;
    x->sel_power = rp_num(s, "blocks.select.power_uw") / 1e3;
    x->r_area = x->r_area_mem = x->r_energy = NAN;
    x->cos = x->nn = x->recall = NAN;
    x->ctx = 0;
    x->cos_pt = x->nn_pt = NAN;
    x->ctx_pt = 0;
    x->crit_ns = rp_num(s, "timing.critical_path_ns");
    x->ws_ns = rp_num(s, "timing.worst_stage.delay_ns");
    x->ws_pf = rp_num(s, "timing.worst_stage.load_pf");
    const cJSON *ws =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(s, "timing"), "worst_stage");
    snprintf(x->ws_pin, sizeof x->ws_pin, "%s", rp_str(ws, "pin"));
    x->run = s;
    x->load = RP_LOAD_NONE;
    for (int i = 0; i < 3; i++) x->r_cnt[i] = x->r_qps[i] = NAN;
    x->nrep = 0;
    x->nz_fmax = x->nz_energy = x->nz_ratio = x->nz_qps = (band){NAN, NAN};
}

/* hadrun --json: the golden (or RTL) backends' fidelity at the file's d and N. A run on a
   distilled model (model.distilled) gives HAD's fidelity; its other rows are the original
   model's and are taken from that model's file. A run on the original model gives the
   baseline's and int8 + top-N's, and HAD post-training. */
static int read_fidelity(fid *v, int nv, const char *path)
{
    cJSON *j = rp_load_json(path);
    rp_run_head_t h;
    char err[256];
    if (rp_run_head(j, 1, &h, err, sizeof err) != 0)
        rp_die("--fidelity '%s': %s (not hadrun --json output?)", path, err);
    int distilled = h.distilled, d = h.d, n = h.n, mt = h.tokens;
    const cJSON *bs = cJSON_GetObjectItemCaseSensitive(j, "backends"), *b;
    cJSON_ArrayForEach(b, bs)
    {
        const char *name = rp_str(b, "backend");
        const char *core = strncmp(name, "golden-", 7) == 0 ? name + 7
                           : strncmp(name, "rtl-", 4) == 0  ? name + 4
                                                            : "";
        int c = rp_core_index(core);
        if (c < 0 || (distilled && c != 0)) continue;
        if (nv == MAX_FID) rp_die("--fidelity: at most %d backend results", MAX_FID);
        fid *f = &v[nv++];
        f->core = c;
        f->d = d;
        f->n = c == 1 ? 0 : n;
        f->max_tokens = mt;
        f->post = c == 0 && !distilled;
        f->cos = rp_num(b, "cos_mean");
        f->nn = rp_num(b, "nn_agree");
        f->recall = rp_num(b, "recall");
        snprintf(f->file, sizeof f->file, "%s", path);
    }
    cJSON_Delete(j);
    return nv;
}

/* a dominates b: no worse in both, better in one (minimise energy; maximise y if up) */
static int dominates(double ea, double ya, double eb, double yb, int up)
{
    if (up) {
        ya = -ya;
        yb = -yb;
    }
    return ea <= eb && ya <= yb && (ea < eb || ya < yb);
}

/* Pareto fronts within each workload: the points of one (d, P, L) do the same job, so they
   compete; a point of another L or d does different work and is not compared. */
static void fronts(pt *v, int n)
{
    for (int i = 0; i < n; i++) {
        v[i].front_area = v[i].front_fid = 1;
        v[i].front_qps = !isnan(v[i].cos) && !isnan(v[i].r_qps[0]);
        for (int k = 0; k < n; k++) {
            if (v[k].d != v[i].d || v[k].p != v[i].p || v[k].l != v[i].l) continue;
            if (dominates(v[k].f.e_query, v[k].f.area, v[i].f.e_query, v[i].f.area, 0)) v[i].front_area = 0;
            if (isnan(v[i].cos) ||
                (!isnan(v[k].cos) && dominates(v[k].f.e_query, v[k].cos, v[i].f.e_query, v[i].cos, 1)))
                v[i].front_fid = 0;
            if (!isnan(v[k].cos) && !isnan(v[k].r_qps[0]) &&
                dominates(v[k].r_qps[0], v[k].cos, v[i].r_qps[0], v[i].cos, 1))
                v[i].front_qps = 0;
        }
    }
}

/* the core built with its default selector and fan-out, as hadgen builds it without --selector and
   --av-fan (hg_core_sel: the reference of the ratios and plots) */
static int is_default(const pt *x)
{
    return x->sel == (int)hg_core_sel(x->core) && x->cut == HG_CUT_AUTO && x->fan == HG_AV_FAN_AUTO;
}

/* the point of that core (with its default selector and fan-out) */
static const pt *find(const pt *v, int n, int core, int d, int p, int nn, int l)
{
    for (int i = 0; i < n; i++)
        if (v[i].core == core && is_default(&v[i]) && v[i].d == d && v[i].p == p &&
            (core == HG_CORE_BASELINE || v[i].n == nn) && v[i].l == l)
            return &v[i];
    return NULL;
}

/* a point's selector as the tables name it: "twostage", "twostage, sort cut off" */
static const char *sel_label(const pt *x)
{
    static char buf[48];
    return rp_sel_label(buf, sizeof buf, (hg_sel_kind)x->sel, (hg_cut_kind)x->cut);
}

/* 1 if a top-N core is built with another selector or sort cut than its default (the baseline
   has none) */
static int other_sel(const pt *x)
{
    return x->core != HG_CORE_BASELINE && (x->sel != (int)hg_core_sel(x->core) || x->cut != HG_CUT_AUTO);
}

/* a point's fan-out as the tables name it: "" for auto, "AV fan 32", "AV fan off" */
static const char *fan_label(const pt *x)
{
    static char buf[32];
    return rp_fan_label(buf, sizeof buf, x->fan);
}

/* what makes a point other than its core's default: "twostage, sort cut off", "AV fan 32",
   "merge, AV fan off" (the baseline's selector is not named: it has none) */
static const char *variant_label(const pt *x)
{
    static char buf[96];
    int sel = other_sel(x);
    snprintf(buf, sizeof buf, "%s%s%s", sel ? sel_label(x) : "", sel && x->fan != HG_AV_FAN_AUTO ? ", " : "",
             fan_label(x));
    return buf;
}

/* a point's core as the tables name it: "had", or "had (twostage)" with another selector,
   "baseline (AV fan 32)" with another fan-out */
static const char *core_label(const pt *x)
{
    static char buf[128];
    if (is_default(x)) return RP_CORE_NAME(x->core);
    snprintf(buf, sizeof buf, "%s (%s)", RP_CORE_NAME(x->core), variant_label(x));
    return buf;
}

static void values(const pt *v, int n, char axis, int *out, int *nout)
{
    *nout = 0;
    for (int i = 0; i < n; i++) {
        if (axis == 'n' && v[i].core == 1) continue;
        int x = axis == 'n' ? v[i].n : axis == 'd' ? v[i].d : axis == 'l' ? v[i].l : v[i].p, seen = 0;
        for (int k = 0; k < *nout; k++) seen |= out[k] == x;
        if (!seen && *nout < 64) out[(*nout)++] = x;
    }
    for (int a = 0; a < *nout; a++)
        for (int b = a + 1; b < *nout; b++)
            if (out[b] < out[a]) {
                int t = out[a];
                out[a] = out[b];
                out[b] = t;
            }
}

static void list(FILE *f, const int *x, int n)
{
    for (int i = 0; i < n; i++) fprintf(f, "%s%d", i ? ", " : "", x[i]);
}

/* sweep_vs_AXIS.dat: the axis varies, the other parameters stay at the reference point. Returns
   its rows with a point (none, for N, in a sweep of the baseline alone: its plots are left out). */
static int axis_dat(const char *dir, const pt *v, int n, char axis, const int ref[4])
{
    char name[64];
    snprintf(name, sizeof name, "sweep_vs_%c.dat", axis);
    FILE *f = rp_out_file(dir, name);
    fprintf(f,
            "# %c | logic area mm2, power mW, energy nJ/query of had | baseline | int8-topn; "
            "other parameters: d=%d N=%d L=%d P=%d\n",
            axis, ref[0], ref[1], ref[2], ref[3]);
    int xs[64], nx, rows = 0;
    values(v, n, axis, xs, &nx);
    for (int k = 0; k < nx; k++) {
        int any = 0;
        fprintf(f, "%d", xs[k]);
        for (int c = 0; c < RP_NCORES; c++) {
            const pt *h = find(v, n, c, axis == 'd' ? xs[k] : ref[0], ref[3], axis == 'n' ? xs[k] : ref[1],
                               axis == 'l' ? xs[k] : ref[2]);
            if (h)
                fprintf(f, " %g %g %g", h->f.area_logic, h->f.power_logic, h->f.e_query), any = 1;
            else
                fprintf(f, " NaN NaN NaN");
        }
        fprintf(f, "\n");
        rows += any;
    }
    rp_out_close(f);
    return rows;
}

static const char *nstr(const pt *x);

/* a point's energy on front w: nJ per query (w 0, 1), its ratio at equal queries/s (w 2) */
static double front_energy(const pt *x, int w) { return w == 2 ? x->r_qps[0] : x->f.e_query; }

/* indices of the points on a front (w: 0 area, 1 fidelity, 2 fidelity at equal queries/s), by
   workload (d, P, L), then energy */
static int front_order(const pt *v, int n, int w, int *idx)
{
    int m = 0;
    for (int i = 0; i < n; i++)
        if (w == 2 ? v[i].front_qps : w ? v[i].front_fid : v[i].front_area) idx[m++] = i;
    for (int a = 0; a < m; a++)
        for (int b = a + 1; b < m; b++) {
            const pt *x = &v[idx[a]], *y = &v[idx[b]];
            int kx[4] = {x->d, x->p, x->l, 0}, ky[4] = {y->d, y->p, y->l, 0}, c = 0;
            for (int k = 0; k < 3 && !c; k++) c = kx[k] < ky[k] ? -1 : kx[k] > ky[k];
            if (c > 0 || (c == 0 && front_energy(y, w) < front_energy(x, w))) {
                int t = idx[a];
                idx[a] = idx[b];
                idx[b] = t;
            }
        }
    return m;
}

/* a point's label in the plots, without spaces: N=16, N=16/twostage:off, N=16/fan32, dense/fanoff */
static const char *plot_label(const pt *x)
{
    static char buf[96];
    int sel = other_sel(x);
    int at =
        snprintf(buf, sizeof buf, "%s%s",
                 x->core == HG_CORE_BASELINE ? "" : "N=", x->core == HG_CORE_BASELINE ? "dense" : nstr(x));
    if (sel)
        at += snprintf(buf + at, sizeof buf - (size_t)at, "/%s%s%s", hg_sel_name((hg_sel_kind)x->sel),
                       x->cut == HG_CUT_AUTO ? "" : ":",
                       x->cut == HG_CUT_AUTO ? "" : hg_cut_name((hg_cut_kind)x->cut));
    if (x->fan == HG_AV_FAN_OFF)
        snprintf(buf + at, sizeof buf - (size_t)at, "/fanoff");
    else if (x->fan != HG_AV_FAN_AUTO)
        snprintf(buf + at, sizeof buf - (size_t)at, "/fan%d", x->fan);
    return buf;
}

static void points_dat(const char *dir, const pt *v, int n)
{
    FILE *f = rp_out_file(dir, "sweep_points.dat");
    fprintf(f, "# core(0 had,1 baseline,2 int8-topn) d p n l area_mm2 logic_area_mm2 energy_nj fidelity_cos "
               "front_area front_fidelity label (N=n[/selector[:sort cut]][/fanK]) "
               "energy_vs_baseline_equal_qps_counted "
               "front_fidelity_equal_qps\n");
    for (int i = 0; i < n; i++)
        fprintf(f, "%d %d %d %d %d %g %g %g %g %d %d %s %g %d\n", v[i].core, v[i].d, v[i].p, v[i].n, v[i].l,
                v[i].f.area, v[i].f.area_logic, v[i].f.e_query, v[i].cos, v[i].front_area, v[i].front_fid,
                plot_label(&v[i]), v[i].r_qps[0], v[i].front_qps);
    rp_out_close(f);
    /* the fronts as lines: one block per workload (a blank line separates them), by energy */
    int *idx = malloc(sizeof(int) * (size_t)n);
    if (!idx) rp_die("out of memory");
    static const char *const names[3] = {"sweep_front_area.dat", "sweep_front_fidelity.dat",
                                         "sweep_front_fidelity_qps.dat"};
    for (int w = 0; w < 3; w++) {
        FILE *g = rp_out_file(dir, names[w]);
        int m = front_order(v, n, w, idx);
        for (int k = 0; k < m; k++) {
            const pt *x = &v[idx[k]], *prev = k ? &v[idx[k - 1]] : NULL;
            if (prev && (prev->d != x->d || prev->p != x->p || prev->l != x->l)) fprintf(g, "\n");
            fprintf(g, "%g %g\n", front_energy(x, w), w ? x->cos : x->f.area);
        }
        rp_out_close(g);
    }
    free(idx);
}

/* rows[a]: the rows of sweep_vs_<"ndl"[a]>.dat with a point; an axis without any gets no plot
   (gnuplot refuses an empty range) */
static int plots(const char *dir, int have_fid, int have_qps, const int ref[4], const int rows[3])
{
    FILE *g = rp_out_file(dir, "sweep.gp");
    /* key outside for the one-parameter plots, inside for the Pareto plots (they keep their width) */
    fprintf(g, "# gnuplot script written by hgsweep; run from its directory\nset grid\n");
    const char *axn = "ndl", *lab[3] = {"N (keys kept per query)", "d (head dimension)", "L (keys)"};
    const char *yn[3] = {"area", "power", "energy"};
    const char *ylab[3] = {"logic area (mm^2)", "logic power (mW, 10 ns clock)", "energy per query (nJ)"};
    for (int t = 0; t < 2; t++) {
        const char *term = t ? "svg size 900,520" : "pngcairo size 900,520", *ext = t ? "svg" : "png";
        for (int a = 0; a < 3; a++) {
            if (rows[a] == 0) continue;
            for (int m = 0; m < 3; m++)
                fprintf(
                    g,
                    "set key outside right top\nset terminal %s\nset output 'sweep_%s_vs_%c.%s'\n"
                    "set title 'Sweep: %s against %s (d=%d N=%d L=%d P=%d unless varied)'\n"
                    "set xlabel '%s'\nset ylabel '%s'\nset logscale xy 2\nset format y '%%g'\n"
                    "plot 'sweep_vs_%c.dat' using 1:%d with linespoints title 'had', '' using 1:%d with "
                    "linespoints "
                    "title 'baseline', '' using 1:%d with linespoints title 'int8-topn'\nunset logscale\n",
                    term, yn[m], axn[a], ext, yn[m], lab[a], ref[0], ref[1], ref[2], ref[3], lab[a], ylab[m],
                    axn[a], 2 + m, 5 + m, 8 + m);
        }
        fprintf(g,
                "set key inside right bottom\nset terminal %s\nset output 'sweep_pareto_area.%s'\n"
                "set title 'Sweep: area (logic + memories) against energy per query'\n"
                "set xlabel 'energy per query (nJ)'\nset ylabel 'area (mm^2)'\nset logscale xy\n"
                "plot for [c=0:2] 'sweep_points.dat' using ($1==c ? $8 : 1/0):6 with points pt 7 "
                "title word('had baseline int8-topn', c+1), "
                "'sweep_front_area.dat' using 1:2 with lines lw 2 lc rgb 'black' title 'Pareto front of each "
                "(d, L)'\nunset logscale\n",
                term, ext);
        if (have_fid)
            fprintf(
                g,
                "set terminal %s\nset output 'sweep_pareto_fidelity.%s'\n"
                "set title 'Sweep: fidelity against energy per query, one front per (d, L): L grows to the "
                "right'\n"
                "set xlabel 'energy per query (nJ)'\nset ylabel 'MiniLM embedding cosine against float'\nset "
                "logscale x\n"
                "plot for [c=0:2] 'sweep_points.dat' using ($1==c && $9==$9 ? $8 : 1/0):9 with points pt 7 "
                "title word('had baseline int8-topn', c+1), "
                "'sweep_front_fidelity.dat' using 1:2 with lines lw 2 lc rgb 'black' title 'Pareto front of "
                "each (d, L)', "
                "'sweep_points.dat' using ($11 > 0 ? $8 : 1/0):9:12 with labels offset 0,-1 font ',8' "
                "notitle\n"
                "unset logscale\n",
                term, ext);
        if (have_qps)
            fprintf(
                g,
                "set terminal %s\nset output 'sweep_pareto_fidelity_qps.%s'\n"
                "set title 'Sweep: fidelity against energy per query at equal queries/s, counted, one front "
                "per (d, L)'\n"
                "set xlabel 'energy per query / the baseline of its workload, at equal queries/s, counted'\n"
                "set ylabel 'MiniLM embedding cosine against float'\nset logscale x\n"
                "plot for [c=0:2] 'sweep_points.dat' using ($1==c && $9==$9 && $13==$13 ? $13 : 1/0):9 with "
                "points pt 7 title word('had baseline int8-topn', c+1), "
                "'sweep_front_fidelity_qps.dat' using 1:2 with lines lw 2 lc rgb 'black' title 'Pareto front "
                "of each (d, L)', "
                "'sweep_points.dat' using ($14 > 0 ? $13 : 1/0):9:12 with labels offset 0,-1 font ',8' "
                "notitle\nunset logscale\n",
                term, ext);
    }
    rp_out_close(g);
    return rp_gnuplot(dir, "sweep.gp", "sweep_gnuplot.log");
}

/* a table cell: x with this many decimals, "-" if not measured */
static const char *cell(char buf[32], double x, int decimals)
{
    if (isnan(x)) return "-";
    snprintf(buf, 32, "%.*f", decimals, x);
    return buf;
}

/* a table cell: "x (lo-hi)", "x" without a range, "-" if not measured */
static const char *range_cell(char buf[64], const double *x)
{
    if (isnan(x[0])) return strcpy(buf, "-");
    return rp_fig_range(buf, 64, x[0], x[1], x[2], 0);
}

/* N as the tables show it: the baseline keeps every key */
static const char *nstr(const pt *x)
{
    static char buf[16];
    if (x->core == 1) return "all";
    snprintf(buf, sizeof buf, "%d", x->n);
    return buf;
}

static cJSON *num_or_null(double x) { return isnan(x) ? cJSON_CreateNull() : cJSON_CreateNumber(x); }

/* ---- the command ---- */

#define MAX_LOADS 4096 /* --kv-load files */

typedef struct opts {
    const char *out;
    fid fv[MAX_FID];
    int nfv;
    const char *loads[MAX_LOADS]; /* --kv-load */
    int nloads;
    const char *noise[MAX_LOADS]; /* --noise */
    int nnoise;
    const char *noise_loads[MAX_LOADS]; /* --noise-load */
    int nnoise_loads;
    int ref[4]; /* d, N, L, P of the one-parameter plots */
    int expect; /* grid points (0: unknown) */
} opts;

/* Options into o; the summary files are argv[optind..]. Exits 0 after --help, 2 on bad use. */
static void parse_args(int argc, char **argv, opts *o)
{
    static const struct option lo[] = {{"out", required_argument, 0, 'o'},
                                       {"fidelity", required_argument, 0, 'f'},
                                       {"ref", required_argument, 0, 'r'},
                                       {"expect", required_argument, 0, 'e'},
                                       {"kv-load", required_argument, 0, 'k'},
                                       {"noise", required_argument, 0, 'n'},
                                       {"noise-load", required_argument, 0, 'N'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
    int ch, *ref = o->ref;
    ref[0] = 64, ref[1] = 32, ref[2] = 1024, ref[3] = 16;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":", lo, NULL)) != -1) {
        switch (ch) {
        case 'o': o->out = optarg; break;
        case 'f': o->nfv = read_fidelity(o->fv, o->nfv, optarg); break;
        case 'k':
            if (o->nloads == MAX_LOADS) rp_die("--kv-load '%s': at most %d", optarg, MAX_LOADS);
            o->loads[o->nloads++] = optarg;
            break;
        case 'n':
            if (o->nnoise == MAX_LOADS) rp_die("--noise '%s': at most %d", optarg, MAX_LOADS);
            o->noise[o->nnoise++] = optarg;
            break;
        case 'N':
            if (o->nnoise_loads == MAX_LOADS) rp_die("--noise-load '%s': at most %d", optarg, MAX_LOADS);
            o->noise_loads[o->nnoise_loads++] = optarg;
            break;
        case 'r':
            if (sscanf(optarg, "%d,%d,%d,%d", &ref[0], &ref[1], &ref[2], &ref[3]) != 4 || ref[0] < 1 ||
                ref[1] < 1 || ref[2] < 1 || ref[3] < 1)
                rp_die("--ref '%s': must be D,N,L,P (positive integers, e.g. 64,32,1024,16)", optarg);
            break;
        case 'e': {
            char *end;
            long x = strtol(optarg, &end, 10);
            if (*optarg == 0 || *end || x < 1 || x > 1000000)
                rp_die("--expect '%s': must be the number of grid points, 1..1000000", optarg);
            o->expect = (int)x;
            break;
        }
        case 'h':
            printf(
                "usage: hgsweep --out DIR [--fidelity FILE ...] [--kv-load FILE ...] [--noise FILE ...]\n"
                "               [--noise-load FILE ...] [--ref D,N,L,P] [--expect N] SUMMARY_JSON ...\n"
                "  SUMMARY_JSON   reports/summary.json of one synth/flow.sh run per design point\n"
                "  --out DIR      writes results.csv, sweep.json, sweep.md, sweep_*.dat, sweep.gp, plots\n"
                "  --fidelity F   hadrun --json output; its golden/RTL backends give the fidelity of the\n"
                "                 points with the same d and N (baseline: any N) whose L holds the file's\n"
                "                 sentences.max_tokens; the largest such limit wins. HAD's comes from\n"
                "                 a run on a distilled model (model.distilled), the others' from a run\n"
                "                 on the original model, whose HAD rows are HAD post-training\n"
                "  --kv-load F    summary.json of a point's K/V load run (the flow over the cycles before\n"
                "                 the first query), matched to the point of its core, d, P, N, L,\n"
                "                 selector, sort cut and AV fan-out: the counted ratios (at equal queries/s "
                "too)\n"
                "  --noise F      summary.json of a repeat of a point's flow under a null perturbation of\n"
                "                 synthesis (SYN_SALT >= 1, the point's captures and window), matched to "
                "the\n"
                "                 point of its configuration; one per salt: the point's noise band\n"
                "  --noise-load F the K/V load run on a repeat's netlists (same SYN_SALT): its counted\n"
                "                 ratios in the band\n"
                "  --ref D,N,L,P  the point the against-one-parameter plots hold fixed (default "
                "64,32,1024,16)\n"
                "  --expect N     the grid has N points: a partial sweep says how many are missing\n");
            exit(0);
        case ':': rp_die("option '%s' needs a value (see --help)", argv[optind - 1]);
        default: rp_die("unknown option '%s' (see --help)", argv[optind - 1]);
        }
    }
    if (!o->out || argc - optind < 1) rp_die("--out and at least one summary.json are required (see --help)");
}

/* the point of l's core and configuration (the baseline: of its d, P, L), NULL if none */
static pt *point_of(pt *v, int n, const pt *l)
{
    for (int i = 0; i < n; i++)
        if (l->core != HG_CORE_BASELINE ? cmp_pt(&v[i], l) == 0
                                        : v[i].core == HG_CORE_BASELINE && v[i].d == l->d && v[i].p == l->p &&
                                              v[i].l == l->l && v[i].fan == l->fan)
            return &v[i];
    return NULL;
}

/* --kv-load FILE: the load run of the point of its core and configuration. */
static void read_load(pt *v, int n, const char *path)
{
    pt l;
    read_point(&l, path); /* its configuration, as a point's */
    rp_load got;
    int bad = rp_count_load_of(l.run, &got);
    pt *x = point_of(v, n, &l);
    cJSON_Delete(l.run);
    const char *why = bad  ? "no energy.window_nj or activity.cycles (not a K/V load run?)"
                      : !x ? "no point of this core, d, P, N, L, selector, sort cut and AV fan-out"
                      : isfinite(x->load.nj) ? "a second load run of its point"
                                             : NULL;
    if (why) rp_die("--kv-load '%s': %s", path, why);
    x->load = got;
}

/* --noise FILE: a repeat of the point of its configuration under SYN_SALT, on the point's
   captures and activity window (docs/synth.md, "Synthesis noise"). */
static void read_rep(pt *v, int n, const char *path)
{
    pt r;
    read_point(&r, path);
    int salt = rp_whole(r.run, "syn_salt"), dup = 0;
    pt *x = point_of(v, n, &r);
    for (int k = 0; x && k < x->nrep; k++) dup |= x->reps[k].salt == salt;
    const char *why = !x    ? "no point of this core, d, P, N, L, selector, sort cut and AV fan-out"
                      : dup ? "a second repeat of its point with this syn_salt"
                      : x->nrep == MAX_REPS ? "more repeats of its point than hgsweep takes (8)"
                                            : rp_noise_unfit(r.run, x->run, salt);
    if (why) {
        cJSON_Delete(r.run);
        rp_die("--noise '%s': %s", path, why);
    }
    x->reps[x->nrep++] = (rep){salt, r.f, r.run, RP_LOAD_NONE};
}

/* --noise-load FILE: the K/V load run on the netlists of a point's repeat of the same salt. */
static void read_rep_load(pt *v, int n, const char *path)
{
    pt l;
    read_point(&l, path);
    int salt = rp_whole(l.run, "syn_salt");
    rp_load got;
    int bad = rp_count_load_of(l.run, &got);
    pt *x = point_of(v, n, &l);
    cJSON_Delete(l.run);
    rep *r = NULL;
    for (int k = 0; x && k < x->nrep; k++)
        if (x->reps[k].salt == salt) r = &x->reps[k];
    const char *why = bad  ? "no energy.window_nj or activity.cycles (not a K/V load run?)"
                      : !x ? "no point of this core, d, P, N, L, selector, sort cut and AV fan-out"
                      : !r ? "no --noise repeat of its point with its syn_salt"
                      : isfinite(r->load.nj) ? "a second load run of that repeat"
                                             : NULL;
    if (why) rp_die("--noise-load '%s': %s", path, why);
    r->load = got;
}

/* x's energy against baseline b, counted (rp_count: both K/V loads, the uncertain corrections'
   range) into cnt (nominal, low, high), and at equal queries/s into qps; NAN as rp_count
   gives them. */
static void count_pair(const pt *x, const pt *b, double cnt[3], double qps[3])
{
    rp_count k;
    rp_count_init(&k);
    const pt *two[2] = {x, b};
    const int core[2] = {x->core, HG_CORE_BASELINE};
    for (int i = 0; i < 2; i++) {
        int c = core[i];
        k.run[c] = two[i]->run;
        k.figs[c] = two[i]->f;
        k.load[c] = two[i]->load;
        k.reuse[c] = rp_num(two[i]->run, "activity.queries");
    }
    cnt[0] = rp_count_ratio(&k, x->core, &cnt[1], &cnt[2]);
    qps[0] = rp_count_qps(&k, x->core, &qps[1], &qps[2]);
}

/* x's energy against the baseline of its workload, counted, at the flows' clock and at equal
   queries/s; NAN without a baseline. */
static void count(const pt *v, int n, pt *x)
{
    const pt *b = find(v, n, HG_CORE_BASELINE, x->d, x->p, x->n, x->l);
    if (b) count_pair(x, b, x->r_cnt, x->r_qps);
}

static void widen(band *b, double v)
{
    if (!isfinite(v)) return;
    if (isnan(b->lo) || v < b->lo) b->lo = v;
    if (isnan(b->hi) || v > b->hi) b->hi = v;
}

/* sample k of x as a point of its own: 0 its run, 1..nrep its repeats */
static pt sample(const pt *x, int k)
{
    pt s = *x;
    if (k) {
        const rep *r = &x->reps[k - 1];
        s.f = r->f;
        s.run = r->run;
        s.load = r->load;
    }
    return s;
}

/* The noise band of each point with repeats (or whose baseline has them): its Fmax and energy
   per query over its samples; its ratios against the baseline over every pairing of its
   samples with the baseline's, so the band holds both netlists' noise. */
static void noise_bands(pt *v, int n)
{
    for (int i = 0; i < n; i++) {
        pt *x = &v[i];
        const pt *b = find(v, n, HG_CORE_BASELINE, x->d, x->p, x->n, x->l);
        for (int k = 0; x->nrep && k <= x->nrep; k++) {
            const rp_figs_t *f = k ? &x->reps[k - 1].f : &x->f;
            widen(&x->nz_fmax, f->fmax);
            widen(&x->nz_energy, f->e_query);
        }
        if (!b || x->core == HG_CORE_BASELINE || (!x->nrep && !b->nrep)) continue;
        for (int k = 0; k <= x->nrep; k++)
            for (int j = 0; j <= b->nrep; j++) {
                pt xs = sample(x, k), bs = sample(b, j);
                double cnt[3], qps[3];
                count_pair(&xs, &bs, cnt, qps);
                widen(&x->nz_ratio, xs.f.e_query / bs.f.e_query);
                widen(&x->nz_qps, qps[0]);
            }
    }
}

/* The points of the summary files, sorted, each once, with their ratios against the
   baseline of the same workload and their fidelity; the Pareto fronts marked. */
static pt *load_points(char **files, int n, const opts *o)
{
    pt *v = calloc((size_t)n, sizeof *v);
    if (!v) rp_die("out of memory for %d points", n);
    for (int i = 0; i < n; i++) read_point(&v[i], files[i]);
    qsort(v, (size_t)n, sizeof *v, cmp_pt);
    for (int i = 1; i < n; i++)
        if (cmp_pt(&v[i - 1], &v[i]) == 0)
            rp_die("two summaries of the same point %s d=%d P=%d N=%d L=%d selector %s%s%s",
                   RP_CORE_NAME(v[i].core), v[i].d, v[i].p, v[i].n, v[i].l, sel_label(&v[i]),
                   v[i].fan == HG_AV_FAN_AUTO ? "" : ", ", fan_label(&v[i]));
    for (int i = 0; i < n; i++) {
        const pt *b = find(v, n, HG_CORE_BASELINE, v[i].d, v[i].p, v[i].n, v[i].l);
        if (b) {
            v[i].r_area = v[i].f.area_logic / b->f.area_logic;
            v[i].r_area_mem = v[i].f.area / b->f.area;
            v[i].r_energy = v[i].f.e_query / b->f.e_query;
        }
        /* the measurement on the longest texts the point's L holds (and HAD post-training's) */
        for (int k = 0; k < o->nfv; k++) {
            const fid *f = &o->fv[k];
            if (f->core != v[i].core || f->d != v[i].d || (f->n != 0 && f->n != v[i].n) ||
                v[i].l < f->max_tokens)
                continue;
            if (f->post && f->max_tokens >= v[i].ctx_pt) {
                v[i].ctx_pt = f->max_tokens;
                v[i].cos_pt = f->cos;
                v[i].nn_pt = f->nn;
            } else if (!f->post && f->max_tokens >= v[i].ctx) {
                v[i].ctx = f->max_tokens;
                v[i].cos = f->cos;
                v[i].nn = f->nn;
                v[i].recall = f->recall;
            }
        }
    }
    for (int k = 0; k < o->nloads; k++) read_load(v, n, o->loads[k]);
    for (int k = 0; k < o->nnoise; k++) read_rep(v, n, o->noise[k]);
    for (int k = 0; k < o->nnoise_loads; k++) read_rep_load(v, n, o->noise_loads[k]);
    for (int i = 0; i < n; i++) count(v, n, &v[i]);
    noise_bands(v, n);
    fronts(v, n);
    return v;
}

/* results.csv and sweep.json: one row / object per point. */
static void write_results(const char *out, const pt *v, int n)
{
    FILE *csv = rp_out_file(out, "results.csv");
    fprintf(csv,
            "core,d,p,n,l,logic_area_mm2,memory_area_mm2,area_mm2,fmax_mhz,cycles_per_query,queries_per_s,"
            "logic_power_mw,power_mw,energy_per_query_nj,energy_per_query_node_nj,logic_area_vs_baseline,"
            "area_vs_baseline,energy_vs_baseline,fidelity_cos,fidelity_nn,fidelity_recall,fidelity_tokens,"
            "pareto_area_energy,pareto_fidelity_energy,critical_path_ns,worst_stage_ns,worst_stage_load_pf,"
            "worst_stage_pin,fidelity_cos_post_training,fidelity_nn_post_training,selector,select_area_mm2,"
            "select_power_mw,sort_cut,energy_vs_baseline_counted,energy_vs_baseline_counted_low,"
            "energy_vs_baseline_counted_high,energy_vs_baseline_equal_qps_counted,"
            "energy_vs_baseline_equal_qps_counted_low,energy_vs_baseline_equal_qps_counted_high,"
            "pareto_fidelity_equal_qps,noise_repeats,fmax_mhz_noise_low,fmax_mhz_noise_high,"
            "energy_per_query_nj_noise_low,energy_per_query_nj_noise_high,energy_vs_baseline_noise_low,"
            "energy_vs_baseline_noise_high,energy_vs_baseline_equal_qps_counted_noise_low,"
            "energy_vs_baseline_equal_qps_counted_noise_high,av_fan\n");
    cJSON *root = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(root, "points");
    cJSON_AddStringToObject(root, "tool", "hgsweep");
    for (int i = 0; i < n; i++) {
        const pt *x = &v[i];
        fprintf(csv, "%s,%d,%d,%d,%d", RP_CORE_NAME(x->core), x->d, x->p, x->n, x->l);
        double cv[16] = {x->f.area_logic, x->f.area_mem,    x->f.area,   x->f.fmax,    x->f.ii,
                         x->f.qps,        x->f.power_logic, x->f.power,  x->f.e_query, x->f.e_query_node,
                         x->r_area,       x->r_area_mem,    x->r_energy, x->cos,       x->nn,
                         x->recall};
        for (int k = 0; k < 16; k++) /* not measured: empty field */
            fprintf(csv, isnan(cv[k]) ? "," : ",%g", cv[k]);
        fprintf(csv, x->ctx ? ",%d" : ",", x->ctx);
        fprintf(csv, ",%d,%d", x->front_area, x->front_fid);
        double tv[3] = {x->crit_ns, x->ws_ns, x->ws_pf};
        for (int k = 0; k < 3; k++) fprintf(csv, isnan(tv[k]) ? "," : ",%g", tv[k]);
        fprintf(csv, ",%s", x->ws_pin);
        fprintf(csv, isnan(x->cos_pt) ? "," : ",%g", x->cos_pt);
        fprintf(csv, isnan(x->nn_pt) ? "," : ",%g", x->nn_pt);
        fprintf(csv, ",%s", hg_sel_name((hg_sel_kind)x->sel));
        fprintf(csv, isnan(x->sel_area) ? "," : ",%g", x->sel_area);
        fprintf(csv, isnan(x->sel_power) ? "," : ",%g", x->sel_power);
        fprintf(csv, ",%s", hg_cut_name((hg_cut_kind)x->cut));
        for (int k = 0; k < 6; k++) {
            double c = k < 3 ? x->r_cnt[k] : x->r_qps[k - 3];
            fprintf(csv, isnan(c) ? "," : ",%g", c);
        }
        fprintf(csv, ",%d,%d", x->front_qps, x->nrep);
        const band *bs[4] = {&x->nz_fmax, &x->nz_energy, &x->nz_ratio, &x->nz_qps};
        for (int k = 0; k < 4; k++) {
            fprintf(csv, isnan(bs[k]->lo) ? "," : ",%g", bs[k]->lo);
            fprintf(csv, isnan(bs[k]->hi) ? "," : ",%g", bs[k]->hi);
        }
        char fan[16];
        hg_cfg fc = {.fan_opt = x->fan};
        fprintf(csv, ",%s\n", hg_cfg_fan_text(&fc, fan, sizeof fan));
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "core", RP_CORE_NAME(x->core));
        cJSON_AddStringToObject(o, "selector", hg_sel_name((hg_sel_kind)x->sel));
        cJSON_AddStringToObject(o, "sort_cut", hg_cut_name((hg_cut_kind)x->cut));
        if (x->fan >
            0) /* as the manifest writes --av-fan: a stage size as a number, auto and off as strings */
            cJSON_AddNumberToObject(o, "av_fan", x->fan);
        else
            cJSON_AddStringToObject(o, "av_fan", x->fan == HG_AV_FAN_OFF ? "off" : "auto");
        int ip[4] = {x->d, x->p, x->n, x->l};
        const char *in[4] = {"d", "lanes", "top_n", "max_keys"};
        for (int k = 0; k < 4; k++) cJSON_AddNumberToObject(o, in[k], ip[k]);
        const char *dn[16] = {"logic_area_mm2",
                              "memory_area_mm2",
                              "area_mm2",
                              "fmax_mhz",
                              "cycles_per_query",
                              "queries_per_s",
                              "logic_power_mw",
                              "power_mw",
                              "energy_per_query_nj",
                              "energy_per_query_node_nj",
                              "logic_area_vs_baseline",
                              "area_vs_baseline",
                              "energy_vs_baseline",
                              "fidelity_cos",
                              "fidelity_nn",
                              "fidelity_recall"};
        for (int k = 0; k < 16; k++) cJSON_AddItemToObject(o, dn[k], num_or_null(cv[k]));
        cJSON_AddItemToObject(o, "fidelity_tokens", x->ctx ? cJSON_CreateNumber(x->ctx) : cJSON_CreateNull());
        cJSON_AddBoolToObject(o, "pareto_area_energy", x->front_area);
        cJSON_AddBoolToObject(o, "pareto_fidelity_energy", x->front_fid);
        cJSON_AddItemToObject(o, "critical_path_ns", num_or_null(x->crit_ns));
        cJSON_AddItemToObject(o, "worst_stage_ns", num_or_null(x->ws_ns));
        cJSON_AddItemToObject(o, "worst_stage_load_pf", num_or_null(x->ws_pf));
        cJSON_AddItemToObject(o, "worst_stage_pin",
                              x->ws_pin[0] ? cJSON_CreateString(x->ws_pin) : cJSON_CreateNull());
        cJSON_AddItemToObject(o, "fidelity_cos_post_training", num_or_null(x->cos_pt));
        cJSON_AddItemToObject(o, "fidelity_nn_post_training", num_or_null(x->nn_pt));
        cJSON_AddItemToObject(o, "select_area_mm2", num_or_null(x->sel_area));
        cJSON_AddItemToObject(o, "select_power_mw", num_or_null(x->sel_power));
        static const char *const cn[6] = {"energy_vs_baseline_counted",
                                          "energy_vs_baseline_counted_low",
                                          "energy_vs_baseline_counted_high",
                                          "energy_vs_baseline_equal_qps_counted",
                                          "energy_vs_baseline_equal_qps_counted_low",
                                          "energy_vs_baseline_equal_qps_counted_high"};
        for (int k = 0; k < 6; k++)
            cJSON_AddItemToObject(o, cn[k], num_or_null(k < 3 ? x->r_cnt[k] : x->r_qps[k - 3]));
        cJSON_AddBoolToObject(o, "pareto_fidelity_equal_qps", x->front_qps);
        cJSON_AddNumberToObject(o, "noise_repeats", x->nrep);
        static const char *const nzn[4] = {"fmax_mhz_noise", "energy_per_query_nj_noise",
                                           "energy_vs_baseline_noise",
                                           "energy_vs_baseline_equal_qps_counted_noise"};
        for (int k = 0; k < 4; k++) {
            char key[64];
            snprintf(key, sizeof key, "%s_low", nzn[k]);
            cJSON_AddItemToObject(o, key, num_or_null(bs[k]->lo));
            snprintf(key, sizeof key, "%s_high", nzn[k]);
            cJSON_AddItemToObject(o, key, num_or_null(bs[k]->hi));
        }
        cJSON_AddItemToArray(arr, o);
    }
    rp_out_close(csv);
    rp_write_json(out, "sweep.json", root);
    cJSON_Delete(root);
}

/* sweep.md: the HAD and int8 + top-N rows against the baseline of each workload. */
static void md_ratios(FILE *md, const pt *v, int n)
{
    fprintf(
        md,
        "### HAD and int8 + top-N against the baseline of the same d, P and L\n\n"
        "Energy/query: the flows' own at one clock; counted: with both cores' K/V load runs where given "
        "(`--kv-load`) and the range of the uncertain corrections (clock network, memory buses, boundary "
        "wires); at equal queries/s: counted, the faster core at a lower logic supply, the range over the "
        "supply law's parameters and the corrections together (docs/synth.md).\n\n"
        "| d | L | P | N | HAD logic area | HAD area + memories | HAD energy/query | HAD counted (range) | "
        "HAD at equal queries/s, counted (range) | int8-topn logic area | int8-topn energy/query | "
        "int8-topn at equal queries/s, counted | HAD Fmax MHz | baseline Fmax MHz "
        "|\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < n; i++) {
        const pt *h = &v[i];
        if (h->core != HG_CORE_HAD || !is_default(h)) continue;
        const pt *b = find(v, n, HG_CORE_BASELINE, h->d, h->p, h->n, h->l);
        const pt *q = find(v, n, HG_CORE_I8TOPN, h->d, h->p, h->n, h->l);
        char c[8][32], r[2][64];
        fprintf(md, "| %d | %d | %d | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", h->d, h->l,
                h->p, h->n, cell(c[0], h->r_area, 3), cell(c[1], h->r_area_mem, 3),
                cell(c[2], h->r_energy, 3), range_cell(r[0], h->r_cnt), range_cell(r[1], h->r_qps),
                cell(c[3], q ? q->r_area : NAN, 3), cell(c[4], q ? q->r_energy : NAN, 3),
                cell(c[7], q ? q->r_qps[0] : NAN, 3), cell(c[5], h->f.fmax, 1),
                cell(c[6], b ? b->f.fmax : NAN, 1));
    }
}

/* sweep.md: the points built with another top-N selector or AV fan-out against the default point
   of the same core and (d, P, N, L) (none: no section). */
static void md_selectors(FILE *md, const pt *v, int n)
{
    int any = 0, fans = 0;
    for (int i = 0; i < n; i++) any |= !is_default(&v[i]), fans |= v[i].fan != HG_AV_FAN_AUTO;
    if (!any) return;
    fprintf(md,
            "\n### %s against each core's default at the same point\n\n"
            "The same core and (d, P, N, L) built with another selector or sort cut (`hadgen --selector`, "
            "`--sort-cut`) or other fan-out stages in the AV unit (`--av-fan`): the same outputs, other "
            "hardware. Ratios to the point built with the core's default selector (HAD counting, int8-topn "
            "twostage) and fan-out (auto); - where it was not computed. The Pareto flag: on the area/energy "
            "front of its workload.\n\n"
            "| core | variant | d | L | P | N | select mm^2 | select area | logic area | energy/query | "
            "Fmax MHz | Fmax | area front |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
            fans ? "Top-N selectors and AV fan-out stages" : "Top-N selectors");
    for (int i = 0; i < n; i++) {
        const pt *x = &v[i];
        if (is_default(x)) continue;
        const pt *m = find(v, n, x->core, x->d, x->p, x->n, x->l);
        char c[6][32];
        fprintf(md, "| %s | %s | %d | %d | %d | %s | %s | %s | %s | %s | %.1f | %s | %s |\n",
                RP_CORE_NAME(x->core), variant_label(x), x->d, x->l, x->p, nstr(x),
                cell(c[0], x->core == HG_CORE_BASELINE ? NAN : x->sel_area, 3),
                cell(c[1], m ? x->sel_area / m->sel_area : NAN, 3),
                cell(c[2], m ? x->f.area_logic / m->f.area_logic : NAN, 3),
                cell(c[3], m ? x->f.e_query / m->f.e_query : NAN, 3), x->f.fmax,
                cell(c[4], m ? x->f.fmax / m->f.fmax : NAN, 3), x->front_area ? "yes" : "no");
    }
}

/* a table cell: "x (lo-hi)" with this many decimals, "x" without a band, "-" if not measured */
static const char *band_cell(char buf[64], double x, band b, int decimals)
{
    if (isnan(x)) return strcpy(buf, "-");
    if (isnan(b.lo))
        snprintf(buf, 64, "%.*f", decimals, x);
    else
        snprintf(buf, 64, "%.*f (%.*f-%.*f)", decimals, x, decimals, b.lo, decimals, b.hi);
    return buf;
}

/* sweep.md: the synthesis noise band of the points with repeats (none: no section). */
static void md_noise(FILE *md, const pt *v, int n)
{
    int any = 0;
    for (int i = 0; i < n; i++) any |= v[i].nrep > 0;
    if (!any) return;
    fprintf(md, "\n### Synthesis noise\n\n"
                "Each point's flow repeated under null perturbations of synthesis (`--noise`: SYN_SALT, abc "
                "maps a permuted copy of the same logic; the point's captures and activity window), each "
                "netlist checked at gate level. Each figure: the point's run, then the smallest and largest "
                "over that run and its repeats; a ratio over every pairing of the point's samples with its "
                "baseline's, so its band holds both netlists' noise. A difference inside the band is the "
                "flow's, not the design's.\n\n"
                "| core | d | L | P | N | repeats (salts) | Fmax MHz | energy/query nJ | energy / baseline | "
                "at equal queries/s, counted |\n|---|---|---|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < n; i++) {
        const pt *x = &v[i];
        if (!x->nrep) continue;
        char salts[64] = "", c[4][64];
        for (int k = 0, at = 0; k < x->nrep && at < (int)sizeof salts - 12; k++)
            at += snprintf(salts + at, sizeof salts - (size_t)at, "%s%d", k ? ", " : "", x->reps[k].salt);
        fprintf(md, "| %s | %d | %d | %d | %s | %d (%s) | %s | %s | %s | %s |\n", core_label(x), x->d, x->l,
                x->p, nstr(x), x->nrep, salts, band_cell(c[0], x->f.fmax, x->nz_fmax, 1),
                band_cell(c[1], x->f.e_query, x->nz_energy, 1), band_cell(c[2], x->r_energy, x->nz_ratio, 3),
                band_cell(c[3], x->r_qps[0], x->nz_qps, 3));
    }
}

/* sweep.md: the Pareto fronts (area, and fidelity when measured, against energy). */
static void md_fronts(FILE *md, const pt *v, int n, const opts *o, int have_fid)
{
    int *ord = malloc(sizeof(int) * (size_t)n), m;
    if (!ord) rp_die("out of memory");
    fprintf(md,
            "\n### Pareto fronts: area (logic + memories) against energy per query\n\n"
            "Within each workload (d, P, L): the points no other point of the same workload beats in both "
            "area and energy per query, by energy.\n\n"
            "| core | d | N | L | P | area mm^2 | energy/query nJ | queries/s at Fmax "
            "|\n|---|---|---|---|---|---|---|---|\n");
    m = front_order(v, n, 0, ord);
    for (int k = 0; k < m; k++) {
        const pt *x = &v[ord[k]];
        fprintf(md, "| %s | %d | %s | %d | %d | %.3f | %.2f | %.3g |\n", core_label(x), x->d, nstr(x), x->l,
                x->p, x->f.area, x->f.e_query, x->f.qps);
    }
    if (have_fid) {
        fprintf(md,
                "\n### Pareto fronts: fidelity against energy per query\n\nWithin each workload, as above. "
                "Fidelity: golden models of each core type on all-MiniLM-L6-v2 (end-to-end embedding cosine "
                "against the original float model, nearest-neighbour agreement, top-N recall), for points "
                "with the model's head dimension, measured on the longest texts the point's L holds (column "
                "tokens: the evaluation sentences cut at that many tokens, or passages of consecutive "
                "sentences); few long passages make the NN agreement coarse. HAD: the distilled model "
                "(learned per-head alpha), the HAD a deployment would run; the baseline and int8 + top-N: "
                "the original model. HAD post-training (sign + top-N on the original model) is in "
                "results.csv (`fidelity_cos_post_training`, `fidelity_nn_post_training`). Files:");
        for (int k = 0; k < o->nfv; k++)
            if (k == 0 || strcmp(o->fv[k].file, o->fv[k - 1].file) != 0) fprintf(md, " `%s`", o->fv[k].file);
        fprintf(md, ".\n\n| core | d | N | L | P | tokens | embedding cosine | NN agreement | top-N recall | "
                    "energy/query nJ |\n"
                    "|---|---|---|---|---|---|---|---|---|---|\n");
        m = front_order(v, n, 1, ord);
        for (int k = 0; k < m; k++) {
            const pt *x = &v[ord[k]];
            char c[32];
            fprintf(md, "| %s | %d | %s | %d | %d | %d | %.4f | %.3f | %s | %.2f |\n", core_label(x), x->d,
                    nstr(x), x->l, x->p, x->ctx, x->cos, x->nn, cell(c, x->recall, 3), x->f.e_query);
        }
        m = front_order(v, n, 2, ord);
        if (m) {
            fprintf(md,
                    "\n### Pareto fronts: fidelity against energy per query at equal queries/s\n\n"
                    "Within each workload, as above, on each point's energy per query over the baseline's at "
                    "equal queries/s, counted (the faster of the two at a lower logic supply; the baseline "
                    "is 1): the comparison at the same throughput, where a fast selector can pay for "
                    "itself.\n\n"
                    "| core | d | N | L | P | tokens | embedding cosine | energy/query / baseline at equal "
                    "queries/s, counted (range) | Fmax MHz |\n|---|---|---|---|---|---|---|---|---|\n");
            for (int k = 0; k < m; k++) {
                const pt *x = &v[ord[k]];
                char r[64];
                fprintf(md, "| %s | %d | %s | %d | %d | %d | %.4f | %s | %.1f |\n", core_label(x), x->d,
                        nstr(x), x->l, x->p, x->ctx, x->cos, range_cell(r, x->r_qps), x->f.fmax);
            }
        }
    }
    free(ord);
}

/* sweep.md: the grid, the ratios, the fronts and the plots. */
static void write_markdown(const char *out, const pt *v, int n, const opts *o, int have_fid)
{
    int expect = o->expect;
    int ds[64], nd, ns[64], nn, ls[64], nl, ps[64], np;
    values(v, n, 'd', ds, &nd);
    values(v, n, 'n', ns, &nn);
    values(v, n, 'l', ls, &nl);
    values(v, n, 'p', ps, &np);
    FILE *md = rp_out_file(out, "sweep.md");
    if (expect > n)
        fprintf(md,
                "## Design-space sweep: %d of %d grid points (partial: `make sweep` computes the rest)\n\n"
                "Grid: d {",
                n, expect);
    else
        fprintf(md, "## Design-space sweep: %d points (`make sweep`)\n\nGrid: d {", n);
    list(md, ds, nd);
    fprintf(md, "}, N {");
    list(md, ns, nn);
    fprintf(md, "}, L {");
    list(md, ls, nl);
    fprintf(md, "}, P {");
    list(md, ps, np);
    fprintf(md, "}");
    int seen[HG_NSELS][HG_NCUTS] = {{0}}, other = 0;
    for (int i = 0; i < n; i++)
        if (v[i].core != HG_CORE_BASELINE) { /* the top-N cores' selectors (the baseline has none) */
            seen[v[i].sel][v[i].cut] = 1;
            other |= other_sel(&v[i]);
        }
    if (other) {
        fprintf(md, ", top-N selectors {");
        static const hg_cut_kind order[HG_NCUTS] = {HG_CUT_AUTO, HG_CUT_OFF, HG_CUT_ON};
        for (int k = 0, w = 0; k < HG_NSELS; k++)
            for (int oc = 0; oc < HG_NCUTS; oc++) {
                hg_cut_kind c = order[oc];
                if (seen[k][c])
                    fprintf(md, "%s%s%s%s", w++ ? ", " : "", hg_sel_name((hg_sel_kind)k),
                            c == HG_CUT_AUTO ? "" : " with sort cut ",
                            c == HG_CUT_AUTO ? "" : hg_cut_name(c));
            }
        fprintf(md, "}");
    }
    int fans[64], nf = 0; /* the fan-out choices, in the points' order: auto, off, the stage sizes */
    for (int i = 0; i < n; i++) {
        int dup = 0;
        for (int k = 0; k < nf; k++) dup |= fans[k] == v[i].fan;
        if (!dup && nf < 64) fans[nf++] = v[i].fan;
    }
    for (int a = 0; a < nf; a++)
        for (int b = a + 1; b < nf; b++) {
            int ka = fans[a] == HG_AV_FAN_AUTO ? -2 : fans[a], kb = fans[b] == HG_AV_FAN_AUTO ? -2 : fans[b];
            if (kb < ka) {
                int t = fans[a];
                fans[a] = fans[b];
                fans[b] = t;
            }
        }
    if (nf > 1 || (nf == 1 && fans[0] != HG_AV_FAN_AUTO)) {
        fprintf(md, ", AV fan-out stages {");
        for (int k = 0; k < nf; k++) {
            char t[16];
            hg_cfg fc = {.fan_opt = fans[k]};
            fprintf(md, "%s%s", k ? ", " : "", hg_cfg_fan_text(&fc, t, sizeof t));
        }
        fprintf(md, "}");
    }
    fprintf(
        md,
        "%s; cores had, baseline (one point per d, P, L: it keeps all keys), int8-topn. Each point is "
        "generated, simulated (synthetic random int8 stimulus), synthesized, timed and its power estimated "
        "from gate-level activity (synth/flow.sh). Energy per query includes the memories; areas in mm^2 at "
        "osu018 180 nm. Every row: `results.csv` / `sweep.json`.\n\n",
        expect > n ? " (values of the points computed so far)" : "");
    md_ratios(md, v, n);
    md_selectors(md, v, n);
    md_noise(md, v, n);
    md_fronts(md, v, n, o, have_fid);
    int have_qps = 0;
    for (int i = 0; i < n; i++) have_qps |= v[i].front_qps;
    fprintf(md, "\n![area vs energy](sweep_pareto_area.png)%s%s\n",
            have_fid ? " ![fidelity vs energy](sweep_pareto_fidelity.png)" : "",
            have_qps ? " ![fidelity vs energy at equal queries/s](sweep_pareto_fidelity_qps.png)" : "");
    for (int a = 0; a < 3; a++)
        fprintf(md, "![energy vs %c](sweep_energy_vs_%c.png) ![area vs %c](sweep_area_vs_%c.png)\n", "NdL"[a],
                "ndl"[a], "NdL"[a], "ndl"[a]);
    rp_out_close(md);
}

int main(int argc, char **argv)
{
    rp_prog = "hgsweep";
    static opts o;
    parse_args(argc, argv, &o);
    int n = argc - optind, *ref = o.ref;
    pt *v = load_points(argv + optind, n, &o);
    int have_fid = 0;
    for (int i = 0; i < n; i++) have_fid |= !isnan(v[i].cos);
    /* the reference of the one-parameter plots: --ref if it is a point, else the first HAD point */
    if (!find(v, n, HG_CORE_HAD, ref[0], ref[3], ref[1], ref[2])) {
        ref[0] = v[0].d, ref[1] = v[0].n, ref[2] = v[0].l, ref[3] = v[0].p; /* HAD sorts first */
    }
    write_results(o.out, v, n);
    write_markdown(o.out, v, n, &o, have_fid);
    const char *out = o.out;
    int expect = o.expect;
    int rows[3] = {axis_dat(out, v, n, 'n', ref), axis_dat(out, v, n, 'd', ref),
                   axis_dat(out, v, n, 'l', ref)};
    points_dat(out, v, n);
    int fa = 0, ff = 0, fq = 0;
    for (int i = 0; i < n; i++) fa += v[i].front_area, ff += v[i].front_fid, fq += v[i].front_qps;
    int rc = plots(out, have_fid, fq > 0, ref, rows);
    if (expect > n) printf("hgsweep: partial sweep, %d of %d grid points\n", n, expect);
    printf(
        "hgsweep: %d points; Pareto fronts: %d (area/energy), %d (fidelity/energy), %d (fidelity/energy at "
        "equal queries/s); %s/sweep.md results.csv sweep.json\n",
        n, fa, ff, fq, out);
    for (int i = 0; i < n; i++) {
        cJSON_Delete(v[i].run);
        for (int k = 0; k < v[i].nrep; k++) cJSON_Delete(v[i].reps[k].run);
    }
    free(v);
    return rc;
}
