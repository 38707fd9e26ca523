/*
 * hm_golden.c — bit-exact golden model of the three attention cores (docs/spec.md).
 */
#define _GNU_SOURCE /* qsort_r */
#include "hm_golden.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int hm_key_bytes(const hg_cfg *c) { return c->core == HG_CORE_HAD ? c->d / 8 : c->d; }

/* ---- scores ----------------------------------------------------------------------------- */

int32_t hm_score(const hg_cfg *c, const uint8_t *q, const uint8_t *k)
{
    int32_t s = 0;
    if (c->core == HG_CORE_HAD) {
        for (int i = 0; i < c->d / 8; i++) s += __builtin_popcount((unsigned)(uint8_t) ~(q[i] ^ k[i]));
    } else {
        const int8_t *qs = (const int8_t *)q, *ks = (const int8_t *)k;
        for (int i = 0; i < c->d; i++) s += (int32_t)qs[i] * (int32_t)ks[i];
    }
    return s;
}

int32_t hm_v_value(const hg_cfg *c, int8_t x)
{
    int32_t u = (int32_t)((uint32_t)(uint8_t)x & ((1u << c->vb) - 1u));
    return u >= (1 << (c->vb - 1)) ? u - (1 << c->vb) : u;
}

void hm_v_pack(const hg_cfg *c, const int8_t *v, uint8_t *out)
{
    memset(out, 0, ((size_t)c->vw + 7) / 8);
    for (int i = 0; i < c->d; i++)
        for (int b = 0; b < c->vb; b++)
            if (((uint8_t)v[i] >> b) & 1u) {
                int at = i * c->vb + b;
                out[at / 8] = (uint8_t)(out[at / 8] | (1u << (at % 8)));
            }
}

int hm_v_qmax(const hg_cfg *c) { return (1 << (c->vb - 1)) - 1; }

int hm_cfg_writes(const hg_cfg *c, const hm_run *run, uint32_t *addr, uint32_t *data, int *early)
{
    int k = 0, nw = 0;
    if (c->core == HG_CORE_HAD && c->shadow) { /* the shadow table first: the core takes it while busy */
        nw = hg_etab_words(c, run->etab, data);
        for (; k < nw; k++) addr[k] = HG_CFG_ETAB + (uint32_t)k;
    }
    addr[k] = HG_CFG_NKEYS;
    data[k++] = (uint32_t)run->n_keys;
    if (c->core == HG_CORE_HAD && c->shadow) {
        addr[k] = hg_etab_copy(c);
        data[k++] = 0;
    } else if (c->core == HG_CORE_HAD) {
        int m = hg_etab_words(c, run->etab, &data[k]);
        for (int j = 0; j < m; j++) addr[k++] = HG_CFG_ETAB + (uint32_t)j;
    } else {
        addr[k] = HG_CFG_EXP_MUL;
        data[k++] = run->exp_mul;
        addr[k] = HG_CFG_EXP_SHIFT;
        data[k++] = run->exp_shift;
    }
    if (early) *early = nw;
    return k;
}

/* ---- weights ---------------------------------------------------------------------------- */

uint32_t hm_weight(const hg_cfg *c, const hm_run *run, int32_t smax, int32_t s)
{
    assert(s <= smax);
    if (c->core == HG_CORE_HAD) {
        uint32_t e = run->etab[smax - s], wmax = 1u << c->wb;
        return e > wmax ? wmax : e; /* the table saturates at 2^wb */
    }
    uint64_t t = (uint64_t)((int64_t)smax - s);   /* < 2^(sw+1) */
    uint64_t prod = t * (run->exp_mul & 0xffffu); /* < 2^(sw+17) */
    uint32_t sh = run->exp_shift & 63u;
    uint64_t z = sh >= 64 ? 0 : prod >> sh;
    uint64_t zi = z >> c->fb;
    uint32_t zf = (uint32_t)(z & ((1u << c->fb) - 1u));
    if (zi > (uint64_t)c->wb) return 0;
    return hg_exp_frac(c, (int)zf) >> zi;
}

/* ---- selection -------------------------------------------------------------------------- */

/* Higher score first; ties: lower index first (qsort_r: no shared state, thread-safe). */
static int by_score(const void *a, const void *b, void *scores)
{
    const int32_t *s = scores;
    int i = *(const int *)a, j = *(const int *)b;
    if (s[i] != s[j]) return s[i] > s[j] ? -1 : 1;
    return i < j ? -1 : (i > j);
}

/* Fills sel with the keys that get a weight (best first for top-N cores, all keys in index
   order for the baseline) and returns their count. */
static int select_keys(const hg_cfg *c, int n_k, const int32_t *score, int *sel)
{
    for (int j = 0; j < n_k; j++) sel[j] = j;
    if (!hg_cfg_topn(c)) return n_k;
    qsort_r(sel, (size_t)n_k, sizeof *sel, by_score, (void *)(uintptr_t)score);
    return n_k < c->n ? n_k : c->n;
}

/* ---- normalization ---------------------------------------------------------------------- */

static int32_t normalize(const hg_cfg *c, int64_t acc, uint64_t recip)
{
    __int128 prod = (__int128)acc * (__int128)recip;
    int sh = c->rq - c->of;
    prod += (__int128)1 << (sh - 1);
    prod >>= sh; /* arithmetic: floor */
    __int128 hi = ((__int128)1 << (c->ow - 1)) - 1, lo = -((__int128)1 << (c->ow - 1));
    if (prod > hi) prod = hi;
    if (prod < lo) prod = lo;
    return (int32_t)prod;
}

void hm_attend(const hg_cfg *c, const hm_run *run, const uint8_t *q, const uint8_t *k, const int8_t *v,
               int32_t *out, hm_detail *detail)
{
    int n_k = run->n_keys;
    assert(n_k >= 1 && n_k <= c->l);
    int kb = hm_key_bytes(c);
    int32_t *score = malloc((size_t)n_k * sizeof *score);
    int *sel = malloc((size_t)n_k * sizeof *sel);
    int64_t *acc = calloc((size_t)c->d, sizeof *acc);
    assert(score && sel && acc);

    int32_t smax = INT32_MIN;
    for (int j = 0; j < n_k; j++) {
        score[j] = hm_score(c, q, k + (size_t)j * (size_t)kb);
        if (score[j] > smax) smax = score[j];
    }
    int n_sel = select_keys(c, n_k, score, sel);

    uint64_t wsum = 0;
    for (int s = 0; s < n_sel; s++) {
        int j = sel[s];
        uint32_t w = hm_weight(c, run, smax, score[j]);
        wsum += w;
        for (int i = 0; i < c->d; i++)
            acc[i] += (int64_t)w * hm_v_value(c, v[(size_t)j * (size_t)c->d + (size_t)i]);
    }
    uint64_t recip = wsum ? (1ull << c->rq) / wsum : (2ull << c->rq) - 1u;
    for (int i = 0; i < c->d; i++) out[i] = normalize(c, acc[i], recip);

    if (detail) {
        detail->n_sel = n_sel;
        detail->wsum = (int64_t)wsum;
        memcpy(detail->sel, sel, (size_t)n_sel * sizeof *sel);
        memcpy(detail->score, score, (size_t)n_k * sizeof *score);
    }
    free(score);
    free(sel);
    free(acc);
}

/* ---- quantizers ------------------------------------------------------------------------- */

void hm_sign_pack(int d, const float *x, uint8_t *out)
{
    memset(out, 0, (size_t)d / 8);
    for (int i = 0; i < d; i++)
        if (x[i] >= 0.0f) out[i / 8] = (uint8_t)(out[i / 8] | (1u << (i % 8)));
}

void hm_center_rows(int n, int d, const float *x, float *out)
{
    assert(n >= 1 && d >= 1 && x != out);
    for (int j = 0; j < d; j++) {
        double m = 0.0;
        for (int i = 0; i < n; i++) m += (double)x[(size_t)i * (size_t)d + (size_t)j];
        m /= (double)n;
        for (int i = 0; i < n; i++) {
            size_t at = (size_t)i * (size_t)d + (size_t)j;
            out[at] = (float)((double)x[at] - m);
        }
    }
}

void hm_center_qk(int center, int n, int d, const float *Q, const float *K, float *qbuf, float *kbuf,
                  const float **qo, const float **ko)
{
    *qo = Q;
    *ko = K;
    if (center & HM_CENTER_K) {
        hm_center_rows(n, d, K, kbuf);
        *ko = kbuf;
    }
    if (center & HM_CENTER_Q) {
        hm_center_rows(n, d, Q, qbuf);
        *qo = qbuf;
    }
}

void hm_quant(int d, const float *x, float scale, int qmax, int8_t *out)
{
    assert(scale > 0.0f && qmax >= 1 && qmax <= 127);
    double m = (double)qmax;
    for (int i = 0; i < d; i++) {
        double r = round((double)x[i] / (double)scale);
        out[i] = (int8_t)(r > m ? m : r < -m ? -m : r);
    }
}

void hm_quant_ch(int d, const float *x, const float *scale, int qmax, int8_t *out)
{
    for (int i = 0; i < d; i++) hm_quant(1, x + i, scale[i], qmax, out + i);
}

void hm_quant_i8(int d, const float *x, float scale, int8_t *out) { hm_quant(d, x, scale, 127, out); }

void hm_had_etab(const hg_cfg *c, double alpha, uint32_t *etab)
{
    double logit[HG_D_MAX + 1];
    for (int dl = 0; dl <= c->d; dl++) logit[dl] = -2.0 * alpha * dl;
    hm_had_etab_log(c, logit, etab);
}

void hm_had_etab_log(const hg_cfg *c, const double *logit, uint32_t *etab)
{
    for (int dl = 0; dl <= c->d; dl++) {
        assert(logit[dl] <= 0.0);
        etab[dl] = (uint32_t)llround(ldexp(exp(logit[dl]), c->wb));
    }
}

void hm_exp_params(const hg_cfg *c, double scale_q, double scale_k, uint32_t *mul, uint32_t *shift)
{
    double target = ldexp(M_LOG2E * scale_q * scale_k / sqrt((double)c->d), c->fb);
    int sh = 0;
    while (sh < 63 && ldexp(target, sh) < 32768.0) sh++;
    while (sh > 0 && ldexp(target, sh) >= 65535.5) sh--;
    double m = round(ldexp(target, sh));
    *mul = (uint32_t)(m > 65535.0 ? 65535.0 : m);
    *shift = (uint32_t)sh;
}

/* ---- float references ------------------------------------------------------------------- */

/* softmax over the given scores of the keys in sel[0..n-1], weighted sum of v rows. */
static void softmax_av(int d, int n, const int *sel, const double *score, const float *v, float *out)
{
    double mx = -INFINITY, den = 0.0;
    for (int s = 0; s < n; s++) mx = score[sel[s]] > mx ? score[sel[s]] : mx;
    double *num = calloc((size_t)d, sizeof *num);
    assert(num);
    for (int s = 0; s < n; s++) {
        double w = exp(score[sel[s]] - mx);
        den += w;
        for (int i = 0; i < d; i++) num[i] += w * v[(size_t)sel[s] * (size_t)d + (size_t)i];
    }
    for (int i = 0; i < d; i++) out[i] = (float)(num[i] / den);
    free(num);
}

static int by_dscore(const void *a, const void *b, void *scores)
{
    const double *s = scores;
    int i = *(const int *)a, j = *(const int *)b;
    if (s[i] != s[j]) return s[i] > s[j] ? -1 : 1;
    return i < j ? -1 : (i > j);
}

/* Keeps the top n keys by rank (n = n_k: all; ties: lower index), then softmax over their
   score and the weighted sum of v. rank and score are the same array but for a HAD weight
   table, which ranks by matches and weighs by the table. */
static void ref_common2(int d, int n_k, int n, const double *rank, const double *score, const float *v,
                        float *out)
{
    int *sel = malloc((size_t)n_k * sizeof *sel);
    assert(sel);
    for (int j = 0; j < n_k; j++) sel[j] = j;
    if (n < n_k) {
        qsort_r(sel, (size_t)n_k, sizeof *sel, by_dscore, (void *)(uintptr_t)rank);
    }
    softmax_av(d, n < n_k ? n : n_k, sel, score, v, out);
    free(sel);
}

static void ref_common(int d, int n_k, int n, const double *score, const float *v, float *out)
{
    ref_common2(d, n_k, n, score, score, v, out);
}

static double dot(int d, const float *a, const float *b)
{
    double s = 0.0;
    for (int i = 0; i < d; i++) s += (double)a[i] * (double)b[i];
    return s;
}

void hm_ref_attention(int d, int n_k, const float *q, const float *k, const float *v, float scale, float *out)
{
    hm_ref_topn(d, n_k, n_k, q, k, v, scale, out);
}

void hm_ref_topn(int d, int n_k, int n, const float *q, const float *k, const float *v, float scale,
                 float *out)
{
    double *score = malloc((size_t)n_k * sizeof *score);
    assert(score);
    for (int j = 0; j < n_k; j++) score[j] = dot(d, q, k + (size_t)j * (size_t)d) * scale;
    ref_common(d, n_k, n, score, v, out);
    free(score);
}

void hm_ref_had_tab(int d, int n_k, int n, const float *q, const float *k, const float *v,
                    const double *logit, float *out)
{
    double *m = malloc(2 * (size_t)n_k * sizeof *m), *w = m + n_k;
    assert(m);
    int mmax = 0;
    for (int j = 0; j < n_k; j++) {
        int mj = 0;
        for (int i = 0; i < d; i++) mj += (q[i] >= 0.0f) == (k[(size_t)j * (size_t)d + (size_t)i] >= 0.0f);
        m[j] = mj;
        mmax = mj > mmax ? mj : mmax;
    }
    for (int j = 0; j < n_k; j++) w[j] = logit[mmax - (int)m[j]];
    ref_common2(d, n_k, n, m, w, v, out);
    free(m);
}

void hm_ref_had(int d, int n_k, int n, const float *q, const float *k, const float *v, double alpha,
                float *out)
{
    double *score = malloc((size_t)n_k * sizeof *score);
    assert(score);
    for (int j = 0; j < n_k; j++) {
        int m = 0;
        for (int i = 0; i < d; i++) m += (q[i] >= 0.0f) == (k[(size_t)j * (size_t)d + (size_t)i] >= 0.0f);
        score[j] = alpha * (2.0 * m - d);
    }
    ref_common(d, n_k, n, score, v, out);
    free(score);
}
