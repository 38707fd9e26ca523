/* hr_calib.c — per-head calibration: statistics of the float model's Q, K, V. */
#include "hg_file.h"
#include "hg_util.h"
#include "hr_calib.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "hr_json.h"

const hr_head_cal *hr_calib_head(const hr_calib *c, int layer, int head)
{
    assert(layer >= 0 && layer < c->n_layers && head >= 0 && head < c->n_heads);
    return &c->head[layer * c->n_heads + head];
}

const double *hr_calib_v_channels(const hr_calib *c, int layer, int head)
{
    assert(layer >= 0 && layer < c->n_layers && head >= 0 && head < c->n_heads);
    return c->s_v_ch ? c->s_v_ch + ((size_t)layer * (size_t)c->n_heads + (size_t)head) * (size_t)c->head_dim
                     : NULL;
}

void hr_calib_free(hr_calib *c)
{
    if (!c) return;
    free(c->head);
    free(c->s_v_ch);
    free(c);
}

static hr_calib *calib_new(int n_layers, int n_heads, int head_dim)
{
    hr_calib *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->n_layers = n_layers;
    c->n_heads = n_heads;
    c->head_dim = head_dim;
    c->head = calloc((size_t)n_layers * (size_t)n_heads, sizeof *c->head);
    if (!c->head) {
        free(c);
        return NULL;
    }
    return c;
}

/* ---- collection ------------------------------------------------------------------------ */

/* Growable list of |x| values of one tensor of one head. */
typedef struct absvals {
    float *v;
    size_t n, cap;
    double sum;
} absvals;

typedef struct collect {
    int n_heads;
    absvals *t;  /* (layer * n_heads + head) * 2 + {0: q, 1: k} */
    absvals *ch; /* (layer * n_heads + head) * d + i: channel i of V (the head's V is their union) */
    int oom;
    enc_attn_fn attn; /* attention of the pass (NULL: float) */
    void *attn_ctx;
} collect;

/* Appends |x[0]|, |x[stride]|, ..., n values. */
static int push_abs(absvals *a, const float *x, size_t n, size_t stride)
{
    if (a->n + n > a->cap) {
        size_t nc = a->cap ? a->cap : 4096;
        while (nc < a->n + n) nc *= 2;
        float *p = realloc(a->v, nc * sizeof *p);
        if (!p) return -1;
        a->v = p;
        a->cap = nc;
    }
    for (size_t i = 0; i < n; i++) {
        float ax = fabsf(x[i * stride]);
        a->v[a->n++] = ax;
        a->sum += ax;
    }
    return 0;
}

/* Attention hook of the calibration pass: record |Q|, |K|, |V|, then the pass's attention. */
static int collect_attn(void *ctx, int layer, int head, int n_tok, int d, const float *Q, const float *K,
                        const float *V, float *O)
{
    collect *cc = ctx;
    absvals *a = &cc->t[((size_t)layer * (size_t)cc->n_heads + (size_t)head) * 2];
    size_t n = (size_t)n_tok * (size_t)d;
    int fail = push_abs(&a[0], Q, n, 1) || push_abs(&a[1], K, n, 1);
    absvals *ch = &cc->ch[((size_t)layer * (size_t)cc->n_heads + (size_t)head) * (size_t)d];
    for (int i = 0; !fail && i < d; i++) fail = push_abs(&ch[i], V + i, (size_t)n_tok, (size_t)d);
    if (fail) {
        cc->oom = 1;
        return -1;
    }
    if (cc->attn) return cc->attn(cc->attn_ctx, layer, head, n_tok, d, Q, K, V, O);
    return enc_attn_float(NULL, layer, head, n_tok, d, Q, K, V, O);
}

/* k-th smallest (0-based, k < n) of v[0..n-1], reordering v: quickselect with a
   three-way partition (robust to many equal values). */
static float kth(float *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n;
    while (hi - lo > 1) {
        float piv = v[lo + (hi - lo) / 2], t;
        size_t lt = lo, i = lo, gt = hi;
        while (i < gt) {
            if (v[i] < piv) {
                t = v[lt];
                v[lt++] = v[i];
                v[i++] = t;
            } else if (v[i] > piv) {
                t = v[--gt];
                v[gt] = v[i];
                v[i] = t;
            } else {
                i++;
            }
        }
        if (k < lt)
            hi = lt;
        else if (k >= gt)
            lo = gt;
        else
            return piv;
    }
    return v[lo];
}

/* Percentile pct (nearest rank) of a's values; reorders them. */
static double percentile(absvals *a, double pct)
{
    if (a->n == 0) return 0.0;
    size_t rank = (size_t)ceil(pct / 100.0 * (double)a->n);
    if (rank < 1) rank = 1;
    if (rank > a->n) rank = a->n;
    return kth(a->v, a->n, rank - 1);
}

static double max_of(const absvals *a)
{
    float m = 0.0f;
    for (size_t i = 0; i < a->n; i++)
        if (a->v[i] > m) m = a->v[i];
    return m;
}

/* int8 scale for percentile value p: p / 127 rounded to float, never zero. */
static double scale_of(double p)
{
    float s = (float)(p / 127.0);
    return s > 0.0f ? (double)s : (double)1e-8f;
}

/* The statistics of a head must be finite numbers (the model's activations may overflow,
   or hold NaN, with extreme finite weights); 0, or -1 with a message naming the head. */
static int check_finite(const hr_head_cal *e, int layer, int head, char *err, size_t errsz)
{
    const double v[8] = {e->sigma_q, e->sigma_k, e->s_q, e->s_k, e->s_v, e->max_q, e->max_k, e->max_v};
    static const char *const names[8] = {"sigma_q", "sigma_k", "s_q",   "s_k",
                                         "s_v",     "max_q",   "max_k", "max_v"};
    for (int i = 0; i < 8; i++)
        if (!isfinite(v[i]) || v[i] > HR_CALIB_VALUE_MAX) {
            hg_errf(err, errsz,
                    "calibration of layer %d head %d: %s is %g (the model's Q, K, V "
                    "are not finite or exceed %g); the model cannot be calibrated",
                    layer, head, names[i], v[i], HR_CALIB_VALUE_MAX);
            return -1;
        }
    return 0;
}

hr_calib *hr_calib_compute(const enc_model *m, const hr_corpus *cp, double pct, int progress, char *err,
                           size_t errsz)
{
    return hr_calib_compute_attn(m, cp, pct, NULL, NULL, progress, err, errsz);
}

hr_calib *hr_calib_compute_attn(const enc_model *m, const hr_corpus *cp, double pct, enc_attn_fn attn,
                                void *attn_ctx, int progress, char *err, size_t errsz)
{
    const bcfg_config *mc = enc_config(m);
    if (!(pct >= HR_CALIB_PCT_MIN && pct <= 100.0)) {
        hg_errf(err, errsz, "calibration percentile %g: must be in %g..100", pct, HR_CALIB_PCT_MIN);
        return NULL;
    }
    size_t nh = (size_t)mc->n_layers * (size_t)mc->n_heads, nt = nh * 2, nc = nh * (size_t)mc->head_dim;
    collect cc = {mc->n_heads, calloc(nt, sizeof(absvals)), calloc(nc, sizeof(absvals)), 0, attn, attn_ctx};
    hr_calib *c = calib_new(mc->n_layers, mc->n_heads, mc->head_dim);
    if (c) c->s_v_ch = calloc(nc, sizeof *c->s_v_ch);
    float *out = malloc((size_t)hr_corpus_max_tokens(cp) * (size_t)mc->hidden * sizeof *out);
    int rc = cc.t && cc.ch && c && c->s_v_ch && out ? 0 : -1;
    if (rc) hg_errf(err, errsz, "out of memory");
    enc_hooks hk = {collect_attn, &cc, NULL, NULL, NULL};
    for (int i = 0; rc == 0 && i < cp->n; i++) {
        char sub[512];
        if (enc_forward(m, cp->ids[i], cp->n_tok[i], &hk, out, sub, sizeof sub) != 0) {
            hg_errf(err, errsz, "calibration sentence %d: %s", i + 1, cc.oom ? "out of memory" : sub);
            rc = -1;
        }
        if (progress && ((i + 1) % 16 == 0 || i + 1 == cp->n))
            fprintf(stderr, "calibration: %d/%d sentences\n", i + 1, cp->n);
    }
    absvals hv = {0}; /* one head's V: the union of its channels */
    for (size_t h = 0; rc == 0 && h < nh; h++) {
        absvals *a = &cc.t[h * 2], *ch = &cc.ch[h * (size_t)mc->head_dim];
        hr_head_cal *e = &c->head[h];
        hv.n = 0;
        hv.sum = 0.0;
        for (int i = 0; rc == 0 && i < mc->head_dim; i++) rc = push_abs(&hv, ch[i].v, ch[i].n, 1);
        if (rc) {
            hg_errf(err, errsz, "out of memory");
            break;
        }
        e->sigma_q = a[0].n ? a[0].sum / (double)a[0].n : 0.0;
        e->sigma_k = a[1].n ? a[1].sum / (double)a[1].n : 0.0;
        e->max_q = max_of(&a[0]);
        e->max_k = max_of(&a[1]);
        e->max_v = max_of(&hv);
        e->s_q = scale_of(percentile(&a[0], pct));
        e->s_k = scale_of(percentile(&a[1], pct));
        e->s_v = scale_of(percentile(&hv, pct));
        rc = check_finite(e, (int)h / mc->n_heads, (int)h % mc->n_heads, err, errsz);
        for (int i = 0; rc == 0 && i < mc->head_dim; i++) {
            size_t at = h * (size_t)mc->head_dim + (size_t)i;
            c->s_v_ch[at] = scale_of(percentile(&cc.ch[at], pct));
            if (!(c->s_v_ch[at] <= HR_CALIB_VALUE_MAX)) {
                hg_errf(err, errsz,
                        "calibration of layer %d head %d: the scale of V channel %d is %g; the model "
                        "cannot be calibrated",
                        (int)h / mc->n_heads, (int)h % mc->n_heads, i, c->s_v_ch[at]);
                rc = -1;
            }
        }
    }
    free(hv.v);
    for (size_t i = 0; cc.t && i < nt; i++) free(cc.t[i].v);
    for (size_t i = 0; cc.ch && i < nc; i++) free(cc.ch[i].v);
    free(cc.t);
    free(cc.ch);
    free(out);
    if (rc) {
        hr_calib_free(c);
        return NULL;
    }
    c->pct = pct;
    c->n_sentences = cp->n;
    c->n_tokens = cp->tokens;
    return c;
}

/* ---- file ------------------------------------------------------------------------------ */

int hr_calib_save(const hr_calib *c, const char *path, char *err, size_t errsz)
{
    cJSON *root = cJSON_CreateObject(), *heads = cJSON_CreateArray();
    cJSON_AddStringToObject(root, "format", HR_CALIB_FORMAT);
    cJSON_AddStringToObject(root, "model_hash", c->model_hash);
    cJSON_AddStringToObject(root, "set_hash", c->set_hash);
    hr_json_add_exact(root, "percentile", c->pct);
    cJSON_AddNumberToObject(root, "sentences", c->n_sentences);
    cJSON_AddNumberToObject(root, "tokens", (double)c->n_tokens);
    cJSON_AddNumberToObject(root, "n_layers", c->n_layers);
    cJSON_AddNumberToObject(root, "n_heads", c->n_heads);
    cJSON_AddNumberToObject(root, "head_dim", c->head_dim);
    for (int l = 0; l < c->n_layers; l++)
        for (int h = 0; h < c->n_heads; h++) {
            const hr_head_cal *e = hr_calib_head(c, l, h);
            cJSON *o = cJSON_CreateObject();
            cJSON_AddNumberToObject(o, "layer", l);
            cJSON_AddNumberToObject(o, "head", h);
            hr_json_add_exact(o, "sigma_q", e->sigma_q);
            hr_json_add_exact(o, "sigma_k", e->sigma_k);
            hr_json_add_exact(o, "s_q", e->s_q);
            hr_json_add_exact(o, "s_k", e->s_k);
            hr_json_add_exact(o, "s_v", e->s_v);
            hr_json_add_exact(o, "max_q", e->max_q);
            hr_json_add_exact(o, "max_k", e->max_k);
            hr_json_add_exact(o, "max_v", e->max_v);
            const double *ch = hr_calib_v_channels(c, l, h);
            if (ch) {
                cJSON *a = cJSON_AddArrayToObject(o, "s_v_ch");
                for (int i = 0; i < c->head_dim; i++) cJSON_AddItemToArray(a, hr_json_exact(ch[i]));
            }
            cJSON_AddItemToArray(heads, o);
        }
    cJSON_AddItemToObject(root, "heads", heads);
    int rc = hr_json_write(path, root);
    cJSON_Delete(root);
    if (rc != 0) {
        hg_errf(err, errsz, "%s: cannot write the calibration file", path);
        return -1;
    }
    return 0;
}

/* Reads number key of o into *v; requires lo <= v <= hi. Returns 0 or -1 with a message. */
static int get_num(const cJSON *o, const char *key, double lo, double hi, double *v, const char *path,
                   const char *where, char *err, size_t errsz)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(it)) {
        hg_errf(err, errsz, "%s: %s'%s' missing or not a number", path, where, key);
        return -1;
    }
    double x = it->valuedouble;
    if (!isfinite(x) || x < lo || x > hi) {
        hg_errf(err, errsz, "%s: %s'%s' = %g: must be in %g..%g", path, where, key, x, lo, hi);
        return -1;
    }
    *v = x;
    return 0;
}

/* 0 if the count key = v is a whole number, else -1 with a message. */
static int whole(const char *path, const char *key, double v, char *err, size_t errsz)
{
    if (v == floor(v)) return 0;
    hg_errf(err, errsz, "%s: '%s' = %g: must be a whole number", path, key, v);
    return -1;
}

static int get_hash(const cJSON *root, const char *key, char out[17], const char *path, char *err,
                    size_t errsz)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(root, key);
    if (!cJSON_IsString(it) || strlen(it->valuestring) > 16) {
        hg_errf(err, errsz, "%s: '%s' missing or not a hash string", path, key);
        return -1;
    }
    snprintf(out, 17, "%s", it->valuestring);
    return 0;
}

/* Reads one "heads" entry into c (whose entries start zeroed: s_q = 0 marks "not seen"). */
static int get_head(hr_calib *c, const cJSON *o, int idx, const char *path, char *err, size_t errsz)
{
    char where[64];
    snprintf(where, sizeof where, "heads[%d]: ", idx);
    double l, h, x[8];
    static const char *const keys[8] = {"sigma_q", "sigma_k", "s_q", "s_k", "s_v", "max_q", "max_k", "max_v"};
    if (!cJSON_IsObject(o)) {
        hg_errf(err, errsz, "%s: %snot an object", path, where);
        return -1;
    }
    if (get_num(o, "layer", 0, c->n_layers - 1, &l, path, where, err, errsz) ||
        get_num(o, "head", 0, c->n_heads - 1, &h, path, where, err, errsz))
        return -1;
    for (int i = 0; i < 8; i++)
        if (get_num(o, keys[i], i >= 2 && i <= 4 ? 1e-30 : 0.0, HR_CALIB_VALUE_MAX, &x[i], path, where, err,
                    errsz))
            return -1;
    if (l != (int)l || h != (int)h) {
        hg_errf(err, errsz, "%s: %slayer/head must be integers", path, where);
        return -1;
    }
    hr_head_cal *e = &c->head[(int)l * c->n_heads + (int)h];
    if (e->s_q > 0.0) {
        hg_errf(err, errsz, "%s: %slayer %d head %d appears twice", path, where, (int)l, (int)h);
        return -1;
    }
    *e = (hr_head_cal){x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]};
    const cJSON *ch = cJSON_GetObjectItemCaseSensitive(o, "s_v_ch");
    if (!ch) return 0;
    if (!c->s_v_ch || !cJSON_IsArray(ch) || cJSON_GetArraySize(ch) != c->head_dim) {
        hg_errf(err, errsz,
                "%s: %s's_v_ch' must be an array of head_dim = %d scales, in every head or in none", path,
                where, c->head_dim);
        return -1;
    }
    double *dst = c->s_v_ch + ((size_t)l * (size_t)c->n_heads + (size_t)h) * (size_t)c->head_dim;
    int i = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, ch)
    {
        double v = cJSON_IsNumber(it) ? it->valuedouble : NAN;
        if (!(v >= 1e-30 && v <= HR_CALIB_VALUE_MAX)) {
            hg_errf(err, errsz, "%s: %s's_v_ch'[%d] must be a number in 1e-30..%g", path, where, i,
                    HR_CALIB_VALUE_MAX);
            return -1;
        }
        dst[i++] = v;
    }
    return 0;
}

hr_calib *hr_calib_load(const char *path, char *err, size_t errsz)
{
    char why[256];
    char *txt = hg_file_read(path, HR_CALIB_MAX_BYTES, NULL, why, sizeof why);
    if (!txt) {
        hg_errf(err, errsz, "%s: cannot read the calibration file: %s", path, why);
        return NULL;
    }
    cJSON *root = cJSON_Parse(txt);
    free(txt);
    hr_calib *c = NULL;
    double nl, nh, hd, pct, ns, ntok;
    const cJSON *fmt = root ? cJSON_GetObjectItemCaseSensitive(root, "format") : NULL;
    char mh[17], sh[17];
    if (!root) {
        hg_errf(err, errsz, "%s: not valid JSON", path);
    } else if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, HR_CALIB_FORMAT) != 0) {
        hg_errf(err, errsz, "%s: 'format' must be \"%s\"", path, HR_CALIB_FORMAT);
    } else if (get_hash(root, "model_hash", mh, path, err, errsz) == 0 &&
               get_hash(root, "set_hash", sh, path, err, errsz) == 0 &&
               get_num(root, "n_layers", 1, 1024, &nl, path, "", err, errsz) == 0 &&
               get_num(root, "n_heads", 1, 1024, &nh, path, "", err, errsz) == 0 &&
               get_num(root, "head_dim", 1, 65536, &hd, path, "", err, errsz) == 0 &&
               get_num(root, "percentile", HR_CALIB_PCT_MIN, 100, &pct, path, "", err, errsz) == 0 &&
               get_num(root, "sentences", 0, 1e9, &ns, path, "", err, errsz) == 0 &&
               get_num(root, "tokens", 0, 1e15, &ntok, path, "", err, errsz) == 0 &&
               whole(path, "n_layers", nl, err, errsz) == 0 && whole(path, "n_heads", nh, err, errsz) == 0 &&
               whole(path, "head_dim", hd, err, errsz) == 0 &&
               whole(path, "sentences", ns, err, errsz) == 0 &&
               whole(path, "tokens", ntok, err, errsz) == 0) {
        const cJSON *heads = cJSON_GetObjectItemCaseSensitive(root, "heads");
        int want = (int)nl * (int)nh;
        c = calib_new((int)nl, (int)nh, (int)hd);
        if (!c) {
            hg_errf(err, errsz, "out of memory");
        } else if (!cJSON_IsArray(heads) || cJSON_GetArraySize(heads) != want) {
            hg_errf(err, errsz, "%s: 'heads' must be an array of n_layers x n_heads = %d entries", path,
                    want);
            hr_calib_free(c);
            c = NULL;
        } else {
            memcpy(c->model_hash, mh, sizeof mh);
            memcpy(c->set_hash, sh, sizeof sh);
            c->pct = pct;
            c->n_sentences = (int)ns;
            c->n_tokens = (long)ntok;
            int i = 0, with_ch = 0;
            const cJSON *o;
            cJSON_ArrayForEach(o, heads) with_ch += cJSON_GetObjectItemCaseSensitive(o, "s_v_ch") != NULL;
            if (with_ch) c->s_v_ch = calloc((size_t)want * (size_t)c->head_dim, sizeof *c->s_v_ch);
            if (with_ch && !c->s_v_ch) {
                hg_errf(err, errsz, "out of memory");
                hr_calib_free(c);
                c = NULL;
            }
            if (c && with_ch && with_ch != want) {
                hg_errf(err, errsz, "%s: 's_v_ch' in %d of the %d heads: in every head or in none", path,
                        with_ch, want);
                hr_calib_free(c);
                c = NULL;
            }
            for (o = c ? heads->child : NULL; o; o = o->next) {
                if (get_head(c, o, i++, path, err, errsz) != 0) {
                    hr_calib_free(c);
                    c = NULL;
                    break;
                }
            }
        }
    }
    cJSON_Delete(root);
    return c;
}

int hr_calib_stale(const hr_calib *c, const bcfg_config *mc, const char *model_hash, const char *set_hash,
                   double pct, char *why, size_t whysz)
{
    if (c->n_layers != mc->n_layers || c->n_heads != mc->n_heads || c->head_dim != mc->head_dim)
        hg_errf(why, whysz, "made for %d layers x %d heads of d=%d, the model has %d x %d of d=%d",
                c->n_layers, c->n_heads, c->head_dim, mc->n_layers, mc->n_heads, mc->head_dim);
    else if (strcmp(c->model_hash, model_hash) != 0)
        hg_errf(why, whysz, "made for another model (hash %s, this model %s)", c->model_hash, model_hash);
    else if (strcmp(c->set_hash, set_hash) != 0)
        hg_errf(why, whysz, "made from another sentence set (hash %s, now %s)", c->set_hash, set_hash);
    else if (c->pct != pct)
        hg_errf(why, whysz, "made with percentile %g, %g asked", c->pct, pct);
    else if (!c->s_v_ch)
        hg_errf(why, whysz, "made without per-channel value scales (s_v_ch, before --v-scale)");
    else
        return 0;
    return 1;
}
