/* fz_util.c — see fz_util.h. */
#define _GNU_SOURCE /* nftw */
#include "fz_util.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sanitizer/common_interface_defs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FZ_MAX_FILES 64

static char dir[512];
static struct {
    char name[64];
    char path[600];
    int fd;
} files[FZ_MAX_FILES];
static int nfiles;
static char subdirs[FZ_MAX_FILES][600];
static int nsubdirs;

void fz_fail(const char *target, const char *what)
{
    /* the sanitizers' report stream: libFuzzer keeps it open when it closes stderr */
    char msg[512];
    snprintf(msg, sizeof msg, "fuzz %s: %s", target, what);
    __sanitizer_report_error_summary(msg);
    abort();
}

/* Removes one entry of the scratch tree (nftw, deepest first). */
static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void cleanup(void)
{
    for (int i = 0; i < nfiles; i++)
        if (files[i].fd >= 0) close(files[i].fd);
    if (dir[0]) nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

const char *fz_dir(void)
{
    if (dir[0]) return dir;
    /* a memory file system where there is one: rewriting a file on a disk can wait on the
       device (ext4 discards the blocks a truncation frees) */
    const char *t = getenv("TMPDIR");
    if (!t || !*t) t = access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(dir, sizeof dir, "%s/hg_fuzz_XXXXXX", t);
    if (!mkdtemp(dir)) {
        perror("fz_dir: mkdtemp");
        abort();
    }
    atexit(cleanup);
    return dir;
}

/* The slot of scratch file name, made on first use. */
static int slot(const char *name)
{
    for (int i = 0; i < nfiles; i++)
        if (strcmp(files[i].name, name) == 0) return i;
    if (nfiles == FZ_MAX_FILES || strlen(name) >= sizeof files[0].name) {
        fprintf(stderr, "fz_scratch: too many files or a long name: %s\n", name);
        abort();
    }
    snprintf(files[nfiles].name, sizeof files[nfiles].name, "%s", name);
    snprintf(files[nfiles].path, sizeof files[nfiles].path, "%s/%s", fz_dir(), name);
    files[nfiles].fd = -1;
    return nfiles++;
}

const char *fz_scratch(const char *name, const void *data, size_t n)
{
    int i = slot(name);
    if (files[i].fd < 0) files[i].fd = open(files[i].path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    const char *p = data;
    size_t done = 0;
    int ok = files[i].fd >= 0 && ftruncate(files[i].fd, 0) == 0;
    while (ok && done < n) {
        ssize_t w = pwrite(files[i].fd, p + done, n - done, (off_t)done);
        ok = w > 0;
        done += ok ? (size_t)w : 0;
    }
    if (!ok) {
        fprintf(stderr, "fz_scratch: %s: %s\n", files[i].path, strerror(errno));
        abort();
    }
    return files[i].path;
}

const char *fz_subdir(const char *name)
{
    for (int i = 0; i < nsubdirs; i++)
        if (strcmp(subdirs[i] + strlen(fz_dir()) + 1, name) == 0) return subdirs[i];
    if (nsubdirs == FZ_MAX_FILES) {
        fprintf(stderr, "fz_subdir: too many folders\n");
        abort();
    }
    /* each folder of the path, parents first */
    char *path = subdirs[nsubdirs];
    snprintf(path, sizeof subdirs[0], "%s/%s", fz_dir(), name);
    for (char *p = path + strlen(fz_dir()) + 1;; p++) {
        if (*p != '/' && *p) continue;
        char c = *p;
        *p = '\0';
        if (mkdir(path, 0700) != 0 && errno != EEXIST) {
            fprintf(stderr, "fz_subdir: %s: %s\n", path, strerror(errno));
            abort();
        }
        *p = c;
        if (!c) break;
    }
    return subdirs[nsubdirs++];
}

int fz_split(const uint8_t *data, size_t n, uint8_t sep, int max, size_t *off, size_t *len)
{
    int k = 0;
    size_t start = 0;
    for (size_t i = 0; i < n && k < max - 1; i++)
        if (data[i] == sep) {
            off[k] = start;
            len[k++] = i - start;
            start = i + 1;
        }
    off[k] = start;
    len[k++] = n - start;
    return k;
}

char *fz_strndup(const void *data, size_t n)
{
    char *s = malloc(n + 1);
    if (!s) abort();
    memcpy(s, data, n);
    s[n] = '\0';
    return s;
}
