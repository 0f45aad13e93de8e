/*
 * error.c - one-line failure messages (see error.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void sky_escape_controls(const char *in, char *out, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    if (!n)
        return;
    for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
        char e[5];
        size_t k = 0;
        if (*p >= 0x20 && *p != 0x7f) {
            e[k++] = (char)*p;
        } else {
            e[k++] = '\\';
            switch (*p) {
            case '\n': e[k++] = 'n'; break;
            case '\r': e[k++] = 'r'; break;
            case '\t': e[k++] = 't'; break;
            default:
                e[k++] = 'x';
                e[k++] = hex[*p >> 4];
                e[k++] = hex[*p & 15];
            }
        }
        if (o + k > n - 1) /* no half escapes */
            break;
        memcpy(out + o, e, k);
        o += k;
    }
    out[o] = '\0';
}

/* The message in place with its control characters escaped. */
static void one_line(sky_error *err)
{
    char raw[sizeof err->msg];
    memcpy(raw, err->msg, sizeof raw);
    raw[sizeof raw - 1] = '\0';
    sky_escape_controls(raw, err->msg, sizeof err->msg);
}

int sky_fail(sky_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        one_line(err);
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
        one_line(err);
        err->code = code;
    }
    return code;
}

int sky_nomem(sky_error *err, const char *what)
{
    return sky_fail(err, SKY_ENOMEM, "out of memory while allocating %s", what);
}
