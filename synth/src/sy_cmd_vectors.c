/* sy_cmd_vectors.c — `hgsynth vectors`: synthetic key / value / query files for a core
 * (layouts of docs/spec.md section 2), the stimulus of the power flow when no model data
 * is given (CAPTURE_DATA). Elements are N(0, 1) activations quantised with scale 1/32
 * (int8 ~ N(0, 32^2), clipped to +-127); HAD keys and queries are their sign bits. With
 * --const every key, value and query is the same fixed vector (the "constant inputs" case
 * of the power tests). Deterministic for a seed.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sy_cmd.h"
#include "sy_io.h"
#include "sy_manifest.h"
#include "sy_util.h"

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ull;
}

/* N(0, 1) by Box-Muller. */
static double gauss(uint64_t *s)
{
    double u1 = ((double)(rng_next(s) >> 11) + 1.0) / 9007199254740993.0;
    double u2 = (double)(rng_next(s) >> 11) / 9007199254740992.0;
    return sqrt(-2.0 * log(u1)) * cos(2.0 * 3.14159265358979323846 * u2);
}

/* x quantised with the step 2^(8-vb)/32 (1/32 at vb = 8) to a vb-bit value, |v| <= 2^(vb-1) - 1. */
static int8_t qv(double x, int vb)
{
    double v = round(ldexp(x * 32.0, vb - 8)), m = (double)((1 << (vb - 1)) - 1);
    if (v > m) v = m;
    if (v < -m) v = -m;
    return (int8_t)v;
}

static int8_t q8(double x) { return qv(x, 8); }

/* One key or query: d sign bits (HAD) or d int8. */
static void kq(uint8_t *dst, int d, int had, int cst, uint64_t *s)
{
    if (had) {
        memset(dst, 0, (size_t)d / 8);
        for (int i = 0; i < d; i++) {
            int bit = cst ? (i % 3 == 0) : gauss(s) >= 0.0;
            if (bit) dst[i / 8] |= (uint8_t)(1u << (i % 8));
        }
    } else {
        for (int i = 0; i < d; i++) dst[i] = (uint8_t)(cst ? q8(0.8 * ((i % 5) - 2) / 2.0) : q8(gauss(s)));
    }
}

int sy_cmd_vectors(int argc, char **argv)
{
    const char *rtl = NULL, *out = NULL, *nq_s = "16", *seed_s = "1", *cst_s = "0";
    const sy_opt opts[] = {
        {"--rtl", &rtl, 1, 0, "generated RTL directory (manifest: core, d, max_keys)"},
        {"--out", &out, 1, 0, "directory for keys.bin, values.bin, queries.bin (must exist)"},
        {"--queries", &nq_s, 0, 0, "number of queries (default 16)"},
        {"--seed", &seed_s, 0, 0, "random seed (default 1)"},
        {"--const", &cst_s, 0, 0, "1: constant keys, values and queries"},
    };
    int rc = sy_parse_opts("vectors", "synthetic key/value/query files of a core", argc, argv, opts,
                           (int)(sizeof opts / sizeof opts[0]));
    if (rc) return rc == 1 ? 0 : 2;
    long nq, cst;
    unsigned long long seed;
    if (sy_opt_long("vectors", "--queries", nq_s, 1, 1000000, &nq) != 0 ||
        sy_opt_u64("vectors", "--seed", seed_s, &seed) != 0 ||
        sy_opt_long("vectors", "--const", cst_s, 0, 1, &cst) != 0)
        return 2;
    char err[1024];
    if (sy_dir_check(out, err, sizeof err) != 0) {
        fprintf(stderr, "hgsynth vectors: --out: %s\n", err);
        return 2;
    }
    hg_manifest *m = sy_manifest_load(rtl, err, sizeof err);
    if (!m) {
        fprintf(stderr, "hgsynth vectors: %s\n", err);
        return 2;
    }
    int d = (int)m->d, L = (int)m->max_keys, had = strcmp(m->core, "had") == 0, vb = (int)m->v_bits;
    if (d < 8 || d % 8 || d > 65536 || L < 1 || L > 65536) {
        fprintf(stderr,
                "hgsynth vectors: manifest of %s: d=%d, max_keys=%d not usable (d a multiple of 8 in "
                "8..65536, max_keys in 1..65536)\n",
                rtl, d, L);
        hg_manifest_free(m);
        return 2;
    }
    size_t kb = had ? (size_t)d / 8 : (size_t)d;
    uint64_t s = (uint64_t)seed * 0x9E3779B97F4A7C15ull + 1;
    uint8_t *k = sy_xmalloc(kb * (size_t)L), *q = sy_xmalloc(kb * (size_t)nq);
    int8_t *v = sy_xmalloc((size_t)d * (size_t)L);
    for (int i = 0; i < L; i++) {
        kq(k + kb * (size_t)i, d, had, (int)cst, &s);
        for (int j = 0; j < d; j++) v[(size_t)i * (size_t)d + (size_t)j] = cst ? qv(21.0 / 32.0, vb) : qv(gauss(&s), vb);
    }
    for (long i = 0; i < nq; i++) kq(q + kb * (size_t)i, d, had, (int)cst, &s);
    const char *names[3] = {"keys.bin", "values.bin", "queries.bin"};
    const void *data[3] = {k, v, q};
    size_t size[3] = {kb * (size_t)L, (size_t)d * (size_t)L, kb * (size_t)nq};
    sy_out o[3] = {{0}};
    rc = 0;
    for (int i = 0; i < 3 && !rc; i++) {
        char *p = sy_asprintf("%s/%s", out, names[i]);
        rc = sy_out_open(&o[i], p, err, sizeof err) != 0;
        if (!rc) fwrite(data[i], 1, size[i], o[i].f); /* a short write shows in the commit */
        free(p);
    }
    for (int i = 0; i < 3 && !rc; i++) rc = sy_out_commit(&o[i], err, sizeof err) != 0;
    for (int i = 0; i < 3; i++) sy_out_abort(&o[i]);
    if (rc) {
        fprintf(stderr, "hgsynth vectors: %s\n", err);
        rc = 2;
    }
    free(k);
    free(q);
    free(v);
    hg_manifest_free(m);
    return rc;
}
