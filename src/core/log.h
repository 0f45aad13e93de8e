/*
 * log.h - progress lines to a caller's callback (the library never prints).
 */
#ifndef SKY_CORE_LOG_H
#define SKY_CORE_LOG_H

#include "error.h"

typedef void (*sky_log_fn)(void *ctx, const char *line);

/* Formats one line and hands it to `fn` (nothing when fn is NULL). */
void sky_logf(sky_log_fn fn, void *ctx, const char *fmt, ...) SKY_PRINTF(3, 4);

#endif
