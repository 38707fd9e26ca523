/*
 * hg_util.h — the few helpers every stage of the tool shares.
 */
#ifndef HG_UTIL_H
#define HG_UTIL_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Formats an error message into err (size n); does nothing if err is NULL or n is 0.
   Can't fail. */
void hg_errf(char *err, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#ifdef __cplusplus
}
#endif
#endif
