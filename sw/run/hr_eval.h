/* hr_eval.h — fidelity of attention backends against float attention (prefix hr_eval_,
 * hr_result_).
 *
 * For every sentence of a corpus the float encoder runs once as the reference, then once
 * per backend (each backend on the reference's weights, or for a distilled HAD model on the
 * student's, hr_evaluate_models). The metrics (definitions in docs/run.md):
 *   layer_err[l]   sqrt(sum (A - A_float)^2 / sum A_float^2) over all sentences, tokens and
 *                  heads of layer l's attention output (before the output projection); the
 *                  backend's layer l sees its own earlier layers, so errors accumulate;
 *   recall         mean over heads and queries of the top-N recall (hr_attn.h);
 *   cos_mean/min   cosine similarity of each sentence embedding with the float one;
 *   nn_agree       fraction of sentences whose nearest neighbour (cosine, other sentences
 *                  of the corpus) is the same as with float embeddings;
 *   pair_cos_err   sqrt(mean over sentence pairs i < j of (cos(e_i, e_j) - the same with float
 *                  embeddings)^2): how far the backend moves the similarities between
 *                  sentences, which nn_agree samples only at the ties it flips;
 *   nn_margin_err  sqrt(mean over sentences of (the backend's margin between the reference's
 *                  nearest and second-nearest neighbour of the sentence - the reference's
 *                  margin)^2): how far the backend moves the near ties themselves, which set
 *                  the agreement's expected value (docs/distill.md, "The agreement as a draw");
 *   nn, nn_ref     each sentence's nearest neighbour under the backend and the reference,
 *                  and the reference's margin (the cosine to its nearest neighbour minus
 *                  to its second nearest): which neighbours are lost, and how near a tie
 *                  each was;
 *   cycles         RTL backends: simulated cycles per sentence, per layer, per head.
 */
#ifndef HR_EVAL_H
#define HR_EVAL_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "enc_bert.h"
#include "hr_attn.h"
#include "hr_corpus.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hr_result {
    hr_kind kind;
    int n_layers, n_heads, n_sent, hidden;
    double *layer_err;    /* n_layers */
    double *recall_layer; /* n_layers; -1 where not measured */
    double recall;        /* mean over all heads and queries; -1 if not measured */
    double recall_sel;    /* ... over the queries of heads with more keys than N (where
                                the selection drops keys); -1 if none or not measured */
    double cos_mean, cos_min;
    int cos_min_sentence;  /* index of the sentence with cos_min */
    double nn_agree;       /* -1 with fewer than 2 sentences */
    double pair_cos_err;   /* -1 with fewer than 2 sentences */
    double nn_margin_err;  /* -1 with fewer than 3 sentences */
    int *nn;               /* n_sent: nearest neighbour of each sentence (from 0; -1: none) */
    int *nn_ref;           /* n_sent: ... under the reference's embeddings */
    double *nn_ref_margin; /* n_sent: the reference's margin (NaN with fewer than 3) */
    int *nn_ref2;          /* n_sent: the reference's second-nearest neighbour (-1: none) */
    float *emb;            /* n_sent x hidden sentence embeddings */
    double seconds;        /* wall time of the backend's forward passes */
    double attn_seconds;   /* ... of which inside the attention backend */
    /* RTL backends (zero otherwise) */
    uint64_t *sent_cycles; /* n_sent: cycles per sentence */
    double cycles_head;    /* mean cycles per head computation (cfg + load + queries) */
    double cycles_head_cfg, cycles_head_load, cycles_head_query; /* ... by phase */
    double cycles_token;  /* mean cycles per sentence / tokens of the sentence */
    double *cycles_layer; /* n_layers: mean cycles per sentence spent in the layer */
    double *cycles_hl;    /* n_layers * n_heads: mean cycles per call of each head */
    long mismatches;      /* with checking: RTL output values != golden */
    /* system backends (NULL otherwise): per layer, the sum over sentences of the system
       model's figures */
    ss_layer_stats *sys_layer;
} hr_result;

/* Runs the corpus through the float reference and the nb backends b[0..nb-1] (opened for
 * model m), filling res[0..nb-1] (release each with hr_result_free). The backends'
 * statistics are reset first. ref_emb (optional, n x hidden) receives the float embeddings.
 * progress: a line per 8 sentences on stderr. Returns 0, or -1 with a message in err
 * naming the sentence and backend. */
int hr_evaluate(const enc_model *m, const hr_corpus *cp, hr_backend **b, int nb, hr_result *res,
                float *ref_emb, int progress, char *err, size_t errsz);

/* Same, with a model per backend: the reference is the float model ref (the teacher of a
 * distilled model), backend k runs on bm[k] (NULL, or bm NULL: on ref). Every bm[k] must
 * have ref's layers, heads and hidden size. Errors as hr_evaluate, and a shape mismatch. */
int hr_evaluate_models(const enc_model *ref, const enc_model *const *bm, const hr_corpus *cp, hr_backend **b,
                       int nb, hr_result *res, float *ref_emb, int progress, char *err, size_t errsz);

/* Releases the arrays of r (not r itself). Can't fail. */
void hr_result_free(hr_result *r);

/* The metrics of r as a JSON object (deterministic: no times; per-head cycles if
 * with_heads). NULL if out of memory. */
cJSON *hr_result_json(const hr_result *r, int with_heads);

/* Nearest neighbour of every row of emb (n x h, rows unit length or not): nn[i] = the
 * j != i with the largest cosine (ties: lower j); -1 if n < 2. second_nn (optional, NULL:
 * not wanted): the second nearest (the later index of a tie; -1 if n < 3). margin
 * (optional): margin[i] = the largest cosine minus the second largest (0 on a tie; NaN if
 * n < 3). Can't fail. */
void hr_eval_nn(const float *emb, int n, int h, int *nn, int *second_nn, double *margin);

#ifdef __cplusplus
}
#endif
#endif /* HR_EVAL_H */
