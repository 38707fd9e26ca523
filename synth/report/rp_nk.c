/*
 * rp_nk.c — the report's workload section: energy per query against n_k (rp_nk.h).
 */
#include "rp_nk.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HAD  HG_CORE_HAD
#define BASE HG_CORE_BASELINE

static const char *const PARAMS[4] = {"params.d", "params.lanes", "params.top_n", "params.max_keys"};

/* 1 when a and b differ in one of PARAMS */
static int other_config(const cJSON *a, const cJSON *b)
{
    for (int k = 0; k < 4; k++)
        if (rp_num(a, PARAMS[k]) != rp_num(b, PARAMS[k])) return 1;
    return 0;
}

/* Bad input in run j (read from path) of option opt: frees j, rp_die naming both. */
__attribute__((noreturn)) static void refuse(const char *opt, const char *path, cJSON *j, int nk,
                                             const char *bad)
{
    char msg[1600];
    snprintf(msg, sizeof msg, "--%s: %.1200s (core '%.40s', n_keys %d): %.300s", opt, path, rp_str(j, "core"),
             nk, bad);
    cJSON_Delete(j);
    rp_die("%s", msg);
}

void rp_nk_parse(rp_nk_point *p, const char *arg, const char *opt)
{
    char dirs[8192];
    if (snprintf(dirs, sizeof dirs, "%s", arg) >= (int)sizeof dirs)
        rp_die("--%s '%.64s...': longer than %zu characters", opt, arg, sizeof dirs - 1);
    memset(p, 0, sizeof *p);
    rp_count_init(&p->k);
    const cJSON *first = NULL;
    for (char *d = strtok(dirs, ","); d; d = strtok(NULL, ",")) {
        char path[1200];
        rp_summary_path(path, sizeof path, opt, d);
        cJSON *j = rp_load_json(path);
        char why[256] = "";
        int ci = rp_core_index(rp_str(j, "core")), nk = rp_whole(j, "activity.n_keys");
        const char *bad = NULL;
        if (ci < 0)
            bad = "unknown core type";
        else if (p->k.run[ci])
            bad = "a second run of this core type in one point (give one per core type)";
        else if (!nk)
            bad = "no activity.n_keys (a run of an older flow, or a capture that does not state its keys)";
        else if (first && nk != p->n_keys)
            bad = "n_k differs from the other runs of this point";
        else if (rp_figs(j, &p->k.figs[ci], why, sizeof why) != 0)
            bad = why;
        if (!bad && first && other_config(j, first))
            bad = "another configuration (params d, lanes, top_n, max_keys) than the other runs";
        if (bad) refuse(opt, path, j, nk, bad);
        p->k.run[ci] = j;
        p->n_keys = nk;
        snprintf(p->dir[ci], sizeof p->dir[ci], "%s", d);
        if (!first) first = j;
    }
    if (!first) rp_die("--%s '%s': no run directory", opt, arg);
}

static const cJSON *any_run(const rp_nk_point *p)
{
    for (int c = 0; c < RP_NCORES; c++)
        if (p->k.run[c]) return p->k.run[c];
    return NULL;
}

static int by_nk(const void *a, const void *b)
{
    return ((const rp_nk_point *)a)->n_keys - ((const rp_nk_point *)b)->n_keys;
}

/* a / b; NAN when either run is absent or b is not > 0 */
static double had_over(const rp_nk_point *p, int c)
{
    if (!p->k.run[HAD] || !p->k.run[c] || !(p->k.figs[c].e_query > 0)) return NAN;
    return p->k.figs[HAD].e_query / p->k.figs[c].e_query;
}

static cJSON *num_or_null(double x) { return isfinite(x) ? cJSON_CreateNumber(x) : cJSON_CreateNull(); }

void rp_nk_check(rp_nk_point *pts, int n, const char *opt)
{
    qsort(pts, (size_t)n, sizeof *pts, by_nk);
    for (int i = 1; i < n; i++) {
        if (pts[i].n_keys == pts[i - 1].n_keys) rp_die("--%s: two points of n_k = %d", opt, pts[i].n_keys);
        for (int k = 0; k < 4; k++)
            if (rp_num(any_run(&pts[i]), PARAMS[k]) != rp_num(any_run(&pts[0]), PARAMS[k]))
                rp_die("--%s: the point of n_k = %d has %s = %g, the point of n_k = %d has %g: one "
                       "configuration per sweep",
                       opt, pts[i].n_keys, PARAMS[k], rp_num(any_run(&pts[i]), PARAMS[k]), pts[0].n_keys,
                       rp_num(any_run(&pts[0]), PARAMS[k]));
    }
}

void rp_nk_load(rp_nk_point *pts, int n, const char *arg, const char *opt, const char *sweep_opt)
{
    char dirs[8192];
    if (snprintf(dirs, sizeof dirs, "%s", arg) >= (int)sizeof dirs)
        rp_die("--%s '%.64s...': longer than %zu characters", opt, arg, sizeof dirs - 1);
    char no_run[96], no_queries[96], other[128];
    snprintf(no_run, sizeof no_run, "no --%s run of this core type and n_k", sweep_opt);
    snprintf(no_queries, sizeof no_queries, "its --%s run has no activity.queries", sweep_opt);
    snprintf(other, sizeof other,
             "another configuration (params d, lanes, top_n, max_keys) than its --%s run", sweep_opt);
    for (char *d = strtok(dirs, ","); d; d = strtok(NULL, ",")) {
        char path[1200];
        rp_summary_path(path, sizeof path, opt, d);
        cJSON *j = rp_load_json(path);
        int ci = rp_core_index(rp_str(j, "core")), nk = rp_whole(j, "activity.n_keys");
        rp_nk_point *p = NULL;
        for (int i = 0; i < n && ci >= 0; i++)
            if (pts[i].n_keys == nk && pts[i].k.run[ci]) p = &pts[i];
        rp_load got;
        double reuse = p ? rp_num(p->k.run[ci], "activity.queries") : NAN;
        const char *bad = ci < 0                       ? "unknown core type"
                          : !p                         ? no_run
                          : isfinite(p->k.load[ci].nj) ? "a second load run of this core type and n_k"
                          : rp_count_load_of(j, &got)  ? "no energy.window_nj or activity.cycles"
                          : !(reuse > 0)               ? no_queries
                                                       : NULL;
        if (!bad && other_config(j, p->k.run[ci])) bad = other;
        if (bad) refuse(opt, path, j, nk, bad);
        cJSON_Delete(j);
        p->k.load[ci] = got;
        p->k.reuse[ci] = reuse;
    }
}

/* Least squares y = X coef over the rows whose y is finite (X: n rows of k columns, k <= 3),
   by the normal equations; *res the largest relative residual. Returns 0, or -1 (coef and *res
   NAN) with fewer rows than columns or columns the rows do not separate. */
static int lsq(const double (*X)[3], const double *y, int n, int k, double *coef, double *res)
{
    double m[3][4] = {{0}}, diag = 0;
    int rows = 0;
    for (int i = 0; i < k; i++) coef[i] = NAN;
    *res = NAN;
    for (int r = 0; r < n; r++) {
        if (!isfinite(y[r])) continue;
        rows++;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) m[i][j] += X[r][i] * X[r][j];
            m[i][k] += X[r][i] * y[r];
        }
    }
    if (rows < k) return -1;
    for (int i = 0; i < k; i++) diag = fmax(diag, m[i][i]);
    for (int i = 0; i < k; i++) { /* Gauss-Jordan with partial pivoting */
        int p = i;
        for (int r = i + 1; r < k; r++)
            if (fabs(m[r][i]) > fabs(m[p][i])) p = r;
        if (!(fabs(m[p][i]) > 1e-9 * diag)) return -1;
        for (int j = 0; j <= k; j++) {
            double t = m[i][j];
            m[i][j] = m[p][j];
            m[p][j] = t;
        }
        for (int r = 0; r < k; r++) {
            if (r == i) continue;
            double f = m[r][i] / m[i][i];
            for (int j = i; j <= k; j++) m[r][j] -= f * m[i][j];
        }
    }
    double c[3];
    for (int i = 0; i < k; i++) c[i] = m[i][k] / m[i][i];
    double worst = 0;
    for (int r = 0; r < n; r++) {
        if (!isfinite(y[r])) continue;
        double fit = 0;
        for (int i = 0; i < k; i++) fit += c[i] * X[r][i];
        worst = fmax(worst, fabs(fit - y[r]) / fabs(y[r]));
    }
    for (int i = 0; i < k; i++) coef[i] = c[i];
    *res = worst;
    return 0;
}

static void nk_range(const rp_nk_point *pts, int n, int *lo, int *hi)
{
    *lo = n > 0 ? pts[0].n_keys : 0;
    *hi = n > 0 ? pts[n - 1].n_keys : 0;
}

void rp_nk_fit_energy(const rp_nk_point *pts, int n, int gated, rp_nk_fit *f)
{
    memset(f, 0, sizeof *f);
    nk_range(pts, n, &f->nk_lo, &f->nk_hi);
    /* columns: 1, n_k, cycles a query (the line in n_k takes the first two) */
    double x[RP_NK_MAX][3], yq[RP_NK_MAX], yc[RP_NK_MAX], yl[RP_NK_MAX], co[3];
    for (int c = 0; c < RP_NCORES; c++) {
        int qmiss = 0, lmiss = 0;
        for (int i = 0; i < n; i++) {
            const cJSON *r = pts[i].k.run[c];
            x[i][0] = 1;
            x[i][1] = pts[i].n_keys;
            x[i][2] = r ? rp_num(r, "activity.cycles_per_query") : NAN;
            yq[i] = !r ? NAN : gated ? rp_count_gated(r, "per_query_nj") : pts[i].k.figs[c].e_query;
            yc[i] = isfinite(x[i][2]) ? yq[i] : NAN;
            yl[i] = !r ? NAN : gated ? pts[i].k.load[c].cg_nj : pts[i].k.load[c].nj;
            if (r && !f->run[c]) f->run[c] = r;
            if (gated && r && !isfinite(yq[i])) qmiss = 1;
            if (gated && r && isfinite(pts[i].k.load[c].nj) && !isfinite(yl[i])) lmiss = 1;
        }
        for (int i = 0; i < n; i++) { /* a gated fit of all the points or none */
            if (qmiss) yq[i] = yc[i] = NAN;
            if (lmiss) yl[i] = NAN;
        }
        lsq((const double(*)[3])x, yq, n, 2, co, &f->q_res[c]);
        f->q0[c] = co[0];
        f->q1[c] = co[1];
        lsq((const double(*)[3])x, yc, n, 3, co, &f->res[c]);
        f->query[c] = co[0];
        f->key[c] = co[1];
        f->cycle[c] = co[2];
        lsq((const double(*)[3])x, yl, n, 2, co, &f->l_res[c]);
        f->l0[c] = co[0];
        f->l1[c] = co[1];
    }
}

/* "x (lo-hi)" into md, x, lo and hi into csv and dat (missing: empty and NaN), [x, lo, hi]
   into o[key] */
static void counted_cells(FILE *md, FILE *csv, FILE *dat, cJSON *o, const char *key, const double *v)
{
    char buf[64];
    fprintf(md, " %s |", rp_fig_range(buf, sizeof buf, v[0], v[1], v[2], 0));
    cJSON *a = cJSON_AddArrayToObject(o, key);
    for (int k = 0; k < 3; k++) {
        fprintf(csv, isfinite(v[k]) ? ",%g" : ",", v[k]);
        cJSON_AddItemToArray(a, num_or_null(v[k]));
    }
    fprintf(dat, isfinite(v[0]) ? " %g" : " NaN", v[0]);
}

static void write_tables(FILE *md, const char *dir, cJSON *js, const rp_nk_point *pts, int n)
{
    FILE *csv = rp_out_file(dir, "nk_sweep.csv"), *dat = rp_out_file(dir, "nk_sweep.dat");
    fprintf(md, "| n_k |");
    fprintf(csv, "n_keys");
    fprintf(dat, "# n_keys");
    for (int c = 0; c < RP_NCORES; c++) {
        fprintf(md, " %s nJ/query (cycles/query) |", RP_CORE_NAME(c));
        fprintf(csv, ",%s_energy_per_query_nj,%s_cycles_per_query", RP_CORE_NAME(c), RP_CORE_NAME(c));
    }
    for (int c = 0; c < RP_NCORES; c++)
        if (c != HAD) {
            fprintf(md, " had / %s |", RP_CORE_NAME(c));
            fprintf(csv, ",had_over_%s", RP_CORE_NAME(c));
            fprintf(dat, " had/%s", RP_CORE_NAME(c));
        }
    fprintf(md, " had / baseline, counted (range) | had / baseline at equal queries/s, counted (range) |");
    fprintf(csv, ",had_over_baseline_counted,had_over_baseline_counted_low,had_over_baseline_counted_high,"
                 "had_over_baseline_equal_qps_counted,had_over_baseline_equal_qps_counted_low,"
                 "had_over_baseline_equal_qps_counted_high");
    fprintf(dat, " had/baseline_counted had/baseline_equal_qps_counted");
    fprintf(md, "\n|---|");
    for (int c = 0; c < 2 * RP_NCORES + 1; c++) fprintf(md, "---|");
    fprintf(md, "\n");
    fprintf(csv, "\n");
    fprintf(dat, "\n");
    cJSON *ja = cJSON_AddArrayToObject(js, "points");
    for (int i = 0; i < n; i++) {
        const rp_nk_point *p = &pts[i];
        cJSON *jp = cJSON_CreateObject(), *je = cJSON_AddObjectToObject(jp, "energy_per_query_nj"),
              *jc = cJSON_AddObjectToObject(jp, "cycles_per_query"),
              *jr = cJSON_AddObjectToObject(jp, "had_over");
        cJSON_AddNumberToObject(jp, "n_keys", p->n_keys);
        fprintf(md, "| %d |", p->n_keys);
        fprintf(csv, "%d", p->n_keys);
        fprintf(dat, "%d", p->n_keys);
        for (int c = 0; c < RP_NCORES; c++) {
            double e = p->k.run[c] ? p->k.figs[c].e_query : NAN;
            double cy = p->k.run[c] ? rp_num(p->k.run[c], "activity.cycles_per_query") : NAN;
            if (isfinite(e))
                fprintf(md, " %.1f (%.1f) |", e, cy);
            else
                fprintf(md, " n/a |");
            fprintf(csv, isfinite(e) ? ",%g,%g" : ",,", e, cy);
            cJSON_AddItemToObject(je, RP_CORE_NAME(c), num_or_null(e));
            cJSON_AddItemToObject(jc, RP_CORE_NAME(c), num_or_null(cy));
        }
        for (int c = 0; c < RP_NCORES; c++) {
            if (c == HAD) continue;
            double r = had_over(p, c);
            fprintf(md, isfinite(r) ? " %.3f |" : " n/a |", r);
            fprintf(csv, isfinite(r) ? ",%g" : ",", r);
            fprintf(dat, isfinite(r) ? " %g" : " NaN", r);
            cJSON_AddItemToObject(jr, RP_CORE_NAME(c), num_or_null(r));
        }
        double cnt[3] = {NAN, NAN, NAN}, qps[3] = {NAN, NAN, NAN};
        if (p->k.run[HAD] && p->k.run[BASE]) {
            cnt[0] = rp_count_ratio(&p->k, HAD, &cnt[1], &cnt[2]);
            qps[0] = rp_count_qps(&p->k, HAD, &qps[1], &qps[2]);
        }
        counted_cells(md, csv, dat, jp, "had_over_baseline_counted", cnt);
        counted_cells(md, csv, dat, jp, "had_over_baseline_equal_qps_counted", qps);
        fprintf(md, "\n");
        fprintf(csv, "\n");
        fprintf(dat, "\n");
        cJSON_AddItemToArray(ja, jp);
    }
    rp_out_close(csv);
    rp_out_close(dat);
}

static int plot(const char *dir, const cJSON *cfg)
{
    FILE *g = rp_out_file(dir, "nk_sweep.gp");
    fprintf(g, "# gnuplot script written by hgreport; run from the report directory\n"
               "set datafile separator whitespace\nset datafile missing 'NaN'\nset key inside right top\n"
               "set grid\nset logscale x 2\nset yrange [0:*]\nset xlabel 'n_k (keys of the workload)'\n"
               "set ylabel 'HAD energy per query / other core'\n");
    for (int t = 0; t < 2; t++) {
        fprintf(g, "set terminal %s\nset output 'nk_sweep.%s'\n",
                t ? "svg size 900,520" : "pngcairo size 900,520", t ? "svg" : "png");
        fprintf(g, "set title 'Energy per query against n_k (d=%g, P=%g, N=%g, L=%g)' noenhanced\nplot",
                rp_num(cfg, "params.d"), rp_num(cfg, "params.lanes"), rp_num(cfg, "params.top_n"),
                rp_num(cfg, "params.max_keys"));
        int col = 2;
        for (int c = 0; c < RP_NCORES; c++) {
            if (c == HAD) continue;
            fprintf(g, "%s '%s' using 1:%d with linespoints title 'HAD / %s'", col > 2 ? "," : "",
                    col > 2 ? "" : "nk_sweep.dat", col, RP_CORE_NAME(c));
            col++;
        }
        fprintf(g,
                ", '' using 1:%d with linespoints dashtype 2 title 'HAD / baseline, counted', '' using "
                "1:%d with linespoints dashtype 3 title 'HAD / baseline at equal queries/s, counted'\n",
                col, col + 1);
    }
    rp_out_close(g);
    return rp_gnuplot(dir, "nk_sweep.gp", "gnuplot_nk.log");
}

int rp_nk_section(FILE *md, const char *dir, cJSON *root, rp_nk_point *pts, int n, const char *stimulus)
{
    if (n <= 0) return 0;
    const cJSON *cfg = any_run(&pts[0]);
    fprintf(md,
            "\n## Energy against the workload: n_k from %d to %d keys (d=%g, P=%g, N=%g, L=%g)\n\n"
            "Stimulus: %s. The ratios depend on n_k against N: HAD's top-N and normalizer work is the "
            "same for every query, the baseline's score and AV work grows with n_k. Counted: HAD over the "
            "baseline as the operating points count it (the K/V load of each n_k amortized over its "
            "queries where load runs are given, glitches where measured, the uncertain corrections' "
            "range), at the flows' clock and at equal queries/s.\n\n",
            pts[0].n_keys, pts[n - 1].n_keys, rp_num(cfg, "params.d"), rp_num(cfg, "params.lanes"),
            rp_num(cfg, "params.top_n"), rp_num(cfg, "params.max_keys"), stimulus);
    cJSON *js = cJSON_AddObjectToObject(root, "nk_sweep");
    cJSON_AddStringToObject(js, "stimulus", stimulus);
    for (int k = 0; k < 4; k++)
        cJSON_AddNumberToObject(js, strchr(PARAMS[k], '.') + 1, rp_num(cfg, PARAMS[k]));
    write_tables(md, dir, js, pts, n);
    fprintf(md, "\n![energy ratio against n_k](nk_sweep.png)\n\nRuns (each reproduced by its "
                "`log/command.txt`):");
    for (int i = 0; i < n; i++)
        for (int c = 0; c < RP_NCORES; c++)
            if (pts[i].k.run[c]) fprintf(md, " `%s`", pts[i].dir[c]);
    fprintf(md, "\n");
    for (int c = 0; c < RP_NCORES; c++) { /* stdout: the ratios in one line per core */
        if (c == HAD) continue;
        printf("n_k sweep HAD/%s energy per query:", RP_CORE_NAME(c));
        for (int i = 0; i < n; i++) printf(" n_k=%d %.3f", pts[i].n_keys, had_over(&pts[i], c));
        printf("\n");
    }
    for (int q = 0; q < 2; q++) {
        printf("n_k sweep HAD/baseline energy per query%s, counted:", q ? " at equal queries/s" : "");
        for (int i = 0; i < n; i++) {
            double lo, hi, r = NAN;
            if (pts[i].k.run[HAD] && pts[i].k.run[BASE])
                r = q ? rp_count_qps(&pts[i].k, HAD, &lo, &hi) : rp_count_ratio(&pts[i].k, HAD, &lo, &hi);
            printf(" n_k=%d %.3f", pts[i].n_keys, r);
        }
        printf("\n");
    }
    int rc = plot(dir, cfg);
    for (int i = 0; i < n; i++)
        for (int c = 0; c < RP_NCORES; c++) cJSON_Delete(pts[i].k.run[c]);
    return rc;
}
