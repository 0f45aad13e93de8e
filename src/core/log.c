/*
 * log.c - progress lines (see log.h).
 */
#include "log.h"

#include "error.h"

#include <stdarg.h>
#include <stdio.h>

void sky_logf(sky_log_fn fn, void *ctx, const char *fmt, ...)
{
    if (!fn)
        return;
    char raw[1024], line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    sky_escape_controls(raw, line, sizeof line); /* one line, whatever it names */
    fn(ctx, line);
}
