/*
 * heap.h - allocation of map-sized buffers.
 *
 * glibc serves every allocation above 32 MB with a fresh mmap and unmaps it
 * on free, so the maps, alm and solver vectors allocated for each channel
 * are page-faulted in again, 4 KB at a time; on a virtual machine a fault
 * costs microseconds, and a benchmark channel at nside 512 took 60,000 of
 * them. Buffers from sky_big_alloc ask the kernel for transparent huge pages
 * (2 MB: 512 times fewer faults) where it offers them on request
 * (/sys/kernel/mm/transparent_hugepage/enabled = madvise or always). They
 * are ordinary malloc blocks: release them with free().
 */
#ifndef SKY_CORE_HEAP_H
#define SKY_CORE_HEAP_H

#include <stddef.h>

void *sky_big_alloc(size_t bytes);

/*
 * For programs, not the library (a process-wide setting): blocks up to 32 MB
 * (libsharp's work buffers, every transform) are kept in the heap when
 * freed and reused, instead of glibc's default of trimming the heap top and
 * moving its mmap threshold around, which page-faults them in again call
 * after call: 12 % of libsharp's time at nside 1024 here. Larger blocks are
 * still mapped and returned on free, so the heap cannot fragment around
 * them. A no-op outside glibc.
 */
void sky_heap_reuse_buffers(void);

/*
 * Gives the kernel back the whole pages of every free block of the heap
 * (glibc's malloc_trim): after a program that called sky_heap_reuse_buffers
 * frees something large made of blocks under 32 MB (a sky's templates), so
 * that its memory does not stay resident under what comes next. The pages
 * are faulted in again when reused. A no-op outside glibc.
 */
void sky_heap_release(void);

#endif
