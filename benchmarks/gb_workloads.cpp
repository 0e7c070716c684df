/*
 * The reference workloads of workloads.h as Google Benchmark benchmarks, with the names of
 * mb_workloads.c, for benchmarks/run-comparison (docs/performance.md). Only mb_black_box comes
 * from microbe.h: it is an empty asm statement, so both libraries time identical bodies.
 */
#include "workloads.h"

#include <benchmark/benchmark.h>

static void empty(benchmark::State &state)
{
    int x = 0;
    for (auto _ : state)
        wl_empty(&x);
}
BENCHMARK(empty);

static void chain_1000(benchmark::State &state)
{
    uint64_t x = 1;
    for (auto _ : state)
        wl_chain_body(&x, WL_CHAIN_STEPS);
}
BENCHMARK(chain_1000);

static void memcpy_4k(benchmark::State &state)
{
    static char src[WL_MEMCPY_BYTES], dst[WL_MEMCPY_BYTES];
    memset(src, 1, sizeof src);
    for (auto _ : state)
        wl_memcpy(dst, src);
}
BENCHMARK(memcpy_4k);

static void copy_sort_512(benchmark::State &state)
{
    static uint32_t input[WL_SORT_COUNT], work[WL_SORT_COUNT];
    static uint32_t key = 0;
    wl_sort_input(input);
    for (auto _ : state)
        wl_copy_sort(work, input, &key);
}
BENCHMARK(copy_sort_512);

static void sort_batched_512(benchmark::State &state)
{
    static uint32_t input[WL_SORT_COUNT], work[WL_SORT_COUNT];
    static uint32_t key = 0;
    wl_sort_input(input);
    for (auto _ : state) {
        state.PauseTiming();
        wl_fresh_copy(work, input, &key);
        state.ResumeTiming();
        wl_sort(work);
    }
}
BENCHMARK(sort_batched_512);

static void chain_1ms(benchmark::State &state)
{
    uint64_t x = 1;
    for (auto _ : state)
        wl_chain_body(&x, WL_MS_STEPS);
}
BENCHMARK(chain_1ms);

static void spikes(benchmark::State &state)
{
    static unsigned countdown = WL_SPIKE_PERIOD;
    uint64_t x = 1;
    for (auto _ : state)
        wl_spikes(&x, &countdown);
}
BENCHMARK(spikes);

BENCHMARK_MAIN();
