/* bert_config.h — the config.json of a BERT-family checkpoint (prefix bcfg_).
 *
 * Required keys: hidden_size, num_attention_heads, num_hidden_layers, intermediate_size,
 * vocab_size, max_position_embeddings (positive integers; hidden_size a multiple of
 * num_attention_heads).
 * Optional keys and their defaults (as in the reference BertConfig): layer_norm_eps
 * (1e-12, must be > 0), type_vocab_size (2, >= 1), hidden_act ("gelu"; also "gelu_new"
 * and "gelu_pytorch_tanh", the tanh approximation), model_type (if present: "bert"),
 * position_embedding_type (if present: "absolute"). Other keys are ignored.
 */
#ifndef BERT_CONFIG_H
#define BERT_CONFIG_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    BCFG_GELU_ERF, /* "gelu": 0.5 x (1 + erf(x / sqrt 2)) */
    BCFG_GELU_TANH /* "gelu_new", "gelu_pytorch_tanh": tanh approximation */
} bcfg_act;

typedef struct {
    int hidden;       /* hidden_size */
    int n_heads;      /* num_attention_heads */
    int head_dim;     /* hidden / n_heads (derived) */
    int n_layers;     /* num_hidden_layers */
    int intermediate; /* intermediate_size */
    int vocab_size;   /* vocab_size */
    int max_pos;      /* max_position_embeddings */
    int type_vocab;   /* type_vocab_size */
    float ln_eps;     /* layer_norm_eps */
    bcfg_act act;     /* hidden_act */
} bcfg_config;

/* Reads and validates the JSON file at path into *cfg. Returns 0, or -1 with a message
 * in err naming the file, the key, the value found and what is allowed. err may be NULL.
 * *cfg is unspecified after a failure. */
int bcfg_load(const char *path, bcfg_config *cfg, char *err, size_t errsz);

/* Same, from JSON text (what names the source in messages). */
int bcfg_parse(const char *json, const char *what, bcfg_config *cfg, char *err, size_t errsz);

#ifdef __cplusplus
}
#endif
#endif /* BERT_CONFIG_H */
