/*
 * hgsim_bench — simulation speed of the default cores: simulated cycles per second, and
 * wall time per query of the RTL simulation against the golden model (median of runs).
 *
 * Exit codes: 0 success, 1 simulation failure, 2 bad command line.
 */
#include "hg_config.h"
#include "hg_util.h"
#include "hm_golden.h"
#include "hs_sim.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_d);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

#define RUNS        5
#define QUERIES_MAX 100000

static void usage(FILE *f)
{
    fprintf(f,
            "usage: hgsim_bench [--queries N | N] [--cache DIR]\n"
            "\n"
            "Simulation speed of the six default cores (d=64 P=16 N=32 L=1024 and d=32 P=8 N=16\n"
            "L=128, each core type): simulated cycles per second and wall time per query of the RTL\n"
            "simulation against the golden model, median of %d runs at n_k = L.\n"
            "\n"
            "  --queries N  queries per run, 2..%d (default 32; also as the only argument)\n"
            "  --cache DIR  simulation build cache (default $HADGEN_SIM_CACHE or build/sim)\n"
            "  --help       this text\n",
            RUNS, QUERIES_MAX);
}

/* Queries per run from text s; exits 2 naming the value and the range. */
static int parse_queries(const char *s)
{
    long v;
    if (hg_parse_long(s, 2, QUERIES_MAX, &v) != 0) {
        fprintf(stderr, "hgsim_bench: queries per run '%s': must be an integer in 2..%d\n", s, QUERIES_MAX);
        exit(2);
    }
    return (int)v;
}

/* One row of the table: configuration (kind, d, p, n, l) simulated on nq random queries at
   n_k = L, RUNS times; the medians of cycles/s and of the time per query of the simulation
   and of the golden model. 0, or 1 with a message. */
static int bench_point(hg_core_kind kind, int d, int p, int n, int l, int nq, const hs_opts *o)
{
    char err[1024];
    hg_cfg c;
    hg_cfg_default(&c, kind);
    c.d = d;
    c.p = p;
    c.n = n;
    c.l = l;
    if (hg_cfg_finish(&c, err, sizeof err) != 0) return 1;
    hs_sim *s = hs_open(&c, o, err, sizeof err);
    if (!s) {
        fprintf(stderr, "hgsim_bench: %s\n", err);
        return 1;
    }
    size_t kb = (size_t)hm_key_bytes(&c);
    uint8_t *k = malloc((size_t)c.l * kb), *q = malloc((size_t)nq * kb);
    int8_t *v = malloc((size_t)c.l * (size_t)c.d);
    int32_t *out = malloc((size_t)nq * (size_t)c.d * sizeof *out);
    srand(7);
    for (size_t j = 0; j < (size_t)c.l * kb; j++) k[j] = (uint8_t)rand();
    for (size_t j = 0; j < (size_t)nq * kb; j++) q[j] = (uint8_t)rand();
    for (size_t j = 0; j < (size_t)c.l * (size_t)c.d; j++) v[j] = (int8_t)rand();
    hm_run run;
    memset(&run, 0, sizeof run);
    run.n_keys = c.l;
    hm_had_etab(&c, 0.125, run.etab);
    hm_exp_params(&c, 0.05, 0.05, &run.exp_mul, &run.exp_shift);
    if (hs_load(s, &run, k, v, err, sizeof err) != 0) {
        fprintf(stderr, "hgsim_bench: %s\n", err);
        return 1;
    }
    double cps[RUNS], rq[RUNS], gq[RUNS];
    for (int r = 0; r < RUNS; r++) {
        hs_stats a, b;
        hs_get_stats(s, &a);
        double t0 = now();
        if (hs_run(s, nq, q, out, err, sizeof err) != 0) {
            fprintf(stderr, "hgsim_bench: %s\n", err);
            return 1;
        }
        double t1 = now();
        hs_get_stats(s, &b);
        cps[r] = (double)(b.cycles - a.cycles) / (t1 - t0);
        rq[r] = 1e6 * (t1 - t0) / nq;
        t0 = now();
        for (int j = 0; j < nq; j++) hm_attend(&c, &run, q + (size_t)j * kb, k, v, out, NULL);
        gq[r] = 1e6 * (now() - t0) / nq;
    }
    double mr = median(rq, RUNS), mg = median(gq, RUNS);
    printf("%-10s %4d %5d %12.0f %14.1f %14.2f %10.0f\n", hg_core_name(c.core), c.d, c.l, median(cps, RUNS),
           mr, mg, mr / mg);
    hs_close(s);
    free(k);
    free(q);
    free(v);
    free(out);
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option lo[] = {{"queries", required_argument, 0, 'q'},
                                       {"cache", required_argument, 0, 'c'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
    int nq = 32, ch, given = 0;
    hs_opts o = {0};
    char err[1024];
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":", lo, NULL)) != -1) {
        switch (ch) {
        case 'q':
            nq = parse_queries(optarg);
            given = 1;
            break;
        case 'c': o.cache_dir = optarg; break;
        case 'h': usage(stdout); return 0;
        case ':':
            fprintf(stderr, "hgsim_bench: option '%s' needs a value (see --help)\n", argv[optind - 1]);
            return 2;
        default:
            fprintf(stderr, "hgsim_bench: unknown option '%s' (see --help)\n", argv[optind - 1]);
            return 2;
        }
    }
    if (optind < argc && !given) nq = parse_queries(argv[optind++]);
    if (optind < argc) {
        fprintf(stderr, "hgsim_bench: unexpected argument '%s' (see --help)\n", argv[optind]);
        return 2;
    }
    if (o.cache_dir && hs_check_cache_dir(o.cache_dir, err, sizeof err) != 0) {
        fprintf(stderr, "hgsim_bench: --cache '%s': %s\n", o.cache_dir, err);
        return 2;
    }
    struct {
        hg_core_kind k;
        int d, p, n, l;
    } pts[] = {{HG_CORE_HAD, 64, 16, 32, 1024},    {HG_CORE_BASELINE, 64, 16, 32, 1024},
               {HG_CORE_I8TOPN, 64, 16, 32, 1024}, {HG_CORE_HAD, 32, 8, 16, 128},
               {HG_CORE_BASELINE, 32, 8, 16, 128}, {HG_CORE_I8TOPN, 32, 8, 16, 128}};
    printf("simulation speed, %d queries per run at n_k = L, median of %d runs\n", nq, RUNS);
    printf("%-10s %4s %5s %12s %14s %14s %10s\n", "core", "d", "L", "cycles/s", "rtl us/query", "golden us/q",
           "rtl/golden");
    for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++)
        if (bench_point(pts[i].k, pts[i].d, pts[i].p, pts[i].n, pts[i].l, nq, &o) != 0) return 1;
    return 0;
}
