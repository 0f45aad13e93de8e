/*
 * measure_rcp14.c - does this CPU's vrcp14pd make the choices that
 * sky_npy_log assumes?
 *
 * numpy's log on AVX-512 (SVML) starts from vrcp14pd(m), m the mantissa in
 * [1, 2), rounded to k/32. vrcp14pd is only specified to 2^-14, so near the
 * 16 mantissas where k changes the choice is the CPU's, and numpy's log
 * there depends on it by an ulp. sky_npy_log takes the steps measured on the
 * machine where the golden data were made (npy_rcp14_steps, an AMD EPYC).
 *
 * This program measures the steps on the CPU it runs on, over all 2^16
 * values of the top 16 fraction bits (with the low 36 bits all zero and all
 * one), and compares them with the table: exit 0 if equal; 77 (a skipped
 * test) with a message if they differ, which means that numpy's log on this
 * CPU differs from sky_npy_log (and the golden data) near those steps, or
 * if the CPU has no AVX-512. With --full it also checks the rule for all
 * 2^32 values of the top 32 fraction bits, low bits random (~15 s).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/npy_math_tables.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

static double from_bits(uint64_t u)
{
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* k of vrcp14pd rounded to 5 fraction bits, for 8 mantissas given by their
 * 52 fraction bits */
__attribute__((target("avx512f"))) static void hardware_k(const uint64_t *fraction, int *k)
{
    double m[8], r[8];
    for (int i = 0; i < 8; i++)
        m[i] = from_bits(UINT64_C(0x3ff0000000000000) | fraction[i]);
    /* 0x58: keep 5 fraction bits, round to nearest even, no precision exception */
    _mm512_storeu_pd(r, _mm512_roundscale_pd(_mm512_rcp14_pd(_mm512_loadu_pd(m)), 0x58));
    for (int i = 0; i < 8; i++)
        k[i] = (int)(r[i] * 32);
}

static int table_k(uint64_t fraction)
{
    const unsigned top = (unsigned)(fraction >> 36);
    int k = 32;
    for (int i = 0; i < 16; i++)
        k -= top >= npy_rcp14_steps[i];
    return k;
}

int main(int argc, char **argv)
{
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx512f")) {
        printf("measure_rcp14: no AVX-512 on this CPU: numpy uses glibc's log here\n");
        return 77;
    }
    int differ = 0, inconsistent = 0, nsteps = 0, last = 32;
    unsigned steps[32];
    for (uint64_t top = 0; top < 65536; top += 4) {
        uint64_t f[8];
        int k[8];
        for (int i = 0; i < 8; i++)
            f[i] = ((top + (uint64_t)i / 2) << 36) | (i % 2 ? (UINT64_C(1) << 36) - 1 : 0);
        hardware_k(f, k);
        for (int i = 0; i < 8; i += 2) {
            /* m = 1 exactly gives 1, its neighbours 1 - 2^-14: both k = 32 */
            inconsistent += k[i] != k[i + 1];
            if (k[i + 1] != last && nsteps < 32)
                steps[nsteps++] = (unsigned)(top + (uint64_t)i / 2);
            last = k[i + 1];
            differ += k[i + 1] != table_k(f[i + 1]);
        }
    }
    printf("measure_rcp14: k steps at the top 16 fraction bits:");
    for (int i = 0; i < nsteps; i++)
        printf(" 0x%04X", steps[i]);
    printf("\n");
    if (inconsistent)
        printf("measure_rcp14: %d prefixes where vrcp14pd depends on more than the top 16 bits\n",
               inconsistent);
    if (argc > 1 && !strcmp(argv[1], "--full")) {
        uint64_t s = UINT64_C(88172645463325252), bad = 0;
        for (uint64_t p = 0; p < (UINT64_C(1) << 32); p += 8) {
            uint64_t f[8];
            int k[8];
            for (int i = 0; i < 8; i++) {
                s ^= s << 13, s ^= s >> 7, s ^= s << 17;
                f[i] = ((p + (uint64_t)i) << 20) | (s & 0xfffff);
            }
            hardware_k(f, k);
            for (int i = 0; i < 8; i++)
                bad += k[i] != table_k(f[i]);
        }
        printf("measure_rcp14: --full: %llu of 2^32 mantissas where the table is wrong\n",
               (unsigned long long)bad);
        differ += bad != 0;
    }
    if (differ || inconsistent || nsteps != 16) {
        printf("measure_rcp14: this CPU's vrcp14pd steps differ from npy_rcp14_steps: numpy's log "
               "on this CPU differs from sky_npy_log (and from the golden data) by an ulp for "
               "some mantissas near the steps\n");
        return 77;
    }
    printf("measure_rcp14: this CPU agrees with npy_rcp14_steps\n");
    return 0;
}
#else
int main(void)
{
    printf("measure_rcp14: not an x86-64 GCC/Clang build: numpy uses another log here\n");
    return 77;
}
#endif
