/*
 * written.h - what the page cache keeps of the files a run has written.
 *
 * A run that writes hundreds of maps (an instrument's detectors: 400 maps of
 * 38 MB at nside 512) would otherwise leave all of them in the page cache:
 * the kernel takes fresh pages for every new file while any are free, and on
 * a virtual machine that hands freed memory back to its host each fresh page
 * costs a fault on the host (new memory at 0.4-2 GB/s against 20 GB/s once
 * mapped: bench/bench_page_cost.sh), then the dirty pages hit the kernel's
 * limits. Instead, each finished file's write-back is started at once, and
 * the files written more than SKY_WRITTEN_CACHE_MB before the newest are
 * dropped from the cache (their write-back waited for, normally long done):
 * the next files reuse those pages. Only caching changes: the files' data
 * are the same, and dropping a file that has gone meanwhile does nothing.
 *
 * SKYMODEL_OUTPUT_CACHE_MB in the environment sets the budget in MB (a
 * whole number; 0 drops each file as soon as it is on disk); "all" keeps
 * every written file cached, as before. Linux only; elsewhere nothing.
 */
#ifndef SKY_IO_WRITTEN_H
#define SKY_IO_WRITTEN_H

#include <stdint.h>

#include "skymodel.h"

enum { SKY_WRITTEN_CACHE_MB = 2048 };
#define SKY_WRITTEN_ENV "SKYMODEL_OUTPUT_CACHE_MB"

/* A file the caller has just finished writing (closed and in place). */
void sky_written_file(const char *path);

/* The budget in bytes (-1: no limit) from SKYMODEL_OUTPUT_CACHE_MB, or the
 * default when it is unset or malformed (a program embedding the library
 * gets no error from it). */
int64_t sky_written_budget(void);

/* SKY_EINVAL, naming the variable and its value, when SKYMODEL_OUTPUT_CACHE_MB
 * is set to something else than a whole number of MB or "all" (the command
 * line checks it before any work). */
int sky_written_check(sky_error *err);

#endif
