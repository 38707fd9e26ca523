/* tok_wordpiece.h — BERT uncased WordPiece tokenizer (prefix tok_).
 *
 * Reproduces the reference BERT tokenizer (BertNormalizer with clean_text, CJK handling,
 * accent stripping and lowercasing; BertPreTokenizer; WordPiece with "##" continuation,
 * max 100 characters per word; [CLS] ... [SEP] template) for:
 *   - control characters (Cc, and the Cf characters U+00AD, U+0600..U+0605, U+061C,
 *     U+06DD, U+070F, U+180E, U+200B..U+200F, U+202A..U+202E, U+2060..U+206F, U+FEFF,
 *     U+FFF9..U+FFFB), private use U+E000..U+F8FF, NUL and U+FFFD: removed;
 *   - whitespace (ASCII, U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F,
 *     U+205F, U+3000): word separators;
 *   - lowercasing and accent stripping (NFD decomposition, combining marks dropped):
 *     ASCII, Latin-1 Supplement and Latin Extended-A (U+00C0..U+017F), Greek
 *     (U+0370..U+03FF) and basic Cyrillic (U+0400..U+045F) by a full table; the
 *     combining diacritical marks U+0300..U+036F are removed wherever they appear;
 *   - punctuation (each becomes its own token): ASCII punctuation, the punctuation of
 *     Latin-1, Greek, General Punctuation (U+2010..U+205E), Supplemental Punctuation
 *     (U+2E00..U+2E5D), CJK Symbols and Punctuation, CJK compatibility / small forms and
 *     fullwidth forms;
 *   - CJK ideographs (the BERT ranges): each is a separate word.
 * Characters outside these sets pass through unchanged: uppercase or accented letters of
 * other scripts (e.g. Vietnamese U+1E00..U+1EFF) and punctuation of other scripts may
 * then tokenize differently from the reference. Invalid UTF-8 bytes are dropped.
 */
#ifndef TOK_WORDPIECE_H
#define TOK_WORDPIECE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TOK_DEFAULT_MAX_LEN 128 /* tokens per sequence, [CLS] and [SEP] included */
#define TOK_MAX_WORD_CHARS 100  /* longer words become [UNK] */

typedef struct tok_vocab tok_vocab; /* a loaded vocabulary (opaque) */

/* Loads a vocab.txt (one token per line, id = line number from 0). The vocabulary must
 * contain [UNK], [CLS] and [SEP]. If a token appears twice, the later line's id is used
 * (as the reference loader does). Returns NULL with a message in err (missing file, empty
 * file, NUL bytes, missing special tokens). err may be NULL. */
tok_vocab *tok_load(const char *path, char *err, size_t errsz);

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
int tok_encode(const tok_vocab *v, const char *text, int max_len, int32_t *ids,
               char *err, size_t errsz);

#ifdef __cplusplus
}
#endif
#endif /* TOK_WORDPIECE_H */
