/* sy_bool.c — Liberty boolean expression parser and Verilog printer (see sy_bool.h). */
#include "sy_bool.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sy_util.h"

typedef struct {
    const char *p;
    char *err;
    size_t errlen;
    int failed;
    const char *text;
    int depth; /* nesting of '(' and '!' */
    int terms; /* names, constants and postfix ' so far */
} bparser;

/* Deepest nesting of parentheses and '!', and most terms, accepted (cell functions use a
 * few of each); they bound the depth of the tree, which is walked recursively. */
#define MAX_BOOL_DEPTH 64
#define MAX_BOOL_TERMS 4096

static sy_bexpr *node(sy_bop op, sy_bexpr *a, sy_bexpr *b)
{
    sy_bexpr *e = sy_xcalloc(1, sizeof *e);
    e->op = op;
    e->a = a;
    e->b = b;
    return e;
}

static void fail(bparser *bp, const char *msg)
{
    if (!bp->failed)
        snprintf(bp->err, bp->errlen, "bad boolean expression \"%.60s%s\": %s at offset %d", bp->text,
                 strlen(bp->text) > 60 ? "..." : "", msg, (int)(bp->p - bp->text));
    bp->failed = 1;
}

static void skip(bparser *bp)
{
    while (*bp->p && isspace((unsigned char)*bp->p)) bp->p++;
}

static int is_ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '[' || c == ']' || c == '.';
}

/* True when the next token can start a primary (used for implicit AND). */
static int starts_primary(bparser *bp)
{
    skip(bp);
    char c = *bp->p;
    return c == '(' || c == '!' || is_ident_char(c);
}

static sy_bexpr *parse_or(bparser *bp);

static sy_bexpr *parse_unary(bparser *bp)
{
    skip(bp);
    sy_bexpr *e;
    if ((*bp->p == '!' || *bp->p == '(') && bp->depth >= MAX_BOOL_DEPTH) {
        fail(bp, "nested more than 64 deep");
        return node(SY_B_CONST, NULL, NULL);
    }
    if (++bp->terms > MAX_BOOL_TERMS) {
        fail(bp, "more than 4096 terms");
        return node(SY_B_CONST, NULL, NULL);
    }
    if (*bp->p == '!') {
        bp->p++;
        bp->depth++;
        e = node(SY_B_NOT, parse_unary(bp), NULL);
        bp->depth--;
    } else if (*bp->p == '(') {
        bp->p++;
        bp->depth++;
        e = parse_or(bp);
        bp->depth--;
        skip(bp);
        if (*bp->p != ')') {
            fail(bp, "expected ')'");
            return e;
        }
        bp->p++;
    } else if (is_ident_char(*bp->p)) {
        const char *s = bp->p;
        while (is_ident_char(*bp->p)) bp->p++;
        size_t n = (size_t)(bp->p - s);
        if (n == 1 && (*s == '0' || *s == '1')) {
            e = node(SY_B_CONST, NULL, NULL);
            e->value = *s - '0';
        } else {
            e = node(SY_B_VAR, NULL, NULL);
            e->name = sy_strndup(s, n);
        }
    } else {
        fail(bp, "expected a name, constant, '!' or '('");
        return node(SY_B_CONST, NULL, NULL);
    }
    for (;;) {
        skip(bp);
        if (*bp->p != '\'') break;
        if (++bp->terms > MAX_BOOL_TERMS) {
            fail(bp, "more than 4096 terms");
            break;
        }
        bp->p++;
        e = node(SY_B_NOT, e, NULL);
    }
    return e;
}

static sy_bexpr *parse_xor(bparser *bp)
{
    sy_bexpr *e = parse_unary(bp);
    for (;;) {
        skip(bp);
        if (bp->failed || *bp->p != '^') return e;
        bp->p++;
        e = node(SY_B_XOR, e, parse_unary(bp));
    }
}

static sy_bexpr *parse_and(bparser *bp)
{
    sy_bexpr *e = parse_xor(bp);
    for (;;) {
        skip(bp);
        if (bp->failed) return e;
        if (*bp->p == '&' || *bp->p == '*') {
            bp->p++;
        } else if (!starts_primary(bp)) {
            return e;
        }
        e = node(SY_B_AND, e, parse_xor(bp));
    }
}

static sy_bexpr *parse_or(bparser *bp)
{
    sy_bexpr *e = parse_and(bp);
    for (;;) {
        skip(bp);
        if (bp->failed || (*bp->p != '+' && *bp->p != '|')) return e;
        bp->p++;
        e = node(SY_B_OR, e, parse_and(bp));
    }
}

sy_bexpr *sy_bool_parse(const char *text, char *err, size_t errlen)
{
    bparser bp = {.p = text, .err = err, .errlen = errlen, .text = text};
    sy_bexpr *e = parse_or(&bp);
    skip(&bp);
    if (!bp.failed && *bp.p) fail(&bp, "unexpected character");
    if (bp.failed) {
        sy_bool_free(e);
        return NULL;
    }
    return e;
}

void sy_bool_free(sy_bexpr *e)
{
    if (!e) return;
    sy_bool_free(e->a);
    sy_bool_free(e->b);
    free(e->name);
    free(e);
}

static void print(sy_buf *b, const sy_bexpr *e, const char *sfx)
{
    switch (e->op) {
    case SY_B_VAR: sy_buf_printf(b, "%s%s", e->name, sfx); break;
    case SY_B_CONST: sy_buf_printf(b, "1'b%d", e->value); break;
    case SY_B_NOT:
        sy_buf_printf(b, "~");
        print(b, e->a, sfx);
        break;
    case SY_B_AND:
    case SY_B_OR:
    case SY_B_XOR:
        sy_buf_printf(b, "(");
        print(b, e->a, sfx);
        sy_buf_printf(b, e->op == SY_B_AND ? " & " : e->op == SY_B_OR ? " | " : " ^ ");
        print(b, e->b, sfx);
        sy_buf_printf(b, ")");
        break;
    }
}

char *sy_bool_verilog(const sy_bexpr *e) { return sy_bool_verilog_sfx(e, ""); }

char *sy_bool_verilog_sfx(const sy_bexpr *e, const char *suffix)
{
    sy_buf b = {0};
    print(&b, e, suffix);
    return b.s;
}
