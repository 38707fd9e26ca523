/* sy_cmd.h — the subcommands of hgsynth and their shared option parser. */
#ifndef SY_CMD_H
#define SY_CMD_H

typedef struct {
    const char *name;   /* "--lib" */
    const char **value; /* receives the argument (or "1" for a flag) */
    int required;
    int is_flag;
    const char *help;
} sy_opt;

/* Parses argv[1..] against opts. Returns 0 when the command should run, 1 when help was
 * printed (exit 0), 2 on a bad option (message printed; exit 2): an unknown option, one
 * given twice, a missing or empty value, a missing required option. */
int sy_parse_opts(const char *cmd, const char *synopsis, int argc, char **argv, const sy_opt *opts,
                  int nopts);

/* Strict option values (sy_parse_long / sy_parse_u64): on a bad value prints
 * "hgsynth CMD: OPT 'S': must be an integer in LO..HI" and returns -1; else 0. */
int sy_opt_long(const char *cmd, const char *opt, const char *s, long lo, long hi, long *v);
int sy_opt_u64(const char *cmd, const char *opt, const char *s, unsigned long long *v);

int sy_cmd_cells(int argc, char **argv);
int sy_cmd_plan(int argc, char **argv);
int sy_cmd_vars(int argc, char **argv);
int sy_cmd_glgen(int argc, char **argv);
int sy_cmd_instances(int argc, char **argv);
int sy_cmd_gatesim(int argc, char **argv);
int sy_cmd_vectors(int argc, char **argv);
int sy_cmd_summary(int argc, char **argv);
int sy_cmd_sdf_fix(int argc, char **argv);
int sy_cmd_glvec(int argc, char **argv);
int sy_cmd_gltog(int argc, char **argv);

#endif
