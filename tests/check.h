/*
 * check.h - the test framework: CHECK prints file:line and the message of a
 * failed condition and counts it; a test's main returns check_report().
 */
#ifndef SKY_TESTS_CHECK_H
#define SKY_TESTS_CHECK_H

#include <math.h>
#include <stdio.h>

static int check_failures = 0, check_count = 0;

#define CHECK(cond, ...)                                                                       \
    do {                                                                                       \
        check_count++;                                                                         \
        if (!(cond)) {                                                                         \
            check_failures++;                                                                  \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);           \
            fprintf(stderr, __VA_ARGS__);                                                      \
            fputc('\n', stderr);                                                               \
        }                                                                                      \
    } while (0)

/* |a - b| <= rtol * max(|a|, |b|) (or both zero) */
#define CHECK_CLOSE(a, b, rtol, ...)                                                           \
    do {                                                                                       \
        double check_a_ = (a), check_b_ = (b);                                                 \
        double check_s_ = fmax(fabs(check_a_), fabs(check_b_));                                \
        CHECK(fabs(check_a_ - check_b_) <= (rtol) * check_s_, __VA_ARGS__);                    \
    } while (0)

static inline int check_report(const char *name)
{
    printf("%s: %d checks, %d failed\n", name, check_count, check_failures);
    return check_failures ? 1 : 0;
}

#endif
