/* sy_util.c — see sy_util.h. */
#include "sy_util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void oom(void)
{
    fputs("hgsynth: out of memory\n", stderr);
    abort();
}

void *sy_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) oom();
    return p;
}

void *sy_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) oom();
    return p;
}

void *sy_xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) oom();
    return p;
}

char *sy_strndup(const char *s, size_t n)
{
    char *d = sy_xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *sy_strdup(const char *s) { return sy_strndup(s, strlen(s)); }

__attribute__((format(printf, 2, 0))) static void buf_vprintf(sy_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) return;
    size_t need = b->len + (size_t)n + 1;
    if (need > b->cap) {
        b->cap = need > 2 * b->cap ? need : 2 * b->cap;
        b->s = sy_xrealloc(b->s, b->cap);
    }
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void sy_buf_printf(sy_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void sy_buf_free(sy_buf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

char *sy_asprintf(const char *fmt, ...)
{
    sy_buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (!b.s) return sy_strdup("");
    return b.s;
}

/* ------------------------------------------------------------------------------------ */
/* Strict numbers                                                                         */

int sy_parse_long(const char *s, long lo, long hi, long *v)
{
    if (!s || !*s || isspace((unsigned char)*s)) return -1;
    char *end;
    errno = 0;
    long x = strtol(s, &end, 10);
    if (errno || *end || x < lo || x > hi) return -1;
    *v = x;
    return 0;
}

int sy_parse_double(const char *s, double lo, double hi, double *v)
{
    if (!s || !*s || isspace((unsigned char)*s)) return -1;
    /* decimal notation only: strtod would also take hex floats, inf and nan */
    for (const char *p = s; *p; p++)
        if (!isdigit((unsigned char)*p) && !strchr("+-.eE", *p)) return -1;
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    if (errno || *end || !isfinite(x) || x < lo || x > hi) return -1;
    *v = x;
    return 0;
}

int sy_parse_u64(const char *s, unsigned long long *v)
{
    if (!s || !*s) return -1;
    for (const char *p = s; *p; p++)
        if (!isdigit((unsigned char)*p)) return -1;
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 10);
    if (errno || *end) return -1;
    *v = x;
    return 0;
}

/* ------------------------------------------------------------------------------------ */
/* Names                                                                                  */

int sy_is_ident(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > SY_MAX_NAME || !(isalpha((unsigned char)s[0]) || s[0] == '_')) return 0;
    for (size_t i = 0; i < n; i++)
        if (!(isascii((unsigned char)s[i]) && (isalnum((unsigned char)s[i]) || s[i] == '_'))) return 0;
    return 1;
}

int sy_is_filename(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > SY_MAX_NAME || s[0] == '.' || s[0] == '-') return 0;
    for (size_t i = 0; i < n; i++)
        if (!(isascii((unsigned char)s[i]) && (isalnum((unsigned char)s[i]) || strchr("_.-", s[i]))))
            return 0;
    return 1;
}

int sy_is_token(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 4095) return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f || s[i] == '/') return 0;
    return 1;
}

char *sy_next_line(char **rest)
{
    char *line = *rest;
    if (!*line) return NULL;
    char *nl = strchr(line, '\n');
    if (nl) {
        *nl = '\0';
        *rest = nl + 1;
    } else {
        *rest = line + strlen(line);
    }
    return line;
}

int sy_split(char *line, char **fields, int max)
{
    int n = 0;
    size_t len = strlen(line);
    if (len && line[len - 1] == '\r') line[len - 1] = '\0';
    for (char *p = line; *p;) {
        while (*p == ' ' || *p == '\t') *p++ = '\0';
        if (!*p) break;
        if (n < max) fields[n] = p;
        n++;
        if (n > max) return max + 1;
        while (*p && *p != ' ' && *p != '\t') p++;
    }
    return n;
}
