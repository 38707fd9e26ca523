/*
 * fz_synth_reports.c — the report readers of `hgsynth summary` (synth/src/sy_cmd_summary.c):
 * flow variables (log/flow_vars.txt), Yosys area reports, OpenSTA timing reports and
 * per-instance power tables (and the clocked cells of an area report), gate-level maps, toggle files
 * and hg_phase.txt, and the power of a module from them (with its clock-gating estimate).
 *
 * The readers are internal to the command, so this file includes its source (its entry point
 * sy_cmd_summary comes along unused). The input is split at NUL bytes (no report may hold
 * one) into eight files of a scratch run directory of module m: flow_vars.txt, m.rpt (area),
 * m.timing.rpt, m.power0.rpt, m.power1.rpt, map.txt, the toggle file of its one simulated
 * instance m0, hg_phase.txt; missing parts are empty files. They are read in the order
 * summary reads them; what a reader accepts must be in its stated range.
 */
#include "fz_util.h"

#include "../../synth/src/sy_cmd_summary.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NPARTS 8

static const char *const part_file[NPARTS] = {"run/log/flow_vars.txt",        "run/reports/area/m.rpt",
                                              "run/reports/sta/m.timing.rpt", "run/reports/sta/m.power0.rpt",
                                              "run/reports/sta/m.power1.rpt", "run/generated/gl/m/map.txt",
                                              "run/reports/toggles/m0.tog",   "run/hg_phase.txt"};

static void setup(void)
{
    static int done;
    if (done) return;
    static const char *const dirs[] = {"run/log", "run/reports/area", "run/reports/sta", "run/generated/gl/m",
                                       "run/reports/toggles"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) fz_subdir(dirs[i]);
    done = 1;
}

static void free_vars(kvlist *kv)
{
    for (int i = 0; i < kv->n; i++) {
        free(kv->k[i]);
        free(kv->v[i]);
    }
    free(kv->k);
    free(kv->v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    size_t off[NPARTS], len[NPARTS];
    int n = fz_split(data, size, 0, NPARTS, off, len);
    const char *path[NPARTS];
    for (int i = 0; i < NPARTS; i++)
        path[i] = fz_scratch(part_file[i], i < n ? data + off[i] : data, i < n ? len[i] : 0);
    char err[1024];

    kvlist kv = {0};
    sy_model_params model;
    sy_model_defaults(&model);
    if (read_vars(path[0], &kv, err, sizeof err) == 0)
        for (int i = 0; i < sy_model_nvars; i++) {
            const sy_model_var *mv = &sy_model_vars[i];
            if (var_num(&kv, mv->name, &model, path[0], err, sizeof err) != 0) continue;
            double v = *sy_model_field(&model, mv);
            if (!(v >= 0) || v > mv->max || (mv->positive && v <= 0))
                fz_fail("synth_reports", "a flow variable outside its range");
        }
    double period = model.period_ns;
    free_vars(&kv);

    /* the area, and the flops of a one-flop library (clock pin 0.5 pF), of the area report */
    static sy_lib *lib;
    if (!lib) {
        static const char text[] =
            "library(t) { cell(DFFX) { area : 1; ff(IQ, IQN) { next_state : \"D\"; "
            "clocked_on : \"CLK\"; } pin(CLK) { direction : input; capacitance : 0.5; "
            "clock : true; } pin(D) { direction : input; } pin(Q) { direction : output; "
            "function : \"IQ\"; } } }";
        lib = sy_lib_parse(text, sizeof text - 1, "fz.lib", err, sizeof err);
        if (!lib) fz_fail("synth_reports", "the fuzz target's own liberty text does not parse");
    }
    double area, flops, pins;
    if (stat_of(path[1], "m", (int)(size % 3), size % 2 ? lib : NULL, &area, &flops, &pins, err,
                sizeof err) == 0) {
        if (!(area >= 0 && area <= 1e15)) fz_fail("synth_reports", "an area outside 0..1e15");
        if (!(flops >= 0 && pins >= 0 && pins == 0.5 * flops) || (size % 2 == 0 && flops != 0))
            fz_fail("synth_reports", "flops or clock-pin capacitance not what the cell list holds");
    }

    timing tm;
    if (timing_of(path[2], period, &tm, err, sizeof err) == 0 && tm.found && !(fmax_mhz(&tm) > 0))
        fz_fail("synth_reports", "a constrained path without a positive Fmax");

    /* module m, one instance m0 simulated: power tables, map and toggle file */
    static hg_mport port = {"clk_i", HG_DIR_IN, 1};
    static hg_mmod mod = {
        .name = "m", .file = "m.v", .block = "score", .instances = 1, .nports = 1, .ports = &port};
    sy_inst inst = {.mod = &mod, .simulate = 1, .cells = 4, .base = "run/captures/m0", .name = "m0"};
    sy_list list = {1, &inst};
    modres r = {.mm = &mod};
    char *run = sy_asprintf("%s/run", fz_dir());
    const gatectx gc = {lib, &model.clk, 1, 10};
    if (module_power(run, &list, &r, NULL, 0, NULL, 1.8, &gc, err, sizeof err) == 0) {
        if (r.n_inst != 1 || r.n_sim != 1)
            fz_fail("synth_reports", "module_power counted another number of instances");
        /* a gate's enable rate is a share of the counted cycles */
        if (!(r.cg_en >= 0 && r.cg_en <= r.cg_gated + 1e-9 * r.cg_gated) || r.cg_icg < 0 || r.cg_icg_w < 0)
            fz_fail("synth_reports",
                    "a clock gate open outside 0..1 of the cycles, or a negative gate count");
        /* and its registers change only in cycles it is open */
        if (!(r.cg_chg >= 0 && r.cg_chg <= r.cg_en + 1e-9 * r.cg_gated))
            fz_fail("synth_reports", "a gated register changing in more cycles than its gate opened");
    }
    free(run);

    double queries = 0, n_keys = 0;
    if (read_phase(path[7], &queries, &n_keys, err, sizeof err) == 0 && !(queries >= 0 && n_keys >= 0))
        fz_fail("synth_reports", "a negative number of queries or keys");
    return 0;
}
