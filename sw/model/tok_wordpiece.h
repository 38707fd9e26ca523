/* tok_wordpiece.h — BERT uncased WordPiece tokenizer (prefix tok_).
 *
 * Reproduces the reference BERT tokenizer (BertNormalizer with clean_text, CJK handling,
 * accent stripping and lowercasing; BertPreTokenizer; WordPiece with "##" continuation,
 * max 100 characters per word; [CLS] ... [SEP] template):
 *   - removed: NUL, U+FFFD, C0/C1 controls other than tab, newline and CR, format
 *     characters (Cf) and private use (Co);
 *   - word separators: Unicode white space;
 *   - lowercase + accent strip (NFD decomposition, combining marks Mn dropped, then
 *     lowercase) for the whole Basic Multilingual Plane: Latin-1 Supplement, Latin
 *     Extended-A/B and Additional, Greek, Cyrillic, kana, Indic, fullwidth forms, ... from
 *     the table in tok_tables.h; Hangul syllables decomposed into jamo;
 *   - punctuation, each its own token: ASCII punctuation and symbols, and every BMP
 *     character of category P* (General Punctuation, CJK punctuation, ...);
 *   - CJK ideographs (the BERT ranges): each a separate word.
 * Not covered: characters outside the BMP other than CJK pass through unchanged (as the
 * reference does with emoji), unassigned code points are kept (the reference removes
 * them), and categories are those of Unicode 14. Invalid UTF-8 bytes are dropped.
 */
#ifndef TOK_WORDPIECE_H
#define TOK_WORDPIECE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TOK_DEFAULT_MAX_LEN 128 /* tokens per sequence, [CLS] and [SEP] included */
#define TOK_MAX_WORD_CHARS  100 /* longer words become [UNK] */

typedef struct tok_vocab tok_vocab; /* a loaded vocabulary (opaque) */

/* Loads a vocab.txt (one token per line, id = line number from 0). The vocabulary must
 * contain [UNK], [CLS] and [SEP]. If a token appears twice, the later line's id is used
 * (as the reference loader does). Returns NULL with a message in err (missing file, not a
 * regular file, larger than 64 MiB, empty file, NUL bytes, missing special tokens). err may
 * be NULL. */
tok_vocab *tok_load(const char *path, char *err, size_t errsz);

/* Same as tok_load, from the len bytes at text (a copy is kept; name stands for the path
 * in messages). */
tok_vocab *tok_load_text(const char *text, size_t len, const char *name, char *err, size_t errsz);

/* Releases v. v may be NULL. Can't fail. */
void tok_free(tok_vocab *v);

/* Number of ids (lines) in the vocabulary. Can't fail. */
int tok_size(const tok_vocab *v);

/* Id of token, or -1 if the vocabulary has no such token. */
int tok_id(const tok_vocab *v, const char *token);

/* Token text of id, or NULL if id is out of range. */
const char *tok_token(const tok_vocab *v, int id);

/* Tokenizes UTF-8 text into ids[]: [CLS], word pieces, [SEP], truncated so that at most
 * max_len ids are written (max_len >= 2; the word pieces are cut, [SEP] is kept). Returns
 * the number of ids written, or -1 with a message in err if max_len < 2 or memory runs
 * out. ids must hold max_len entries. */
int tok_encode(const tok_vocab *v, const char *text, int max_len, int32_t *ids, char *err, size_t errsz);

/* Offset of the first byte of s[0..n-1] that does not begin a valid UTF-8 sequence (bad
 * lead byte, bad or missing continuation byte, overlong form, surrogate, above U+10FFFF),
 * or -1 if all n bytes are valid UTF-8. Can't fail. */
long tok_utf8_error(const char *s, size_t n);

#ifdef __cplusplus
}
#endif
#endif /* TOK_WORDPIECE_H */
