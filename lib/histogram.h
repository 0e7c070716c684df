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

/* A new empty histogram for values in ns from 0 to about 2^63 (integers; fractions are
 * rounded). Returns 0 or MB_ENOMEM. */
int mb__hist_new(mb__histogram **out);
void mb__hist_free(mb__histogram *h);
void mb__hist_add(mb__histogram *h, uint64_t ns);
uint64_t mb__hist_count(const mb__histogram *h);
/* The k-th smallest value (1 <= k <= count), as the midpoint of its bucket (exact for the
 * smallest and largest value recorded, which are kept exactly). */
double mb__hist_rank_value(const mb__histogram *h, uint64_t k);

/* The ranks [lo, hi] (1-based) of the distribution-free interval of the p-quantile from n
 * observations: the narrowest symmetric-in-probability pair of order statistics whose exact
 * binomial coverage P(lo <= #{X <= q_p} < hi) reaches conf. Returns 0, or -1 when even
 * [1, n] falls short (too few observations for p and conf). */
int mb__quantile_ranks(uint64_t n, double p, double conf, uint64_t *lo, uint64_t *hi);

/* Fills the percentiles (0.5, 0.9, 0.95, 0.99, 0.999), min, max, mean and resolution of lat
 * from h; n, point (the type-7 quantile of the bucket values) and interval per percentile. */
void mb__hist_latency(const mb__histogram *h, double conf, mb_latency *lat);

#endif
