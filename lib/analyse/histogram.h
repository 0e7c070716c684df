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

/* Fills the percentiles (0.5, 0.9, 0.95, 0.99, 0.999), min, max, mean and resolution of lat
 * from h; n, point (the type-7 quantile of the bucket values) and interval per percentile
 * (the rank values at the ranks of mb__quantile_ranks (stats.h) at conf; NAN bounds when it returns
 * -1). When h is empty, n is 0 and everything else NAN (p still set). Leaves threshold_ns alone. */
void mb__hist_latency(const mb__histogram *h, double conf, mb_latency *lat);

#endif
