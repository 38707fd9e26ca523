/*
 * hadmodel — assembles a distilled HAD model directory from a base model and the artifact
 * of the distillation recipe (had.json + the changed tensors), so hadrun and the encoder
 * can load it like any model. sw/run/hr_hadmodel.h has the rules; docs/usage.md the usage.
 *
 * Exit codes: 0 success; 1 an output cannot be written; 2 bad command line or input
 * (unknown tensor, shape mismatch, malformed had.json, output directory not ours, ...).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enc_bert.h"
#include "hr_hadmodel.h"

#define DEF_ARTIFACT "sw/distill/model"
#define DEF_OUT      "build/model-had"

static void usage(FILE *f)
{
    fprintf(f, "usage: hadmodel [options]\n"
               "\n"
               "Overlays the tensors a HAD distillation changed on the base model and writes a complete\n"
               "model directory: model.safetensors (F32; the overlay converted exactly), config.json and\n"
               "vocab.txt (copies), had.json (the artifact's, plus base_model_hash). Every file is written\n"
               "through a temporary file and rename.\n"
               "\n"
               "  --base DIR            base model: config.json, model.safetensors, vocab.txt (default\n"
               "                        $HADGEN_MODEL, else build/model)\n"
               "  --artifact PATH       artifact directory holding had.json (format " HR_HAD_FORMAT "),\n"
               "                        or that had.json (default " DEF_ARTIFACT ")\n"
               "  --out DIR             model directory to write, created if missing (default\n"
               "                        " DEF_OUT ")\n"
               "  --force               write into a non-empty directory that hadmodel did not write\n"
               "  --ignore-base-sha256  assemble although the base's model.safetensors differs from the\n"
               "                        one had.json names (base_model.safetensors_sha256)\n"
               "  --quiet               no summary line\n"
               "  --help                this text\n"
               "\n"
               "Exit status: 0 done; 1 cannot write; 2 bad option or input (the message names the file,\n"
               "tensor, shapes or value).\n");
}

enum { O_BASE = 1, O_ART, O_OUT, O_FORCE, O_IGN, O_QUIET, O_HELP };

int main(int argc, char **argv)
{
    static const struct option lo[] = {{"base", required_argument, 0, O_BASE},
                                       {"artifact", required_argument, 0, O_ART},
                                       {"out", required_argument, 0, O_OUT},
                                       {"force", no_argument, 0, O_FORCE},
                                       {"ignore-base-sha256", no_argument, 0, O_IGN},
                                       {"quiet", no_argument, 0, O_QUIET},
                                       {"help", no_argument, 0, O_HELP},
                                       {0, 0, 0, 0}};
    hr_had_opts o = {NULL, DEF_ARTIFACT, DEF_OUT, 0, 0};
    int quiet = 0, ch, idx = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":", lo, &idx)) != -1) {
        switch (ch) {
        case O_BASE: o.base = optarg; break;
        case O_ART: o.artifact = optarg; break;
        case O_OUT: o.out = optarg; break;
        case O_FORCE: o.force = 1; break;
        case O_IGN: o.ignore_sha256 = 1; break;
        case O_QUIET: quiet = 1; break;
        case O_HELP: usage(stdout); return 0;
        case ':':
            fprintf(stderr, "hadmodel: option '%s' needs a value (see --help)\n", argv[optind - 1]);
            return 2;
        default: fprintf(stderr, "hadmodel: unknown option '%s' (see --help)\n", argv[optind - 1]); return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "hadmodel: unexpected argument '%s' (see --help)\n", argv[optind]);
        return 2;
    }
    char err[2048], dir[4096];
    if (!o.base) {
        if (enc_model_dir(dir, sizeof dir, err, sizeof err) != 0) {
            fprintf(stderr, "hadmodel: --base: %s\n", err);
            return 2;
        }
        o.base = dir;
    }
    if (!o.out[0] || !o.artifact[0] || !o.base[0]) {
        fprintf(stderr, "hadmodel: --base, --artifact and --out must not be empty\n");
        return 2;
    }
    hr_had_summary s;
    int rc = hr_had_assemble(&o, &s, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "hadmodel: %s\n", err);
        return rc;
    }
    if (!quiet)
        printf("hadmodel: %s: %d of %d tensors from %s (%s -> F32), base %s (hash %s); "
               "alpha %.6g..%.6g, top_n %d\n",
               o.out, s.n_tensors, s.n_base, o.artifact, s.dtypes, o.base, s.base_hash, s.alpha_min,
               s.alpha_max, s.top_n);
    return 0;
}
