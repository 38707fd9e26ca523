/* hr_dump.c — K, V, Q streams and golden outputs of chosen heads, in hgsim's layouts. */
#include "hg_file.h"
#include "hg_util.h"
#include "hr_dump.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "hr_json.h"

#include "hr_attn.h"

#define NCORES HG_NCORES /* streams of the golden model of every core type */

/* Where the streams of one core type come from (hr_dump_set_source). */
typedef struct source {
    const enc_model *model; /* NULL: the model given to hr_dump_sentence */
    enc_attn_fn pass;       /* attention of the pass (NULL: float) */
    void *pass_ctx;
} source;

struct hr_dump {
    char dir[2048];
    hr_lh *lh;
    int n;
    hg_cfg cfg;               /* the core configuration */
    hr_backend *core[NCORES]; /* golden HAD, baseline, int8 + top-N */
    source src[NCORES];
    int active[NCORES]; /* the cores of the pass being run */
    source pass;        /* ... and its source */
    int sentence;       /* being dumped, from 1 */
    int failed;         /* a tap could not write */
    int v_channel;      /* V scales per channel (hr_dump_set_v_scale) */
    char err[1024];
    cJSON *index;   /* array of head directories */
    float *scratch; /* one head's discarded output */
};

int hr_dump_parse_heads(const char *s, int n_layers, int n_heads, hr_lh *lh, int max, char *err, size_t errsz)
{
    int n = 0;
    const char *p = s;
    while (*p) {
        char *end;
        long l = strtol(p, &end, 10), h = -1;
        int ok = *p >= '0' && *p <= '9' && end != p && *end == ':'; /* digits only */
        if (ok) {
            const char *q = end + 1;
            h = strtol(q, &end, 10);
            ok = *q >= '0' && *q <= '9' && end != q && (*end == ',' || *end == '\0');
        }
        size_t len = strcspn(p, ",");
        if (!ok || l < 0 || l >= n_layers || h < 0 || h >= n_heads) {
            hg_errf(err, errsz,
                    "--dump-heads '%.*s': must be LAYER:HEAD with layer 0..%d and "
                    "head 0..%d",
                    (int)len, p, n_layers - 1, n_heads - 1);
            return -1;
        }
        if (n == max) {
            hg_errf(err, errsz, "--dump-heads '%s': more than %d heads", s, max);
            return -1;
        }
        lh[n++] = (hr_lh){(int)l, (int)h};
        p += len;
        if (*p == ',' && *++p == '\0') {
            hg_errf(err, errsz, "--dump-heads '%s': ends with a comma", s);
            return -1;
        }
    }
    if (n == 0) hg_errf(err, errsz, "--dump-heads '%s': no head given (LAYER:HEAD[,...])", s);
    return n ? n : -1;
}

/* mkdir -p */
static int mkdirs(const char *path)
{
    char tmp[2300];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(tmp, 0777) != 0 && errno != EEXIST) return -1;
            *p = '/';
        }
    return mkdir(tmp, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

static int write_file(const char *dir, const char *name, const void *data, size_t n)
{
    char path[2400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return hg_file_write(path, data, n, NULL, 0);
}

int hr_dump_check_dir(const char *dir, char *err, size_t errsz)
{
    struct stat st;
    char path[2400];
    if (!dir[0]) {
        hg_errf(err, errsz, "--dump-streams '': must name a directory");
        return -1;
    }
    if (strlen(dir) >= 2048 - 64) {
        hg_errf(err, errsz, "--dump-streams '%s': path too long", dir);
        return -1;
    }
    if (stat(dir, &st) != 0) {
        /* a new directory: the nearest existing folder above it must be writable */
        snprintf(path, sizeof path, "%s", dir);
        char *slash;
        while ((slash = strrchr(path, '/')) && slash != path) {
            *slash = '\0';
            if (stat(path, &st) == 0) break;
        }
        if (!slash || slash == path) snprintf(path, sizeof path, "%s", slash == path ? "/" : ".");
        if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode) || access(path, W_OK | X_OK) != 0) {
            hg_errf(err, errsz,
                    "--dump-streams '%s': cannot be created: '%s' is not a writable "
                    "folder",
                    dir, path);
            return -1;
        }
        return 0;
    }
    if (!S_ISDIR(st.st_mode)) {
        hg_errf(err, errsz, "--dump-streams '%s': exists and is not a directory", dir);
        return -1;
    }
    snprintf(path, sizeof path, "%s/%s", dir, HR_DUMP_MARKER);
    if (lstat(path, &st) == 0 && S_ISREG(st.st_mode)) return 0;
    int entries = hg_dir_entries(dir);
    if (entries != 0) {
        hg_errf(err, errsz,
                "--dump-streams '%s': %s; hadrun writes only into a new or empty "
                "directory, or one it made before (holding %s): give a new directory",
                dir, entries > 0 ? "directory is not empty and was not made by hadrun" : "cannot be read",
                HR_DUMP_MARKER);
        return -1;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        hg_errf(err, errsz, "--dump-streams '%s': not writable: %s", dir, strerror(errno));
        return -1;
    }
    return 0;
}

/* Tap of the golden backends: writes one head of one core type. */
static void tap(void *ctx, const hr_head_io *io)
{
    hr_dump *d = ctx;
    if (d->failed) return;
    const hg_cfg *c = io->cfg;
    /* weights: "--etab " and d + 1 entries of at most 10 digits and a comma each */
    char rel[128], dir[2300], args[512], weights[16 + 11 * (HG_D_MAX + 1)], replay[1024 + sizeof weights];
    snprintf(rel, sizeof rel, "%s/l%dh%d/s%03d", hg_core_name(c->core), io->layer, io->head, d->sentence);
    snprintf(dir, sizeof dir, "%s/%s", d->dir, rel);
    size_t kb = (size_t)hm_key_bytes(c), n = (size_t)io->n_tok, dd = (size_t)c->d;
    hg_cfg_args(c, args, sizeof args);
    /* the HAD weights: alpha's exp table, or the learned table's entries as loaded */
    int wn = snprintf(weights, sizeof weights, io->logit ? "--etab " : "--alpha %.17g", io->alpha);
    for (int i = 0; io->logit && i <= c->d && wn > 0 && (size_t)wn < sizeof weights; i++)
        wn += snprintf(weights + wn, sizeof weights - (size_t)wn, "%s%u", i ? "," : "", io->run->etab[i]);
    snprintf(replay, sizeof replay,
             "hgsim %s --keys keys.bin --values values.bin --queries queries.bin --n-keys %d "
             "%s --scale-q %.17g --scale-k %.17g --check",
             args, io->run->n_keys, weights, io->s_q, io->s_k);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "core", hg_core_name(c->core));
    cJSON_AddNumberToObject(o, "layer", io->layer);
    cJSON_AddNumberToObject(o, "head", io->head);
    cJSON_AddNumberToObject(o, "sentence", d->sentence);
    cJSON_AddNumberToObject(o, "n_keys", io->run->n_keys);
    cJSON_AddNumberToObject(o, "n_queries", io->n_tok);
    cJSON_AddNumberToObject(o, "d", c->d);
    hr_json_add_exact(o, "alpha", io->alpha);
    if (io->logit) {
        cJSON *et = cJSON_AddArrayToObject(o, "etab");
        for (int i = 0; et && i <= c->d; i++) cJSON_AddItemToArray(et, cJSON_CreateNumber(io->run->etab[i]));
    }
    hr_json_add_exact(o, "scale_q", io->s_q);
    hr_json_add_exact(o, "scale_k", io->s_k);
    hr_json_add_exact(o, "s_v", io->s_v);
    cJSON_AddStringToObject(o, "v_scale", io->s_v_ch ? "channel" : "head");
    if (io->s_v_ch) {
        cJSON *a = cJSON_AddArrayToObject(o, "s_v_ch");
        for (int i = 0; a && i < c->d; i++) cJSON_AddItemToArray(a, hr_json_exact(io->s_v_ch[i]));
    }
    cJSON_AddNumberToObject(o, "out_frac", c->of);
    cJSON_AddStringToObject(o, "core_options", args);
    cJSON_AddStringToObject(o, "hgsim", replay);
    char hj[2400];
    snprintf(hj, sizeof hj, "%s/head.json", dir);
    if (mkdirs(dir) != 0 || write_file(dir, "keys.bin", io->k, n * kb) != 0 ||
        write_file(dir, "values.bin", io->v, n * dd) != 0 ||
        write_file(dir, "queries.bin", io->q, n * kb) != 0 ||
        write_file(dir, "out.bin", io->out, n * dd * sizeof *io->out) != 0 || hr_json_write(hj, o) != 0) {
        hg_errf(d->err, sizeof d->err, "--dump-streams: cannot write the files of '%s'", dir);
        d->failed = 1;
    }
    cJSON_Delete(o);
    cJSON_AddItemToArray(d->index, cJSON_CreateString(rel));
}

hr_dump *hr_dump_open(const char *dir, const hg_cfg *core, const hr_calib *cal, const hr_lh *lh, int n,
                      char *err, size_t errsz)
{
    hr_dump *d = calloc(1, sizeof *d);
    if (!d) {
        hg_errf(err, errsz, "out of memory");
        return NULL;
    }
    if (strlen(dir) >= sizeof d->dir - 64) {
        hg_errf(err, errsz, "--dump-streams '%s': path too long", dir);
        free(d);
        return NULL;
    }
    snprintf(d->dir, sizeof d->dir, "%s", dir);
    d->cfg = *core;
    d->lh = malloc((size_t)n * sizeof *d->lh);
    d->n = n;
    d->index = cJSON_CreateArray();
    d->scratch = malloc((size_t)core->l * (size_t)core->d * sizeof *d->scratch);
    if (!d->lh || !d->index || !d->scratch) {
        hg_errf(err, errsz, "out of memory");
        hr_dump_close(d, NULL, 0);
        return NULL;
    }
    memcpy(d->lh, lh, (size_t)n * sizeof *lh);
    char marker[2100], why[256];
    snprintf(marker, sizeof marker, "%s/%s", dir, HR_DUMP_MARKER);
    if (hr_dump_check_dir(dir, err, errsz) != 0) {
        hr_dump_close(d, NULL, 0);
        return NULL;
    }
    if (mkdirs(dir) != 0) {
        hg_errf(err, errsz, "--dump-streams '%s': cannot create: %s", dir, strerror(errno));
        hr_dump_close(d, NULL, 0);
        return NULL;
    }
    static const char mark[] = "Stream dump of hadrun --dump-streams: index.json and "
                               "<core>/l<layer>h<head>/s<sentence>/ are rewritten by hadrun.\n";
    if (hg_file_write(marker, mark, sizeof mark - 1, why, sizeof why) != 0) {
        hg_errf(err, errsz, "--dump-streams: '%s': %s", marker, why);
        hr_dump_close(d, NULL, 0);
        return NULL;
    }
    for (int i = 0; i < NCORES; i++) {
        d->core[i] = hr_backend_open(HR_GOLDEN(i), core, cal, NULL, 0, err, errsz);
        if (!d->core[i]) {
            hr_dump_close(d, NULL, 0);
            return NULL;
        }
        hr_backend_set_tap(d->core[i], tap, d);
    }
    return d;
}

int hr_dump_set_v_scale(hr_dump *d, int per_channel, char *err, size_t errsz)
{
    for (int i = 0; i < NCORES; i++)
        if (hr_backend_set_v_scale(d->core[i], per_channel) != 0) {
            hg_errf(err, errsz, "%s", hr_backend_error(d->core[i]));
            return -1;
        }
    d->v_channel = per_channel != 0;
    return 0;
}

int hr_dump_set_source(hr_dump *d, hg_core_kind core, const enc_model *m, const hr_calib *cal,
                       const double *alpha_c, const double *logit, int center, enc_attn_fn pass,
                       void *pass_ctx, char *err, size_t errsz)
{
    int c = (int)core;
    assert(c >= 0 && c < NCORES);
    hr_backend *b = hr_backend_open(HR_GOLDEN(core), &d->cfg, cal, NULL, 0, err, errsz);
    if (!b) return -1;
    if (hr_backend_set_v_scale(b, d->v_channel) != 0 || hr_backend_set_center(b, center) != 0) {
        hg_errf(err, errsz, "%s", hr_backend_error(b));
        hr_backend_close(b);
        return -1;
    }
    hr_backend_close(d->core[c]);
    d->core[c] = b;
    hr_backend_set_tap(b, tap, d);
    hr_backend_set_alpha(b, alpha_c);
    hr_backend_set_table(b, logit);
    d->src[c] = (source){m, pass, pass_ctx};
    return 0;
}

/* Attention hook of a dump pass: the pass's attention, plus its golden cores on the chosen
   heads. */
static int dump_attn(void *ctx, int layer, int head, int n_tok, int dd, const float *Q, const float *K,
                     const float *V, float *O)
{
    hr_dump *d = ctx;
    for (int i = 0; i < d->n; i++) {
        if (d->lh[i].layer != layer || d->lh[i].head != head) continue;
        for (int c = 0; c < NCORES; c++) {
            if (!d->active[c]) continue;
            if (hr_attn(d->core[c], layer, head, n_tok, dd, Q, K, V, d->scratch) != 0) {
                hg_errf(d->err, sizeof d->err, "%s", hr_backend_error(d->core[c]));
                return -1;
            }
            if (d->failed) return -1;
        }
    }
    if (d->pass.pass) return d->pass.pass(d->pass.pass_ctx, layer, head, n_tok, dd, Q, K, V, O);
    return enc_attn_float(NULL, layer, head, n_tok, dd, Q, K, V, O);
}

/* 1 if the cores a and b take their streams from the same pass (model m by default). */
static int same_source(const hr_dump *d, int a, int b, const enc_model *m)
{
    const source *x = &d->src[a], *y = &d->src[b];
    return (x->model ? x->model : m) == (y->model ? y->model : m) && x->pass == y->pass &&
           x->pass_ctx == y->pass_ctx;
}

int hr_dump_sentence(hr_dump *d, const enc_model *m, const int32_t *ids, int n_tok, int sentence, char *err,
                     size_t errsz)
{
    int done[NCORES] = {0}, rc = 0;
    d->sentence = sentence;
    for (int c = 0; rc == 0 && c < NCORES; c++) {
        if (done[c]) continue;
        for (int o = 0; o < NCORES; o++) {
            d->active[o] = o >= c && same_source(d, c, o, m);
            done[o] |= d->active[o];
        }
        d->pass = d->src[c];
        const enc_model *pm = d->pass.model ? d->pass.model : m;
        float *out = malloc((size_t)n_tok * (size_t)enc_config(pm)->hidden * sizeof *out);
        char sub[768];
        d->err[0] = '\0';
        enc_hooks hk = {dump_attn, d, NULL, NULL, NULL};
        rc = out ? enc_forward(pm, ids, n_tok, &hk, out, sub, sizeof sub) : -1;
        if (rc)
            hg_errf(err, errsz, "dump of sentence %d: %s", sentence,
                    !out        ? "out of memory"
                    : d->err[0] ? d->err
                                : sub);
        free(out);
    }
    return rc;
}

int hr_dump_close(hr_dump *d, char *err, size_t errsz)
{
    if (!d) return 0;
    int rc = 0;
    if (err && d->index) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemReferenceToObject(o, "heads", d->index);
        char path[2100];
        snprintf(path, sizeof path, "%s/index.json", d->dir);
        if (hr_json_write(path, o) != 0) {
            hg_errf(err, errsz, "--dump-streams: cannot write '%s'", path);
            rc = -1;
        }
        cJSON_Delete(o);
    }
    for (int i = 0; i < NCORES; i++) hr_backend_close(d->core[i]);
    cJSON_Delete(d->index);
    free(d->lh);
    free(d->scratch);
    free(d);
    return rc;
}
