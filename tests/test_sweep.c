/*
 * Tests of lib/measure/sweep.c: the buffer size rule on hand-made environments, and sweeps that run
 * deterministically. Whether a sweep evicts a small array from the caches is measured on this
 * machine's environment and printed, never asserted: timings depend on the machine and its
 * load. MB_TEST_QUICK=1 (the valgrind run) sweeps a smaller buffer fewer times.
 */
#define _POSIX_C_SOURCE 200809L

#include "check.h"
#include "microbe_internal.h"
#include "sweep.h"
#include "env.h"

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#define KIB ((uint64_t)1 << 10)
#define MIB ((uint64_t)1 << 20)
#define GIB ((uint64_t)1 << 30)
#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static int quick;

static size_t size_of(const mb_cache *caches, size_t n)
{
    mb_environment env = {0};
    env.caches = caches;
    env.n_caches = n;
    return mb__sweep_size(&env);
}

static void test_size_rule(void)
{
    CHECK_INT(mb__sweep_size(NULL), ==, 64 * MIB);
    CHECK_INT(size_of(NULL, 0), ==, 64 * MIB);
    CHECK_INT(size_of(NULL, 3), ==, 64 * MIB);

    const mb_cache typical[] = {
        {1, "Data", 32 * KIB, 2},
        {1, "Instruction", 32 * KIB, 2},
        {2, "Unified", 1 * MIB, 2},
        {3, "Unified", 32 * MIB, 16},
    };
    CHECK_INT(size_of(typical, COUNT_OF(typical)), ==, 2 * (32 * KIB + 1 * MIB + 32 * MIB));
    CHECK_INT(size_of(typical, 0), ==, 64 * MIB);
    /* The listing's order does not matter. */
    const mb_cache shuffled[] = {typical[3], typical[1], typical[2], typical[0]};
    CHECK_INT(size_of(shuffled, COUNT_OF(shuffled)), ==, 2 * (32 * KIB + 1 * MIB + 32 * MIB));

    /* The largest data or unified cache of a level; instruction caches never count. */
    const mb_cache split_l2[] = {
        {1, "Data", 48 * KIB, 1},
        {1, "Instruction", 4 * MIB, 1},
        {2, "Data", 512 * KIB, 1},
        {2, "Unified", 6 * MIB, 1},
    };
    CHECK_INT(size_of(split_l2, COUNT_OF(split_l2)), ==, 2 * (48 * KIB + 6 * MIB));
    const mb_cache instruction_only[] = {{1, "Instruction", 32 * KIB, 1}};
    CHECK_INT(size_of(instruction_only, 1), ==, 64 * MIB);
    /* A cache of unknown type may hold data: it counts. */
    const mb_cache untyped[] = {{2, NULL, 16 * MIB, 0}, {3, "", 32 * MIB, 0}};
    CHECK_INT(size_of(untyped, COUNT_OF(untyped)), ==, 2 * 48 * MIB);

    const mb_cache tiny[] = {{1, "Data", 8 * KIB, 1}, {2, "Unified", 256 * KIB, 1}};
    CHECK_INT(size_of(tiny, COUNT_OF(tiny)), ==, 8 * MIB);
    const mb_cache exactly_min[] = {{3, "Unified", 4 * MIB, 4}};
    CHECK_INT(size_of(exactly_min, 1), ==, 8 * MIB);

    const mb_cache big[] = {{3, "Unified", 512 * MIB, 64}};
    CHECK_INT(size_of(big, 1), ==, 1 * GIB);
    const mb_cache enormous[] = {
        {1, "Data", 48 * KIB, 1},
        {2, "Unified", 2 * MIB, 1},
        {3, "Unified", 4 * GIB, 64},
        {4, "Unified", UINT64_MAX, 64},
    };
    CHECK_INT(size_of(enormous, COUNT_OF(enormous)), ==, 1 * GIB);
    const mb_cache huge_sum[] = {{1, "Data", UINT64_MAX - 1, 1}, {2, "Data", UINT64_MAX, 1}};
    CHECK_INT(size_of(huge_sum, COUNT_OF(huge_sum)), ==, 1 * GIB);
}

static void test_runs(void)
{
    /* Whole blocks, a partial last block, a partial line, nothing at all. */
    static const size_t sizes[] = {64 * KIB, 3 * 4096 + 100, 1, 0, 8 * MIB + 64};
    for (size_t i = 0; i < COUNT_OF(sizes); i++) {
        mb__sweep *a = NULL, *b = NULL;
        CHECK_INT(mb__sweep_new(&a, sizes[i]), ==, 0);
        CHECK_INT(mb__sweep_new(&b, sizes[i]), ==, 0);
        if (!a || !b) {
            mb__sweep_free(a);
            mb__sweep_free(b);
            continue;
        }
        unsigned first = mb__sweep_run(a), second = mb__sweep_run(a), other = mb__sweep_run(b);
        fprintf(stderr, "sweep of %zu bytes: %u, %u, %u\n", sizes[i], first, second, other);
        CHECK_INT(first, ==, second);
        CHECK_INT(first, ==, other);
        mb__sweep_free(a);
        mb__sweep_free(b);
    }
    mb__sweep *none = (mb__sweep *)&none;
    CHECK_INT(mb__sweep_new(&none, SIZE_MAX), ==, MB_ENOMEM);
    CHECK(none == NULL);
    mb__sweep_free(NULL);
}

/* ---- Eviction: reading a small array after a sweep is slower than before --------------- */

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#define PROBE_WORDS (128 * 1024 / sizeof(uint64_t)) /* 128 KiB: in L2 on most CPUs */

/* Nanoseconds per cache line to read the probe, one word per line. */
static double read_probe(const volatile uint64_t *probe, uint64_t *sum)
{
    uint64_t start = now_ns();
    for (size_t w = 0; w < PROBE_WORDS; w += 8)
        *sum += probe[w];
    return (double)(now_ns() - start) / (double)(PROBE_WORDS / 8);
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void test_eviction(void)
{
    static mb__env env;
    mb__env_capture(&env, 0);
    size_t bytes = quick ? 8 * MIB : mb__sweep_size(&env.pub);
    uint64_t *probe = malloc(PROBE_WORDS * sizeof *probe);
    mb__sweep *sweep = NULL;
    CHECK_INT(mb__sweep_new(&sweep, bytes), ==, 0);
    CHECK(probe != NULL);
    if (probe && sweep) {
        enum { REPEATS = 9 };
        double warm[REPEATS], cold[REPEATS];
        uint64_t sum = 0;
        int repeats = quick ? 2 : REPEATS;
        for (size_t w = 0; w < PROBE_WORDS; w++)
            probe[w] = w;
        uint64_t start = now_ns();
        unsigned check = mb__sweep_run(sweep);
        double sweep_ms = (double)(now_ns() - start) / 1e6;
        for (int r = 0; r < repeats; r++) {
            read_probe(probe, &sum);
            warm[r] = read_probe(probe, &sum);
            check ^= mb__sweep_run(sweep);
            cold[r] = read_probe(probe, &sum);
        }
        qsort(warm, (size_t)repeats, sizeof warm[0], compare_double);
        qsort(cold, (size_t)repeats, sizeof cold[0], compare_double);
        fprintf(stderr,
                "eviction: sweep of %zu MiB takes %.1f ms; reading 128 KiB: %.2f ns/line "
                "warm, %.2f ns/line after a sweep (medians of %d; %llx %x)\n",
                bytes >> 20, sweep_ms, warm[repeats / 2], cold[repeats / 2], repeats,
                (unsigned long long)sum, check);
    }
    mb__sweep_free(sweep);
    free(probe);
}

int main(void)
{
    const char *q = getenv("MB_TEST_QUICK");
    quick = q && strcmp(q, "1") == 0;
    test_size_rule();
    test_runs();
    test_eviction();
    return CHECK_DONE();
}
