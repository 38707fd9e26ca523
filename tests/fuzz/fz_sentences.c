/*
 * fz_sentences.c — the sentence reader of hadrun (sw/run/hr_corpus): one sentence per line,
 * UTF-8 without NUL bytes, blank lines skipped, each tokenized.
 *
 * The input is a whole sentence file, read through hr_corpus_read (hr_corpus_load's reader
 * on an open stream) with a small built-in vocabulary and a token limit taken from the
 * input's length. An accepted file gives at least one sentence, each of 2..limit tokens of
 * the vocabulary, and the token total.
 */
#include "fz_util.h"
#include "hr_corpus.h"
#include "tok_wordpiece.h"

#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char builtin[] =
    "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n!\n,\n.\n?\na\nthe\ncat\nsat\non\nmat\n##s\n"
    "hamming\natt\n##ention\n\xe4\xb8\xad\n";

static const tok_vocab *vocab(void)
{
    static tok_vocab *v;
    char err[512];
    if (!v && !(v = tok_load_text(builtin, sizeof builtin - 1, "builtin", err, sizeof err)))
        fz_fail("sentences", err);
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const tok_vocab *v = vocab();
    /* an empty file: fmemopen needs at least one byte */
    FILE *f = size ? fmemopen((void *)(uintptr_t)data, size, "r") : fopen("/dev/null", "r");
    if (!f) abort();
    int max_tokens = 2 + (int)(size % 31), limit = (int)(size % 7);
    char err[1024];
    hr_corpus *c = hr_corpus_read(f, "s.txt", v, max_tokens, limit, err, sizeof err);
    fclose(f);
    if (!c) return 0;
    long total = 0;
    if (c->n < 1 || (limit > 0 && c->n > limit))
        fz_fail("sentences", "an accepted file has no sentence, or more than the limit");
    for (int i = 0; i < c->n; i++) {
        if (c->n_tok[i] < 2 || c->n_tok[i] > max_tokens || !c->text[i])
            fz_fail("sentences", "a sentence has a token count outside 2..max_tokens");
        for (int k = 0; k < c->n_tok[i]; k++)
            if (!tok_token(v, c->ids[i][k])) fz_fail("sentences", "a token id outside the vocabulary");
        total += c->n_tok[i];
    }
    if (total != c->tokens || hr_corpus_max_tokens(c) > max_tokens)
        fz_fail("sentences", "the token total or maximum is wrong");
    hr_corpus_free(c);
    return 0;
}
