/*
 * hgreport — assembles the comparison report of `make report`: area, timing and power of
 * each core type (from the synthesis flow's summary.json files), attention fidelity on the
 * real model (from hadrun's JSON files), ratios against the baseline next to the published
 * figures, CSV tables, gnuplot plots, and a short summary on stdout.
 *
 * usage: hgreport --out DIR --point NAME=STIMULUS:RUN_DIR,RUN_DIR,... [--point ...]
 *                 [--fidelity FILE ...] [--fidelity-n N=FILE ...] [--passages FILE ...]
 *                 [--sweep-md FILE] [--nk-sweep RUN_DIR,... ...] [--nk-stimulus TEXT]
 * Fidelity files are hadrun --json output; a run on a distilled model (model.distilled) gives
 * the HAD distilled figures, a run on the original model HAD post-training, the baseline and
 * int8 + top-N. Every figure in them is against the original float model.
 * Exit codes: 0 done, 1 a file could not be written or gnuplot failed, 2 bad input.
 */
#include "hg_config.h"
#include "rp_cam.h"
#include "rp_count.h"
#include "rp_glitch.h"
#include "rp_nk.h"
#include "rp_noise.h"
#include "rp_qps.h"
#include "rp_select.h"
#include "rp_vbits.h"
#include "rp_system.h"
#include "rp_util.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_POINTS 4
#define MAX_RUNS   64  /* hadrun --json files of --fidelity, --fidelity-n, --passages together */
#define MAX_SYS    256 /* hgsys --json files of --system */

/* Published reference figures the report sets the measurements beside. */
#define PAPER_AREA_RED  0.79 /* HAD paper: area reduction vs standard attention */
#define PAPER_POWER_RED 0.87 /* HAD paper: power reduction */

/* The blocks of the report: every block of the points' summaries, in their order (the flow
   takes them from each core's manifest.json). */
static const char *blocks[RP_MAX_BLOCKS];
static int nblocks;

#define BASE HG_CORE_BASELINE /* the core every ratio is against */

#define RP_MAX_SWEEP_MD (4L << 20) /* --sweep-md: bytes */

typedef struct point {
    char name[64];
    char stimulus[512];
    rp_count k; /* its runs per core type (owned here), figures, --kv-load loads and glitches */
    char dir[RP_NCORES][1024];
} point;

/* --glitch-timed / --glitch-zero: the factors every point's blocks take (rp_glitch.h) */
static rp_glitch glitch;
/* --noise: the points' perturbed repeats (rp_noise.h) */
static rp_noise noise;

/* --point NAME=STIMULUS:DIR,DIR,DIR (the last ':' ends STIMULUS, which may hold others) */
static void parse_point(point *p, const char *arg)
{
    const char *eq = strchr(arg, '='), *colon = eq ? strrchr(eq, ':') : NULL;
    if (!eq || !colon) rp_die("--point '%s': must be NAME=STIMULUS:RUN_DIR[,RUN_DIR...]", arg);
    snprintf(p->name, sizeof p->name, "%.*s", (int)(eq - arg), arg);
    if (!rp_plain_name(p->name))
        rp_die("--point '%s': NAME '%s' must be 1..64 letters, digits, '-' or '_', starting with a "
               "letter or digit (it names output files)",
               arg, p->name);
    snprintf(p->stimulus, sizeof p->stimulus, "%.*s", (int)(colon - eq - 1), eq + 1);
    rp_count_init(&p->k);
    char dirs[8192];
    if (snprintf(dirs, sizeof dirs, "%s", colon + 1) >= (int)sizeof dirs)
        rp_die("--point '%.64s...': its run list is longer than %zu characters", arg, sizeof dirs - 1);
    for (char *d = strtok(dirs, ","); d; d = strtok(NULL, ",")) {
        char path[1200];
        rp_summary_path(path, sizeof path, "point", d);
        cJSON *j = rp_load_json(path);
        char core[64], why[256] = "";
        snprintf(core, sizeof core, "%s", rp_str(j, "core"));
        int ci = rp_core_index(core);
        int bad = ci < 0         ? 1
                  : p->k.run[ci] ? 2
                  : rp_figs(j, &p->k.figs[ci], why, sizeof why) != 0 ||
                          rp_blocks(j, blocks, &nblocks, RP_MAX_BLOCKS, why, sizeof why) != 0
                      ? 3
                      : 0;
        if (bad) cJSON_Delete(j); /* nothing is left behind on a bad input */
        if (bad == 1) rp_die("'%s': unknown core type '%s'", path, core);
        if (bad == 2)
            rp_die("--point '%s': two run folders of core type '%s' ('%s' and '%s'); give one per core type",
                   p->name, core, p->dir[ci], d);
        if (bad == 3) rp_die("%s: %s", path, why);
        p->k.run[ci] = j;
        snprintf(p->dir[ci], sizeof p->dir[ci], "%s", d);
    }
}

/* a / b, NAN (printed n/a, JSON null) when b is not > 0 */

static void md_ratio(FILE *md, double r)
{
    if (isnan(r))
        fprintf(md, " n/a |");
    else
        fprintf(md, " %.3f (%+.0f%%) |", r, 100 * (r - 1));
}

static void json_num(cJSON *o, const char *k, double v)
{
    if (isfinite(v))
        cJSON_AddNumberToObject(o, k, v);
    else
        cJSON_AddNullToObject(o, k);
}

static cJSON *num_or_null(double x) { return isnan(x) ? cJSON_CreateNull() : cJSON_CreateNumber(x); }

/* ---- figures of one core at one point -------------------------------------------------- */

/* ---- report ---------------------------------------------------------------------------- */

/* The energy ratios over each uncertain correction (docs/synth.md) and over all of them
   together; report.json: energy_ratio_<id>_range and energy_ratio_range per core. */
static void md_ranges(FILE *md, cJSON *jp, const point *p)
{
    if (!rp_count_corrections(&p->k)) return;
    if (isfinite(rp_count_delta(&p->k, 0, BASE, 0))) {
        fprintf(md, "\nClock network (counted above; docs/synth.md):");
        for (int i = 0; i < RP_NCORES; i++)
            if (p->k.run[i])
                fprintf(md, " %s %.1f mW (%.1f-%.1f),", RP_CORE_NAME(i),
                        rp_num(p->k.run[i], "clock_network.power_uw") * 1e-3,
                        rp_num(p->k.run[i], "clock_network.power_low_uw") * 1e-3,
                        rp_num(p->k.run[i], "clock_network.power_high_uw") * 1e-3);
        fprintf(md, " at the power clock.");
    }
    if (isfinite(rp_count_delta(&p->k, RP_COUNT_GATING, BASE, 0))) {
        fprintf(
            md,
            "\nClock gating estimate (not counted above; docs/synth.md), energy/query gated, the share of "
            "cycles a gated flip-flop is clocked (its load enable on; in brackets the share its register "
            "changes, what an ideal gate would pass), gates:");
        for (int i = 0; i < RP_NCORES; i++) {
            if (!p->k.run[i] || !isfinite(rp_count_delta(&p->k, RP_COUNT_GATING, i, 0))) continue;
            fprintf(md, " %s %.1f nJ (%.1f ungated), %.2f", RP_CORE_NAME(i),
                    rp_num(p->k.run[i], "clock_gating.per_query_nj"),
                    rp_num(p->k.run[i], "energy.per_query_nj"),
                    rp_num(p->k.run[i], "clock_gating.enable_rate"));
            double ideal = rp_num(p->k.run[i], "clock_gating.change_rate"); /* NAN before it existed */
            if (isfinite(ideal)) fprintf(md, " (%.2f)", ideal);
            fprintf(md, ", %.0f;", rp_num(p->k.run[i], "clock_gating.gates"));
        }
    }
    fprintf(md, "\nCounted per query, nJ (memory bus wires / the pins memory read data drives / "
                "module-boundary pins / module-boundary wires / glitches):");
    for (int i = 0; i < RP_NCORES; i++)
        if (p->k.run[i])
            fprintf(md, " %s %.1f / %.1f / %.1f / %.1f / %.1f;", RP_CORE_NAME(i),
                    rp_num(p->k.run[i], "energy.per_query_memory_bus_nj"),
                    rp_num(p->k.run[i], "energy.per_query_memory_pins_nj"),
                    rp_num(p->k.run[i], "energy.per_query_boundary_pins_nj"),
                    rp_num(p->k.run[i], "energy.per_query_boundary_wire_nj"), rp_count_glitch_nj(&p->k, i));
    fprintf(md,
            "\n\nEnergy/query ratio against the baseline over the uncertain corrections (low-high):\n\n"
            "| core / baseline | counted%s |",
            isfinite(p->k.load[BASE].nj) ? " (K/V load amortized)" : "");
    for (int k = 0; k < RP_COUNT_NCORR; k++) fprintf(md, " %s |", RP_COUNT_CORR[k].what);
    fprintf(md, " all together |\n|---|---|");
    for (int k = 0; k <= RP_COUNT_NCORR; k++) fprintf(md, "---|");
    fprintf(md, "\n");
    unsigned all = rp_count_corrections(&p->k);
    for (int i = 0; i < RP_NCORES; i++) {
        if (!p->k.run[i] || i == BASE) continue;
        double lo, hi, cnt = rp_count_ratio(&p->k, i, &lo, &hi);
        char buf[32];
        fprintf(md, "| %s | %s |", RP_CORE_NAME(i), rp_fig_range(buf, sizeof buf, cnt, NAN, NAN, 0));
        for (int k = 0; k <= RP_COUNT_NCORR; k++) {
            unsigned mask = k < RP_COUNT_NCORR ? 1u << k : all;
            rp_count_range(&p->k, i, mask, &lo, &hi);
            if (isnan(lo))
                fprintf(md, " n/a |");
            else
                fprintf(md, " %.3f-%.3f |", lo, hi);
            char key[64];
            snprintf(key, sizeof key, "energy_ratio_%s_range",
                     k < RP_COUNT_NCORR ? RP_COUNT_CORR[k].id : "all");
            cJSON *jr = cJSON_GetObjectItem(jp, key);
            if (!jr) jr = cJSON_AddObjectToObject(jp, key);
            cJSON *a = cJSON_AddArrayToObject(jr, RP_CORE_NAME(i));
            cJSON_AddItemToArray(a, num_or_null(lo));
            cJSON_AddItemToArray(a, num_or_null(hi));
        }
        fprintf(md, "\n");
    }
}

/* The K/V load of one head (configuration and load before the first query), amortized over
   the queries of the stimulus that reuse it (docs/synth.md, "K/V load"). */
static void md_kv_load(FILE *md, cJSON *jp, const point *p)
{
    if (!isfinite(p->k.load[BASE].nj)) return;
    fprintf(md,
            "\nK/V load of one head (reset, configuration and the K/V load before the first query), "
            "amortized over the queries that reuse it (the stimulus's queries):\n\n| core | load cycles | "
            "load nJ | reuse (queries per load) | amortized nJ/query | energy/query with it nJ | / baseline "
            "|\n|---|---|---|---|---|---|---|\n");
    cJSON *jl = cJSON_AddObjectToObject(jp, "kv_load");
    for (int i = 0; i < RP_NCORES; i++) {
        if (!p->k.run[i] || !isfinite(p->k.load[i].nj)) continue;
        double e = p->k.figs[i].e_query + rp_count_load_per_query(&p->k, i);
        double r = rp_ratio(e, p->k.figs[BASE].e_query + rp_count_load_per_query(&p->k, BASE));
        fprintf(md, "| %s | %.0f | %.1f | %.0f | %.2f | %.1f | %.3f |\n", RP_CORE_NAME(i),
                p->k.load[i].cycles, p->k.load[i].nj, p->k.reuse[i], rp_count_load_per_query(&p->k, i), e, r);
        cJSON *o = cJSON_AddObjectToObject(jl, RP_CORE_NAME(i));
        json_num(o, "load_cycles", p->k.load[i].cycles);
        json_num(o, "load_nj", p->k.load[i].nj);
        json_num(o, "reuse_queries", p->k.reuse[i]);
        json_num(o, "amortized_nj_per_query", rp_count_load_per_query(&p->k, i));
        json_num(o, "energy_per_query_with_load_nj", e);
        json_num(o, "ratio_vs_baseline", r);
    }
}

/* A point's table of figures per core (markdown) and its "cores" object (JSON). */
static void md_point_cores(FILE *md, cJSON *jp, const point *p)
{
    const rp_figs_t *f = p->k.figs;
    fprintf(md, "| core | logic area mm^2 | memory area mm^2 | Fmax MHz | cycles/query | queries/s at Fmax | "
                "logic power mW | memory power mW | energy/query nJ | energy/query at 65 nm, 1.0 V nJ | "
                "queries/mJ at 65 nm |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
    cJSON *jc = cJSON_AddObjectToObject(jp, "cores");
    for (int i = 0; i < RP_NCORES; i++) {
        if (!p->k.run[i]) continue;
        fprintf(md, "| %s | %.3f | %.3f | %.1f | %.0f | %.3g | %.1f | %.2f | %.1f | %.2f | %.0f |\n",
                RP_CORE_NAME(i), f[i].area_logic, f[i].area_mem, f[i].fmax, f[i].ii, f[i].qps,
                f[i].power_logic, f[i].power_mem, f[i].e_query, f[i].e_query_node, f[i].qpmj_node);
        cJSON *o = cJSON_AddObjectToObject(jc, RP_CORE_NAME(i));
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
        for (int k = 0; k < nblocks; k++) {
            cJSON *bb = cJSON_AddObjectToObject(b, blocks[k]);
            cJSON_AddNumberToObject(bb, "area_mm2", rp_block(p->k.run[i], blocks[k], "area_um2") * 1e-6);
            cJSON_AddNumberToObject(bb, "power_mw", rp_block(p->k.run[i], blocks[k], "power_uw") * 1e-3);
        }
        cJSON_AddStringToObject(o, "gate_level_check",
                                rp_str(cJSON_GetObjectItem(p->k.run[i], "activity"), "gate_level_check"));
    }
}

/* A point's ratios against the baseline (markdown, and "ratios_vs_baseline" in JSON). */
static void md_point_ratios(FILE *md, cJSON *jp, const point *p)
{
    const rp_figs_t *f = p->k.figs;
    fprintf(md,
            "\nRatios against the baseline (1 - ratio = reduction; paper: area -%.0f%%, power -%.0f%%):\n\n"
            "| core / baseline | logic area | area with memories | logic power | power with memories | "
            "energy/query |\n|---|---|---|---|---|---|\n",
            100 * PAPER_AREA_RED, 100 * PAPER_POWER_RED);
    cJSON *jr = cJSON_AddObjectToObject(jp, "ratios_vs_baseline");
    for (int i = 0; i < RP_NCORES; i++) {
        if (!p->k.run[i] || i == BASE) continue;
        double r[5] = {rp_ratio(f[i].area_logic, f[BASE].area_logic), rp_ratio(f[i].area, f[BASE].area),
                       rp_ratio(f[i].power_logic, f[BASE].power_logic), rp_ratio(f[i].power, f[BASE].power),
                       rp_ratio(f[i].e_query, f[BASE].e_query)};
        static const char *const keys[5] = {"logic_area", "area_with_memories", "logic_power",
                                            "power_with_memories", "energy_per_query"};
        fprintf(md, "| %s |", RP_CORE_NAME(i));
        cJSON *o = cJSON_AddObjectToObject(jr, RP_CORE_NAME(i));
        for (int k = 0; k < 5; k++) {
            md_ratio(md, r[k]);
            json_num(o, keys[k], r[k]);
        }
        fprintf(md, "\n");
    }
}

/* A point's table of area and power per block (markdown). */
static void md_point_blocks(FILE *md, const point *p)
{
    fprintf(md, "\nPer block (area mm^2 / power mW):\n\n| core |");
    for (int k = 0; k < nblocks; k++) fprintf(md, " %s |", blocks[k]);
    fprintf(md, "\n|---|");
    for (int k = 0; k < nblocks; k++) fprintf(md, "---|");
    fprintf(md, "\n");
    for (int i = 0; i < RP_NCORES; i++) {
        if (!p->k.run[i]) continue;
        fprintf(md, "| %s |", RP_CORE_NAME(i));
        for (int k = 0; k < nblocks; k++)
            fprintf(md, " %.3f / %.1f |", rp_block(p->k.run[i], blocks[k], "area_um2") * 1e-6,
                    rp_block(p->k.run[i], blocks[k], "power_uw") * 1e-3);
        fprintf(md, "\n");
    }
}

static void md_point(FILE *md, cJSON *jp, const point *p)
{
    const cJSON *any = NULL;
    for (int i = 0; i < RP_NCORES && !any; i++) any = p->k.run[i];
    char nk[48] = ""; /* the stimulus's keys, when the flow recorded them (activity.n_keys) */
    if (rp_whole(any, "activity.n_keys"))
        snprintf(nk, sizeof nk, ", n_k=%d", rp_whole(any, "activity.n_keys"));
    /* each top-N core's selector as its run was built (the baseline selects none) */
    char sels[256] = "";
    size_t sl = 0;
    cJSON *js = cJSON_AddObjectToObject(jp, "selectors");
    for (int i = 0; i < RP_NCORES; i++) {
        hg_sel_kind k;
        hg_cut_kind cut;
        char why[128], label[48];
        if (!p->k.run[i] || i == BASE || rp_summary_sel(p->k.run[i], &k, &cut, why, sizeof why) != 0)
            continue;
        rp_sel_label(label, sizeof label, k, cut);
        cJSON_AddStringToObject(js, RP_CORE_NAME(i), label);
        if (sl < sizeof sels)
            sl += (size_t)snprintf(sels + sl, sizeof sels - sl, "%s%s %s",
                                   sl ? ", " : " Top-N selectors: ", RP_CORE_NAME(i), label);
    }
    fprintf(md,
            "\n## Operating point `%s`: d=%g, P=%g, N=%g, L=%g%s\n\nStimulus: %s. Clock for power: %g ns; "
            "liberty `%s`.%s%s\n\n",
            p->name, rp_num(any, "params.d"), rp_num(any, "params.lanes"), rp_num(any, "params.top_n"),
            rp_num(any, "params.max_keys"), nk, p->stimulus, rp_num(any, "clock_period_ns"),
            rp_str(any, "liberty"), sels, sl ? "." : "");
    md_point_cores(md, jp, p);
    if (!p->k.run[BASE]) return;
    md_point_ratios(md, jp, p);
    md_kv_load(md, jp, p);
    md_ranges(md, jp, p);
    double counted[RP_NCORES][3];
    for (int i = 0; i < RP_NCORES; i++) {
        counted[i][0] = counted[i][1] = counted[i][2] = NAN;
        if (p->k.run[i] && i != BASE) counted[i][0] = rp_count_qps(&p->k, i, &counted[i][1], &counted[i][2]);
    }
    rp_qps_section(md, jp, p->k.run, p->k.figs, (const double(*)[3])counted);
    md_point_blocks(md, p);
    fprintf(md, "\nEach core's figures are reproduced by the command in `<run>/log/command.txt`, runs:");
    for (int i = 0; i < RP_NCORES; i++)
        if (p->k.run[i]) fprintf(md, " `%s`", p->dir[i]);
    fprintf(md, ". CAMformer (%.0f queries/mJ at 65 nm): its own section.\n", RP_CAMFORMER_QPMJ);
}

/* block tables for the stacked plots: rows = cores, columns = blocks */
static void block_dat(const char *dir, const point *p, const char *what)
{
    char name[128];
    snprintf(name, sizeof name, "%s_%s.dat", p->name, what);
    FILE *f = rp_out_file(dir, name);
    fprintf(f, "core");
    for (int k = 0; k < nblocks; k++) fprintf(f, " %s", blocks[k]);
    fprintf(f, "\n");
    int area = strcmp(what, "area") == 0;
    for (int i = 0; i < RP_NCORES; i++) {
        if (!p->k.run[i]) continue;
        fprintf(f, "%s", RP_CORE_NAME(i));
        for (int k = 0; k < nblocks; k++)
            fprintf(f, " %.6g",
                    area ? rp_block(p->k.run[i], blocks[k], "area_um2") * 1e-6
                         : rp_block(p->k.run[i], blocks[k], "power_uw") * 1e-3);
        fprintf(f, "\n");
    }
    rp_out_close(f);
}

/* ---- attention fidelity (hadrun --json files) ------------------------------------------- */

/* One hadrun --json file: which option named it, which model its HAD rows ran on, the N and
   the token limit it was measured at. */
typedef struct run {
    cJSON *j;
    const char *opt; /* "fidelity", "fidelity-n", "passages" */
    char file[1024];
    int distilled; /* model.distilled: its HAD backends ran on a distilled model */
    int n, tokens; /* core.top_n, sentences.max_tokens */
} run;

/* The fidelity rows of the report, in their order: what runs the backend and on which model. */
enum { V_DISTILLED, V_POST, V_BASELINE, V_I8, V_FLOAT, NVARIANTS };
static const char *const VARIANT[NVARIANTS] = {"HAD distilled", "HAD post-training", "baseline", "int8-topn",
                                               "float (reference)"};
static const char *const VARIANT_ID[NVARIANTS] = {"had-distilled", "had-post-training", "baseline",
                                                  "int8-topn", "float"};

/* Loads PATH, named by --OPT, into R: rp_die (exit 2) naming the option, the file and the key
   when it is not hadrun --json output (backends, core.top_n, sentences.max_tokens). */
static void load_run(run *r, const char *opt, const char *path)
{
    rp_run_head_t h;
    char err[256];
    r->j = rp_load_json(path);
    r->opt = opt;
    snprintf(r->file, sizeof r->file, "%s", path);
    if (rp_run_head(r->j, 0, &h, err, sizeof err) != 0)
        rp_die("--%s '%s': %s (not hadrun --json output?)", opt, path, err);
    if (h.vb != 8 || h.v_channel)
        rp_die(
            "--%s '%s': core.v_bits is %d%s; the fidelity tables are of 8-bit values with a scale per head "
            "(such a run goes to --vbits-fidelity)",
            opt, path, h.vb, h.v_channel ? " with a scale per channel" : "");
    r->distilled = h.distilled;
    r->n = h.n;
    r->tokens = h.tokens;
}

/* The run of R[0..nr-1] named by OPT on the same kind of model as DISTILLED (and, if N or
   TOKENS are non-zero, at that N and token limit); NULL if none. */
static const run *find_run(const run *r, int nr, const char *opt, int distilled, int n, int tokens)
{
    for (int i = 0; i < nr; i++)
        if (strcmp(r[i].opt, opt) == 0 && r[i].distilled == distilled && (!n || r[i].n == n) &&
            (!tokens || r[i].tokens == tokens))
            return &r[i];
    return NULL;
}

/* Adds the run of --OPT FILE to R (at most MAX_RUNS), refusing a second file for the same
   model kind, N and token limit (exit 2, naming both files). */
static int add_run(run *r, int nr, const char *opt, const char *arg, const char *file, int want_n)
{
    if (nr == MAX_RUNS) rp_die("--%s '%s': at most %d fidelity files in all", opt, arg, MAX_RUNS);
    load_run(&r[nr], opt, file);
    if (want_n && r[nr].n != want_n)
        rp_die("--%s '%s': the file's core.top_n is %d, not N=%d", opt, arg, r[nr].n, want_n);
    int fid = strcmp(opt, "fidelity") == 0, pas = strcmp(opt, "passages") == 0;
    const run *o = find_run(r, nr, opt, r[nr].distilled, fid ? 0 : r[nr].n, pas ? r[nr].tokens : 0);
    char at[64] = "";
    if (pas)
        snprintf(at, sizeof at, " at N=%d and %d tokens", r[nr].n, r[nr].tokens);
    else if (!fid)
        snprintf(at, sizeof at, " at N=%d", r[nr].n);
    if (o)
        rp_die("--%s '%s': a second run on the %s model%s (the first: '%s'); give one file of each model%s",
               opt, arg, r[nr].distilled ? "distilled" : "original", at, o->file,
               fid   ? ""
               : pas ? ", N and token limit"
                     : " and N");
    return nr + 1;
}

/* The row of BACKEND in a run's backends, NULL if it did not run. */
static const cJSON *backend(const run *r, const char *name)
{
    const cJSON *b;
    cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(r->j, "backends"))
    {
        if (strcmp(rp_str(b, "backend"), name) == 0) return b;
    }
    return NULL;
}

/* rp_num of a backend's row, NAN if the backend did not run (R may be NULL). */
static double bnum(const run *r, const char *name, const char *key)
{
    const cJSON *b = r ? backend(r, name) : NULL;
    return b ? rp_num(b, key) : NAN;
}

/* The report row of backend NAME in a run on a distilled model or not (-1: not a backend). */
static int variant(const char *name, int distilled)
{
    size_t l = strlen(name);
    if (l >= 4 && strcmp(name + l - 4, "-had") == 0) return distilled ? V_DISTILLED : V_POST;
    if (l >= 9 && strcmp(name + l - 9, "-baseline") == 0) return V_BASELINE;
    if (l >= 10 && strcmp(name + l - 10, "-int8-topn") == 0) return V_I8;
    return strcmp(name, "float") == 0 ? V_FLOAT : -1;
}

/* a table cell: the numbers X[0..n-1] joined by " / ", each with its decimals, "-" for a number
   not measured */
static const char *cell(char buf[64], int n, const double *x, const int *dec)
{
    size_t o = 0;
    buf[0] = 0;
    for (int i = 0; i < n && o < 64; i++) {
        if (isnan(x[i]))
            o += (size_t)snprintf(buf + o, 64 - o, "%s-", i ? " / " : "");
        else
            o += (size_t)snprintf(buf + o, 64 - o, "%s%.*f", i ? " / " : "", dec[i], x[i]);
    }
    return buf;
}

/* golden-had against float-had of one run: the cost of the core's quantization (int8 V, exp
   table, output rounding) on the same model and alpha; nothing if either did not run. */
static void quant_gap(FILE *md, cJSON *jg, const run *r, int v)
{
    const cJSON *f = r ? backend(r, "float-had") : NULL, *g = r ? backend(r, "golden-had") : NULL;
    if (!f || !g) return;
    double dmax = 0;
    const cJSON *fe = cJSON_GetObjectItemCaseSensitive(f, "attn_rel_err");
    const cJSON *ge = cJSON_GetObjectItemCaseSensitive(g, "attn_rel_err");
    for (int l = 0; l < cJSON_GetArraySize(fe) && l < cJSON_GetArraySize(ge); l++)
        dmax =
            fmax(dmax, fabs(cJSON_GetArrayItem(ge, l)->valuedouble - cJSON_GetArrayItem(fe, l)->valuedouble));
    double c[4] = {rp_num(f, "cos_mean"), rp_num(g, "cos_mean"), rp_num(f, "nn_agree"),
                   rp_num(g, "nn_agree")};
    fprintf(md,
            "- %s: embedding cosine mean %.4f (float-had) against %.4f (golden-had), %+.4f; NN agreement "
            "%.3f against %.3f; attention error at most %.4f apart in any layer.\n",
            VARIANT[v], c[0], c[1], c[1] - c[0], c[2], c[3], dmax);
    cJSON *o = cJSON_AddObjectToObject(jg, VARIANT_ID[v]);
    cJSON_AddItemToObject(o, "cos_mean_float_had", num_or_null(c[0]));
    cJSON_AddItemToObject(o, "cos_mean_golden_had", num_or_null(c[1]));
    cJSON_AddItemToObject(o, "nn_agree_float_had", num_or_null(c[2]));
    cJSON_AddItemToObject(o, "nn_agree_golden_had", num_or_null(c[3]));
    cJSON_AddNumberToObject(o, "attn_rel_err_max_diff", dmax);
}

/* RTL against golden in one run: identical embeddings and differing outputs (hadrun --check) */
static void rtl_check(FILE *md, cJSON *jr, const run *r, const char *what)
{
    const cJSON *rv = r ? cJSON_GetObjectItemCaseSensitive(r->j, "rtl_vs_golden") : NULL, *e;
    if (cJSON_GetArraySize(rv) == 0) return;
    fprintf(md, "- %s:", what);
    int k = 0;
    cJSON_ArrayForEach(e, rv)
    {
        double mm = bnum(r, rp_str(e, "rtl"), "mismatches");
        fprintf(md, "%s `%s` = `%s`: embeddings %s", k++ ? ";" : "", rp_str(e, "rtl"), rp_str(e, "golden"),
                cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "identical_embeddings")) ? "identical"
                                                                                          : "DIFFER");
        if (!isnan(mm)) fprintf(md, ", %.0f differing outputs", mm);
    }
    fprintf(md, ".\n");
    cJSON_AddItemToObject(jr, r->distilled ? "distilled" : "original", cJSON_Duplicate(rv, 1));
}

/* The fidelity table: the runs of --fidelity (one on the distilled model, one on the original:
   either may be missing), rows in the order of VARIANT. A run on the distilled model gives the
   HAD distilled rows; its other rows (the original model's) are taken from it only when no
   run on the original model is given. */
static void fidelity(FILE *md, FILE *csv, cJSON *root, const run *dist, const run *orig)
{
    const run *any = dist ? dist : orig;
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(any->j, "sentences");
    fprintf(md,
            "\n## Attention fidelity on all-MiniLM-L6-v2 (%g sentences, %g tokens)\n\n"
            "Every head of every layer runs on the backend. **Every row is measured against the original "
            "float model** (the teacher: the original weights with float attention), whatever model the "
            "backend runs on (docs/run.md).",
            rp_num(s, "count"), rp_num(s, "tokens"));
    if (dist)
        fprintf(md,
                " **HAD distilled**: the distilled model `%s` (sign + top-%d with its learned per-head "
                "alpha), the HAD a deployment would run.",
                rp_str(cJSON_GetObjectItemCaseSensitive(dist->j, "model"), "dir"), dist->n);
    fprintf(md, " **HAD post-training**: sign + top-N on the original model with calibrated scales, no "
                "retraining. The baseline and int8-topn run on the original model. RTL rows are checked "
                "bit for bit against golden (`hadrun --check`). Pair err: the RMS over sentence pairs of "
                "the change in their cosine. Margin err: the RMS over sentences of the change of the "
                "margin between the sentence's two nearest neighbours under the original model, the near "
                "ties nearest-neighbour agreement counts; it sets the agreement's expected value, which "
                "varies by a few sentences around it (docs/distill.md, \"The agreement as a draw\").\n\n"
                "| HAD / core | backend | attention rel. error, layers 0..5 | top-N recall | embedding "
                "cosine mean / min | pair err | margin err | "
                "nearest-neighbour agreement |\n|---|---|---|---|---|---|---|---|\n");
    fprintf(csv, "variant,backend,layer,attn_rel_err,recall,cos_mean,cos_min,nn_agree,pair_cos_err,"
                 "nn_margin_err\n");
    cJSON *jf = cJSON_AddArrayToObject(root, "fidelity");
    for (int v = 0; v < NVARIANTS; v++) {
        const run *r = v == V_DISTILLED ? dist : v == V_POST ? orig : orig ? orig : dist;
        const cJSON *b, *x;
        if (!r) continue;
        cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(r->j, "backends"))
        {
            const char *name = rp_str(b, "backend");
            if (variant(name, r->distilled) != v) continue;
            fprintf(md, "| %s | %s |", VARIANT[v], name);
            int l = 0;
            cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(b, "attn_rel_err"))
            {
                fprintf(md, " %.3f", x->valuedouble);
                fprintf(csv, "%s,%s,%d,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g\n", VARIANT_ID[v], name, l++,
                        x->valuedouble, rp_num(b, "recall"), rp_num(b, "cos_mean"), rp_num(b, "cos_min"),
                        rp_num(b, "nn_agree"), rp_num(b, "pair_cos_err"), rp_num(b, "nn_margin_err"));
            }
            double rc = rp_num(b, "recall");
            if (isnan(rc))
                fprintf(md, " | - |");
            else
                fprintf(md, " | %.3f |", rc);
            fprintf(md, " %.4f / %.4f |", rp_num(b, "cos_mean"), rp_num(b, "cos_min"));
            /* NaN (shown "-"): absent from the file of an older hadrun */
            double pe = rp_num(b, "pair_cos_err"), me = rp_num(b, "nn_margin_err");
            fprintf(md, isnan(pe) ? " - |" : " %.4f |", pe);
            fprintf(md, isnan(me) ? " - |" : " %.4f |", me);
            fprintf(md, " %.3f |\n", rp_num(b, "nn_agree"));
            cJSON *o = cJSON_Duplicate(b, 1);
            cJSON_AddStringToObject(o, "variant", VARIANT_ID[v]);
            cJSON_AddItemToArray(jf, o);
        }
    }
    if (dist)
        cJSON_AddItemToObject(root, "distilled_model",
                              cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(dist->j, "model"), 1));
    fprintf(
        md,
        "\nQuantization gap of the HAD core (golden-had against float-had: the same model, alpha and kept "
        "keys; only int8 V, the exp table and the output rounding differ):\n\n");
    quant_gap(md, cJSON_AddObjectToObject(root, "had_quantization_gap"), dist, V_DISTILLED);
    quant_gap(md, cJSON_GetObjectItemCaseSensitive(root, "had_quantization_gap"), orig, V_POST);
    fprintf(md, "\nRTL against golden (every head, every query):\n\n");
    cJSON *jr = cJSON_AddObjectToObject(root, "rtl_vs_golden");
    rtl_check(md, jr, dist, "HAD distilled");
    rtl_check(md, jr, orig, "original model");
}

/* sorted distinct values of an int array, in place; returns how many */
static int distinct(int *x, int n)
{
    for (int a = 0; a < n; a++)
        for (int b = a + 1; b < n; b++)
            if (x[b] < x[a]) {
                int t = x[a];
                x[a] = x[b];
                x[b] = t;
            }
    int m = 0;
    for (int i = 0; i < n; i++)
        if (m == 0 || x[i] != x[m - 1]) x[m++] = x[i];
    return m;
}

/* Fidelity against N: the runs of --fidelity-n; at each N, HAD distilled from the run on the
   distilled model, HAD post-training and int8 + top-N from the run on the original model. The
   .dat and .csv columns: recall, cosine mean and NN agreement of the three, then their pair
   errors and their margin errors (appended, so that the plot's columns stay). */
static void fidelity_n(FILE *md, const char *dir, cJSON *root, const run *r, int nr)
{
    int ns[MAX_RUNS], nn = 0;
    for (int i = 0; i < nr; i++)
        if (strcmp(r[i].opt, "fidelity-n") == 0) ns[nn++] = r[i].n;
    nn = distinct(ns, nn);
    FILE *dat = rp_out_file(dir, "fidelity_vs_n.dat");
    FILE *csv = rp_out_file(dir, "fidelity_vs_n.csv");
    fprintf(
        md,
        "\n## Fidelity against N (golden models, same sentences, against the original float model)\n\n"
        "Cells: top-N recall, then embedding cosine mean / pair err / margin err / nearest-neighbour "
        "agreement.\n\n"
        "| N | HAD distilled recall | HAD distilled cosine / pair err / margin err / NN | HAD post-training "
        "recall | HAD post-training cosine / pair err / margin err / NN | int8-top-N recall | int8-top-N "
        "cosine / pair err / margin err / NN |\n|---|---|---|---|---|---|---|\n");
    fprintf(dat,
            "# N dist_recall dist_cos dist_nn post_recall post_cos post_nn i8_recall i8_cos i8_nn dist_pair "
            "post_pair i8_pair dist_margin post_margin i8_margin\n");
    static const char *const var[3] = {"had_distilled", "had_post_training", "int8_topn"};
    static const char *const mets[5] = {"recall", "cos_mean", "nn_agree", "pair_cos_err", "nn_margin_err"};
    /* column c of the .dat and .csv (after N): variant and metric */
#define COL_VAR(c) ((c) < 9 ? (c) / 3 : ((c)-9) % 3)
#define COL_MET(c) ((c) < 9 ? (c) % 3 : 3 + ((c)-9) / 3)
    fprintf(csv, "n");
    for (int c = 0; c < 15; c++) fprintf(csv, ",%s_%s", var[COL_VAR(c)], mets[COL_MET(c)]);
    fprintf(csv, "\n");
    cJSON *arr = cJSON_AddArrayToObject(root, "fidelity_vs_n");
    for (int i = 0; i < nn; i++) {
        const run *d = find_run(r, nr, "fidelity-n", 1, ns[i], 0),
                  *o = find_run(r, nr, "fidelity-n", 0, ns[i], 0);
        const run *src[3] = {d, o, o};
        static const char *const be[3] = {"golden-had", "golden-had", "golden-int8-topn"};
        double v[3][5];
        for (int k = 0; k < 3; k++)
            for (int m = 0; m < 5; m++) v[k][m] = bnum(src[k], be[k], mets[m]);
        cJSON *jo = cJSON_CreateObject();
        cJSON_AddNumberToObject(jo, "n", ns[i]);
        fprintf(md, "| %d |", ns[i]);
        fprintf(dat, "%d", ns[i]);
        fprintf(csv, "%d", ns[i]);
        for (int k = 0; k < 3; k++) {
            char b[64];
            static const int dec[4] = {4, 4, 4, 3};
            const double c[4] = {v[k][1], v[k][3], v[k][4], v[k][2]};
            fprintf(md, isnan(v[k][0]) ? " - |" : " %.3f |", v[k][0]);
            fprintf(md, " %s |", cell(b, 4, c, dec));
        }
        for (int c = 0; c < 15; c++) { /* the header's order */
            double x = v[COL_VAR(c)][COL_MET(c)];
            fprintf(dat, isnan(x) ? " NaN" : " %g", x);
            fprintf(csv, isnan(x) ? "," : ",%g", x);
        }
        for (int k = 0; k < 3; k++)
            for (int m = 0; m < 5; m++) {
                char key[64];
                snprintf(key, sizeof key, "%s_%s", var[k], mets[m]);
                cJSON_AddItemToObject(jo, key, num_or_null(v[k][m]));
            }
        fprintf(md, "\n");
        fprintf(dat, "\n");
        fprintf(csv, "\n");
        cJSON_AddItemToArray(arr, jo);
    }
    rp_out_close(dat);
    rp_out_close(csv);
#undef COL_VAR
#undef COL_MET
}

/* Fidelity on long texts: the runs of --passages, one row per (token limit, N), after a row of
   the --fidelity runs (the sentences) for comparison. N is labelled fixed when it is the
   sentences' N, scaled when N / tokens is theirs. The baseline keeps every key: its figure at
   a token limit comes from any run on the original model at that limit. */
static void passages(FILE *md, const char *dir, cJSON *root, const run *r, int nr, const run *sent)
{
    int n0 = sent ? sent->n : 16, t0 = sent ? sent->tokens : 128, key[MAX_RUNS + 1], nk = 0;
    if (sent) key[nk++] = t0 * 65536 + n0;
    for (int i = 0; i < nr; i++)
        if (strcmp(r[i].opt, "passages") == 0) key[nk++] = r[i].tokens * 65536 + r[i].n;
    nk = distinct(key, nk);
    FILE *csv = rp_out_file(dir, "fidelity_passages.csv");
    fprintf(md,
            "\n## Fidelity on long texts (golden models, against the original float model)\n\n"
            "Passages of consecutive evaluation sentences cut at the token limit (synth/report/passages.sh), "
            "every head on the backend, each backend against the original float model on the same "
            "passages. N is fixed at %d (the N of the %d-token sentences%s) or scaled with length "
            "(N = %d T / %d); the sentences' row is there for comparison. Few passages make the NN "
            "agreement coarse; the pair err (the RMS over passage pairs of the change in their cosine) "
            "moves smoothly. Cells: embedding cosine mean / pair err / NN agreement.\n\n"
            "| tokens | texts | N | HAD distilled | HAD post-training | int8-top-N | baseline (all keys) |\n"
            "|---|---|---|---|---|---|---|\n",
            n0, t0, sent && sent->distilled ? ", as trained" : "", n0, t0);
    fprintf(csv,
            "tokens,texts,n,n_rule,had_distilled_cos_mean,had_distilled_nn_agree,had_post_training_cos_mean,"
            "had_post_training_nn_agree,had_post_training_recall,int8_topn_cos_mean,int8_topn_nn_agree,"
            "int8_topn_recall,baseline_cos_mean,baseline_nn_agree,had_distilled_pair_cos_err,"
            "had_post_training_pair_cos_err,int8_topn_pair_cos_err,baseline_pair_cos_err\n");
    cJSON *arr = cJSON_AddArrayToObject(root, "fidelity_passages");
    for (int i = 0; i < nk; i++) {
        int t = key[i] / 65536, n = key[i] % 65536, is_sent = sent && t == t0 && n == n0;
        const char *opt = is_sent ? "fidelity" : "passages";
        const run *d = find_run(r, nr, opt, 1, is_sent ? 0 : n, is_sent ? 0 : t);
        const run *o = find_run(r, nr, opt, 0, is_sent ? 0 : n, is_sent ? 0 : t), *ob = o;
        for (int k = 0; k < nr && !(ob && backend(ob, "golden-baseline")); k++)
            if (!r[k].distilled && r[k].tokens == t && strcmp(r[k].opt, opt) == 0) ob = &r[k];
        const run *c = d ? d : o;
        const char *rule = is_sent                        ? "sentences"
                           : n == n0                      ? "fixed"
                           : (long)n * t0 == (long)n0 * t ? "scaled"
                                                          : "";
        double v[14] = {bnum(d, "golden-had", "cos_mean"),
                        bnum(d, "golden-had", "nn_agree"),
                        bnum(o, "golden-had", "cos_mean"),
                        bnum(o, "golden-had", "nn_agree"),
                        bnum(o, "golden-had", "recall"),
                        bnum(o, "golden-int8-topn", "cos_mean"),
                        bnum(o, "golden-int8-topn", "nn_agree"),
                        bnum(o, "golden-int8-topn", "recall"),
                        bnum(ob, "golden-baseline", "cos_mean"),
                        bnum(ob, "golden-baseline", "nn_agree"),
                        bnum(d, "golden-had", "pair_cos_err"),
                        bnum(o, "golden-had", "pair_cos_err"),
                        bnum(o, "golden-int8-topn", "pair_cos_err"),
                        bnum(ob, "golden-baseline", "pair_cos_err")};
        double cnt = c ? rp_num(c->j, "sentences.count") : NAN;
        char b[4][64], nc[32];
        static const int dec[3] = {4, 4, 3}; /* cosine / pair err / NN */
        if (is_sent || !rule[0])
            snprintf(nc, sizeof nc, "%d", n);
        else
            snprintf(nc, sizeof nc, "%d (%s)", n, rule);
        fprintf(md, "| %d | %g %s | %s | %s | %s | %s | %s |\n", t, cnt, is_sent ? "sentences" : "passages",
                nc, cell(b[0], 3, (const double[]){v[0], v[10], v[1]}, dec),
                cell(b[1], 3, (const double[]){v[2], v[11], v[3]}, dec),
                cell(b[2], 3, (const double[]){v[5], v[12], v[6]}, dec),
                cell(b[3], 3, (const double[]){v[8], v[13], v[9]}, dec));
        fprintf(csv, "%d,%g,%d,%s", t, cnt, n, rule);
        for (int k = 0; k < 14; k++) fprintf(csv, isnan(v[k]) ? "," : ",%g", v[k]);
        fprintf(csv, "\n");
        static const char *const keys[14] = {
            "had_distilled_cos_mean",     "had_distilled_nn_agree",     "had_post_training_cos_mean",
            "had_post_training_nn_agree", "had_post_training_recall",   "int8_topn_cos_mean",
            "int8_topn_nn_agree",         "int8_topn_recall",           "baseline_cos_mean",
            "baseline_nn_agree",          "had_distilled_pair_cos_err", "had_post_training_pair_cos_err",
            "int8_topn_pair_cos_err",     "baseline_pair_cos_err"};
        cJSON *jo = cJSON_CreateObject();
        cJSON_AddNumberToObject(jo, "tokens", t);
        cJSON_AddItemToObject(jo, "texts", num_or_null(cnt));
        cJSON_AddNumberToObject(jo, "n", n);
        cJSON_AddStringToObject(jo, "n_rule", rule);
        for (int k = 0; k < 14; k++) cJSON_AddItemToObject(jo, keys[k], num_or_null(v[k]));
        cJSON_AddItemToArray(arr, jo);
    }
    rp_out_close(csv);
}

/* Cycles per query against L for the three cores at d = 64, P = 16, N = 32 (the
   generator's ii_cycles; the tests measure it in simulation). */
static void cycles_vs_l(const char *dir)
{
    FILE *f = rp_out_file(dir, "cycles_vs_l.dat");
    fprintf(f, "# L");
    for (int i = 0; i < RP_NCORES; i++) fprintf(f, " %s", RP_CORE_NAME(i));
    fprintf(f, " (cycles per query, d=64 P=16 N=32)\n");
    for (int l = 64; l <= 8192; l *= 2) {
        fprintf(f, "%d", l);
        for (int i = 0; i < RP_NCORES; i++) {
            hg_cfg c;
            char err[256];
            hg_cfg_default(&c, (hg_core_kind)i);
            c.l = l;
            fprintf(f, " %d", hg_cfg_finish(&c, err, sizeof err) == 0 ? c.ii : -1);
        }
        fprintf(f, "\n");
    }
    rp_out_close(f);
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
                fprintf(g,
                        "set terminal %s\nset output '%s_%s.%s'\n"
                        "set title 'Per-block %s, %s'\nset style data histograms\n"
                        "set style histogram rowstacked\nset style fill solid 0.8 border -1\n"
                        "set boxwidth 0.6\nset ylabel '%s'\nset xtics rotate by 0\n"
                        "plot for [c=2:%d] '%s_%s.dat' using c:xtic(1) title columnheader(c)\n",
                        term, pts[i].name, what, ext, what, pts[i].name,
                        w ? "power (mW, 10 ns clock)" : "area (mm^2)", nblocks + 1, pts[i].name, what);
            }
        }
        fprintf(g, "set style data linespoints\nunset style\nset style data linespoints\n");
        if (have_fn)
            fprintf(
                g,
                "set terminal %s\nset output 'fidelity_vs_n.%s'\nset key inside right bottom\n"
                "set title 'Fidelity against N (MiniLM, golden models, against the original float model)'\n"
                "set xlabel 'N (keys kept per query)'\nset ylabel 'metric'\nset logscale x 2\nset yrange "
                "[0:1.05]\n"
                "plot 'fidelity_vs_n.dat' using 1:3 with linespoints title 'HAD distilled: embedding "
                "cosine', "
                "'' using 1:4 with linespoints title 'HAD distilled: NN agreement', "
                "'' using 1:5 with linespoints title 'HAD post-training: top-N recall', "
                "'' using 1:6 with linespoints title 'HAD post-training: embedding cosine', "
                "'' using 1:7 with linespoints title 'HAD post-training: NN agreement', "
                "'' using 1:9 with linespoints title 'int8 top-N: embedding cosine', "
                "'' using 1:8 with linespoints title 'int8 top-N: recall'\nunset logscale x\nset autoscale "
                "y\n"
                "set key outside right top\n",
                term, ext);
        fprintf(g,
                "set terminal %s\nset output 'cycles_vs_l.%s'\nset title 'Cycles per query against L (d=64, "
                "P=16, N=32)'\n"
                "set xlabel 'L (keys)'\nset ylabel 'cycles per query'\nset logscale xy 2\nplot",
                term, ext);
        for (int c = 0; c < RP_NCORES; c++)
            fprintf(g, "%s '%s' using 1:%d with linespoints title '%s'", c ? "," : "",
                    c ? "" : "cycles_vs_l.dat", c + 2, RP_CORE_NAME(c));
        fprintf(g, "\nunset logscale\n");
    }
    rp_out_close(g);
    return rp_gnuplot(dir, "plots.gp", "gnuplot.log");
}

/* stdout: area, power, energy of every core, the ratios, and the headline fidelity */
static void stdout_summary(int npoints, const point *pts, const run *dist, const run *orig,
                           const rp_select *sel)
{
    printf("\n%-12s %-10s %10s %10s %9s %12s %10s %12s\n", "point", "core", "logic mm2", "total mm2",
           "Fmax MHz", "queries/s", "power mW", "nJ/query");
    for (int i = 0; i < npoints; i++)
        for (int c = 0; c < RP_NCORES; c++) {
            if (!pts[i].k.run[c]) continue;
            const rp_figs_t *f = &pts[i].k.figs[c];
            printf("%-12s %-10s %10.3f %10.3f %9.1f %12.3g %10.1f %12.1f\n", pts[i].name, RP_CORE_NAME(c),
                   f->area_logic, f->area, f->fmax, f->qps, f->power, f->e_query);
        }
    for (int i = 0; i < npoints; i++) {
        if (!pts[i].k.run[HG_CORE_HAD] || !pts[i].k.run[BASE]) continue;
        const rp_figs_t *h = &pts[i].k.figs[HG_CORE_HAD], *b = &pts[i].k.figs[BASE];
        const cJSON *r = pts[i].k.run[HG_CORE_HAD];
        printf("%-12s workload: d=%g P=%g N=%g L=%g n_k=%g; %s\n", pts[i].name, rp_num(r, "params.d"),
               rp_num(r, "params.lanes"), rp_num(r, "params.top_n"), rp_num(r, "params.max_keys"),
               rp_num(r, "activity.n_keys"), pts[i].stimulus);
        printf("%-12s HAD/baseline: logic area %.3f, area+mem %.3f, logic power %.3f, energy/query %.3f"
               " (paper: area %.2f, power %.2f)\n",
               pts[i].name, rp_ratio(h->area_logic, b->area_logic), rp_ratio(h->area, b->area),
               rp_ratio(h->power_logic, b->power_logic), rp_ratio(h->e_query, b->e_query), 1 - PAPER_AREA_RED,
               1 - PAPER_POWER_RED);
        double lo, hi, q;
        double cnt = rp_count_ratio(&pts[i].k, HG_CORE_HAD, &lo, &hi);
        if (isnan(cnt))
            printf(
                "%-12s HAD/baseline energy/query with every correction: n/a (a K/V load run for one of the "
                "two cores only)\n",
                pts[i].name);
        else
            printf("%-12s HAD/baseline energy/query with every correction%s: %.3f (uncertain corrections: "
                   "%.3f-%.3f)\n",
                   pts[i].name,
                   isfinite(pts[i].k.load[BASE].nj)
                       ? " and the K/V load amortized over the stimulus's queries"
                       : "",
                   cnt, lo, hi);
        q = rp_qps_ratio(pts[i].k.run, pts[i].k.figs, HG_CORE_HAD, &lo, &hi);
        if (isfinite(q)) {
            printf("%-12s HAD/baseline energy/query at equal queries/s (the faster core at a lower supply): "
                   "%.3f (%.3f-%.3f)",
                   pts[i].name, q, lo, hi);
            q = rp_count_qps(&pts[i].k, HG_CORE_HAD, &lo, &hi);
            if (isfinite(q) && isfinite(lo)) printf("; with every correction: %.3f (%.3f-%.3f)", q, lo, hi);
            printf("\n");
        }
        rp_select_pick c[RP_SELECT_MAX + 1];
        int best;
        rp_select_by by;
        int n = rp_select_candidates(sel, pts[i].name, HG_CORE_HAD, c, &best, &by);
        if (n) {
            const rp_select_pick *x = &c[best];
            printf("%-12s HAD/baseline at HAD's best measured selector (%s, of %d): logic area %.3f, "
                   "energy/query %.3f",
                   pts[i].name, x->label, n, x->area, x->e_query);
            if (isfinite(x->counted[0])) printf(", counted %.3f", x->counted[0]);
            if (isfinite(x->qps))
                printf(", at equal queries/s %.3f (%.3f-%.3f)", x->qps, x->qps_lo, x->qps_hi);
            if (isfinite(x->qps_counted[0]) && isfinite(x->qps_counted[1]))
                printf(", counted %.3f (%.3f-%.3f)", x->qps_counted[0], x->qps_counted[1], x->qps_counted[2]);
            printf("; Fmax %.1f MHz\n", x->fmax);
        }
    }
    if (!dist && !orig) return;
    const run *src[4] = {dist, orig, orig, orig};
    const char *be[4] = {"golden-had", "golden-had", "golden-int8-topn", "golden-baseline"};
    const int var[4] = {V_DISTILLED, V_POST, V_I8, V_BASELINE};
    printf("fidelity (embedding cosine mean / NN agreement against the original float model):");
    for (int k = 0, m = 0; k < 4; k++) {
        double c = bnum(src[k], be[k], "cos_mean"), nn = bnum(src[k], be[k], "nn_agree");
        if (!isnan(c)) printf("%s %s %.4f / %.3f", m++ ? "," : "", VARIANT[var[k]], c, nn);
    }
    printf("\n");
}

/* --kv-load NAME=DIR,DIR,...: the load runs of point NAME, one per core type, each of the
   configuration of the point's run of that core. */
/* The point an option's "NAME=..." argument names (NULL: no '=' or no such point). */
static point *named_point(point *pts, int npoints, const char *arg)
{
    const char *eq = strchr(arg, '=');
    for (int i = 0; eq && i < npoints; i++)
        if (strlen(pts[i].name) == (size_t)(eq - arg) && strncmp(pts[i].name, arg, (size_t)(eq - arg)) == 0)
            return &pts[i];
    return NULL;
}

/* The --selectors run a load run of another selector than the point's run belongs to: the same point,
   core, selector and sort cut. NULL with *bad set when there is none. */
static rp_select_run *load_selector_run(rp_select *sel, const point *p, int ci, const cJSON *j,
                                        const char **bad)
{
    hg_sel_kind k;
    hg_cut_kind cut;
    char why[256];
    if (rp_summary_sel(j, &k, &cut, why, sizeof why) != 0) {
        *bad = "params.selector or params.sort_cut is not a selector of hadgen";
        return NULL;
    }
    for (int i = 0; i < sel->n; i++) {
        rp_select_run *r = &sel->r[i];
        if (strcmp(r->point, p->name) == 0 && r->core == ci && r->sel == k && r->cut == cut) return r;
    }
    *bad = "no --selectors run of the point with this core, selector and sort cut";
    return NULL;
}

/* --kv-load NAME=DIR,DIR,...: the load runs of point NAME, one per core type of its runs and one
   per --selectors run of it (matched by params.selector and params.sort_cut), each of the
   configuration of that run. */
static void parse_kv_load(point *pts, int npoints, rp_select *sel, const char *arg)
{
    const char *eq = strchr(arg, '=');
    point *p = named_point(pts, npoints, arg);
    if (!p) rp_die("--kv-load '%s': must be NAME=RUN_DIR[,RUN_DIR...] with NAME a --point", arg);
    char dirs[8192];
    if (snprintf(dirs, sizeof dirs, "%s", eq + 1) >= (int)sizeof dirs)
        rp_die("--kv-load '%.64s...': its run list is longer than %zu characters", arg, sizeof dirs - 1);
    for (char *d = strtok(dirs, ","); d; d = strtok(NULL, ",")) {
        char path[1200];
        rp_summary_path(path, sizeof path, "kv-load", d);
        cJSON *j = rp_load_json(path);
        int ci = rp_core_index(rp_str(j, "core"));
        rp_load got;
        int bad_load = rp_count_load_of(j, &got);
        const char *bad = NULL;
        rp_select_run *sr =
            NULL; /* a --selectors run's load (another selector than the point's run), else the point's */
        if (ci >= 0 && p->k.run[ci] && !rp_same_sel(j, p->k.run[ci]))
            sr = load_selector_run(sel, p, ci, j, &bad);
        const cJSON *to = sr ? sr->run : ci >= 0 ? p->k.run[ci] : NULL;
        rp_load *dst = sr ? &sr->load : ci >= 0 ? &p->k.load[ci] : NULL;
        if (!bad)
            bad = ci < 0              ? "unknown core type"
                  : !to               ? "the point has no run of this core type"
                  : isfinite(dst->nj) ? "a second load run of this core type and selector"
                  : bad_load          ? "no energy.window_nj or activity.cycles"
                  : !(rp_num(to, "throughput.ii_cycles") > 0) ? "the point's run has no cycles per query"
                                                              : NULL;
        for (int k = 0; !bad && k < 4; k++) {
            static const char *const par[4] = {"params.d", "params.lanes", "params.top_n", "params.max_keys"};
            if (rp_num(j, par[k]) != rp_num(to, par[k])) bad = "another configuration than the point's run";
        }
        double reuse = to ? rp_num(to, "activity.queries") : NAN;
        if (!bad && !(reuse > 0)) bad = "the point's run of this core has no activity.queries";
        if (bad) {
            char msg[1400];
            snprintf(msg, sizeof msg, "--kv-load: %.1200s: %s", path, bad);
            cJSON_Delete(j);
            rp_die("%s", msg);
        }
        cJSON_Delete(j);
        *dst = got;
        if (!sr) p->k.reuse[ci] = reuse;
    }
}

/* The command line: the points and the hadrun --json files. */
typedef struct {
    const char *out;
    char *sweep_md; /* the text of --sweep-md */
    point *pts;
    int npoints;
    run *runs;
    int nr;
    cJSON *sys[MAX_SYS]; /* --system: hgsys --json runs */
    int nsys;
    const char *sys_point;      /* --system-point: the point whose core energy the sweep scales */
    const char *sys_wide_point; /* --system-wide-point: the same for the runs of a wider load port */
    rp_nk_point *nk;            /* --nk-sweep: the workload sweep's points */
    int nnk;
    /* --system-nk, --system-wide-nk ([1]): the system sweep's cores at several n_k, of one key a
       load beat and of the wider port; --system-nk-load, --system-wide-nk-load: their load runs,
       read once the points are sorted */
    rp_nk_point *sysnk[2];
    int nsysnk[2];
    const char *sysnk_load[2][RP_NK_MAX];
    int nsysnk_load[2];
    const char *nk_load[RP_NK_MAX]; /* --nk-kv-load arguments, read once the points are sorted */
    int nnk_load;
    const char *nk_stimulus;                /* --nk-stimulus */
    const char *kv_load[MAX_POINTS];        /* --kv-load arguments, read once the points are */
    const char *glitch_timed, *glitch_zero; /* --glitch-timed, --glitch-zero */
    int nkv;
    const char *noise[RP_NOISE_MAX_POINTS * RP_NOISE_MAX_REPS]; /* --noise arguments */
    int nnoise;
    rp_select sel;  /* --selectors: runs with another top-N selector */
    rp_vbits vbits; /* --vbits, --vbits-fidelity: runs and fidelity at narrower V */
} args;

/* Parses the options, reading every input (a bad one stops the run before anything is
   written); exits 0 after --help, 2 on bad input. */
static void usage(void)
{
    printf("usage: hgreport --out DIR --point NAME=STIMULUS:RUN_DIR,... [--fidelity FILE ...]\n"
           "                [--fidelity-n N=FILE ...] [--passages FILE ...] [--sweep-md FILE]\n"
           "  --point NAME=STIMULUS:RUN_DIR,...  an operating point (at most 4): the synthesis flow\n"
           "                      runs of its cores (each RUN_DIR holds reports/summary.json)\n"
           "  --fidelity FILE     hadrun --json on the evaluation sentences: one run on a distilled\n"
           "                      model (model.distilled: the HAD distilled rows) and/or one on the\n"
           "                      original model (HAD post-training, baseline, int8-topn)\n"
           "  --fidelity-n N=FILE hadrun --json at --top-n N (core.top_n must be N), one run of each\n"
           "                      model per N: the fidelity-vs-N table and plot\n"
           "  --passages FILE     hadrun --json on passages (sentences.max_tokens: their token limit),\n"
           "                      one run of each model per (token limit, N): the long-text table\n"
           "  --sweep-md FILE     a section hgsweep wrote, appended verbatim\n"
           "  --system FILE       hgsys --json of one layer (repeatable): the system section's context\n"
           "                      sweep (the fidelity runs' sys-* backends give its MiniLM layer)\n"
           "  --system-point NAME the point whose flow energy per query and K/V load runs give the\n"
           "                      sweep's core logic energy (default: the last --point; its cores\n"
           "                      load one key a beat)\n"
           "  --system-wide-point NAME  the same for the --system runs of a wider load port (a point\n"
           "                      of cores of that load width; without it those runs have no core\n"
           "                      logic estimate)\n"
           "  --system-nk RUN_DIR,...  flow runs of the --system runs' cores (their d, lanes, top_n,\n"
           "                      max_keys), one per core type, on a stimulus of n_k keys\n"
           "                      (repeatable, at most 32): a query's, a cycle's and a scored key's\n"
           "                      energy, fitted, cost the sweep's queries (without: the system\n"
           "                      point's energy per query over its cycles per query)\n"
           "  --system-nk-load RUN_DIR,...  K/V load runs of the --system-nk runs (repeatable), each\n"
           "                      matched by core type and activity.n_keys: a head's configuration\n"
           "                      and load energy, fitted, costs the sweep's loads of one key a beat\n"
           "  --system-wide-nk RUN_DIR,...  as --system-nk, for the cores of the wider load port (their\n"
           "                      load_width the --system-wide-point's): they cost that port's runs\n"
           "  --system-wide-nk-load RUN_DIR,...  K/V load runs of the --system-wide-nk runs\n"
           "  --nk-sweep RUN_DIR,...  one point of the workload sweep (repeatable, at most 32): flow\n"
           "                      runs of one configuration, one per core type, on a stimulus of n_k\n"
           "                      keys (their summaries' activity.n_keys): energy ratios against n_k\n"
           "  --nk-stimulus TEXT  what the workload sweep's stimulus is (its section names it)\n"
           "  --nk-kv-load RUN_DIR,...  K/V load runs of the workload sweep's runs (repeatable),\n"
           "                      each matched by core type and activity.n_keys: counted ratios\n"
           "  --glitch-timed RUN_DIR,...  GL_SIM=timed flow runs, one per core type, and\n"
           "  --glitch-zero RUN_DIR,...   zero-delay runs of the same netlists, instances and window:\n"
           "                      per-block glitch factors every point's energy takes\n"
           "  --kv-load NAME=RUN_DIR,...  flow runs of the point NAME's cores over the cycles before\n"
           "                      the first query (their energy.window_nj): the K/V load, amortized\n"
           "                      over the queries of the point's stimulus; a run of another selector\n"
           "                      or sort cut than the point's run of its core goes to the\n"
           "                      --selectors run of its core, selector and sort cut\n"
           "  --noise NAME=RUN_DIR,...  one perturbed repeat of the point NAME (repeatable): flow runs\n"
           "                      of its cores with one SYN_SALT on the same captures: the synthesis\n"
           "                      noise band of every figure and ratio\n"
           "  --selectors NAME=RUN_DIR,...  flow runs of the point NAME's top-N cores built with\n"
           "                      another top-N selector (hadgen --selector; repeatable): the\n"
           "                      selector section, against the point's own runs (each core's\n"
           "                      default selector), and\n"
           "                      each top-N core at its best measured selector (the lowest\n"
           "                      energy per query at equal queries/s) against the baseline\n"
           "  --vbits NAME=RUN_DIR,...  flow runs of the point NAME's cores built with narrower\n"
           "                      values (hadgen --v-bits B < 8; repeatable): the value-precision\n"
           "                      section, against the point's own (8-bit) runs\n"
           "  --vbits-fidelity FILE  hadrun --json at any --v-bits (repeatable; one per width and\n"
           "                      model): the value-precision section's fidelity table\n"
           "Every figure of the fidelity files is against the original float model.\n");
}

/* --fidelity-n N=FILE: one run of the fidelity-vs-N table. */
static void add_fidelity_n(args *a, const char *arg)
{
    const char *eq = strchr(arg, '=');
    char *end;
    long v = strtol(arg, &end, 10);
    if (!eq || end != eq || v < 1 || v > 1 << 20)
        rp_die("--fidelity-n '%s': must be N=FILE with N a whole number >= 1 and <= %d", arg, 1 << 20);
    a->nr = add_run(a->runs, a->nr, "fidelity-n", arg, eq + 1, (int)v);
}

/* The point called name; NULL: the last point, or none where no point has that name. */
static const point *system_point(const args *a, const char *name)
{
    if (!name) return &a->pts[a->npoints - 1];
    for (int i = 0; i < a->npoints; i++)
        if (strcmp(a->pts[i].name, name) == 0) return &a->pts[i];
    return NULL;
}

/* --system-nk (port 0) or --system-wide-nk (port 1): every run of the --system runs'
   configuration (the sweep's cores on another stimulus) and of its point's (--system-point,
   --system-wide-point) load width, value width and selector of its core type. */
static void check_system_nk(const args *a, int port)
{
    const char *opt = port ? "system-wide-nk" : "system-nk";
    if (a->nsysnk[port] && port && !a->sys_wide_point)
        rp_die("--%s needs --system-wide-point (the point of cores of that load port)", opt);
    const point *p = system_point(a, port ? a->sys_wide_point : a->sys_point);
    const char *pn = port ? "wide-port point" : "system point";
    static const char *const KEY[] = {"d", "lanes", "top_n", "max_keys"};
    for (int i = 0; i < a->nsysnk[port]; i++)
        for (int c = 0; c < RP_NCORES; c++) {
            const cJSON *r = a->sysnk[port][i].k.run[c], *q = p ? p->k.run[c] : NULL;
            const char *dir = a->sysnk[port][i].dir[c];
            if (!r) continue;
            if (!q)
                rp_die("--%s '%s': a run of %s, and the %s '%s' has none", opt, dir, RP_CORE_NAME(c), pn,
                       p ? p->name : "?");
            for (int s = 0; s < a->nsys; s++)
                for (size_t k = 0; k < sizeof KEY / sizeof *KEY; k++) {
                    char key[32];
                    snprintf(key, sizeof key, "params.%s", KEY[k]);
                    if (rp_num(r, key) != rp_num(a->sys[s], KEY[k]))
                        rp_die("--%s '%s': %s = %g, the --system runs' %s is %g (flows of the sweep's "
                               "cores)",
                               opt, dir, key, rp_num(r, key), KEY[k], rp_num(a->sys[s], KEY[k]));
                }
            /* runs before --v-bits and --load-width: 8-bit values, one key a beat */
            static const char *const PKEY[] = {"params.load_width", "params.v_bits"};
            static const double BEFORE[] = {1, 8};
            for (int k = 0; k < 2; k++) {
                double x = rp_num_or(r, PKEY[k], BEFORE[k]), y = rp_num_or(q, PKEY[k], BEFORE[k]);
                if (x != y)
                    rp_die("--%s '%s': %s = %g, the %s '%s' has %g", opt, dir, PKEY[k], x, pn, p->name, y);
            }
            const cJSON *pr = cJSON_GetObjectItemCaseSensitive(r, "params"),
                        *pq = cJSON_GetObjectItemCaseSensitive(q, "params");
            if (strcmp(rp_str(pr, "selector"), rp_str(pq, "selector")) != 0)
                rp_die("--%s '%s': selector '%s', the %s '%s' has '%s'", opt, dir, rp_str(pr, "selector"), pn,
                       p->name, rp_str(pq, "selector"));
        }
}

/* Checks across options, after all are read; reads the glitch runs. */
static void check_args(args *a)
{
    if (!a->out || a->npoints == 0) rp_die("--out and at least one --point are required");
    if (!system_point(a, a->sys_point)) rp_die("--system-point '%s': no --point of that name", a->sys_point);
    if (a->sys_wide_point && !system_point(a, a->sys_wide_point))
        rp_die("--system-wide-point '%s': no --point of that name", a->sys_wide_point);
    if (a->nnk && !a->nk_stimulus) rp_die("--nk-sweep needs --nk-stimulus (what the sweep's data is)");
    rp_nk_check(a->nk, a->nnk, "nk-sweep");
    for (int port = 0; port < 2; port++) {
        const char *opt = port ? "system-wide-nk" : "system-nk",
                   *lopt = port ? "system-wide-nk-load" : "system-nk-load";
        rp_nk_check(a->sysnk[port], a->nsysnk[port], opt);
        for (int k = 0; k < a->nsysnk_load[port]; k++)
            rp_nk_load(a->sysnk[port], a->nsysnk[port], a->sysnk_load[port][k], lopt, opt);
        check_system_nk(a, port);
    }
    for (int k = 0; k < a->nnk_load; k++) rp_nk_load(a->nk, a->nnk, a->nk_load[k], "nk-kv-load", "nk-sweep");
    if (!a->glitch_timed != !a->glitch_zero) rp_die("--glitch-timed and --glitch-zero go together");
    if (a->glitch_timed) rp_glitch_read(&glitch, a->glitch_timed, a->glitch_zero);
    for (int k = 0; k < a->nnoise; k++) {
        const char *arg = a->noise[k], *eq = strchr(arg, '=');
        const point *p = named_point(a->pts, a->npoints, arg);
        if (!p || !eq[1]) rp_die("--noise '%s': must be NAME=RUN_DIR[,RUN_DIR...] with NAME a --point", arg);
        rp_noise_add(&noise, p->name, (const cJSON *const *)p->k.run, eq + 1, blocks, nblocks);
    }
    for (int k = 0; k < a->sel.n; k++) {
        rp_select_run *r = &a->sel.r[k];
        char key[80];
        snprintf(key, sizeof key, "%s=", r->point);
        const point *p = named_point(a->pts, a->npoints, key);
        if (!p) rp_die("--selectors %s=...: no --point of that name", r->point);
        rp_select_match(r, p->k.run[r->core], p->dir[r->core], p->k.run[BASE]);
    }
    for (int k = 0; k < a->nkv; k++) parse_kv_load(a->pts, a->npoints, &a->sel, a->kv_load[k]);
    for (int i = 0; i < a->npoints; i++) {
        a->pts[i].k.glitch = &glitch;
        a->pts[i].k.blocks = blocks;
        a->pts[i].k.nblocks = nblocks;
        rp_select_count(&a->sel, a->pts[i].name, &a->pts[i].k);
    }
    for (int i = 0; i < a->nnk; i++) { /* the sweep's runs reuse the MiniLM point's netlists */
        a->nk[i].k.glitch = &glitch;
        a->nk[i].k.blocks = blocks;
        a->nk[i].k.nblocks = nblocks;
    }
    for (int k = 0; k < a->vbits.n; k++) {
        rp_vbits_run *r = &a->vbits.r[k];
        char key[80];
        snprintf(key, sizeof key, "%s=", r->point);
        const point *p = named_point(a->pts, a->npoints, key);
        if (!p) rp_die("--vbits %s=...: no --point of that name", r->point);
        rp_vbits_match(r, p->k.run[r->core]);
    }
}

static void parse_args(int argc, char **argv, args *a)
{
    static const struct option opts[] = {{"out", required_argument, 0, 'o'},
                                         {"point", required_argument, 0, 'p'},
                                         {"fidelity", required_argument, 0, 'f'},
                                         {"fidelity-n", required_argument, 0, 'n'},
                                         {"passages", required_argument, 0, 'a'},
                                         {"sweep-md", required_argument, 0, 's'},
                                         {"system", required_argument, 0, 'y'},
                                         {"system-point", required_argument, 0, 'e'},
                                         {"system-wide-point", required_argument, 0, 'w'},
                                         {"system-nk", required_argument, 0, 'Y'},
                                         {"system-nk-load", required_argument, 0, 'Z'},
                                         {"system-wide-nk", required_argument, 0, 'W'},
                                         {"system-wide-nk-load", required_argument, 0, 'X'},
                                         {"nk-sweep", required_argument, 0, 'k'},
                                         {"nk-stimulus", required_argument, 0, 'K'},
                                         {"nk-kv-load", required_argument, 0, 'L'},
                                         {"kv-load", required_argument, 0, 'l'},
                                         {"glitch-timed", required_argument, 0, 'g'},
                                         {"glitch-zero", required_argument, 0, 'G'},
                                         {"noise", required_argument, 0, 'N'},
                                         {"selectors", required_argument, 0, 'S'},
                                         {"vbits", required_argument, 0, 'V'},
                                         {"vbits-fidelity", required_argument, 0, 'F'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    a->pts = calloc(MAX_POINTS, sizeof *a->pts);
    a->runs = calloc(MAX_RUNS, sizeof *a->runs);
    a->nk = calloc(RP_NK_MAX, sizeof *a->nk);
    a->sysnk[0] = calloc(RP_NK_MAX, sizeof *a->sysnk[0]);
    a->sysnk[1] = calloc(RP_NK_MAX, sizeof *a->sysnk[1]);
    if (!a->pts || !a->runs || !a->nk || !a->sysnk[0] || !a->sysnk[1]) rp_die("out of memory");
    int ch;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (ch) {
        case 'o': a->out = optarg; break;
        case 'p':
            if (a->npoints == MAX_POINTS) rp_die("--point '%s': at most 4 points", optarg);
            parse_point(&a->pts[a->npoints++], optarg);
            break;
        case 'f': a->nr = add_run(a->runs, a->nr, "fidelity", optarg, optarg, 0); break;
        case 'n': add_fidelity_n(a, optarg); break;
        case 'a': a->nr = add_run(a->runs, a->nr, "passages", optarg, optarg, 0); break;
        case 'y':
            if (a->nsys == MAX_SYS) rp_die("--system '%s': at most %d files", optarg, MAX_SYS);
            a->sys[a->nsys++] = rp_load_json(optarg);
            break;
        case 'e': a->sys_point = optarg; break;
        case 'w': a->sys_wide_point = optarg; break;
        case 'k':
            if (a->nnk == RP_NK_MAX) rp_die("--nk-sweep '%s': at most %d points", optarg, RP_NK_MAX);
            rp_nk_parse(&a->nk[a->nnk++], optarg, "nk-sweep");
            break;
        case 'Y':
        case 'W': {
            int port = ch == 'W';
            const char *opt = port ? "system-wide-nk" : "system-nk";
            if (a->nsysnk[port] == RP_NK_MAX) rp_die("--%s '%s': at most %d points", opt, optarg, RP_NK_MAX);
            rp_nk_parse(&a->sysnk[port][a->nsysnk[port]++], optarg, opt);
            break;
        }
        case 'Z':
        case 'X': {
            int port = ch == 'X';
            if (a->nsysnk_load[port] == RP_NK_MAX)
                rp_die("--%s '%s': at most %d", port ? "system-wide-nk-load" : "system-nk-load", optarg,
                       RP_NK_MAX);
            a->sysnk_load[port][a->nsysnk_load[port]++] = optarg;
            break;
        }
        case 'K': a->nk_stimulus = optarg; break;
        case 'L':
            if (a->nnk_load == RP_NK_MAX) rp_die("--nk-kv-load '%s': at most %d", optarg, RP_NK_MAX);
            a->nk_load[a->nnk_load++] = optarg;
            break;
        case 'g': a->glitch_timed = optarg; break;
        case 'G': a->glitch_zero = optarg; break;
        case 'N':
            if (a->nnoise == (int)(sizeof a->noise / sizeof a->noise[0]))
                rp_die("--noise '%s': at most %zu", optarg, sizeof a->noise / sizeof a->noise[0]);
            a->noise[a->nnoise++] = optarg;
            break;
        case 'S': rp_select_add(&a->sel, optarg); break;
        case 'V': rp_vbits_add(&a->vbits, optarg); break;
        case 'F': rp_vbits_add_fidelity(&a->vbits, optarg); break;
        case 'l':
            if (a->nkv == MAX_POINTS) rp_die("--kv-load '%s': at most %d", optarg, MAX_POINTS);
            a->kv_load[a->nkv++] = optarg;
            break;
        case 's': /* read now: a bad file stops the run before anything is written */
            free(a->sweep_md);
            a->sweep_md = rp_read_text(optarg, "--sweep-md", RP_MAX_SWEEP_MD);
            break;
        case 'h': usage(); exit(0);
        case ':': rp_die("option '%s' needs a value (see --help)", argv[optind - 1]);
        default: rp_die("bad option '%s' (see --help)", argv[optind - 1]);
        }
    }
    check_args(a);
}

/* The core energy of the system sweep: the flow's energy per query and cycles per query of
   every core at the point named (NULL: the last), and its K/V load run's energy and cycles.
   rp_die where the point's cores differ in their load width. */
/* The core energy of point name's runs (rp_system.h): as generated (gated 0), or with their
   clock-gating estimates (gated 1; NAN where a summary has none). */
static void core_energy(const args *a, const char *name, int gated, rp_core_energy *ce)
{
    const point *p = system_point(a, name); /* check_args made sure it exists */
    snprintf(ce->point, sizeof ce->point, "%s", p->name);
    ce->lw = 0;
    for (int c = 0; c < RP_NCORES; c++) {
        if (!p->k.run[c]) continue;
        double w = rp_num_or(p->k.run[c], "params.load_width", 1); /* runs before --load-width: 1 */
        if (!(w >= 1 && w <= HG_L_MAX && w == floor(w)))
            rp_die("point '%s': %s's params.load_width is not a whole number in 1..%d", p->name,
                   RP_CORE_NAME(c), HG_L_MAX);
        int lw = (int)w;
        if (ce->lw && lw != ce->lw)
            rp_die("point '%s': its cores load %d and %d keys a beat (params.load_width); the system section "
                   "needs one width a point",
                   p->name, ce->lw, lw);
        ce->lw = lw;
    }
    for (int c = 0; c < RP_NCORES; c++) {
        ce->nj[c] = !p->k.run[c] ? NAN
                    : gated      ? rp_count_gated(p->k.run[c], "per_query_nj")
                                 : p->k.figs[c].e_query;
        ce->cycles[c] = p->k.run[c] ? p->k.figs[c].ii : NAN;
        ce->load_nj[c] = !p->k.run[c] ? NAN : gated ? p->k.load[c].cg_nj : p->k.load[c].nj;
        ce->load_cycles[c] = p->k.run[c] ? p->k.load[c].cycles : NAN;
        ce->load_keys[c] = p->k.run[c] ? rp_num(p->k.run[c], "activity.n_keys") : NAN;
    }
}

/* 1 if a fidelity run has a system backend (sys-<core>). */
static int has_sys(const run *r, int nr)
{
    for (int i = 0; i < nr; i++) {
        const cJSON *b;
        cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(r[i].j, "backends"))
        {
            if (strncmp(rp_str(b, "backend"), "sys-", 4) == 0) return 1;
        }
    }
    return 0;
}

/* report.md's introduction. */
static void md_intro(FILE *md, int distilled)
{
    fprintf(
        md,
        "# hadgen report: HAD attention core against a standard int8 attention core\n\n"
        "Produced by `make report`. Every figure below comes from this run: synthesized netlists (Yosys, "
        "osu018 180 nm), OpenSTA timing, power from gate-level simulated activity, the memory model of "
        "docs/synth.md, and the real model through the cycle-accurate cores. Energy at 65 nm scales by "
        "(65/180) / 1.5 x (1.0/1.8)^2 = 0.074, the node rule of docs/synth.md (range 0.056-0.160 in the "
        "CAMformer section).%s\n",
        distilled
            ? " HAD is shown twice in the fidelity tables: **HAD distilled** (the distilled model with its "
              "learned per-head alpha, the default HAD) and **HAD post-training** (sign + top-N on the "
              "original model); every fidelity figure is measured against the original float model."
            : "");
}

/* The points: their sections of report.md and report.json, summary.csv, blocks.csv, the
   per-block plot data. */
static void write_points(const char *out, FILE *md, cJSON *root, const point *pts, int npoints)
{
    cJSON *jpts = cJSON_AddArrayToObject(root, "points");
    FILE *csv = rp_out_file(out, "summary.csv");
    fprintf(csv,
            "point,core,logic_area_mm2,memory_area_mm2,fmax_mhz,cycles_per_query,queries_per_s,logic_power_"
            "mw,memory_power_mw,energy_per_query_nj,energy_per_query_node_nj,queries_per_mj_node\n");
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
        for (int c = 0; c < RP_NCORES; c++) {
            if (!pts[i].k.run[c]) continue;
            const rp_figs_t *f = &pts[i].k.figs[c];
            fprintf(csv, "%s,%s,%g,%g,%g,%g,%g,%g,%g,%g,%g,%g\n", pts[i].name, RP_CORE_NAME(c), f->area_logic,
                    f->area_mem, f->fmax, f->ii, f->qps, f->power_logic, f->power_mem, f->e_query,
                    f->e_query_node, f->qpmj_node);
            for (int k = 0; k < nblocks; k++)
                fprintf(bcsv, "%s,%s,%s,%g,%g\n", pts[i].name, RP_CORE_NAME(c), blocks[k],
                        rp_block(pts[i].k.run[c], blocks[k], "area_um2") * 1e-6,
                        rp_block(pts[i].k.run[c], blocks[k], "power_uw") * 1e-3);
        }
    }
    rp_out_close(csv);
    rp_out_close(bcsv);
}

/* The CAMformer line at the system point (default: the last point): HAD's energy per query with
   every correction, its range over the uncertain ones, and the system runs' DRAM. */
static void cam_section(FILE *md, cJSON *root, const args *a)
{
    const point *p = system_point(a, a->sys_point);
    if (!p->k.run[HG_CORE_HAD]) return;
    unsigned all = rp_count_corrections(&p->k);
    double lo = INFINITY, hi = -INFINITY;
    for (unsigned c = 0; c < 1u << RP_COUNT_NCORR; c++) {
        if (c & ~all) continue;
        double e = rp_count_energy(&p->k, HG_CORE_HAD, all, c);
        lo = fmin(lo, e);
        hi = fmax(hi, e);
    }
    rp_cam_section(md, root, p->name, p->k.run[HG_CORE_HAD], rp_count_energy(&p->k, HG_CORE_HAD, 0, 0), lo,
                   hi, (const cJSON *const *)a->sys, a->nsys);
}

int main(int argc, char **argv)
{
    static args a;
    parse_args(argc, argv, &a);
    const char *out = a.out;
    point *pts = a.pts;
    run *runs = a.runs;
    int npoints = a.npoints, nr = a.nr;
    char *sweep_md = a.sweep_md;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "tool", "hadgen report");
    cJSON *ref = cJSON_AddObjectToObject(root, "references");
    cJSON_AddNumberToObject(ref, "paper_area_reduction", PAPER_AREA_RED);
    cJSON_AddNumberToObject(ref, "paper_power_reduction", PAPER_POWER_RED);
    cJSON_AddNumberToObject(ref, "camformer_queries_per_mj_65nm", RP_CAMFORMER_QPMJ);
    const run *dist = find_run(runs, nr, "fidelity", 1, 0, 0),
              *orig = find_run(runs, nr, "fidelity", 0, 0, 0);
    FILE *md = rp_out_file(out, "report.md");
    md_intro(md, dist != NULL);
    write_points(out, md, root, pts, npoints);
    int have_fn = find_run(runs, nr, "fidelity-n", 0, 0, 0) || find_run(runs, nr, "fidelity-n", 1, 0, 0);
    if (dist || orig) {
        FILE *fcsv = rp_out_file(out, "fidelity.csv");
        fidelity(md, fcsv, root, dist, orig);
        rp_out_close(fcsv);
    }
    if (have_fn) fidelity_n(md, out, root, runs, nr);
    if (find_run(runs, nr, "passages", 0, 0, 0) || find_run(runs, nr, "passages", 1, 0, 0))
        passages(md, out, root, runs, nr, dist ? dist : orig);
    int rc_sys = 0;
    if (a.nsys || has_sys(runs, nr)) {
        const cJSON *fid[MAX_RUNS];
        int nfid = 0;
        for (int i = 0; i < nr; i++)
            if (strcmp(runs[i].opt, "fidelity") == 0) fid[nfid++] = runs[i].j;
        rp_core_energy ce[RP_SYS_NCOST], ce_wide[RP_SYS_NCOST];
        rp_nk_fit fit[RP_SYS_NCOST]; /* the workload sweep's core logic against n_k, for the MiniLM layer */
        rp_nk_fit sys_fit[RP_SYS_NCOST][2]; /* the system sweep's cores of each load port: a query's and a
                                               head's load energy */
        rp_sys_cost cost[RP_SYS_NCOST];
        for (int g = 0; g < RP_SYS_NCOST; g++) {
            core_energy(&a, a.sys_point, g, &ce[g]);
            if (a.sys_wide_point) core_energy(&a, a.sys_wide_point, g, &ce_wide[g]);
            rp_nk_fit_energy(a.nk, a.nnk, g, &fit[g]);
            for (int port = 0; port < 2; port++)
                rp_nk_fit_energy(a.sysnk[port], a.nsysnk[port], g, &sys_fit[g][port]);
            cost[g] = (rp_sys_cost){&fit[g], sys_fit[g], &ce[g], a.sys_wide_point ? &ce_wide[g] : NULL};
        }
        rc_sys = rp_system_section(md, out, root, fid, nfid, cost, (const cJSON *const *)a.sys, a.nsys);
    }
    rp_glitch_section(md, root, &glitch);
    rp_noise_section(md, root, &noise);
    rp_select_section(md, root, &a.sel);
    rp_vbits_section(md, root, &a.vbits);
    cam_section(md, root, &a);
    int rc_nk = rp_nk_section(md, out, root, a.nk, a.nnk, a.nk_stimulus);
    cycles_vs_l(out);
    fprintf(md, "\n## Plots\n\n");
    for (int i = 0; i < npoints; i++)
        fprintf(md, "![area %s](%s_area.png) ![power %s](%s_power.png)\n", pts[i].name, pts[i].name,
                pts[i].name, pts[i].name);
    if (have_fn) fprintf(md, "![fidelity vs N](fidelity_vs_n.png)\n");
    fprintf(md, "![cycles vs L](cycles_vs_l.png)\n");
    if (sweep_md) { /* the sweep section hgsweep wrote, verbatim */
        fprintf(md, "\n%s", sweep_md);
        free(sweep_md);
    }
    rp_out_close(md);
    rp_write_json(out, "report.json", root);
    int rc = gnuplot(out, npoints, pts, have_fn);
    stdout_summary(npoints, pts, dist, orig, &a.sel);
    printf("\nreport: %s/report.md (JSON: report.json, CSV: summary.csv blocks.csv fidelity*.csv, plots: "
           "*.png *.svg)\n",
           out);
    for (int i = 0; i < npoints; i++)
        for (int c = 0; c < RP_NCORES; c++) cJSON_Delete(pts[i].k.run[c]);
    for (int i = 0; i < nr; i++) cJSON_Delete(runs[i].j);
    for (int i = 0; i < a.nsys; i++) cJSON_Delete(a.sys[i]);
    rp_select_free(&a.sel);
    rp_vbits_free(&a.vbits);
    cJSON_Delete(root);
    free(pts);
    free(runs);
    for (int port = 0; port < 2; port++) {
        for (int i = 0; i < a.nsysnk[port]; i++)
            for (int c = 0; c < RP_NCORES; c++) cJSON_Delete(a.sysnk[port][i].k.run[c]);
        free(a.sysnk[port]);
    }
    return rc ? rc : rc_sys ? rc_sys : rc_nk;
}
