/* sy_capture.c — see sy_capture.h. */
#include "sy_capture.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int sy_capture_open(sy_capture *c, const char *path, int ncols, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    size_t n = (size_t)(ncols > 0 ? ncols : 1);
    c->path = (char *)malloc(strlen(path) + 1);
    c->tok = (char **)calloc(n, sizeof *c->tok);
    c->len = (int *)calloc(n, sizeof *c->len);
    if (!c->path || !c->tok || !c->len) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    strcpy(c->path, path);
    c->ncols = ncols;
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, errlen, "'%s': %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode) || st.st_size > SY_CAPTURE_MAX_BYTES) {
        snprintf(err, errlen, "'%s': not a regular file of at most %ld bytes", path, SY_CAPTURE_MAX_BYTES);
        return -1;
    }
    c->f = fopen(path, "rb");
    if (!c->f) {
        snprintf(err, errlen, "'%s': %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int blank(char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'; }

int sy_capture_next(sy_capture *c, long cycle, char *err, size_t errlen)
{
    if (!c->f || getline(&c->buf, &c->cap, c->f) <= 0) return 0;
    int k = 0;
    for (char *p = c->buf; *p;) {
        while (blank(*p)) p++;
        if (!*p) break;
        char *s = p;
        while (*p && !blank(*p)) p++;
        if (k < c->ncols) {
            c->tok[k] = s;
            c->len[k] = (int)(p - s);
        }
        k++;
    }
    if (k != c->ncols) {
        snprintf(err, errlen, "%s: cycle %ld: %d columns, expected %d", c->path, cycle, k, c->ncols);
        return -1;
    }
    for (int i = 0; i < k; i++)
        for (int j = 0; j < c->len[i]; j++) {
            char ch = c->tok[i][j];
            if (sy_hex_digit(ch) < 0 && !strchr("xXzZ", ch)) {
                snprintf(err, errlen,
                         "%s: cycle %ld: column %d has '%c': capture values are hex digits, x or z", c->path,
                         cycle, i, ch >= ' ' && ch < 0x7f ? ch : '?');
                return -1;
            }
        }
    return 1;
}

void sy_capture_close(sy_capture *c)
{
    if (c->f) fclose(c->f);
    free(c->path);
    free(c->buf);
    free(c->tok);
    free(c->len);
    memset(c, 0, sizeof *c);
}

int sy_hex_digit(char ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}
