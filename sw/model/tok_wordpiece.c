/* tok_wordpiece.c — BERT basic tokenizer + WordPiece (see tok_wordpiece.h for coverage). */
#include "hg_file.h"
#include "hg_util.h"
#include "tok_wordpiece.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOK_MAX_LINE 1024         /* longest vocabulary line accepted, in bytes */
#define TOK_MAX_FILE (64LL << 20) /* largest vocab.txt accepted, in bytes */

struct tok_vocab {
    char *text;    /* file contents; tokens point into it */
    char **tokens; /* id -> NUL-terminated token */
    int n;
    int *slots; /* open-addressing hash table of ids, -1 = empty */
    size_t cap; /* power of two, >= 2 n (so probes always end) */
    int unk, cls, sep;
};

/* ================================================================ Unicode tables */

#include "tok_tables.h" /* tok_fold_table, tok_mark, tok_punct, tok_control, tok_space */

/* CJK ideographs as the BERT tokenizer defines them: each becomes its own word. */
static const struct {
    uint32_t lo, hi;
} cjk[] = {
    {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xF900, 0xFAFF},   {0x20000, 0x2A6DF},
    {0x2A700, 0x2B73F}, {0x2B740, 0x2B81F}, {0x2B820, 0x2CEAF}, {0x2F800, 0x2FA1F},
};

/* Binary search of c in the sorted range table r[0..n-1]. */
static int in_ranges(const tok_range *r, size_t n, uint32_t c)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (c < r[mid].lo)
            hi = mid;
        else if (c > r[mid].hi)
            lo = mid + 1;
        else
            return 1;
    }
    return 0;
}

#define IN_TABLE(tab, c) in_ranges(tab, sizeof tab / sizeof tab[0], c)

static int is_cjk(uint32_t c)
{
    for (size_t i = 0; i < sizeof cjk / sizeof cjk[0]; i++)
        if (c >= cjk[i].lo && c <= cjk[i].hi) return 1;
    return 0;
}

/* Removed by clean_text: C0/C1 controls except \t \n \r, Cf, Co (NUL and U+FFFD are
 * handled by the caller). */
static int is_control(uint32_t c)
{
    if (c == '\t' || c == '\n' || c == '\r') return 0;
    if (c < 0x20 || c == 0x7F) return 1;
    return c <= 0xFFFF && IN_TABLE(tok_control, c);
}

static int is_space(uint32_t c)
{
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return 1;
    return c >= 0x80 && c <= 0xFFFF && IN_TABLE(tok_space, c);
}

/* ASCII punctuation (including the symbols $ + < = > ^ ` | ~) and Unicode P*. */
static int is_punct(uint32_t c)
{
    if (c < 0x80)
        return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
               (c >= 0x7B && c <= 0x7E);
    return c <= 0xFFFF && IN_TABLE(tok_punct, c);
}

/* Lowercase + accent strip of c (NFD, combining marks dropped, lowercase) into out[];
 * returns the number of code points written, 0..3. */
static size_t fold(uint32_t c, uint32_t *out)
{
    if (c < 0x80) {
        out[0] = (c >= 'A' && c <= 'Z') ? c + 32 : c;
        return 1;
    }
    if (c > 0xFFFF) {
        out[0] = c;
        return 1;
    }
    if (IN_TABLE(tok_mark, c)) return 0;
    if (c >= 0xAC00 && c <= 0xD7A3) { /* Hangul syllable -> conjoining jamo */
        uint32_t s = c - 0xAC00;
        out[0] = 0x1100 + s / 588;
        out[1] = 0x1161 + (s % 588) / 28;
        if (s % 28 == 0) return 2;
        out[2] = 0x11A7 + s % 28;
        return 3;
    }
    size_t lo = 0, hi = sizeof tok_fold_table / sizeof tok_fold_table[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const tok_fold *f = &tok_fold_table[mid];
        if (c < f->from)
            hi = mid;
        else if (c > f->from)
            lo = mid + 1;
        else {
            out[0] = f->to;
            if (!f->to2) return 1;
            out[1] = f->to2;
            return 2;
        }
    }
    out[0] = c;
    return 1;
}

/* ================================================================ UTF-8 */

/* Decodes one code point from s[0..n-1] into *c; returns the bytes consumed (>= 1).
 * An invalid sequence (bad lead byte, bad continuation, overlong form, surrogate, above
 * U+10FFFF) consumes one byte and yields *c = 0xFFFD, which the tokenizer drops. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *c)
{
    uint32_t b = s[0], v, min;
    size_t len;
    if (b < 0x80) {
        *c = b;
        return 1;
    }
    if (b >= 0xC2 && b <= 0xDF) {
        len = 2;
        v = b & 0x1F;
        min = 0x80;
    } else if (b >= 0xE0 && b <= 0xEF) {
        len = 3;
        v = b & 0x0F;
        min = 0x800;
    } else if (b >= 0xF0 && b <= 0xF4) {
        len = 4;
        v = b & 0x07;
        min = 0x10000;
    } else {
        *c = 0xFFFD;
        return 1;
    }
    if (len > n) {
        *c = 0xFFFD;
        return 1;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *c = 0xFFFD;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        *c = 0xFFFD;
        return 1;
    }
    *c = v;
    return len;
}

long tok_utf8_error(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        uint32_t c;
        size_t len = utf8_decode(u + i, n - i, &c);
        if (c == 0xFFFD && len == 1) return (long)i; /* a literal U+FFFD takes 3 bytes */
        i += len;
    }
    return -1;
}

/* Appends the UTF-8 form of c to out; returns the bytes written (1..4). */
static size_t utf8_encode(uint32_t c, char *out)
{
    assert(c <= 0x10FFFF);
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xC0 | (c >> 6));
        out[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xE0 | (c >> 12));
        out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        out[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (c >> 18));
    out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    out[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

/* ================================================================ vocabulary */

/* FNV-1a hash of s[0..n-1]. */
static size_t hash(const char *s, size_t n) { return (size_t)hg_fnv1a(HG_FNV1A_INIT, s, n); }

/* Slot for the token s[0..n-1]: the one holding it, or the empty one where it goes. */
static size_t slot_of(const tok_vocab *v, const char *s, size_t n)
{
    size_t i = hash(s, n) & (v->cap - 1);
    while (v->slots[i] >= 0) {
        const char *t = v->tokens[v->slots[i]];
        if (strncmp(t, s, n) == 0 && t[n] == '\0') break;
        i = (i + 1) & (v->cap - 1);
    }
    return i;
}

/* Id of the token s[0..n-1], or -1. */
static int lookup(const tok_vocab *v, const char *s, size_t n) { return v->slots[slot_of(v, s, n)]; }

int tok_id(const tok_vocab *v, const char *token) { return lookup(v, token, strlen(token)); }

int tok_size(const tok_vocab *v) { return v->n; }

const char *tok_token(const tok_vocab *v, int id) { return (id >= 0 && id < v->n) ? v->tokens[id] : NULL; }

void tok_free(tok_vocab *v)
{
    if (!v) return;
    free(v->text);
    free(v->tokens);
    free(v->slots);
    free(v);
}

/* Reads the whole file (a regular file of at most TOK_MAX_FILE bytes) into a
 * NUL-terminated buffer; *len gets its length. */
static char *read_file(const char *path, size_t *len, char *err, size_t errsz)
{
    char why[256];
    char *buf = hg_file_read(path, TOK_MAX_FILE, len, why, sizeof why);
    if (!buf) hg_errf(err, errsz, "vocab %s: %s", path, why);
    return buf;
}

/* Splits v->text into lines (trailing white space removed) and fills v->tokens. */
static int split_lines(tok_vocab *v, const char *path, size_t len, char *err, size_t errsz)
{
    if (memchr(v->text, '\0', len)) {
        hg_errf(err, errsz, "vocab %s: contains a NUL byte at offset %zu; not a text file", path,
                (size_t)((char *)memchr(v->text, '\0', len) - v->text));
        return -1;
    }
    size_t lines = 0;
    for (size_t i = 0; i < len; i++) lines += v->text[i] == '\n';
    if (len > 0 && v->text[len - 1] != '\n') lines++;
    v->tokens = malloc((lines ? lines : 1) * sizeof *v->tokens);
    if (!v->tokens) {
        hg_errf(err, errsz, "vocab %s: out of memory", path);
        return -1;
    }
    char *p = v->text, *end = v->text + len;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *e = nl ? nl : end;
        if (e - p > TOK_MAX_LINE) {
            hg_errf(err, errsz,
                    "vocab %s: line %d is %td bytes long (at most %d allowed); "
                    "not a vocab.txt",
                    path, v->n + 1, e - p, TOK_MAX_LINE);
            return -1;
        }
        char *t = e;
        while (t > p && (t[-1] == '\r' || t[-1] == ' ' || t[-1] == '\t')) t--;
        *t = '\0';
        v->tokens[v->n++] = p;
        p = e + 1;
    }
    assert((size_t)v->n == lines);
    return 0;
}

/* Builds the hash table; a later duplicate replaces the earlier id. */
static int build_index(tok_vocab *v, const char *path, char *err, size_t errsz)
{
    v->cap = 16;
    while (v->cap < 2 * (size_t)v->n) v->cap *= 2;
    v->slots = malloc(v->cap * sizeof *v->slots);
    if (!v->slots) {
        hg_errf(err, errsz, "vocab %s: out of memory", path);
        return -1;
    }
    for (size_t i = 0; i < v->cap; i++) v->slots[i] = -1;
    for (int id = 0; id < v->n; id++) {
        const char *t = v->tokens[id];
        v->slots[slot_of(v, t, strlen(t))] = id;
    }
    return 0;
}

/* Finds [UNK], [CLS] and [SEP]; the message lists every missing one. */
static int find_specials(tok_vocab *v, const char *path, char *err, size_t errsz)
{
    v->unk = tok_id(v, "[UNK]");
    v->cls = tok_id(v, "[CLS]");
    v->sep = tok_id(v, "[SEP]");
    if (v->unk >= 0 && v->cls >= 0 && v->sep >= 0) return 0;
    hg_errf(err, errsz,
            "vocab %s: %d tokens but missing the special token(s)%s%s%s "
            "(a BERT vocab.txt needs [UNK], [CLS] and [SEP])",
            path, v->n, v->unk < 0 ? " [UNK]" : "", v->cls < 0 ? " [CLS]" : "", v->sep < 0 ? " [SEP]" : "");
    return -1;
}

/* Builds the vocabulary of v->text (len bytes, NUL-terminated); path names it in
 * messages. Returns v, or NULL with a message after releasing v. */
static tok_vocab *parse_vocab(tok_vocab *v, const char *path, size_t len, char *err, size_t errsz)
{
    if (strspn(v->text, " \t\r\n") == len) {
        hg_errf(err, errsz, "vocab %s: file is empty (expected one token per line)", path);
        goto fail;
    }
    if (split_lines(v, path, len, err, errsz) || build_index(v, path, err, errsz) ||
        find_specials(v, path, err, errsz))
        goto fail;
    return v;
fail:
    tok_free(v);
    return NULL;
}

tok_vocab *tok_load(const char *path, char *err, size_t errsz)
{
    tok_vocab *v = calloc(1, sizeof *v);
    size_t len = 0;
    if (!v) {
        hg_errf(err, errsz, "vocab %s: out of memory", path);
        return NULL;
    }
    v->text = read_file(path, &len, err, errsz);
    if (!v->text) {
        tok_free(v);
        return NULL;
    }
    return parse_vocab(v, path, len, err, errsz);
}

tok_vocab *tok_load_text(const char *text, size_t len, const char *name, char *err, size_t errsz)
{
    if (len > (size_t)TOK_MAX_FILE) {
        hg_errf(err, errsz, "vocab %s: %zu bytes, more than the limit of %lld bytes", name, len,
                TOK_MAX_FILE);
        return NULL;
    }
    tok_vocab *v = calloc(1, sizeof *v);
    if (!v || !(v->text = malloc(len + 1))) {
        hg_errf(err, errsz, "vocab %s: out of memory", name);
        free(v);
        return NULL;
    }
    memcpy(v->text, text, len);
    v->text[len] = '\0';
    return parse_vocab(v, name, len, err, errsz);
}

/* ================================================================ tokenizing */

/* Output id buffer with truncation. */
typedef struct {
    int32_t *ids;
    int n, cap; /* cap = room for word pieces (max_len - 2) */
} id_sink;

/* Normalizes text into cps (clean, CJK spacing, fold); returns the count. cps must have
 * room for 3 * strlen(text) entries: a code point of k bytes yields at most k entries. */
static size_t normalize(const char *text, uint32_t *cps)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t n = strlen(text), k = 0;
    for (size_t i = 0; i < n;) {
        uint32_t c;
        size_t len = utf8_decode(s + i, n - i, &c);
        i += len;
        if (c == 0 || c == 0xFFFD || is_control(c)) continue;
        if (is_space(c)) {
            cps[k++] = ' ';
            continue;
        }
        if (is_cjk(c)) {
            cps[k++] = ' ';
            k += fold(c, cps + k);
            cps[k++] = ' ';
            continue;
        }
        size_t m = fold(c, cps + k);
        assert(m <= len);
        k += m;
    }
    return k;
}

/* Scratch for wordpiece(), sized for the longest word of the text. */
typedef struct {
    char *word;  /* UTF-8 of the word */
    char *piece; /* "##" + a candidate continuation piece */
    size_t *off; /* byte offset of each character in word, plus the end */
} wp_scratch;

/* Id of the piece word[off[start]..off[end]), with "##" in front when start > 0. */
static int piece_id(const tok_vocab *v, const wp_scratch *s, size_t start, size_t end)
{
    size_t len = s->off[end] - s->off[start];
    if (start == 0) return lookup(v, s->word, len);
    memcpy(s->piece + 2, s->word + s->off[start], len);
    return lookup(v, s->piece, len + 2);
}

/* WordPiece of one word w[0..n-1] (n >= 1), greedy longest match first: appends its
 * pieces, or one [UNK] if the word is too long or some part matches no entry. */
static void wordpiece(const tok_vocab *v, const uint32_t *w, size_t n, id_sink *out, const wp_scratch *s)
{
    int first = out->n;
    if (n > TOK_MAX_WORD_CHARS) goto unknown;
    s->off[0] = 0;
    for (size_t i = 0; i < n; i++) s->off[i + 1] = s->off[i] + utf8_encode(w[i], s->word + s->off[i]);
    for (size_t start = 0; start < n;) {
        int id = -1;
        size_t end = n;
        while (end > start && (id = piece_id(v, s, start, end)) < 0) end--;
        if (id < 0) goto unknown;
        if (out->n < out->cap) out->ids[out->n++] = id;
        start = end;
    }
    return;
unknown:
    out->n = first;
    if (out->n < out->cap) out->ids[out->n++] = v->unk;
}

int tok_encode(const tok_vocab *v, const char *text, int max_len, int32_t *ids, char *err, size_t errsz)
{
    assert(v && text && ids);
    if (max_len < 2) {
        hg_errf(err, errsz, "tokenizer: max_len %d too small (need >= 2 for [CLS] and [SEP])", max_len);
        return -1;
    }
    size_t n = strlen(text);
    /* each byte yields at most 3 code points (CJK spacing); each code point at most 4
     * bytes, and a word has at most n code points */
    uint32_t *cps = malloc((3 * n + 1) * sizeof *cps);
    wp_scratch s = {malloc(4 * n + 4), malloc(4 * n + 6), malloc((n + 2) * sizeof(size_t))};
    if (!cps || !s.word || !s.piece || !s.off) {
        free(cps);
        free(s.word);
        free(s.piece);
        free(s.off);
        hg_errf(err, errsz, "tokenizer: out of memory for a %zu-byte text", n);
        return -1;
    }
    s.piece[0] = s.piece[1] = '#';
    id_sink out = {ids + 1, 0, max_len - 2};
    size_t m = normalize(text, cps), w0 = 0;
    for (size_t i = 0; i <= m && out.n < out.cap; i++) {
        int is_sp = i == m || cps[i] == ' ';
        int is_p = !is_sp && is_punct(cps[i]);
        if (!is_sp && !is_p) continue;
        if (i > w0) wordpiece(v, cps + w0, i - w0, &out, &s);
        if (is_p && out.n < out.cap) wordpiece(v, cps + i, 1, &out, &s);
        w0 = i + 1;
    }
    free(cps);
    free(s.word);
    free(s.piece);
    free(s.off);
    ids[0] = v->cls;
    ids[out.n + 1] = v->sep;
    return out.n + 2;
}
