/*
 * hg_util.c — see hg_util.h.
 */
#include "hg_util.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void hg_errf(char *err, size_t n, const char *fmt, ...)
{
    if (!err || n == 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, n, fmt, ap);
    va_end(ap);
}

static int digit(char c) { return c >= '0' && c <= '9'; }

/* Length of the run of digits at s. */
static size_t digits(const char *s)
{
    size_t k = 0;
    while (digit(s[k])) k++;
    return k;
}

int hg_parse_long(const char *s, long lo, long hi, long *v)
{
    const char *p = s + (*s == '+' || *s == '-');
    if (!digits(p) || p[digits(p)] != '\0') return -1;
    errno = 0;
    long x = strtol(s, NULL, 10);
    if (errno || x < lo || x > hi) return -1;
    *v = x;
    return 0;
}

int hg_parse_double(const char *s, double *v)
{
    const char *p = s + (*s == '+' || *s == '-');
    size_t a = digits(p), b = 0;
    p += a;
    if (*p == '.') b = digits(++p);
    p += b;
    if (a + b == 0) return -1;
    if (*p == 'e' || *p == 'E') {
        p += 1 + (p[1] == '+' || p[1] == '-');
        if (!digits(p)) return -1;
        p += digits(p);
    }
    if (*p != '\0') return -1;
    double x = strtod(s, NULL);
    if (!isfinite(x)) return -1;
    *v = x;
    return 0;
}

void hg_die_usage(const char *prog, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", prog);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

int hg_is_ident(const char *s)
{
    if (!s || !((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_')) return 0;
    for (s++; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return 0;
    return 1;
}

uint64_t hg_fnv1a(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}
