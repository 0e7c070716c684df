/*
 * Ground truth for the reference workloads of workloads.h (docs/performance.md):
 *
 *   truth time [NAME...]   each workload in a plain loop of about 0.2 s, timed as a whole, 11
 *                          times after one warm-up round; prints one line per workload: name;
 *                          the median, lowest and highest thread CPU time per iteration over
 *                          the rounds (ns); the median wall-clock (CLOCK_MONOTONIC) time per
 *                          iteration; and the iterations per round.
 *   truth count NAME N     N iterations of NAME with callgrind's collection switched on
 *                          around the loop only (run under valgrind --tool=callgrind
 *                          --collect-atstart=no); outside valgrind it just runs them.
 *
 * The loops count down like MB_LOOP, and the bodies are the same inline functions, so this is
 * what either library should report without any harness around it.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, CLOCK_THREAD_CPUTIME_ID */

#include "workloads.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define HAVE_CALLGRIND 1
#endif
#endif
#ifndef HAVE_CALLGRIND
#define CALLGRIND_TOGGLE_COLLECT
#endif

#define ROUNDS 11
#define ROUND_NS 2e8

/* The thread's CPU time is the primary clock: on a shared machine a plain loop of 0.2 s is
 * often preempted, and the time it spends waiting for the CPU is no part of its cost. The
 * wall clock is printed beside it; on a quiet machine the two agree. */
static uint64_t read_ns(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static uint64_t cpu_ns(void)
{
    return read_ns(CLOCK_THREAD_CPUTIME_ID);
}

static uint64_t wall_ns(void)
{
    return read_ns(CLOCK_MONOTONIC);
}

/* Each runner runs n iterations; noinline, so that the loop is compiled on its own, as a
 * benchmark body's MB_LOOP is. Their state persists across calls, as a benchmark's does
 * across samples. */
#define NOINLINE __attribute__((noinline))

static NOINLINE void run_empty(uint64_t n)
{
    int x = 0;
    for (uint64_t left = n; left != 0; --left)
        wl_empty(&x);
}

static NOINLINE void run_chain_1000(uint64_t n)
{
    static uint64_t x = 1;
    for (uint64_t left = n; left != 0; --left)
        wl_chain_body(&x, WL_CHAIN_STEPS);
}

static NOINLINE void run_memcpy_4k(uint64_t n)
{
    static char src[WL_MEMCPY_BYTES], dst[WL_MEMCPY_BYTES];
    memset(src, 1, sizeof src);
    for (uint64_t left = n; left != 0; --left)
        wl_memcpy(dst, src);
}

static NOINLINE void run_copy_sort_512(uint64_t n)
{
    static uint32_t input[WL_SORT_COUNT], work[WL_SORT_COUNT];
    static uint32_t key = 0;
    wl_sort_input(input);
    for (uint64_t left = n; left != 0; --left)
        wl_copy_sort(work, input, &key);
}

static NOINLINE void run_fresh_copy_512(uint64_t n)
{
    static uint32_t input[WL_SORT_COUNT], work[WL_SORT_COUNT];
    static uint32_t key = 0;
    wl_sort_input(input);
    for (uint64_t left = n; left != 0; --left)
        wl_fresh_copy(work, input, &key);
}

static NOINLINE void run_chain_1ms(uint64_t n)
{
    static uint64_t x = 1;
    for (uint64_t left = n; left != 0; --left)
        wl_chain_body(&x, WL_MS_STEPS);
}

static NOINLINE void run_spikes(uint64_t n)
{
    static unsigned countdown = WL_SPIKE_PERIOD;
    static uint64_t x = 1;
    for (uint64_t left = n; left != 0; --left)
        wl_spikes(&x, &countdown);
}

static const struct workload {
    const char *name;
    void (*run)(uint64_t n);
} workloads[] = {
    {"empty", run_empty},
    {"chain_1000", run_chain_1000},
    {"memcpy_4k", run_memcpy_4k},
    {"copy_sort_512", run_copy_sort_512},
    {"fresh_copy_512", run_fresh_copy_512},
    {"chain_1ms", run_chain_1ms},
    {"spikes", run_spikes},
};
#define N_WORKLOADS (sizeof workloads / sizeof workloads[0])

static const struct workload *find(const char *name)
{
    for (size_t i = 0; i < N_WORKLOADS; i++)
        if (strcmp(workloads[i].name, name) == 0)
            return &workloads[i];
    fprintf(stderr, "truth: no workload named '%s'\n", name);
    exit(2);
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void time_workload(const struct workload *w)
{
    /* Double the iterations until one round lasts a tenth of ROUND_NS, then scale up. */
    uint64_t n = 1, elapsed = 0;
    while (elapsed < ROUND_NS / 10) {
        n *= 2;
        uint64_t start = cpu_ns();
        w->run(n);
        elapsed = cpu_ns() - start;
    }
    n = (uint64_t)((double)n * ROUND_NS / (double)elapsed) + 1;
    w->run(n); /* warm-up round */
    double cpu[ROUNDS], wall[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
        uint64_t start_wall = wall_ns(), start_cpu = cpu_ns();
        w->run(n);
        uint64_t end_cpu = cpu_ns(), end_wall = wall_ns();
        cpu[r] = (double)(end_cpu - start_cpu) / (double)n;
        wall[r] = (double)(end_wall - start_wall) / (double)n;
    }
    qsort(cpu, ROUNDS, sizeof cpu[0], compare_doubles);
    qsort(wall, ROUNDS, sizeof wall[0], compare_doubles);
    printf("%s %.6g %.6g %.6g %.6g %llu\n", w->name, cpu[ROUNDS / 2], cpu[0], cpu[ROUNDS - 1],
           wall[ROUNDS / 2], (unsigned long long)n);
    fflush(stdout);
}

static int usage(void)
{
    fprintf(stderr, "usage: truth time [NAME...] | truth count NAME N\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "time") == 0) {
        if (argc == 2)
            for (size_t i = 0; i < N_WORKLOADS; i++)
                time_workload(&workloads[i]);
        for (int i = 2; i < argc; i++)
            time_workload(find(argv[i]));
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "count") == 0) {
        const struct workload *w = find(argv[2]);
        uint64_t n = strtoull(argv[3], NULL, 10);
        CALLGRIND_TOGGLE_COLLECT;
        w->run(n);
        CALLGRIND_TOGGLE_COLLECT;
        return 0;
    }
    return usage();
}
