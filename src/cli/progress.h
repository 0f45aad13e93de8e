/*
 * progress.h - what a long run is doing, on stderr when it is a terminal:
 * each step shows "skymodel: <step> ..." while it runs; steps that took a
 * second or more stay on screen with their time, quicker ones are wiped.
 * Silent with -q, when stderr is not a terminal (logs and pipes get -v's
 * lines instead), and on every MPI rank but 0.
 */
#ifndef SKY_CLI_PROGRESS_H
#define SKY_CLI_PROGRESS_H

#include <stdio.h>

#include "core/error.h" /* SKY_PRINTF */

/* Enables progress for this run (verbosity: 0 quiet, 1 normal, 2 verbose). */
void cli_progress_init(int verbosity);
void cli_progress_start(const char *fmt, ...) SKY_PRINTF(1, 2);
void cli_progress_done(void);

/* Prints one line to `out` (stdout for "wrote ...", stderr for log lines),
 * control characters of file names and the like escaped as in error
 * messages so that a line stays one line; a newline is added. */
void cli_line(FILE *out, const char *fmt, ...) SKY_PRINTF(2, 3);

#endif
