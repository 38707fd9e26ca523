/* sy_io.h — how hgsynth reads and writes files.
 *
 * Inputs: only regular files of at most SY_MAX_INPUT_BYTES are read; devices, FIFOs and
 * directories are refused before they are opened (nothing blocks or grows without bound),
 * and text files must not contain NUL bytes. Every input is remembered for the rest of the
 * run, so that no output of the same run can replace it.
 * Outputs: written to a temporary file in the target's folder and renamed onto the target
 * when complete, so a failure leaves the previous file or nothing.
 */
#ifndef SY_IO_H
#define SY_IO_H

#include <stddef.h>
#include <stdio.h>

#define SY_MAX_INPUT_BYTES (1L << 30)
#define SY_MAX_INPUT_TEXT  "1 GiB"

/* Checks that path is a regular file of at most SY_MAX_INPUT_BYTES and notes it as an
 * input. Returns 0, or -1 with "'path': reason" in err. */
int sy_input_check(const char *path, char *err, size_t errlen);

/* sy_input_check, then opens the file for reading. NULL with err on failure. */
FILE *sy_input_open(const char *path, char *err, size_t errlen);

/* Reads a whole text file (sy_input_check; no NUL byte), NUL-terminated; *size (if not
 * NULL) receives its length. NULL with err on failure. */
char *sy_read_file(const char *path, size_t *size, char *err, size_t errlen);

/* An output file being written: f is open on a temporary file beside path. */
typedef struct {
    FILE *f;
    char *path, *tmp;
} sy_out;

/* Opens a temporary file for path in path's folder. Refuses a path that is an input of
 * this run or an existing file that is not a regular file. Returns 0, or -1 with err (o
 * then holds nothing to release). */
int sy_out_open(sy_out *o, const char *path, char *err, size_t errlen);

/* Closes the temporary file and renames it onto path. On a write error, or when path has
 * become an input of this run since sy_out_open, the temporary file is removed, path is
 * untouched, and -1 is returned with err. o is released either way. */
int sy_out_commit(sy_out *o, char *err, size_t errlen);

/* Removes the temporary file; path is untouched. Safe on an o that holds nothing. */
void sy_out_abort(sy_out *o);

/* Checks that dir is an existing directory. Returns 0, or -1 with err. */
int sy_dir_check(const char *dir, char *err, size_t errlen);

#endif
