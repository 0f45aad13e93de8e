/*
 * clock.c - see clock.h.
 */
#define _POSIX_C_SOURCE 199309L /* clock_gettime */
#include "clock.h"

#include <time.h>

double sky_clock_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
