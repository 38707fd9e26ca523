/* hr_corpus.h — sentence sets for the layer runner (prefix hr_corpus_, hr_hash_).
 *
 * A corpus is a text file with one sentence per line (UTF-8, no NUL bytes; empty or
 * whitespace-only lines are skipped), tokenized once with the model's WordPiece vocabulary.
 * Also: content hashes of files, used to tie a calibration file to the model and sentence
 * set it came from.
 */
#ifndef HR_CORPUS_H
#define HR_CORPUS_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "tok_wordpiece.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hr_corpus {
    int n;         /* sentences */
    char **text;   /* n sentences, without their newline */
    int32_t **ids; /* n token id arrays ([CLS] ... [SEP]) */
    int *n_tok;    /* n token counts, 2..max_tokens */
    long tokens;   /* sum of n_tok */
} hr_corpus;

#define HR_CORPUS_MAX_BYTES (64LL << 20) /* largest sentence file read */

/* Reads the sentences of path (at most limit of them; limit <= 0: all) and tokenizes each
 * with v, truncated to max_tokens (>= 2) tokens. Returns the corpus, or NULL with a message
 * in err naming the file (cannot open, not a regular file, larger than
 * HR_CORPUS_MAX_BYTES, no sentence in it) or the file and line (longer than 64 KiB, a NUL
 * byte, invalid UTF-8), or out of memory. A CR before the newline is dropped. */
hr_corpus *hr_corpus_load(const char *path, const tok_vocab *v, int max_tokens, int limit, char *err,
                          size_t errsz);

/* Same as hr_corpus_load, from the open stream f (path names it in messages; f is not
 * closed). The size limit is the caller's: f is read to its end. */
hr_corpus *hr_corpus_read(FILE *f, const char *path, const tok_vocab *v, int max_tokens, int limit, char *err,
                          size_t errsz);

/* Releases c. c may be NULL. Can't fail. */
void hr_corpus_free(hr_corpus *c);

/* Largest n_tok of c (0 if c is empty). Can't fail. */
int hr_corpus_max_tokens(const hr_corpus *c);

/* Feeds the bytes of the file at path into the running 64-bit FNV-1a hash *h (start with
 * HG_FNV1A_INIT, hg_util.h). Returns 0, or -1 with a message in err if the file cannot be
 * read or is not a regular file (a device or FIFO would never end). */
int hr_hash_file(uint64_t *h, const char *path, char *err, size_t errsz);

/* Hash identifying a model directory: config.json, model.safetensors, vocab.txt and, in a
 * distilled model's directory, had.json, in that order, written as 16 lowercase hex digits
 * into out (17 bytes). Returns 0, or -1 with a message in err. */
int hr_hash_model(const char *model_dir, char out[17], char *err, size_t errsz);

#ifdef __cplusplus
}
#endif
#endif /* HR_CORPUS_H */
