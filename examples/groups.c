/* Comparing implementations inside one run: the members of a BENCH_GROUP are measured
 * interleaved, sample by sample, and each is reported as a ratio to the group's first member
 * with an interval and a verdict. Run: ./groups (or ./groups --quick). */
#include <microbe.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum { LEN = 4096 };
static unsigned char src[LEN], dst[LEN];

/* The baseline: the first member in source order. */
BENCH_GROUP(copy, copy_memcpy)
{
    MB_LOOP(state) {
        mb_black_box(src);
        memcpy(dst, src, LEN);
        mb_black_box(dst);
    }
}

/* A byte loop the compiler may not turn into memcpy: the barrier inside hides the pattern. */
BENCH_GROUP(copy, copy_bytes)
{
    MB_LOOP(state) {
        for (size_t i = 0; i < LEN; i++) {
            dst[i] = src[i];
            mb_clobber();
        }
    }
}

/* Eight bytes at a time. */
BENCH_GROUP(copy, copy_words)
{
    MB_LOOP(state) {
        for (size_t i = 0; i < LEN; i += 8) {
            uint64_t w;
            memcpy(&w, src + i, 8);
            memcpy(dst + i, &w, 8);
            mb_clobber();
        }
    }
}
