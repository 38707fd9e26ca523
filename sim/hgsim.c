/*
 * hgsim — runs one generated core, cycle-accurately, on files of vectors.
 *
 * Exit codes: 0 success (and, with --check, bit-exact), 1 mismatch or simulation failure,
 * 2 bad command line or input files.
 */
#include "hg_config.h"
#include "hg_file.h"
#include "hg_util.h"
#include "hm_golden.h"
#include "hs_sim.h"
#include "hs_vec.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CAPTURE_TMP     "/.tmpXXXXXX"
#define CAPTURE_DIR_MAX (HS_CAPTURE_DIR_MAX - (int)(sizeof CAPTURE_TMP - 1))

static void usage(FILE *f)
{
    char cores[64];
    fprintf(
        f,
        "usage: hgsim [core options] --keys FILE --values FILE --queries FILE [options]\n"
        "\n"
        "Simulates one generated core (Verilator, built and cached on first use) on raw vector\n"
        "files in the layouts of docs/spec.md section 2, and prints cycle counts.\n"
        "\n"
        "core options (as for hadgen): --core %s --d --lanes --top-n\n"
        "  --max-keys --weight-bits --exp-frac-bits --out-frac --v-bits --load-width --selector --sort-cut\n"
        "  --etab-shadow --av-fan --prefix\n"
        "\n"
        "  --keys FILE       n_k keys: d/8 bytes each (HAD sign bits) or d bytes (int8),\n"
        "                    1..max-keys of them\n"
        "  --values FILE     n_k values: d bytes each (as many as keys); with --v-bits B < 8 the\n"
        "                    core reads each byte's low B bits as a B-bit signed value\n"
        "  --queries FILE    queries, same layout as keys (at most 2^20)\n"
        "  --out FILE        write outputs: d little-endian int32 per query (out * s_V / 2^of)\n"
        "  --n-keys N        keys to use, 1..max-keys (default: all keys in the file)\n"
        "  --alpha A         HAD: score step sigma_Q*sigma_K/sqrt(d) for the exp table, a finite\n"
        "                    decimal in (0, 1e6] (default 0.125)\n"
        "  --etab W0,...,Wd  HAD: the exp table itself, d + 1 integers in 0..2^weight-frac-bits\n"
        "                    (weight of a key d_i = m_max - m matches below the best: W_d_i),\n"
        "                    e.g. a distilled model's learned table; instead of --alpha\n"
        "  --scale-q S       int8 cores: query scale, in (0, 1e6] (default 0.05)\n"
        "  --scale-k S       int8 cores: key scale, in (0, 1e6] (default 0.05); the exp step\n"
        "                    log2(e) S_q S_k / sqrt(d) 2^exp-frac-bits must lie in 2^-48..65535\n"
        "  --trace FILE      write an FST waveform\n"
        "  --capture DIR     write per-instance activity captures (power flow) into DIR, a\n"
        "                    folder that exists or is made in an existing one; at most %d bytes\n"
        "  --check           compare every output with the golden model (exit 1 on mismatch)\n"
        "  --cache DIR       simulation build cache (default $HADGEN_SIM_CACHE or build/sim)\n"
        "  --help            this text\n"
        "\n"
        "Inputs must be regular files; outputs are checked before the run (folder exists, not an\n"
        "input) and written to a temporary name, then renamed (captures: each file).\n"
        "\n"
        "A core that stops responding ends the run (exit 1) with a message naming the stream, its\n"
        "state and the cycle, after 64 x (II + G + N + CR + CM) + 1024 cycles without a handshake.\n"
        "HADGEN_SIM_STALLS=Q,O makes the host withhold q_valid Q%% and o_ready O%% of the cycles\n"
        "(random; O=100 holds o_ready low: a test of that watchdog).\n",
        hg_core_choices(cores, sizeof cores, "|", "|"), CAPTURE_DIR_MAX);
}

#define HGSIM_ALPHA_MAX                                                                                      \
    1e6 /* largest --alpha, --scale-q, --scale-k: an alpha above
                                          about 8 already gives the hard-max table, and far
                                          larger values overflow the table's arithmetic */

/* Activity captures (--capture DIR) are written by the model into a temporary folder inside
   DIR and renamed into DIR file by file when the run is complete, so DIR holds the previous
   captures or complete new ones, never a part of a run. */
typedef struct capture_out {
    char dir[HG_FILE_PATH_MAX];                      /* DIR, without a trailing '/' */
    char tmp[HG_FILE_PATH_MAX + sizeof CAPTURE_TMP]; /* DIR/.tmpXXXXXX ("": none) */
    int made;                                        /* DIR was made by this run */
} capture_out;

/* Exits 2 unless DIR can take the captures: not empty, at most CAPTURE_DIR_MAX bytes, an
   existing writable directory, or a new name in an existing writable folder. */
static void check_capture(const char *dir)
{
    struct stat st;
    char why[512];
    if (!dir[0]) {
        fprintf(stderr, "hgsim: --capture '': must not be empty (give a folder)\n");
        exit(2);
    }
    if (strlen(dir) > CAPTURE_DIR_MAX) {
        fprintf(stderr,
                "hgsim: --capture '%s': %zu bytes, more than the limit of %d (the "
                "simulation's file names DIR/<instance>.hex must fit the 256 bytes of the "
                "Verilator runtime; give a shorter path, e.g. a relative one)\n",
                dir, strlen(dir), CAPTURE_DIR_MAX);
        exit(2);
    }
    if (stat(dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode)) {
            fprintf(stderr, "hgsim: --capture '%s': exists and is not a directory\n", dir);
            exit(2);
        }
        if (access(dir, W_OK | X_OK) != 0) {
            fprintf(stderr, "hgsim: --capture '%s': directory is not writable: %s\n", dir, strerror(errno));
            exit(2);
        }
        return;
    }
    char base[HG_FILE_PATH_MAX];
    snprintf(base, sizeof base, "%s", dir);
    for (size_t i = strlen(base); i > 1 && base[i - 1] == '/'; i--) base[i - 1] = '\0';
    if (hg_file_check_output(base, why, sizeof why) != 0) {
        fprintf(stderr, "hgsim: --capture '%s': %s\n", dir, why);
        exit(2);
    }
}

/* Removes the temporary folder of w with what is in it, and DIR if this run made it. Can't
   fail. */
static void capture_discard(capture_out *w)
{
    if (w->tmp[0]) {
        DIR *d = opendir(w->tmp);
        struct dirent *e;
        char path[sizeof w->tmp + 256];
        while (d && (e = readdir(d)))
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
                snprintf(path, sizeof path, "%s/%s", w->tmp, e->d_name);
                unlink(path);
            }
        if (d) closedir(d);
        rmdir(w->tmp);
        w->tmp[0] = '\0';
    }
    if (w->made) rmdir(w->dir);
    w->made = 0;
}

/* Makes DIR (if new) and its temporary folder. Returns 0, or -1 with the reason in err. */
static int capture_begin(capture_out *w, const char *dir, char *err, size_t n)
{
    snprintf(w->dir, sizeof w->dir, "%s", dir);
    for (size_t i = strlen(w->dir); i > 1 && w->dir[i - 1] == '/'; i--) w->dir[i - 1] = '\0';
    w->made = mkdir(w->dir, 0777) == 0;
    snprintf(w->tmp, sizeof w->tmp, "%s" CAPTURE_TMP, w->dir);
    if (!mkdtemp(w->tmp)) {
        hg_errf(err, n, "cannot make a temporary folder in it: %s", strerror(errno));
        w->tmp[0] = '\0';
        capture_discard(w);
        return -1;
    }
    return 0;
}

/* Renames every capture of the temporary folder into DIR and removes the folder. Returns 0,
   or -1 with the reason in err (what is left of the temporary folder removed). */
static int capture_commit(capture_out *w, char *err, size_t n)
{
    DIR *d = opendir(w->tmp);
    struct dirent *e;
    char from[sizeof w->tmp + 256], to[sizeof w->dir + 256];
    int rc = d ? 0 : -1;
    while (rc == 0 && (e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            snprintf(from, sizeof from, "%s/%s", w->tmp, e->d_name);
            snprintf(to, sizeof to, "%s/%s", w->dir, e->d_name);
            rc = rename(from, to);
        }
    if (rc != 0) hg_errf(err, n, "cannot move the captures into it: %s", strerror(errno));
    if (d) closedir(d);
    w->made = 0; /* DIR holds captures now, or holds what it held */
    capture_discard(w);
    return rc;
}

/* Parses a positive finite decimal number of at most HGSIM_ALPHA_MAX; exits 2 otherwise. */
static double parse_pos(const char *opt, const char *s)
{
    double v;
    if (hg_parse_double(s, &v) != 0 || !(v > 0.0) || v > HGSIM_ALPHA_MAX) {
        fprintf(stderr,
                "hgsim: --%s '%s': must be a positive number (a finite decimal such as "
                "0.05, at most %g)\n",
                opt, s, HGSIM_ALPHA_MAX);
        exit(2);
    }
    return v;
}

/* The int8 cores' exp step log2(e) s_q s_k / sqrt(d) 2^fb must be representable by the
   16-bit multiplier and 6-bit shift (docs/spec.md): in 2^-48 .. 65535.5, else
   hm_exp_params would clamp it. Exits 2 naming both scales and their allowed range. */
static void check_exp_step(const hg_cfg *c, double sq, double sk, const char *sq_s, const char *sk_s)
{
    double unit = M_LOG2E / sqrt((double)c->d) * ldexp(1.0, c->fb);
    double step = unit * sq * sk, lo = ldexp(1.0, -48), hi = 65535.5;
    if (step >= lo && step < hi) return;
    fprintf(stderr,
            "hgsim: --scale-q %s --scale-k %s: the exp step log2(e) * scale_q * scale_k"
            " / sqrt(d) * 2^exp-frac-bits = %.3g is outside what the core's 16-bit multiplier "
            "and 6-bit shift represent (2^-48 .. 65535; it would be clamped); with --scale-k %s "
            "--scale-q must be in %.3g .. %.3g\n",
            sq_s, sk_s, step, sk_s, lo / (unit * sk), hi / (unit * sk));
    exit(2);
}

/* Exits 2 if output path (option opt) cannot be written or is one of the inputs. */
static void check_output(const char *opt, const char *path, const char *const *in_opt, const char *const *in,
                         int nin)
{
    char why[512];
    if (hg_file_check_output(path, why, sizeof why) != 0) {
        fprintf(stderr, "hgsim: --%s '%s': %s\n", opt, path, why);
        exit(2);
    }
    for (int i = 0; i < nin; i++)
        if (in[i] && hg_file_same(path, in[i])) {
            fprintf(stderr,
                    "hgsim: --%s '%s': is the --%s file; hgsim never overwrites its "
                    "inputs\n",
                    opt, path, in_opt[i]);
            exit(2);
        }
}

enum {
    O_CFG = 1,
    O_KEYS,
    O_VALUES,
    O_QUERIES,
    O_OUT,
    O_NKEYS,
    O_ALPHA,
    O_ETAB,
    O_SQ,
    O_SK,
    O_TRACE,
    O_CAPTURE,
    O_CHECK,
    O_CACHE,
    O_HELP
};

/* The command line. */
typedef struct {
    hg_cfg c;
    const char *kpath, *vpath, *qpath, *opath;
    hs_opts so;
    int nkeys, check;
    double alpha, sq, sk;
    const char *sq_s, *sk_s;
    const char *alpha_s, *etab_s; /* --alpha, --etab as given (NULL: not given) */
    uint32_t etab[HG_D_MAX + 1];  /* --etab, parsed by check_args */
} args;

/* --etab: exactly d + 1 comma-separated integers in 0..2^wb, into a->etab; exits 2 naming
   the entry otherwise. */
static void parse_etab(args *a)
{
    const hg_cfg *c = &a->c;
    if (c->core != HG_CORE_HAD)
        hg_die_usage("hgsim", "--etab: only the had core has an exp table (--core %s)",
                     hg_core_name(c->core));
    if (a->alpha_s) hg_die_usage("hgsim", "--etab and --alpha both given: give one of them");
    const char *p = a->etab_s;
    for (int i = 0; i <= c->d; i++) {
        char tok[32];
        size_t n = strcspn(p, ",");
        long v;
        if (n >= sizeof tok)
            hg_die_usage("hgsim", "--etab entry %d: %zu characters; an entry is an integer in 0..%ld", i, n,
                         1L << c->wb);
        memcpy(tok, p, n);
        tok[n] = '\0';
        if (hg_parse_long(tok, 0, 1L << c->wb, &v) != 0)
            hg_die_usage("hgsim", "--etab entry %d '%s': must be an integer in 0..%ld (2^weight-frac-bits)",
                         i, tok, 1L << c->wb);
        a->etab[i] = (uint32_t)v;
        p += strcspn(p, ",");
        if (i < c->d && *p != ',')
            hg_die_usage("hgsim", "--etab '%s': has %d entries, d = %d needs d + 1 = %d", a->etab_s, i + 1,
                         c->d, c->d + 1);
        if (*p == ',') p++;
    }
    if (p[-1] == ',' || *p)
        hg_die_usage("hgsim", "--etab '%s': more than d + 1 = %d entries", a->etab_s, c->d + 1);
}

/* Checks across options, after all are read: the configuration, the inputs, the cache and
   stall settings, and that no output would overwrite an input. */
static void check_args(args *a)
{
    char err[1024];
    if (hg_cfg_finish(&a->c, err, sizeof err) != 0) hg_die_usage("hgsim", "%s", err);
    if (!a->kpath || !a->vpath || !a->qpath)
        hg_die_usage("hgsim", "--keys, --values and --queries are required (see --help)");
    if (a->c.core != HG_CORE_HAD) check_exp_step(&a->c, a->sq, a->sk, a->sq_s, a->sk_s);
    if (a->etab_s) parse_etab(a);
    const char *env = getenv("HADGEN_SIM_CACHE");
    if (a->so.cache_dir && hs_check_cache_dir(a->so.cache_dir, err, sizeof err) != 0)
        hg_die_usage("hgsim", "--cache '%s': %s", a->so.cache_dir, err);
    if (!a->so.cache_dir && env && *env && hs_check_cache_dir(env, err, sizeof err) != 0)
        hg_die_usage("hgsim", "HADGEN_SIM_CACHE '%s': %s", env, err);
    int q_gap, o_stall;
    if (hs_env_stalls(&q_gap, &o_stall, err, sizeof err) != 0) hg_die_usage("hgsim", "%s", err);
    static const char *const in_opt[3] = {"keys", "values", "queries"};
    const char *in[3] = {a->kpath, a->vpath, a->qpath};
    if (a->opath) check_output("out", a->opath, in_opt, in, 3);
    if (a->so.trace_fst) {
        check_output("trace", a->so.trace_fst, in_opt, in, 3);
        if (a->opath && hg_file_same(a->opath, a->so.trace_fst))
            hg_die_usage("hgsim", "--trace '%s': is also the --out file", a->so.trace_fst);
    }
    if (a->so.capture_dir) check_capture(a->so.capture_dir);
}

/* Parses and checks the options (the configuration, numbers, inputs and outputs, cache and
   stall settings) before any work; exits 0 after --help, 2 on bad input. */
static void parse_args(int argc, char **argv, args *a)
{
    struct option opts[48];
    int no = 0;
    for (int i = 0; hg_cfg_options[i]; i++)
        opts[no++] = (struct option){hg_cfg_options[i], required_argument, 0, O_CFG};
    const struct option own[] = {{"keys", required_argument, 0, O_KEYS},
                                 {"values", required_argument, 0, O_VALUES},
                                 {"queries", required_argument, 0, O_QUERIES},
                                 {"out", required_argument, 0, O_OUT},
                                 {"n-keys", required_argument, 0, O_NKEYS},
                                 {"alpha", required_argument, 0, O_ALPHA},
                                 {"etab", required_argument, 0, O_ETAB},
                                 {"scale-q", required_argument, 0, O_SQ},
                                 {"scale-k", required_argument, 0, O_SK},
                                 {"trace", required_argument, 0, O_TRACE},
                                 {"capture", required_argument, 0, O_CAPTURE},
                                 {"check", no_argument, 0, O_CHECK},
                                 {"cache", required_argument, 0, O_CACHE},
                                 {"help", no_argument, 0, O_HELP},
                                 {0, 0, 0, 0}};
    memcpy(&opts[no], own, sizeof own);
    *a = (args){.nkeys = -1, .alpha = 0.125, .sq = 0.05, .sk = 0.05, .sq_s = "0.05", .sk_s = "0.05"};
    hg_cfg_default(&a->c, HG_CORE_HAD);
    int ch, idx = 0;
    char err[1024];
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":", opts, &idx)) != -1) {
        switch (ch) {
        case O_CFG:
            if (hg_cfg_set(&a->c, opts[idx].name, optarg, err, sizeof err) != 0)
                hg_die_usage("hgsim", "%s", err);
            break;
        case O_KEYS: a->kpath = optarg; break;
        case O_VALUES: a->vpath = optarg; break;
        case O_QUERIES: a->qpath = optarg; break;
        case O_OUT: a->opath = optarg; break;
        case O_NKEYS: {
            long v;
            if (hg_parse_long(optarg, 1, HG_L_MAX, &v) != 0)
                hg_die_usage("hgsim", "--n-keys '%s': must be an integer in 1..max-keys", optarg);
            a->nkeys = (int)v;
            break;
        }
        case O_ALPHA:
            a->alpha = parse_pos("alpha", optarg);
            a->alpha_s = optarg;
            break;
        case O_ETAB: a->etab_s = optarg; break;
        case O_SQ:
            a->sq = parse_pos("scale-q", optarg);
            a->sq_s = optarg;
            break;
        case O_SK:
            a->sk = parse_pos("scale-k", optarg);
            a->sk_s = optarg;
            break;
        case O_TRACE: a->so.trace_fst = optarg; break;
        case O_CAPTURE: a->so.capture_dir = optarg; break;
        case O_CHECK: a->check = 1; break;
        case O_CACHE: a->so.cache_dir = optarg; break;
        case O_HELP: usage(stdout); exit(0);
        case ':': hg_die_usage("hgsim", "option '%s' needs a value (see --help)", argv[optind - 1]);
        default: hg_die_usage("hgsim", "unknown option '%s' (see --help)", argv[optind - 1]);
        }
    }
    if (optind < argc) hg_die_usage("hgsim", "unexpected argument '%s' (see --help)", argv[optind]);
    check_args(a);
}

static void print_stats(const hg_cfg *c, int nkeys, int nq, const hs_stats *st)
{
    printf("core %s d=%d P=%d N=%d L=%d n_k=%d queries=%d\n", hg_core_name(c->core), c->d, c->p, c->n, c->l,
           nkeys, nq);
    printf("cycles: total %llu, config %llu, load %llu, queries %llu; first output after %llu\n",
           (unsigned long long)st->cycles, (unsigned long long)st->cycles_cfg,
           (unsigned long long)st->cycles_load, (unsigned long long)st->cycles_query,
           (unsigned long long)st->last_first_out);
    if (nq > 1)
        printf("steady state: %.2f cycles/query (ii_cycles at n_k=L: %d)\n",
               (double)(st->last_last_out - st->last_first_out) / (nq - 1), c->ii);
    printf("memory accesses: K %llu rd %llu wr, V %llu rd %llu wr, scores %llu rd %llu wr\n",
           (unsigned long long)st->kmem_reads, (unsigned long long)st->kmem_writes,
           (unsigned long long)st->vmem_reads, (unsigned long long)st->vmem_writes,
           (unsigned long long)st->smem_reads, (unsigned long long)st->smem_writes);
}

/* Compares the outputs with the golden model's; prints the first mismatches and the result.
   Returns the number of mismatching values. */
static int check_golden(const hg_cfg *c, const hm_run *run, const hs_vec *vec, const int32_t *out)
{
    size_t kb = (size_t)hm_key_bytes(c), d = (size_t)c->d;
    int bad = 0;
    int32_t *g = malloc(d * sizeof *g);
    for (int i = 0; g && i < vec->nq; i++) {
        hm_attend(c, run, vec->q + (size_t)i * kb, vec->k, vec->v, g, NULL);
        for (size_t j = 0; j < d; j++)
            if (g[j] != out[(size_t)i * d + j] && bad++ < 10)
                fprintf(stderr, "mismatch: query %d dim %zu: rtl %d golden %d\n", i, j,
                        out[(size_t)i * d + j], g[j]);
    }
    free(g);
    printf("check: %s (%d mismatching values)\n", bad ? "FAILED" : "bit-exact", bad);
    return bad;
}

int main(int argc, char **argv)
{
    args a;
    parse_args(argc, argv, &a);
    const hg_cfg *c = &a.c;
    char err[1024];
    hs_vec vec;
    if (hs_vec_read(c, a.kpath, a.vpath, a.qpath, a.nkeys, &vec, err, sizeof err) != 0)
        hg_die_usage("hgsim", "%s", err);
    int nq = vec.nq;
    hm_run run;
    memset(&run, 0, sizeof run);
    run.n_keys = vec.n_keys;
    if (a.etab_s)
        memcpy(run.etab, a.etab, sizeof run.etab);
    else
        hm_had_etab(c, a.alpha, run.etab);
    hm_exp_params(c, a.sq, a.sk, &run.exp_mul, &run.exp_shift);

    /* the trace and the captures are written under temporary names and renamed when the
       run succeeded; on failure (rc 1) they are removed at done */
    int rc = 1;
    int32_t *out = NULL;
    hg_wfile tw = {0};
    capture_out cw = {0};
    hs_opts so = a.so;
    if (so.trace_fst) {
        if (hg_file_begin(&tw, so.trace_fst, err, sizeof err) != 0) {
            fprintf(stderr, "hgsim: --trace '%s': %s\n", so.trace_fst, err);
            goto done;
        }
        fclose(tw.f);
        tw.f = NULL;
        so.trace_fst = tw.tmp;
    }
    if (so.capture_dir) {
        if (capture_begin(&cw, so.capture_dir, err, sizeof err) != 0) {
            fprintf(stderr, "hgsim: --capture '%s': %s\n", so.capture_dir, err);
            goto done;
        }
        so.capture_dir = cw.tmp;
    }
    hs_sim *s = hs_open(c, &so, err, sizeof err);
    if (!s) {
        fprintf(stderr, "hgsim: %s\n", err);
        goto done;
    }
    out = malloc((size_t)nq * (size_t)c->d * sizeof *out);
    if (!out || hs_load(s, &run, vec.k, vec.v, err, sizeof err) != 0 ||
        hs_run(s, nq, vec.q, out, err, sizeof err) != 0) {
        fprintf(stderr, "hgsim: %s\n", out ? err : "out of memory");
        hs_close(s);
        goto done;
    }
    hs_stats st;
    hs_get_stats(s, &st);
    hs_close(s);
    if (tw.tmp[0]) {
        if (rename(tw.tmp, tw.path) != 0) {
            fprintf(stderr, "hgsim: --trace '%s': cannot write: %s\n", tw.path, strerror(errno));
            goto done;
        }
        tw.tmp[0] = '\0';
    }
    if (cw.tmp[0] && capture_commit(&cw, err, sizeof err) != 0) {
        fprintf(stderr, "hgsim: --capture '%s': %s\n", cw.dir, err);
        goto done;
    }
    print_stats(c, vec.n_keys, nq, &st);
    int bad = a.check ? check_golden(c, &run, &vec, out) : 0;
    if (a.opath &&
        hg_file_write(a.opath, out, (size_t)nq * (size_t)c->d * sizeof *out, err, sizeof err) != 0) {
        fprintf(stderr, "hgsim: --out '%s': %s\n", a.opath, err);
        goto done;
    }
    rc = bad ? 1 : 0;
done:
    hg_file_discard(&tw);
    capture_discard(&cw);
    free(out);
    hs_vec_free(&vec);
    return rc;
}
