/*
 * error.c - one-line failure messages (see error.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int sky_fail(sky_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

int sky_prefix(sky_error *err, int code, const char *fmt, ...)
{
    if (err) {
        char prefix[256];
        char old[sizeof err->msg];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(prefix, sizeof prefix, fmt, ap);
        va_end(ap);
        memcpy(old, err->msg, sizeof old);
        size_t np = strlen(prefix), no = strnlen(old, sizeof old - 1);
        if (np > sizeof err->msg - 1)
            np = sizeof err->msg - 1;
        if (no > sizeof err->msg - 1 - np)
            no = sizeof err->msg - 1 - np;
        memcpy(err->msg, prefix, np);
        memcpy(err->msg + np, old, no);
        err->msg[np + no] = '\0';
        err->code = code;
    }
    return code;
}

int sky_nomem(sky_error *err, const char *what)
{
    return sky_fail(err, SKY_ENOMEM, "out of memory while allocating %s", what);
}
