/* bert_config.c — config.json reader and validator for BERT-family checkpoints. */
#include "hg_file.h"
#include "hg_util.h"
#include "bert_config.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#define BCFG_MAX_FILE (16 * 1024 * 1024) /* a config.json is a few kB; cap the read */
#define BCFG_MAX_INT  100000000          /* sanity bound for any size in the config */

/* Reads integer key from root into *out. If the key is absent, uses def when def >= 0,
 * else fails. The value must lie in [lo, BCFG_MAX_INT]. Returns 0 or -1. */
static int get_int(const cJSON *root, const char *what, const char *key, int def, int lo, int *out, char *err,
                   size_t errsz)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(root, key);
    if (!j) {
        if (def >= 0) {
            *out = def;
            return 0;
        }
        hg_errf(err, errsz, "%s: missing required key \"%s\" (a positive integer)", what, key);
        return -1;
    }
    if (!cJSON_IsNumber(j)) {
        hg_errf(err, errsz, "%s: \"%s\" must be an integer, got a non-number", what, key);
        return -1;
    }
    double v = j->valuedouble;
    if (floor(v) != v || v < lo || v > BCFG_MAX_INT) {
        hg_errf(err, errsz, "%s: \"%s\" = %g is invalid (allowed: integers %d..%d)", what, key, v, lo,
                BCFG_MAX_INT);
        return -1;
    }
    *out = (int)v;
    return 0;
}

/* Reads optional string key; *out is NULL when absent. Returns 0 or -1 (not a string). */
static int get_str(const cJSON *root, const char *what, const char *key, const char **out, char *err,
                   size_t errsz)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(root, key);
    *out = NULL;
    if (!j) return 0;
    if (!cJSON_IsString(j)) {
        hg_errf(err, errsz, "%s: \"%s\" must be a string", what, key);
        return -1;
    }
    *out = j->valuestring;
    return 0;
}

/* Validates the string-valued keys (model type, activation, position embeddings). */
static int parse_strings(const cJSON *root, const char *what, bcfg_config *cfg, char *err, size_t errsz)
{
    const char *s;
    if (get_str(root, what, "model_type", &s, err, errsz) != 0) return -1;
    if (s && strcmp(s, "bert") != 0) {
        hg_errf(err, errsz, "%s: model_type \"%s\" is not supported (allowed: \"bert\")", what, s);
        return -1;
    }
    if (get_str(root, what, "position_embedding_type", &s, err, errsz) != 0) return -1;
    if (s && strcmp(s, "absolute") != 0) {
        hg_errf(err, errsz,
                "%s: position_embedding_type \"%s\" is not supported "
                "(allowed: \"absolute\")",
                what, s);
        return -1;
    }
    if (get_str(root, what, "hidden_act", &s, err, errsz) != 0) return -1;
    if (!s || strcmp(s, "gelu") == 0)
        cfg->act = BCFG_GELU_ERF;
    else if (strcmp(s, "gelu_new") == 0 || strcmp(s, "gelu_pytorch_tanh") == 0)
        cfg->act = BCFG_GELU_TANH;
    else {
        hg_errf(err, errsz,
                "%s: hidden_act \"%s\" is not supported (allowed: \"gelu\", "
                "\"gelu_new\", \"gelu_pytorch_tanh\")",
                what, s);
        return -1;
    }
    return 0;
}

/* Validates and copies all fields from the parsed object. */
static int parse_root(const cJSON *root, const char *what, bcfg_config *cfg, char *err, size_t errsz)
{
    if (!cJSON_IsObject(root)) {
        hg_errf(err, errsz, "%s: top level is not a JSON object", what);
        return -1;
    }
    if (get_int(root, what, "hidden_size", -1, 1, &cfg->hidden, err, errsz) ||
        get_int(root, what, "num_attention_heads", -1, 1, &cfg->n_heads, err, errsz) ||
        get_int(root, what, "num_hidden_layers", -1, 1, &cfg->n_layers, err, errsz) ||
        get_int(root, what, "intermediate_size", -1, 1, &cfg->intermediate, err, errsz) ||
        get_int(root, what, "vocab_size", -1, 1, &cfg->vocab_size, err, errsz) ||
        get_int(root, what, "max_position_embeddings", -1, 1, &cfg->max_pos, err, errsz) ||
        get_int(root, what, "type_vocab_size", 2, 1, &cfg->type_vocab, err, errsz))
        return -1;
    if (cfg->hidden % cfg->n_heads != 0) {
        hg_errf(err, errsz, "%s: hidden_size %d is not a multiple of num_attention_heads %d", what,
                cfg->hidden, cfg->n_heads);
        return -1;
    }
    cfg->head_dim = cfg->hidden / cfg->n_heads;
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(root, "layer_norm_eps");
    cfg->ln_eps = 1e-12f;
    if (j) {
        /* held as a float: a smaller value would become 0 or lose its precision */
        if (!cJSON_IsNumber(j) || !(j->valuedouble >= FLT_MIN) || j->valuedouble > 1.0) {
            hg_errf(err, errsz,
                    "%s: \"layer_norm_eps\" must be a number in (0, 1] and at least "
                    "%g (a normal float); got %g",
                    what, (double)FLT_MIN, cJSON_IsNumber(j) ? j->valuedouble : NAN);
            return -1;
        }
        cfg->ln_eps = (float)j->valuedouble;
    }
    return parse_strings(root, what, cfg, err, errsz);
}

int bcfg_parse(const char *json, const char *what, bcfg_config *cfg, char *err, size_t errsz)
{
    cJSON *root = cJSON_Parse(json);
    if (!root) {
        const char *at = cJSON_GetErrorPtr();
        long off = (at && at >= json) ? (long)(at - json) : -1;
        hg_errf(err, errsz, "%s: not valid JSON (error near byte %ld)", what, off);
        return -1;
    }
    memset(cfg, 0, sizeof *cfg);
    int rc = parse_root(root, what, cfg, err, errsz);
    cJSON_Delete(root);
    return rc;
}

int bcfg_load(const char *path, bcfg_config *cfg, char *err, size_t errsz)
{
    char why[256];
    size_t n = 0;
    char *buf = hg_file_read(path, BCFG_MAX_FILE, &n, why, sizeof why);
    if (!buf) {
        hg_errf(err, errsz, "%s: %s%s", path, why, strstr(why, "limit") ? "; not a config.json" : "");
        return -1;
    }
    if (memchr(buf, '\0', n)) {
        hg_errf(err, errsz, "%s: contains a NUL byte; not a JSON text file", path);
        free(buf);
        return -1;
    }
    int rc = bcfg_parse(buf, path, cfg, err, errsz);
    free(buf);
    return rc;
}
