/* hr_dump.h — writes real attention streams of chosen heads for replay on hgsim and the
 * power flow (prefix hr_dump_).
 *
 * For each chosen (layer, head) and dumped sentence, the float model's Q, K, V of that head
 * are quantized for each core type exactly as the golden/RTL backends do (hr_attn.h), and
 * written under DIR/<core>/l<layer>h<head>/s<sentence>/ (layer, head from 0, sentence from 1;
 * core = had, baseline, int8-topn):
 *   keys.bin     n_keys keys, hm_key_bytes each (hgsim --keys)
 *   values.bin   n_keys x d int8 (hgsim --values)
 *   queries.bin  n_tok queries, same layout as keys (hgsim --queries)
 *   out.bin      the golden outputs: n_tok x d int32, little-endian (as hgsim --out)
 *   head.json    n_keys, n_queries, d, alpha (etab: a learned table), scale_q, scale_k, s_v, v_scale (head
 *                or channel; s_v_ch: the d scales of channel scaling), out_frac, the core
 *                options and the hgsim command line that replays the head (run it in the
 *                head's directory)
 * and DIR/index.json lists every head directory. File contents are deterministic; every
 * file is written to a temporary name and renamed. DIR must be new, empty, or a directory
 * hadrun dumped into before: it then holds the marker file HR_DUMP_MARKER (a user's
 * directory, e.g. one holding its own index.json, is never written into).
 */
#ifndef HR_DUMP_H
#define HR_DUMP_H

#include <stddef.h>
#include <stdint.h>

#include "enc_bert.h"
#include "hg_config.h"
#include "hr_calib.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HR_DUMP_MARKER ".hadrun-streams" /* marks a directory hadrun dumped into */

typedef struct hr_lh {
    int layer, head;
} hr_lh;

typedef struct hr_dump hr_dump;

/* Parses "L:H[,L:H...]" (at most max entries) into lh; returns the count, or -1 with a
 * message in err naming the bad item and the allowed ranges (layer 0..n_layers-1, head
 * 0..n_heads-1). */
int hr_dump_parse_heads(const char *s, int n_layers, int n_heads, hr_lh *lh, int max, char *err,
                        size_t errsz);

/* Checks, before any work, that dir may receive a dump: it does not exist (and the
 * nearest existing folder above it is writable), or it is an empty writable directory, or
 * it holds HR_DUMP_MARKER. Returns 0, or -1 with a message in err naming --dump-streams,
 * the directory and why, asking for a new directory. */
int hr_dump_check_dir(const char *dir, char *err, size_t errsz);

/* Prepares dumping into dir (created if missing) for the heads lh[0..n-1], with the core
 * configuration core (finished, d = the model's head dimension; its core type is replaced
 * by each of the three) and the calibration cal (must outlive the dumper). Checks dir with
 * hr_dump_check_dir and writes the marker. Returns NULL with a message in err. */
hr_dump *hr_dump_open(const char *dir, const hg_cfg *core, const hr_calib *cal, const hr_lh *lh, int n,
                      char *err, size_t errsz);

/* Quantizes V of every core type with one scale per channel (per_channel 1, as
 * hr_backend_set_v_scale; head.json then holds "s_v_ch") or per head (0, the default); applies
 * to the sources set after it too. Returns 0, or -1 with a message (no per-channel scales in a
 * calibration). */
int hr_dump_set_v_scale(hr_dump *d, int per_channel, char *err, size_t errsz);

/* Takes the streams of core type `core` from another source: model m's own pass, in which
 * every head's attention is pass(pass_ctx, ...) (NULL: float attention), quantized with the
 * calibration cal and, for HAD, the score steps alpha_c (as hr_backend_set_alpha; NULL: the
 * calibration's). For a distilled model: the HAD streams come from the student's pass in
 * its inference form with the learned alpha, the int8 cores' from the teacher. logit: the
 * model's learned weight tables (as hr_backend_set_table; NULL: none); a head dumped with
 * one has "etab" (the loaded table) in head.json and replays with hgsim --etab. center: what
 * the model binarizes centred (as hr_backend_set_center). m, cal,
 * alpha_c, logit and pass_ctx are kept by pointer (must outlive d). Returns 0, or -1 with a
 * message (the core's backend cannot be opened with cal). */
int hr_dump_set_source(hr_dump *d, hg_core_kind core, const enc_model *m, const hr_calib *cal,
                       const double *alpha_c, const double *logit, int center, enc_attn_fn pass,
                       void *pass_ctx, char *err, size_t errsz);

/* Runs the float model m (and the other sources of hr_dump_set_source, one pass each) on
 * one sentence (ids[0..n_tok-1], number `sentence` from 1) and writes the chosen heads'
 * streams for every core type. Returns 0, or -1 with a message. */
int hr_dump_sentence(hr_dump *d, const enc_model *m, const int32_t *ids, int n_tok, int sentence, char *err,
                     size_t errsz);

/* Writes DIR/index.json and releases d. Returns 0, or -1 with a message (index not
 * written). d may be NULL (returns 0). */
int hr_dump_close(hr_dump *d, char *err, size_t errsz);

#ifdef __cplusplus
}
#endif
#endif /* HR_DUMP_H */
