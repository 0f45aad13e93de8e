/*
 * stream.h - copying results that will not be read again soon past the caches.
 *
 * An ordinary store to a line that is not in the cache first reads the line
 * from memory (read for ownership), then writes it back: twice the traffic
 * of the data. When the output of a pass is much larger than the last-level
 * cache (hundreds of channel maps evaluated a chunk at a time), nothing of it
 * is still cached when it is read again, and that read is wasted. x86's
 * non-temporal stores (SSE2 MOVNTPD, part of baseline x86-64) write whole
 * lines through write-combining buffers without reading them.
 *
 * sky_stream_copy(dst, src, n) copies n doubles so, bit for bit the same as
 * memcpy; elsewhere than x86-64 it is memcpy. sky_stream_scale writes their
 * products with a factor the same way, in one pass. Non-temporal stores are weakly
 * ordered: a thread calls sky_stream_fence() before another thread, or the
 * caller after the parallel region, may read what it wrote.
 */
#ifndef SKY_CORE_STREAM_H
#define SKY_CORE_STREAM_H

#include <stdint.h>
#include <string.h>

#if defined(__SSE2__) && defined(__x86_64__)
#include <emmintrin.h>

static inline void sky_stream_copy(double *dst, const double *src, int64_t n)
{
    int64_t k = 0;
    if (((uintptr_t)dst & 15) && n > 0) /* to a 16-byte boundary */
        dst[k++] = src[0];
    for (; k + 2 <= n; k += 2)
        _mm_stream_pd(dst + k, _mm_loadu_pd(src + k));
    if (k < n)
        dst[k] = src[k];
}

/* dst[k] = src[k] * f for k < n, streamed as sky_stream_copy: the products
 * of the loop `dst[k] = src[k] * f`, bit for bit. */
static inline void sky_stream_scale(double *dst, const double *src, int64_t n, double f)
{
    int64_t k = 0;
    if (((uintptr_t)dst & 15) && n > 0)
        dst[k] = src[k] * f, k++;
    const __m128d vf = _mm_set1_pd(f);
    for (; k + 2 <= n; k += 2)
        _mm_stream_pd(dst + k, _mm_mul_pd(_mm_loadu_pd(src + k), vf));
    if (k < n)
        dst[k] = src[k] * f;
}

static inline void sky_stream_fence(void)
{
    _mm_sfence();
}
#else
static inline void sky_stream_copy(double *dst, const double *src, int64_t n)
{
    if (n > 0)
        memcpy(dst, src, (size_t)n * sizeof *dst);
}

static inline void sky_stream_scale(double *dst, const double *src, int64_t n, double f)
{
    for (int64_t k = 0; k < n; k++)
        dst[k] = src[k] * f;
}

static inline void sky_stream_fence(void)
{
}
#endif

#endif
