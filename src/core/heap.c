/*
 * heap.c - see heap.h.
 */
#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE */
#include "heap.h"

#include <limits.h> /* and, under glibc, __GLIBC__ */
#include <stdint.h>
#include <stdlib.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#if defined(__linux__)
#include <sys/mman.h>
#endif

enum { HUGE_PAGE = 2 << 20 };

void *sky_big_alloc(size_t bytes)
{
    void *p = malloc(bytes);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (p && bytes >= 2 * (size_t)HUGE_PAGE) {
        /* the whole huge pages inside the block; advice only, so a refusal
         * (no THP in this kernel) changes nothing */
        const uintptr_t lo = ((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
        const uintptr_t hi = ((uintptr_t)p + bytes) & ~(uintptr_t)(HUGE_PAGE - 1);
        if (hi > lo)
            madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
    }
#endif
    return p;
}

void sky_heap_reuse_buffers(void)
{
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, 32 << 20); /* glibc's largest; fixes it there */
    mallopt(M_TRIM_THRESHOLD, INT_MAX);
#endif
}

void sky_heap_release(void)
{
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}
