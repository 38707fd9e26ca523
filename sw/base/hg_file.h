/*
 * hg_file.h — safe input and output files, shared by every tool (prefix hg_file_).
 *
 * Inputs: only regular files are read (a directory, device, FIFO or socket is refused
 * before a byte is read, and opening never blocks on a FIFO), and every reader names the
 * largest size it accepts. Outputs: checked before a tool starts its work (the folder
 * exists and is writable, the path is not a directory, no output is one of the tool's
 * inputs), and written to a temporary name in the same folder, then renamed, so a failure
 * leaves the previous file or nothing.
 *
 * Messages: functions that can fail write into err (size n) only the reason ("is a
 * directory", "1234 bytes, more than the limit of 1000 bytes"); the caller adds the option
 * or file it concerns. err may be NULL.
 */
#ifndef HG_FILE_H
#define HG_FILE_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HG_FILE_PATH_MAX 4096

/* Opens path for reading if it is a regular file of at most max bytes (max < 0: any size).
   *size (may be NULL) gets its size. Returns the stream, or NULL with the reason in err:
   the open error, "is a directory", "is a FIFO, not a regular file ...", or the size
   against the limit. */
FILE *hg_file_open(const char *path, long long max, long long *size, char *err, size_t n);

/* Reads the whole regular file path (at most max bytes) into a malloc'd buffer with a NUL
   byte after the data; *size (may be NULL) gets the byte count. Returns NULL with the reason
   in err (as hg_file_open, or a read error, or out of memory). */
char *hg_file_read(const char *path, long long max, size_t *size, char *err, size_t n);

/* Checks that path can be an output file before any work is done: if it exists it is a
   regular file (not a directory, device, FIFO or socket); the folder that holds it exists,
   is a directory and is writable. Returns 0, or -1 with the reason in err. */
int hg_file_check_output(const char *path, char *err, size_t n);

/* 1 if paths a and b name the same file: the same device and inode when both exist (so
   links are seen through), else the same canonical path. */
int hg_file_same(const char *a, const char *b);

/* Entries of directory dir other than "." and "..", or -1 if it cannot be opened. */
int hg_dir_entries(const char *dir);

/* 1 if the existing file path lies inside the existing directory dir (symbolic links
   resolved). */
int hg_file_inside(const char *path, const char *dir);

/* An output file being written under a temporary name beside its final path. */
typedef struct hg_wfile {
    FILE *f;                         /* write here */
    char path[HG_FILE_PATH_MAX];     /* final name */
    char tmp[HG_FILE_PATH_MAX + 16]; /* temporary name in the same folder */
} hg_wfile;

/* Starts writing path: creates a temporary file beside it (mode 0666 less the umask).
   Returns 0, or -1 with the reason in err (nothing created). */
int hg_file_begin(hg_wfile *w, const char *path, char *err, size_t n);

/* Finishes w: flushes and closes the temporary file and renames it to the final path.
   Returns 0, or -1 with the reason in err; on failure the temporary file is removed and
   the previous file at path, if any, is unchanged. */
int hg_file_commit(hg_wfile *w, char *err, size_t n);

/* Abandons w: closes and removes the temporary file. Can't fail. */
void hg_file_discard(hg_wfile *w);

/* Writes the n bytes at data to path through a temporary file and rename. Returns 0, or -1
   with the reason in err (the previous file unchanged). */
int hg_file_write(const char *path, const void *data, size_t size, char *err, size_t n);

#ifdef __cplusplus
}
#endif
#endif
