/* hgsynth — helper program of the synthesis flow (synth/flow.sh).
 *
 *   hgsynth cells    --lib LIB --out cells.v [--check-ref REF.v --check-dir DIR]
 *   hgsynth plan     --rtl RTLDIR --out plan.sh
 *   hgsynth glgen    --rtl RTLDIR --netlists DIR --module M --out DIR
 *   hgsynth gatesim  --rtl RTLDIR --netlists DIR --lib LIB --module M --instances list ...
 *   hgsynth instances --rtl RTLDIR --netlists DIR --captures DIR --out list
 *   hgsynth vectors  --rtl RTLDIR --out DIR [--queries N --seed S --const 1]
 *   hgsynth summary  --rtl RTLDIR --run RUNDIR --out summary.json
 *   hgsynth sdf-fix  --in STA.sdf --out ICARUS.sdf
 *   hgsynth glvec    --rtl RTLDIR --netlists DIR --module M --capture BASE --out vec.txt
 *   hgsynth gltog    --rtl RTLDIR --netlists DIR --module M --instance I --raw RAW --toggles T
 *   hgsynth report   --out DIR RUNDIR...
 *
 * Every subcommand exits 0 on success, 2 on bad input (message on stderr naming the
 * thing and the value), 1 on an internal or tool failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sy_cmd.h"

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *help;
} command;

static const command commands[] = {
    {"cells", sy_cmd_cells, "Verilog cell models from a Liberty file (+ Icarus check bench)"},
    {"plan", sy_cmd_plan, "validate a generated RTL directory, print the flow plan"},
    {"glgen", sy_cmd_glgen, "gate-level simulation top + stimulus map for one module"},
    {"instances", sy_cmd_instances, "logic instances, their captures, the simulated sample"},
    {"gatesim", sy_cmd_gatesim, "gate-level simulation of one module on its captures (check + toggles)"},
    {"sdf-fix", sy_cmd_sdf_fix, "OpenSTA SDF with complete min:typ:max triples (for Icarus)"},
    {"glvec", sy_cmd_glvec, "one instance's captured stimulus as vectors for the timed Icarus bench"},
    {"gltog", sy_cmd_gltog, "the timed Icarus bench's counts -> the instance's .tog (and its check)"},
    {"vectors", sy_cmd_vectors, "synthetic key/value/query files for the capture run"},
    {"summary", sy_cmd_summary, "one JSON summary per run: area, timing, power, memories"},
    {"vars", sy_cmd_vars, "the flow's model variables: default, range, meaning (flow.sh reads them)"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: hgsynth COMMAND [options]   (hgsynth COMMAND --help for its options)\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0) return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "hgsynth: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
