/* hr_calib.h — per-head calibration of attention inputs (prefix hr_calib_).
 *
 * The float model (a distilled HAD model: with its own attention, hr_calib_compute_attn)
 * runs over a calibration sentence set; for every layer and head the
 * Q, K, V tensors the attention hook sees (after bias, before 1/sqrt(d)) give
 *   sigma_q = mean |q|, sigma_k = mean |k|         (HAD: q ~ sigma_q * sign(q))
 *   s_q, s_k, s_v = P-th percentile of |x| / 127   (int8 scales; P = 100 is the maximum)
 * over all calibration tokens and the head's d elements, and per channel (element) i of V
 *   s_v_ch[i] = P-th percentile of |v_i| / 127      (the value scales of --v-scale channel)
 * over all calibration tokens. Scales are rounded to float, so
 * the host quantizer (float scale) and the exp parameters (double) see the same value.
 *
 * Saved as JSON with the model's hash, the sentence set's hash and the percentile, so a
 * file is reused only for the model and settings it was made for (docs/run.md).
 */
#ifndef HR_CALIB_H
#define HR_CALIB_H

#include <stddef.h>

#include "enc_bert.h"
#include "hr_corpus.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HR_CALIB_FORMAT    "hadgen-calib-1"
#define HR_CALIB_PCT_MIN   90.0         /* smallest percentile accepted */
#define HR_CALIB_VALUE_MAX 1e30         /* largest statistic (sigma, scale, max) accepted */
#define HR_CALIB_MAX_BYTES (64LL << 20) /* largest calibration file read */

typedef struct hr_head_cal {
    double sigma_q, sigma_k;    /* mean |q|, mean |k| */
    double s_q, s_k, s_v;       /* int8 scales (> 0), values of a float */
    double max_q, max_k, max_v; /* largest |x| seen (for information) */
} hr_head_cal;

typedef struct hr_calib {
    int n_layers, n_heads, head_dim;
    char model_hash[17]; /* hr_hash_model() of the model directory */
    char set_hash[17];   /* hash of the calibration sentence file */
    double pct;          /* percentile of the int8 scales, HR_CALIB_PCT_MIN..100 */
    int n_sentences;     /* calibration sentences */
    long n_tokens;       /* ... and their tokens */
    hr_head_cal *head;   /* n_layers * n_heads, index layer * n_heads + head */
    double *s_v_ch;      /* per-channel V scales, head_dim per head in head's order; NULL when
                            loaded from a file made without them (hr_calib_stale: stale) */
} hr_calib;

/* Calibration entry of (layer, head); both must be in range (asserted). */
const hr_head_cal *hr_calib_head(const hr_calib *c, int layer, int head);

/* The head_dim per-channel V scales of (layer, head), or NULL when c has none. */
const double *hr_calib_v_channels(const hr_calib *c, int layer, int head);

/* Runs the float model m over the sentences of cp and computes the calibration (pct in
 * HR_CALIB_PCT_MIN..100). Hashes are left empty. progress: print a line per 16 sentences on
 * stderr. Returns NULL with a message in err (encoder error, out of memory, a statistic
 * that is NaN, Inf or above HR_CALIB_VALUE_MAX: the message names the head). */
hr_calib *hr_calib_compute(const enc_model *m, const hr_corpus *cp, double pct, int progress, char *err,
                           size_t errsz);

/* Same, with the attention of the calibration pass given: attn(attn_ctx, ...) computes each
 * head's output from the Q, K, V recorded (NULL: float attention, as hr_calib_compute). A
 * distilled HAD model is calibrated in its own inference form (hr_had_attn), since that is
 * the network whose Q, K, V its cores will see. */
hr_calib *hr_calib_compute_attn(const enc_model *m, const hr_corpus *cp, double pct, enc_attn_fn attn,
                                void *attn_ctx, int progress, char *err, size_t errsz);

/* Writes c to path as JSON (doubles printed exactly), through a temporary file and rename.
 * Returns 0, or -1 with a message. */
int hr_calib_save(const hr_calib *c, const char *path, char *err, size_t errsz);

/* Reads a file written by hr_calib_save. Returns NULL with a message naming the file and
 * the key on a missing file (or not a regular file, or larger than HR_CALIB_MAX_BYTES),
 * malformed JSON, a wrong format tag, missing or out-of-range values (scales must be
 * positive and finite, counts whole numbers; null, NaN and Inf are refused). */
hr_calib *hr_calib_load(const char *path, char *err, size_t errsz);

/* Releases c. c may be NULL. Can't fail. */
void hr_calib_free(hr_calib *c);

/* Why the calibration c cannot be used for a model of this shape and these hashes and
 * percentile: writes a reason into why and returns 1, or returns 0 if it matches. */
int hr_calib_stale(const hr_calib *c, const bcfg_config *mc, const char *model_hash, const char *set_hash,
                   double pct, char *why, size_t whysz);

#ifdef __cplusplus
}
#endif
#endif /* HR_CALIB_H */
