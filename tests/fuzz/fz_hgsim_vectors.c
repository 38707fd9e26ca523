/*
 * fz_hgsim_vectors.c — hgsim's vector files (sim/hs_vec: keys, values, queries read and
 * checked against the configuration) and the golden model that --check runs on them
 * (sw/golden/hm_golden).
 *
 * Input: 12 bytes that choose a small configuration (core, d 8..64, L 1..64, P, N, weight,
 * exp-fraction and output bits), --n-keys, the HAD score step or the int8 scales, and the
 * split of the rest into the keys, values and queries files; then the files' bytes. The
 * files are written to scratch files and read with hs_vec_read. Accepted vectors run through
 * hm_attend (at most 8 queries); every output must lie in the core's output width.
 */
#include "fz_util.h"
#include "hg_config.h"
#include "hm_golden.h"
#include "hs_vec.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEAD 12

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A configuration from the first bytes; -1 if hg_cfg_finish refuses it. */
static int config(const uint8_t *h, hg_cfg *c)
{
    char err[512];
    hg_cfg_default(c, (hg_core_kind)(h[0] % 3));
    c->d = 8 * (1 + h[1] % 8);
    c->l = 1 + h[2] % 64;
    c->p = 1 + h[3] % (c->l < 16 ? c->l : 16);
    c->n = 1 + h[4] % c->l;
    c->wb = HG_WB_MIN + h[5] % (HG_WB_MAX - HG_WB_MIN + 1);
    c->fb = HG_FB_MIN + (h[5] >> 4) % (HG_FB_MAX - HG_FB_MIN + 1);
    c->of = h[6] % (HG_OF_MAX + 1);
    return hg_cfg_finish(c, err, sizeof err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hg_cfg c;
    if (size < HEAD || config(data, &c) != 0) return 0;
    int n_keys = data[7] ? data[7] % 80 - 8 : -1; /* some of them out of range */
    /* the score step and scales hgsim accepts: positive, at most 1e6 */
    double alpha = ldexp(1.0, data[8] % 40 - 24), sq = ldexp(1.0, data[9] % 32 - 16);
    double sk = ldexp(1.0, data[10] % 32 - 16);
    const uint8_t *rest = data + HEAD;
    size_t n = size - HEAD, kb = (size_t)hm_key_bytes(&c);
    /* keys and values: whole vectors mostly, any size sometimes */
    size_t ks = data[11] & 1 ? (data[11] >> 1) * kb : data[11], vs = (data[11] >> 1) * (size_t)c.d;
    if (ks > n) ks = n;
    if (vs > n - ks) vs = n - ks;
    const char *kp = fz_scratch("k.bin", rest, ks), *vp = fz_scratch("v.bin", rest + ks, vs);
    const char *qp = fz_scratch("q.bin", rest + ks + vs, n - ks - vs);
    hs_vec x;
    char err[1024];
    if (hs_vec_read(&c, kp, vp, qp, n_keys, &x, err, sizeof err) != 0) return 0;
    if (x.n_keys < 1 || x.n_keys > x.have || x.n_keys > c.l || x.nq < 1 || (n_keys > 0 && x.n_keys != n_keys))
        fz_fail("hgsim_vectors", "accepted vectors with a key or query count out of range");
    hm_run run;
    memset(&run, 0, sizeof run);
    run.n_keys = x.n_keys;
    hm_had_etab(&c, alpha, run.etab);
    hm_exp_params(&c, sq, sk, &run.exp_mul, &run.exp_shift);
    int32_t out[HG_D_MAX];
    long lo = -(1L << (c.ow - 1)), hi = (1L << (c.ow - 1)) - 1;
    for (int i = 0; i < x.nq && i < 8; i++) {
        hm_attend(&c, &run, x.q + (size_t)i * kb, x.k, x.v, out, NULL);
        for (int j = 0; j < c.d; j++)
            if (out[j] < lo || out[j] > hi)
                fz_fail("hgsim_vectors", "an output outside the core's output width");
    }
    hs_vec_free(&x);
    return 0;
}
