/*
 * fz_hadgen.c — hadgen's command line: the option parser and the configuration checks.
 *
 * The input is split at NUL bytes into at most 40 arguments. hadgen's main (gen/hadgen.c,
 * built for this target with main renamed hadgen_main) runs on "hadgen --dry-run ARGS...":
 * --dry-run first, so no argument can take it as its value, and hadgen validates, prints
 * the derived configuration and writes nothing. Then the pairs "--OPTION VALUE" of the
 * configuration options go through hg_cfg_set and hg_cfg_finish; a valid configuration must
 * come back unchanged through the options hg_cfg_args prints for it.
 */
#include "fz_util.h"
#include "hg_config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ARGS 40

int hadgen_main(int argc, char **argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Sets c from the "--OPTION VALUE" pairs of args whose OPTION is a configuration option. */
static void set_pairs(hg_cfg *c, int n, char **args)
{
    char err[512];
    for (int i = 0; i + 1 < n; i++) {
        if (strncmp(args[i], "--", 2) != 0) continue;
        for (int k = 0; hg_cfg_options[k]; k++)
            if (strcmp(args[i] + 2, hg_cfg_options[k]) == 0 &&
                hg_cfg_set(c, hg_cfg_options[k], args[i + 1], err, sizeof err) == 0)
                break;
    }
}

static int same_cfg(const hg_cfg *a, const hg_cfg *b)
{
    return a->core == b->core && a->d == b->d && a->p == b->p && a->n == b->n && a->l == b->l &&
           a->wb == b->wb && a->fb == b->fb && a->of == b->of && a->sel == b->sel &&
           strcmp(a->prefix, b->prefix) == 0 && a->g == b->g && a->ii == b->ii && a->accw == b->accw &&
           a->rq == b->rq;
}

/* A valid configuration survives hg_cfg_args -> hg_cfg_set -> hg_cfg_finish. */
static void round_trip(const hg_cfg *c)
{
    char line[512], err[512];
    hg_cfg_args(c, line, sizeof line);
    char *words[32];
    int n = 0;
    for (char *save = NULL, *w = strtok_r(line, " ", &save); w && n < 32; w = strtok_r(NULL, " ", &save))
        words[n++] = w;
    hg_cfg back;
    hg_cfg_default(&back, HG_CORE_HAD);
    set_pairs(&back, n, words);
    if (hg_cfg_finish(&back, err, sizeof err) != 0)
        fz_fail("hadgen", "the options hg_cfg_args printed for a valid configuration are refused");
    if (!same_cfg(c, &back)) fz_fail("hadgen", "the options hg_cfg_args printed give another configuration");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t off[MAX_ARGS], len[MAX_ARGS];
    int n = fz_split(data, size, 0, MAX_ARGS, off, len);
    char *argv[MAX_ARGS + 3];
    argv[0] = fz_strndup("hadgen", 6);
    argv[1] = fz_strndup("--dry-run", 9);
    for (int i = 0; i < n; i++) argv[i + 2] = fz_strndup(data + off[i], len[i]);
    argv[n + 2] = NULL;
    optind = 0; /* getopt_long starts afresh */
    int rc = hadgen_main(n + 2, argv);
    if (rc != 0 && rc != 2) fz_fail("hadgen", "--dry-run exits with a code other than 0 or 2");

    hg_cfg c;
    char err[512];
    hg_cfg_default(&c, HG_CORE_HAD);
    set_pairs(&c, n, argv + 2);
    if (hg_cfg_finish(&c, err, sizeof err) == 0) round_trip(&c);
    for (int i = 0; i < n + 2; i++) free(argv[i]);
    return 0;
}
