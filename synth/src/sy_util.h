/* sy_util.h — small helpers shared by the synthesis-flow tools: checked allocation, a
 * growable string buffer, strict number parsing, name checks. Allocation failure aborts
 * (these are batch tools; there is nothing sensible to recover). File reading and writing:
 * sy_io.h. Line cutting and field splitting of the readers: sy_next_line, sy_split. */
#ifndef SY_UTIL_H
#define SY_UTIL_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

void *sy_xmalloc(size_t n);
void *sy_xcalloc(size_t n, size_t size);
void *sy_xrealloc(void *p, size_t n);
char *sy_strdup(const char *s);
char *sy_strndup(const char *s, size_t n);

/* Growable string. */
typedef struct {
    char *s;
    size_t len, cap;
} sy_buf;

void sy_buf_printf(sy_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sy_buf_free(sy_buf *b);

/* printf-style allocation; never NULL. */
char *sy_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Strict number parsing, for options and for every number read from a file: the whole
 * string is one number (no leading or trailing space, not empty), within [lo, hi];
 * doubles are finite (no inf, nan). Return 0, or -1 leaving *v unchanged. */
int sy_parse_long(const char *s, long lo, long hi, long *v);
int sy_parse_double(const char *s, double lo, double hi, double *v);
/* Decimal digits only (no sign), 0 .. 2^64-1. */
int sy_parse_u64(const char *s, unsigned long long *v);

/* Names that reach shell, Tcl, Yosys or Verilog text. An identifier is
 * [A-Za-z_][A-Za-z0-9_]*, at most SY_MAX_NAME characters (Verilog also allows '$'; it is
 * left out here because it means something to the shell and Tcl). */
#define SY_MAX_NAME 255
int sy_is_ident(const char *s);
/* A file name in a generated directory: [A-Za-z0-9_][A-Za-z0-9_.-]*, no '/', at most
 * SY_MAX_NAME characters. */
int sy_is_filename(const char *s);
/* A name from a netlist or capture path: 1..4095 printable ASCII characters, no space
 * and no '/' (it becomes a token of a map or list line and part of a file name). */
int sy_is_token(const char *s);

/* The next line of a text read whole, cut in place: returns it without its '\n' and moves
 * *rest past it; NULL when *rest is at the end (a text ending in '\n' has no empty last
 * line). Empty lines within the text are returned as "". */
char *sy_next_line(char **rest);

/* Splits line in place at spaces and tabs (a trailing '\r' is dropped). Stores up to max
 * fields and returns how many there are (max + 1 when there are more). */
int sy_split(char *line, char **fields, int max);

#ifdef __cplusplus
}
#endif

#endif
