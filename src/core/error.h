/*
 * error.h - filling a sky_error.
 *
 * sky_fail() is the one way a failure is reported inside the library: it
 * formats a one-line message into the caller's sky_error (which may be NULL)
 * and returns the status code, so that `return sky_fail(err, ...)` reads as
 * what it does. sky_prefix() lets a caller add one context prefix
 * ("component d1: ") to a message produced deeper down. Both escape the
 * control characters of the finished message (a newline in a file name or
 * an option value becomes \n, others \t, \r or \xNN), so that a message
 * stays one line whatever it echoes.
 */
#ifndef SKY_CORE_ERROR_H
#define SKY_CORE_ERROR_H

#include <stddef.h>

#include "skymodel.h"

#if defined(__GNUC__)
#define SKY_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define SKY_PRINTF(a, b)
#endif

int sky_fail(sky_error *err, int code, const char *fmt, ...) SKY_PRINTF(3, 4);
int sky_prefix(sky_error *err, int code, const char *fmt, ...) SKY_PRINTF(3, 4);
int sky_nomem(sky_error *err, const char *what);

/* `in` into out[n] (always terminated, cut before an escape that does not
 * fit) with control characters and DEL written as \n, \r, \t or \xNN. */
void sky_escape_controls(const char *in, char *out, size_t n);

#endif
