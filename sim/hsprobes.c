/*
 * hsprobes — writes the simulation probes of a generated core (sim/hs_probes.h) from its
 * manifest.json: the instrumentation a simulator without Verilator's build (the power flow's
 * Icarus capture bench, a user's own bench) compiles beside the core.
 *
 * Exit codes: 0 written, 1 cannot write, 2 bad command line or manifest.
 */
#include "hg_file.h"
#include "hg_util.h"
#include "hs_probes.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: hsprobes --rtl DIR --out FILE\n"
               "\n"
               "Writes the simulation-only probes of the core in DIR (hadgen's output: manifest.json)\n"
               "to FILE: the memory access counts and, compiled with +define+HG_CAPTURE, the activity\n"
               "capture of the power flow (docs/spec.md section 8). Prints the module's name.\n"
               "\n"
               "  --rtl DIR    the generated core's folder\n"
               "  --out FILE   the Verilog file to write (through a temporary name, then renamed)\n"
               "  --help       this text\n");
}

int main(int argc, char **argv)
{
    const struct option opts[] = {{"rtl", required_argument, 0, 'r'},
                                  {"out", required_argument, 0, 'o'},
                                  {"help", no_argument, 0, 'h'},
                                  {0, 0, 0, 0}};
    const char *rtl = NULL, *out = NULL;
    int ch;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (ch) {
        case 'r': rtl = optarg; break;
        case 'o': out = optarg; break;
        case 'h': usage(stdout); return 0;
        case ':': hg_die_usage("hsprobes", "option '%s' needs a value (see --help)", argv[optind - 1]);
        default: hg_die_usage("hsprobes", "unknown option '%s' (see --help)", argv[optind - 1]);
        }
    }
    if (optind < argc) hg_die_usage("hsprobes", "unexpected argument '%s' (see --help)", argv[optind]);
    if (!rtl || !out) hg_die_usage("hsprobes", "--rtl DIR and --out FILE are required (see --help)");
    char err[1024], module[128];
    if (hg_file_check_output(out, err, sizeof err) != 0) hg_die_usage("hsprobes", "--out '%s': %s", out, err);
    if (hs_probes_write(rtl, out, module, sizeof module, err, sizeof err) != 0) {
        fprintf(stderr, "hsprobes: %s\n", err);
        return 2;
    }
    printf("%s\n", module);
    return 0;
}
