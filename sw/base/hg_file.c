/*
 * hg_file.c — see hg_file.h.
 */
#include "hg_file.h"
#include "hg_util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- inputs --------------------------------------------------------------------------- */

/* What a file that is not a regular file is, for messages. */
static const char *kind_of(mode_t m)
{
    if (S_ISDIR(m)) return "a directory";
    if (S_ISCHR(m)) return "a character device";
    if (S_ISBLK(m)) return "a block device";
    if (S_ISFIFO(m)) return "a FIFO";
    if (S_ISSOCK(m)) return "a socket";
    return "not a regular file";
}

FILE *hg_file_open(const char *path, long long max, long long *size, char *err, size_t n)
{
    /* O_NONBLOCK: opening a FIFO must not wait for a writer; cleared again below */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        hg_errf(err, n, "cannot open: %s", strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        hg_errf(err, n, "cannot read: %s", strerror(errno));
        close(fd);
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        hg_errf(err, n, "is a directory, not a file");
        close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        hg_errf(err, n, "is %s, not a regular file (devices, FIFOs and sockets are refused)",
                kind_of(st.st_mode));
        close(fd);
        return NULL;
    }
    if (max >= 0 && (long long)st.st_size > max) {
        hg_errf(err, n, "%lld bytes, more than the limit of %lld bytes", (long long)st.st_size, max);
        close(fd);
        return NULL;
    }
    int fl = fcntl(fd, F_GETFL);
    FILE *f = fl >= 0 && fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == 0 ? fdopen(fd, "rb") : NULL;
    if (!f) {
        hg_errf(err, n, "cannot read: %s", strerror(errno));
        close(fd);
        return NULL;
    }
    if (size) *size = (long long)st.st_size;
    return f;
}

char *hg_file_read(const char *path, long long max, size_t *size, char *err, size_t n)
{
    long long len = 0;
    FILE *f = hg_file_open(path, max, &len, err, n);
    if (!f) return NULL;
    /* the size may change while reading: read at most len bytes, and notice a longer file */
    char *buf = malloc((size_t)len + 1);
    size_t got = buf ? fread(buf, 1, (size_t)len, f) : 0;
    int extra = buf && fgetc(f) != EOF;
    int bad = ferror(f);
    fclose(f);
    if (!buf || bad || got != (size_t)len || extra) {
        hg_errf(err, n, "%s", !buf ? "out of memory" : bad ? "read error" : "changed size while being read");
        free(buf);
        return NULL;
    }
    buf[got] = '\0';
    if (size) *size = got;
    return buf;
}

/* ---- paths ---------------------------------------------------------------------------- */

/* The folder part of path ("." if none) into dir. */
static void folder_of(const char *path, char *dir, size_t n)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, n, ".");
    else if (slash == path)
        snprintf(dir, n, "/");
    else
        snprintf(dir, n, "%.*s", (int)(slash - path), path);
}

int hg_file_check_output(const char *path, char *err, size_t n)
{
    struct stat st;
    if (!path[0]) {
        hg_errf(err, n, "an empty path");
        return -1;
    }
    if (path[strlen(path) - 1] == '/') {
        hg_errf(err, n, "ends with '/': a file name is needed");
        return -1;
    }
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        hg_errf(err, n, "is %s; an output must be a regular file", kind_of(st.st_mode));
        return -1;
    }
    char dir[HG_FILE_PATH_MAX];
    folder_of(path, dir, sizeof dir);
    if (stat(dir, &st) != 0) {
        hg_errf(err, n, "folder '%s' %s", dir,
                errno == ENOENT ? "does not exist (create it "
                                  "first)"
                                : strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        hg_errf(err, n, "'%s' is not a folder", dir);
        return -1;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        hg_errf(err, n, "folder '%s' is not writable: %s", dir, strerror(errno));
        return -1;
    }
    return 0;
}

/* Canonical form of path: the real path of its folder plus its last name. 0 or -1. */
static int canon(const char *path, char *out, size_t n)
{
    char dir[HG_FILE_PATH_MAX], real[PATH_MAX];
    folder_of(path, dir, sizeof dir);
    if (!realpath(dir, real)) return -1;
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    int len = snprintf(out, n, "%s/%s", strcmp(real, "/") == 0 ? "" : real, base);
    return len < 0 || (size_t)len >= n ? -1 : 0;
}

int hg_file_same(const char *a, const char *b)
{
    struct stat sa, sb;
    int ea = stat(a, &sa) == 0, eb = stat(b, &sb) == 0;
    if (ea && eb) return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    if (ea != eb) return 0;
    char ca[HG_FILE_PATH_MAX + 256], cb[HG_FILE_PATH_MAX + 256];
    if (canon(a, ca, sizeof ca) != 0 || canon(b, cb, sizeof cb) != 0) return strcmp(a, b) == 0;
    return strcmp(ca, cb) == 0;
}

int hg_file_inside(const char *path, const char *dir)
{
    char rp[PATH_MAX], rd[PATH_MAX];
    if (!realpath(path, rp) || !realpath(dir, rd)) return 0;
    size_t k = strlen(rd);
    if (strcmp(rd, "/") == 0) return 1;
    return strncmp(rp, rd, k) == 0 && rp[k] == '/';
}

/* ---- atomic outputs ------------------------------------------------------------------- */

int hg_file_begin(hg_wfile *w, const char *path, char *err, size_t n)
{
    memset(w, 0, sizeof *w);
    if (strlen(path) >= sizeof w->path) {
        hg_errf(err, n, "path longer than %zu bytes", sizeof w->path - 1);
        return -1;
    }
    snprintf(w->path, sizeof w->path, "%s", path);
    snprintf(w->tmp, sizeof w->tmp, "%s.tmpXXXXXX", path);
    int fd = mkstemp(w->tmp);
    if (fd < 0) {
        hg_errf(err, n, "cannot create a temporary file beside it: %s", strerror(errno));
        w->tmp[0] = '\0';
        return -1;
    }
    mode_t um = umask(0);
    umask(um);
    if (fchmod(fd, 0666 & ~um) != 0 || !(w->f = fdopen(fd, "wb"))) {
        hg_errf(err, n, "cannot write a temporary file beside it: %s", strerror(errno));
        close(fd);
        unlink(w->tmp);
        w->tmp[0] = '\0';
        return -1;
    }
    return 0;
}

int hg_file_commit(hg_wfile *w, char *err, size_t n)
{
    int ok = !ferror(w->f);
    errno = 0;
    ok = fflush(w->f) == 0 && ok;
    int e = errno;
    ok = fclose(w->f) == 0 && ok;
    e = e ? e : errno;
    w->f = NULL;
    if (ok && rename(w->tmp, w->path) == 0) {
        w->tmp[0] = '\0';
        return 0;
    }
    e = e ? e : errno ? errno : EIO;
    hg_errf(err, n, "cannot write: %s", strerror(e));
    unlink(w->tmp);
    w->tmp[0] = '\0';
    return -1;
}

void hg_file_discard(hg_wfile *w)
{
    if (w->f) fclose(w->f);
    w->f = NULL;
    if (w->tmp[0]) unlink(w->tmp);
    w->tmp[0] = '\0';
}

int hg_file_write(const char *path, const void *data, size_t size, char *err, size_t n)
{
    hg_wfile w;
    if (hg_file_begin(&w, path, err, n) != 0) return -1;
    if (size && fwrite(data, 1, size, w.f) != size) {
        hg_errf(err, n, "cannot write: %s", strerror(errno ? errno : EIO));
        hg_file_discard(&w);
        return -1;
    }
    return hg_file_commit(&w, err, n);
}

int hg_dir_entries(const char *dir)
{
    DIR *dp = opendir(dir);
    if (!dp) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(dp))) n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(dp);
    return n;
}
