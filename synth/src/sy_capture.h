/* sy_capture.h — the reader of activity-capture files, shared by hgsynth gatesim and the
 * Verilator gate-level harness (synth/harness/hggl_main.cpp), so both read captures alike.
 *
 * A capture (<instance>.hex, written by the simulation) has one line per rising clock edge:
 * the module's ports but the clock, in a fixed column order, each a hex number of its full
 * width ((bits + 3) / 4 digits); 'x' or 'z' digits are unknown. This file depends on the C
 * library only and compiles as C and as C++.
 */
#ifndef SY_CAPTURE_H
#define SY_CAPTURE_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Largest capture file read (bytes). */
#define SY_CAPTURE_MAX_BYTES (1L << 30)

typedef struct {
    FILE *f;
    char *path;
    int ncols;  /* columns every line must have */
    char **tok; /* after sy_capture_next: column i starts at tok[i] ... */
    int *len;   /* ... and has len[i] characters (not NUL-terminated) */
    char *buf;  /* the current line */
    size_t cap;
} sy_capture;

/* Opens the capture at path, whose lines must have ncols columns: 0, or -1 with err (not a
   regular file, larger than SY_CAPTURE_MAX_BYTES, unreadable). c must be closed either way. */
int sy_capture_open(sy_capture *c, const char *path, int ncols, char *err, size_t errlen);
/* Reads the next line (cycle: its number, for messages): 1 read, 0 end of file, -1 a line of
   the wrong number of columns or a character other than hex digits, x and z (err filled). */
int sy_capture_next(sy_capture *c, long cycle, char *err, size_t errlen);
void sy_capture_close(sy_capture *c);

/* Value of a hex digit, -1 for x, z or anything else. */
int sy_hex_digit(char ch);

#ifdef __cplusplus
}
#endif

#endif
