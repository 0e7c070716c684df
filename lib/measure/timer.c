/*
 * The clock and its probe. The default clock is clock_gettime(CLOCK_MONOTONIC), served from
 * the vDSO on Linux. The probe measures the clock's resolution (smallest positive step seen
 * between back-to-back reads) and its cost (median time of one read over batches), and from
 * them the shortest sample worth timing, T_min: long enough that the clock's granularity and
 * the two reads around a sample stay under 0.1 % of it.
 */
#define _POSIX_C_SOURCE 200809L

#include "microbe_internal.h"

#include <stdlib.h>
#include <time.h>

static uint64_t monotonic_now_ns(void *user)
{
    struct timespec ts;
    (void)user;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

const mb__clock mb__clock_monotonic = {monotonic_now_ns, NULL, "clock_gettime(CLOCK_MONOTONIC)"};

enum {
    RESOLUTION_TRIES = 2000,   /* steps observed for the resolution */
    RESOLUTION_SPIN = 1000000, /* reads allowed while waiting for one step */
    COST_BATCHES = 21,
    COST_READS = 1000 /* reads per batch */
};

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void mb__timer_probe(const mb__clock *clock, mb__timer_info *out)
{
    uint64_t resolution = UINT64_MAX;
    for (int i = 0; i < RESOLUTION_TRIES; i++) {
        uint64_t a = clock->now_ns(clock->user), b = a;
        for (int spin = 0; spin < RESOLUTION_SPIN && b == a; spin++)
            b = clock->now_ns(clock->user);
        if (b > a && b - a < resolution)
            resolution = b - a;
    }

    double batch_ns[COST_BATCHES];
    for (int i = 0; i < COST_BATCHES; i++) {
        uint64_t start = clock->now_ns(clock->user);
        for (int k = 0; k < COST_READS; k++)
            (void)clock->now_ns(clock->user);
        uint64_t end = clock->now_ns(clock->user);
        /* COST_READS + 1 reads separate start from end. */
        batch_ns[i] = (double)(end - start) / (COST_READS + 1);
    }
    qsort(batch_ns, COST_BATCHES, sizeof batch_ns[0], compare_double);

    /* A clock that never moved has no measurable resolution: treat it as 1 us, which makes
     * T_min a full second and the problem visible rather than silent. */
    out->resolution_ns = resolution == UINT64_MAX ? 1000.0 : (double)resolution;
    out->cost_ns = batch_ns[COST_BATCHES / 2];
    double quantum = out->resolution_ns > out->cost_ns ? out->resolution_ns : out->cost_ns;
    out->min_sample_ns = 1000.0 * quantum > 10000.0 ? 1000.0 * quantum : 10000.0;
}
