/*
 * fz_vocab.c — vocab.txt and the WordPiece tokenizer (sw/model/tok_wordpiece).
 *
 * The input is split at its first NUL byte: the bytes before it are a vocab.txt for
 * tok_load_text (tok_load's checks on text in memory; a vocabulary cannot hold a NUL byte),
 * the bytes after it are texts to tokenize, separated by further NUL bytes. Texts are
 * tokenized with the input's vocabulary when it loads, else with a small built-in one, to a
 * length limit taken from the text's length. Every id must be one of the vocabulary, the
 * sequence [CLS] ... [SEP] within the limit.
 */
#include "fz_util.h"
#include "tok_wordpiece.h"

#include <stdlib.h>
#include <string.h>

#define MAX_PARTS 9

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char builtin[] =
    "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n!\n,\n.\n?\na\nthe\nhamming\natt\n##ention\n##s\n"
    "##ing\nun\n##aff\n##able\nword\n##piece\n\xe4\xb8\xad\n\xc3\xa9t\xc3\xa9\nete\n";

static const tok_vocab *builtin_vocab(void)
{
    static tok_vocab *v;
    char err[512];
    if (!v && !(v = tok_load_text(builtin, sizeof builtin - 1, "builtin", err, sizeof err)))
        fz_fail("vocab", err);
    return v;
}

static void tokenize(const tok_vocab *v, const uint8_t *text, size_t n)
{
    char *s = fz_strndup(text, n), err[512];
    int max_len = 2 + (int)(n % 40);
    int32_t ids[64];
    int got = tok_encode(v, s, max_len, ids, err, sizeof err);
    if (got < 2 || got > max_len) fz_fail("vocab", "tok_encode returned a length outside 2..max_len");
    if (ids[0] != tok_id(v, "[CLS]") || ids[got - 1] != tok_id(v, "[SEP]"))
        fz_fail("vocab", "a sequence does not run from [CLS] to [SEP]");
    for (int i = 0; i < got; i++)
        if (!tok_token(v, ids[i])) fz_fail("vocab", "tok_encode returned an id outside the vocabulary");
    (void)tok_utf8_error(s, n);
    free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t off[MAX_PARTS], len[MAX_PARTS];
    int n = fz_split(data, size, 0, MAX_PARTS, off, len);
    char err[1024];
    tok_vocab *v = tok_load_text((const char *)data + off[0], len[0], "vocab.txt", err, sizeof err);
    if (v) {
        for (int id = 0; id < tok_size(v); id++) {
            const char *t = tok_token(v, id);
            if (!t || tok_id(v, t) < 0 || strcmp(tok_token(v, tok_id(v, t)), t) != 0)
                fz_fail("vocab", "a token of the vocabulary is not found by its text");
        }
    }
    for (int i = 1; i < n; i++) tokenize(v ? v : builtin_vocab(), data + off[i], len[i]);
    tok_free(v);
    return 0;
}
