/* hr_hadmodel.h — distilled HAD models: the artifact of the distillation recipe, the model
 * directory hadmodel assembles from it, and the model's attention in float (prefix hr_had_).
 *
 * The distillation recipe (sw/distill/) changes a few tensors of a base model (the Q/K
 * projections) and learns a score scale alpha per (layer, head). It commits an artifact:
 *   had.json               format "hadgen-had-1": shape, top_n, max_tokens, alpha[l][h],
 *                          the changed tensor names, the weights file, the base model
 *   <weights>.safetensors  the changed tensors only (F16, BF16 or F32), base names
 * hr_had_assemble (the hadmodel tool) overlays them on the base model and writes a complete
 * model directory (config.json, model.safetensors in F32, vocab.txt) with had.json = the
 * artifact's plus "base_model_hash" (hr_hash_model of the base) and "assembled_by".
 *
 * The distilled model's attention (its inference form, the function the recipe trains):
 * per head, sign bits of q and k (bit set where x >= 0), m = matching bits,
 *   score = alpha(l,h) * (2m - d) / sqrt(d) = alpha_c(l,h) * (2m - d),
 * the top_n keys by score (ties: lower key index, docs/spec.md 4.1), softmax over them,
 * weighted sum of the float values. alpha_c is the exp-table step of the HAD core.
 * A model trained with a learned weight table (had_distill.py --etab learn) also has
 * etab_logit[l][h][delta], delta = 0..head_dim: a kept key weighs exp(etab_logit[m_max - m])
 * (m_max: the row's largest m), the core's run-time table (hm_had_etab_log), instead of
 * exp(alpha_c (2m - d)); keys are kept by m as before.
 */
#ifndef HR_HADMODEL_H
#define HR_HADMODEL_H

#include <stddef.h>

#include "bert_config.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HR_HAD_FORMAT "hadgen-had-1"
#define HR_HAD_TOOL   "hadmodel" /* value of "assembled_by" in an assembled had.json */

typedef struct hr_had {
    int n_layers, n_heads, head_dim;
    int top_n;          /* keys kept per query in training, 1..HG_L_MAX */
    int max_tokens;     /* token limit of the training texts (the short samples) */
    int trained_tokens; /* the longest training texts: max_tokens, or the recipe's long
                           passages' limit (recipe.long_tokens[1] with recipe.long_frac > 0) */
    double *alpha;      /* n_layers * n_heads learned alphas (finite, > 0),
                                 index layer * n_heads + head */
    double *alpha_c;    /* alpha / sqrt(head_dim): the score step per matching bit */
    double *logit;      /* NULL, or n_layers * n_heads tables of head_dim + 1 (etab_logit):
                          0 first, never rising */
    char weights[256];  /* the artifact's weights file (a name in its directory) */
    int n_tensors;
    char **tensors;       /* names of the changed tensors */
    char base_sha256[65]; /* base_model.safetensors_sha256 (lowercase), "" if absent
                                 or null */
    char base_hash[17];   /* base_model_hash: "" in an artifact */
    int assembled;        /* "assembled_by" is "hadmodel" */
    int v_bits;           /* the value bits it was trained with: recipe.v_bits (had_distill.py
                             --v-bits), 2..8; 8 (float V) when absent */
    int v_channel;        /* ... with a V scale per channel: recipe.v_scale "channel" */
    int center;           /* what it binarizes centred over the tokens (had_distill.py --center):
                             recipe.center "k" (HM_CENTER_K) or "qk" (HM_CENTER_K | HM_CENTER_Q);
                             0 when "none" or absent */
} hr_had;

/* Reads and validates a had.json (artifact or model directory). Returns NULL with a message
 * in err naming the file, the key, the value and what is allowed: malformed JSON, format
 * other than HR_HAD_FORMAT, a shape value, top_n or max_tokens missing or out of range,
 * alpha not n_layers arrays of n_heads finite numbers > 0, tensors not a non-empty list of
 * distinct names, weights not a plain file name, a malformed hash, an etab_logit of another
 * shape or not finite, starting at 0 and never rising, a recipe (when an object) whose
 * v_bits is not a whole number in 2..8, whose v_scale is not "head" or "channel" or whose
 * center is not "none", "k" or "qk". Other
 * keys (the rest of the recipe, seed, ...) are ignored. */
hr_had *hr_had_load(const char *path, char *err, size_t errsz);

/* Releases h. h may be NULL. Can't fail. */
void hr_had_free(hr_had *h);

/* Whether h fits the model configuration mc: same layers, heads and head dimension,
 * max_tokens within max_position_embeddings. Returns 0, or -1 with a message naming
 * what (the had.json path) and both values. */
int hr_had_check_config(const hr_had *h, const bcfg_config *mc, const char *what, char *err, size_t errsz);

/* The learned weight table of (layer, head): head_dim + 1 log weights, or NULL when the
 * model has none (alpha_c's table). */
const double *hr_had_logit(const hr_had *h, int layer, int head);

/* The distilled model's attention in float (an enc_attn_fn; ctx is a const hr_had *):
 * hm_ref_had per query with alpha_c(layer, head) (hm_ref_had_tab with its table when the
 * model has one) and the trained top_n, on the keys and queries centred as h->center asks.
 * Returns -1 if layer, head or d do not fit h, or when out of memory. */
int hr_had_attn(void *ctx, int layer, int head, int n_tok, int d, const float *Q, const float *K,
                const float *V, float *O);

/* What hr_had_assemble does. */
typedef struct hr_had_opts {
    const char *base;     /* base model directory: config.json, model.safetensors,
                                 vocab.txt (no had.json) */
    const char *artifact; /* artifact directory holding had.json, or the had.json */
    const char *out;      /* model directory to write (created if missing) */
    int force;            /* write into a non-empty directory hadmodel did not write */
    int ignore_sha256;    /* assemble although the base's sha256 differs from the one
                                 the artifact names */
} hr_had_opts;

/* Summary of an assembly, for the caller's message. */
typedef struct hr_had_summary {
    int n_tensors;   /* overlay tensors */
    int n_base;      /* tensors in the base (and in the output) */
    char dtypes[32]; /* overlay dtypes, e.g. "F16" or "F16,BF16" */
    double alpha_min, alpha_max;
    int top_n;
    char base_hash[17];
} hr_had_summary;

/* Assembles the model directory o->out from the base and the artifact: checks that every
 * overlay tensor is listed in had.json and vice versa, exists in the base with the same
 * shape and a float dtype and holds finite values, that had.json fits the base's
 * config.json, and (unless o->ignore_sha256) that the base's model.safetensors has the
 * sha256 the artifact names; then writes, each file through a temporary file and rename:
 * model.safetensors (every base tensor in the base's data order, the overlay ones converted
 * exactly to F32, the others byte for byte), config.json and vocab.txt (copies) and last
 * had.json (the artifact's object plus "assembled_by", "base_model_hash",
 * "artifact_hash"). A non-empty o->out whose had.json hadmodel did not write is refused
 * unless o->force. sum may be NULL.
 * Returns 0; 2 on bad input (message in err naming the file, tensor, shapes or values);
 * 1 if an output cannot be written. */
int hr_had_assemble(const hr_had_opts *o, hr_had_summary *sum, char *err, size_t errsz);

/* SHA-256 of the file at path as 64 lowercase hex digits (65 bytes with the NUL). Returns
 * 0, or -1 with a message if the file cannot be read. */
int hr_had_sha256_file(const char *path, char hex[65], char *err, size_t errsz);

#ifdef __cplusplus
}
#endif
#endif /* HR_HADMODEL_H */
