/*
 * heap.c - see heap.h.
 */
#include "heap.h"

#include <limits.h> /* also defines __GLIBC__ under glibc */

#if defined(__GLIBC__)
#include <malloc.h>
#endif

void sky_heap_keep_freed_memory(void)
{
#if defined(__GLIBC__)
    mallopt(M_MMAP_MAX, 0);              /* large blocks from the heap too */
    mallopt(M_TRIM_THRESHOLD, INT_MAX); /* give back only a free top of 2 GB */
#endif
}
