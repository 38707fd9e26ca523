/*
 * hg_util.h — the few helpers every stage of the tool shares.
 */
#ifndef HG_UTIL_H
#define HG_UTIL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 64-bit FNV-1a: feeds the n bytes at p into the running hash h (start with HG_FNV1A_INIT)
   and returns it. The tools' one hash: model-cache keys, model and corpus hashes, the
   tokenizer's table, the synthesis manifests. Can't fail. */
#define HG_FNV1A_INIT 0xcbf29ce484222325ull
uint64_t hg_fnv1a(uint64_t h, const void *p, size_t n);

/* Formats an error message into err (size n); does nothing if err is NULL or n is 0.
   Can't fail. */
void hg_errf(char *err, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Bad input of a command-line tool: "<prog>: <message>" on stderr, then exit 2. */
void hg_die_usage(const char *prog, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

/* 1 if s is an identifier of Verilog and C, [A-Za-z_][A-Za-z0-9_]*; else 0 (NULL too). */
int hg_is_ident(const char *s);

/* Strict number parsing: the whole string is one decimal number, with no white space, no
   hexadecimal, inf or nan. */

/* Parses s as an integer ([+-]digits) in lo..hi into *v. Returns 0, or -1 (not an integer,
   or outside lo..hi; *v unchanged). */
int hg_parse_long(const char *s, long lo, long hi, long *v);

/* Parses s as a finite decimal number ([+-]digits[.digits][e[+-]digits], or .digits) into
   *v. Returns 0, or -1 (not such a number, or too large for a double; *v unchanged). */
int hg_parse_double(const char *s, double *v);

#ifdef __cplusplus
}
#endif
#endif
