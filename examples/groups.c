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

/* One body comparing two checksums over sizes (BENCH_GROUP_P): the instances that share a
 * size form one group, hashes/size:N, whose baseline is the first checksum listed. */
static uint64_t fnv1a(const unsigned char *p, size_t n)
{
    uint64_t h = 14695981039346656037u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211u;
    return h;
}

static uint64_t sum64(const unsigned char *p, size_t n)
{
    uint64_t h = 0;
    for (size_t i = 0; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h += w;
    }
    return h;
}

BENCH_GROUP_P(hashes, checksum, MB_FUNCTIONS(fn, fnv1a, sum64), MB_RANGE(size, 64, 4096, 4))
{
    uint64_t (*fn)(const unsigned char *, size_t) =
        (uint64_t(*)(const unsigned char *, size_t))mb_param_function(state, "fn");
    size_t size = (size_t)mb_param_int(state, "size");
    mb_set_bytes_per_iter(state, (double)size);
    MB_LOOP(state) {
        mb_black_box(src);
        uint64_t h = fn(src, size);
        mb_black_box(&h);
    }
}
