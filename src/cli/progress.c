/*
 * progress.c - step lines on a terminal (see progress.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "progress.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/error.h"
#include "parallel/comm.h"

static int enabled, active;
static double started;

void cli_progress_init(int verbosity)
{
    /* -v prints its own timed lines: progress would interleave with them */
    enabled = verbosity == 1 && isatty(2) && sky_par_rank() == 0;
}

void cli_progress_start(const char *fmt, ...)
{
    if (!enabled)
        return;
    if (active)
        cli_progress_done();
    char raw[512], line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    sky_escape_controls(raw, line, sizeof line); /* file names stay on the line */
    fprintf(stderr, "skymodel: %s ...", line);
    fflush(stderr);
    started = sky_clock_seconds();
    active = 1;
}

void cli_progress_done(void)
{
    if (!enabled || !active)
        return;
    const double t = sky_clock_seconds() - started;
    if (t >= 1.0)
        fprintf(stderr, " %.1f s\n", t);
    else
        fputs("\r\033[K", stderr); /* wipe the line */
    fflush(stderr);
    active = 0;
}

void cli_line(FILE *out, const char *fmt, ...)
{
    char raw[2048], line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    sky_escape_controls(raw, line, sizeof line);
    fprintf(out, "%s\n", line);
}
