/* hr_hadmodel.c — distilled HAD models: had.json, assembly of a model directory, attention. */
#include "hg_util.h"
#include "hr_hadmodel.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "hg_config.h"
#include "hg_file.h"
#include "hm_golden.h"
#include "hr_corpus.h"
#include "st_safetensors.h"

/* ---- SHA-256 of a file (OpenSSL libcrypto) ------------------------------------------- */

int hr_had_sha256_file(const char *path, char hex[65], char *err, size_t errsz)
{
    char why[256];
    FILE *f = hg_file_open(path, -1, NULL, why, sizeof why);
    if (!f) {
        hg_errf(err, errsz, "%s: %s", path, why);
        return -1;
    }
    static unsigned char buf[1 << 16];
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    size_t r;
    while (ok && (r = fread(buf, 1, sizeof buf, f)) > 0) ok = EVP_DigestUpdate(ctx, buf, r);
    int bad = ferror(f);
    ok = ok && !bad && EVP_DigestFinal_ex(ctx, md, &mdlen) && mdlen == 32;
    EVP_MD_CTX_free(ctx);
    fclose(f);
    if (!ok) {
        hg_errf(err, errsz, "%s: %s", path, bad ? "read error" : "sha256 failed (libcrypto)");
        return -1;
    }
    for (unsigned i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", md[i]);
    return 0;
}

/* ---- had.json ---------------------------------------------------------------------------- */

void hr_had_free(hr_had *h)
{
    if (!h) return;
    for (int i = 0; i < h->n_tensors; i++) free(h->tensors[i]);
    free(h->tensors);
    free(h->alpha);
    free(h->alpha_c);
    free(h->logit);
    free(h);
}

/* Integer key of root in lo..hi. Returns 0, or -1 with a message. */
static int get_int(const cJSON *root, const char *key, int lo, int hi, int *v, const char *path, char *err,
                   size_t errsz)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(root, key);
    if (!cJSON_IsNumber(it)) {
        hg_errf(err, errsz, "%s: '%s' missing or not a number", path, key);
        return -1;
    }
    double x = it->valuedouble;
    if (!(x >= lo && x <= hi) || floor(x) != x) {
        hg_errf(err, errsz, "%s: '%s' = %g: must be an integer in %d..%d", path, key, x, lo, hi);
        return -1;
    }
    *v = (int)x;
    return 0;
}

/* 1 if s is exactly n hexadecimal digits. */
static int is_hex(const char *s, size_t n)
{
    if (strlen(s) != n) return 0;
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)s[i])) return 0;
    return 1;
}

/* Optional hex-string key (n digits) of o into out (lowercase); "" if absent or null. */
static int get_hex(const cJSON *o, const char *key, size_t n, char *out, const char *path, char *err,
                   size_t errsz)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
    out[0] = '\0';
    if (!it || cJSON_IsNull(it)) return 0;
    if (!cJSON_IsString(it) || !is_hex(it->valuestring, n)) {
        hg_errf(err, errsz, "%s: '%s' must be a string of %zu hexadecimal digits", path, key, n);
        return -1;
    }
    for (size_t i = 0; i <= n; i++) out[i] = (char)tolower((unsigned char)it->valuestring[i]);
    return 0;
}

/* alpha: n_layers arrays of n_heads finite numbers > 0. */
static int get_alpha(hr_had *h, const cJSON *root, const char *path, char *err, size_t errsz)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, "alpha");
    int nl = h->n_layers, nh = h->n_heads;
    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) != nl) {
        hg_errf(err, errsz,
                "%s: 'alpha' must be an array of n_layers = %d arrays (one per "
                "layer) of n_heads = %d numbers; %s %d",
                path, nl, nh, cJSON_IsArray(a) ? "it has" : "found no array, size", cJSON_GetArraySize(a));
        return -1;
    }
    h->alpha = malloc((size_t)nl * (size_t)nh * sizeof *h->alpha);
    h->alpha_c = malloc((size_t)nl * (size_t)nh * sizeof *h->alpha_c);
    if (!h->alpha || !h->alpha_c) {
        hg_errf(err, errsz, "%s: out of memory", path);
        return -1;
    }
    for (int l = 0; l < nl; l++) {
        const cJSON *row = cJSON_GetArrayItem(a, l);
        if (!cJSON_IsArray(row) || cJSON_GetArraySize(row) != nh) {
            hg_errf(err, errsz,
                    "%s: 'alpha'[%d] must be an array of n_heads = %d numbers; "
                    "it has %d",
                    path, l, nh, cJSON_IsArray(row) ? cJSON_GetArraySize(row) : 0);
            return -1;
        }
        for (int hd = 0; hd < nh; hd++) {
            const cJSON *x = cJSON_GetArrayItem(row, hd);
            double v = cJSON_IsNumber(x) ? x->valuedouble : NAN;
            if (!isfinite(v) || v <= 0.0) {
                if (cJSON_IsNumber(x))
                    hg_errf(err, errsz, "%s: 'alpha'[%d][%d] = %g: must be a finite number > 0", path, l, hd,
                            v);
                else
                    hg_errf(err, errsz, "%s: 'alpha'[%d][%d] is not a number", path, l, hd);
                return -1;
            }
            h->alpha[l * nh + hd] = v;
            h->alpha_c[l * nh + hd] = v / sqrt((double)h->head_dim);
        }
    }
    return 0;
}

/* etab_logit (optional): n_layers arrays of n_heads arrays of head_dim + 1 finite numbers,
   the first 0, none above the one before (a learned weight table, hm_had_etab_log). */
static int get_logit(hr_had *h, const cJSON *root, const char *path, char *err, size_t errsz)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(root, "etab_logit");
    if (!t) return 0;
    int nl = h->n_layers, nh = h->n_heads, n = h->head_dim + 1;
    const char *shape = "'etab_logit' must be n_layers arrays of n_heads arrays of head_dim + 1 numbers";
    if (!cJSON_IsArray(t) || cJSON_GetArraySize(t) != nl) {
        hg_errf(err, errsz, "%s: %s (%d x %d x %d); it has %d layers", path, shape, nl, nh, n,
                cJSON_IsArray(t) ? cJSON_GetArraySize(t) : 0);
        return -1;
    }
    h->logit = malloc((size_t)nl * (size_t)nh * (size_t)n * sizeof *h->logit);
    if (!h->logit) {
        hg_errf(err, errsz, "%s: out of memory", path);
        return -1;
    }
    for (int l = 0; l < nl; l++) {
        const cJSON *row = cJSON_GetArrayItem(t, l);
        if (!cJSON_IsArray(row) || cJSON_GetArraySize(row) != nh) {
            hg_errf(err, errsz, "%s: %s (%d x %d x %d); 'etab_logit'[%d] has %d heads", path, shape, nl, nh,
                    n, l, cJSON_IsArray(row) ? cJSON_GetArraySize(row) : 0);
            return -1;
        }
        for (int hd = 0; hd < nh; hd++) {
            const cJSON *tab = cJSON_GetArrayItem(row, hd);
            if (!cJSON_IsArray(tab) || cJSON_GetArraySize(tab) != n) {
                hg_errf(err, errsz, "%s: %s (%d x %d x %d); 'etab_logit'[%d][%d] has %d entries", path, shape,
                        nl, nh, n, l, hd, cJSON_IsArray(tab) ? cJSON_GetArraySize(tab) : 0);
                return -1;
            }
            double *out = h->logit + ((size_t)l * (size_t)nh + (size_t)hd) * (size_t)n;
            for (int i = 0; i < n; i++) {
                const cJSON *x = cJSON_GetArrayItem(tab, i);
                double v = cJSON_IsNumber(x) ? x->valuedouble : NAN;
                if (!isfinite(v)) {
                    hg_errf(err, errsz, "%s: 'etab_logit'[%d][%d][%d] is not a finite number", path, l, hd,
                            i);
                    return -1;
                }
                if ((i == 0 && v != 0.0) || (i > 0 && v > out[i - 1])) {
                    hg_errf(err, errsz,
                            "%s: 'etab_logit'[%d][%d][%d] = %g: the table must start at 0 and never "
                            "rise (%s)",
                            path, l, hd, i, v, i == 0 ? "entry 0 is not 0" : "above the entry before");
                    return -1;
                }
                out[i] = v;
            }
        }
    }
    return 0;
}

/* tensors: a non-empty array of distinct names. */
static int get_tensors(hr_had *h, const cJSON *root, const char *path, char *err, size_t errsz)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(root, "tensors");
    int n = cJSON_IsArray(t) ? cJSON_GetArraySize(t) : 0;
    if (n < 1) {
        hg_errf(err, errsz, "%s: 'tensors' must be a non-empty array of tensor names", path);
        return -1;
    }
    h->tensors = calloc((size_t)n, sizeof *h->tensors);
    if (!h->tensors) {
        hg_errf(err, errsz, "%s: out of memory", path);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        const cJSON *s = cJSON_GetArrayItem(t, i);
        if (!cJSON_IsString(s) || !s->valuestring[0] || strlen(s->valuestring) > 255) {
            hg_errf(err, errsz, "%s: 'tensors'[%d] must be a tensor name (1..255 characters)", path, i);
            return -1;
        }
        for (int j = 0; j < i; j++)
            if (strcmp(h->tensors[j], s->valuestring) == 0) {
                hg_errf(err, errsz, "%s: 'tensors' names '%s' twice", path, s->valuestring);
                return -1;
            }
        if (!(h->tensors[i] = strdup(s->valuestring))) {
            hg_errf(err, errsz, "%s: out of memory", path);
            return -1;
        }
        h->n_tensors = i + 1;
    }
    return 0;
}

/* What the recipe trained on: its values (recipe.v_bits, recipe.v_scale; absent: 8 bits, a
   scale per head), what it centred before the sign (recipe.center; absent: nothing) and its
   longest texts (recipe.long_tokens = [shortest, longest] passages, drawn when
   recipe.long_frac > 0; absent: max_tokens). A recipe that is not an object (a description)
   holds none. */
static int get_recipe_inputs(hr_had *h, const cJSON *root, const char *path, char *err, size_t errsz)
{
    h->v_bits = 8;
    h->v_channel = 0;
    h->center = 0;
    h->trained_tokens = h->max_tokens;
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(root, "recipe");
    if (!cJSON_IsObject(r)) return 0;
    const cJSON *lf = cJSON_GetObjectItemCaseSensitive(r, "long_frac"),
                *lt = cJSON_GetObjectItemCaseSensitive(r, "long_tokens");
    if (lf && !(cJSON_IsNumber(lf) && lf->valuedouble >= 0 && lf->valuedouble <= 1)) {
        hg_errf(err, errsz, "%s: 'recipe.long_frac' must be a number in 0..1 (the share of long batches)",
                path);
        return -1;
    }
    if (lt) {
        const cJSON *hi = cJSON_GetArrayItem(lt, 1);
        double x = cJSON_IsNumber(hi) ? hi->valuedouble : -1;
        if (!cJSON_IsArray(lt) || cJSON_GetArraySize(lt) != 2 ||
            !(x >= 2 && x <= (1 << 20) && x == floor(x))) {
            hg_errf(err, errsz,
                    "%s: 'recipe.long_tokens' must be [shortest, longest] token counts of the long passages, "
                    "the longest a whole number in 2..%d",
                    path, 1 << 20);
            return -1;
        }
        if (lf && lf->valuedouble > 0 && (int)x > h->trained_tokens) h->trained_tokens = (int)x;
    }
    const cJSON *vb = cJSON_GetObjectItemCaseSensitive(r, "v_bits");
    if (vb) {
        double x = cJSON_IsNumber(vb) ? vb->valuedouble : -1;
        if (!(x >= HG_VB_MIN && x <= 8 && x == floor(x))) {
            hg_errf(
                err, errsz,
                "%s: 'recipe.v_bits' must be a whole number in %d..8 (the value bits it was trained with)",
                path, HG_VB_MIN);
            return -1;
        }
        h->v_bits = (int)x;
    }
    const cJSON *vs = cJSON_GetObjectItemCaseSensitive(r, "v_scale");
    if (vs) {
        if (!cJSON_IsString(vs) ||
            (strcmp(vs->valuestring, "head") != 0 && strcmp(vs->valuestring, "channel") != 0)) {
            hg_errf(err, errsz, "%s: 'recipe.v_scale' must be \"head\" or \"channel\"", path);
            return -1;
        }
        h->v_channel = strcmp(vs->valuestring, "channel") == 0;
    }
    const cJSON *ce = cJSON_GetObjectItemCaseSensitive(r, "center");
    if (ce) {
        static const char *const names[] = {"none", "k", "qk"};
        static const int bits[] = {0, HM_CENTER_K, HM_CENTER_K | HM_CENTER_Q};
        int i = 0;
        while (i < 3 && !(cJSON_IsString(ce) && strcmp(ce->valuestring, names[i]) == 0)) i++;
        if (i == 3) {
            hg_errf(
                err, errsz,
                "%s: 'recipe.center' must be \"none\", \"k\" or \"qk\" (what was centred before the sign)",
                path);
            return -1;
        }
        h->center = bits[i];
    }
    /* a per-query temperature (had_distill.py --qtemp, an experiment): the HAD core has one
       weight table per head, not one per query scale, so such a model does not run here */
    const cJSON *qt = cJSON_GetObjectItemCaseSensitive(r, "qtemp");
    if (qt && !(cJSON_IsNumber(qt) && qt->valuedouble == 0)) {
        hg_errf(err, errsz,
                "%s: 'recipe.qtemp' is %s: a model trained with a per-query temperature needs a weight "
                "table per query scale, which the HAD core does not have (only 0, off, runs here)",
                path, cJSON_IsNumber(qt) ? "not 0" : "not a number");
        return -1;
    }
    /* sign bits per query and key (had_distill.py --key-bits, an experiment): the HAD core
       compares the d sign bits of q and k, so only a model of key_bits = head_dim runs here */
    const cJSON *kb = cJSON_GetObjectItemCaseSensitive(r, "key_bits");
    if (kb && !(cJSON_IsNumber(kb) && kb->valuedouble == (double)h->head_dim)) {
        int wider = cJSON_IsNumber(kb) && kb->valuedouble > h->head_dim;
        if (cJSON_IsNumber(kb))
            hg_errf(err, errsz,
                    "%s: 'recipe.key_bits' is %.17g: a model trained with %s sign bits per query and key "
                    "than the head dimension needs %s XNOR-popcount than the HAD core's (only %d, "
                    "head_dim, runs here)",
                    path, kb->valuedouble, wider ? "more" : "fewer", wider ? "a wider" : "a narrower",
                    h->head_dim);
        else
            hg_errf(err, errsz,
                    "%s: 'recipe.key_bits' is not a number (sign bits per query and key; %d here)", path,
                    h->head_dim);
        return -1;
    }
    return 0;
}

/* Everything of had.json but alpha and tensors. */
static int get_scalars(hr_had *h, const cJSON *root, const char *path, char *err, size_t errsz)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(root, "format");
    if (!cJSON_IsString(f) || strcmp(f->valuestring, HR_HAD_FORMAT) != 0) {
        hg_errf(err, errsz, "%s: 'format' is %s%s%s, expected \"" HR_HAD_FORMAT "\"", path,
                cJSON_IsString(f) ? "\"" : "", cJSON_IsString(f) ? f->valuestring : "missing",
                cJSON_IsString(f) ? "\"" : "");
        return -1;
    }
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(root, "weights");
    if (!cJSON_IsString(w) || !w->valuestring[0] || strlen(w->valuestring) >= sizeof h->weights ||
        strchr(w->valuestring, '/') || strcmp(w->valuestring, ".") == 0 ||
        strcmp(w->valuestring, "..") == 0) {
        hg_errf(err, errsz,
                "%s: 'weights' must be the name of the weights file in the "
                "artifact's directory (no '/')",
                path);
        return -1;
    }
    snprintf(h->weights, sizeof h->weights, "%s", w->valuestring);
    if (get_int(root, "n_layers", 1, 1024, &h->n_layers, path, err, errsz) ||
        get_int(root, "n_heads", 1, 1024, &h->n_heads, path, err, errsz) ||
        get_int(root, "head_dim", 1, 1 << 16, &h->head_dim, path, err, errsz) ||
        get_int(root, "top_n", 1, HG_L_MAX, &h->top_n, path, err, errsz) ||
        get_int(root, "max_tokens", 2, 1 << 20, &h->max_tokens, path, err, errsz) ||
        get_hex(root, "base_model_hash", 16, h->base_hash, path, err, errsz))
        return -1;
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(root, "base_model");
    if (b && !cJSON_IsObject(b)) {
        hg_errf(err, errsz, "%s: 'base_model' must be an object", path);
        return -1;
    }
    if (b && get_hex(b, "safetensors_sha256", 64, h->base_sha256, path, err, errsz)) return -1;
    const cJSON *by = cJSON_GetObjectItemCaseSensitive(root, "assembled_by");
    h->assembled = cJSON_IsString(by) && strcmp(by->valuestring, HR_HAD_TOOL) == 0;
    return get_recipe_inputs(h, root, path, err, errsz);
}

/* Reads a whole file (a regular file of at most 64 MiB) into a NUL-terminated buffer; NULL
   with a message. */
static char *slurp(const char *path, char *err, size_t errsz)
{
    char why[256];
    char *buf = hg_file_read(path, 64LL << 20, NULL, why, sizeof why);
    if (!buf) hg_errf(err, errsz, "%s: %s", path, why);
    return buf;
}

/* Parses the JSON file at path; NULL with a message. */
static cJSON *parse_file(const char *path, char *err, size_t errsz)
{
    char *txt = slurp(path, err, errsz);
    if (!txt) return NULL;
    cJSON *root = cJSON_Parse(txt);
    if (!root)
        hg_errf(err, errsz, "%s: not valid JSON (near byte %ld)", path,
                cJSON_GetErrorPtr() ? (long)(cJSON_GetErrorPtr() - txt) : -1L);
    else if (!cJSON_IsObject(root)) {
        hg_errf(err, errsz, "%s: not a JSON object", path);
        cJSON_Delete(root);
        root = NULL;
    }
    free(txt);
    return root;
}

hr_had *hr_had_load(const char *path, char *err, size_t errsz)
{
    cJSON *root = parse_file(path, err, errsz);
    if (!root) return NULL;
    hr_had *h = calloc(1, sizeof *h);
    int rc = h ? 0 : -1;
    if (!h) hg_errf(err, errsz, "%s: out of memory", path);
    if (rc == 0) rc = get_scalars(h, root, path, err, errsz);
    if (rc == 0) rc = get_alpha(h, root, path, err, errsz);
    if (rc == 0) rc = get_logit(h, root, path, err, errsz);
    if (rc == 0) rc = get_tensors(h, root, path, err, errsz);
    cJSON_Delete(root);
    if (rc) {
        hr_had_free(h);
        return NULL;
    }
    return h;
}

int hr_had_check_config(const hr_had *h, const bcfg_config *mc, const char *what, char *err, size_t errsz)
{
    static const char *const keys[3] = {"n_layers", "n_heads", "head_dim"};
    static const char *const ckeys[3] = {"num_hidden_layers", "num_attention_heads",
                                         "hidden_size / num_attention_heads"};
    int mine[3] = {h->n_layers, h->n_heads, h->head_dim};
    int theirs[3] = {mc->n_layers, mc->n_heads, mc->head_dim};
    for (int i = 0; i < 3; i++)
        if (mine[i] != theirs[i]) {
            hg_errf(err, errsz, "%s: '%s' = %d, but the model's config.json has %s = %d", what, keys[i],
                    mine[i], ckeys[i], theirs[i]);
            return -1;
        }
    if (h->max_tokens > mc->max_pos) {
        hg_errf(err, errsz,
                "%s: 'max_tokens' = %d exceeds the model's "
                "max_position_embeddings %d",
                what, h->max_tokens, mc->max_pos);
        return -1;
    }
    if (h->trained_tokens > mc->max_pos) {
        hg_errf(err, errsz,
                "%s: 'recipe.long_tokens' longest %d exceeds the model's max_position_embeddings %d", what,
                h->trained_tokens, mc->max_pos);
        return -1;
    }
    return 0;
}

const double *hr_had_logit(const hr_had *h, int layer, int head)
{
    if (!h->logit) return NULL;
    return h->logit + ((size_t)layer * (size_t)h->n_heads + (size_t)head) * (size_t)(h->head_dim + 1);
}

int hr_had_attn(void *ctx, int layer, int head, int n_tok, int d, const float *Q, const float *K,
                const float *V, float *O)
{
    const hr_had *h = ctx;
    if (layer < 0 || layer >= h->n_layers || head < 0 || head >= h->n_heads || d != h->head_dim || n_tok < 1)
        return -1;
    double a = h->alpha_c[layer * h->n_heads + head];
    const double *lg = hr_had_logit(h, layer, head);
    float *buf = NULL;
    if (h->center) {
        buf = malloc(2 * (size_t)n_tok * (size_t)d * sizeof *buf);
        if (!buf) return -1;
    }
    const float *Qb, *Kb; /* what is binarized */
    hm_center_qk(h->center, n_tok, d, Q, K, buf, buf ? buf + (size_t)n_tok * (size_t)d : NULL, &Qb, &Kb);
    for (int i = 0; i < n_tok; i++) {
        const float *q = Qb + (size_t)i * (size_t)d;
        float *o = O + (size_t)i * (size_t)d;
        if (lg)
            hm_ref_had_tab(d, n_tok, h->top_n, q, Kb, V, lg, o);
        else
            hm_ref_had(d, n_tok, h->top_n, q, Kb, V, a, o);
    }
    free(buf);
    return 0;
}

/* ---- atomic output files ------------------------------------------------------------------ */

typedef int (*put_fn)(FILE *f, void *ctx);

/* Writes path through a temporary file beside it and rename, so a reader sees the old file
   or the complete new one. Returns 0, or -1 (nothing changed) with a message. */
static int write_atomic(const char *path, put_fn put, void *ctx, char *err, size_t errsz)
{
    hg_wfile w;
    if (hg_file_begin(&w, path, err, errsz) != 0) return -1;
    if (put(w.f, ctx) != 0) {
        hg_file_discard(&w);
        hg_errf(err, errsz, "%s: cannot write: %s", path, strerror(errno ? errno : EIO));
        return -1;
    }
    return hg_file_commit(&w, err, errsz);
}

/* Copies the file named by ctx. */
static int put_copy(FILE *f, void *ctx)
{
    FILE *in = hg_file_open(ctx, -1, NULL, NULL, 0);
    if (!in) return -1;
    static unsigned char buf[1 << 16];
    size_t r;
    int ok = 1;
    while (ok && (r = fread(buf, 1, sizeof buf, in)) > 0) ok = fwrite(buf, 1, r, f) == r;
    ok = ok && !ferror(in);
    fclose(in);
    return ok ? 0 : -1;
}

/* Prints the cJSON object ctx and a newline. */
static int put_json(FILE *f, void *ctx)
{
    char *txt = cJSON_Print(ctx);
    int ok = txt && fputs(txt, f) >= 0 && fputc('\n', f) != EOF;
    free(txt);
    return ok ? 0 : -1;
}

/* ---- assembly ------------------------------------------------------------------------------ */

/* The safetensors file being written: base tensors in data order, overlay ones in F32. */
typedef struct assembly {
    const st_file *base, *over;
    const st_info **order; /* st_count(base) entries */
    int n;
    char *header; /* JSON header padded with spaces to a multiple of 8 */
    size_t hlen;
} assembly;

/* A base tensor and where its data starts, for ordering. */
typedef struct placed {
    uintptr_t at;
    const st_info *in;
} placed;

static int by_data(const void *a, const void *b)
{
    uintptr_t x = ((const placed *)a)->at, y = ((const placed *)b)->at;
    return (x > y) - (x < y);
}

static int is_float(st_dtype t) { return t == ST_F32 || t == ST_F16 || t == ST_BF16 || t == ST_F64; }

/* Writes the header: 8-byte little-endian length, then the padded JSON. */
static int put_header(FILE *f, const assembly *as)
{
    unsigned char len[8];
    for (int i = 0; i < 8; i++) len[i] = (unsigned char)((uint64_t)as->hlen >> (8 * i));
    return fwrite(len, 1, 8, f) == 8 && fwrite(as->header, 1, as->hlen, f) == as->hlen ? 0 : -1;
}

/* Writes one overlay tensor as F32 little-endian. */
static int put_overlay(FILE *f, const assembly *as, const st_info *in)
{
    float *v = malloc((in->numel ? in->numel : 1) * sizeof *v);
    unsigned char *b = malloc((in->numel ? in->numel : 1) * 4);
    int ok = v && b && st_read_f32(as->over, in->name, v, in->numel, NULL, 0) == 0;
    for (size_t i = 0; ok && i < in->numel; i++) {
        uint32_t u;
        memcpy(&u, &v[i], 4);
        for (int k = 0; k < 4; k++) b[4 * i + (size_t)k] = (unsigned char)(u >> (8 * k));
    }
    ok = ok && fwrite(b, 1, in->numel * 4, f) == in->numel * 4;
    free(v);
    free(b);
    return ok ? 0 : -1;
}

static int put_safetensors(FILE *f, void *ctx)
{
    const assembly *as = ctx;
    if (put_header(f, as) != 0) return -1;
    for (int i = 0; i < as->n; i++) {
        const st_info *in = as->order[i], *ov = st_find(as->over, in->name);
        if (ov ? put_overlay(f, as, ov) != 0 : fwrite(st_data(as->base, in), 1, in->nbytes, f) != in->nbytes)
            return -1;
    }
    return 0;
}

/* Orders the base tensors by data offset and builds the output header. */
static int build_header(assembly *as)
{
    as->n = st_count(as->base);
    as->order = malloc((size_t)(as->n ? as->n : 1) * sizeof *as->order);
    cJSON *root = cJSON_CreateObject(), *meta = cJSON_CreateObject();
    if (!as->order || !root || !meta) {
        cJSON_Delete(root);
        cJSON_Delete(meta);
        return -1;
    }
    placed *pl = malloc((size_t)(as->n ? as->n : 1) * sizeof *pl);
    if (!pl) {
        cJSON_Delete(root);
        cJSON_Delete(meta);
        return -1;
    }
    for (int i = 0; i < as->n; i++)
        pl[i] = (placed){(uintptr_t)st_data(as->base, st_at(as->base, i)), st_at(as->base, i)};
    qsort(pl, (size_t)as->n, sizeof *pl, by_data);
    for (int i = 0; i < as->n; i++) as->order[i] = pl[i].in;
    free(pl);
    cJSON_AddStringToObject(meta, "format", "pt");
    cJSON_AddItemToObject(root, "__metadata__", meta);
    size_t off = 0;
    for (int i = 0; i < as->n; i++) {
        const st_info *in = as->order[i];
        int ov = st_find(as->over, in->name) != NULL;
        size_t nb = ov ? in->numel * 4 : in->nbytes;
        cJSON *e = cJSON_CreateObject(), *sh = cJSON_CreateArray(), *of = cJSON_CreateArray();
        cJSON_AddStringToObject(e, "dtype", ov ? "F32" : st_dtype_name(in->dtype));
        for (int k = 0; k < in->ndim; k++) cJSON_AddItemToArray(sh, cJSON_CreateNumber((double)in->shape[k]));
        cJSON_AddItemToObject(e, "shape", sh);
        cJSON_AddItemToArray(of, cJSON_CreateNumber((double)off));
        cJSON_AddItemToArray(of, cJSON_CreateNumber((double)(off + nb)));
        cJSON_AddItemToObject(e, "data_offsets", of);
        cJSON_AddItemToObject(root, in->name, e);
        off += nb;
    }
    char *txt = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (!txt) return -1;
    size_t n = strlen(txt), padded = (n + 7) / 8 * 8;
    as->header = malloc(padded + 1);
    if (as->header) {
        memcpy(as->header, txt, n);
        memset(as->header + n, ' ', padded - n);
        as->header[padded] = '\0';
        as->hlen = padded;
    }
    free(txt);
    return as->header ? 0 : -1;
}

/* Writes "[a, b, ...]". */
static void shape_str(char *buf, size_t sz, const st_info *in)
{
    size_t k = (size_t)snprintf(buf, sz, "[");
    for (int i = 0; i < in->ndim && k < sz; i++)
        k += (size_t)snprintf(buf + k, sz - k, "%s%lld", i ? ", " : "", (long long)in->shape[i]);
    if (k < sz) snprintf(buf + k, sz - k, "]");
}

/* The overlay against had.json's list and the base: names, shapes, dtypes, values. */
static int check_overlay(const hr_had *h, const st_file *base, const st_file *over, const char *had_path,
                         hr_had_summary *sum, char *err, size_t errsz)
{
    const char *op = st_path(over), *bp = st_path(base);
    for (int i = 0; i < h->n_tensors; i++)
        if (!st_find(over, h->tensors[i])) {
            hg_errf(err, errsz, "%s: 'tensors' lists '%s', which %s does not hold", had_path, h->tensors[i],
                    op);
            return -1;
        }
    for (int i = 0; i < st_count(over); i++) {
        const st_info *in = st_at(over, i), *bi = st_find(base, in->name);
        int listed = 0;
        for (int j = 0; j < h->n_tensors; j++) listed |= strcmp(h->tensors[j], in->name) == 0;
        if (!listed) {
            hg_errf(err, errsz, "%s: tensor '%s' is not listed in %s 'tensors'", op, in->name, had_path);
            return -1;
        }
        if (!bi) {
            hg_errf(err, errsz, "%s: tensor '%s' is not in the base model %s (%d tensors)", op, in->name, bp,
                    st_count(base));
            return -1;
        }
        int same = in->ndim == bi->ndim;
        for (int k = 0; same && k < in->ndim; k++) same = in->shape[k] == bi->shape[k];
        if (!same) {
            char a[160], b[160];
            shape_str(a, sizeof a, in);
            shape_str(b, sizeof b, bi);
            hg_errf(err, errsz, "%s: tensor '%s' has shape %s, but %s in the base model %s", op, in->name, a,
                    b, bp);
            return -1;
        }
        if (in->dtype != ST_F16 && in->dtype != ST_BF16 && in->dtype != ST_F32) {
            hg_errf(err, errsz,
                    "%s: tensor '%s' has dtype %s; overlay tensors must be F16, "
                    "BF16 or F32",
                    op, in->name, st_dtype_name(in->dtype));
            return -1;
        }
        if (!is_float(bi->dtype)) {
            hg_errf(err, errsz,
                    "%s: tensor '%s' has dtype %s in the base model %s; only float "
                    "tensors can be overlaid",
                    op, in->name, st_dtype_name(bi->dtype), bp);
            return -1;
        }
        float *v = malloc((in->numel ? in->numel : 1) * sizeof *v);
        if (!v || st_read_f32(over, in->name, v, in->numel, err, errsz) != 0) {
            if (!v) hg_errf(err, errsz, "%s: out of memory", op);
            free(v);
            return -1;
        }
        size_t bad = in->numel;
        for (size_t k = 0; k < in->numel && bad == in->numel; k++)
            if (!isfinite(v[k])) bad = k;
        if (bad < in->numel)
            hg_errf(err, errsz, "%s: tensor '%s' element %zu is %g: weights must be finite", op, in->name,
                    bad, (double)v[bad]);
        free(v);
        if (bad < in->numel) return -1;
        const char *dn = st_dtype_name(in->dtype);
        if (!strstr(sum->dtypes, dn) && strlen(sum->dtypes) + strlen(dn) + 2 < sizeof sum->dtypes)
            snprintf(sum->dtypes + strlen(sum->dtypes), sizeof sum->dtypes - strlen(sum->dtypes), "%s%s",
                     sum->dtypes[0] ? "," : "", dn);
    }
    sum->n_tensors = st_count(over);
    sum->n_base = st_count(base);
    return 0;
}

/* 1 if dir/had.json was written by hadmodel. */
static int ours(const char *dir)
{
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/had.json", dir);
    cJSON *root = parse_file(path, NULL, 0);
    const cJSON *by = cJSON_GetObjectItemCaseSensitive(root, "assembled_by");
    int r = cJSON_IsString(by) && strcmp(by->valuestring, HR_HAD_TOOL) == 0;
    cJSON_Delete(root);
    return r;
}

/* Creates dir (and its parents) if missing; refuses a non-empty directory that is not ours
   unless force. Returns 0, 2 (refused) or 1 (cannot create) with a message. */
static int prepare_out(const char *dir, int force, char *err, size_t errsz)
{
    struct stat st;
    if (stat(dir, &st) != 0) {
        char tmp[PATH_MAX];
        snprintf(tmp, sizeof tmp, "%s", dir);
        for (char *p = tmp + 1; *p; p++)
            if (*p == '/') {
                *p = '\0';
                mkdir(tmp, 0777);
                *p = '/';
            }
        if (mkdir(tmp, 0777) != 0 && errno != EEXIST) {
            hg_errf(err, errsz, "--out '%s': cannot create: %s", dir, strerror(errno));
            return 1;
        }
        return 0;
    }
    if (!S_ISDIR(st.st_mode)) {
        hg_errf(err, errsz, "--out '%s': exists and is not a directory", dir);
        return 2;
    }
    int entries = hg_dir_entries(dir) > 0;
    if (entries && !force && !ours(dir)) {
        hg_errf(err, errsz,
                "--out '%s': directory is not empty and was not written by "
                "hadmodel; refusing to overwrite (use --force)",
                dir);
        return 2;
    }
    return 0;
}

/* 1 if a and b name the same existing directory. */
static int same_dir(const char *a, const char *b)
{
    char ra[PATH_MAX], rb[PATH_MAX];
    return realpath(a, ra) && realpath(b, rb) && strcmp(ra, rb) == 0;
}

/* Replaces every number under node by its exact text (the fewest digits, 15..17, that read
   back as the same double): cJSON's own printing may drop the last bit of a learned alpha. */
static void exact_numbers(cJSON *node)
{
    cJSON *it = node ? node->child : NULL;
    while (it) {
        cJSON *next = it->next;
        if (cJSON_IsNumber(it) && isfinite(it->valuedouble)) {
            char b[40];
            for (int prec = 15; prec <= 17; prec++) {
                snprintf(b, sizeof b, "%.*g", prec, it->valuedouble);
                if (strtod(b, NULL) == it->valuedouble) break;
            }
            cJSON *raw = cJSON_CreateRaw(b);
            if (raw && cJSON_IsObject(node))
                cJSON_ReplaceItemInObjectCaseSensitive(node, it->string, raw);
            else if (raw)
                cJSON_ReplaceItemViaPointer(node, it, raw);
        } else if (cJSON_IsArray(it) || cJSON_IsObject(it)) {
            exact_numbers(it);
        }
        it = next;
    }
}

/* had.json for the output: the artifact's object (numbers exact) plus the assembly's
   provenance. */
static cJSON *out_json(const char *had_path, const char *weights, const char *base_hash, char *err,
                       size_t errsz)
{
    cJSON *root = parse_file(had_path, err, errsz);
    uint64_t ah = HG_FNV1A_INIT;
    if (!root || hr_hash_file(&ah, had_path, err, errsz) != 0 ||
        hr_hash_file(&ah, weights, err, errsz) != 0) {
        cJSON_Delete(root);
        return NULL;
    }
    char hex[17];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)ah);
    exact_numbers(root);
    cJSON_DeleteItemFromObjectCaseSensitive(root, "assembled_by");
    cJSON_DeleteItemFromObjectCaseSensitive(root, "base_model_hash");
    cJSON_DeleteItemFromObjectCaseSensitive(root, "artifact_hash");
    cJSON_AddStringToObject(root, "assembled_by", HR_HAD_TOOL);
    cJSON_AddStringToObject(root, "base_model_hash", base_hash);
    cJSON_AddStringToObject(root, "artifact_hash", hex);
    return root;
}

/* Inputs of an assembly, checked. Returns 0 or 2 with a message. */
static int check_inputs(const hr_had_opts *o, const hr_had *h, const char *had_path, const char *adir,
                        st_file *base, st_file *over, hr_had_summary *sum, char *err, size_t errsz)
{
    char path[PATH_MAX + 32];
    bcfg_config mc;
    snprintf(path, sizeof path, "%s/config.json", o->base);
    if (bcfg_load(path, &mc, err, errsz) != 0 || hr_had_check_config(h, &mc, had_path, err, errsz) != 0 ||
        check_overlay(h, base, over, had_path, sum, err, errsz) != 0)
        return 2;
    if (h->base_sha256[0] && !o->ignore_sha256) {
        char hex[65];
        if (hr_had_sha256_file(st_path(base), hex, err, errsz) != 0) return 2;
        if (strcmp(hex, h->base_sha256) != 0) {
            hg_errf(err, errsz,
                    "%s: the artifact was made for a base model.safetensors with "
                    "sha256 %s, but %s has sha256 %s (another base model; "
                    "--ignore-base-sha256 assembles anyway)",
                    had_path, h->base_sha256, st_path(base), hex);
            return 2;
        }
    }
    snprintf(path, sizeof path, "%s/vocab.txt", o->base);
    if (access(path, R_OK) != 0) {
        hg_errf(err, errsz, "--base: %s: cannot read: %s", path, strerror(errno));
        return 2;
    }
    if (same_dir(o->out, o->base) || same_dir(o->out, adir)) {
        hg_errf(err, errsz,
                "--out '%s': must differ from the base model and the artifact "
                "directories",
                o->out);
        return 2;
    }
    return 0;
}

/* Writes the four files of the model directory (had.json last). Returns 0 or 1. */
static int write_out(const hr_had_opts *o, assembly *as, const char *had_path, const char *weights,
                     const char *base_hash, char *err, size_t errsz)
{
    char dst[PATH_MAX + 32], src[PATH_MAX + 32];
    static const char *const copies[2] = {"config.json", "vocab.txt"};
    if (build_header(as) != 0) {
        hg_errf(err, errsz, "out of memory");
        return 1;
    }
    snprintf(dst, sizeof dst, "%s/model.safetensors", o->out);
    if (write_atomic(dst, put_safetensors, as, err, errsz) != 0) return 1;
    for (int i = 0; i < 2; i++) {
        snprintf(src, sizeof src, "%s/%s", o->base, copies[i]);
        snprintf(dst, sizeof dst, "%s/%s", o->out, copies[i]);
        if (write_atomic(dst, put_copy, src, err, errsz) != 0) return 1;
    }
    cJSON *hj = out_json(had_path, weights, base_hash, err, errsz);
    if (!hj) return 1;
    snprintf(dst, sizeof dst, "%s/had.json", o->out);
    int rc = write_atomic(dst, put_json, hj, err, errsz) != 0;
    cJSON_Delete(hj);
    return rc;
}

int hr_had_assemble(const hr_had_opts *o, hr_had_summary *sum, char *err, size_t errsz)
{
    hr_had_summary own;
    sum = sum ? sum : &own;
    memset(sum, 0, sizeof *sum);
    char had_path[PATH_MAX + 32], adir[PATH_MAX], path[PATH_MAX + 300];
    struct stat st;
    if (stat(o->artifact, &st) != 0) {
        hg_errf(err, errsz, "--artifact '%s': %s", o->artifact, strerror(errno));
        return 2;
    }
    if (S_ISDIR(st.st_mode)) {
        snprintf(adir, sizeof adir, "%s", o->artifact);
        snprintf(had_path, sizeof had_path, "%s/had.json", adir);
    } else {
        snprintf(had_path, sizeof had_path, "%s", o->artifact);
        const char *slash = strrchr(o->artifact, '/');
        if (slash)
            snprintf(adir, sizeof adir, "%.*s", slash == o->artifact ? 1 : (int)(slash - o->artifact),
                     o->artifact);
        else
            snprintf(adir, sizeof adir, ".");
    }
    snprintf(path, sizeof path, "%s/had.json", o->base);
    if (access(path, F_OK) == 0) {
        hg_errf(err, errsz,
                "--base '%s': holds had.json, so it is a distilled model, not a "
                "base model",
                o->base);
        return 2;
    }
    hr_had *h = hr_had_load(had_path, err, errsz);
    if (!h) return 2;
    int rc = 0;
    if (h->assembled || h->base_hash[0]) {
        hg_errf(err, errsz,
                "--artifact: %s was written by hadmodel (a model directory's "
                "had.json), not a distillation artifact",
                had_path);
        rc = 2;
    }
    snprintf(path, sizeof path, "%s/%s", adir, h->weights);
    char bpath[PATH_MAX + 32];
    snprintf(bpath, sizeof bpath, "%s/model.safetensors", o->base);
    st_file *over = rc ? NULL : st_open(path, err, errsz);
    st_file *base = over ? st_open(bpath, err, errsz) : NULL;
    if (!rc && (!over || !base)) rc = 2;
    if (!rc) rc = check_inputs(o, h, had_path, adir, base, over, sum, err, errsz);
    if (!rc && hr_hash_model(o->base, sum->base_hash, err, errsz) != 0) rc = 2;
    if (!rc) rc = prepare_out(o->out, o->force, err, errsz);
    assembly as = {base, over, NULL, 0, NULL, 0};
    if (!rc) rc = write_out(o, &as, had_path, path, sum->base_hash, err, errsz);
    if (!rc) {
        sum->top_n = h->top_n;
        sum->alpha_min = sum->alpha_max = h->alpha[0];
        for (int i = 1; i < h->n_layers * h->n_heads; i++) {
            sum->alpha_min = fmin(sum->alpha_min, h->alpha[i]);
            sum->alpha_max = fmax(sum->alpha_max, h->alpha[i]);
        }
    }
    free(as.order);
    free(as.header);
    st_close(base);
    st_close(over);
    hr_had_free(h);
    return rc;
}
