/*
 * fz_util.h — what the fuzz targets of tests/fuzz share (prefix fz_): a private scratch
 * directory for readers that take a path, and splitting an input into parts.
 *
 * Every target is a libFuzzer entry point (LLVMFuzzerTestOneInput) that hands its input to
 * one reader of the tool and checks what comes back; a crash, a sanitizer report, a leak or
 * a failed check (abort) is a finding. Targets never call exit().
 */
#ifndef FZ_UTIL_H
#define FZ_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* The target's scratch directory: a new directory under $TMPDIR (else /dev/shm, else /tmp)
   made on the first call and removed, with everything in it, when the process exits. Aborts
   if it cannot be made. */
const char *fz_dir(void);

/* Writes the n bytes at data to the scratch file name (a path relative to the scratch
   directory, in a folder that exists: fz_subdir) and returns its path. The file is rewritten
   in place, so it stays the same file (the same inode) for the whole run: readers that
   remember their inputs by inode see one file. Aborts on a write error. */
const char *fz_scratch(const char *name, const void *data, size_t n);

/* Makes the folder name (a relative path: every folder of it) in the scratch directory, if it
   is not there, and returns its path. Aborts if it cannot be made. */
const char *fz_subdir(const char *name);

/* Splits data[0..n-1] at the byte sep into at most max parts: part i is
   data[off[i] .. off[i] + len[i] - 1]. Returns the number of parts (1 for an input without
   sep; the last part holds the rest, seps included, when there are more than max). */
int fz_split(const uint8_t *data, size_t n, uint8_t sep, int max, size_t *off, size_t *len);

/* A NUL-terminated malloc'd copy of n bytes at data; aborts when memory runs out. */
char *fz_strndup(const void *data, size_t n);

/* Aborts with a message naming the target and the broken property. */
void fz_fail(const char *target, const char *what) __attribute__((noreturn));

#endif
