/*
 * hg_util.c — see hg_util.h.
 */
#include "hg_util.h"

#include <stdarg.h>
#include <stdio.h>

void hg_errf(char *err, size_t n, const char *fmt, ...)
{
    if (!err || n == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, n, fmt, ap);
    va_end(ap);
}
