/*
 * Minimal typed assertions for microbe's tests. Each failed check prints both sides and
 * file:line to stderr and counts a failure; CHECK_DONE() returns the exit code (0 when every
 * check passed, 1 otherwise) and prints how many checks ran, so a test that checks nothing
 * fails too.
 */
#ifndef MB_TEST_CHECK_H
#define MB_TEST_CHECK_H

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failures;
static int check_count;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        check_count++;                                                                             \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);               \
            check_failures++;                                                                      \
        }                                                                                          \
    } while (0)

#define CHECK_INT(a, op, b)                                                                        \
    do {                                                                                           \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);                            \
        check_count++;                                                                             \
        if (!(check_a_ op check_b_)) {                                                             \
            fprintf(stderr, "%s:%d: CHECK_INT(%s %s %s) failed: %lld vs %lld\n", __FILE__,         \
                    __LINE__, #a, #op, #b, check_a_, check_b_);                                    \
            check_failures++;                                                                      \
        }                                                                                          \
    } while (0)

/* |a - b| <= abs_tol + rel_tol * |b|; NaN equals NaN (both "not computable"). */
#define CHECK_NEAR(a, b, rel_tol, abs_tol)                                                         \
    do {                                                                                           \
        double check_a_ = (double)(a), check_b_ = (double)(b);                                     \
        int check_ok_ = (isnan(check_a_) && isnan(check_b_)) ||                                    \
                        (isinf(check_a_) && check_a_ == check_b_) ||                               \
                        fabs(check_a_ - check_b_) <= (abs_tol) + (rel_tol)*fabs(check_b_);         \
        check_count++;                                                                             \
        if (!check_ok_) {                                                                          \
            fprintf(stderr, "%s:%d: CHECK_NEAR(%s, %s) failed: %.17g vs %.17g\n", __FILE__,        \
                    __LINE__, #a, #b, check_a_, check_b_);                                         \
            check_failures++;                                                                      \
        }                                                                                          \
    } while (0)

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *check_a_ = (a), *check_b_ = (b);                                               \
        check_count++;                                                                             \
        if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_) != 0) {                           \
            fprintf(stderr, "%s:%d: CHECK_STR(%s, %s) failed: \"%s\" vs \"%s\"\n", __FILE__,       \
                    __LINE__, #a, #b, check_a_ ? check_a_ : "(null)",                              \
                    check_b_ ? check_b_ : "(null)");                                               \
            check_failures++;                                                                      \
        }                                                                                          \
    } while (0)

#define CHECK_DONE()                                                                               \
    (fprintf(stderr, "%d checks, %d failed\n", check_count, check_failures),                       \
     (check_failures == 0 && check_count > 0) ? 0 : 1)

/* The whole content of a stream, NUL-terminated, in a new buffer to free(); *len its size.
 * NULL when it cannot be read. */
static inline char *check_slurp(FILE *f, size_t *len)
{
    if (fseek(f, 0, SEEK_END) != 0)
        return NULL;
    long size = ftell(f);
    rewind(f);
    char *buf = size >= 0 ? calloc(1, (size_t)size + 1) : NULL;
    if (buf && fread(buf, 1, (size_t)size, f) != (size_t)size) {
        free(buf);
        return NULL;
    }
    *len = (size_t)size;
    return buf;
}

#endif
