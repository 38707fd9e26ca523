/* sy_cmd.c — option parser shared by the hgsynth subcommands. */
#include "sy_cmd.h"

#include <stdio.h>
#include <string.h>

#include "sy_util.h"

static void help(FILE *f, const char *cmd, const char *synopsis, const sy_opt *opts, int nopts)
{
    fprintf(f, "usage: hgsynth %s [options]\n  %s\n", cmd, synopsis);
    for (int i = 0; i < nopts; i++)
        fprintf(f, "  %-14s %s%s\n", opts[i].name, opts[i].help, opts[i].required ? " (required)" : "");
}

int sy_parse_opts(const char *cmd, const char *synopsis, int argc, char **argv, const sy_opt *opts, int nopts)
{
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--help") == 0 || strcmp(argv[a], "-h") == 0) {
            help(stdout, cmd, synopsis, opts, nopts);
            return 1;
        }
        int found = 0;
        for (int i = 0; i < nopts && !found; i++) {
            if (strcmp(argv[a], opts[i].name) != 0) continue;
            found = 1;
            for (int b = 1; b < a; b++)
                if (strcmp(argv[b], argv[a]) == 0) {
                    fprintf(stderr, "hgsynth %s: option %s given twice\n", cmd, argv[a]);
                    return 2;
                }
            if (opts[i].is_flag) {
                *opts[i].value = "1";
            } else if (a + 1 >= argc) {
                fprintf(stderr, "hgsynth %s: option %s needs a value\n", cmd, argv[a]);
                return 2;
            } else if (!argv[a + 1][0]) {
                fprintf(stderr, "hgsynth %s: option %s has an empty value\n", cmd, argv[a]);
                return 2;
            } else {
                *opts[i].value = argv[++a];
            }
        }
        if (!found) {
            fprintf(stderr, "hgsynth %s: unknown option '%s'\n", cmd, argv[a]);
            help(stderr, cmd, synopsis, opts, nopts);
            return 2;
        }
    }
    for (int i = 0; i < nopts; i++)
        if (opts[i].required && !*opts[i].value) {
            fprintf(stderr, "hgsynth %s: missing required option %s (%s)\n", cmd, opts[i].name, opts[i].help);
            return 2;
        }
    return 0;
}

int sy_opt_long(const char *cmd, const char *opt, const char *s, long lo, long hi, long *v)
{
    if (sy_parse_long(s, lo, hi, v) == 0) return 0;
    fprintf(stderr, "hgsynth %s: %s '%s': must be an integer in %ld..%ld\n", cmd, opt, s, lo, hi);
    return -1;
}

int sy_opt_u64(const char *cmd, const char *opt, const char *s, unsigned long long *v)
{
    if (sy_parse_u64(s, v) == 0) return 0;
    fprintf(stderr, "hgsynth %s: %s '%s': must be an integer in 0..18446744073709551615\n", cmd, opt, s);
    return -1;
}
