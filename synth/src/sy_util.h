/* sy_util.h — small helpers shared by the synthesis-flow tools: checked allocation,
 * whole-file reading, a growable string buffer. Allocation failure aborts (these are
 * batch tools; there is nothing sensible to recover). */
#ifndef SY_UTIL_H
#define SY_UTIL_H

#include <stddef.h>
#include <stdio.h>

void *sy_xmalloc(size_t n);
void *sy_xcalloc(size_t n, size_t size);
void *sy_xrealloc(void *p, size_t n);
char *sy_strdup(const char *s);
char *sy_strndup(const char *s, size_t n);

/* Reads a whole file, NUL-terminated. Returns NULL (errno set) if it cannot be read;
 * *size receives the length without the terminator. */
char *sy_read_file(const char *path, size_t *size);

/* Growable string. */
typedef struct {
    char *s;
    size_t len, cap;
} sy_buf;

void sy_buf_printf(sy_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sy_buf_free(sy_buf *b);

/* printf-style allocation; never NULL. */
char *sy_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
