/*
 * What the seeded simulations share (simulate.c: the library's functions on synthetic
 * times; pipeline.c: the whole run through the fake clock): proportions with their binomial
 * standard errors, normal deviates, the claims of their meson tests, and the stopping rule of
 * microbe-compare --exec. Header-only: static inline, so a file that uses part of it stays
 * warning-free.
 */
#ifndef MB_SIM_H
#define MB_SIM_H

#include "microbe_internal.h"
#include "stats.h"

#include <math.h>
#include <stdio.h>

/* microbe-compare's defaults: --min-rounds, --rounds. */
#define SIM_MIN_PAIRS 6
#define SIM_MAX_PAIRS 200

/* A proportion with its binomial standard error. */
typedef struct rate {
    size_t hits, trials;
} rate;

static inline double frac(rate r)
{
    return r.trials ? (double)r.hits / (double)r.trials : NAN;
}

static inline double std_err(rate r)
{
    double p = frac(r);
    return sqrt(p * (1 - p) / (double)r.trials);
}

/* "95.1 ± 0.3" in percent. */
static inline const char *pct(rate r, char *buf, size_t size)
{
    snprintf(buf, size, "%.1f ± %.1f", 100 * frac(r), 100 * std_err(r));
    return buf;
}

/* A standard normal deviate (Box-Muller; the second deviate is dropped for simplicity). */
static inline double normal(mb__rng *g)
{
    double u = 1.0 - mb__rng_unit(g); /* (0, 1] */
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * mb__rng_unit(g));
}

/* Prints a claim and whether it holds; returns 1 when it fails. */
static inline int claim(const char *what, rate r, double low, double high)
{
    char buf[32];
    int ok = frac(r) >= low && frac(r) <= high;
    printf("%s %s: %s %% (want %.1f to %.1f %%)\n", ok ? "ok  " : "FAIL", what,
           pct(r, buf, sizeof buf), 100 * low, 100 * high);
    return !ok;
}

/* Whether every one of the n results of set has a settled verdict (microbe-compare's
 * `unsettled` is 0), after which --exec stops from SIM_MIN_PAIRS pairs on. */
static inline int sim_settled(const mb_results *set, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        mb_verdict v = mb_results_get(set, j)->change.verdict;
        if (v != MB_VERDICT_REGRESSED && v != MB_VERDICT_IMPROVED && v != MB_VERDICT_UNCHANGED)
            return 0;
    }
    return 1;
}

#endif
