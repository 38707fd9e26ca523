/* hr_corpus.c — sentence sets and file hashes for the layer runner. */
#include "hg_file.h"
#include "hg_util.h"
#include "hr_corpus.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LINE_MAX_BYTES 65536

void hr_corpus_free(hr_corpus *c)
{
    if (!c) return;
    for (int i = 0; i < c->n; i++) {
        free(c->text ? c->text[i] : NULL);
        free(c->ids ? c->ids[i] : NULL);
    }
    free(c->text);
    free(c->ids);
    free(c->n_tok);
    free(c);
}

int hr_corpus_max_tokens(const hr_corpus *c)
{
    int m = 0;
    for (int i = 0; i < c->n; i++)
        if (c->n_tok[i] > m) m = c->n_tok[i];
    return m;
}

/* 1 if s holds only ASCII whitespace. */
static int blank(const char *s) { return s[strspn(s, " \t\r\n\v\f")] == '\0'; }

/* Appends one sentence (text and its tokens) to c, growing the arrays. Returns 0 or -1. */
static int append(hr_corpus *c, int *cap, const char *line, const tok_vocab *v, int max_tokens, char *err,
                  size_t errsz)
{
    if (c->n == *cap) {
        int nc = *cap ? 2 * *cap : 64;
        char **t = realloc(c->text, (size_t)nc * sizeof *t);
        if (t) c->text = t;
        int32_t **ids = realloc(c->ids, (size_t)nc * sizeof *ids);
        if (ids) c->ids = ids;
        int *nt = realloc(c->n_tok, (size_t)nc * sizeof *nt);
        if (nt) c->n_tok = nt;
        if (!t || !ids || !nt) {
            hg_errf(err, errsz, "out of memory");
            return -1;
        }
        *cap = nc;
    }
    int32_t *ids = malloc((size_t)max_tokens * sizeof *ids);
    char *txt = strdup(line);
    int n = ids && txt ? tok_encode(v, line, max_tokens, ids, err, errsz) : -1;
    if (!ids || !txt) hg_errf(err, errsz, "out of memory");
    if (n < 0) {
        free(ids);
        free(txt);
        return -1;
    }
    c->text[c->n] = txt;
    c->ids[c->n] = ids;
    c->n_tok[c->n] = n;
    c->tokens += n;
    c->n++;
    return 0;
}

/* Checks one line of a sentence file (len bytes, without its newline): no NUL byte, valid
   UTF-8. Returns 0, or -1 with a message naming the file, the line and the byte. */
static int check_line(const char *path, int lineno, const char *line, size_t len, char *err, size_t errsz)
{
    const char *nul = memchr(line, '\0', len);
    if (nul) {
        hg_errf(err, errsz,
                "%s:%d: NUL byte at byte %td of the line; a sentence file must be "
                "UTF-8 text",
                path, lineno, nul - line + 1);
        return -1;
    }
    long bad = tok_utf8_error(line, len);
    if (bad >= 0) {
        hg_errf(err, errsz,
                "%s:%d: invalid UTF-8 at byte %ld of the line (0x%02x); a sentence "
                "file must be UTF-8 text",
                path, lineno, bad + 1, (unsigned char)line[bad]);
        return -1;
    }
    return 0;
}

hr_corpus *hr_corpus_load(const char *path, const tok_vocab *v, int max_tokens, int limit, char *err,
                          size_t errsz)
{
    if (max_tokens < 2) {
        hg_errf(err, errsz, "max tokens %d: must be >= 2", max_tokens);
        return NULL;
    }
    char why[256];
    FILE *f = hg_file_open(path, HR_CORPUS_MAX_BYTES, NULL, why, sizeof why);
    if (!f) {
        hg_errf(err, errsz, "%s: %s", path, why);
        return NULL;
    }
    hr_corpus *c = hr_corpus_read(f, path, v, max_tokens, limit, err, errsz);
    fclose(f);
    return c;
}

hr_corpus *hr_corpus_read(FILE *f, const char *path, const tok_vocab *v, int max_tokens, int limit, char *err,
                          size_t errsz)
{
    if (max_tokens < 2) {
        hg_errf(err, errsz, "max tokens %d: must be >= 2", max_tokens);
        return NULL;
    }
    hr_corpus *c = calloc(1, sizeof *c);
    char *line = NULL;
    size_t lcap = 0;
    ssize_t got;
    int cap = 0, lineno = 0, rc = c ? 0 : -1;
    if (rc) hg_errf(err, errsz, "out of memory");
    while (rc == 0 && (limit <= 0 || c->n < limit) && (got = getline(&line, &lcap, f)) > 0) {
        lineno++;
        size_t len = (size_t)got;
        if (line[len - 1] == '\n') len--;
        if (len > 0 && line[len - 1] == '\r') len--;
        if (len > LINE_MAX_BYTES) {
            hg_errf(err, errsz, "%s:%d: line longer than %d bytes", path, lineno, LINE_MAX_BYTES);
            rc = -1;
            break;
        }
        if (check_line(path, lineno, line, len, err, errsz) != 0) {
            rc = -1;
            break;
        }
        line[len] = '\0';
        if (blank(line)) continue;
        char sub[256];
        if (append(c, &cap, line, v, max_tokens, sub, sizeof sub) != 0) {
            hg_errf(err, errsz, "%s:%d: %s", path, lineno, sub);
            rc = -1;
        }
    }
    if (rc == 0 && ferror(f)) {
        hg_errf(err, errsz, "%s: read error", path);
        rc = -1;
    }
    if (rc == 0 && c->n == 0) {
        hg_errf(err, errsz, "%s: no sentences in the file", path);
        rc = -1;
    }
    free(line);
    if (rc) {
        hr_corpus_free(c);
        return NULL;
    }
    return c;
}

int hr_hash_file(uint64_t *h, const char *path, char *err, size_t errsz)
{
    char why[256];
    FILE *f = hg_file_open(path, -1, NULL, why, sizeof why);
    if (!f) {
        hg_errf(err, errsz, "%s: %s", path, why);
        return -1;
    }
    static unsigned char buf[1 << 16];
    size_t r;
    uint64_t x = *h;
    while ((r = fread(buf, 1, sizeof buf, f)) > 0) x = hg_fnv1a(x, buf, r);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        hg_errf(err, errsz, "%s: read error", path);
        return -1;
    }
    *h = x;
    return 0;
}

int hr_hash_model(const char *model_dir, char out[17], char *err, size_t errsz)
{
    static const char *const files[] = {"config.json", "model.safetensors", "vocab.txt"};
    uint64_t h = HG_FNV1A_INIT;
    char path[4200];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", model_dir, files[i]);
        if (hr_hash_file(&h, path, err, errsz) != 0) return -1;
    }
    /* a distilled model: its alpha and N belong to the model too */
    snprintf(path, sizeof path, "%s/had.json", model_dir);
    if (access(path, F_OK) == 0 && hr_hash_file(&h, path, err, errsz) != 0) return -1;
    snprintf(out, 17, "%016llx", (unsigned long long)h);
    return 0;
}
