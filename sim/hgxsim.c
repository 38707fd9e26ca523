/*
 * hgxsim — cross-simulation: runs one generated core under Icarus Verilog (hx_sim) and
 * under sim/'s Verilator model (hs_sim) on the same vectors, and compares every output bit
 * and the cycle counts.
 *
 * Exit codes: 0 the simulators agree, 1 a mismatch or a simulation failure, 2 bad command
 * line or input files.
 */
#include "hg_config.h"
#include "hg_file.h"
#include "hg_util.h"
#include "hm_golden.h"
#include "hs_sim.h"
#include "hx_sim.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void usage(FILE *f)
{
    char cores[64];
    fprintf(
        f,
        "usage: hgxsim [core options] [--data LIST] [--count N] [--seed S] [--stalls] [options]\n"
        "       hgxsim [core options] --keys FILE --values FILE --queries FILE [options]\n"
        "\n"
        "Runs one generated core under Icarus Verilog (sim/hx_tb.v) and under sim/'s Verilator\n"
        "model on the same vectors, each data set from reset, and compares every output bit and\n"
        "the cycle counts (all, configuration, load, queries, first and last output).\n"
        "\n"
        "core options (as for hadgen): --core %s --d --lanes --top-n\n"
        "  --max-keys --weight-bits --exp-frac-bits --out-frac --v-bits --load-width --selector --sort-cut\n"
        "  --etab-shadow --av-fan --prefix\n"
        "\n"
        "  --data LIST     generated data sets, comma-separated (default: all of them):\n"
        "                  random (n_k = L), partial (random n_k, not a multiple of the lanes\n"
        "                  where P > 1), single (n_k = 1), equal (every key the same: ties),\n"
        "                  zero, saturate (extreme values), realistic (quantised Gaussian\n"
        "                  activations), wild (random exp table or exp parameters)\n"
        "  --count N       queries per generated data set, 1..4096 (default 8)\n"
        "  --seed S        seed of the generated data and the stalls, 0..2147483647 (default 1)\n"
        "  --stalls        also run every data set with random stalls (30 %% of cycles without a\n"
        "                  query offered, 40 %% without an output taken)\n"
        "  --keys FILE --values FILE --queries FILE   one data set from files instead, in the\n"
        "                  layouts of hgsim (docs/spec.md section 2); with --n-keys, --alpha,\n"
        "                  --scale-q, --scale-k as for hgsim\n"
        "  --rtl DIR       Icarus simulates this generated core folder (manifest.json,\n"
        "                  filelist.f; the top must be PREFIX_core with this configuration's\n"
        "                  ports) instead of generating the configuration: e.g. an edited core\n"
        "                  against the generator's\n"
        "  --four-state    leave the core's variables x at the start in Icarus (its own initial\n"
        "                  state) instead of 0, the state Verilator's two-state models start from;\n"
        "                  an output bit that is then x fails the run (4-state pessimism: 0 x\n"
        "                  unknown is unknown)\n"
        "  --keep          keep the Icarus working folder (printed) instead of removing it\n"
        "  --cache DIR     Verilator build cache (default $HADGEN_SIM_CACHE or build/sim)\n"
        "  --help          this text\n"
        "\n"
        "Tools: $IVERILOG and $VVP (default iverilog, vvp). The last line of the output holds the\n"
        "figures as name=value words (make xsim adds them up).\n",
        hg_core_choices(cores, sizeof cores, "|", "|"));
}

#define MAX_COUNT        4096
#define MAX_FILE_QUERIES (1L << 20)

enum { D_RANDOM, D_PARTIAL, D_SINGLE, D_EQUAL, D_ZERO, D_SATURATE, D_REALISTIC, D_WILD, D_N };
static const char *const data_names[D_N] = {"random", "partial",  "single",    "equal",
                                            "zero",   "saturate", "realistic", "wild"};

/* One data set: run-time configuration, keys, values, queries. */
typedef struct {
    const char *name;
    hm_run run;
    uint8_t *k, *q;
    int8_t *v;
    int nq;
} data_set;

static void data_free(data_set *d)
{
    free(d->k);
    free(d->q);
    free(d->v);
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* ---- generated data ------------------------------------------------------------------ */

static uint64_t rng_next(uint64_t *s) /* splitmix64 */
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double uniform(uint64_t *s, double lo, double hi)
{
    return lo + (hi - lo) * (double)(rng_next(s) >> 11) / 9007199254740992.0;
}

static float gauss(uint64_t *s)
{
    double u1 = ((double)(rng_next(s) >> 11) + 1.0) / 9007199254740993.0;
    double u2 = (double)(rng_next(s) >> 11) / 9007199254740992.0;
    return (float)(sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2));
}

/* n rows of d Gaussian activations sharing one direction (correlated scores). */
static float *activations(int n, int d, uint64_t *s)
{
    float *x = malloc((size_t)n * (size_t)d * sizeof *x), *dir = malloc((size_t)d * sizeof *dir);
    for (int i = 0; i < d; i++) dir[i] = gauss(s);
    for (int j = 0; j < n; j++)
        for (int i = 0; i < d; i++) x[(size_t)j * (size_t)d + (size_t)i] = gauss(s) + 0.7f * dir[i];
    free(dir);
    return x;
}

static float absmax(const float *x, size_t n)
{
    float m = 1e-6f;
    for (size_t i = 0; i < n; i++) m = fabsf(x[i]) > m ? fabsf(x[i]) : m;
    return m;
}

/* Keys or queries from activations: sign bits (HAD) or int8 at scale sc. */
static void quantise_kq(const hg_cfg *c, const float *x, int n, float sc, uint8_t *out)
{
    size_t kb = (size_t)hm_key_bytes(c);
    for (int j = 0; j < n; j++) {
        const float *row = x + (size_t)j * (size_t)c->d;
        if (c->core == HG_CORE_HAD)
            hm_sign_pack(c->d, row, out + (size_t)j * kb);
        else
            hm_quant_i8(c->d, row, sc, (int8_t *)(out + (size_t)j * kb));
    }
}

static void fill_realistic(const hg_cfg *c, data_set *ds, int nk, uint64_t *s, double *alpha, double *sq,
                           double *sk)
{
    float *kf = activations(nk, c->d, s), *qf = activations(ds->nq, c->d, s);
    float *vf = activations(nk, c->d, s);
    float m = absmax(kf, (size_t)nk * (size_t)c->d), mq = absmax(qf, (size_t)ds->nq * (size_t)c->d);
    float sc = (m > mq ? m : mq) / 127.0f;
    quantise_kq(c, kf, nk, sc, ds->k);
    quantise_kq(c, qf, ds->nq, sc, ds->q);
    hm_quant(nk * c->d, vf, absmax(vf, (size_t)nk * (size_t)c->d) / (float)hm_v_qmax(c), hm_v_qmax(c), ds->v);
    *sq = *sk = sc;
    *alpha = 1.0 / sqrt((double)c->d);
    free(kf);
    free(qf);
    free(vf);
}

/* Data set of mode m with nq queries; deterministic for (c, m, seed). */
static data_set make_data(const hg_cfg *c, int m, int nq, uint64_t seed)
{
    uint64_t s = seed * 1000003u + (uint64_t)m * 7919u + 1;
    data_set ds = {data_names[m], {0}, NULL, NULL, NULL, nq};
    int nk = c->l;
    if (m == D_PARTIAL) {
        nk = 1 + (int)(rng_next(&s) % (uint64_t)c->l);
        if (c->p > 1 && nk % c->p == 0)
            nk--; /* a last row with unused lanes (nk >= p here, so nk - 1 >= 1) */
    } else if (m == D_SINGLE) {
        nk = 1;
    }
    size_t kb = (size_t)hm_key_bytes(c);
    ds.run.n_keys = nk;
    ds.k = calloc((size_t)nk, kb);
    ds.q = calloc((size_t)nq, kb);
    ds.v = calloc((size_t)nk, (size_t)c->d);
    double alpha = uniform(&s, 0.02, 0.6), sq = uniform(&s, 0.005, 0.2), sk = uniform(&s, 0.005, 0.2);
    size_t nkb = (size_t)nk * kb, nqb = (size_t)nq * kb, nvb = (size_t)nk * (size_t)c->d;
    switch (m) {
    case D_EQUAL:
        for (size_t i = 0; i < kb; i++) ds.k[i] = (uint8_t)rng_next(&s);
        for (int j = 1; j < nk; j++) memcpy(ds.k + (size_t)j * kb, ds.k, kb);
        for (size_t i = 0; i < nqb; i++) ds.q[i] = (uint8_t)rng_next(&s);
        for (size_t i = 0; i < nvb; i++) ds.v[i] = (int8_t)(uint8_t)rng_next(&s);
        break;
    case D_ZERO: break;
    case D_SATURATE:
        memset(ds.k, c->core == HG_CORE_HAD ? 0xff : 0x80, nkb);
        memset(ds.q, c->core == HG_CORE_HAD ? 0xff : 0x80, nqb);
        memset(ds.v, 0x80, nvb);
        sq = sk = 2.0; /* large scale: exp 0 for all but the maximum */
        alpha = 4.0;
        break;
    case D_REALISTIC: fill_realistic(c, &ds, nk, &s, &alpha, &sq, &sk); break;
    default: /* random, partial, single, wild */
        for (size_t i = 0; i < nkb; i++) ds.k[i] = (uint8_t)rng_next(&s);
        for (size_t i = 0; i < nqb; i++) ds.q[i] = (uint8_t)rng_next(&s);
        for (size_t i = 0; i < nvb; i++) ds.v[i] = (int8_t)(uint8_t)rng_next(&s);
        break;
    }
    hm_had_etab(c, alpha, ds.run.etab);
    hm_exp_params(c, sq, sk, &ds.run.exp_mul, &ds.run.exp_shift);
    if (m == D_WILD) {
        uint32_t wmask = (1u << c->ww) - 1u;
        for (int i = 0; i <= c->d; i++) {
            uint64_t r = rng_next(&s);
            ds.run.etab[i] = r % 4 == 0 ? 0u : r % 4 == 1 ? wmask : (uint32_t)(r >> 8) & wmask;
        }
        ds.run.exp_mul = (uint32_t)rng_next(&s) & 0xffffu;
        ds.run.exp_shift = (uint32_t)(rng_next(&s) % 64u);
    }
    return ds;
}

/* ---- data from files (as hgsim) ------------------------------------------------------- */

static unsigned char *read_input(const char *opt, const char *path, long long max, size_t *size)
{
    char why[256];
    unsigned char *b = (unsigned char *)hg_file_read(path, max, size, why, sizeof why);
    if (!b) {
        fprintf(stderr, "hgxsim: --%s '%s': %s\n", opt, path, why);
        exit(2);
    }
    return b;
}

static double parse_pos(const char *opt, const char *s)
{
    double v;
    if (hg_parse_double(s, &v) != 0 || !(v > 0.0) || v > 1e6) {
        fprintf(stderr,
                "hgxsim: --%s '%s': must be a positive number (a finite decimal such as "
                "0.05, at most 1e+06)\n",
                opt, s);
        exit(2);
    }
    return v;
}

/* The int8 cores' exp step log2(e) s_q s_k / sqrt(d) 2^fb must lie in 2^-48 .. 65535 (the
   16-bit multiplier and 6-bit shift), as hgsim requires; exits 2 otherwise. */
static void check_exp_step(const hg_cfg *c, double sq, double sk)
{
    double step = M_LOG2E / sqrt((double)c->d) * ldexp(1.0, c->fb) * sq * sk;
    if (c->core == HG_CORE_HAD || (step >= ldexp(1.0, -48) && step < 65535.5)) return;
    fprintf(stderr,
            "hgxsim: --scale-q %g --scale-k %g: the exp step log2(e) * scale_q * scale_k"
            " / sqrt(d) * 2^exp-frac-bits = %.3g is outside 2^-48 .. 65535, what the core's "
            "16-bit multiplier and 6-bit shift represent (it would be clamped)\n",
            sq, sk, step);
    exit(2);
}

static data_set file_data(const hg_cfg *c, const char *kp, const char *vp, const char *qp, int nkeys,
                          double alpha, double sq, double sk)
{
    size_t kb = (size_t)hm_key_bytes(c), ks, vs, qs;
    data_set ds = {"files", {0}, NULL, NULL, NULL, 0};
    ds.k = read_input("keys", kp, (long long)c->l * (long long)kb, &ks);
    ds.v = (int8_t *)read_input("values", vp, (long long)c->l * c->d, &vs);
    ds.q = read_input("queries", qp, MAX_FILE_QUERIES * (long long)kb, &qs);
    if (ks == 0 || ks % kb || qs == 0 || qs % kb) {
        fprintf(stderr,
                "hgxsim: --keys '%s' (%zu bytes) and --queries '%s' (%zu bytes) must hold "
                "a positive number of vectors of %zu bytes (core %s d=%d)\n",
                kp, ks, qp, qs, kb, hg_core_name(c->core), c->d);
        exit(2);
    }
    int have = (int)(ks / kb);
    if (vs != (size_t)have * (size_t)c->d) {
        fprintf(stderr,
                "hgxsim: --values '%s': %zu bytes, expected %zu (%d keys in --keys '%s'"
                " x d=%d bytes)\n",
                vp, vs, (size_t)have * (size_t)c->d, have, kp, c->d);
        exit(2);
    }
    if (nkeys > have) {
        fprintf(stderr, "hgxsim: --n-keys %d: the keys file holds %d keys\n", nkeys, have);
        exit(2);
    }
    check_exp_step(c, sq, sk);
    ds.run.n_keys = nkeys > 0 ? nkeys : have;
    ds.nq = (int)(qs / kb);
    hm_had_etab(c, alpha, ds.run.etab);
    hm_exp_params(c, sq, sk, &ds.run.exp_mul, &ds.run.exp_shift);
    return ds;
}

/* ---- one comparison ------------------------------------------------------------------ */

typedef struct {
    long sets, queries, values, mismatches, cycle_mismatches, failures;
    long x_bits; /* Icarus's x bits set to 0 at the start (the same in every run) */
    double t_icarus, t_verilator;
} figures;

/* Runs ds on a fresh Verilator model (from reset, as Icarus) into out; 0 or -1. */
static int run_verilator(const hg_cfg *c, const hs_opts *so, const data_set *ds, const hx_stalls *st,
                         int32_t *out, hs_stats *stats, char *err, size_t n)
{
    hs_sim *s = hs_open(c, so, err, n);
    if (!s) return -1;
    /* always set: a default from $HADGEN_SIM_STALLS must not reach one simulator only */
    hs_set_stalls(s, st ? st->q_gap_pct : 0, st ? st->o_stall_pct : 0, st ? st->seed : 1);
    int rc = hs_load(s, &ds->run, ds->k, ds->v, err, n) || hs_run(s, ds->nq, ds->q, out, err, n);
    hs_get_stats(s, stats);
    hs_close(s);
    return rc ? -1 : 0;
}

/* Compares one data set (with or without stalls); prints one line and any mismatches. */
static void compare(const hg_cfg *c, const hs_opts *so, hx_sim *x, const data_set *ds, const hx_stalls *st,
                    figures *fg)
{
    size_t nv = (size_t)ds->nq * (size_t)c->d;
    int32_t *ov = malloc(nv * sizeof *ov), *oi = malloc(nv * sizeof *oi);
    hs_stats sv, si;
    char err[1024];
    char label[48];
    snprintf(label, sizeof label, "%s%s", ds->name, st ? "+stalls" : "");
    double t0 = now();
    int rv = run_verilator(c, so, ds, st, ov, &sv, err, sizeof err);
    double t1 = now();
    if (rv == 0) rv = hx_run(x, &ds->run, ds->k, ds->v, ds->nq, ds->q, st, oi, &si, err, sizeof err);
    fg->t_verilator += t1 - t0;
    fg->t_icarus += now() - t1;
    fg->sets++;
    if (rv != 0) {
        printf("  %-18s FAILED: %s\n", label, err);
        fg->failures++;
        free(ov);
        free(oi);
        return;
    }
    long bad = 0;
    for (size_t i = 0; i < nv; i++)
        if (ov[i] != oi[i] && bad++ < 10)
            printf("  mismatch: %s query %zu dim %zu: icarus %d verilator %d\n", label, i / (size_t)c->d,
                   i % (size_t)c->d, oi[i], ov[i]);
    const uint64_t a[6] = {si.cycles,       si.cycles_cfg,     si.cycles_load,
                           si.cycles_query, si.last_first_out, si.last_last_out};
    const uint64_t b[6] = {sv.cycles,       sv.cycles_cfg,     sv.cycles_load,
                           sv.cycles_query, sv.last_first_out, sv.last_last_out};
    int cyc_ok = memcmp(a, b, sizeof a) == 0;
    printf("  %-18s n_k=%-5d %4d queries %7zu values %s; cycles %llu (config %llu, load %llu, "
           "queries %llu, outputs %llu..%llu) %s\n",
           label, ds->run.n_keys, ds->nq, nv, bad ? "MISMATCH" : "equal", (unsigned long long)si.cycles,
           (unsigned long long)si.cycles_cfg, (unsigned long long)si.cycles_load,
           (unsigned long long)si.cycles_query, (unsigned long long)si.last_first_out,
           (unsigned long long)si.last_last_out, cyc_ok ? "equal" : "DIFFER");
    fg->x_bits = hx_x_bits(x);
    if (!cyc_ok)
        printf("  cycles: verilator %llu (config %llu, load %llu, queries %llu, outputs "
               "%llu..%llu)\n",
               (unsigned long long)sv.cycles, (unsigned long long)sv.cycles_cfg,
               (unsigned long long)sv.cycles_load, (unsigned long long)sv.cycles_query,
               (unsigned long long)sv.last_first_out, (unsigned long long)sv.last_last_out);
    fg->queries += ds->nq;
    fg->values += (long)nv;
    fg->mismatches += bad;
    fg->cycle_mismatches += !cyc_ok;
    free(ov);
    free(oi);
}

/* ---- command line ----------------------------------------------------------------------- */

/* Parses --data LIST into a mask of modes; exits 2 on an unknown name. */
static unsigned parse_data(const char *list)
{
    unsigned mask = 0;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *save = NULL, *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        int m = 0;
        while (m < D_N && strcmp(w, data_names[m]) != 0) m++;
        if (m == D_N) {
            fprintf(stderr,
                    "hgxsim: --data '%s': unknown data set '%s' (random, partial, single, "
                    "equal, zero, saturate, realistic, wild)\n",
                    list, w);
            exit(2);
        }
        mask |= 1u << m;
    }
    if (!mask) {
        fprintf(stderr, "hgxsim: --data '%s': names no data set\n", list);
        exit(2);
    }
    return mask;
}

static long parse_int(const char *opt, const char *s, long lo, long hi)
{
    long v;
    if (hg_parse_long(s, lo, hi, &v) != 0) {
        fprintf(stderr, "hgxsim: --%s '%s': must be an integer in %ld..%ld\n", opt, s, lo, hi);
        exit(2);
    }
    return v;
}

enum {
    O_CFG = 1,
    O_DATA,
    O_COUNT,
    O_SEED,
    O_STALLS,
    O_KEYS,
    O_VALUES,
    O_QUERIES,
    O_NKEYS,
    O_ALPHA,
    O_SQ,
    O_SK,
    O_RTL,
    O_FOUR,
    O_KEEP,
    O_CACHE,
    O_HELP
};

/* The command line. */
typedef struct {
    hg_cfg c;
    hs_opts so;
    unsigned mask; /* data sets */
    int count, stalls, keep, four, nkeys, files;
    long seed;
    double alpha, sq, sk;
    const char *kp, *vp, *qp, *rtl;
} args;

/* Parses and checks the options before any work; exits 0 after --help, 2 on bad input. */
static void parse_args(int argc, char **argv, args *a)
{
    struct option opts[48];
    int no = 0;
    for (int i = 0; hg_cfg_options[i]; i++)
        opts[no++] = (struct option){hg_cfg_options[i], required_argument, 0, O_CFG};
    const struct option own[] = {{"data", required_argument, 0, O_DATA},
                                 {"count", required_argument, 0, O_COUNT},
                                 {"seed", required_argument, 0, O_SEED},
                                 {"stalls", no_argument, 0, O_STALLS},
                                 {"keys", required_argument, 0, O_KEYS},
                                 {"values", required_argument, 0, O_VALUES},
                                 {"queries", required_argument, 0, O_QUERIES},
                                 {"n-keys", required_argument, 0, O_NKEYS},
                                 {"alpha", required_argument, 0, O_ALPHA},
                                 {"scale-q", required_argument, 0, O_SQ},
                                 {"scale-k", required_argument, 0, O_SK},
                                 {"rtl", required_argument, 0, O_RTL},
                                 {"four-state", no_argument, 0, O_FOUR},
                                 {"keep", no_argument, 0, O_KEEP},
                                 {"cache", required_argument, 0, O_CACHE},
                                 {"help", no_argument, 0, O_HELP},
                                 {0, 0, 0, 0}};
    memcpy(&opts[no], own, sizeof own);
    *a = (args){.mask = (1u << D_N) - 1u, .count = 8, .seed = 1, .alpha = 0.125, .sq = 0.05, .sk = 0.05};
    hg_cfg_default(&a->c, HG_CORE_HAD);
    a->so.quiet = 1;
    int ch, idx = 0, data_given = 0;
    char err[1024];
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":", opts, &idx)) != -1) {
        switch (ch) {
        case O_CFG:
            if (hg_cfg_set(&a->c, opts[idx].name, optarg, err, sizeof err) != 0)
                hg_die_usage("hgxsim", "%s", err);
            break;
        case O_DATA:
            a->mask = parse_data(optarg);
            data_given = 1;
            break;
        case O_COUNT: a->count = (int)parse_int("count", optarg, 1, MAX_COUNT); break;
        case O_SEED: a->seed = parse_int("seed", optarg, 0, 2147483647L); break;
        case O_STALLS: a->stalls = 1; break;
        case O_KEYS: a->kp = optarg; break;
        case O_VALUES: a->vp = optarg; break;
        case O_QUERIES: a->qp = optarg; break;
        case O_NKEYS: a->nkeys = (int)parse_int("n-keys", optarg, 1, HG_L_MAX); break;
        case O_ALPHA: a->alpha = parse_pos("alpha", optarg); break;
        case O_SQ: a->sq = parse_pos("scale-q", optarg); break;
        case O_SK: a->sk = parse_pos("scale-k", optarg); break;
        case O_RTL: a->rtl = optarg; break;
        case O_FOUR: a->four = 1; break;
        case O_KEEP: a->keep = 1; break;
        case O_CACHE: a->so.cache_dir = optarg; break;
        case O_HELP: usage(stdout); exit(0);
        case ':': hg_die_usage("hgxsim", "option '%s' needs a value (see --help)", argv[optind - 1]);
        default: hg_die_usage("hgxsim", "unknown option '%s' (see --help)", argv[optind - 1]);
        }
    }
    if (optind < argc) hg_die_usage("hgxsim", "unexpected argument '%s' (see --help)", argv[optind]);
    if (hg_cfg_finish(&a->c, err, sizeof err) != 0) hg_die_usage("hgxsim", "%s", err);
    a->files = a->kp || a->vp || a->qp;
    if (a->files && (!a->kp || !a->vp || !a->qp || data_given))
        hg_die_usage("hgxsim", "--keys, --values and --queries go together, and replace --data");
    if (a->nkeys > a->c.l)
        hg_die_usage("hgxsim", "--n-keys %d: must be in 1..%d (--max-keys)", a->nkeys, a->c.l);
    if (a->so.cache_dir && hs_check_cache_dir(a->so.cache_dir, err, sizeof err) != 0)
        hg_die_usage("hgxsim", "--cache '%s': %s", a->so.cache_dir, err);
    if (a->rtl && hx_check_rtl_dir(a->rtl, err, sizeof err) != 0)
        hg_die_usage("hgxsim", "--rtl '%s': %s", a->rtl, err);
}

/* Prints the figures line (and the x bits Icarus started with). */
static void print_figures(const args *a, const figures *fg, int opened, int setup_failed, int rc)
{
    if (opened && !a->four)
        printf("Icarus initial state: %ld x bits of the core's variables set to 0 (the two-state "
               "start of the Verilator model)\n",
               fg->x_bits);
    printf("xsim-figures configs=1 sets=%ld queries=%ld values=%ld bits=%ld mismatches=%ld "
           "cycle_mismatches=%ld failures=%ld icarus_s=%.2f verilator_s=%.2f result=%s\n",
           fg->sets, fg->queries, fg->values, fg->values * a->c.ow, fg->mismatches, fg->cycle_mismatches,
           fg->failures + setup_failed, fg->t_icarus, fg->t_verilator, rc ? "FAIL" : "equal");
}

int main(int argc, char **argv)
{
    args a;
    parse_args(argc, argv, &a);
    const hg_cfg *c = &a.c;
    data_set sets[D_N];
    int nsets = 0, maxq = 1;
    if (a.files) {
        sets[nsets++] = file_data(c, a.kp, a.vp, a.qp, a.nkeys, a.alpha, a.sq, a.sk);
    } else {
        for (int m = 0; m < D_N; m++)
            if (a.mask & (1u << m)) sets[nsets++] = make_data(c, m, a.count, (uint64_t)a.seed);
    }
    for (int i = 0; i < nsets; i++) maxq = sets[i].nq > maxq ? sets[i].nq : maxq;

    char tmpl[HG_FILE_PATH_MAX], err[1024];
    const char *tmpdir = getenv("TMPDIR");
    snprintf(tmpl, sizeof tmpl, "%s/hgxsim_XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    char *wd = mkdtemp(tmpl);
    if (!wd) {
        fprintf(stderr, "hgxsim: cannot create a working folder '%s': %s\n", tmpl, strerror(errno));
        return 1;
    }
    hx_opts xo = {wd, a.rtl, maxq, a.keep, a.four};
    figures fg = {0};
    double t0 = now();
    hx_sim *x = hx_open(c, &xo, err, sizeof err);
    fg.t_icarus = now() - t0;
    char name[400];
    hg_cfg_args(c, name, sizeof name);
    printf("hgxsim: %s%s%s\n", name, a.rtl ? ", Icarus on --rtl " : "", a.rtl ? a.rtl : "");
    int rc = 0, setup_failed = 0;
    if (!x) {
        fprintf(stderr, "hgxsim: %s\n", err);
        rc = setup_failed = 1;
    }
    for (int i = 0; x && i < nsets; i++) {
        compare(c, &a.so, x, &sets[i], NULL, &fg);
        if (a.stalls) {
            hx_stalls st = {30, 40, (uint32_t)((a.seed + 1 + i) & 0x7fffffff)};
            compare(c, &a.so, x, &sets[i], &st, &fg);
        }
    }
    int opened = x != NULL;
    hx_close(x);
    if (a.keep)
        printf("working folder kept: %s\n", wd);
    else
        rmdir(wd);
    for (int i = 0; i < nsets; i++) data_free(&sets[i]);
    if (fg.mismatches || fg.cycle_mismatches || fg.failures) rc = 1;
    print_figures(&a, &fg, opened, setup_failed, rc);
    return rc;
}
