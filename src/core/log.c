/*
 * log.c - progress lines (see log.h).
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>

void sky_logf(sky_log_fn fn, void *ctx, const char *fmt, ...)
{
    if (!fn)
        return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fn(ctx, line);
}
