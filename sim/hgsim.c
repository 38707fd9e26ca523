/*
 * hgsim — runs one generated core, cycle-accurately, on files of vectors.
 *
 * Exit codes: 0 success (and, with --check, bit-exact), 1 mismatch or simulation failure,
 * 2 bad command line or input files.
 */
#include "hg_config.h"
#include "hm_golden.h"
#include "hs_sim.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
"usage: hgsim [core options] --keys FILE --values FILE --queries FILE [options]\n"
"\n"
"Simulates one generated core (Verilator, built and cached on first use) on raw vector\n"
"files in the layouts of docs/spec.md section 2, and prints cycle counts.\n"
"\n"
"core options (as for hadgen): --core had|baseline|int8-topn --d --lanes --top-n\n"
"  --max-keys --weight-bits --exp-frac-bits --out-frac --prefix\n"
"\n"
"  --keys FILE       n_k keys: d/8 bytes each (HAD sign bits) or d bytes (int8)\n"
"  --values FILE     n_k values: d int8 each\n"
"  --queries FILE    queries, same layout as keys\n"
"  --out FILE        write outputs: d little-endian int32 per query (out * s_V / 2^of)\n"
"  --n-keys N        keys to use, 1..max-keys (default: all keys in the file)\n"
"  --alpha A         HAD: score step sigma_Q*sigma_K/sqrt(d) for the exp table (default 0.125)\n"
"  --scale-q S       int8 cores: query scale (default 0.05)\n"
"  --scale-k S       int8 cores: key scale (default 0.05)\n"
"  --trace FILE      write an FST waveform\n"
"  --capture DIR     write per-instance activity captures (power flow)\n"
"  --check           compare every output with the golden model (exit 1 on mismatch)\n"
"  --cache DIR       simulation build cache (default $HADGEN_SIM_CACHE or build/sim)\n"
"  --help            this text\n");
}

/* Reads a whole file; exits 2 with a message if it cannot. */
static unsigned char *slurp(const char *opt, const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "hgsim: --%s '%s': %s\n", opt, path, strerror(errno));
        exit(2);
    }
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap);
    size_t r;
    while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    if (!buf) {
        fprintf(stderr, "hgsim: out of memory reading '%s'\n", path);
        exit(1);
    }
    *size = n;
    return buf;
}

static double parse_pos(const char *opt, const char *s)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !(v > 0.0)) {
        fprintf(stderr, "hgsim: --%s '%s': must be a positive number\n", opt, s);
        exit(2);
    }
    return v;
}

enum { O_CFG = 1, O_KEYS, O_VALUES, O_QUERIES, O_OUT, O_NKEYS, O_ALPHA, O_SQ, O_SK, O_TRACE,
       O_CAPTURE, O_CHECK, O_CACHE, O_HELP };

int main(int argc, char **argv)
{
    struct option opts[32];
    int no = 0;
    for (int i = 0; hg_cfg_options[i]; i++)
        opts[no++] = (struct option){hg_cfg_options[i], required_argument, 0, O_CFG};
    const struct option own[] = {
        {"keys", required_argument, 0, O_KEYS},       {"values", required_argument, 0, O_VALUES},
        {"queries", required_argument, 0, O_QUERIES}, {"out", required_argument, 0, O_OUT},
        {"n-keys", required_argument, 0, O_NKEYS},    {"alpha", required_argument, 0, O_ALPHA},
        {"scale-q", required_argument, 0, O_SQ},      {"scale-k", required_argument, 0, O_SK},
        {"trace", required_argument, 0, O_TRACE},     {"capture", required_argument, 0, O_CAPTURE},
        {"check", no_argument, 0, O_CHECK},           {"cache", required_argument, 0, O_CACHE},
        {"help", no_argument, 0, O_HELP},             {0, 0, 0, 0}};
    memcpy(&opts[no], own, sizeof own);

    hg_cfg c;
    hg_cfg_default(&c, HG_CORE_HAD);
    const char *kpath = NULL, *vpath = NULL, *qpath = NULL, *opath = NULL;
    hs_opts so = {0};
    int nkeys = -1, check = 0, ch, idx = 0;
    double alpha = 0.125, sq = 0.05, sk = 0.05;
    char err[1024];
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":", opts, &idx)) != -1) {
        switch (ch) {
        case O_CFG:
            if (hg_cfg_set(&c, opts[idx].name, optarg, err, sizeof err) != 0) {
                fprintf(stderr, "hgsim: %s\n", err);
                return 2;
            }
            break;
        case O_KEYS: kpath = optarg; break;
        case O_VALUES: vpath = optarg; break;
        case O_QUERIES: qpath = optarg; break;
        case O_OUT: opath = optarg; break;
        case O_NKEYS: {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (end == optarg || *end || v < 1 || v > HG_L_MAX) {
                fprintf(stderr, "hgsim: --n-keys '%s': must be an integer in 1..max-keys\n", optarg);
                return 2;
            }
            nkeys = (int)v;
            break;
        }
        case O_ALPHA: alpha = parse_pos("alpha", optarg); break;
        case O_SQ: sq = parse_pos("scale-q", optarg); break;
        case O_SK: sk = parse_pos("scale-k", optarg); break;
        case O_TRACE: so.trace_fst = optarg; break;
        case O_CAPTURE: so.capture_dir = optarg; break;
        case O_CHECK: check = 1; break;
        case O_CACHE: so.cache_dir = optarg; break;
        case O_HELP: usage(stdout); return 0;
        case ':':
            fprintf(stderr, "hgsim: option '%s' needs a value (see --help)\n", argv[optind - 1]);
            return 2;
        default:
            fprintf(stderr, "hgsim: unknown option '%s' (see --help)\n", argv[optind - 1]);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "hgsim: unexpected argument '%s' (see --help)\n", argv[optind]);
        return 2;
    }
    if (hg_cfg_finish(&c, err, sizeof err) != 0) {
        fprintf(stderr, "hgsim: %s\n", err);
        return 2;
    }
    if (!kpath || !vpath || !qpath) {
        fprintf(stderr, "hgsim: --keys, --values and --queries are required (see --help)\n");
        return 2;
    }
    size_t kb = (size_t)hm_key_bytes(&c), ks, vs, qs;
    unsigned char *k = slurp("keys", kpath, &ks), *v = slurp("values", vpath, &vs);
    unsigned char *q = slurp("queries", qpath, &qs);
    if (ks == 0 || ks % kb) {
        fprintf(stderr, "hgsim: --keys '%s': %zu bytes, not a positive multiple of the key size"
                " %zu (d=%d, core %s)\n", kpath, ks, kb, c.d, hg_core_name(c.core));
        return 2;
    }
    if (qs == 0 || qs % kb) {
        fprintf(stderr, "hgsim: --queries '%s': %zu bytes, not a positive multiple of the query"
                " size %zu\n", qpath, qs, kb);
        return 2;
    }
    int have = (int)(ks / kb);
    if (nkeys < 0)
        nkeys = have;
    if (nkeys > have || nkeys > c.l) {
        fprintf(stderr, "hgsim: --n-keys %d: must be in 1..%d (keys in the file: %d, max-keys: %d)\n",
                nkeys, have < c.l ? have : c.l, have, c.l);
        return 2;
    }
    if (vs < (size_t)nkeys * (size_t)c.d) {
        fprintf(stderr, "hgsim: --values '%s': %zu bytes, need %d keys x d=%d = %zu\n", vpath, vs,
                nkeys, c.d, (size_t)nkeys * (size_t)c.d);
        return 2;
    }
    int nq = (int)(qs / kb);
    hm_run run;
    memset(&run, 0, sizeof run);
    run.n_keys = nkeys;
    hm_had_etab(&c, alpha, run.etab);
    hm_exp_params(&c, sq, sk, &run.exp_mul, &run.exp_shift);

    hs_sim *s = hs_open(&c, &so, err, sizeof err);
    if (!s) {
        fprintf(stderr, "hgsim: %s\n", err);
        return 1;
    }
    int32_t *out = malloc((size_t)nq * (size_t)c.d * sizeof *out);
    if (!out || hs_load(s, &run, k, (const int8_t *)v, err, sizeof err) != 0 ||
        hs_run(s, nq, q, out, err, sizeof err) != 0) {
        fprintf(stderr, "hgsim: %s\n", out ? err : "out of memory");
        hs_close(s);
        return 1;
    }
    hs_stats st;
    hs_get_stats(s, &st);
    hs_close(s);
    printf("core %s d=%d P=%d N=%d L=%d n_k=%d queries=%d\n", hg_core_name(c.core), c.d, c.p, c.n,
           c.l, nkeys, nq);
    printf("cycles: total %llu, config %llu, load %llu, queries %llu; first output after %llu\n",
           (unsigned long long)st.cycles, (unsigned long long)st.cycles_cfg,
           (unsigned long long)st.cycles_load, (unsigned long long)st.cycles_query,
           (unsigned long long)st.last_first_out);
    if (nq > 1)
        printf("steady state: %.2f cycles/query (ii_cycles at n_k=L: %d)\n",
               (double)(st.last_last_out - st.last_first_out) / (nq - 1), c.ii);
    printf("memory accesses: K %llu rd %llu wr, V %llu rd %llu wr, scores %llu rd %llu wr\n",
           (unsigned long long)st.kmem_reads, (unsigned long long)st.kmem_writes,
           (unsigned long long)st.vmem_reads, (unsigned long long)st.vmem_writes,
           (unsigned long long)st.smem_reads, (unsigned long long)st.smem_writes);
    int bad = 0;
    if (check) {
        int32_t *g = malloc((size_t)c.d * sizeof *g);
        for (int i = 0; g && i < nq; i++) {
            hm_attend(&c, &run, q + (size_t)i * kb, k, (const int8_t *)v, g, NULL);
            for (int j = 0; j < c.d; j++)
                if (g[j] != out[(size_t)i * (size_t)c.d + (size_t)j] && bad++ < 10)
                    fprintf(stderr, "mismatch: query %d dim %d: rtl %d golden %d\n", i, j,
                            out[(size_t)i * (size_t)c.d + (size_t)j], g[j]);
        }
        free(g);
        printf("check: %s (%d mismatching values)\n", bad ? "FAILED" : "bit-exact", bad);
    }
    if (opath) {
        FILE *f = fopen(opath, "wb");
        if (!f || fwrite(out, sizeof *out, (size_t)nq * (size_t)c.d, f) != (size_t)nq * (size_t)c.d ||
            fclose(f) != 0) {
            fprintf(stderr, "hgsim: --out '%s': %s\n", opath, strerror(errno));
            return 1;
        }
    }
    free(out);
    free(k);
    free(v);
    free(q);
    return bad ? 1 : 0;
}
