/* hr_eval.c — runs a corpus through attention backends and measures their fidelity. */
#include "hg_util.h"
#include "hr_eval.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Observer state: the reference run stores each layer's attention output; a backend run
 * accumulates its squared difference from it. */
typedef struct obs {
    int n_layers, hidden;
    float *ref;        /* n_layers x max_tok x hidden */
    size_t stride;     /* max_tok x hidden */
    double *num, *den; /* n_layers, of the backend being measured (NULL: reference) */
} obs;

static int observe(void *ctx, int layer, int n_tok, int hidden, const float *attn, const float *hs)
{
    (void)hs;
    obs *o = ctx;
    float *ref = o->ref + (size_t)layer * o->stride;
    size_t n = (size_t)n_tok * (size_t)hidden;
    if (!o->num) {
        memcpy(ref, attn, n * sizeof *ref);
        return 0;
    }
    double num = 0.0, den = 0.0;
    for (size_t i = 0; i < n; i++) {
        double df = (double)attn[i] - (double)ref[i];
        num += df * df;
        den += (double)ref[i] * (double)ref[i];
    }
    o->num[layer] += num;
    o->den[layer] += den;
    return 0;
}

void hr_result_free(hr_result *r)
{
    free(r->layer_err);
    free(r->recall_layer);
    free(r->emb);
    free(r->nn);
    free(r->nn_ref);
    free(r->nn_ref_margin);
    free(r->nn_ref2);
    free(r->sent_cycles);
    free(r->cycles_layer);
    free(r->cycles_hl);
    free(r->sys_layer);
    memset(r, 0, sizeof *r);
}

static int result_init(hr_result *r, hr_kind k, const bcfg_config *mc, int n_sent)
{
    memset(r, 0, sizeof *r);
    r->kind = k;
    r->n_layers = mc->n_layers;
    r->n_heads = mc->n_heads;
    r->n_sent = n_sent;
    r->hidden = mc->hidden;
    size_t nl = (size_t)mc->n_layers;
    r->layer_err = calloc(nl, sizeof *r->layer_err);
    r->recall_layer = calloc(nl, sizeof *r->recall_layer);
    r->emb = calloc((size_t)n_sent * (size_t)mc->hidden, sizeof *r->emb);
    r->nn = calloc((size_t)n_sent, sizeof *r->nn);
    r->nn_ref = calloc((size_t)n_sent, sizeof *r->nn_ref);
    r->nn_ref_margin = calloc((size_t)n_sent, sizeof *r->nn_ref_margin);
    r->nn_ref2 = calloc((size_t)n_sent, sizeof *r->nn_ref2);
    r->sent_cycles = calloc((size_t)n_sent, sizeof *r->sent_cycles);
    r->cycles_layer = calloc(nl, sizeof *r->cycles_layer);
    r->cycles_hl = calloc(nl * (size_t)mc->n_heads, sizeof *r->cycles_hl);
    if (hr_kind_sys(k)) r->sys_layer = calloc(nl, sizeof *r->sys_layer);
    return r->layer_err && r->recall_layer && r->emb && r->nn && r->nn_ref && r->nn_ref_margin &&
                   r->nn_ref2 && r->sent_cycles && r->cycles_layer && r->cycles_hl &&
                   (r->sys_layer || !hr_kind_sys(k))
               ? 0
               : -1;
}

void hr_eval_nn(const float *emb, int n, int h, int *nn, int *second_nn, double *margin)
{
    for (int i = 0; i < n; i++) {
        int best = -1, have2 = 0, j2 = -1;
        float bc = 0.0f, second = 0.0f;
        for (int j = 0; j < n; j++) {
            if (j == i) continue;
            float c = enc_cosine(emb + (size_t)i * (size_t)h, emb + (size_t)j * (size_t)h, h);
            if (best < 0 || c > bc) { /* a tie keeps the lower j */
                if (best >= 0) {
                    second = bc;
                    j2 = best;
                    have2 = 1;
                }
                best = j;
                bc = c;
            } else if (!have2 || c > second) {
                second = c;
                j2 = j;
                have2 = 1;
            }
        }
        nn[i] = best;
        if (second_nn) second_nn[i] = j2;
        if (margin) margin[i] = have2 ? (double)bc - (double)second : NAN;
    }
}

/* sqrt(mean over pairs i < j of (cos(a_i, a_j) - cos(ref_i, ref_j))^2) of n rows of h; -1 if
 * n < 2 or out of memory. */
static double pair_cos_err(const float *a, const float *ref, int n, int h)
{
    if (n < 2) return -1.0;
    double *inv = malloc(2 * (size_t)n * sizeof *inv);
    if (!inv) return -1.0;
    for (int i = 0; i < 2 * n; i++) {
        const float *v = (i < n ? a : ref) + (size_t)(i % n) * (size_t)h;
        double s = 0.0;
        for (int k = 0; k < h; k++) s += (double)v[k] * v[k];
        inv[i] = s > 0.0 ? 1.0 / sqrt(s) : 0.0;
    }
    double sum = 0.0;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) {
            const float *ai = a + (size_t)i * (size_t)h, *aj = a + (size_t)j * (size_t)h;
            const float *ri = ref + (size_t)i * (size_t)h, *rj = ref + (size_t)j * (size_t)h;
            double da = 0.0, dr = 0.0;
            for (int k = 0; k < h; k++) {
                da += (double)ai[k] * aj[k];
                dr += (double)ri[k] * rj[k];
            }
            double e = da * inv[i] * inv[j] - dr * inv[n + i] * inv[n + j];
            sum += e * e;
        }
    free(inv);
    return sqrt(sum / ((double)n * (n - 1) / 2.0));
}

/* sqrt(mean over sentences i of (cos(a_i, a_f) - cos(a_i, a_s) - the reference's margin)^2),
 * f and s the reference's nearest and second-nearest neighbours of i; -1 with fewer than 3
 * sentences. */
static double nn_margin_err(const hr_result *r)
{
    int n = r->n_sent, h = r->hidden;
    if (n < 3) return -1.0;
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
        const float *e = r->emb + (size_t)i * (size_t)h;
        double m = (double)enc_cosine(e, r->emb + (size_t)r->nn_ref[i] * (size_t)h, h) -
                   (double)enc_cosine(e, r->emb + (size_t)r->nn_ref2[i] * (size_t)h, h);
        double d = m - r->nn_ref_margin[i];
        sum += d * d;
    }
    return sqrt(sum / n);
}

/* Fills the summary metrics of r from the embeddings, the error sums and the backend. */
static void finish(hr_result *r, const hr_backend *b, const float *ref_emb, const double *num,
                   const double *den, const hr_corpus *cp)
{
    int n = r->n_sent, h = r->hidden;
    double cs = 0.0;
    r->cos_min = 2.0;
    for (int i = 0; i < n; i++) {
        double c = enc_cosine(r->emb + (size_t)i * (size_t)h, ref_emb + (size_t)i * (size_t)h, h);
        cs += c;
        if (c < r->cos_min) {
            r->cos_min = c;
            r->cos_min_sentence = i;
        }
    }
    r->cos_mean = cs / n;
    r->pair_cos_err = pair_cos_err(r->emb, ref_emb, n, h);
    r->nn_agree = -1.0;
    hr_eval_nn(r->emb, n, h, r->nn, NULL, NULL);
    r->nn_margin_err = nn_margin_err(r);
    if (n >= 2) {
        int same = 0;
        for (int i = 0; i < n; i++) same += r->nn[i] == r->nn_ref[i];
        r->nn_agree = (double)same / n;
    }
    int rec = hr_kind_recall(r->kind);
    hr_head_stats all;
    hr_backend_total(b, -1, &all);
    r->recall = rec && all.queries ? all.recall_sum / (double)all.queries : -1.0;
    r->recall_sel = rec && all.queries_sel ? all.recall_sum_sel / (double)all.queries_sel : -1.0;
    r->mismatches = all.mismatches;
    long calls;
    for (int l = 0; r->sys_layer && l < r->n_layers; l++)
        hr_backend_sys_stats(b, l, &r->sys_layer[l], &calls);
    if (all.calls) {
        r->cycles_head = (double)all.cycles / (double)all.calls;
        r->cycles_head_cfg = (double)all.cycles_cfg / (double)all.calls;
        r->cycles_head_load = (double)all.cycles_load / (double)all.calls;
        r->cycles_head_query = (double)all.cycles_query / (double)all.calls;
    }
    double ct = 0.0;
    for (int i = 0; i < n; i++) ct += (double)r->sent_cycles[i] / cp->n_tok[i];
    r->cycles_token = ct / n;
    for (int l = 0; l < r->n_layers; l++) {
        r->layer_err[l] = den[l] > 0.0 ? sqrt(num[l] / den[l]) : 0.0;
        hr_head_stats ls;
        hr_backend_total(b, l, &ls);
        r->recall_layer[l] = rec && ls.queries ? ls.recall_sum / (double)ls.queries : -1.0;
        r->cycles_layer[l] = (double)ls.cycles / n;
        for (int hd = 0; hd < r->n_heads; hd++) {
            const hr_head_stats *s = hr_backend_stats(b, l, hd);
            r->cycles_hl[l * r->n_heads + hd] = s->calls ? (double)s->cycles / (double)s->calls : 0.0;
        }
    }
}

int hr_evaluate(const enc_model *m, const hr_corpus *cp, hr_backend **b, int nb, hr_result *res,
                float *ref_emb, int progress, char *err, size_t errsz)
{
    return hr_evaluate_models(m, NULL, cp, b, nb, res, ref_emb, progress, err, errsz);
}

int hr_evaluate_models(const enc_model *m, const enc_model *const *bm, const hr_corpus *cp, hr_backend **b,
                       int nb, hr_result *res, float *ref_emb, int progress, char *err, size_t errsz)
{
    const bcfg_config *mc = enc_config(m);
    for (int k = 0; bm && k < nb; k++) {
        const bcfg_config *bc = bm[k] ? enc_config(bm[k]) : mc;
        if (bc->n_layers != mc->n_layers || bc->n_heads != mc->n_heads || bc->hidden != mc->hidden) {
            hg_errf(err, errsz,
                    "backend %s: its model has %d layers x %d heads, hidden %d; the "
                    "reference %d x %d, hidden %d",
                    hr_kind_name(hr_backend_kind(b[k])), bc->n_layers, bc->n_heads, bc->hidden, mc->n_layers,
                    mc->n_heads, mc->hidden);
            return -1;
        }
    }
    size_t nl = (size_t)mc->n_layers, h = (size_t)mc->hidden;
    int max_tok = hr_corpus_max_tokens(cp), rc = 0;
    obs o = {mc->n_layers, mc->hidden, NULL, (size_t)max_tok * h, NULL, NULL};
    o.ref = malloc(nl * o.stride * sizeof *o.ref);
    double *num = calloc(nl * (size_t)nb, sizeof *num), *den = calloc(nl * (size_t)nb, sizeof *den);
    float *remb = malloc((size_t)cp->n * h * sizeof *remb);
    for (int k = 0; k < nb; k++) {
        if (result_init(&res[k], hr_backend_kind(b[k]), mc, cp->n) != 0) rc = -1;
        hr_backend_reset(b[k]);
    }
    if (rc || !o.ref || !num || !den || !remb) {
        hg_errf(err, errsz, "out of memory");
        rc = -1;
    }
    double t_start = now_s();
    for (int i = 0; rc == 0 && i < cp->n; i++) {
        char sub[768];
        o.num = o.den = NULL;
        enc_hooks hk = {NULL, NULL, observe, &o, NULL};
        if (enc_embed(m, cp->ids[i], cp->n_tok[i], &hk, remb + (size_t)i * h, sub, sizeof sub)) {
            hg_errf(err, errsz, "sentence %d, float reference: %s", i + 1, sub);
            rc = -1;
            break;
        }
        for (int k = 0; rc == 0 && k < nb; k++) {
            hr_head_stats s0, s1;
            hr_backend_total(b[k], -1, &s0);
            o.num = num + (size_t)k * nl;
            o.den = den + (size_t)k * nl;
            hk = (enc_hooks){hr_attn, b[k], observe, &o, hr_backend_layer_fn(b[k])};
            double t0 = now_s();
            const enc_model *mk = bm && bm[k] ? bm[k] : m;
            if (enc_embed(mk, cp->ids[i], cp->n_tok[i], &hk, res[k].emb + (size_t)i * h, sub, sizeof sub) !=
                0) {
                const char *be = hr_backend_error(b[k]); /* begins with the backend */
                if (be[0])
                    hg_errf(err, errsz, "sentence %d, backend %s", i + 1, be);
                else
                    hg_errf(err, errsz, "sentence %d, backend %s: %s", i + 1,
                            hr_kind_name(hr_backend_kind(b[k])), sub);
                rc = -1;
            }
            res[k].seconds += now_s() - t0;
            hr_backend_total(b[k], -1, &s1);
            res[k].sent_cycles[i] = s1.cycles - s0.cycles;
        }
        if (progress && ((i + 1) % 8 == 0 || i + 1 == cp->n))
            fprintf(stderr, "hadrun: %d/%d sentences (%.1f s)\n", i + 1, cp->n, now_s() - t_start);
    }
    if (rc == 0 && nb > 0) /* the reference's neighbours, once */
        hr_eval_nn(remb, cp->n, (int)h, res[0].nn_ref, res[0].nn_ref2, res[0].nn_ref_margin);
    for (int k = 0; rc == 0 && k < nb; k++) {
        if (k > 0) {
            memcpy(res[k].nn_ref, res[0].nn_ref, (size_t)cp->n * sizeof *res[k].nn_ref);
            memcpy(res[k].nn_ref_margin, res[0].nn_ref_margin, (size_t)cp->n * sizeof *res[k].nn_ref_margin);
            memcpy(res[k].nn_ref2, res[0].nn_ref2, (size_t)cp->n * sizeof *res[k].nn_ref2);
        }
        res[k].attn_seconds = hr_backend_seconds(b[k]);
        finish(&res[k], b[k], remb, num + (size_t)k * nl, den + (size_t)k * nl, cp);
    }
    if (rc == 0 && ref_emb) memcpy(ref_emb, remb, (size_t)cp->n * h * sizeof *remb);
    if (rc)
        for (int k = 0; k < nb; k++) hr_result_free(&res[k]);
    free(o.ref);
    free(num);
    free(den);
    free(remb);
    return rc;
}

/* ---- JSON ------------------------------------------------------------------------------ */

static cJSON *num_or_null(double v) { return v < 0.0 ? cJSON_CreateNull() : cJSON_CreateNumber(v); }

/* Rounds to 9 significant digits so the file does not depend on the last bits of sums. */
static double r9(double v)
{
    char b[40];
    snprintf(b, sizeof b, "%.9g", v);
    return strtod(b, NULL);
}

/* A system backend's figures per layer: means per sentence of the system model's counts. */
static cJSON *system_json(const hr_result *r)
{
    cJSON *arr = cJSON_CreateArray();
    double n = r->n_sent;
    for (int l = 0; l < r->n_layers; l++) {
        const ss_layer_stats *x = &r->sys_layer[l];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "layer", l);
        cJSON_AddNumberToObject(o, "cycles", r9((double)x->cycles / n));
        cJSON_AddNumberToObject(o, "core_busy", r9((double)x->core_busy / n));
        cJSON_AddNumberToObject(o, "core_wait", r9((double)x->core_wait / n));
        cJSON_AddNumberToObject(o, "core_idle", r9((double)x->core_idle / n));
        cJSON_AddNumberToObject(o, "core_load", r9((double)x->core_load / n));
        cJSON_AddNumberToObject(o, "heads", r9((double)x->heads / n));
        cJSON_AddNumberToObject(o, "keys", r9((double)x->keys / n));
        cJSON_AddNumberToObject(o, "queries", r9((double)x->queries / n));
        cJSON_AddNumberToObject(o, "query_keys", r9((double)x->query_keys / n));
        cJSON_AddNumberToObject(o, "core_util", r9(ss_core_share(x, x->core_busy)));
        cJSON_AddNumberToObject(o, "dram_util", r9(ss_dram_util(x)));
        cJSON_AddNumberToObject(o, "bytes_k", r9((double)x->bytes_k / n));
        cJSON_AddNumberToObject(o, "bytes_v", r9((double)x->bytes_v / n));
        cJSON_AddNumberToObject(o, "bytes_q", r9((double)x->bytes_q / n));
        cJSON_AddNumberToObject(o, "bytes_o", r9((double)x->bytes_o / n));
        cJSON_AddNumberToObject(o, "time_ns", r9(x->time_ns / n));
        cJSON_AddNumberToObject(o, "sram_pj", r9(x->sram_pj / n));
        cJSON_AddNumberToObject(o, "dram_pj", r9(x->dram_pj / n));
        cJSON_AddNumberToObject(o, "roof_compute_ns", r9(x->roof_compute_ns / n));
        cJSON_AddNumberToObject(o, "roof_memory_ns", r9(x->roof_memory_ns / n));
        cJSON_AddStringToObject(o, "bound", ss_bound(x));
        cJSON_AddItemToArray(arr, o);
    }
    cJSON *s = cJSON_CreateObject();
    cJSON_AddItemToObject(s, "per_layer_mean", arr);
    return s;
}

/* Each sentence's nearest neighbour, numbered from 1 as the sentences (null: none). */
static cJSON *nn_json(const hr_result *r)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; a && i < r->n_sent; i++)
        cJSON_AddItemToArray(a, r->nn[i] < 0 ? cJSON_CreateNull() : cJSON_CreateNumber(r->nn[i] + 1));
    return a;
}

/* The sentences whose neighbour differs from the reference's, in sentence order: the
 * sentence, its neighbour here and under the reference (from 1), and the reference's margin
 * (how near a tie the reference's choice was). */
static cJSON *nn_lost_json(const hr_result *r)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; a && i < r->n_sent; i++) {
        if (r->nn[i] == r->nn_ref[i]) continue;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "sentence", i + 1);
        cJSON_AddNumberToObject(o, "neighbour", r->nn[i] + 1);
        cJSON_AddNumberToObject(o, "reference_neighbour", r->nn_ref[i] + 1);
        double m = r->nn_ref_margin[i];
        cJSON_AddItemToObject(o, "reference_margin",
                              isnan(m) ? cJSON_CreateNull() : cJSON_CreateNumber(r9(m)));
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

cJSON *hr_result_json(const hr_result *r, int with_heads)
{
    cJSON *o = cJSON_CreateObject(), *le = cJSON_CreateArray(), *rl = cJSON_CreateArray();
    if (!o || !le || !rl) {
        cJSON_Delete(o);
        cJSON_Delete(le);
        cJSON_Delete(rl);
        return NULL;
    }
    cJSON_AddStringToObject(o, "backend", hr_kind_name(r->kind));
    cJSON_AddNumberToObject(o, "sentences", r->n_sent);
    for (int l = 0; l < r->n_layers; l++) {
        cJSON_AddItemToArray(le, cJSON_CreateNumber(r9(r->layer_err[l])));
        cJSON_AddItemToArray(rl, num_or_null(r9(r->recall_layer[l])));
    }
    cJSON_AddItemToObject(o, "attn_rel_err", le);
    cJSON_AddItemToObject(o, "recall", num_or_null(r9(r->recall)));
    cJSON_AddItemToObject(o, "recall_layer", rl);
    cJSON_AddItemToObject(o, "recall_selective", num_or_null(r9(r->recall_sel)));
    cJSON_AddNumberToObject(o, "cos_mean", r9(r->cos_mean));
    cJSON_AddNumberToObject(o, "cos_min", r9(r->cos_min));
    cJSON_AddNumberToObject(o, "cos_min_sentence", r->cos_min_sentence + 1);
    cJSON_AddItemToObject(o, "nn_agree", num_or_null(r9(r->nn_agree)));
    cJSON_AddItemToObject(o, "pair_cos_err", num_or_null(r9(r->pair_cos_err)));
    cJSON_AddItemToObject(o, "nn_margin_err", num_or_null(r9(r->nn_margin_err)));
    cJSON_AddItemToObject(o, "nn", nn_json(r));
    cJSON_AddItemToObject(o, "nn_lost", nn_lost_json(r));
    if (r->sys_layer) cJSON_AddItemToObject(o, "system", system_json(r));
    if (hr_kind_rtl(r->kind) || hr_kind_sys(r->kind)) {
        cJSON *cy = cJSON_CreateObject(), *cl = cJSON_CreateArray(), *cs = cJSON_CreateArray();
        double tot = 0.0;
        for (int i = 0; i < r->n_sent; i++) {
            tot += (double)r->sent_cycles[i];
            cJSON_AddItemToArray(cs, cJSON_CreateNumber((double)r->sent_cycles[i]));
        }
        cJSON_AddNumberToObject(cy, "total", tot);
        cJSON_AddNumberToObject(cy, "per_sentence_mean", r9(tot / r->n_sent));
        cJSON_AddNumberToObject(cy, "per_token_mean", r9(r->cycles_token));
        cJSON_AddNumberToObject(cy, "per_head_mean", r9(r->cycles_head));
        cJSON *ph = cJSON_CreateObject();
        cJSON_AddNumberToObject(ph, "config", r9(r->cycles_head_cfg));
        cJSON_AddNumberToObject(ph, "load", r9(r->cycles_head_load));
        cJSON_AddNumberToObject(ph, "queries", r9(r->cycles_head_query));
        cJSON_AddItemToObject(cy, "per_head_mean_by_phase", ph);
        for (int l = 0; l < r->n_layers; l++)
            cJSON_AddItemToArray(cl, cJSON_CreateNumber(r9(r->cycles_layer[l])));
        cJSON_AddItemToObject(cy, "per_layer_mean", cl);
        cJSON_AddItemToObject(cy, "per_sentence", cs);
        if (with_heads) {
            cJSON *hl = cJSON_CreateArray();
            for (int l = 0; l < r->n_layers; l++) {
                cJSON *row = cJSON_CreateArray();
                for (int hd = 0; hd < r->n_heads; hd++)
                    cJSON_AddItemToArray(row, cJSON_CreateNumber(r9(r->cycles_hl[l * r->n_heads + hd])));
                cJSON_AddItemToArray(hl, row);
            }
            cJSON_AddItemToObject(cy, "per_head_mean_by_layer", hl);
        }
        cJSON_AddItemToObject(o, "cycles", cy);
        cJSON_AddNumberToObject(o, "mismatches", (double)r->mismatches);
    }
    return o;
}
