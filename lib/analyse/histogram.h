/*
 * Per-invocation times of latency and cold runs: a log-linear histogram (HdrHistogram's idea:
 * every power of two split into 2^MB__HIST_SUB_BITS equal buckets, so a bucket is never wider
 * than 2^-MB__HIST_SUB_BITS of its values) and percentiles read from it with distribution-free
 * order-statistic intervals. Pure; no clock, no I/O.
 */
#ifndef MB_HISTOGRAM_H
#define MB_HISTOGRAM_H

#include "microbe.h"

#include <stddef.h>
#include <stdint.h>

#define MB__HIST_SUB_BITS 8

typedef struct mb__histogram mb__histogram;

/* A new empty histogram for values in ns from 0 to 2^64 - 1 (integers: the caller rounds).
 * One allocation of about 115 KiB, freed by mb__hist_free (NULL is a no-op). Returns 0 or
 * MB_ENOMEM (*out NULL). */
int mb__hist_new(mb__histogram **out);
void mb__hist_free(mb__histogram *h);
void mb__hist_add(mb__histogram *h, uint64_t ns);
uint64_t mb__hist_count(const mb__histogram *h);
/* The k-th smallest value (1 <= k <= count), as the midpoint of its bucket (exact for the
 * smallest and largest value recorded, which are kept exactly). */
double mb__hist_rank_value(const mb__histogram *h, uint64_t k);

/* P(B <= k) for B ~ Binomial(n, p): the regularized incomplete beta function
 * I_{1-p}(n - k, k + 1). Accurate to a few 1e-12 relative for n up to 10^9 when p >= 1/2;
 * below, where 1 - p is rounded, a few digits fewer for the largest n (2e-10 at n = 10^9,
 * p = 0.001). 1 for k >= n; NAN for p outside [0, 1]. */
double mb__binom_cdf(uint64_t k, uint64_t n, double p);

/* The ranks [lo, hi] (1-based) of the distribution-free interval of the p-quantile from n
 * observations, with exact binomial coverage P(lo <= B < hi), B = #{X <= q_p} ~
 * Binomial(n, p). Equal tails: lo is the largest rank with P(B < lo) <= (1 - conf) / 2
 * and hi the smallest with P(B >= hi) <= (1 - conf) / 2 (1 or n when none is); should the
 * coverage then fall short of conf (a side held at 1 or n, or rounding), the side with the
 * larger tail, or the other when that one is at 1 or n, moves out to the nearest rank that
 * reaches it. O(log n) evaluations of the binomial distribution. Returns 0, or -1 (lo and
 * hi 0) when n is 0, p or conf is outside (0, 1), or even [1, n] falls short of conf (too
 * few observations for p and conf). */
int mb__quantile_ranks(uint64_t n, double p, double conf, uint64_t *lo, uint64_t *hi);

/* Fills the percentiles (0.5, 0.9, 0.95, 0.99, 0.999), min, max, mean and resolution of lat
 * from h; n, point (the type-7 quantile of the bucket values) and interval per percentile
 * (the rank values at mb__quantile_ranks' ranks at conf; NAN bounds when it returns -1).
 * When h is empty, n is 0 and everything else NAN (p still set). Leaves threshold_ns alone. */
void mb__hist_latency(const mb__histogram *h, double conf, mb_latency *lat);

#endif
