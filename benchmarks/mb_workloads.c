/*
 * The reference workloads of workloads.h as microbe benchmarks, for benchmarks/run-comparison
 * (docs/performance.md). gb_workloads.cpp has the same benchmarks, with the same names, for
 * Google Benchmark.
 */
#include "workloads.h"

#include <microbe.h>

BENCH(empty)
{
    int x = 0;
    MB_LOOP(state) {
        wl_empty(&x);
    }
}

BENCH(chain_1000)
{
    uint64_t x = 1;
    MB_LOOP(state) {
        wl_chain_body(&x, WL_CHAIN_STEPS);
    }
}

BENCH(memcpy_4k)
{
    static char src[WL_MEMCPY_BYTES], dst[WL_MEMCPY_BYTES];
    memset(src, 1, sizeof src);
    MB_LOOP(state) {
        wl_memcpy(dst, src);
    }
}

BENCH(copy_sort_512)
{
    static uint32_t input[WL_SORT_COUNT], work[WL_SORT_COUNT];
    static uint32_t key = 0;
    wl_sort_input(input);
    MB_LOOP(state) {
        wl_copy_sort(work, input, &key);
    }
}

static uint32_t sort_input[WL_SORT_COUNT], sort_key;

static void fresh_copy(void *work, void *user)
{
    (void)user;
    wl_fresh_copy(work, sort_input, &sort_key);
}

static void sort(void *work, void *user)
{
    (void)user;
    wl_sort(work);
}

BENCH(sort_batched_512)
{
    wl_sort_input(sort_input);
    mb_batch batch = {sizeof sort_input, fresh_copy, sort, NULL, NULL};
    mb_iter_batched(state, &batch);
}

BENCH(chain_1ms)
{
    uint64_t x = 1;
    MB_LOOP(state) {
        wl_chain_body(&x, WL_MS_STEPS);
    }
}

BENCH(spikes)
{
    /* The countdown lives on across samples, so spikes come every WL_SPIKE_PERIOD iterations
     * of the whole run, as in the ground truth's long loop. */
    static unsigned countdown = WL_SPIKE_PERIOD;
    uint64_t x = 1;
    MB_LOOP(state) {
        wl_spikes(&x, &countdown);
    }
}
