/*
 * hgreport — assembles the comparison report of `make report`: area, timing and power of
 * each core type (from the synthesis flow's summary.json files), attention fidelity on the
 * real model (from hadrun's JSON files), ratios against the baseline next to the published
 * figures, CSV tables, gnuplot plots, and a short summary on stdout.
 *
 * usage: hgreport --out DIR --point NAME=STIMULUS:RUN_DIR,RUN_DIR,... [--point ...]
 *                 [--fidelity FILE] [--fidelity-n N=FILE ...] [--sweep CSV]
 *        hgreport --row SUMMARY_JSON     (one CSV row: area, energy, Fmax, II, power, q/s)
 * Exit codes: 0 done, 1 a file could not be written or gnuplot failed, 2 bad input.
 */
#include "hg_config.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_POINTS 4
#define MAX_RUNS 3
#define MAX_FN 16

/* Published reference figures the report sets the measurements beside. */
#define PAPER_AREA_RED 0.79     /* HAD paper: area reduction vs standard attention */
#define PAPER_POWER_RED 0.87    /* HAD paper: power reduction */
#define CAMFORMER_QPMJ 9045.0   /* CAMformer: queries per mJ at 65 nm */

static const char *const CORES[3] = {"had", "baseline", "int8-topn"};
static const char *const BLOCKS[7] = {"score", "select", "softmax", "av", "norm", "control", "memory"};

typedef struct point {
    char name[64];
    char stimulus[256];
    cJSON *run[3]; /* summary.json per core type (index as CORES), NULL if absent */
    char dir[3][1024];
} point;

/* Bad input: message and exit 2. */
#define DIE(...)                                                                          \
    do {                                                                                  \
        fprintf(stderr, "hgreport: ");                                                    \
        fprintf(stderr, __VA_ARGS__);                                                     \
        fprintf(stderr, "\n");                                                            \
        exit(2);                                                                          \
    } while (0)

static cJSON *load_json(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        DIE("cannot read '%s': %s", path, strerror(errno));
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
        DIE("cannot read '%s'", path);
    buf[n] = 0;
    fclose(f);
    cJSON *j = cJSON_Parse(buf);
    free(buf);
    if (!j)
        DIE("'%s': not valid JSON", path);
    return j;
}

/* Number at a dotted path ("totals.area_um2"); NAN if missing. */
static double num(const cJSON *j, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    const cJSON *c = j;
    for (char *tok = strtok(buf, "."); tok && c; tok = strtok(NULL, "."))
        c = cJSON_GetObjectItemCaseSensitive(c, tok);
    return cJSON_IsNumber(c) ? c->valuedouble : NAN;
}

static const char *str(const cJSON *j, const char *key)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(j, key);
    return cJSON_IsString(c) ? c->valuestring : "";
}

static int core_index(const char *name)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(name, CORES[i]) == 0)
            return i;
    return -1;
}

/* --point NAME=STIMULUS:DIR,DIR,DIR */
static void parse_point(point *p, const char *arg)
{
    const char *eq = strchr(arg, '='), *colon = eq ? strchr(eq, ':') : NULL;
    if (!eq || !colon)
        DIE("--point '%s': must be NAME=STIMULUS:RUN_DIR[,RUN_DIR...]", arg);
    snprintf(p->name, sizeof p->name, "%.*s", (int)(eq - arg), arg);
    snprintf(p->stimulus, sizeof p->stimulus, "%.*s", (int)(colon - eq - 1), eq + 1);
    char dirs[4096];
    snprintf(dirs, sizeof dirs, "%s", colon + 1);
    for (char *d = strtok(dirs, ","); d; d = strtok(NULL, ",")) {
        char path[1200];
        snprintf(path, sizeof path, "%s/reports/summary.json", d);
        cJSON *j = load_json(path);
        int ci = core_index(str(j, "core"));
        if (ci < 0)
            DIE("'%s': unknown core type '%s'", path, str(j, "core"));
        p->run[ci] = j;
        snprintf(p->dir[ci], sizeof p->dir[ci], "%s", d);
    }
}

static FILE *out_file(const char *dir, const char *name)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "hgreport: cannot write '%s': %s\n", path, strerror(errno));
        exit(1);
    }
    return f;
}

/* ---- figures of one core at one point -------------------------------------------------- */

typedef struct figs {
    double area_logic, area_mem, area, fmax, qps, power_logic, power_mem, power;
    double e_query, e_query_node, qpmj_node, ii;
} figs;

static figs get_figs(const cJSON *r)
{
    figs f;
    f.area_logic = num(r, "totals.logic_area_um2") * 1e-6;  /* mm^2 */
    f.area_mem = num(r, "totals.memory_area_um2") * 1e-6;
    f.area = num(r, "totals.area_um2") * 1e-6;
    f.fmax = num(r, "timing.fmax_mhz");
    f.qps = num(r, "throughput.queries_per_s_at_fmax");
    f.power_logic = num(r, "totals.logic_power_uw") * 1e-3; /* mW at the flow's clock */
    f.power_mem = num(r, "totals.memory_power_uw") * 1e-3;
    f.power = num(r, "totals.power_uw") * 1e-3;
    f.e_query = num(r, "energy.per_query_nj");
    f.e_query_node = num(r, "energy.per_query_node_nj");
    f.qpmj_node = num(r, "energy.queries_per_mj_node");
    f.ii = num(r, "throughput.ii_cycles");
    return f;
}

/* ---- report ---------------------------------------------------------------------------- */

static void md_point(FILE *md, cJSON *jp, const point *p)
{
    figs f[3];
    int have[3];
    for (int i = 0; i < 3; i++) {
        have[i] = p->run[i] != NULL;
        if (have[i])
            f[i] = get_figs(p->run[i]);
    }
    const cJSON *any = p->run[0] ? p->run[0] : p->run[1] ? p->run[1] : p->run[2];
    fprintf(md, "\n## Operating point `%s`: d=%g, P=%g, N=%g, L=%g\n\nStimulus: %s. Clock for power: %g ns; liberty `%s`.\n\n",
            p->name, num(any, "params.d"), num(any, "params.lanes"), num(any, "params.top_n"),
            num(any, "params.max_keys"), p->stimulus, num(any, "clock_period_ns"), str(any, "liberty"));
    fprintf(md, "| core | logic area mm^2 | memory area mm^2 | Fmax MHz | cycles/query | queries/s at Fmax | logic power mW | memory power mW | energy/query nJ | energy/query at 65 nm, 1.0 V nJ | queries/mJ at 65 nm |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
    cJSON *jc = cJSON_AddObjectToObject(jp, "cores");
    for (int i = 0; i < 3; i++) {
        if (!have[i])
            continue;
        fprintf(md, "| %s | %.3f | %.3f | %.1f | %.0f | %.3g | %.1f | %.2f | %.1f | %.2f | %.0f |\n",
                CORES[i], f[i].area_logic, f[i].area_mem, f[i].fmax, f[i].ii, f[i].qps,
                f[i].power_logic, f[i].power_mem, f[i].e_query, f[i].e_query_node, f[i].qpmj_node);
        cJSON *o = cJSON_AddObjectToObject(jc, CORES[i]);
        cJSON_AddNumberToObject(o, "logic_area_mm2", f[i].area_logic);
        cJSON_AddNumberToObject(o, "memory_area_mm2", f[i].area_mem);
        cJSON_AddNumberToObject(o, "fmax_mhz", f[i].fmax);
        cJSON_AddNumberToObject(o, "cycles_per_query", f[i].ii);
        cJSON_AddNumberToObject(o, "queries_per_s", f[i].qps);
        cJSON_AddNumberToObject(o, "logic_power_mw", f[i].power_logic);
        cJSON_AddNumberToObject(o, "memory_power_mw", f[i].power_mem);
        cJSON_AddNumberToObject(o, "energy_per_query_nj", f[i].e_query);
        cJSON_AddNumberToObject(o, "energy_per_query_node_nj", f[i].e_query_node);
        cJSON_AddNumberToObject(o, "queries_per_mj_node", f[i].qpmj_node);
        cJSON *b = cJSON_AddObjectToObject(o, "blocks");
        for (int k = 0; k < 7; k++) {
            char pa[64], pp[64];
            snprintf(pa, sizeof pa, "blocks.%s.area_um2", BLOCKS[k]);
            snprintf(pp, sizeof pp, "blocks.%s.power_uw", BLOCKS[k]);
            cJSON *bb = cJSON_AddObjectToObject(b, BLOCKS[k]);
            double a = num(p->run[i], pa), pw = num(p->run[i], pp);
            cJSON_AddNumberToObject(bb, "area_mm2", isnan(a) ? 0.0 : a * 1e-6);
            cJSON_AddNumberToObject(bb, "power_mw", isnan(pw) ? 0.0 : pw * 1e-3);
        }
        cJSON_AddStringToObject(o, "gate_level_check", str(cJSON_GetObjectItem(p->run[i], "activity"), "gate_level_check"));
    }
    if (!have[1])
        return;
    fprintf(md, "\nRatios against the baseline (1 - ratio = reduction; paper: area -%.0f%%, power -%.0f%%):\n\n"
                "| core / baseline | logic area | area with memories | logic power | power with memories | energy/query |\n|---|---|---|---|---|---|\n",
            100 * PAPER_AREA_RED, 100 * PAPER_POWER_RED);
    cJSON *jr = cJSON_AddObjectToObject(jp, "ratios_vs_baseline");
    for (int i = 0; i < 3; i += 2) {
        if (!have[i])
            continue;
        double r[5] = {f[i].area_logic / f[1].area_logic, f[i].area / f[1].area,
                       f[i].power_logic / f[1].power_logic, f[i].power / f[1].power,
                       f[i].e_query / f[1].e_query};
        fprintf(md, "| %s | %.3f (%+.0f%%) | %.3f (%+.0f%%) | %.3f (%+.0f%%) | %.3f (%+.0f%%) | %.3f (%+.0f%%) |\n",
                CORES[i], r[0], 100 * (r[0] - 1), r[1], 100 * (r[1] - 1), r[2], 100 * (r[2] - 1),
                r[3], 100 * (r[3] - 1), r[4], 100 * (r[4] - 1));
        cJSON *o = cJSON_AddObjectToObject(jr, CORES[i]);
        cJSON_AddNumberToObject(o, "logic_area", r[0]);
        cJSON_AddNumberToObject(o, "area_with_memories", r[1]);
        cJSON_AddNumberToObject(o, "logic_power", r[2]);
        cJSON_AddNumberToObject(o, "power_with_memories", r[3]);
        cJSON_AddNumberToObject(o, "energy_per_query", r[4]);
    }
    fprintf(md, "\nPer block (area mm^2 / power mW):\n\n| core |");
    for (int k = 0; k < 7; k++)
        fprintf(md, " %s |", BLOCKS[k]);
    fprintf(md, "\n|---|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < 3; i++) {
        if (!have[i])
            continue;
        fprintf(md, "| %s |", CORES[i]);
        for (int k = 0; k < 7; k++) {
            char pa[64], pp[64];
            snprintf(pa, sizeof pa, "blocks.%s.area_um2", BLOCKS[k]);
            snprintf(pp, sizeof pp, "blocks.%s.power_uw", BLOCKS[k]);
            double a = num(p->run[i], pa), pw = num(p->run[i], pp);
            fprintf(md, " %.3f / %.1f |", isnan(a) ? 0 : a * 1e-6, isnan(pw) ? 0 : pw * 1e-3);
        }
        fprintf(md, "\n");
    }
    fprintf(md, "\nEach core's figures are reproduced by the command in `<run>/log/command.txt`, runs:");
    for (int i = 0; i < 3; i++)
        if (have[i])
            fprintf(md, " `%s`", p->dir[i]);
    fprintf(md, ". CAMformer reference: %.0f queries/mJ at 65 nm.\n", CAMFORMER_QPMJ);
}

/* block tables for the stacked plots: rows = cores, columns = blocks */
static void block_dat(const char *dir, const point *p, const char *what)
{
    char name[128];
    snprintf(name, sizeof name, "%s_%s.dat", p->name, what);
    FILE *f = out_file(dir, name);
    fprintf(f, "core");
    for (int k = 0; k < 7; k++)
        fprintf(f, " %s", BLOCKS[k]);
    fprintf(f, "\n");
    for (int i = 0; i < 3; i++) {
        if (!p->run[i])
            continue;
        fprintf(f, "%s", CORES[i]);
        for (int k = 0; k < 7; k++) {
            char key[64];
            snprintf(key, sizeof key, "blocks.%s.%s", BLOCKS[k], strcmp(what, "area") ? "power_uw" : "area_um2");
            double v = num(p->run[i], key);
            fprintf(f, " %.6g", isnan(v) ? 0.0 : v * (strcmp(what, "area") ? 1e-3 : 1e-6));
        }
        fprintf(f, "\n");
    }
    fclose(f);
}

static void fidelity(FILE *md, FILE *csv, cJSON *root, const cJSON *fj)
{
    const cJSON *bs = cJSON_GetObjectItem(fj, "backends");
    const cJSON *s = cJSON_GetObjectItem(fj, "sentences");
    fprintf(md, "\n## Attention fidelity on all-MiniLM-L6-v2 (%g sentences, %g tokens; post-training, no distillation)\n\n"
                "Every head of every layer runs on the backend; metrics against float attention (docs/run.md).\n\n"
                "| backend | attention rel. error, layers 0..5 | top-N recall | embedding cosine mean / min | nearest-neighbour agreement |\n|---|---|---|---|---|\n",
            num(s, "count"), num(s, "tokens"));
    fprintf(csv, "backend,layer,attn_rel_err,recall,cos_mean,cos_min,nn_agree\n");
    cJSON *jf = cJSON_AddArrayToObject(root, "fidelity");
    const cJSON *b;
    cJSON_ArrayForEach(b, bs)
    {
        const cJSON *e = cJSON_GetObjectItem(b, "attn_rel_err"), *x;
        fprintf(md, "| %s |", str(b, "backend"));
        int l = 0;
        cJSON_ArrayForEach(x, e)
        {
            fprintf(md, " %.3f", x->valuedouble);
            fprintf(csv, "%s,%d,%.6g,%.6g,%.6g,%.6g,%.6g\n", str(b, "backend"), l++, x->valuedouble,
                    num(b, "recall"), num(b, "cos_mean"), num(b, "cos_min"), num(b, "nn_agree"));
        }
        double r = num(b, "recall");
        if (isnan(r))
            fprintf(md, " | - |");
        else
            fprintf(md, " | %.3f |", r);
        fprintf(md, " %.4f / %.4f | %.3f |\n", num(b, "cos_mean"), num(b, "cos_min"), num(b, "nn_agree"));
        cJSON_AddItemToArray(jf, cJSON_Duplicate(b, 1));
    }
    const cJSON *rv = cJSON_GetObjectItem(fj, "rtl_vs_golden");
    if (cJSON_GetArraySize(rv) > 0) {
        fprintf(md, "\nRTL vs golden on these layers (every head, every query):");
        cJSON_ArrayForEach(b, rv)
        {
            char *t = cJSON_PrintUnformatted(b);
            fprintf(md, " `%s`", t);
            cJSON_free(t);
        }
        fprintf(md, "\n");
        cJSON_AddItemToObject(root, "rtl_vs_golden", cJSON_Duplicate(rv, 1));
    }
}

static void fidelity_n(FILE *md, const char *dir, cJSON *root, int nf, const int *ns, cJSON **fj)
{
    FILE *dat = out_file(dir, "fidelity_vs_n.dat");
    FILE *csv = out_file(dir, "fidelity_vs_n.csv");
    fprintf(md, "\n## Fidelity against N (golden models, same sentences)\n\n| N | HAD recall | HAD cosine mean | HAD NN agreement | int8-top-N recall | int8-top-N cosine mean | int8-top-N NN agreement |\n|---|---|---|---|---|---|---|\n");
    fprintf(dat, "# N had_recall had_cos had_nn i8_recall i8_cos i8_nn\n");
    fprintf(csv, "n,had_recall,had_cos_mean,had_nn_agree,int8_topn_recall,int8_topn_cos_mean,int8_topn_nn_agree\n");
    cJSON *arr = cJSON_AddArrayToObject(root, "fidelity_vs_n");
    for (int i = 0; i < nf; i++) {
        double v[6] = {NAN, NAN, NAN, NAN, NAN, NAN};
        const cJSON *b;
        cJSON_ArrayForEach(b, cJSON_GetObjectItem(fj[i], "backends"))
        {
            int off = strcmp(str(b, "backend"), "golden-had") == 0 ? 0
                    : strcmp(str(b, "backend"), "golden-int8-topn") == 0 ? 3 : -1;
            if (off < 0)
                continue;
            v[off] = num(b, "recall");
            v[off + 1] = num(b, "cos_mean");
            v[off + 2] = num(b, "nn_agree");
        }
        fprintf(md, "| %d | %.3f | %.4f | %.3f | %.3f | %.4f | %.3f |\n", ns[i], v[0], v[1], v[2], v[3], v[4], v[5]);
        fprintf(dat, "%d %g %g %g %g %g %g\n", ns[i], v[0], v[1], v[2], v[3], v[4], v[5]);
        fprintf(csv, "%d,%g,%g,%g,%g,%g,%g\n", ns[i], v[0], v[1], v[2], v[3], v[4], v[5]);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "n", ns[i]);
        cJSON_AddNumberToObject(o, "had_recall", v[0]);
        cJSON_AddNumberToObject(o, "had_cos_mean", v[1]);
        cJSON_AddNumberToObject(o, "had_nn_agree", v[2]);
        cJSON_AddNumberToObject(o, "int8_topn_recall", v[3]);
        cJSON_AddNumberToObject(o, "int8_topn_cos_mean", v[4]);
        cJSON_AddNumberToObject(o, "int8_topn_nn_agree", v[5]);
        cJSON_AddItemToArray(arr, o);
    }
    fclose(dat);
    fclose(csv);
}

/* Cycles per query against L for the three cores at d = 64, P = 16, N = 32 (the
   generator's ii_cycles; the tests measure it in simulation). */
static void cycles_vs_l(const char *dir)
{
    FILE *f = out_file(dir, "cycles_vs_l.dat");
    fprintf(f, "# L had baseline int8-topn (cycles per query, d=64 P=16 N=32)\n");
    for (int l = 64; l <= 8192; l *= 2) {
        fprintf(f, "%d", l);
        for (int i = 0; i < 3; i++) {
            hg_cfg c;
            char err[256];
            hg_cfg_default(&c, (hg_core_kind)(i == 0 ? HG_CORE_HAD : i == 1 ? HG_CORE_BASELINE : HG_CORE_I8TOPN));
            c.l = l;
            fprintf(f, " %d", hg_cfg_finish(&c, err, sizeof err) == 0 ? c.ii : -1);
        }
        fprintf(f, "\n");
    }
    fclose(f);
}

/* ---- sweep ------------------------------------------------------------------------- */

typedef struct spt {
    int core, d, p, n, l;
    double area, energy, fmax, ii, power, qps;
} spt;

/* Reads make sweep's results.csv; returns the number of points (0 if none). */
static int read_sweep(const char *path, spt *v, int max)
{
    FILE *f = fopen(path, "r");
    if (!f)
        DIE("--sweep '%s': %s", path, strerror(errno));
    char line[512], core[32];
    int n = 0;
    while (fgets(line, sizeof line, f) && n < max) {
        spt x;
        if (sscanf(line, "%31[^,],%d,%d,%d,%d,%lf,%lf,%lf,%lf,%lf,%lf", core, &x.d, &x.p, &x.n, &x.l,
                   &x.area, &x.energy, &x.fmax, &x.ii, &x.power, &x.qps) != 11)
            continue; /* header, or a point whose flow failed */
        x.core = core_index(core);
        if (x.core >= 0)
            v[n++] = x;
    }
    fclose(f);
    return n;
}

/* One .dat per axis (N, d, L): the other two parameters fixed at the values of the first
   point; columns: value, then area, power, energy for had, baseline, int8-topn. */
static void sweep_dat(const char *dir, const spt *v, int n, const char *axis)
{
    char name[64];
    snprintf(name, sizeof name, "sweep_vs_%s.dat", axis);
    FILE *f = out_file(dir, name);
    fprintf(f, "# %s | area, power, energy of had | baseline | int8-topn (other parameters as the first point)\n", axis);
    int vals[64], nv = 0;
    for (int i = 0; i < n; i++) {
        int x = axis[0] == 'n' ? v[i].n : axis[0] == 'd' ? v[i].d : v[i].l, seen = 0;
        for (int k = 0; k < nv; k++)
            seen |= vals[k] == x;
        if (!seen && nv < 64)
            vals[nv++] = x;
    }
    for (int a = 0; a < nv; a++)
        for (int b = a + 1; b < nv; b++)
            if (vals[b] < vals[a]) {
                int t = vals[a];
                vals[a] = vals[b];
                vals[b] = t;
            }
    for (int k = 0; k < nv; k++) {
        fprintf(f, "%d", vals[k]);
        for (int c = 0; c < 3; c++) {
            const spt *hit = NULL;
            for (int i = 0; i < n && !hit; i++) {
                const spt *q = &v[i];
                int match = q->core == c && q->p == v[0].p &&
                            (axis[0] == 'n' ? q->n == vals[k] : (c == 1 || q->n == v[0].n)) &&
                            (axis[0] == 'd' ? q->d == vals[k] : q->d == v[0].d) &&
                            (axis[0] == 'l' ? q->l == vals[k] : q->l == v[0].l);
                if (match)
                    hit = q;
            }
            if (hit)
                fprintf(f, " %g %g %g", hit->area, hit->power, hit->energy);
            else
                fprintf(f, " NaN NaN NaN");
        }
        fprintf(f, "\n");
    }
    fclose(f);
}

static int gnuplot(const char *dir, int npoints, const point *pts, int have_fn, const char *sweep)
{
    FILE *g = out_file(dir, "plots.gp");
    fprintf(g, "# gnuplot script written by hgreport; run from the report directory\n"
               "set datafile separator whitespace\nset key outside right top\nset grid ytics\n");
    for (int t = 0; t < 2; t++) {
        const char *term = t ? "svg size 900,520" : "pngcairo size 900,520";
        const char *ext = t ? "svg" : "png";
        for (int i = 0; i < npoints; i++) {
            for (int w = 0; w < 2; w++) {
                const char *what = w ? "power" : "area";
                fprintf(g, "set terminal %s\nset output '%s_%s.%s'\n"
                           "set title 'Per-block %s, %s'\nset style data histograms\n"
                           "set style histogram rowstacked\nset style fill solid 0.8 border -1\n"
                           "set boxwidth 0.6\nset ylabel '%s'\nset xtics rotate by 0\n"
                           "plot for [c=2:8] '%s_%s.dat' using c:xtic(1) title columnheader(c)\n",
                        term, pts[i].name, what, ext, what, pts[i].name,
                        w ? "power (mW, 10 ns clock)" : "area (mm^2)", pts[i].name, what);
            }
        }
        fprintf(g, "set style data linespoints\nunset style\nset style data linespoints\n");
        if (have_fn)
            fprintf(g, "set terminal %s\nset output 'fidelity_vs_n.%s'\nset title 'Fidelity against N (MiniLM, golden models)'\n"
                       "set xlabel 'N (keys kept per query)'\nset ylabel 'metric'\nset logscale x 2\nset yrange [0:1.05]\n"
                       "plot 'fidelity_vs_n.dat' using 1:2 with linespoints title 'HAD top-N recall', "
                       "'' using 1:3 with linespoints title 'HAD embedding cosine', "
                       "'' using 1:4 with linespoints title 'HAD NN agreement', "
                       "'' using 1:5 with linespoints title 'int8 top-N recall', "
                       "'' using 1:6 with linespoints title 'int8 top-N cosine'\nunset logscale x\nset autoscale y\n",
                    term, ext);
        fprintf(g, "set terminal %s\nset output 'cycles_vs_l.%s'\nset title 'Cycles per query against L (d=64, P=16, N=32)'\n"
                   "set xlabel 'L (keys)'\nset ylabel 'cycles per query'\nset logscale xy 2\n"
                   "plot 'cycles_vs_l.dat' using 1:2 with linespoints title 'had', '' using 1:3 with linespoints title 'baseline', "
                   "'' using 1:4 with linespoints title 'int8-topn'\nunset logscale\n", term, ext);
        for (int ax = 0; sweep && ax < 3; ax++) {
            const char *axn[3] = {"n", "d", "l"}, *lab[3] = {"N (keys kept)", "d (head dimension)", "L (keys)"};
            const char *ylab[3] = {"logic area (mm^2)", "logic power (mW)", "energy per query (nJ)"};
            const char *yn[3] = {"area", "power", "energy"};
            for (int m = 0; m < 3; m++)
                fprintf(g, "set terminal %s\nset output 'sweep_%s_vs_%s.%s'\nset title 'Sweep: %s against %s'\n"
                           "set xlabel '%s'\nset ylabel '%s'\nset logscale x 2\n"
                           "plot 'sweep_vs_%s.dat' using 1:%d with linespoints title 'had', '' using 1:%d with linespoints title 'baseline', "
                           "'' using 1:%d with linespoints title 'int8-topn'\nunset logscale\n",
                        term, yn[m], axn[ax], ext, yn[m], lab[ax], lab[ax], ylab[m], axn[ax], 2 + m, 5 + m, 8 + m);
        }
        if (sweep)
            fprintf(g, "set terminal %s\nset output 'sweep_pareto.%s'\nset title 'Sweep: area against energy per query'\n"
                       "set xlabel 'energy per query (nJ)'\nset ylabel 'logic area (mm^2)'\nset logscale xy\nset datafile separator ','\n"
                       "plot '%s' using 7:6 every ::1 with points pt 7 title 'sweep points'\nunset logscale\nset datafile separator whitespace\n",
                    term, ext, sweep);
    }
    fclose(g);
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "cd '%s' && gnuplot plots.gp > gnuplot.log 2>&1", dir);
    if (system(cmd) != 0) {
        fprintf(stderr, "hgreport: gnuplot failed, see %s/gnuplot.log\n", dir);
        return 1;
    }
    return 0;
}

static void stdout_summary(int npoints, const point *pts)
{
    printf("\n%-12s %-10s %10s %10s %9s %12s %10s %12s\n", "point", "core", "logic mm2", "total mm2",
           "Fmax MHz", "queries/s", "power mW", "nJ/query");
    for (int i = 0; i < npoints; i++)
        for (int c = 0; c < 3; c++) {
            if (!pts[i].run[c])
                continue;
            figs f = get_figs(pts[i].run[c]);
            printf("%-12s %-10s %10.3f %10.3f %9.1f %12.3g %10.1f %12.1f\n", pts[i].name, CORES[c],
                   f.area_logic, f.area, f.fmax, f.qps, f.power, f.e_query);
        }
    for (int i = 0; i < npoints; i++) {
        if (!pts[i].run[0] || !pts[i].run[1])
            continue;
        figs h = get_figs(pts[i].run[0]), b = get_figs(pts[i].run[1]);
        printf("%-12s HAD/baseline: logic area %.3f, area+mem %.3f, logic power %.3f, energy/query %.3f"
               " (paper: area %.2f, power %.2f)\n", pts[i].name, h.area_logic / b.area_logic,
               h.area / b.area, h.power_logic / b.power_logic, h.e_query / b.e_query,
               1 - PAPER_AREA_RED, 1 - PAPER_POWER_RED);
    }
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"out", required_argument, 0, 'o'},
                                         {"point", required_argument, 0, 'p'},
                                         {"fidelity", required_argument, 0, 'f'},
                                         {"fidelity-n", required_argument, 0, 'n'},
                                         {"sweep", required_argument, 0, 's'},
                                         {"row", required_argument, 0, 'r'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *out = NULL, *fid = NULL, *sweep = NULL;
    point *pts = calloc(MAX_POINTS, sizeof *pts);
    int npoints = 0, nf = 0, ns[MAX_FN], ch;
    cJSON *fjn[MAX_FN];
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (ch) {
        case 'o': out = optarg; break;
        case 'p':
            if (npoints == MAX_POINTS)
                DIE("--point '%s': at most 4 points", optarg);
            parse_point(&pts[npoints++], optarg);
            break;
        case 'f': fid = optarg; break;
        case 'n': {
            char *eq = strchr(optarg, '=');
            if (!eq || nf == MAX_FN || atoi(optarg) < 1)
                DIE("--fidelity-n '%s': must be N=FILE (at most 16)", optarg);
            ns[nf] = atoi(optarg);
            fjn[nf++] = load_json(eq + 1);
            break;
        }
        case 's': sweep = optarg; break;
        case 'r': { /* one CSV row of a run's figures, for make sweep */
            cJSON *j = load_json(optarg);
            figs f = get_figs(j);
            printf("%g,%g,%g,%g,%g,%g\n", f.area_logic, f.e_query, f.fmax, f.ii, f.power_logic, f.qps);
            cJSON_Delete(j);
            return 0;
        }
        case 'h':
            printf("usage: hgreport --out DIR --point NAME=STIMULUS:RUN_DIR,... [--fidelity FILE]\n"
                   "                [--fidelity-n N=FILE ...] [--sweep CSV]\n");
            return 0;
        default:
            DIE("bad option '%s' (see --help)", argv[optind - 1]);
        }
    }
    if (!out || npoints == 0)
        DIE("--out and at least one --point are required");

    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "tool", "hadgen report");
    cJSON *ref = cJSON_AddObjectToObject(root, "references");
    cJSON_AddNumberToObject(ref, "paper_area_reduction", PAPER_AREA_RED);
    cJSON_AddNumberToObject(ref, "paper_power_reduction", PAPER_POWER_RED);
    cJSON_AddNumberToObject(ref, "camformer_queries_per_mj_65nm", CAMFORMER_QPMJ);
    FILE *md = out_file(out, "report.md");
    fprintf(md, "# hadgen report: HAD attention core against a standard int8 attention core\n\n"
                "Produced by `make report`. Every figure below comes from this run: synthesized netlists (Yosys, "
                "osu018 180 nm), OpenSTA timing, power from gate-level simulated activity, the memory model of "
                "docs/synth.md, and the real model through the cycle-accurate cores. Energy at 65 nm scales by "
                "(65/180) x (1.0/1.8)^2 (docs/synth.md).\n");
    cJSON *jpts = cJSON_AddArrayToObject(root, "points");
    FILE *csv = out_file(out, "summary.csv");
    fprintf(csv, "point,core,logic_area_mm2,memory_area_mm2,fmax_mhz,cycles_per_query,queries_per_s,logic_power_mw,memory_power_mw,energy_per_query_nj,energy_per_query_node_nj,queries_per_mj_node\n");
    FILE *bcsv = out_file(out, "blocks.csv");
    fprintf(bcsv, "point,core,block,area_mm2,power_mw\n");
    for (int i = 0; i < npoints; i++) {
        cJSON *jp = cJSON_CreateObject();
        cJSON_AddStringToObject(jp, "name", pts[i].name);
        cJSON_AddStringToObject(jp, "stimulus", pts[i].stimulus);
        md_point(md, jp, &pts[i]);
        cJSON_AddItemToArray(jpts, jp);
        block_dat(out, &pts[i], "area");
        block_dat(out, &pts[i], "power");
        for (int c = 0; c < 3; c++) {
            if (!pts[i].run[c])
                continue;
            figs f = get_figs(pts[i].run[c]);
            fprintf(csv, "%s,%s,%g,%g,%g,%g,%g,%g,%g,%g,%g,%g\n", pts[i].name, CORES[c], f.area_logic,
                    f.area_mem, f.fmax, f.ii, f.qps, f.power_logic, f.power_mem, f.e_query,
                    f.e_query_node, f.qpmj_node);
            for (int k = 0; k < 7; k++) {
                char pa[64], pp[64];
                snprintf(pa, sizeof pa, "blocks.%s.area_um2", BLOCKS[k]);
                snprintf(pp, sizeof pp, "blocks.%s.power_uw", BLOCKS[k]);
                double a = num(pts[i].run[c], pa), pw = num(pts[i].run[c], pp);
                fprintf(bcsv, "%s,%s,%s,%g,%g\n", pts[i].name, CORES[c], BLOCKS[k],
                        isnan(a) ? 0 : a * 1e-6, isnan(pw) ? 0 : pw * 1e-3);
            }
        }
    }
    fclose(csv);
    fclose(bcsv);
    if (fid) {
        FILE *fcsv = out_file(out, "fidelity.csv");
        cJSON *fj = load_json(fid);
        fidelity(md, fcsv, root, fj);
        fclose(fcsv);
        cJSON_Delete(fj);
    }
    if (nf)
        fidelity_n(md, out, root, nf, ns, fjn);
    cycles_vs_l(out);
    if (sweep) {
        spt *sv = calloc(4096, sizeof *sv);
        int nsv = sv ? read_sweep(sweep, sv, 4096) : 0;
        if (nsv == 0) {
            sweep = NULL;
        } else {
            sweep_dat(out, sv, nsv, "n");
            sweep_dat(out, sv, nsv, "d");
            sweep_dat(out, sv, nsv, "l");
            fprintf(md, "\n## Design-space sweep (%d points, `make sweep`, synthetic stimulus)\n\n"
                        "Results: `%s`. Plots: area, power and energy per query against N, d and L (the other "
                        "parameters fixed at the first point), and area against energy.\n", nsv, sweep);
        }
        free(sv);
    }
    fprintf(md, "\n## Plots\n\n");
    for (int i = 0; i < npoints; i++)
        fprintf(md, "![area %s](%s_area.png) ![power %s](%s_power.png)\n", pts[i].name, pts[i].name,
                pts[i].name, pts[i].name);
    if (nf)
        fprintf(md, "![fidelity vs N](fidelity_vs_n.png)\n");
    fprintf(md, "![cycles vs L](cycles_vs_l.png)\n");
    if (sweep) {
        fprintf(md, "![sweep](sweep_pareto.png)\n");
        for (int ax = 0; ax < 3; ax++)
            fprintf(md, "![energy vs %s](sweep_energy_vs_%s.png) ![area vs %s](sweep_area_vs_%s.png)\n",
                    ax == 0 ? "N" : ax == 1 ? "d" : "L", ax == 0 ? "n" : ax == 1 ? "d" : "l",
                    ax == 0 ? "N" : ax == 1 ? "d" : "L", ax == 0 ? "n" : ax == 1 ? "d" : "l");
    }
    fclose(md);
    char *text = cJSON_Print(root);
    FILE *jf = out_file(out, "report.json");
    fprintf(jf, "%s\n", text);
    fclose(jf);
    cJSON_free(text);
    int rc = gnuplot(out, npoints, pts, nf > 0, sweep);
    stdout_summary(npoints, pts);
    printf("\nreport: %s/report.md (JSON: report.json, CSV: summary.csv blocks.csv fidelity*.csv, plots: *.png *.svg)\n", out);
    return rc;
}
