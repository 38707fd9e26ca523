/* enc_bert.c — BERT encoder in float32: weight loading, layers, pooling, float attention. */
#include "hg_util.h"
#include "enc_bert.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "st_safetensors.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

/* Linear layers are stored packed in panels of ENC_PANEL output columns so that the
 * matmul streams contiguous memory: w[p][i][j] = W[p*ENC_PANEL + j][i] (zero past the
 * last output). Activation buffers have their row count rounded up to ENC_ROWS. */
#define ENC_PANEL 8
#define ENC_ROWS  4

typedef struct {
    float *w; /* packed weights, n_panels * in * ENC_PANEL */
    float *b; /* bias, out */
    int in, out;
} enc_linear;

typedef struct {
    float *g, *b;
} enc_norm; /* LayerNorm scale and shift, hidden each */

typedef struct {
    enc_linear q, k, v, o, ff_in, ff_out;
    enc_norm ln_attn, ln_ffn;
} enc_layer;

struct enc_model {
    bcfg_config cfg;
    float *word, *pos, *type; /* embedding tables, row-major [rows][hidden] */
    enc_norm ln_emb;
    enc_layer *layer; /* cfg.n_layers */
};

/* ================================================================ weight loading */

/* Loading state: the open file and the tensor name prefix ("" or "bert."). */
typedef struct {
    const st_file *st;
    const char *prefix;
    char *err;
    size_t errsz;
} loader;

/* Reads prefix+name with the given shape into a new float array; NULL on error. */
static float *load_tensor(const loader *ld, const char *name, int ndim, int64_t d0, int64_t d1)
{
    char full[256];
    int64_t shape[2] = {d0, d1};
    snprintf(full, sizeof full, "%s%s", ld->prefix, name);
    /* size the buffer from the file (bounded by its size), not from the config: a wrong
     * config then gives a shape message rather than a failed huge allocation */
    const st_info *in = st_find(ld->st, full);
    size_t n = in && in->numel > 0 ? in->numel : 1;
    float *p = malloc(n * sizeof *p);
    if (!p) {
        hg_errf(ld->err, ld->errsz, "%s: out of memory for tensor '%s'", st_path(ld->st), full);
        return NULL;
    }
    if (st_read_f32_shape(ld->st, full, ndim, shape, p, ld->err, ld->errsz) != 0) {
        free(p);
        return NULL;
    }
    /* one policy for non-finite numbers: refused on input, so none reaches a result */
    for (size_t i = 0; i < in->numel; i++)
        if (!isfinite(p[i])) {
            hg_errf(ld->err, ld->errsz,
                    "%s: tensor '%s': element %zu is %s; weights must be "
                    "finite (NaN and Inf are refused)",
                    st_path(ld->st), full, i,
                    isnan(p[i]) ? "NaN"
                    : p[i] > 0  ? "+Inf"
                                : "-Inf");
            free(p);
            return NULL;
        }
    return p;
}

/* LayerNorm parameters base.weight/base.bias, or base.gamma/base.beta in older files. */
static int load_norm(const loader *ld, const char *base, int hidden, enc_norm *nm)
{
    char g[200], b[200], probe[256];
    snprintf(probe, sizeof probe, "%s%s.gamma", ld->prefix, base);
    int old = st_find(ld->st, probe) != NULL;
    snprintf(g, sizeof g, "%s.%s", base, old ? "gamma" : "weight");
    snprintf(b, sizeof b, "%s.%s", base, old ? "beta" : "bias");
    nm->g = load_tensor(ld, g, 1, hidden, 0);
    nm->b = nm->g ? load_tensor(ld, b, 1, hidden, 0) : NULL;
    return nm->b ? 0 : -1;
}

/* Linear layer base.weight [out][in] + base.bias [out], packed into panels. */
static int load_linear(const loader *ld, const char *base, int in, int out, enc_linear *li)
{
    char name[200];
    snprintf(name, sizeof name, "%s.weight", base);
    float *w = load_tensor(ld, name, 2, out, in);
    if (!w) return -1;
    snprintf(name, sizeof name, "%s.bias", base);
    li->b = load_tensor(ld, name, 1, out, 0);
    int panels = (out + ENC_PANEL - 1) / ENC_PANEL;
    li->w = calloc((size_t)panels * (size_t)in * ENC_PANEL, sizeof *li->w);
    if (!li->b || !li->w) {
        if (li->b && !li->w) hg_errf(ld->err, ld->errsz, "%s: out of memory for '%s'", st_path(ld->st), base);
        free(w);
        return -1;
    }
    for (int o = 0; o < out; o++)
        for (int i = 0; i < in; i++)
            li->w[((size_t)(o / ENC_PANEL) * (size_t)in + (size_t)i) * ENC_PANEL + (size_t)(o % ENC_PANEL)] =
                w[(size_t)o * (size_t)in + (size_t)i];
    li->in = in;
    li->out = out;
    free(w);
    return 0;
}

static int load_layer(const loader *ld, const bcfg_config *c, int l, enc_layer *ly)
{
    char p[160], s[200];
    int h = c->hidden, f = c->intermediate;
    snprintf(p, sizeof p, "encoder.layer.%d.", l);
#define NAME(x) (snprintf(s, sizeof s, "%s%s", p, x), s)
    if (load_linear(ld, NAME("attention.self.query"), h, h, &ly->q) ||
        load_linear(ld, NAME("attention.self.key"), h, h, &ly->k) ||
        load_linear(ld, NAME("attention.self.value"), h, h, &ly->v) ||
        load_linear(ld, NAME("attention.output.dense"), h, h, &ly->o) ||
        load_norm(ld, NAME("attention.output.LayerNorm"), h, &ly->ln_attn) ||
        load_linear(ld, NAME("intermediate.dense"), h, f, &ly->ff_in) ||
        load_linear(ld, NAME("output.dense"), f, h, &ly->ff_out) ||
        load_norm(ld, NAME("output.LayerNorm"), h, &ly->ln_ffn))
        return -1;
#undef NAME
    return 0;
}

/* Picks the tensor name prefix from where the word embeddings are. */
static int find_prefix(loader *ld)
{
    static const char *const prefixes[] = {"", "bert."};
    char name[128];
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        snprintf(name, sizeof name, "%sembeddings.word_embeddings.weight", prefixes[i]);
        if (st_find(ld->st, name)) {
            ld->prefix = prefixes[i];
            return 0;
        }
    }
    hg_errf(ld->err, ld->errsz,
            "%s: no BERT word embeddings found (looked for tensor "
            "'embeddings.word_embeddings.weight' and 'bert.embeddings.word_embeddings.weight'"
            "; %d tensors in the file)",
            st_path(ld->st), st_count(ld->st));
    return -1;
}

static void free_linear(enc_linear *li)
{
    free(li->w);
    free(li->b);
}
static void free_norm(enc_norm *n)
{
    free(n->g);
    free(n->b);
}

void enc_free(enc_model *m)
{
    if (!m) return;
    for (int l = 0; m->layer && l < m->cfg.n_layers; l++) {
        enc_layer *ly = &m->layer[l];
        free_linear(&ly->q);
        free_linear(&ly->k);
        free_linear(&ly->v);
        free_linear(&ly->o);
        free_linear(&ly->ff_in);
        free_linear(&ly->ff_out);
        free_norm(&ly->ln_attn);
        free_norm(&ly->ln_ffn);
    }
    free(m->layer);
    free(m->word);
    free(m->pos);
    free(m->type);
    free_norm(&m->ln_emb);
    free(m);
}

/* Loads all tensors named by the config from the open file. */
static int load_weights(enc_model *m, loader *ld)
{
    const bcfg_config *c = &m->cfg;
    if (find_prefix(ld) != 0) return -1;
    m->word = load_tensor(ld, "embeddings.word_embeddings.weight", 2, c->vocab_size, c->hidden);
    if (!m->word) return -1;
    m->pos = load_tensor(ld, "embeddings.position_embeddings.weight", 2, c->max_pos, c->hidden);
    if (!m->pos) return -1;
    m->type = load_tensor(ld, "embeddings.token_type_embeddings.weight", 2, c->type_vocab, c->hidden);
    if (!m->type || load_norm(ld, "embeddings.LayerNorm", c->hidden, &m->ln_emb)) return -1;
    m->layer = calloc((size_t)c->n_layers, sizeof *m->layer);
    if (!m->layer) {
        hg_errf(ld->err, ld->errsz, "out of memory for %d layers", c->n_layers);
        return -1;
    }
    for (int l = 0; l < c->n_layers; l++)
        if (load_layer(ld, c, l, &m->layer[l]) != 0) return -1;
    return 0;
}

enc_model *enc_load_files(const char *config_path, const char *weights_path, char *err, size_t errsz)
{
    enc_model *m = calloc(1, sizeof *m);
    if (!m) {
        hg_errf(err, errsz, "out of memory for the model");
        return NULL;
    }
    if (bcfg_load(config_path, &m->cfg, err, errsz) != 0) {
        free(m);
        return NULL;
    }
    st_file *st = st_open(weights_path, err, errsz);
    if (!st) {
        free(m);
        return NULL;
    }
    loader ld = {st, "", err, errsz};
    int rc = load_weights(m, &ld);
    st_close(st);
    if (rc != 0) {
        enc_free(m);
        return NULL;
    }
    return m;
}

enc_model *enc_load(const char *dir, char *err, size_t errsz)
{
    char cfg[4096], w[4096];
    if ((size_t)snprintf(cfg, sizeof cfg, "%s/config.json", dir) >= sizeof cfg ||
        (size_t)snprintf(w, sizeof w, "%s/model.safetensors", dir) >= sizeof w) {
        hg_errf(err, errsz, "model directory path is too long (%zu bytes)", strlen(dir));
        return NULL;
    }
    return enc_load_files(cfg, w, err, errsz);
}

const bcfg_config *enc_config(const enc_model *m) { return &m->cfg; }

int enc_model_dir(char *out, size_t outsz, char *err, size_t errsz)
{
    const char *env = getenv("HADGEN_MODEL");
    const char *dir = (env && *env) ? env : "build/model";
    char probe[4096];
    struct stat sb;
    snprintf(probe, sizeof probe, "%s/config.json", dir);
    if (stat(probe, &sb) != 0) {
        if (env && *env)
            hg_errf(err, errsz,
                    "HADGEN_MODEL=%s: no config.json there (set HADGEN_MODEL to "
                    "a directory with config.json, model.safetensors and vocab.txt)",
                    env);
        else
            hg_errf(err, errsz,
                    "no model found: HADGEN_MODEL is not set and build/model/"
                    "config.json does not exist (run `make deps-model` in the repository "
                    "root, or set HADGEN_MODEL to a model directory)");
        return -1;
    }
    if ((size_t)snprintf(out, outsz, "%s", dir) >= outsz) {
        hg_errf(err, errsz, "model directory path is too long (%zu bytes)", strlen(dir));
        return -1;
    }
    return 0;
}

/* ================================================================ kernels */

/* Eight floats (one panel row); GCC lowers this to the target's SIMD: two SSE/NEON
 * registers, one AVX register, or scalars. */
typedef float v8f __attribute__((vector_size(32)));

/* Y[r][:] = X[r][:] W^T + b for rows r < rows (rows a multiple of ENC_ROWS; row strides
 * in and out). Each step keeps a 4-row x 8-column tile of Y in registers and streams one
 * panel of packed weights. On x86-64 GCC also builds an AVX2+FMA copy, which the
 * dynamic loader selects when the processor has it.
 * In the sanitized build (make test-asan) this loop, most of the encoder's time, is
 * left uninstrumented (the per-element checks, address and pointer overflow, kept it from
 * vectorizing: 8 times slower): linear() first checks that the whole of every array the loop
 * reads or writes is addressable (enc_check_span), so an overrun is still caught. */
#if defined(__SANITIZE_ADDRESS__)
#define ENC_KERNEL_NO_ASAN __attribute__((no_sanitize("address", "undefined")))
/* Abort, as AddressSanitizer does, when any byte of p[0 .. n) is not addressable. */
static void enc_check_span(const char *what, const void *p, size_t n)
{
    const void *bad = __asan_region_is_poisoned((void *)(uintptr_t)p, n);
    if (bad) {
        fprintf(stderr, "enc_bert: linear(): %s [%p, +%zu bytes) is not addressable at %p\n", what, p, n,
                bad);
        abort();
    }
}
#else
#define ENC_KERNEL_NO_ASAN
#endif

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("arch=x86-64-v3", "default")))
#endif
ENC_KERNEL_NO_ASAN static void
linear_kernel(const enc_linear *li, const float *X, int rows, float *Y)
{
    const size_t in = (size_t)li->in, out = (size_t)li->out;
    assert(rows % ENC_ROWS == 0 && ENC_PANEL == 8 && ENC_ROWS == 4);
    for (size_t p = 0; p * ENC_PANEL < out; p++) {
        const float *w = li->w + p * in * ENC_PANEL;
        const size_t col = p * ENC_PANEL, ncol = out - col < 8 ? out - col : 8;
        float bias[8] = {0};
        memcpy(bias, li->b + col, ncol * sizeof *bias);
        for (size_t r = 0; r < (size_t)rows; r += ENC_ROWS) {
            const float *x0 = X + r * in, *x1 = x0 + in, *x2 = x1 + in, *x3 = x2 + in;
            v8f a0, wi;
            memcpy(&a0, bias, sizeof a0);
            v8f a1 = a0, a2 = a0, a3 = a0;
            for (size_t i = 0; i < in; i++) {
                memcpy(&wi, w + i * 8, sizeof wi);
                a0 += x0[i] * wi;
                a1 += x1[i] * wi;
                a2 += x2[i] * wi;
                a3 += x3[i] * wi;
            }
            float *y = Y + r * out + col;
            memcpy(y, &a0, ncol * sizeof(float));
            memcpy(y + out, &a1, ncol * sizeof(float));
            memcpy(y + 2 * out, &a2, ncol * sizeof(float));
            memcpy(y + 3 * out, &a3, ncol * sizeof(float));
        }
    }
}

static void linear(const enc_linear *li, const float *X, int rows, float *Y)
{
#if defined(__SANITIZE_ADDRESS__)
    const size_t in = (size_t)li->in, out = (size_t)li->out, r = (size_t)rows;
    const size_t panels = (out + ENC_PANEL - 1) / ENC_PANEL;
    enc_check_span("weights", li->w, panels * in * ENC_PANEL * sizeof *li->w);
    enc_check_span("bias", li->b, out * sizeof *li->b);
    enc_check_span("input", X, r * in * sizeof *X);
    enc_check_span("output", Y, r * out * sizeof *Y);
#endif
    linear_kernel(li, X, rows, Y);
}

/* x[r] = LayerNorm(x[r] + res[r]) for each of rows rows of width h (res may be NULL). */
static void add_norm(float *x, const float *res, int rows, int h, const enc_norm *nm, float eps)
{
    for (int r = 0; r < rows; r++) {
        float *v = x + (size_t)r * (size_t)h;
        if (res)
            for (int i = 0; i < h; i++) v[i] += res[(size_t)r * (size_t)h + (size_t)i];
        double mean = 0.0, var = 0.0;
        for (int i = 0; i < h; i++) mean += v[i];
        mean /= h;
        for (int i = 0; i < h; i++) var += (v[i] - mean) * (v[i] - mean);
        var /= h;
        float inv = (float)(1.0 / sqrt(var + (double)eps)), mu = (float)mean;
        for (int i = 0; i < h; i++) v[i] = (v[i] - mu) * inv * nm->g[i] + nm->b[i];
    }
}

static void gelu(float *x, size_t n, bcfg_act act)
{
    if (act == BCFG_GELU_ERF) {
        for (size_t i = 0; i < n; i++) x[i] = 0.5f * x[i] * (1.0f + erff(x[i] * 0.70710678118654752f));
    } else {
        for (size_t i = 0; i < n; i++) {
            float v = x[i];
            x[i] = 0.5f * v * (1.0f + tanhf(0.79788456080286536f * (v + 0.044715f * v * v * v)));
        }
    }
}

int enc_attn_float(void *ctx, int layer, int head, int n_tok, int d, const float *Q, const float *K,
                   const float *V, float *O)
{
    (void)ctx;
    (void)layer;
    (void)head;
    if (n_tok < 1 || d < 1) return -1;
    float *s = malloc((size_t)n_tok * sizeof *s);
    if (!s) return -1;
    const float scale = 1.0f / sqrtf((float)d);
    const size_t dd = (size_t)d;
    for (size_t i = 0; i < (size_t)n_tok; i++) {
        const float *q = Q + i * dd;
        float mx = -INFINITY, sum = 0.0f;
        for (size_t j = 0; j < (size_t)n_tok; j++) {
            const float *k = K + j * dd;
            float dot = 0.0f;
            for (size_t c = 0; c < dd; c++) dot += q[c] * k[c];
            s[j] = dot * scale;
            if (s[j] > mx) mx = s[j];
        }
        for (size_t j = 0; j < (size_t)n_tok; j++) {
            s[j] = expf(s[j] - mx);
            sum += s[j];
        }
        float *o = O + i * dd;
        memset(o, 0, dd * sizeof *o);
        for (size_t j = 0; j < (size_t)n_tok; j++) {
            const float p = s[j] / sum, *v = V + j * dd;
            for (size_t c = 0; c < dd; c++) o[c] += p * v[c];
        }
    }
    free(s);
    return 0;
}

/* ================================================================ forward pass */

/* Work buffers of one forward pass; activations have rows = n_tok rounded up to
 * ENC_ROWS (the extra rows hold finite filler and are never read back). */
typedef struct {
    int n, rows, h, d, nh;
    float *x, *q, *k, *v, *att, *tmp, *ff; /* rows x h (ff: rows x intermediate) */
    float *hq, *hk, *hv, *ho;              /* every head: nh blocks of n x d */
    const float **pq, **pk, **pv;          /* the blocks of each head, for the layer hook */
    float **po;
} enc_work;

static void work_free(enc_work *w)
{
    free(w->x);
    free(w->q);
    free(w->k);
    free(w->v);
    free(w->att);
    free(w->tmp);
    free(w->ff);
    free(w->hq);
    free(w->hk);
    free(w->hv);
    free(w->ho);
    free(w->pq);
    free(w->pk);
    free(w->pv);
    free(w->po);
}

static int work_alloc(enc_work *w, const bcfg_config *c, int n)
{
    memset(w, 0, sizeof *w);
    w->n = n;
    w->rows = (n + ENC_ROWS - 1) / ENC_ROWS * ENC_ROWS;
    w->h = c->hidden;
    w->d = c->head_dim;
    w->nh = c->n_heads;
    size_t rh = (size_t)w->rows * (size_t)w->h, nd = (size_t)n * (size_t)w->d * (size_t)w->nh;
    w->x = calloc(rh, sizeof(float));
    w->q = calloc(rh, sizeof(float));
    w->k = calloc(rh, sizeof(float));
    w->v = calloc(rh, sizeof(float));
    w->att = calloc(rh, sizeof(float));
    w->tmp = calloc(rh, sizeof(float));
    w->ff = calloc((size_t)w->rows * (size_t)c->intermediate, sizeof(float));
    w->hq = malloc(nd * sizeof(float));
    w->hk = malloc(nd * sizeof(float));
    w->hv = malloc(nd * sizeof(float));
    w->ho = malloc(nd * sizeof(float));
    w->pq = malloc((size_t)w->nh * sizeof *w->pq);
    w->pk = malloc((size_t)w->nh * sizeof *w->pk);
    w->pv = malloc((size_t)w->nh * sizeof *w->pv);
    w->po = malloc((size_t)w->nh * sizeof *w->po);
    if (w->x && w->q && w->k && w->v && w->att && w->tmp && w->ff && w->hq && w->hk && w->hv && w->ho &&
        w->pq && w->pk && w->pv && w->po)
        return 0;
    work_free(w);
    return -1;
}

/* Copies columns [col, col+d) of rows 0..n-1 of src (row stride h) to dst (n x d). */
static void gather(float *dst, const float *src, int n, int h, int col, int d)
{
    for (int t = 0; t < n; t++)
        memcpy(dst + (size_t)t * (size_t)d, src + (size_t)t * (size_t)h + (size_t)col,
               (size_t)d * sizeof *dst);
}

static void scatter(float *dst, const float *src, int n, int h, int col, int d)
{
    for (int t = 0; t < n; t++)
        memcpy(dst + (size_t)t * (size_t)h + (size_t)col, src + (size_t)t * (size_t)d,
               (size_t)d * sizeof *dst);
}

/* Self-attention of one layer: projections, every head through the hooks (the layer hook
   if set, else the head hook once per head), into w->att. */
static int attention(const enc_model *m, const enc_layer *ly, int l, enc_work *w, const enc_hooks *hk,
                     char *err, size_t errsz)
{
    linear(&ly->q, w->x, w->rows, w->q);
    linear(&ly->k, w->x, w->rows, w->k);
    linear(&ly->v, w->x, w->rows, w->v);
    enc_attn_fn fn = hk && hk->attn ? hk->attn : enc_attn_float;
    int nh = m->cfg.n_heads;
    size_t nd = (size_t)w->n * (size_t)w->d;
    const float **Q = w->pq, **K = w->pk, **V = w->pv;
    float **O = w->po;
    for (int hd = 0; hd < nh; hd++) {
        int col = hd * w->d;
        float *q = w->hq + (size_t)hd * nd, *k = w->hk + (size_t)hd * nd, *v = w->hv + (size_t)hd * nd;
        gather(q, w->q, w->n, w->h, col, w->d);
        gather(k, w->k, w->n, w->h, col, w->d);
        gather(v, w->v, w->n, w->h, col, w->d);
        Q[hd] = q, K[hd] = k, V[hd] = v, O[hd] = w->ho + (size_t)hd * nd;
        if (hk && hk->layer_attn) continue;
        int rc = fn(hk ? hk->attn_ctx : NULL, l, hd, w->n, w->d, q, k, v, O[hd]);
        if (rc != 0) {
            hg_errf(err, errsz,
                    "attention hook failed at layer %d head %d (n_tok %d, d %d): "
                    "returned %d",
                    l, hd, w->n, w->d, rc);
            return -1;
        }
    }
    if (hk && hk->layer_attn) {
        int rc = hk->layer_attn(hk->attn_ctx, l, nh, w->n, w->d, Q, K, V, O);
        if (rc != 0) {
            hg_errf(err, errsz, "attention hook failed at layer %d (%d heads, n_tok %d, d %d): returned %d",
                    l, nh, w->n, w->d, rc);
            return -1;
        }
    }
    for (int hd = 0; hd < nh; hd++) scatter(w->att, O[hd], w->n, w->h, hd * w->d, w->d);
    return 0;
}

/* One encoder layer on w->x, in place. */
static int layer_forward(const enc_model *m, int l, enc_work *w, const enc_hooks *hk, char *err, size_t errsz)
{
    const enc_layer *ly = &m->layer[l];
    const bcfg_config *c = &m->cfg;
    if (attention(m, ly, l, w, hk, err, errsz) != 0) return -1;
    linear(&ly->o, w->att, w->rows, w->tmp);
    add_norm(w->tmp, w->x, w->rows, w->h, &ly->ln_attn, c->ln_eps);
    linear(&ly->ff_in, w->tmp, w->rows, w->ff);
    gelu(w->ff, (size_t)w->rows * (size_t)c->intermediate, c->act);
    linear(&ly->ff_out, w->ff, w->rows, w->x);
    add_norm(w->x, w->tmp, w->rows, w->h, &ly->ln_ffn, c->ln_eps);
    if (hk && hk->observe && hk->observe(hk->observe_ctx, l, w->n, w->h, w->att, w->x)) {
        hg_errf(err, errsz, "observer stopped the encoder after layer %d", l);
        return -1;
    }
    return 0;
}

/* Embeddings of the ids into w->x (padding rows stay zero before the LayerNorm). */
static void embed_tokens(const enc_model *m, const int32_t *ids, enc_work *w)
{
    size_t h = (size_t)w->h;
    for (int t = 0; t < w->n; t++) {
        const float *we = m->word + (size_t)ids[t] * h, *pe = m->pos + (size_t)t * h;
        float *x = w->x + (size_t)t * h;
        for (size_t i = 0; i < h; i++) x[i] = we[i] + pe[i] + m->type[i];
    }
    add_norm(w->x, NULL, w->rows, w->h, &m->ln_emb, m->cfg.ln_eps);
}

int enc_forward(const enc_model *m, const int32_t *ids, int n_tok, const enc_hooks *hooks, float *out,
                char *err, size_t errsz)
{
    const bcfg_config *c = &m->cfg;
    if (n_tok < 1 || n_tok > c->max_pos) {
        hg_errf(err, errsz, "encoder: %d tokens (allowed: 1..%d, max_position_embeddings)", n_tok,
                c->max_pos);
        return -1;
    }
    for (int t = 0; t < n_tok; t++)
        if (ids[t] < 0 || ids[t] >= c->vocab_size) {
            hg_errf(err, errsz, "encoder: token %d has id %d (allowed: 0..%d)", t, ids[t], c->vocab_size - 1);
            return -1;
        }
    enc_work w;
    if (work_alloc(&w, c, n_tok) != 0) {
        hg_errf(err, errsz, "encoder: out of memory for %d tokens", n_tok);
        return -1;
    }
    embed_tokens(m, ids, &w);
    int rc = 0;
    for (int l = 0; l < c->n_layers && rc == 0; l++) rc = layer_forward(m, l, &w, hooks, err, errsz);
    if (rc == 0) memcpy(out, w.x, (size_t)n_tok * (size_t)w.h * sizeof *out);
    work_free(&w);
    return rc;
}

int enc_embed(const enc_model *m, const int32_t *ids, int n_tok, const enc_hooks *hooks, float *emb,
              char *err, size_t errsz)
{
    const int h = m->cfg.hidden;
    float *hs = malloc((size_t)(n_tok > 0 ? n_tok : 1) * (size_t)h * sizeof *hs);
    if (!hs) {
        hg_errf(err, errsz, "encoder: out of memory for %d tokens", n_tok);
        return -1;
    }
    if (enc_forward(m, ids, n_tok, hooks, hs, err, errsz) != 0) {
        free(hs);
        return -1;
    }
    double norm = 0.0;
    for (int i = 0; i < h; i++) {
        double s = 0.0;
        for (int t = 0; t < n_tok; t++) s += hs[(size_t)t * (size_t)h + (size_t)i];
        emb[i] = (float)(s / n_tok);
        norm += (double)emb[i] * emb[i];
    }
    /* sentence-transformers' Normalize clamps the norm at 1e-12 */
    norm = sqrt(norm);
    if (norm < 1e-12) norm = 1e-12;
    for (int i = 0; i < h; i++) emb[i] = (float)(emb[i] / norm);
    free(hs);
    return 0;
}

float enc_cosine(const float *a, const float *b, int n)
{
    double ab = 0.0, aa = 0.0, bb = 0.0;
    for (int i = 0; i < n; i++) {
        ab += (double)a[i] * b[i];
        aa += (double)a[i] * a[i];
        bb += (double)b[i] * b[i];
    }
    return (aa > 0.0 && bb > 0.0) ? (float)(ab / sqrt(aa * bb)) : 0.0f;
}
