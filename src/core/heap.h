/*
 * heap.h - the process's allocator policy, for programs (the CLI, the
 * benchmarks) that allocate and free map-sized buffers over and over.
 */
#ifndef SKY_CORE_HEAP_H
#define SKY_CORE_HEAP_H

/*
 * Keeps freed memory in the process for reuse instead of returning it to the
 * system. glibc serves each allocation above 32 MB with a fresh mmap and
 * unmaps it on free, so every channel's maps, alm and solver vectors (and
 * libsharp's work buffers, every transform) are page-faulted in again: 4 KB
 * at a time, at several microseconds a fault on a virtual machine. Peak
 * memory is unchanged (what is kept is what was in use). A process-wide
 * setting, so the library never calls it; a no-op outside glibc.
 */
void sky_heap_keep_freed_memory(void);

#endif
