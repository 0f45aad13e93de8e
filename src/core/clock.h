/*
 * clock.h - wall-clock time for the stage timings of -v and the benchmarks.
 */
#ifndef SKY_CORE_CLOCK_H
#define SKY_CORE_CLOCK_H

/* Seconds on the monotonic clock (differences only). */
double sky_clock_seconds(void);

#endif
