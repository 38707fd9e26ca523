/* sy_cmd_report.c — `hgsynth report`: the comparison of several flow runs.
 *
 *   hgsynth report --out DIR RUN_DIR...
 * reads RUN_DIR/reports/summary.json of each run (one per core type, same d, P, N, L)
 * and writes DIR/synth_report.{json,csv,md}: per-block area and power, totals with and
 * without memories, Fmax, throughput, energy per query (also node-normalised), and the
 * ratios HAD / baseline and int8-top-N / baseline next to the paper's reductions and
 * CAMformer's figure. Every number carries the commands that reproduce it.
 */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sy_cmd.h"
#include "sy_io.h"
#include "sy_manifest.h"
#include "sy_util.h"

/* Published reference points (docs/synth.md). */
#define PAPER_AREA_REDUCTION 0.79   /* HAD, arXiv 2502.01770: -79 % area vs standard attention */
#define PAPER_POWER_REDUCTION 0.87  /* ... and -87 % power */
#define CAMFORMER_QPMJ 9045.0       /* CAMformer: 9,045 queries/mJ at 65 nm */
#define CAMFORMER_NODE_NM 65.0

typedef struct {
    char *dir;
    cJSON *s;            /* summary.json */
    const char *core;
} run;

static double jget(const cJSON *o, const char *path)
{
    /* path "a.b.c" */
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    const cJSON *cur = o;
    for (char *save = NULL, *k = strtok_r(buf, ".", &save); k && cur; k = strtok_r(NULL, ".", &save))
        cur = cJSON_GetObjectItemCaseSensitive(cur, k);
    return cJSON_IsNumber(cur) ? cur->valuedouble : NAN;
}

static const char *jstr(const cJSON *o, const char *a, const char *b)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, a);
    if (b) x = x ? cJSON_GetObjectItemCaseSensitive(x, b) : NULL;
    return cJSON_IsString(x) ? x->valuestring : "";
}

static const run *find_core(const run *r, int n, const char *core)
{
    for (int i = 0; i < n; i++)
        if (strcmp(r[i].core, core) == 0) return &r[i];
    return NULL;
}

/* A metric of the report: where it sits in summary.json, how it is printed. */
typedef struct {
    const char *key, *label, *unit, *path;
    double scale;
    int prec;      /* decimals */
} metric;

static const metric metrics[] = {
    {"logic_area", "Logic area", "mm2", "totals.logic_area_um2", 1e-6, 3},
    {"memory_area", "Memory area (model)", "mm2", "totals.memory_area_um2", 1e-6, 3},
    {"total_area", "Total area", "mm2", "totals.area_um2", 1e-6, 3},
    {"logic_power", "Logic power @ clock", "mW", "totals.logic_power_uw", 1e-3, 2},
    {"memory_power", "Memory power @ clock", "mW", "totals.memory_power_uw", 1e-3, 2},
    {"total_power", "Total power @ clock", "mW", "totals.power_uw", 1e-3, 2},
    {"clock", "Clock of the power figures", "MHz", "clock_period_ns", -1, 1},
    {"fmax", "Fmax (STA)", "MHz", "timing.fmax_mhz", 1, 1},
    {"power_common", "Total power @ common clock (slowest Fmax)", "mW", "", 0, 2},
    {"power_fmax", "Total power @ own Fmax", "mW", "totals.power_at_fmax_uw", 1e-3, 2},
    {"ii", "Cycles per query (ii)", "cycles", "throughput.ii_cycles", 1, 0},
    {"qpc", "Queries per cycle", "1/cycle", "throughput.queries_per_cycle", 1, 4},
    {"qps", "Queries per second @ Fmax", "Mq/s", "throughput.queries_per_s_at_fmax", 1e-6, 3},
    {"cpq", "Measured cycles per query (capture)", "cycles", "activity.cycles_per_query", 1, 1},
    {"epq", "Energy per query", "nJ", "energy.per_query_nj", 1, 3},
    {"epq_logic", "Energy per query, logic only", "nJ", "energy.per_query_logic_nj", 1, 3},
    {"epq_node", "Energy per query, node-normalised", "nJ", "energy.per_query_node_nj", 1, 3},
    {"qpmj", "Queries per mJ (180 nm)", "q/mJ", "energy.queries_per_mj", 1, 0},
    {"qpmj_node", "Queries per mJ, node-normalised", "q/mJ", "energy.queries_per_mj_node", 1, 0},
    {"coverage", "Activity coverage (cells simulated)", "%", "activity.coverage_cells", 100, 1},
};
#define NMETRICS (int)(sizeof metrics / sizeof metrics[0])

static double common_mhz; /* slowest Fmax of the runs compared */

/* Power at f MHz: dynamic energy per cycle does not depend on the clock, leakage does not
 * depend on it either. */
static double power_at(const run *r, double f_mhz)
{
    double p = jget(r->s, "totals.power_uw"), leak = jget(r->s, "totals.logic_leakage_uw");
    double mleak = 0;
    const cJSON *mems = cJSON_GetObjectItemCaseSensitive(r->s, "memories");
    const cJSON *m;
    cJSON_ArrayForEach(m, mems) mleak += jget(m, "leakage_uw");
    double f0 = 1000.0 / jget(r->s, "clock_period_ns");
    return (p - leak - mleak) * f_mhz / f0 + leak + mleak;
}

static double metric_value(const run *r, const metric *m)
{
    if (!m->path[0]) return power_at(r, common_mhz) * 1e-3;
    double v = jget(r->s, m->path);
    if (m->scale < 0) return v > 0 ? 1000.0 / v : NAN; /* period ns -> MHz */
    return v * m->scale;
}

static double block_value(const run *r, const char *block, const char *what)
{
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r->s, "blocks"), block);
    const cJSON *v = b ? cJSON_GetObjectItemCaseSensitive(b, what) : NULL;
    return cJSON_IsNumber(v) ? v->valuedouble : 0.0;
}

typedef struct {
    const char *key, *label, *path;
    double paper;   /* paper's reduction, or NAN */
} ratio_def;

static const ratio_def ratios[] = {
    {"area_logic", "Area, logic only", "totals.logic_area_um2", PAPER_AREA_REDUCTION},
    {"area_total", "Area, logic + memories", "totals.area_um2", PAPER_AREA_REDUCTION},
    {"power_logic", "Power, logic only (same clock)", "totals.logic_power_uw", PAPER_POWER_REDUCTION},
    {"power_total", "Power, logic + memories (same clock)", "totals.power_uw", PAPER_POWER_REDUCTION},
    {"energy_query", "Energy per query", "energy.per_query_nj", NAN},
    {"score_area", "Score array area", "blocks.score.area_um2", NAN},
    {"score_power", "Score array power", "blocks.score.power_uw", NAN},
    {"fmax", "Fmax", "timing.fmax_mhz", NAN},
};
#define NRATIOS (int)(sizeof ratios / sizeof ratios[0])

/* Every field the report reads must be there: a summary.json without one is refused with
 * its file and key (so the tables never show nan). -1 with err. */
static int check_summary(const cJSON *s, const char *path, char *err, size_t errlen)
{
    static const char *const nums[] = {"clock_period_ns", "timing.fmax_mhz", "totals.logic_leakage_uw",
                                       "energy.node_ref_nm", "energy.node_ref_vdd", "params.d", "params.lanes",
                                       "params.top_n", "params.max_keys"};
    static const char *const strs[][2] = {{"core", NULL},         {"config", NULL},         {"liberty", NULL},
                                          {"commands", "generate"}, {"commands", "flow"},   {"activity", "source"},
                                          {"activity", "window"}, {"activity", "gate_level_check"}};
    const char *bad = NULL;
    char key[128];
    for (size_t i = 0; i < sizeof nums / sizeof nums[0] && !bad; i++)
        if (!isfinite(jget(s, nums[i]))) bad = nums[i];
    for (int k = 0; k < NMETRICS && !bad; k++)
        if (metrics[k].path[0] && !isfinite(jget(s, metrics[k].path))) bad = metrics[k].path;
    for (int k = 0; k < NRATIOS && !bad; k++)
        if (!isfinite(jget(s, ratios[k].path))) bad = ratios[k].path;
    for (int b = 0; sy_blocks[b] && !bad; b++)
        for (int w = 0; w < 2 && !bad; w++) {
            snprintf(key, sizeof key, "blocks.%s.%s", sy_blocks[b], w ? "power_uw" : "area_um2");
            if (!isfinite(jget(s, key))) bad = key;
        }
    if (bad) {
        snprintf(err, errlen, "%s: key %s missing or not a finite number", path, bad);
        return -1;
    }
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        const cJSON *x = cJSON_GetObjectItemCaseSensitive(s, strs[i][0]);
        if (strs[i][1]) x = x ? cJSON_GetObjectItemCaseSensitive(x, strs[i][1]) : NULL;
        if (!cJSON_IsString(x)) {
            snprintf(err, errlen, "%s: key %s%s%s missing or not a string", path, strs[i][0], strs[i][1] ? "." : "",
                     strs[i][1] ? strs[i][1] : "");
            return -1;
        }
    }
    const char *core = jstr(s, "core", NULL);
    int ok = core[0] != '\0' && strlen(core) <= 64;
    for (const char *c = core; *c && ok; c++) ok = isalnum((unsigned char)*c) || *c == '_' || *c == '-';
    if (!ok) {
        snprintf(err, errlen, "%s: core \"%.40s\" is not a core name (letters, digits, '_', '-')", path, core);
        return -1;
    }
    if (jget(s, "clock_period_ns") <= 0 || jget(s, "timing.fmax_mhz") <= 0) {
        snprintf(err, errlen, "%s: %s must be > 0", path, jget(s, "clock_period_ns") <= 0 ? "clock_period_ns" : "timing.fmax_mhz");
        return -1;
    }
    const cJSON *mems = cJSON_GetObjectItemCaseSensitive(s, "memories"), *m;
    if (!cJSON_IsArray(mems)) {
        snprintf(err, errlen, "%s: key memories missing or not a list", path);
        return -1;
    }
    cJSON_ArrayForEach(m, mems) if (!isfinite(jget(m, "leakage_uw"))) {
        snprintf(err, errlen, "%s: a memory without a finite leakage_uw", path);
        return -1;
    }
    return 0;
}

/* v as %.{prec}f (with a sign: %+.{prec}f; prec < 0: %.6g), or "n/a" when it is not
 * finite (a ratio against a zero). */
static const char *fmt(char *buf, size_t n, int prec, int sign, double v)
{
    if (!isfinite(v)) snprintf(buf, n, "n/a");
    else if (prec < 0) snprintf(buf, n, "%.6g", v);
    else snprintf(buf, n, sign ? "%+.*f" : "%.*f", prec, v);
    return buf;
}

/* Writes s as the inside of a gnuplot single-quoted string ('' is a quote there). */
static void gq(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '\'') fputc('\'', f);
        fputc(*s, f);
    }
}

/* Writes s as a CSV field in double quotes ("" is a quote there). */
static void cq(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void commands_of(const run *r, sy_buf *b)
{
    sy_buf_printf(b, "%s && %s", jstr(r->s, "commands", "generate"), jstr(r->s, "commands", "flow"));
}

static int write_all(const run *runs, int n, const char *out, const char *self_cmd)
{
    const run *base = find_core(runs, n, "baseline");
    common_mhz = INFINITY;
    for (int i = 0; i < n; i++)
        if (jget(runs[i].s, "timing.fmax_mhz") < common_mhz) common_mhz = jget(runs[i].s, "timing.fmax_mhz");
    char *pj = sy_asprintf("%s/synth_report.json", out), *pc = sy_asprintf("%s/synth_report.csv", out);
    char *pm = sy_asprintf("%s/synth_report.md", out);
    char *pd = sy_asprintf("%s/synth_blocks.dat", out), *pg = sy_asprintf("%s/synth_blocks.gp", out);
    sy_out oj = {0}, oc = {0}, om = {0}, od = {0}, og = {0};
    char err[1024];
    int rc = sy_out_open(&oj, pj, err, sizeof err) != 0 || sy_out_open(&oc, pc, err, sizeof err) != 0 ||
             sy_out_open(&om, pm, err, sizeof err) != 0 || sy_out_open(&od, pd, err, sizeof err) != 0 ||
             sy_out_open(&og, pg, err, sizeof err) != 0;
    FILE *fc = oc.f, *fm = om.f, *fd = od.f, *fg = og.f;
    if (rc) {
        fprintf(stderr, "hgsynth report: %s\n", err);
        rc = 2;
        goto done;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "command", self_cmd);
    cJSON *refs = cJSON_AddObjectToObject(root, "references");
    cJSON_AddNumberToObject(refs, "paper_area_reduction", PAPER_AREA_REDUCTION);
    cJSON_AddNumberToObject(refs, "paper_power_reduction", PAPER_POWER_REDUCTION);
    cJSON_AddNumberToObject(refs, "camformer_queries_per_mj", CAMFORMER_QPMJ);
    cJSON_AddNumberToObject(refs, "camformer_node_nm", CAMFORMER_NODE_NM);
    cJSON_AddNumberToObject(root, "common_clock_mhz", common_mhz);
    cJSON *jr = cJSON_AddArrayToObject(root, "runs");
    fprintf(fc, "core,config,item,metric,value,unit,command\n");

    /* ---- Markdown header and summary table ---- */
    fprintf(fm, "# Synthesis comparison\n\n");
    fprintf(fm, "Written by `%s`. Liberty: `%s`, power at a %.0f MHz clock from simulated switching "
                "activity (gate-level simulation of every netlist on the captured RTL stimulus; method and "
                "memory model in docs/synth.md).\n\n",
            self_cmd, jstr(runs[0].s, "liberty", NULL), 1000.0 / jget(runs[0].s, "clock_period_ns"));
    fprintf(fm, "Power is quoted at the flow clock (%.0f MHz, the same for every core) and at the common "
                "clock %.1f MHz that every core compared here reaches (the slowest Fmax); dynamic energy "
                "per cycle does not depend on the clock, so the ratios do not either.\n\n",
            1000.0 / jget(runs[0].s, "clock_period_ns"), common_mhz);
    fprintf(fm, "| Metric | Unit |");
    for (int i = 0; i < n; i++) fprintf(fm, " %s |", runs[i].core);
    fprintf(fm, "\n|---|---|");
    for (int i = 0; i < n; i++) fprintf(fm, "---:|");
    fprintf(fm, "\n");
    for (int k = 0; k < NMETRICS; k++) {
        fprintf(fm, "| %s | %s |", metrics[k].label, metrics[k].unit);
        for (int i = 0; i < n; i++) {
            char v[64];
            fprintf(fm, " %s |", fmt(v, sizeof v, metrics[k].prec, 0, metric_value(&runs[i], &metrics[k])));
        }
        fprintf(fm, "\n");
    }
    for (int i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "core", runs[i].core);
        cJSON_AddStringToObject(o, "run_dir", runs[i].dir);
        sy_buf cmd = {0};
        commands_of(&runs[i], &cmd);
        cJSON_AddStringToObject(o, "reproduce", cmd.s);
        cJSON *mo = cJSON_AddObjectToObject(o, "metrics");
        for (int k = 0; k < NMETRICS; k++) {
            double v = metric_value(&runs[i], &metrics[k]);
            cJSON_AddItemToObject(mo, metrics[k].key, isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull());
            char vb[64];
            fprintf(fc, "%s,", runs[i].core);
            cq(fc, jstr(runs[i].s, "config", NULL));
            fprintf(fc, ",total,%s,%s,%s,", metrics[k].key, fmt(vb, sizeof vb, -1, 0, v), metrics[k].unit);
            cq(fc, cmd.s);
            fprintf(fc, "\n");
        }
        cJSON *bo = cJSON_AddObjectToObject(o, "blocks");
        for (int b = 0; sy_blocks[b]; b++) {
            cJSON *x = cJSON_AddObjectToObject(bo, sy_blocks[b]);
            double a = block_value(&runs[i], sy_blocks[b], "area_um2");
            double p = block_value(&runs[i], sy_blocks[b], "power_uw");
            cJSON_AddNumberToObject(x, "area_um2", a);
            cJSON_AddNumberToObject(x, "power_uw", p);
            for (int w = 0; w < 2; w++) {
                fprintf(fc, "%s,", runs[i].core);
                cq(fc, jstr(runs[i].s, "config", NULL));
                fprintf(fc, ",%s,%s,%.6g,%s,", sy_blocks[b], w ? "power" : "area", w ? p : a, w ? "uW" : "um2");
                cq(fc, cmd.s);
                fprintf(fc, "\n");
            }
        }
        cJSON_AddItemToObject(o, "summary", cJSON_Duplicate(runs[i].s, 1));
        cJSON_AddItemToArray(jr, o);
        sy_buf_free(&cmd);
    }

    /* ---- per-block tables ---- */
    for (int what = 0; what < 2; what++) {
        fprintf(fm, "\n## %s per block\n\n| Block |", what ? "Power (mW, at the flow clock)" : "Area (mm2)");
        for (int i = 0; i < n; i++) fprintf(fm, " %s |", runs[i].core);
        fprintf(fm, "\n|---|");
        for (int i = 0; i < n; i++) fprintf(fm, "---:|");
        fprintf(fm, "\n");
        for (int b = 0; sy_blocks[b]; b++) {
            fprintf(fm, "| %s%s |", sy_blocks[b], strcmp(sy_blocks[b], "memory") ? "" : " (model)");
            for (int i = 0; i < n; i++)
                fprintf(fm, what ? " %.3f |" : " %.4f |",
                        block_value(&runs[i], sy_blocks[b], what ? "power_uw" : "area_um2") * 1e-3 * (what ? 1 : 1e-3));
            fprintf(fm, "\n");
        }
    }

    /* ---- ratios ---- */
    cJSON *jrat = cJSON_AddObjectToObject(root, "ratios");
    if (base) {
        fprintf(fm, "\n## Ratios to the baseline (same d, P, N, L, V precision and queries per cycle)\n\n"
                    "| Quantity | Core | Ratio | Reduction | Paper (HAD) |\n|---|---|---:|---:|---:|\n");
        for (int i = 0; i < n; i++) {
            if (&runs[i] == base) continue;
            cJSON *ro = cJSON_AddObjectToObject(jrat, runs[i].core);
            for (int k = 0; k < NRATIOS; k++) {
                double a = jget(runs[i].s, ratios[k].path), b = jget(base->s, ratios[k].path);
                double r = b > 0 ? a / b : NAN; /* undefined against a zero: n/a, null */
                cJSON_AddItemToObject(ro, ratios[k].key, isfinite(r) ? cJSON_CreateNumber(r) : cJSON_CreateNull());
                char paper[32] = "", rb[64], pb[64];
                if (!isnan(ratios[k].paper) && strcmp(runs[i].core, "had") == 0)
                    snprintf(paper, sizeof paper, "-%.0f %%", ratios[k].paper * 100);
                fprintf(fm, "| %s | %s/baseline | %s | %s %% | %s |\n", ratios[k].label, runs[i].core,
                        fmt(rb, sizeof rb, 3, 0, r), fmt(pb, sizeof pb, 1, 1, (r - 1) * 100), paper);
                fprintf(fc, "%s,", runs[i].core);
                cq(fc, jstr(runs[i].s, "config", NULL));
                fprintf(fc, ",ratio_to_baseline,%s,%s,,", ratios[k].key, fmt(rb, sizeof rb, -1, 0, r));
                cq(fc, self_cmd);
                fprintf(fc, "\n");
            }
        }
    } else {
        fprintf(fm, "\n(no baseline run: ratios omitted)\n");
    }

    /* ---- CAMformer ---- */
    fprintf(fm, "\n## Energy efficiency beside CAMformer\n\n"
                "CAMformer reports %.0f queries/mJ at %.0f nm (d = 64, 1024 keys, top-32). Our figures are "
                "at 180 nm; the node-normalised column scales energy by (node/180 nm) x (V/1.8 V)^2 "
                "(docs/synth.md) to %.0f nm, %.1f V.\n\n"
                "| Core | Queries/mJ (180 nm) | Queries/mJ (node-normalised) | vs CAMformer |\n|---|---:|---:|---:|\n",
            CAMFORMER_QPMJ, CAMFORMER_NODE_NM, jget(runs[0].s, "energy.node_ref_nm"),
            jget(runs[0].s, "energy.node_ref_vdd"));
    for (int i = 0; i < n; i++) {
        double q = jget(runs[i].s, "energy.queries_per_mj"), qn = jget(runs[i].s, "energy.queries_per_mj_node");
        fprintf(fm, "| %s | %.0f | %.0f | %.2fx |\n", runs[i].core, q, qn, qn / CAMFORMER_QPMJ);
    }

    /* ---- reproduction ---- */
    fprintf(fm, "\n## How to reproduce every number\n\n"
                "Each column comes from one run (generate, then synthesize, simulate, estimate):\n\n");
    for (int i = 0; i < n; i++) {
        fprintf(fm, "- **%s** (`%s`):\n  ```\n  %s\n  %s\n  ```\n", runs[i].core, runs[i].dir,
                jstr(runs[i].s, "commands", "generate"), jstr(runs[i].s, "commands", "flow"));
    }
    fprintf(fm, "- this report: `%s`\n", self_cmd);
    fprintf(fm, "\nActivity source: %s captures, window `%s`; gate-level check: %s for every run.\n",
            jstr(runs[0].s, "activity", "source"), jstr(runs[0].s, "activity", "window"),
            jstr(runs[0].s, "activity", "gate_level_check"));

    /* ---- gnuplot: stacked per-block area and power ---- */
    fprintf(fd, "# core");
    for (int b = 0; sy_blocks[b]; b++) fprintf(fd, " %s_area_mm2", sy_blocks[b]);
    for (int b = 0; sy_blocks[b]; b++) fprintf(fd, " %s_power_mw", sy_blocks[b]);
    fprintf(fd, "\n");
    int nb = 0;
    for (int i = 0; i < n; i++) {
        fprintf(fd, "%s", runs[i].core);
        nb = 0;
        for (int b = 0; sy_blocks[b]; b++, nb++) fprintf(fd, " %.6g", block_value(&runs[i], sy_blocks[b], "area_um2") * 1e-6);
        for (int b = 0; sy_blocks[b]; b++) fprintf(fd, " %.6g", block_value(&runs[i], sy_blocks[b], "power_uw") * 1e-3);
        fprintf(fd, "\n");
    }
    fprintf(fg, "# gnuplot synth_blocks.gp of the report folder (written by hgsynth report)\n"
                "set terminal pngcairo size 1000,420 noenhanced\nset style data histograms\n"
                "set style histogram rowstacked\nset style fill solid 0.8 border -1\nset boxwidth 0.6\n"
                "set key outside right\nset grid ytics\n");
    for (int what = 0; what < 2; what++) {
        fprintf(fg, "set output '");
        gq(fg, out);
        fprintf(fg, "/synth_%s.png'\nset title '%s per block (d=%.0f P=%.0f N=%.0f L=%.0f)'\nset ylabel '%s'\nplot ",
                what ? "power" : "area", what ? "Power at the flow clock" : "Area", jget(runs[0].s, "params.d"),
                jget(runs[0].s, "params.lanes"), jget(runs[0].s, "params.top_n"), jget(runs[0].s, "params.max_keys"),
                what ? "mW" : "mm2");
        for (int b = 0; b < nb; b++) {
            fprintf(fg, "%s'", b ? ", " : "");
            gq(fg, pd);
            fprintf(fg, "' using %d%s title '%s'", 2 + b + what * nb, b ? "" : ":xtic(1)", sy_blocks[b]);
        }
        fprintf(fg, "\n");
    }

    char *text = cJSON_Print(root);
    fputs(text, oj.f);
    free(text);
    cJSON_Delete(root);
    rc = sy_out_commit(&oj, err, sizeof err) != 0 || sy_out_commit(&oc, err, sizeof err) != 0 ||
         sy_out_commit(&om, err, sizeof err) != 0 || sy_out_commit(&od, err, sizeof err) != 0 ||
         sy_out_commit(&og, err, sizeof err) != 0;
    if (rc) {
        fprintf(stderr, "hgsynth report: %s\n", err);
        rc = 2;
    }
done:
    sy_out_abort(&oj);
    sy_out_abort(&oc);
    sy_out_abort(&om);
    sy_out_abort(&od);
    sy_out_abort(&og);
    if (!rc) printf("hgsynth report: %s, %s, %s\n", pj, pc, pm);
    free(pj);
    free(pc);
    free(pm);
    free(pd);
    free(pg);
    return rc;
}

int sy_cmd_report(int argc, char **argv)
{
    const char *out = NULL;
    run runs[8] = {{0}};
    int n = 0;
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--help") == 0 || strcmp(argv[a], "-h") == 0) {
            printf("usage: hgsynth report --out DIR RUN_DIR...\n"
                   "  compare flow runs (RUN_DIR/reports/summary.json); writes DIR/synth_report.{json,csv,md}\n");
            return 0;
        }
        if (strcmp(argv[a], "--out") == 0 && a + 1 < argc && !out && argv[a + 1][0]) {
            out = argv[++a];
        } else if (argv[a][0] == '-' || !argv[a][0]) {
            fprintf(stderr, "hgsynth report: '%s': unknown option, --out given twice or without a value, or an "
                            "empty run directory\n", argv[a]);
            return 2;
        } else if (n < 8) {
            runs[n].dir = argv[a];
            n++;
        } else {
            fprintf(stderr, "hgsynth report: at most 8 runs\n");
            return 2;
        }
    }
    if (!out || n == 0) {
        fprintf(stderr, "hgsynth report: usage: hgsynth report --out DIR RUN_DIR...\n");
        return 2;
    }
    for (const char *c = out; *c; c++)
        if ((unsigned char)*c < ' ' || *c == 0x7f) {
            fprintf(stderr, "hgsynth report: --out: the folder name has a control character\n");
            return 2;
        }
    int rc = 0;
    char err[1024];
    for (int i = 0; i < n && !rc; i++) {
        char *p = sy_asprintf("%s/reports/summary.json", runs[i].dir);
        char *text = sy_read_file(p, NULL, err, sizeof err);
        runs[i].s = text ? cJSON_ParseWithOpts(text, NULL, 1) : NULL; /* nothing after the value */
        if (!text) {
            fprintf(stderr, "hgsynth report: no summary: %s (run synth/flow.sh first)\n", err);
            rc = 2;
        } else if (!cJSON_IsObject(runs[i].s)) {
            fprintf(stderr, "hgsynth report: %s: not a JSON object\n", p);
            rc = 2;
        } else if (check_summary(runs[i].s, p, err, sizeof err) != 0) {
            fprintf(stderr, "hgsynth report: %s\n", err);
            rc = 2;
        } else {
            runs[i].core = jstr(runs[i].s, "core", NULL);
            for (int j = 0; j < i && !rc; j++)
                if (strcmp(runs[j].core, runs[i].core) == 0) {
                    fprintf(stderr, "hgsynth report: %s and %s are both runs of core %s: one run per core\n",
                            runs[j].dir, runs[i].dir, runs[i].core);
                    rc = 2;
                }
        }
        free(text);
        free(p);
    }
    if (!rc && mkdir(out, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "hgsynth report: cannot create %s: %s\n", out, strerror(errno));
        rc = 2;
    }
    if (!rc && sy_dir_check(out, err, sizeof err) != 0) {
        fprintf(stderr, "hgsynth report: --out: %s\n", err);
        rc = 2;
    }
    if (!rc) {
        sy_buf cmd = {0};
        sy_buf_printf(&cmd, "hgsynth report --out %s", out);
        for (int i = 0; i < n; i++) sy_buf_printf(&cmd, " %s", runs[i].dir);
        rc = write_all(runs, n, out, cmd.s);
        sy_buf_free(&cmd);
    }
    for (int i = 0; i < n; i++)
        if (runs[i].s) cJSON_Delete(runs[i].s);
    return rc;
}
