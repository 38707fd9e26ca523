/* hr_attn.c — attention backends: float, golden cores, simulated cores. */
#include "hg_util.h"
#include "hr_attn.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "enc_bert.h"

struct hr_backend {
    hr_kind kind;
    hg_cfg cfg;
    const hr_calib *cal;
    hs_sim *sim; /* RTL backends */
    ss_sys *sys; /* system backends, and per layer: the sum of its figures, the calls */
    ss_layer_stats *sys_st;
    long *sys_calls;
    /* system backends: every head's inputs and outputs, n_heads blocks of the work buffers */
    uint8_t *lq, *lk;
    int8_t *lv;
    int32_t *lout;
    hm_run *lrun;
    float *lvs; /* every head's value scales, HG_D_MAX a head */
    ss_head *lheads;
    int check;
    int n_layers, n_heads;
    hr_head_stats *st; /* n_layers * n_heads */
    hr_tap_fn tap;
    void *tap_ctx;
    const double *alpha_c; /* HAD: per-head score step of a distilled model, or NULL */
    int v_channel;         /* V scales per channel (hr_backend_set_v_scale), else per head */
    const double *logit;   /* HAD: per-head learned weight tables (d + 1 each), or NULL */
    int center;            /* HAD: what is centred before the sign (HM_CENTER_* bits) */
    float *cq, *ck;        /* ... the centred queries and keys, cfg.l x d each */
    double secs;
    char err[512];
    /* work buffers for up to cfg.l tokens */
    uint8_t *q, *k;
    int8_t *v;
    int32_t *out, *gold, *score;
    float *fscore;
    int *sel, *ftop;
};

static const char *const kind_names[HR_NKINDS] = {
    "float",
    "float-had",
#define HG_CORE(kind, name, short_name, sel, summary) "golden-" name,
#include "hg_cores.def"
#undef HG_CORE
#define HG_CORE(kind, name, short_name, sel, summary) "rtl-" name,
#include "hg_cores.def"
#undef HG_CORE
#define HG_CORE(kind, name, short_name, sel, summary) "sys-" name,
#include "hg_cores.def"
#undef HG_CORE
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- kinds ----------------------------------------------------------------------------- */

const char *hr_kind_name(hr_kind k) { return k >= 0 && k < HR_NKINDS ? kind_names[k] : "?"; }

int hr_kind_parse(const char *s, hr_kind *k)
{
    for (int i = 0; i < HR_NKINDS; i++)
        if (strcmp(s, kind_names[i]) == 0) {
            *k = (hr_kind)i;
            return 0;
        }
    return -1;
}

char *hr_kind_names(char *buf, size_t n, hr_kind first, hr_kind last, const char *sep)
{
    size_t at = 0;
    if (n) buf[0] = '\0';
    for (int i = first; i < (int)last && i < HR_NKINDS && at < n; i++) {
        int w = snprintf(buf + at, n - at, "%s%s", i == (int)first ? "" : sep, kind_names[i]);
        at += w > 0 ? (size_t)w : 0;
    }
    return buf;
}

int hr_kind_rtl(hr_kind k) { return k >= HR_RTL_HAD && k < HR_SYS_HAD; }

int hr_kind_sys(hr_kind k) { return k >= HR_SYS_HAD && k < HR_NKINDS; }

hg_core_kind hr_kind_core(hr_kind k)
{
    if (k >= HR_SYS_HAD && k < HR_NKINDS) return (hg_core_kind)(k - HR_SYS_HAD);
    if (k >= HR_RTL_HAD && k < HR_SYS_HAD) return (hg_core_kind)(k - HR_RTL_HAD);
    if (k >= HR_GOLDEN_HAD && k < HR_RTL_HAD) return (hg_core_kind)(k - HR_GOLDEN_HAD);
    return HG_CORE_HAD;
}

int hr_kind_recall(hr_kind k) { return k == HR_FLOAT || hr_kind_core(k) != HG_CORE_BASELINE; }

int hr_kind_had(hr_kind k)
{
    return k == HR_FLOAT_HAD || k == HR_GOLDEN_HAD || k == HR_RTL_HAD || k == HR_SYS_HAD;
}

/* ---- selection and recall --------------------------------------------------------------- */

/* Top min(n, n_k) of s[] (float or int32 via the macro), best first, ties: lower index. */
#define TOPN_BODY                                                                                            \
    int m = n < n_k ? n : n_k, cnt = 0;                                                                      \
    for (int j = 0; j < n_k; j++) {                                                                          \
        if (cnt == m && !(s[j] > s[sel[m - 1]])) continue;                                                   \
        int pos = cnt < m ? cnt++ : m - 1;                                                                   \
        while (pos > 0 && s[j] > s[sel[pos - 1]]) {                                                          \
            sel[pos] = sel[pos - 1];                                                                         \
            pos--;                                                                                           \
        }                                                                                                    \
        sel[pos] = j;                                                                                        \
    }                                                                                                        \
    return cnt;

int hr_select(int n_k, int n, const int32_t *s, int *sel) { TOPN_BODY }

static int select_f(int n_k, int n, const float *s, int *sel) { TOPN_BODY }

double hr_recall(int n_k, int n, const float *fscore, const int *kept, int n_kept)
{
    int top[HG_L_MAX];
    int nt = select_f(n_k, n < HG_L_MAX ? n : HG_L_MAX, fscore, top), hit = 0;
    for (int a = 0; a < nt; a++)
        for (int b = 0; b < n_kept; b++)
            if (kept[b] == top[a]) {
                hit++;
                break;
            }
    return nt ? (double)hit / nt : 1.0;
}

/* ---- open / close ---------------------------------------------------------------------- */

void hr_backend_close(hr_backend *b)
{
    if (!b) return;
    hs_close(b->sim);
    ss_close(b->sys);
    free(b->sys_st);
    free(b->sys_calls);
    free(b->lq);
    free(b->lk);
    free(b->lv);
    free(b->lout);
    free(b->lrun);
    free(b->lvs);
    free(b->lheads);
    free(b->st);
    free(b->q);
    free(b->k);
    free(b->v);
    free(b->out);
    free(b->gold);
    free(b->score);
    free(b->fscore);
    free(b->sel);
    free(b->ftop);
    free(b->cq);
    free(b->ck);
    free(b);
}

/* The system model of a sys-<core> backend and its per-layer buffers. */
static int open_sys(hr_backend *b, const hr_sim_opts *so, char *err, size_t n)
{
    ss_opts o;
    ss_opts_default(&b->cfg, &o);
    if (so) {
        o.cache_dir = so->rtl.cache_dir;
        o.quiet = so->rtl.quiet;
        if (so->sys_cores) o.cores = so->sys_cores;
        if (so->sys_clock_mhz > 0) o.clock_mhz = so->sys_clock_mhz;
        if (so->sys_dram) {
            const ss_dram_params *p = ss_dram_find(so->sys_dram);
            if (!p) {
                hg_errf(err, n, "DRAM '%s': not a preset (hgsys --list-dram prints them)", so->sys_dram);
                return -1;
            }
            o.dram = *p;
        }
    }
    size_t nh = (size_t)b->n_heads, L = (size_t)b->cfg.l, kb = (size_t)hm_key_bytes(&b->cfg),
           d = (size_t)b->cfg.d;
    b->sys_st = calloc((size_t)b->n_layers, sizeof *b->sys_st);
    b->sys_calls = calloc((size_t)b->n_layers, sizeof *b->sys_calls);
    b->lq = malloc(nh * L * kb);
    b->lk = malloc(nh * L * kb);
    b->lv = malloc(nh * L * d);
    b->lout = malloc(nh * L * d * sizeof *b->lout);
    b->lrun = calloc(nh, sizeof *b->lrun);
    b->lvs = calloc(nh * HG_D_MAX, sizeof *b->lvs);
    b->lheads = calloc(nh, sizeof *b->lheads);
    if (!b->sys_st || !b->sys_calls || !b->lq || !b->lk || !b->lv || !b->lout || !b->lrun || !b->lvs ||
        !b->lheads) {
        hg_errf(err, n, "out of memory");
        return -1;
    }
    b->sys = ss_open(&b->cfg, &o, err, n);
    return b->sys ? 0 : -1;
}

hr_backend *hr_backend_open(hr_kind k, const hg_cfg *core, const hr_calib *cal, const hr_sim_opts *so,
                            int check, char *err, size_t errsz)
{
    if (k < 0 || k >= HR_NKINDS) {
        hg_errf(err, errsz, "unknown backend %d", (int)k);
        return NULL;
    }
    if (!cal || cal->head_dim != core->d) {
        hg_errf(err, errsz, "%s: core d=%d differs from the calibration's head dimension %d", hr_kind_name(k),
                core->d, cal ? cal->head_dim : 0);
        return NULL;
    }
    hr_backend *b = calloc(1, sizeof *b);
    if (!b) {
        hg_errf(err, errsz, "out of memory");
        return NULL;
    }
    b->kind = k;
    b->cal = cal;
    b->check = check;
    b->n_layers = cal->n_layers;
    b->n_heads = cal->n_heads;
    b->cfg = *core;
    hg_cfg_set_core(&b->cfg, hr_kind_core(k));         /* and its selector, unless --selector chose one */
    if (b->cfg.core != HG_CORE_HAD) b->cfg.shadow = 0; /* --etab-shadow: the HAD backends' table */
    if (k != HR_FLOAT && strcmp(core->prefix, hg_core_short(core->core)) == 0)
        b->cfg.prefix[0] = '\0'; /* the default prefix follows the core type */
    char sub[768];
    if (hg_cfg_finish(&b->cfg, sub, sizeof sub) != 0) {
        hg_errf(err, errsz, "%s: %s", hr_kind_name(k), sub);
        hr_backend_close(b);
        return NULL;
    }
    size_t L = (size_t)b->cfg.l, d = (size_t)b->cfg.d, kb = (size_t)hm_key_bytes(&b->cfg);
    b->st = calloc((size_t)b->n_layers * (size_t)b->n_heads, sizeof *b->st);
    b->q = malloc(L * kb);
    b->k = malloc(L * kb);
    b->v = malloc(L * d);
    b->out = malloc(L * d * sizeof *b->out);
    b->gold = malloc(d * sizeof *b->gold);
    b->score = malloc(L * sizeof *b->score);
    b->fscore = malloc(L * sizeof *b->fscore);
    b->sel = malloc(L * sizeof *b->sel);
    b->ftop = malloc(L * sizeof *b->ftop);
    if (!b->st || !b->q || !b->k || !b->v || !b->out || !b->gold || !b->score || !b->fscore || !b->sel ||
        !b->ftop) {
        hg_errf(err, errsz, "out of memory");
        hr_backend_close(b);
        return NULL;
    }
    if (hr_kind_rtl(k)) {
        hs_opts o = so ? so->rtl : (hs_opts){0};
        b->sim = hs_open(&b->cfg, &o, sub, sizeof sub);
        if (!b->sim) {
            hg_errf(err, errsz, "%s: %s", hr_kind_name(k), sub);
            hr_backend_close(b);
            return NULL;
        }
    }
    if (hr_kind_sys(k) && open_sys(b, so, sub, sizeof sub) != 0) {
        hg_errf(err, errsz, "%s: %s", hr_kind_name(k), sub);
        hr_backend_close(b);
        return NULL;
    }
    return b;
}

/* ---- accessors ------------------------------------------------------------------------- */

const char *hr_backend_error(const hr_backend *b) { return b->err; }
hr_kind hr_backend_kind(const hr_backend *b) { return b->kind; }
const hg_cfg *hr_backend_cfg(const hr_backend *b) { return &b->cfg; }
double hr_backend_seconds(const hr_backend *b) { return b->secs; }

void hr_backend_set_tap(hr_backend *b, hr_tap_fn tap, void *ctx)
{
    b->tap = tap;
    b->tap_ctx = ctx;
}

int hr_backend_set_v_scale(hr_backend *b, int per_channel)
{
    if (b->kind == HR_FLOAT || b->kind == HR_FLOAT_HAD) return 0; /* float V: no scale */
    if (per_channel && (!b->cal || !b->cal->s_v_ch)) {
        hg_errf(b->err, sizeof b->err, "%s: the calibration has no per-channel value scales (s_v_ch)",
                hr_kind_name(b->kind));
        return -1;
    }
    b->v_channel = per_channel != 0;
    return 0;
}

void hr_backend_set_alpha(hr_backend *b, const double *alpha_c) { b->alpha_c = alpha_c; }
void hr_backend_set_table(hr_backend *b, const double *logit) { b->logit = logit; }

int hr_backend_set_center(hr_backend *b, int center)
{
    if (!hr_kind_had(b->kind)) return 0;
    if (center && !b->cq) {
        size_t n = (size_t)b->cfg.l * (size_t)b->cfg.d;
        b->cq = malloc(n * sizeof *b->cq);
        b->ck = malloc(n * sizeof *b->ck);
        if (!b->cq || !b->ck) {
            hg_errf(b->err, sizeof b->err, "%s: out of memory", hr_kind_name(b->kind));
            return -1;
        }
    }
    b->center = center;
    return 0;
}

const hr_head_stats *hr_backend_stats(const hr_backend *b, int layer, int head)
{
    assert(layer >= 0 && layer < b->n_layers && head >= 0 && head < b->n_heads);
    return &b->st[layer * b->n_heads + head];
}

void hr_backend_total(const hr_backend *b, int layer, hr_head_stats *sum)
{
    memset(sum, 0, sizeof *sum);
    for (int l = 0; l < b->n_layers; l++) {
        if (layer >= 0 && l != layer) continue;
        for (int h = 0; h < b->n_heads; h++) {
            const hr_head_stats *s = &b->st[l * b->n_heads + h];
            sum->calls += s->calls;
            sum->queries += s->queries;
            sum->recall_sum += s->recall_sum;
            sum->queries_sel += s->queries_sel;
            sum->recall_sum_sel += s->recall_sum_sel;
            sum->cycles += s->cycles;
            sum->cycles_cfg += s->cycles_cfg;
            sum->cycles_load += s->cycles_load;
            sum->cycles_query += s->cycles_query;
            sum->mismatches += s->mismatches;
        }
    }
}

void hr_backend_reset(hr_backend *b)
{
    memset(b->st, 0, (size_t)b->n_layers * (size_t)b->n_heads * sizeof *b->st);
    b->secs = 0.0;
}

/* ---- attention ------------------------------------------------------------------------- */

/* Float scores of query row i against every key. */
static void float_scores(int n_tok, int d, const float *Q, const float *K, int i, float *fs)
{
    const float *q = Q + (size_t)i * (size_t)d;
    for (int j = 0; j < n_tok; j++) {
        const float *k = K + (size_t)j * (size_t)d;
        float s = 0.0f;
        for (int t = 0; t < d; t++) s += q[t] * k[t];
        fs[j] = s;
    }
}

static void add_recall(hr_head_stats *st, int n_tok, int n, double r)
{
    st->recall_sum += r;
    if (n_tok > n) {
        st->recall_sum_sel += r;
        st->queries_sel++;
    }
}

/* Float backend: softmax attention; recall of its own float top-N (1 by definition). */
static int attn_float(hr_backend *b, hr_head_stats *st, int n_tok, int d, const float *Q, const float *K,
                      const float *V, float *O)
{
    if (enc_attn_float(NULL, 0, 0, n_tok, d, Q, K, V, O) != 0) {
        hg_errf(b->err, sizeof b->err, "%s: float attention failed (n_tok %d, d %d)", hr_kind_name(b->kind),
                n_tok, d);
        return -1;
    }
    for (int i = 0; i < n_tok; i++) {
        float_scores(n_tok, d, Q, K, i, b->fscore);
        int nk = select_f(n_tok, b->cfg.n, b->fscore, b->ftop);
        add_recall(st, n_tok, b->cfg.n, hr_recall(n_tok, b->cfg.n, b->fscore, b->ftop, nk));
    }
    st->queries += n_tok;
    return 0;
}

/* HAD score step of (layer, head): the distilled model's alpha_c if set, else the
   calibration's sigma_q * sigma_k / sqrt(d). */
static double had_alpha(const hr_backend *b, int layer, int head)
{
    if (b->alpha_c) return b->alpha_c[layer * b->n_heads + head];
    const hr_head_cal *e = hr_calib_head(b->cal, layer, head);
    return e->sigma_q * e->sigma_k / sqrt((double)b->cfg.d);
}

/* The learned weight table of (layer, head) if the backend has tables, else NULL. */
static const double *had_logit(const hr_backend *b, int layer, int head)
{
    if (!b->logit) return NULL;
    return b->logit + ((size_t)layer * (size_t)b->n_heads + (size_t)head) * (size_t)(b->cfg.d + 1);
}

/* A head's core inputs and outputs: packed queries and keys, int8 values, outputs. */
typedef struct {
    uint8_t *q, *k;
    int8_t *v;
    int32_t *out;
    float *vs; /* the value scales, one a channel (set by quantize) */
} head_buf;

/* The value scales of a head's core, one a channel of V: the calibration's int8 s_v (a
   percentile of |v| / 127; one per head, or per channel with --v-scale channel) spread over the
   core's 2^(vb-1) - 1 levels, so the same percentile is the largest value; rounded to float as
   the quantizer uses them. */
static void v_scales(const hr_backend *b, int layer, int head, float *s)
{
    const hg_cfg *c = &b->cfg;
    const hr_head_cal *e = hr_calib_head(b->cal, layer, head);
    const double *ch = b->v_channel ? hr_calib_v_channels(b->cal, layer, head) : NULL;
    double k = c->vb == 8 ? 1.0 : 127.0 / (double)hm_v_qmax(c);
    for (int i = 0; i < c->d; i++) s[i] = (float)((ch ? ch[i] : e->s_v) * k);
}

/* Quantizes head (layer, head) into the core's inputs x and run-time state (alpha: the HAD
   score step; logit: a learned weight table, which replaces alpha's, or NULL). */
static void quantize(const hr_backend *b, int layer, int head, int n_tok, const float *Q, const float *K,
                     const float *V, hm_run *run, double alpha, const double *logit, const head_buf *x)
{
    const hg_cfg *c = &b->cfg;
    const hr_head_cal *e = hr_calib_head(b->cal, layer, head);
    size_t kb = (size_t)hm_key_bytes(c), d = (size_t)c->d;
    if (c->core == HG_CORE_HAD) hm_center_qk(b->center, n_tok, c->d, Q, K, b->cq, b->ck, &Q, &K);
    v_scales(b, layer, head, x->vs);
    memset(run, 0, sizeof *run);
    run->n_keys = n_tok;
    for (int i = 0; i < n_tok; i++) {
        const float *q = Q + (size_t)i * d, *k = K + (size_t)i * d;
        if (c->core == HG_CORE_HAD) {
            hm_sign_pack(c->d, q, x->q + (size_t)i * kb);
            hm_sign_pack(c->d, k, x->k + (size_t)i * kb);
        } else {
            hm_quant_i8(c->d, q, (float)e->s_q, (int8_t *)(x->q + (size_t)i * kb));
            hm_quant_i8(c->d, k, (float)e->s_k, (int8_t *)(x->k + (size_t)i * kb));
        }
        hm_quant_ch(c->d, V + (size_t)i * d, x->vs, hm_v_qmax(c), x->v + (size_t)i * d);
    }
    if (c->core == HG_CORE_HAD && logit)
        hm_had_etab_log(c, logit, run->etab);
    else if (c->core == HG_CORE_HAD)
        hm_had_etab(c, alpha, run->etab);
    else
        hm_exp_params(c, e->s_q, e->s_k, &run->exp_mul, &run->exp_shift);
}

/* With checking: counts the outputs of a simulated head that differ from the golden model's. */
static void check_head(hr_backend *b, hr_head_stats *st, const hm_run *run, int n_tok, const head_buf *x)
{
    const hg_cfg *c = &b->cfg;
    size_t kb = (size_t)hm_key_bytes(c);
    if (!b->check) return;
    for (int i = 0; i < n_tok; i++) {
        hm_attend(c, run, x->q + (size_t)i * kb, x->k, x->v, b->gold, NULL);
        for (int j = 0; j < c->d; j++)
            st->mismatches += b->gold[j] != x->out[(size_t)i * (size_t)c->d + (size_t)j];
    }
}

/* Runs the head on the simulator; adds cycles to st, and mismatches if checking. */
static int run_rtl(hr_backend *b, hr_head_stats *st, const hm_run *run, int n_tok, const head_buf *x)
{
    hs_stats s0, s1;
    char sub[512];
    hs_get_stats(b->sim, &s0);
    if (hs_load(b->sim, run, x->k, x->v, sub, sizeof sub) != 0 ||
        hs_run(b->sim, n_tok, x->q, x->out, sub, sizeof sub) != 0) {
        hg_errf(b->err, sizeof b->err, "%s: %s", hr_kind_name(b->kind), sub);
        return -1;
    }
    hs_get_stats(b->sim, &s1);
    st->cycles += s1.cycles - s0.cycles;
    st->cycles_cfg += s1.cycles_cfg - s0.cycles_cfg;
    st->cycles_load += s1.cycles_load - s0.cycles_load;
    st->cycles_query += s1.cycles_query - s0.cycles_query;
    check_head(b, st, run, n_tok, x);
    return 0;
}

/* Adds the top-N recall of every query of a head whose packed keys and queries are in x: the
   keys the core keeps (its scores, docs/spec.md 4.1) against the float top-N of Q, K. */
static void core_recall(hr_backend *b, hr_head_stats *st, int n_tok, const float *Q, const float *K,
                        const head_buf *x)
{
    const hg_cfg *c = &b->cfg;
    size_t kb = (size_t)hm_key_bytes(c);
    for (int i = 0; i < n_tok; i++) {
        for (int j = 0; j < n_tok; j++)
            b->score[j] = hm_score(c, x->q + (size_t)i * kb, x->k + (size_t)j * kb);
        int ns = hr_select(n_tok, c->n, b->score, b->sel);
        float_scores(n_tok, c->d, Q, K, i, b->fscore);
        add_recall(st, n_tok, c->n, hr_recall(n_tok, c->n, b->fscore, b->sel, ns));
    }
}

/* float-had: hm_ref_had per query (sign bits, scores alpha_c (2m - d), top-N with the
   spec's tie rule, softmax and V in float); recall as the HAD core's, whose selection is
   the same (the ranking by alpha_c (2m - d), alpha_c > 0, is the ranking by m). With a
   learned weight table, hm_ref_had_tab (kept by m, weighed by the table). */
static int attn_float_had(hr_backend *b, hr_head_stats *st, int layer, int head, int n_tok, const float *Q,
                          const float *K, const float *V, float *O)
{
    const hg_cfg *c = &b->cfg;
    size_t kb = (size_t)hm_key_bytes(c), d = (size_t)c->d;
    double alpha = had_alpha(b, layer, head);
    const double *lg = had_logit(b, layer, head);
    const float *Qb, *Kb; /* what is binarized (centred if the model asks) */
    hm_center_qk(b->center, n_tok, c->d, Q, K, b->cq, b->ck, &Qb, &Kb);
    for (int i = 0; i < n_tok; i++) {
        if (lg)
            hm_ref_had_tab(c->d, n_tok, c->n, Qb + (size_t)i * d, Kb, V, lg, O + (size_t)i * d);
        else
            hm_ref_had(c->d, n_tok, c->n, Qb + (size_t)i * d, Kb, V, alpha, O + (size_t)i * d);
        hm_sign_pack(c->d, Qb + (size_t)i * d, b->q + (size_t)i * kb);
        hm_sign_pack(c->d, Kb + (size_t)i * d, b->k + (size_t)i * kb);
    }
    head_buf x = {b->q, b->k, b->v, b->out, NULL}; /* the keys and queries only */
    core_recall(b, st, n_tok, Q, K, &x);
    st->queries += n_tok;
    return 0;
}

/* The common end of a core head (golden, RTL, system): dequantized outputs, recall, the tap. */
static void core_finish(hr_backend *b, hr_head_stats *st, int layer, int head, int n_tok, const float *Q,
                        const float *K, float *O, const hm_run *run, double alpha, const head_buf *x)
{
    const hg_cfg *c = &b->cfg;
    const hr_head_cal *e = hr_calib_head(b->cal, layer, head);
    const float *vs = x->vs;
    for (size_t i = 0; i < (size_t)n_tok * (size_t)c->d; i++)
        O[i] = (float)((double)x->out[i] * ldexp((double)vs[i % (size_t)c->d], -c->of));
    if (hg_cfg_topn(c)) core_recall(b, st, n_tok, Q, K, x);
    st->queries += n_tok;
    if (b->tap) {
        hr_head_io io = {layer,
                         head,
                         n_tok,
                         c,
                         run,
                         x->q,
                         x->k,
                         x->v,
                         x->out,
                         alpha,
                         e->s_q,
                         e->s_k,
                         vs[0],
                         b->v_channel ? vs : NULL,
                         had_logit(b, layer, head)};
        b->tap(b->tap_ctx, &io);
    }
}

/* Golden or RTL core backend. */
static int attn_core(hr_backend *b, hr_head_stats *st, int layer, int head, int n_tok, const float *Q,
                     const float *K, const float *V, float *O)
{
    const hg_cfg *c = &b->cfg;
    size_t kb = (size_t)hm_key_bytes(c), d = (size_t)c->d;
    float vs[HG_D_MAX];
    head_buf x = {b->q, b->k, b->v, b->out, vs};
    hm_run run;
    double alpha = had_alpha(b, layer, head);
    quantize(b, layer, head, n_tok, Q, K, V, &run, alpha, had_logit(b, layer, head), &x);
    if (b->sim) {
        if (run_rtl(b, st, &run, n_tok, &x) != 0) return -1;
    } else {
        for (int i = 0; i < n_tok; i++)
            hm_attend(c, &run, x.q + (size_t)i * kb, x.k, x.v, x.out + (size_t)i * d, NULL);
    }
    core_finish(b, st, layer, head, n_tok, Q, K, O, &run, alpha, &x);
    return 0;
}

/* Checks the arguments of a call: layer and head in the calibration's range, d and n_tok. */
static int check_call(hr_backend *b, int layer, int head, int n_tok, int d)
{
    if (layer < 0 || layer >= b->n_layers || head < 0 || head >= b->n_heads)
        hg_errf(b->err, sizeof b->err, "%s: layer %d head %d outside the calibration's %d x %d",
                hr_kind_name(b->kind), layer, head, b->n_layers, b->n_heads);
    else if (d != b->cfg.d)
        hg_errf(b->err, sizeof b->err, "%s: head dimension %d, the core has d=%d", hr_kind_name(b->kind), d,
                b->cfg.d);
    else if (n_tok < 1 || n_tok > b->cfg.l)
        hg_errf(b->err, sizeof b->err, "%s: %d tokens, the core holds 1..%d keys (--max-keys)",
                hr_kind_name(b->kind), n_tok, b->cfg.l);
    else
        return 0;
    return -1;
}

/* Adds a layer's figures of the system model to a sum. */
static void add_sys(ss_layer_stats *a, const ss_layer_stats *x)
{
    a->cycles += x->cycles;
    a->core_busy += x->core_busy;
    a->core_wait += x->core_wait;
    a->core_idle += x->core_idle;
    a->core_load += x->core_load;
    a->bytes_k += x->bytes_k;
    a->bytes_v += x->bytes_v;
    a->bytes_q += x->bytes_q;
    a->bytes_o += x->bytes_o;
    a->sram_bits_read += x->sram_bits_read;
    a->sram_bits_written += x->sram_bits_written;
    a->queries += x->queries;
    a->dram_requests += x->dram_requests;
    a->heads += x->heads;
    a->keys += x->keys;
    a->query_keys += x->query_keys;
    a->time_ns += x->time_ns;
    a->dram_busy_ns += x->dram_busy_ns;
    a->dram_pj += x->dram_pj;
    a->sram_pj += x->sram_pj;
    a->roof_compute_ns += x->roof_compute_ns;
    a->roof_memory_ns += x->roof_memory_ns;
}

/* Head h's block of the system backend's layer buffers. */
static head_buf layer_buf(const hr_backend *b, int h)
{
    size_t L = (size_t)b->cfg.l, kb = (size_t)hm_key_bytes(&b->cfg), d = (size_t)b->cfg.d, at = (size_t)h * L;
    return (head_buf){b->lq + at * kb, b->lk + at * kb, b->lv + at * d, b->lout + at * d,
                      b->lvs + (size_t)h * HG_D_MAX};
}

int hr_attn_layer(void *ctx, int layer, int nh, int n_tok, int d, const float *const *Q,
                  const float *const *K, const float *const *V, float *const *O)
{
    hr_backend *b = ctx;
    if (!b->sys) {
        hg_errf(b->err, sizeof b->err, "%s: computes one head at a time, not layers", hr_kind_name(b->kind));
        return -1;
    }
    if (nh != b->n_heads) {
        hg_errf(b->err, sizeof b->err, "%s: %d heads, the calibration has %d", hr_kind_name(b->kind), nh,
                b->n_heads);
        return -1;
    }
    if (check_call(b, layer, 0, n_tok, d) != 0) return -1;
    double t0 = now_s();
    for (int h = 0; h < nh; h++) {
        head_buf x = layer_buf(b, h);
        quantize(b, layer, h, n_tok, Q[h], K[h], V[h], &b->lrun[h], had_alpha(b, layer, h),
                 had_logit(b, layer, h), &x);
        b->lheads[h] = (ss_head){&b->lrun[h], x.k, x.v, n_tok, x.q, x.out};
    }
    ss_layer_stats ls;
    char sub[512];
    if (ss_layer(b->sys, nh, b->lheads, &ls, sub, sizeof sub) != 0) {
        hg_errf(b->err, sizeof b->err, "%s: layer %d: %s", hr_kind_name(b->kind), layer, sub);
        return -1;
    }
    add_sys(&b->sys_st[layer], &ls);
    b->sys_calls[layer]++;
    for (int h = 0; h < nh; h++) {
        hr_head_stats *st = &b->st[layer * b->n_heads + h];
        head_buf x = layer_buf(b, h);
        st->cycles += ls.cycles / (uint64_t)nh + (h == 0 ? ls.cycles % (uint64_t)nh : 0);
        check_head(b, st, &b->lrun[h], n_tok, &x);
        core_finish(b, st, layer, h, n_tok, Q[h], K[h], O[h], &b->lrun[h], had_alpha(b, layer, h), &x);
        st->calls++;
    }
    b->secs += now_s() - t0;
    return 0;
}

enc_layer_attn_fn hr_backend_layer_fn(const hr_backend *b) { return b->sys ? hr_attn_layer : NULL; }

int hr_backend_sys_stats(const hr_backend *b, int layer, ss_layer_stats *sum, long *calls)
{
    if (!b->sys) return -1;
    memset(sum, 0, sizeof *sum);
    *calls = 0;
    for (int l = 0; l < b->n_layers; l++) {
        if (layer >= 0 && l != layer) continue;
        add_sys(sum, &b->sys_st[l]);
        *calls += b->sys_calls[l];
    }
    return 0;
}

int hr_attn(void *ctx, int layer, int head, int n_tok, int d, const float *Q, const float *K, const float *V,
            float *O)
{
    hr_backend *b = ctx;
    if (check_call(b, layer, head, n_tok, d) != 0) return -1;
    if (b->sys) {
        hg_errf(b->err, sizeof b->err, "%s: computes whole layers (hr_attn_layer), not single heads",
                hr_kind_name(b->kind));
        return -1;
    }
    double t0 = now_s();
    hr_head_stats *st = &b->st[layer * b->n_heads + head];
    int rc = b->kind == HR_FLOAT       ? attn_float(b, st, n_tok, d, Q, K, V, O)
             : b->kind == HR_FLOAT_HAD ? attn_float_had(b, st, layer, head, n_tok, Q, K, V, O)
                                       : attn_core(b, st, layer, head, n_tok, Q, K, V, O);
    st->calls++;
    b->secs += now_s() - t0;
    return rc;
}
