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
/* Consecutive pairs of values a histogram keeps for their serial dependence. */
#define MB__HIST_PAIRS 4096

typedef struct mb__histogram mb__histogram;

/* A new empty histogram for values in ns from 0 to 2^64 - 1 (integers: the caller rounds).
 * One allocation of about 180 KiB, freed by mb__hist_free (NULL is a no-op). Returns 0 or
 * MB_ENOMEM (*out NULL). */
int mb__hist_new(mb__histogram **out);
void mb__hist_free(mb__histogram *h);
void mb__hist_add(mb__histogram *h, uint64_t ns);
uint64_t mb__hist_count(const mb__histogram *h);
/* The k-th smallest value (1 <= k <= count), as the midpoint of its bucket (exact for the
 * smallest and largest value recorded, which are kept exactly). */
double mb__hist_rank_value(const mb__histogram *h, uint64_t k);

/* The smallest and the largest value the bucket of the k-th smallest value may hold (within
 * the exact min and max): bounds of that order statistic. NAN when k is not a rank. */
void mb__hist_rank_edges(const mb__histogram *h, uint64_t k, double *lowest, double *highest);

/* The serial dependence of the values in the order added: Spearman's correlation of each
 * value with the one before, over up to MB__HIST_PAIRS such pairs spread evenly over the
 * sequence (their number in *n_pairs). NAN when fewer than 3 pairs, all values are equal,
 * or there is no memory. Allocates and frees a scratch of 5 n_pairs doubles. */
double mb__hist_serial(const mb__histogram *h, size_t *n_pairs);

/* Fills the percentiles (0.5, 0.9, 0.95, 0.99, 0.999), min, max, mean, resolution and serial
 * of lat from h (docs/statistics.md, "Latency percentiles"): n, point (the type-7 quantile of
 * the bucket midpoints) and interval per percentile: the ranks of mb__quantile_ranks (stats.h)
 * at conf for n / w^2 values, w = mb__serial_widening(serial, n_pairs), scaled back to n; the
 * bounds the bucket edges of those ranks (mb__hist_rank_edges), NAN when too few values. When
 * h is empty, n is 0 and everything else NAN (p still set). Leaves threshold_ns and the timer
 * fields alone. mb__hist_latency takes serial from mb__hist_serial(h). */
void mb__hist_latency_within(const mb__histogram *h, double conf, double serial, size_t n_pairs,
                             mb_latency *lat);
void mb__hist_latency(const mb__histogram *h, double conf, mb_latency *lat);

/* ---- Parts: the histogram packed, and merged ----------------------------------------------- */

/* The 64-bit words of h packed (its buckets that hold values, min, max and sum; not its
 * pairs), and h packed into words (room for mb__hist_packed_words(h)). */
size_t mb__hist_packed_words(const mb__histogram *h);
void mb__hist_pack(const mb__histogram *h, uint64_t *words);
/* Adds the n_words packed words of a histogram to h. Returns 0, or -1 (h unchanged) when they
 * are not a packed histogram. */
int mb__hist_add_packed(mb__histogram *h, const uint64_t *words, size_t n_words);

/* lat from the pooled histogram of k parts (parts[j]: part j's packed words, which add up to
 * pooled), serial the parts' serial dependence: as mb__hist_latency_within, each bound then
 * moved out to that of the interval from the spread between the parts (Woodruff's interval
 * with the parts as clusters, Student's t with k - 1 degrees of freedom) when that one is
 * wider; a bound beyond the values seen is NAN, but for the median's: that side from Student's
 * t over the parts' own medians (each of at least 20 values), or within the parts when wider.
 * With k < 2, mb__hist_latency_within alone. */
void mb__hist_latency_parts(const mb__histogram *pooled, const uint64_t *const *parts, size_t k,
                            double serial, size_t n_pairs, double conf, mb_latency *lat);

#endif
