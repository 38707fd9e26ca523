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
    int check;
    int n_layers, n_heads;
    hr_head_stats *st; /* n_layers * n_heads */
    hr_tap_fn tap;
    void *tap_ctx;
    const double *alpha_c; /* HAD: per-head score step of a distilled model, or NULL */
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
#define HG_CORE(kind, name, short_name, summary) "golden-" name,
#include "hg_cores.def"
#undef HG_CORE
#define HG_CORE(kind, name, short_name, summary) "rtl-" name,
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

int hr_kind_rtl(hr_kind k) { return k >= HR_RTL_HAD && k < HR_NKINDS; }

hg_core_kind hr_kind_core(hr_kind k)
{
    if (k >= HR_RTL_HAD && k < HR_NKINDS) return (hg_core_kind)(k - HR_RTL_HAD);
    if (k >= HR_GOLDEN_HAD && k < HR_RTL_HAD) return (hg_core_kind)(k - HR_GOLDEN_HAD);
    return HG_CORE_HAD;
}

int hr_kind_recall(hr_kind k) { return k == HR_FLOAT || hr_kind_core(k) != HG_CORE_BASELINE; }

int hr_kind_had(hr_kind k) { return k == HR_FLOAT_HAD || k == HR_GOLDEN_HAD || k == HR_RTL_HAD; }

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
    free(b);
}

hr_backend *hr_backend_open(hr_kind k, const hg_cfg *core, const hr_calib *cal, const hs_opts *so, int check,
                            char *err, size_t errsz)
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
    b->cfg.core = hr_kind_core(k);
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
        hs_opts o = so ? *so : (hs_opts){0};
        b->sim = hs_open(&b->cfg, &o, sub, sizeof sub);
        if (!b->sim) {
            hg_errf(err, errsz, "%s: %s", hr_kind_name(k), sub);
            hr_backend_close(b);
            return NULL;
        }
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

void hr_backend_set_alpha(hr_backend *b, const double *alpha_c) { b->alpha_c = alpha_c; }

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

/* Quantizes a head into the core's inputs and run-time state (alpha: the HAD score step). */
static void quantize(hr_backend *b, const hr_head_cal *e, int n_tok, const float *Q, const float *K,
                     const float *V, hm_run *run, double alpha)
{
    const hg_cfg *c = &b->cfg;
    size_t kb = (size_t)hm_key_bytes(c), d = (size_t)c->d;
    memset(run, 0, sizeof *run);
    run->n_keys = n_tok;
    for (int i = 0; i < n_tok; i++) {
        const float *q = Q + (size_t)i * d, *k = K + (size_t)i * d;
        if (c->core == HG_CORE_HAD) {
            hm_sign_pack(c->d, q, b->q + (size_t)i * kb);
            hm_sign_pack(c->d, k, b->k + (size_t)i * kb);
        } else {
            hm_quant_i8(c->d, q, (float)e->s_q, (int8_t *)(b->q + (size_t)i * kb));
            hm_quant_i8(c->d, k, (float)e->s_k, (int8_t *)(b->k + (size_t)i * kb));
        }
        hm_quant_i8(c->d, V + (size_t)i * d, (float)e->s_v, b->v + (size_t)i * d);
    }
    if (c->core == HG_CORE_HAD)
        hm_had_etab(c, alpha, run->etab);
    else
        hm_exp_params(c, e->s_q, e->s_k, &run->exp_mul, &run->exp_shift);
}

/* Runs the head on the simulator; adds cycles to st, and mismatches if checking. */
static int run_rtl(hr_backend *b, hr_head_stats *st, const hm_run *run, int n_tok)
{
    const hg_cfg *c = &b->cfg;
    hs_stats s0, s1;
    char sub[512];
    hs_get_stats(b->sim, &s0);
    if (hs_load(b->sim, run, b->k, b->v, sub, sizeof sub) != 0 ||
        hs_run(b->sim, n_tok, b->q, b->out, sub, sizeof sub) != 0) {
        hg_errf(b->err, sizeof b->err, "%s: %s", hr_kind_name(b->kind), sub);
        return -1;
    }
    hs_get_stats(b->sim, &s1);
    st->cycles += s1.cycles - s0.cycles;
    st->cycles_cfg += s1.cycles_cfg - s0.cycles_cfg;
    st->cycles_load += s1.cycles_load - s0.cycles_load;
    st->cycles_query += s1.cycles_query - s0.cycles_query;
    if (!b->check) return 0;
    size_t kb = (size_t)hm_key_bytes(c);
    for (int i = 0; i < n_tok; i++) {
        hm_attend(c, run, b->q + (size_t)i * kb, b->k, b->v, b->gold, NULL);
        for (int j = 0; j < c->d; j++)
            st->mismatches += b->gold[j] != b->out[(size_t)i * (size_t)c->d + (size_t)j];
    }
    return 0;
}

/* Adds the top-N recall of every query of a head whose packed keys and queries are in
   b->k, b->q: the keys the core keeps (its scores, docs/spec.md 4.1) against the float
   top-N of Q, K. */
static void core_recall(hr_backend *b, hr_head_stats *st, int n_tok, const float *Q, const float *K)
{
    const hg_cfg *c = &b->cfg;
    size_t kb = (size_t)hm_key_bytes(c);
    for (int i = 0; i < n_tok; i++) {
        for (int j = 0; j < n_tok; j++)
            b->score[j] = hm_score(c, b->q + (size_t)i * kb, b->k + (size_t)j * kb);
        int ns = hr_select(n_tok, c->n, b->score, b->sel);
        float_scores(n_tok, c->d, Q, K, i, b->fscore);
        add_recall(st, n_tok, c->n, hr_recall(n_tok, c->n, b->fscore, b->sel, ns));
    }
}

/* float-had: hm_ref_had per query (sign bits, scores alpha_c (2m - d), top-N with the
   spec's tie rule, softmax and V in float); recall as the HAD core's, whose selection is
   the same (the ranking by alpha_c (2m - d), alpha_c > 0, is the ranking by m). */
static int attn_float_had(hr_backend *b, hr_head_stats *st, int layer, int head, int n_tok, const float *Q,
                          const float *K, const float *V, float *O)
{
    const hg_cfg *c = &b->cfg;
    size_t kb = (size_t)hm_key_bytes(c), d = (size_t)c->d;
    double alpha = had_alpha(b, layer, head);
    for (int i = 0; i < n_tok; i++) {
        hm_ref_had(c->d, n_tok, c->n, Q + (size_t)i * d, K, V, alpha, O + (size_t)i * d);
        hm_sign_pack(c->d, Q + (size_t)i * d, b->q + (size_t)i * kb);
        hm_sign_pack(c->d, K + (size_t)i * d, b->k + (size_t)i * kb);
    }
    core_recall(b, st, n_tok, Q, K);
    st->queries += n_tok;
    return 0;
}

/* Golden or RTL core backend. */
static int attn_core(hr_backend *b, hr_head_stats *st, int layer, int head, int n_tok, const float *Q,
                     const float *K, const float *V, float *O)
{
    const hg_cfg *c = &b->cfg;
    const hr_head_cal *e = hr_calib_head(b->cal, layer, head);
    size_t kb = (size_t)hm_key_bytes(c), d = (size_t)c->d;
    hm_run run;
    double alpha = had_alpha(b, layer, head);
    quantize(b, e, n_tok, Q, K, V, &run, alpha);
    if (b->sim) {
        if (run_rtl(b, st, &run, n_tok) != 0) return -1;
    } else {
        for (int i = 0; i < n_tok; i++)
            hm_attend(c, &run, b->q + (size_t)i * kb, b->k, b->v, b->out + (size_t)i * d, NULL);
    }
    double unit = ldexp(e->s_v, -c->of);
    for (size_t i = 0; i < (size_t)n_tok * d; i++) O[i] = (float)((double)b->out[i] * unit);
    if (hg_cfg_topn(c)) core_recall(b, st, n_tok, Q, K);
    st->queries += n_tok;
    if (b->tap) {
        hr_head_io io = {layer, head,   n_tok, c,      &run,   b->q,  b->k,
                         b->v,  b->out, alpha, e->s_q, e->s_k, e->s_v};
        b->tap(b->tap_ctx, &io);
    }
    return 0;
}

int hr_attn(void *ctx, int layer, int head, int n_tok, int d, const float *Q, const float *K, const float *V,
            float *O)
{
    hr_backend *b = ctx;
    if (layer < 0 || layer >= b->n_layers || head < 0 || head >= b->n_heads) {
        hg_errf(b->err, sizeof b->err, "%s: layer %d head %d outside the calibration's %d x %d",
                hr_kind_name(b->kind), layer, head, b->n_layers, b->n_heads);
        return -1;
    }
    if (d != b->cfg.d) {
        hg_errf(b->err, sizeof b->err, "%s: head dimension %d, the core has d=%d", hr_kind_name(b->kind), d,
                b->cfg.d);
        return -1;
    }
    if (n_tok < 1 || n_tok > b->cfg.l) {
        hg_errf(b->err, sizeof b->err, "%s: %d tokens, the core holds 1..%d keys (--max-keys)",
                hr_kind_name(b->kind), n_tok, b->cfg.l);
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
