/* sy_io.c — see sy_io.h. */
#include "sy_io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sy_util.h"

/* ------------------------------------------------------------------------------------ */
/* Inputs                                                                                 */

typedef struct {
    dev_t dev;
    ino_t ino;
} fileid;

static fileid *inputs;
static int ninputs, capinputs;

static void note_input(const struct stat *st)
{
    for (int i = 0; i < ninputs; i++)
        if (inputs[i].dev == st->st_dev && inputs[i].ino == st->st_ino) return;
    if (ninputs == capinputs) {
        capinputs = capinputs ? 2 * capinputs : 64;
        inputs = sy_xrealloc(inputs, (size_t)capinputs * sizeof *inputs);
    }
    inputs[ninputs++] = (fileid){st->st_dev, st->st_ino};
}

static int is_input(const struct stat *st)
{
    for (int i = 0; i < ninputs; i++)
        if (inputs[i].dev == st->st_dev && inputs[i].ino == st->st_ino) return 1;
    return 0;
}

static const char *kind_of(mode_t m)
{
    if (S_ISDIR(m)) return "a directory";
    if (S_ISFIFO(m)) return "a FIFO";
    if (S_ISCHR(m) || S_ISBLK(m)) return "a device";
    if (S_ISSOCK(m)) return "a socket";
    return "not a regular file";
}

int sy_input_check(const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, errlen, "'%s': %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "'%s' is %s, not a regular file", path, kind_of(st.st_mode));
        return -1;
    }
    if (st.st_size > SY_MAX_INPUT_BYTES) {
        snprintf(err, errlen, "'%s' has %lld bytes, more than the input limit of " SY_MAX_INPUT_TEXT, path,
                 (long long)st.st_size);
        return -1;
    }
    note_input(&st);
    return 0;
}

FILE *sy_input_open(const char *path, char *err, size_t errlen)
{
    if (sy_input_check(path, err, errlen) != 0) return NULL;
    FILE *f = fopen(path, "rb");
    if (!f) snprintf(err, errlen, "'%s': %s", path, strerror(errno));
    return f;
}

char *sy_read_file(const char *path, size_t *size, char *err, size_t errlen)
{
    FILE *f = sy_input_open(path, err, errlen);
    if (!f) return NULL;
    size_t cap = 1 << 16, len = 0;
    char *buf = sy_xmalloc(cap);
    for (;;) {
        if (len + 1 >= cap) {
            cap *= 2;
            buf = sy_xrealloc(buf, cap);
        }
        size_t got = fread(buf + len, 1, cap - len - 1, f);
        if (got == 0) break;
        len += got;
        if (len > (size_t)SY_MAX_INPUT_BYTES) break; /* grew while being read */
    }
    int bad = ferror(f);
    fclose(f);
    const char *nul = memchr(buf, '\0', len);
    if (bad || len > (size_t)SY_MAX_INPUT_BYTES || nul) {
        if (bad)
            snprintf(err, errlen, "'%s': read error", path);
        else if (nul)
            snprintf(err, errlen, "'%s' has a NUL byte at offset %ld: not a text file", path,
                     (long)(nul - buf));
        else
            snprintf(err, errlen, "'%s' grew past the input limit of " SY_MAX_INPUT_TEXT " while being read",
                     path);
        free(buf);
        return NULL;
    }
    buf[len] = '\0';
    if (size) *size = len;
    return buf;
}

/* ------------------------------------------------------------------------------------ */
/* Outputs                                                                                */

int sy_out_open(sy_out *o, const char *path, char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    struct stat st;
    if (!path[0]) {
        snprintf(err, errlen, "empty output path");
        return -1;
    }
    if (stat(path, &st) == 0) {
        if (!S_ISREG(st.st_mode)) {
            snprintf(err, errlen, "output '%s' exists and is %s, not a regular file", path,
                     kind_of(st.st_mode));
            return -1;
        }
        if (is_input(&st)) {
            snprintf(err, errlen, "output '%s' is an input of this command: not overwritten", path);
            return -1;
        }
    }
    const char *slash = strrchr(path, '/');
    char *tmp = slash ? sy_asprintf("%.*s.%s.XXXXXX", (int)(slash - path + 1), path, slash + 1)
                      : sy_asprintf(".%s.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
        free(tmp);
        return -1;
    }
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0 || !(o->f = fdopen(fd, "w"))) {
        snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
        close(fd);
        unlink(tmp);
        free(tmp);
        return -1;
    }
    o->path = sy_strdup(path);
    o->tmp = tmp;
    return 0;
}

static void release(sy_out *o)
{
    free(o->path);
    free(o->tmp);
    memset(o, 0, sizeof *o);
}

int sy_out_commit(sy_out *o, char *err, size_t errlen)
{
    int bad = fflush(o->f) != 0 || ferror(o->f);
    int e = errno;
    if (fclose(o->f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    o->f = NULL;
    struct stat st; /* an input read after the output was opened is not replaced either */
    int was_input = !bad && stat(o->path, &st) == 0 && is_input(&st);
    if (!bad && !was_input && rename(o->tmp, o->path) != 0) {
        bad = 1;
        e = errno;
    }
    if (was_input)
        snprintf(err, errlen, "output '%s' is an input of this command: not overwritten", o->path);
    else if (bad)
        snprintf(err, errlen, "cannot write '%s': %s", o->path, strerror(e));
    if (bad || was_input) unlink(o->tmp);
    release(o);
    return bad || was_input ? -1 : 0;
}

void sy_out_abort(sy_out *o)
{
    if (o->f) fclose(o->f);
    if (o->tmp) unlink(o->tmp);
    release(o);
}

int sy_dir_check(const char *dir, char *err, size_t errlen)
{
    struct stat st;
    if (stat(dir, &st) != 0) {
        snprintf(err, errlen, "directory '%s': %s", dir, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "'%s' is %s, not a directory", dir, kind_of(st.st_mode));
        return -1;
    }
    return 0;
}
