/* Throughput, and benchmarks that skip or fail themselves: run ./throughput (or --quick). */
#include <microbe.h>

#include <stdint.h>
#include <string.h>

enum { LEN = 64 * 1024 };
static unsigned char src[LEN], dst[LEN];

/* Declares how much one iteration processes: the report adds bytes/s and items/s, with
 * intervals, to the time per iteration. */
BENCH(copy_64k)
{
    mb_set_bytes_per_iter(state, LEN);
    MB_LOOP(state) {
        mb_black_box(src);
        memcpy(dst, src, LEN);
        mb_black_box(dst);
    }
}

BENCH(sum_words_64k)
{
    mb_set_bytes_per_iter(state, LEN);
    mb_set_items_per_iter(state, LEN / sizeof(uint64_t));
    MB_LOOP(state) {
        uint64_t sum = 0, w;
        for (size_t i = 0; i < LEN; i += sizeof w) {
            memcpy(&w, src + i, sizeof w);
            sum += w;
        }
        mb_black_box(&sum);
    }
}

/* A benchmark that cannot run here says so instead of measuring something else. */
BENCH(needs_wide_pointers)
{
    if (sizeof(void *) < 16) {
        mb_skip(state, "needs 128-bit pointers");
        return;
    }
    MB_LOOP(state) {
    }
}
