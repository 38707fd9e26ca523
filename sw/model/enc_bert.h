/* enc_bert.h — BERT-family sentence encoder in float32 (prefix enc_).
 *
 * Loads any BERT checkpoint given as a directory with config.json (see bert_config.h) and
 * model.safetensors (tensor names with or without a "bert." prefix; LayerNorm parameters
 * named weight/bias or gamma/beta), and computes
 *   embeddings (word + position + token type 0, LayerNorm)
 *   num_hidden_layers x [ Q/K/V projections -> attention per head -> output projection
 *                         + residual + LayerNorm -> GELU FFN + residual + LayerNorm ]
 * and, for sentence embeddings, mean pooling over all tokens (one sentence, attention
 * mask all ones) followed by L2 normalisation, as sentence-transformers does for
 * all-MiniLM-L6-v2.
 *
 * Attention is the pluggable part: every head of every layer is handed to an enc_attn_fn,
 * so hardware cores (golden models, RTL simulations) can stand in for the float softmax.
 * An optional observer sees each layer's attention output and hidden state, for fidelity
 * metrics.
 *
 * A loaded model is read-only: several threads may run enc_forward on one model at once
 * (each call allocates its own work buffers).
 */
#ifndef ENC_BERT_H
#define ENC_BERT_H

#include <stddef.h>
#include <stdint.h>

#include "bert_config.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Computes one head's attention output. Q, K, V: n_tok x d row-major (after bias, before
   any scaling); O: n_tok x d output. Returns 0 on success, non-zero on error (the encoder
   then fails with that error). */
typedef int (*enc_attn_fn)(void *ctx, int layer, int head, int n_tok, int d, const float *Q, const float *K,
                           const float *V, float *O);

/* The built-in float attention: O = softmax(Q K^T / sqrt(d)) V, row by row, with the
 * row maximum subtracted before exp. ctx, layer and head are ignored. Returns 0, or -1
 * if n_tok < 1, d < 1 or memory for one row of scores cannot be had. */
int enc_attn_float(void *ctx, int layer, int head, int n_tok, int d, const float *Q, const float *K,
                   const float *V, float *O);

/* Observer, called once per layer after the layer is complete:
 *   attn:   n_tok x hidden, the attention output of all heads side by side (head h in
 *           columns h*d .. h*d+d-1), before the output projection;
 *   hidden: n_tok x hidden, the layer's output hidden state.
 * Both are valid only during the call. Returns 0 to go on, non-zero to stop the encoder
 * with an error. */
typedef int (*enc_observe_fn)(void *ctx, int layer, int n_tok, int hidden, const float *attn,
                              const float *hidden_state);

/* Computes every head of one layer at once (for a model of hardware that overlaps the heads):
   Q[h], K[h], V[h], O[h] for h = 0..n_heads-1 as for enc_attn_fn. Returns 0, or non-zero on
   error. */
typedef int (*enc_layer_attn_fn)(void *ctx, int layer, int n_heads, int n_tok, int d, const float *const *Q,
                                 const float *const *K, const float *const *V, float *const *O);

/* Hooks for one forward pass. A NULL function means: built-in float attention / no
 * observer. A NULL enc_hooks pointer means both. layer_attn, when set, replaces attn (both
 * get attn_ctx). */
typedef struct {
    enc_attn_fn attn;
    void *attn_ctx;
    enc_observe_fn observe;
    void *observe_ctx;
    enc_layer_attn_fn layer_attn;
} enc_hooks;

typedef struct enc_model enc_model; /* loaded weights (opaque, read-only after load) */

/* Loads dir/config.json and dir/model.safetensors. Returns the model, or NULL with a
 * message in err naming the file, the tensor and what is wrong (missing tensor, wrong
 * shape, a NaN or Inf weight, unsupported config value, malformed file). err may be NULL. */
enc_model *enc_load(const char *dir, char *err, size_t errsz);

/* Same with explicit file paths. */
enc_model *enc_load_files(const char *config_path, const char *weights_path, char *err, size_t errsz);

/* Releases m. m may be NULL. Can't fail. */
void enc_free(enc_model *m);

/* The model's configuration. Can't fail. */
const bcfg_config *enc_config(const enc_model *m);

/* Runs the encoder on token ids ids[0..n_tok-1] (token type 0, positions 0..n_tok-1) and
 * writes the last hidden state, n_tok x hidden floats, to out. Returns 0, or -1 with a
 * message in err if n_tok is not in 1..max_position_embeddings, an id is outside the
 * vocabulary, memory runs out, or a hook returns non-zero. */
int enc_forward(const enc_model *m, const int32_t *ids, int n_tok, const enc_hooks *hooks, float *out,
                char *err, size_t errsz);

/* Like enc_forward, then mean pooling over the n_tok tokens and L2 normalisation: writes
 * hidden floats (a unit vector) to emb. Same errors as enc_forward. */
int enc_embed(const enc_model *m, const int32_t *ids, int n_tok, const enc_hooks *hooks, float *emb,
              char *err, size_t errsz);

/* Cosine similarity of a[0..n-1] and b[0..n-1]; 0 if either is all zeros. */
float enc_cosine(const float *a, const float *b, int n);

/* Finds the model directory: $HADGEN_MODEL if set and non-empty, else "build/model"
 * (relative to the working directory; `make deps-model` creates it). The directory must
 * hold config.json. Writes the path to out (outsz bytes) and returns 0, or returns -1
 * with a message in err saying where it looked and how to fix it. */
int enc_model_dir(char *out, size_t outsz, char *err, size_t errsz);

#ifdef __cplusplus
}
#endif
#endif /* ENC_BERT_H */
