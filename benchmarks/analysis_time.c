/*
 * The analysis time of real results: reads samples from stdin, one benchmark a line,
 *
 *   NAME PLAN N ITERS_1 NS_1 ... ITERS_N NS_N       (PLAN: linear or flat)
 *
 * as benchmarks/run-comparison extracts them from microbe's JSON (raw_samples), runs the
 * library's making of one result from them (mb__result_make: the bootstrap with default
 * resamples, intervals, outliers, diagnostics, in one block of memory) on them 11 times, and prints
 * "NAME N MEDIAN_MS" per line.
 */
#define _POSIX_C_SOURCE 200809L

#include "result.h"
#include "seed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CALLS 11

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Times the analysis of one benchmark's samples; returns the median over CALLS, in seconds,
 * or a negative number when it fails. */
static double time_analysis(const char *name, const mb__measurement *m)
{
    mb_settings s;
    mb_settings_init(&s);
    uint64_t seed = mb__bench_seed(s.seed, name);
    mb_bench bench = {.name = name};
    mb__result_inputs in = {&bench, &s, seed, 0, NULL, NULL, 0};
    double t[CALLS];
    for (int c = 0; c < CALLS; c++) {
        mb_result r;
        void *block = NULL;
        double start = now_s();
        int err = mb__result_make(m, &in, &r, &block);
        t[c] = now_s() - start;
        free(block);
        if (err != 0)
            return -1;
    }
    qsort(t, CALLS, sizeof t[0], compare_doubles);
    return t[CALLS / 2];
}

int main(void)
{
    char name[256], plan[16];
    size_t n;
    while (scanf("%255s %15s %zu", name, plan, &n) == 3) {
        if (n == 0 || n > 10000) {
            fprintf(stderr, "analysis_time: %s: bad sample count %zu\n", name, n);
            return 2;
        }
        mb__measurement m;
        memset(&m, 0, sizeof m);
        m.plan = strcmp(plan, "flat") == 0 ? MB_PLAN_FLAT : MB_PLAN_LINEAR;
        m.n = n;
        m.iters = malloc(n * sizeof *m.iters);
        m.ns = malloc(n * sizeof *m.ns);
        if (!m.iters || !m.ns) {
            fprintf(stderr, "analysis_time: out of memory\n");
            return 1;
        }
        for (size_t i = 0; i < n; i++) {
            unsigned long long iters;
            if (scanf("%llu %lf", &iters, &m.ns[i]) != 2) {
                fprintf(stderr, "analysis_time: %s: expected %zu samples\n", name, n);
                return 2;
            }
            m.iters[i] = iters;
        }
        double t = time_analysis(name, &m);
        free(m.iters);
        free(m.ns);
        if (t < 0) {
            fprintf(stderr, "analysis_time: %s: the analysis failed\n", name);
            return 1;
        }
        printf("%s %zu %.4f\n", name, n, t * 1e3);
    }
    return 0;
}
