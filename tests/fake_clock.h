/*
 * A fake clock for tests of the runner: time in ns advances only when the clock is read
 * (FAKE_READ_NS per read) or when a fake benchmark body adds to fake_ns, so every measured
 * number is exact and nothing depends on the machine's speed.
 */
#ifndef MB_TEST_FAKE_CLOCK_H
#define MB_TEST_FAKE_CLOCK_H

#include "microbe_internal.h"
#include "stats.h"

#include <math.h>

#define FAKE_READ_NS 20.0

static double fake_ns;

static uint64_t fake_now(void *user)
{
    (void)user;
    fake_ns += FAKE_READ_NS;
    return (uint64_t)fake_ns;
}

static const mb__clock fake_clock = {fake_now, NULL, "fake"};

/* A lognormal factor exp(sigma * Z) with a median of 1. */
static inline double fake_lognormal(mb__rng *rng, double sigma)
{
    return exp(sigma * mb__normal_quantile(mb__rng_unit(rng) * 0.999998 + 0.000001));
}

#endif
