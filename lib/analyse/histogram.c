/*
 * The log-linear histogram of per-invocation times and the percentiles read from it, with
 * distribution-free order-statistic intervals whose ranks come from the exact binomial
 * distribution (mb__quantile_ranks, stats.c). Pure: no clock, no I/O; mb__hist_new is the only
 * allocation.
 *
 * Layout: a value v below 2^S (S = MB__HIST_SUB_BITS) has a bucket of its own; a value in
 * [2^e, 2^(e+1)), e >= S, falls in one of the 2^S buckets of width 2^(e-S) that split that
 * power of two (HdrHistogram's idea), so the width of a bucket over any of its values is at
 * most 2^-S (and every value below 2^(S+1) is exact). Min, max and the sum (128 bits, so
 * the mean is exact up to its final rounding) are kept beside the counts: 115 KiB in all.
 */
#include "histogram.h"
#include "stats.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#define SUB_COUNT ((uint64_t)1 << MB__HIST_SUB_BITS)
/* One row of exact buckets for [0, 2^S), then one row per exponent S..63. */
#define N_ROWS (64 - MB__HIST_SUB_BITS + 1)
#define N_BUCKETS (N_ROWS * SUB_COUNT)

struct mb__histogram {
    uint64_t count;
    uint64_t min, max;
    uint64_t sum_low, sum_high;  /* the sum of all values, as a 128-bit integer */
    uint64_t row_counts[N_ROWS]; /* so that a rank lookup skips whole rows */
    uint64_t buckets[N_BUCKETS];
};

/* ---- The histogram ------------------------------------------------------------------- */

/* The index of the highest set bit of v > 0. */
static int high_bit(uint64_t v)
{
#if defined(__GNUC__) || defined(__clang__)
    return 63 - __builtin_clzll(v);
#else
    int e = 0;
    for (int shift = 32; shift > 0; shift /= 2) {
        if (v >> shift) {
            v >>= shift;
            e += shift;
        }
    }
    return e;
#endif
}

static size_t bucket_index(uint64_t v)
{
    if (v < SUB_COUNT)
        return (size_t)v;
    int e = high_bit(v);
    uint64_t sub = (v >> (e - MB__HIST_SUB_BITS)) - SUB_COUNT; /* drop the leading 1 bit */
    return (size_t)((uint64_t)(e - MB__HIST_SUB_BITS + 1) * SUB_COUNT + sub);
}

/* The midpoint of the integers a bucket holds: lowest + (width - 1) / 2. */
static double bucket_midpoint(size_t index)
{
    uint64_t row = index / SUB_COUNT, sub = index % SUB_COUNT;
    if (row == 0)
        return (double)sub;
    int shift = (int)row - 1; /* the row of exponent e = S + shift has width 2^shift */
    uint64_t lowest = (SUB_COUNT + sub) << shift;
    uint64_t width = (uint64_t)1 << shift;
    return (double)lowest + (double)(width - 1) / 2.0;
}

int mb__hist_new(mb__histogram **out)
{
    mb__histogram *h = calloc(1, sizeof *h);
    *out = h;
    if (!h)
        return MB_ENOMEM;
    h->min = UINT64_MAX;
    return 0;
}

void mb__hist_free(mb__histogram *h)
{
    free(h);
}

void mb__hist_add(mb__histogram *h, uint64_t ns)
{
    size_t i = bucket_index(ns);
    h->buckets[i]++;
    h->row_counts[i / SUB_COUNT]++;
    h->count++;
    if (ns < h->min)
        h->min = ns;
    if (ns > h->max)
        h->max = ns;
    h->sum_low += ns;
    if (h->sum_low < ns) /* carried out of the low word */
        h->sum_high++;
}

uint64_t mb__hist_count(const mb__histogram *h)
{
    return h->count;
}

double mb__hist_rank_value(const mb__histogram *h, uint64_t k)
{
    if (k == 0 || k > h->count)
        return NAN;
    if (k == 1)
        return (double)h->min;
    if (k == h->count)
        return (double)h->max;
    /* A linear walk over the rows, then over the buckets of one row: a few hundred steps. */
    uint64_t below = 0;
    size_t row = 0;
    while (below + h->row_counts[row] < k)
        below += h->row_counts[row++];
    size_t i = row * SUB_COUNT;
    while (below + h->buckets[i] < k)
        below += h->buckets[i++];
    double v = bucket_midpoint(i);
    return fmin(fmax(v, (double)h->min), (double)h->max);
}

/* ---- Percentiles --------------------------------------------------------------------- */

static const double percentile_ps[MB_PERCENTILES] = {0.5, 0.9, 0.95, 0.99, 0.999};

/* The type-7 quantile (R's default) of the rank values: linear between the ranks around
 * h = (n - 1) p + 1. */
static double type7_quantile(const mb__histogram *h, double p)
{
    double pos = (double)(h->count - 1) * p; /* h - 1, 0-based */
    uint64_t below = (uint64_t)pos;
    if (below >= h->count - 1)
        return mb__hist_rank_value(h, h->count);
    double v_below = mb__hist_rank_value(h, below + 1);
    double frac = pos - (double)below;
    if (frac == 0.0)
        return v_below;
    return v_below + frac * (mb__hist_rank_value(h, below + 2) - v_below);
}

void mb__hist_latency(const mb__histogram *h, double conf, mb_latency *lat)
{
    uint64_t n = h->count;
    lat->n = n;
    for (int i = 0; i < MB_PERCENTILES; i++) {
        mb_percentile *pc = &lat->percentiles[i];
        pc->p = percentile_ps[i];
        pc->ns = pc->low = pc->high = NAN;
    }
    if (n == 0) {
        lat->relative_resolution = lat->min_ns = lat->max_ns = lat->mean_ns = NAN;
        return;
    }
    lat->relative_resolution = ldexp(1.0, -MB__HIST_SUB_BITS);
    lat->min_ns = (double)h->min;
    lat->max_ns = (double)h->max;
    long double sum = (long double)h->sum_high * 0x1p64L + (long double)h->sum_low;
    lat->mean_ns = (double)(sum / (long double)n);
    for (int i = 0; i < MB_PERCENTILES; i++) {
        mb_percentile *pc = &lat->percentiles[i];
        uint64_t lo, hi;
        pc->ns = type7_quantile(h, pc->p);
        if (mb__quantile_ranks(n, pc->p, conf, &lo, &hi) == 0) {
            pc->low = mb__hist_rank_value(h, lo);
            pc->high = mb__hist_rank_value(h, hi);
        }
    }
}
