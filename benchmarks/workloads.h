/*
 * The reference workloads of the comparison with Google Benchmark (docs/performance.md), shared
 * by every program that runs them: the microbe benchmarks (mb_workloads.c), the Google Benchmark
 * ones (gb_workloads.cpp) and the ground truth (truth.c). Each workload is one static inline
 * function, the body of one iteration, so that all three compile the same code around the same
 * kind of loop. Valid C11 and C++.
 *
 * WL_WORK (percent, default 100) scales the two chain workloads: builds with 103 and 110 are the
 * "small real change" that the comparison tests must detect.
 */
#ifndef WL_WORKLOADS_H
#define WL_WORKLOADS_H

#include <microbe.h>

#include <stdint.h>
#include <string.h>

#ifndef WL_WORK
#define WL_WORK 100
#endif

/* Steps of the short dependent chain, and of the one that takes about 1 ms on a 3.7 GHz core
 * (a step is a 64-bit multiply and an add: 4 cycles of latency). */
#define WL_CHAIN_STEPS (1000L * WL_WORK / 100)
#define WL_MS_STEPS (900000L * WL_WORK / 100)

#define WL_MEMCPY_BYTES 4096
#define WL_SORT_COUNT 512

/* The spiky body: a chain of WL_SPIKE_BASE_STEPS steps, plus WL_SPIKE_STEPS more once every
 * WL_SPIKE_PERIOD iterations. The spikes add about 10 % to the mean time per iteration. */
#define WL_SPIKE_BASE_STEPS 100L
#define WL_SPIKE_STEPS 100000L
#define WL_SPIKE_PERIOD 10000

/* One step of a linear congruential generator: every step waits for the one before. */
static inline uint64_t wl_chain(uint64_t x, long steps)
{
    for (long i = 0; i < steps; i++)
        x = x * 6364136223846793005u + 1442695040888963407u;
    return x;
}

/* Empty: one black box and nothing else. What is measured is the loop around it. */
static inline void wl_empty(int *x)
{
    mb_black_box(x);
}

/* The dependent chain; x carries the state from one iteration to the next. The black box makes
 * the input unknown to the compiler, so the chain cannot be computed at compile time. */
static inline void wl_chain_body(uint64_t *x, long steps)
{
    mb_black_box(x);
    *x = wl_chain(*x, steps);
}

static inline void wl_memcpy(char *dst, const char *src)
{
    mb_black_box(src);
    memcpy(dst, src, WL_MEMCPY_BYTES);
    mb_black_box(dst);
}

/* Heap sort of n values: ours, so that every program sorts with the same code whatever its
 * C or C++ library. */
static inline void wl_sift_down(uint32_t *v, size_t root, size_t n)
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n)
            return;
        if (child + 1 < n && v[child + 1] > v[child])
            child++;
        if (v[root] >= v[child])
            return;
        uint32_t t = v[root];
        v[root] = v[child];
        v[child] = t;
        root = child;
    }
}

static inline void wl_heap_sort(uint32_t *v, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        wl_sift_down(v, i, n);
    for (size_t end = n; end-- > 1;) {
        uint32_t t = v[0];
        v[0] = v[end];
        v[end] = t;
        wl_sift_down(v, 0, end);
    }
}

/* The input of the sort workload: fixed pseudo-random values. */
static inline void wl_sort_input(uint32_t *v)
{
    uint32_t s = 12345;
    for (size_t i = 0; i < WL_SORT_COUNT; i++) {
        s = s * 1664525u + 1013904223u;
        v[i] = s;
    }
}

/* A fresh copy of the input in work: a new key XORed into every value (*key steps through
 * multiples of 2^32 / phi), so that no two iterations sort the same sequence: sorting the very
 * same array each time lets the branch predictor learn the sort's branches, which made it 4
 * times faster on the machine of docs/performance.md and its cost depend on where the code
 * happened to be placed. */
static inline void wl_fresh_copy(uint32_t *work, const uint32_t *input, uint32_t *key)
{
    *key += 0x9e3779b9u;
    uint32_t k = *key;
    mb_black_box(input);
    for (size_t i = 0; i < WL_SORT_COUNT; i++)
        work[i] = input[i] ^ k;
    mb_black_box(work);
}

static inline void wl_sort(uint32_t *work)
{
    wl_heap_sort(work, WL_SORT_COUNT);
    mb_black_box(work);
}

/* copy_sort_512: the copy timed with the sort (about 1 % of the iteration). sort_batched_512
 * times the sort alone, the copies made outside the timed loop (mb_iter_batched; Google
 * Benchmark's PauseTiming), and its ground truth is copy_sort_512's less fresh_copy_512's. */
static inline void wl_copy_sort(uint32_t *work, const uint32_t *input, uint32_t *key)
{
    wl_fresh_copy(work, input, key);
    wl_sort(work);
}

/* The spiky body; *countdown counts the iterations to the next spike. */
static inline void wl_spikes(uint64_t *x, unsigned *countdown)
{
    mb_black_box(x);
    uint64_t y = wl_chain(*x, WL_SPIKE_BASE_STEPS);
    if (--*countdown == 0) {
        *countdown = WL_SPIKE_PERIOD;
        y = wl_chain(y, WL_SPIKE_STEPS);
    }
    *x = y;
}

#endif
