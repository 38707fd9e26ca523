/* hr_attn.h — attention backends of the layer runner (prefix hr_).
 *
 * A backend computes one head's attention for the float encoder (enc_bert.h): float
 * softmax attention, HAD attention in float, or one of the three cores, either on the
 * bit-exact golden model or on the cycle-accurate Verilator simulation:
 *
 *   float            enc_attn_float
 *   float-had        hm_ref_had: HAD's inference form in float (sign bits, top-N, float
 *                    softmax and V; no int8, no exp table)
 *   golden-had       hm_attend, HAD core        rtl-had        hs_run, HAD core
 *   golden-baseline  hm_attend, int8 baseline   rtl-baseline   hs_run, int8 baseline
 *   golden-int8-topn hm_attend, int8 + top-N    rtl-int8-topn  hs_run, int8 + top-N
 *   sys-had, sys-baseline, sys-int8-topn: the cores in the SystemC system model (ss_sys.h),
 *                    a whole layer (every head) at a time, through hr_attn_layer
 *
 * For a head (layer l, head h, n_tok tokens) with calibration e = hr_calib_head(cal, l, h):
 *   HAD:   q, k = hm_sign_pack(Q, K); etab = hm_had_etab(alpha), alpha = e.sigma_q *
 *          e.sigma_k / sqrt(d),
 *          or alpha_c(l, h) of a distilled model (hr_backend_set_alpha)
 *   int8:  q = hm_quant_i8(Q, s_q), k = hm_quant_i8(K, s_k); hm_exp_params(s_q, s_k)
 *   all:   v = hm_quant(V, s_v', 2^(vb-1) - 1), s_v' = s_v * 127 / (2^(vb-1) - 1) (s_v at
 *          vb = 8), n_keys = n_tok, every token is a query; O = out * s_v' / 2^of. s_v is the
 *          calibration's per head, or per channel (hr_backend_set_v_scale: one per element
 *          of V, and of O).
 * The RTL backends load the head's keys and values into their simulator and stream the
 * n_tok queries back to back, so golden and RTL backends produce identical outputs.
 *
 * Per (layer, head) the backend accumulates statistics: queries, top-N recall against the
 * float top-N of the same Q, K (docs/run.md), simulated cycles (RTL), and, with checking on,
 * RTL outputs that differ from the golden model.
 */
#ifndef HR_ATTN_H
#define HR_ATTN_H

#include <stddef.h>
#include <stdint.h>

#include "hg_config.h"
#include "hm_golden.h"
#include "hr_calib.h"
#include "hs_sim.h"
#include "ss_sys.h"
#include "enc_bert.h"

#ifdef __cplusplus
extern "C" {
#endif

/* float, float-had, then golden-<core>, rtl-<core> and sys-<core> for every core type of
   sw/base/hg_cores.def in its order (HR_GOLDEN_HAD, ..., HR_SYS_I8TOPN). */
typedef enum {
    HR_FLOAT = 0,
    HR_FLOAT_HAD,
#define HG_CORE(kind, name, short_name, sel, summary) HR_GOLDEN_##kind,
#include "hg_cores.def"
#undef HG_CORE
#define HG_CORE(kind, name, short_name, sel, summary) HR_RTL_##kind,
#include "hg_cores.def"
#undef HG_CORE
#define HG_CORE(kind, name, short_name, sel, summary) HR_SYS_##kind,
#include "hg_cores.def"
#undef HG_CORE
    HR_NKINDS
} hr_kind;

/* The golden and the RTL backend of a core type. */
#define HR_GOLDEN(core) ((hr_kind)(HR_GOLDEN_HAD + (int)(core)))
#define HR_RTL(core)    ((hr_kind)(HR_RTL_HAD + (int)(core)))
#define HR_SYS(core)    ((hr_kind)(HR_SYS_HAD + (int)(core)))

/* Command-line name of a backend ("float", "float-had", "golden-had", ...,
   "rtl-int8-topn"). */
const char *hr_kind_name(hr_kind k);

/* Parses a backend name; returns 0 and sets *k, or -1 if unknown. */
int hr_kind_parse(const char *s, hr_kind *k);

/* The names of backends first..last-1 joined by sep into buf (truncated to n). Returns buf. */
char *hr_kind_names(char *buf, size_t n, hr_kind first, hr_kind last, const char *sep);

/* 1 for the RTL (bare core simulated) backends. */
int hr_kind_rtl(hr_kind k);

/* 1 for the system-model backends (sys-<core>). */
int hr_kind_sys(hr_kind k);

/* 1 for the backends whose top-N recall is measured: float (its own float top-N, so 1 by
   definition), HAD (float-had, golden-had, rtl-had) and int8 + top-N. The baseline keeps
   every key. */
int hr_kind_recall(hr_kind k);

/* 1 for the backends that compute HAD attention: float-had, golden-had, rtl-had, sys-had. */
int hr_kind_had(hr_kind k);

/* Core type of a golden, RTL or system backend; HG_CORE_HAD for float and float-had. */
hg_core_kind hr_kind_core(hr_kind k);

/* One head as a core sees it, handed to a tap after the head is computed. All pointers are
   valid only during the call. */
typedef struct hr_head_io {
    int layer, head, n_tok;
    const hg_cfg *cfg;    /* the core configuration */
    const hm_run *run;    /* run-time state: n_keys, etab / exp parameters */
    const uint8_t *q, *k; /* n_tok packed queries / keys, hm_key_bytes(cfg) each */
    const int8_t *v;      /* n_tok x d int8 values */
    const int32_t *out;   /* n_tok x d core outputs (OW bits, sign-extended) */
    double alpha;         /* HAD: score step of the exp table (alpha_c) */
    double s_q, s_k, s_v; /* int8 scales (s_q, s_k used by the int8 cores only); s_v: the
                             value scale of the core's V (of vb bits) */
    const float *s_v_ch;  /* per-channel value scales (d), or NULL (one per head: s_v) */
    const double *logit;  /* HAD: the learned weight table (d + 1) that made run->etab, or
                             NULL (alpha's) */
} hr_head_io;

typedef void (*hr_tap_fn)(void *ctx, const hr_head_io *io);

/* Statistics of one head since open (or the last hr_backend_reset). */
typedef struct hr_head_stats {
    long calls;            /* times the head was computed (sentences) */
    long queries;          /* queries computed */
    double recall_sum;     /* sum over queries of the top-N recall */
    long queries_sel;      /* queries of heads with more keys than N (selection acts) */
    double recall_sum_sel; /* ... and the sum of their recall */
    uint64_t cycles;       /* RTL: all cycles (configuration + load + queries); system: the layer's
                              cycles, split evenly over its heads */
    uint64_t cycles_cfg, cycles_load, cycles_query;
    long mismatches; /* RTL with checking: output values != golden */
} hr_head_stats;

typedef struct hr_backend hr_backend;

/* Opens a backend of kind k for a model with n_layers x n_heads heads. core: a finished
 * configuration (hg_cfg_finish) whose d equals the model's head dimension; its core type is
 * replaced by the backend's. cal: calibration of the model (kept by pointer; must outlive
 * the backend; unused by float; float-had uses only sigma_q, sigma_k). so: simulator options (RTL only; NULL for defaults).
 * check: RTL backends also run the golden model and count mismatching outputs. Returns
 * NULL with a message in err (configuration invalid for the core type, calibration shape
 * differs, simulator build failure). */
/* Options of the simulated backends: the bare core's simulator (rtl-*) and the system model
   (sys-*: ss_opts_default of the backend's configuration with these changes; 0 or NULL keeps
   the default). */
typedef struct hr_sim_opts {
    hs_opts rtl;
    int sys_cores;
    double sys_clock_mhz;
    const char *sys_dram; /* a preset of ss_dram.h */
} hr_sim_opts;

hr_backend *hr_backend_open(hr_kind k, const hg_cfg *core, const hr_calib *cal, const hr_sim_opts *so,
                            int check, char *err, size_t errsz);

/* The backend's attention function (an enc_attn_fn; ctx is the hr_backend). On failure it
 * returns -1 and the reason is in hr_backend_error(). The system backends compute whole
 * layers: hr_attn fails for them. */
int hr_attn(void *ctx, int layer, int head, int n_tok, int d, const float *Q, const float *K, const float *V,
            float *O);

/* The layer function of a system backend (an enc_layer_attn_fn; ctx is the hr_backend): every
 * head of the layer through the system model at once. Errors as hr_attn. */
int hr_attn_layer(void *ctx, int layer, int n_heads, int n_tok, int d, const float *const *Q,
                  const float *const *K, const float *const *V, float *const *O);

/* hr_attn_layer for the system backends, NULL for the others (the encoder's layer hook). */
enc_layer_attn_fn hr_backend_layer_fn(const hr_backend *b);

/* System backends: the sum of the system model's figures of every call of layer (layer < 0:
   of all layers) since open or reset, and the number of calls. Returns 0, or -1 for another
   backend. */
int hr_backend_sys_stats(const hr_backend *b, int layer, ss_layer_stats *sum, long *calls);

/* The last error of hr_attn ("" if none), beginning with the backend name ("rtl-had: ...").
 * Can't fail. */
const char *hr_backend_error(const hr_backend *b);

/* Kind and core configuration of b. Can't fail. */
hr_kind hr_backend_kind(const hr_backend *b);
const hg_cfg *hr_backend_cfg(const hr_backend *b);

/* Calls tap after every head computed by a core backend (golden or RTL; NULL: none).
   Can't fail. */
void hr_backend_set_tap(hr_backend *b, hr_tap_fn tap, void *ctx);

/* Core backends: V quantized with one scale per head (per_channel 0, the default) or one per
   channel of V (1: the calibration's s_v_ch; each output dimension is a weighted mean of one
   V channel, so the host applies the channel's scale to it and the core is unchanged).
   The float backends ignore it. Returns 0, or -1 (hr_backend_error) when the calibration has
   no per-channel scales. */
int hr_backend_set_v_scale(hr_backend *b, int per_channel);

/* HAD backends (float-had, golden-had, rtl-had): the score step per matching bit of (layer,
 * head) becomes alpha_c[layer * n_heads + head] (a distilled model's alpha / sqrt(d),
 * hr_hadmodel.h) instead of the calibration's sigma_q * sigma_k / sqrt(d). alpha_c is kept
 * by pointer (n_layers * n_heads values > 0; must outlive b); NULL restores the
 * calibration's. Other backends ignore it. Can't fail. */
void hr_backend_set_alpha(hr_backend *b, const double *alpha_c);

/* HAD backends: what a distilled model binarizes (hr_hadmodel.h center; HM_CENTER_* bits of
 * hm_golden.h, 0: the projections): keys, and queries, minus their mean over the head's tokens
 * before the sign, in float-had's reference and in the golden, RTL and system cores' inputs.
 * Other backends ignore it. Returns 0, or -1 (hr_backend_error) when out of memory. */
int hr_backend_set_center(hr_backend *b, int center);

/* HAD backends: a distilled model's learned weight tables (hr_hadmodel.h etab_logit,
 * n_layers * n_heads tables of d + 1 log weights, kept by pointer) replace the alpha's exp
 * table: golden-had and rtl-had load hm_had_etab_log's table, float-had runs
 * hm_ref_had_tab. NULL: alpha's tables. Other backends ignore it. Can't fail. */
void hr_backend_set_table(hr_backend *b, const double *logit);

/* Statistics of (layer, head), both in range (asserted). Can't fail. */
const hr_head_stats *hr_backend_stats(const hr_backend *b, int layer, int head);

/* Sum of the statistics of every head of layer (layer < 0: of all layers). Can't fail. */
void hr_backend_total(const hr_backend *b, int layer, hr_head_stats *sum);

/* Seconds spent inside hr_attn since open or reset. Can't fail. */
double hr_backend_seconds(const hr_backend *b);

/* Clears the statistics and the time. Can't fail. */
void hr_backend_reset(hr_backend *b);

/* Closes b (and its simulator). b may be NULL. */
void hr_backend_close(hr_backend *b);

/* Top-N recall of one query (helper of the backends, exposed for tests): kept[0..n_kept-1]
 * are the kept key indices; fscore[0..n_k-1] the float scores q.k. Returns
 * |kept ∩ T| / |T|, where T holds the min(n, n_k) keys with the largest float score (ties:
 * lower index). */
double hr_recall(int n_k, int n, const float *fscore, const int *kept, int n_kept);

/* Keys a top-N core keeps for one query, by docs/spec.md 4.1 (highest score first, ties:
 * lower index): writes min(n, n_k) indices to sel and returns their count. */
int hr_select(int n_k, int n, const int32_t *score, int *sel);

#ifdef __cplusplus
}
#endif
#endif /* HR_ATTN_H */
