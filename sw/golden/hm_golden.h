/*
 * hm_golden.h — bit-exact C golden model of the generated attention cores, float
 * references, and the quantizers that turn float Q, K, V into core inputs.
 *
 * The golden model computes exactly what docs/spec.md specifies and what the RTL computes,
 * bit for bit; it is the reference of every RTL test. It models results, not cycles.
 *
 * Data layout (identical to the RTL ports, see docs/spec.md section 2):
 *   HAD q/k   d bits, element i at bit i (byte i/8, bit i%8); 1 means the sign is +1.
 *   int8 q/k  d bytes, element i = byte i, two's complement.
 *   v         d bytes, one per element; the core reads its low vb bits as a vb-bit two's
 *             complement (hm_v_value; all 8 bits at vb = 8).
 *   out       d values of hg_cfg.ow bits, sign-extended into int32.
 */
#ifndef HM_GOLDEN_H
#define HM_GOLDEN_H

#include "hg_config.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Run-time state loaded through the cfg stream. */
typedef struct hm_run {
    int n_keys;                  /* keys loaded, 1..l */
    uint32_t etab[HG_D_MAX + 1]; /* HAD: weight for delta = m_max - m, ww bits each */
    uint32_t exp_mul;            /* int8 cores: 16-bit multiplier */
    uint32_t exp_shift;          /* int8 cores: 6-bit shift */
} hm_run;

/* The most configuration writes of one head (hm_cfg_writes). */
#define HM_CFG_WRITES_MAX (HG_D_MAX + 3)

/* A head's configuration writes, in an order every driver may send them one after another:
   n_keys then the exp multiplier and shift (int8 cores); n_keys then the exp table's words
   (HAD, hg_etab_words); with --etab-shadow on the table's words first, then n_keys, then the
   copy (hg_etab_copy). Writes addr[i], data[i] (room for HM_CFG_WRITES_MAX) and returns the
   count; *early (may be NULL) gets the number of leading writes the core also takes while it
   runs the previous head: the shadow table's words, 0 otherwise. */
int hm_cfg_writes(const hg_cfg *c, const hm_run *run, uint32_t *addr, uint32_t *data, int *early);

/* Optional detail of one query (for tests and fidelity metrics). */
typedef struct hm_detail {
    int n_sel;               /* keys that received a weight slot */
    int sel[HG_L_MAX];       /* their indices, best first (top-N cores) */
    int32_t score[HG_L_MAX]; /* score of every key */
    int64_t wsum;            /* sum of weights */
} hm_detail;

/* Bytes of one key / query vector for configuration c. */
int hm_key_bytes(const hg_cfg *c);

/* Computes one query's output. k: n_keys vectors of hm_key_bytes(c) bytes; v: n_keys x d
   int8; out: d values. detail may be NULL. run->n_keys must be in 1..c->l (asserted). */
void hm_attend(const hg_cfg *c, const hm_run *run, const uint8_t *q, const uint8_t *k, const int8_t *v,
               int32_t *out, hm_detail *detail);

/* The value a core of vb value bits reads from the host's byte x: its low vb bits, sign-
   extended. */
int32_t hm_v_value(const hg_cfg *c, int8_t x);

/* Packs one V row (d host bytes) as the core's kv_v_i port holds it: element i's low vb bits
   at bits [vb*i + vb-1 : vb*i] of out (ceil(vb*d/8) bytes, byte b = bits [8b+7 : 8b]). */
void hm_v_pack(const hg_cfg *c, const int8_t *v, uint8_t *out);

/* The largest magnitude the host quantizer gives a value: 2^(vb-1) - 1 (127 at vb = 8). */
int hm_v_qmax(const hg_cfg *c);

/* Score of key k for query q: matches (HAD) or the int8 dot product. */
int32_t hm_score(const hg_cfg *c, const uint8_t *q, const uint8_t *k);

/* Weight of a key whose score is s when the reference (maximum) score is smax. */
uint32_t hm_weight(const hg_cfg *c, const hm_run *run, int32_t smax, int32_t s);

/* ---- quantizers (host side) ---------------------------------------------------------- */

/* Sign bits of x[0..d-1] into out (d/8 bytes): bit set where x >= 0. */
void hm_sign_pack(int d, const float *x, uint8_t *out);

/* What a distilled model binarizes (had.json recipe.center): the projections themselves
   (0), or keys (HM_CENTER_K) and also queries (HM_CENTER_Q) minus their mean over the head's
   tokens. Centring keys changes every float score of a query by one constant, which softmax
   does not see; the sign bits it changes are the core's input, not the core. */
enum { HM_CENTER_K = 1, HM_CENTER_Q = 2 };

/* out[i][j] = x[i][j] - mean over the n rows of column j (row-major n x d, the mean summed in
   double, each difference rounded to float once). out may not alias x. */
void hm_center_rows(int n, int d, const float *x, float *out);

/* The queries and keys a distilled model binarizes: *qo, *ko point at Q, K, or at qbuf, kbuf
   (n x d each) holding their centred copies, as center (HM_CENTER_* bits) asks. */
void hm_center_qk(int center, int n, int d, const float *Q, const float *K, float *qbuf, float *kbuf,
                  const float **qo, const float **ko);

/* Rounds x / scale to the nearest integer (ties away from zero) and saturates to
   [-127, 127]. scale must be > 0. */
void hm_quant_i8(int d, const float *x, float scale, int8_t *out);

/* The same with the saturation at [-qmax, qmax], 1 <= qmax <= 127 (V of vb bits:
   qmax = hm_v_qmax(c), scale = s_V). */
void hm_quant(int d, const float *x, float scale, int qmax, int8_t *out);

/* The same with one scale per element: x[i] / scale[i] (a row of V with a scale per channel). */
void hm_quant_ch(int d, const float *x, const float *scale, int qmax, int8_t *out);

/* HAD exp table: etab[delta] = round(2^wb * exp(-2 * alpha * delta)), delta = 0..d, where
   alpha = sigma_q * sigma_k / sqrt(d) is the score step per matching bit. */
void hm_had_etab(const hg_cfg *c, double alpha, uint32_t *etab);

/* HAD exp table of a learned weight table (a distilled model's etab_logit, hr_hadmodel.h):
   etab[delta] = round(2^wb * exp(logit[delta])), delta = 0..d; logit[delta] <= 0. With
   logit[delta] = -2 alpha delta it is hm_had_etab's table. */
void hm_had_etab_log(const hg_cfg *c, const double *logit, uint32_t *etab);

/* int8 cores: the (exp_mul, exp_shift) pair that approximates
   2^fb * log2(e) * scale_q * scale_k / sqrt(d) as exp_mul / 2^exp_shift with exp_mul in
   [2^15, 2^16) where possible. */
void hm_exp_params(const hg_cfg *c, double scale_q, double scale_k, uint32_t *mul, uint32_t *shift);

/* ---- float references ----------------------------------------------------------------- */

/* Standard attention for one query: out = softmax(q.K^T * scale) V, over n_k keys. */
void hm_ref_attention(int d, int n_k, const float *q, const float *k, const float *v, float scale,
                      float *out);

/* HAD attention in float for one query: scores alpha * (2m - d) from the sign bits, keep the
   top n (ties: lower index), softmax over them, weighted sum of v. */
void hm_ref_had(int d, int n_k, int n, const float *q, const float *k, const float *v, double alpha,
                float *out);

/* HAD attention in float with a weight table: keep the top n keys by matches m (ties: lower
   index), weigh each by exp(logit[m_max - m]) (m_max: the largest m over the n_k keys),
   weighted sum of v. logit has d + 1 entries. */
void hm_ref_had_tab(int d, int n_k, int n, const float *q, const float *k, const float *v,
                    const double *logit, float *out);

/* int8 + top-N in float: scores q.k * scale, keep the top n (ties: lower index), softmax
   over them, weighted sum of v. */
void hm_ref_topn(int d, int n_k, int n, const float *q, const float *k, const float *v, float scale,
                 float *out);

#ifdef __cplusplus
}
#endif
#endif
