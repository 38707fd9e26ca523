/*
 * hgreport — assembles the comparison report of `make report`: area, timing and power of
 * each core type (from the synthesis flow's summary.json files), attention fidelity on the
 * real model (from hadrun's JSON files), ratios against the baseline next to the published
 * figures, CSV tables, gnuplot plots, and a short summary on stdout.
 *
 * usage: hgreport --out DIR --point NAME=STIMULUS:RUN_DIR,RUN_DIR,... [--point ...]
 *                 [--fidelity FILE] [--fidelity-n N=FILE ...] [--sweep-md FILE]
 * Exit codes: 0 done, 1 a file could not be written or gnuplot failed, 2 bad input.
 */
#include "hg_config.h"
#include "rp_util.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_POINTS 4
#define MAX_FN 16

/* Published reference figures the report sets the measurements beside. */
#define PAPER_AREA_RED 0.79     /* HAD paper: area reduction vs standard attention */
#define PAPER_POWER_RED 0.87    /* HAD paper: power reduction */
#define CAMFORMER_QPMJ 9045.0   /* CAMformer: queries per mJ at 65 nm */

static const char *const BLOCKS[7] = {"score", "select", "softmax", "av", "norm", "control", "memory"};

typedef struct point {
    char name[64];
    char stimulus[256];
    cJSON *run[3]; /* summary.json per core type (index as CORES), NULL if absent */
    char dir[3][1024];
} point;

/* --point NAME=STIMULUS:DIR,DIR,DIR */
static void parse_point(point *p, const char *arg)
{
    const char *eq = strchr(arg, '='), *colon = eq ? strchr(eq, ':') : NULL;
    if (!eq || !colon)
        rp_die("--point '%s': must be NAME=STIMULUS:RUN_DIR[,RUN_DIR...]", arg);
    snprintf(p->name, sizeof p->name, "%.*s", (int)(eq - arg), arg);
    snprintf(p->stimulus, sizeof p->stimulus, "%.*s", (int)(colon - eq - 1), eq + 1);
    char dirs[4096];
    snprintf(dirs, sizeof dirs, "%s", colon + 1);
    for (char *d = strtok(dirs, ","); d; d = strtok(NULL, ",")) {
        char path[1200];
        snprintf(path, sizeof path, "%s/reports/summary.json", d);
        cJSON *j = rp_load_json(path);
        int ci = rp_core_index(rp_str(j, "core"));
        if (ci < 0)
            rp_die("'%s': unknown core type '%s'", path, rp_str(j, "core"));
        p->run[ci] = j;
        snprintf(p->dir[ci], sizeof p->dir[ci], "%s", d);
    }
}

/* ---- figures of one core at one point -------------------------------------------------- */

/* ---- report ---------------------------------------------------------------------------- */

static void md_point(FILE *md, cJSON *jp, const point *p)
{
    rp_figs_t f[3];
    int have[3];
    for (int i = 0; i < 3; i++) {
        have[i] = p->run[i] != NULL;
        if (have[i])
            f[i] = rp_figs(p->run[i]);
    }
    const cJSON *any = p->run[0] ? p->run[0] : p->run[1] ? p->run[1] : p->run[2];
    fprintf(md, "\n## Operating point `%s`: d=%g, P=%g, N=%g, L=%g\n\nStimulus: %s. Clock for power: %g ns; liberty `%s`.\n\n",
            p->name, rp_num(any, "params.d"), rp_num(any, "params.lanes"), rp_num(any, "params.top_n"),
            rp_num(any, "params.max_keys"), p->stimulus, rp_num(any, "clock_period_ns"), rp_str(any, "liberty"));
    fprintf(md, "| core | logic area mm^2 | memory area mm^2 | Fmax MHz | cycles/query | queries/s at Fmax | logic power mW | memory power mW | energy/query nJ | energy/query at 65 nm, 1.0 V nJ | queries/mJ at 65 nm |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
    cJSON *jc = cJSON_AddObjectToObject(jp, "cores");
    for (int i = 0; i < 3; i++) {
        if (!have[i])
            continue;
        fprintf(md, "| %s | %.3f | %.3f | %.1f | %.0f | %.3g | %.1f | %.2f | %.1f | %.2f | %.0f |\n",
                RP_CORES[i], f[i].area_logic, f[i].area_mem, f[i].fmax, f[i].ii, f[i].qps,
                f[i].power_logic, f[i].power_mem, f[i].e_query, f[i].e_query_node, f[i].qpmj_node);
        cJSON *o = cJSON_AddObjectToObject(jc, RP_CORES[i]);
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
            double a = rp_num(p->run[i], pa), pw = rp_num(p->run[i], pp);
            cJSON_AddNumberToObject(bb, "area_mm2", isnan(a) ? 0.0 : a * 1e-6);
            cJSON_AddNumberToObject(bb, "power_mw", isnan(pw) ? 0.0 : pw * 1e-3);
        }
        cJSON_AddStringToObject(o, "gate_level_check", rp_str(cJSON_GetObjectItem(p->run[i], "activity"), "gate_level_check"));
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
                RP_CORES[i], r[0], 100 * (r[0] - 1), r[1], 100 * (r[1] - 1), r[2], 100 * (r[2] - 1),
                r[3], 100 * (r[3] - 1), r[4], 100 * (r[4] - 1));
        cJSON *o = cJSON_AddObjectToObject(jr, RP_CORES[i]);
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
        fprintf(md, "| %s |", RP_CORES[i]);
        for (int k = 0; k < 7; k++) {
            char pa[64], pp[64];
            snprintf(pa, sizeof pa, "blocks.%s.area_um2", BLOCKS[k]);
            snprintf(pp, sizeof pp, "blocks.%s.power_uw", BLOCKS[k]);
            double a = rp_num(p->run[i], pa), pw = rp_num(p->run[i], pp);
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
    FILE *f = rp_out_file(dir, name);
    fprintf(f, "core");
    for (int k = 0; k < 7; k++)
        fprintf(f, " %s", BLOCKS[k]);
    fprintf(f, "\n");
    for (int i = 0; i < 3; i++) {
        if (!p->run[i])
            continue;
        fprintf(f, "%s", RP_CORES[i]);
        for (int k = 0; k < 7; k++) {
            char key[64];
            snprintf(key, sizeof key, "blocks.%s.%s", BLOCKS[k], strcmp(what, "area") ? "power_uw" : "area_um2");
            double v = rp_num(p->run[i], key);
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
            rp_num(s, "count"), rp_num(s, "tokens"));
    fprintf(csv, "backend,layer,attn_rel_err,recall,cos_mean,cos_min,nn_agree\n");
    cJSON *jf = cJSON_AddArrayToObject(root, "fidelity");
    const cJSON *b;
    cJSON_ArrayForEach(b, bs)
    {
        const cJSON *e = cJSON_GetObjectItem(b, "attn_rel_err"), *x;
        fprintf(md, "| %s |", rp_str(b, "backend"));
        int l = 0;
        cJSON_ArrayForEach(x, e)
        {
            fprintf(md, " %.3f", x->valuedouble);
            fprintf(csv, "%s,%d,%.6g,%.6g,%.6g,%.6g,%.6g\n", rp_str(b, "backend"), l++, x->valuedouble,
                    rp_num(b, "recall"), rp_num(b, "cos_mean"), rp_num(b, "cos_min"), rp_num(b, "nn_agree"));
        }
        double r = rp_num(b, "recall");
        if (isnan(r))
            fprintf(md, " | - |");
        else
            fprintf(md, " | %.3f |", r);
        fprintf(md, " %.4f / %.4f | %.3f |\n", rp_num(b, "cos_mean"), rp_num(b, "cos_min"), rp_num(b, "nn_agree"));
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
    FILE *dat = rp_out_file(dir, "fidelity_vs_n.dat");
    FILE *csv = rp_out_file(dir, "fidelity_vs_n.csv");
    fprintf(md, "\n## Fidelity against N (golden models, same sentences)\n\n| N | HAD recall | HAD cosine mean | HAD NN agreement | int8-top-N recall | int8-top-N cosine mean | int8-top-N NN agreement |\n|---|---|---|---|---|---|---|\n");
    fprintf(dat, "# N had_recall had_cos had_nn i8_recall i8_cos i8_nn\n");
    fprintf(csv, "n,had_recall,had_cos_mean,had_nn_agree,int8_topn_recall,int8_topn_cos_mean,int8_topn_nn_agree\n");
    cJSON *arr = cJSON_AddArrayToObject(root, "fidelity_vs_n");
    for (int i = 0; i < nf; i++) {
        double v[6] = {NAN, NAN, NAN, NAN, NAN, NAN};
        const cJSON *b;
        cJSON_ArrayForEach(b, cJSON_GetObjectItem(fj[i], "backends"))
        {
            int off = strcmp(rp_str(b, "backend"), "golden-had") == 0 ? 0
                    : strcmp(rp_str(b, "backend"), "golden-int8-topn") == 0 ? 3 : -1;
            if (off < 0)
                continue;
            v[off] = rp_num(b, "recall");
            v[off + 1] = rp_num(b, "cos_mean");
            v[off + 2] = rp_num(b, "nn_agree");
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
    FILE *f = rp_out_file(dir, "cycles_vs_l.dat");
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

static int gnuplot(const char *dir, int npoints, const point *pts, int have_fn)
{
    FILE *g = rp_out_file(dir, "plots.gp");
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
    }
    fclose(g);
    return rp_gnuplot(dir, "plots.gp", "gnuplot.log");
}

static void stdout_summary(int npoints, const point *pts)
{
    printf("\n%-12s %-10s %10s %10s %9s %12s %10s %12s\n", "point", "core", "logic mm2", "total mm2",
           "Fmax MHz", "queries/s", "power mW", "nJ/query");
    for (int i = 0; i < npoints; i++)
        for (int c = 0; c < 3; c++) {
            if (!pts[i].run[c])
                continue;
            rp_figs_t f = rp_figs(pts[i].run[c]);
            printf("%-12s %-10s %10.3f %10.3f %9.1f %12.3g %10.1f %12.1f\n", pts[i].name, RP_CORES[c],
                   f.area_logic, f.area, f.fmax, f.qps, f.power, f.e_query);
        }
    for (int i = 0; i < npoints; i++) {
        if (!pts[i].run[0] || !pts[i].run[1])
            continue;
        rp_figs_t h = rp_figs(pts[i].run[0]), b = rp_figs(pts[i].run[1]);
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
                                         {"sweep-md", required_argument, 0, 's'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *out = NULL, *fid = NULL, *sweep_md = NULL;
    point *pts = calloc(MAX_POINTS, sizeof *pts);
    int npoints = 0, nf = 0, ns[MAX_FN], ch;
    cJSON *fjn[MAX_FN];
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (ch) {
        case 'o': out = optarg; break;
        case 'p':
            if (npoints == MAX_POINTS)
                rp_die("--point '%s': at most 4 points", optarg);
            parse_point(&pts[npoints++], optarg);
            break;
        case 'f': fid = optarg; break;
        case 'n': {
            char *eq = strchr(optarg, '='), *end;
            long v = strtol(optarg, &end, 10);
            if (!eq || end != eq || v < 1 || v > 1 << 20 || nf == MAX_FN)
                rp_die("--fidelity-n '%s': must be N=FILE with N a whole number >= 1 and <= %d (at most %d files)",
                       optarg, 1 << 20, MAX_FN);
            ns[nf] = (int)v;
            fjn[nf++] = rp_load_json(eq + 1);
            break;
        }
        case 's': sweep_md = optarg; break;
        case 'h':
            printf("usage: hgreport --out DIR --point NAME=STIMULUS:RUN_DIR,... [--fidelity FILE]\n"
                   "                [--fidelity-n N=FILE ...] [--sweep-md FILE]\n");
            return 0;
        default:
            rp_die("bad option '%s' (see --help)", argv[optind - 1]);
        }
    }
    if (!out || npoints == 0)
        rp_die("--out and at least one --point are required");

    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "tool", "hadgen report");
    cJSON *ref = cJSON_AddObjectToObject(root, "references");
    cJSON_AddNumberToObject(ref, "paper_area_reduction", PAPER_AREA_RED);
    cJSON_AddNumberToObject(ref, "paper_power_reduction", PAPER_POWER_RED);
    cJSON_AddNumberToObject(ref, "camformer_queries_per_mj_65nm", CAMFORMER_QPMJ);
    FILE *md = rp_out_file(out, "report.md");
    fprintf(md, "# hadgen report: HAD attention core against a standard int8 attention core\n\n"
                "Produced by `make report`. Every figure below comes from this run: synthesized netlists (Yosys, "
                "osu018 180 nm), OpenSTA timing, power from gate-level simulated activity, the memory model of "
                "docs/synth.md, and the real model through the cycle-accurate cores. Energy at 65 nm scales by "
                "(65/180) x (1.0/1.8)^2 (docs/synth.md).\n");
    cJSON *jpts = cJSON_AddArrayToObject(root, "points");
    FILE *csv = rp_out_file(out, "summary.csv");
    fprintf(csv, "point,core,logic_area_mm2,memory_area_mm2,fmax_mhz,cycles_per_query,queries_per_s,logic_power_mw,memory_power_mw,energy_per_query_nj,energy_per_query_node_nj,queries_per_mj_node\n");
    FILE *bcsv = rp_out_file(out, "blocks.csv");
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
            rp_figs_t f = rp_figs(pts[i].run[c]);
            fprintf(csv, "%s,%s,%g,%g,%g,%g,%g,%g,%g,%g,%g,%g\n", pts[i].name, RP_CORES[c], f.area_logic,
                    f.area_mem, f.fmax, f.ii, f.qps, f.power_logic, f.power_mem, f.e_query,
                    f.e_query_node, f.qpmj_node);
            for (int k = 0; k < 7; k++) {
                char pa[64], pp[64];
                snprintf(pa, sizeof pa, "blocks.%s.area_um2", BLOCKS[k]);
                snprintf(pp, sizeof pp, "blocks.%s.power_uw", BLOCKS[k]);
                double a = rp_num(pts[i].run[c], pa), pw = rp_num(pts[i].run[c], pp);
                fprintf(bcsv, "%s,%s,%s,%g,%g\n", pts[i].name, RP_CORES[c], BLOCKS[k],
                        isnan(a) ? 0 : a * 1e-6, isnan(pw) ? 0 : pw * 1e-3);
            }
        }
    }
    fclose(csv);
    fclose(bcsv);
    if (fid) {
        FILE *fcsv = rp_out_file(out, "fidelity.csv");
        cJSON *fj = rp_load_json(fid);
        fidelity(md, fcsv, root, fj);
        fclose(fcsv);
        cJSON_Delete(fj);
    }
    if (nf)
        fidelity_n(md, out, root, nf, ns, fjn);
    cycles_vs_l(out);
    fprintf(md, "\n## Plots\n\n");
    for (int i = 0; i < npoints; i++)
        fprintf(md, "![area %s](%s_area.png) ![power %s](%s_power.png)\n", pts[i].name, pts[i].name,
                pts[i].name, pts[i].name);
    if (nf)
        fprintf(md, "![fidelity vs N](fidelity_vs_n.png)\n");
    fprintf(md, "![cycles vs L](cycles_vs_l.png)\n");
    if (sweep_md) { /* the sweep section hgsweep wrote, verbatim */
        FILE *sf = fopen(sweep_md, "r");
        if (!sf)
            rp_die("--sweep-md '%s': %s", sweep_md, strerror(errno));
        char buf[4096];
        size_t k;
        fprintf(md, "\n");
        while ((k = fread(buf, 1, sizeof buf, sf)) > 0)
            fwrite(buf, 1, k, md);
        fclose(sf);
    }
    fclose(md);
    rp_write_json(out, "report.json", root);
    int rc = gnuplot(out, npoints, pts, nf > 0);
    stdout_summary(npoints, pts);
    printf("\nreport: %s/report.md (JSON: report.json, CSV: summary.csv blocks.csv fidelity*.csv, plots: *.png *.svg)\n", out);
    return rc;
}
