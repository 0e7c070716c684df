/*
 * The log-linear histogram of per-invocation times and the percentiles read from it, with
 * distribution-free order-statistic intervals whose ranks come from the exact binomial
 * distribution (mb__quantile_ranks, stats.c), widened for serial dependence between
 * consecutive invocations and, over parts, for the spread between parts; bounds on bucket
 * edges. Also the histogram's packed form, in which it travels and is merged. Pure: no
 * clock, no I/O; mb__hist_new and mb__hist_serial allocate.
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
#include <string.h>

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
    /* Consecutive pairs (previous, this) of the values added, for their serial dependence:
     * pair i of the invocations numbered stride, 2 stride, ...; when full, every other pair
     * is dropped and the stride doubles, so the pairs spread over the whole sequence. */
    uint64_t previous, added;
    uint64_t stride;
    size_t n_pairs;
    uint64_t pairs[MB__HIST_PAIRS][2];
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

/* The smallest and the largest integer a bucket holds. */
static uint64_t bucket_lowest(size_t index)
{
    uint64_t row = index / SUB_COUNT, sub = index % SUB_COUNT;
    return row == 0 ? sub : (SUB_COUNT + sub) << (row - 1);
}

static uint64_t bucket_highest(size_t index)
{
    uint64_t row = index / SUB_COUNT;
    return bucket_lowest(index) + (row == 0 ? 0 : ((uint64_t)1 << (row - 1)) - 1);
}

int mb__hist_new(mb__histogram **out)
{
    mb__histogram *h = calloc(1, sizeof *h);
    *out = h;
    if (!h)
        return MB_ENOMEM;
    h->min = UINT64_MAX;
    h->stride = 1;
    return 0;
}

void mb__hist_free(mb__histogram *h)
{
    free(h);
}

/* Counts n values in bucket i. */
static void count_in(mb__histogram *h, size_t i, uint64_t n)
{
    h->buckets[i] += n;
    h->row_counts[i / SUB_COUNT] += n;
    h->count += n;
}

/* Keeps the pair (previous value, ns) when this value's number is a multiple of the stride. */
static void add_pair(mb__histogram *h, uint64_t ns)
{
    uint64_t at = h->added++;
    uint64_t previous = h->previous;
    h->previous = ns;
    if (at == 0 || at % h->stride != 0)
        return;
    if (h->n_pairs == MB__HIST_PAIRS) {
        /* Keeps the pairs at multiples of twice the stride: the odd positions. */
        for (size_t i = 1; i < MB__HIST_PAIRS; i += 2) {
            h->pairs[i / 2][0] = h->pairs[i][0];
            h->pairs[i / 2][1] = h->pairs[i][1];
        }
        h->n_pairs = MB__HIST_PAIRS / 2;
        h->stride *= 2;
        if (at % h->stride != 0)
            return;
    }
    h->pairs[h->n_pairs][0] = previous;
    h->pairs[h->n_pairs][1] = ns;
    h->n_pairs++;
}

void mb__hist_add(mb__histogram *h, uint64_t ns)
{
    count_in(h, bucket_index(ns), 1);
    add_pair(h, ns);
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

/* The bucket of the k-th smallest value (1 <= k <= count); *below receives the count of
 * the buckets before it. A linear walk over the rows, then over the buckets of one row: a
 * few hundred steps. */
static size_t rank_bucket(const mb__histogram *h, uint64_t k, uint64_t *below)
{
    uint64_t b = 0;
    size_t row = 0;
    while (b + h->row_counts[row] < k)
        b += h->row_counts[row++];
    size_t i = row * SUB_COUNT;
    while (b + h->buckets[i] < k)
        b += h->buckets[i++];
    *below = b;
    return i;
}

double mb__hist_rank_value(const mb__histogram *h, uint64_t k)
{
    if (k == 0 || k > h->count)
        return NAN;
    if (k == 1)
        return (double)h->min;
    if (k == h->count)
        return (double)h->max;
    uint64_t below;
    double v = bucket_midpoint(rank_bucket(h, k, &below));
    return fmin(fmax(v, (double)h->min), (double)h->max);
}

void mb__hist_rank_edges(const mb__histogram *h, uint64_t k, double *lowest, double *highest)
{
    *lowest = *highest = NAN;
    if (k == 0 || k > h->count)
        return;
    uint64_t below;
    size_t i = rank_bucket(h, k, &below);
    uint64_t lo = bucket_lowest(i), hi = bucket_highest(i);
    *lowest = (double)(lo > h->min ? lo : h->min);
    *highest = (double)(hi < h->max ? hi : h->max);
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

/* ---- Serial dependence -------------------------------------------------------------- */

/* Mid-ranks of the n values x (1-based) into rank, through a sorted copy in scratch. */
static void mid_ranks(const double *x, size_t n, double *scratch, double *rank)
{
    memcpy(scratch, x, n * sizeof *x);
    mb__sort(scratch, n);
    for (size_t i = 0; i < n; i++) {
        size_t lo = 0, hi = n; /* first index not below x[i] */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (scratch[mid] < x[i])
                lo = mid + 1;
            else
                hi = mid;
        }
        size_t first = lo;
        hi = n; /* first index above x[i] */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (scratch[mid] <= x[i])
                lo = mid + 1;
            else
                hi = mid;
        }
        rank[i] = ((double)first + (double)lo + 1) / 2;
    }
}

/* Pearson's correlation of the n pairs (x[i], y[i]); NAN when either is constant. */
static double correlation(const double *x, const double *y, size_t n)
{
    double mx = mb__mean(x, n), my = mb__mean(y, n), sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < n; i++) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    return sxx > 0 && syy > 0 ? sxy / sqrt(sxx * syy) : NAN;
}

double mb__hist_serial(const mb__histogram *h, size_t *n_pairs)
{
    size_t n = h->n_pairs;
    *n_pairs = n;
    if (n < 3)
        return NAN;
    double *v = malloc(5 * n * sizeof *v);
    if (!v)
        return NAN;
    double *x = v, *y = v + n, *rx = v + 2 * n, *ry = v + 3 * n, *scratch = v + 4 * n;
    for (size_t i = 0; i < n; i++) {
        x[i] = (double)h->pairs[i][0];
        y[i] = (double)h->pairs[i][1];
    }
    /* Spearman's correlation of each value with the one before: ranks, so that one stall
     * cannot set it (as mb__rank_serial for samples). */
    mid_ranks(x, n, scratch, rx);
    mid_ranks(y, n, scratch, ry);
    double r = correlation(rx, ry, n);
    free(v);
    return r;
}

/* ---- Intervals -------------------------------------------------------------------------- */

/* The ranks of the p-quantile's interval from n values whose serial dependence widens an
 * interval by w (mb__serial_widening): the exact binomial ranks for the effective number of
 * independent values n / w^2, scaled back to n (lower rounded down, upper up). Returns 0, or
 * -1 when even that many cannot reach conf. */
static int widened_ranks(uint64_t n, double p, double conf, double w, uint64_t *lo, uint64_t *hi)
{
    if (!(w > 1))
        return mb__quantile_ranks(n, p, conf, lo, hi);
    uint64_t n_eff = (uint64_t)floor((double)n / (w * w));
    uint64_t lo_eff, hi_eff;
    if (n_eff == 0 || mb__quantile_ranks(n_eff, p, conf, &lo_eff, &hi_eff) != 0)
        return -1;
    double scale = (double)n / (double)n_eff;
    *lo = (uint64_t)floor((double)(lo_eff - 1) * scale) + 1;
    *hi = (uint64_t)ceil((double)hi_eff * scale);
    if (*hi > n)
        *hi = n;
    return 0;
}

/* The interval [low, high] of the order statistics of ranks lo and hi, on bucket edges: from
 * the smallest value lo's bucket holds to the largest hi's does (within min and max), so
 * that it holds both order statistics whatever their place in their buckets. */
static void edge_interval(const mb__histogram *h, uint64_t lo, uint64_t hi, mb_percentile *pc)
{
    double unused;
    mb__hist_rank_edges(h, lo, &pc->low, &unused);
    mb__hist_rank_edges(h, hi, &unused, &pc->high);
}

/* Everything of lat but the intervals, from h. */
static void summary(const mb__histogram *h, mb_latency *lat)
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
    for (int i = 0; i < MB_PERCENTILES; i++)
        lat->percentiles[i].ns = type7_quantile(h, percentile_ps[i]);
}

void mb__hist_latency_within(const mb__histogram *h, double conf, double serial, size_t n_pairs,
                             mb_latency *lat)
{
    summary(h, lat);
    lat->serial = serial;
    double w = mb__serial_widening(serial, n_pairs);
    for (int i = 0; h->count && i < MB_PERCENTILES; i++) {
        uint64_t lo, hi;
        if (widened_ranks(h->count, percentile_ps[i], conf, w, &lo, &hi) == 0)
            edge_interval(h, lo, hi, &lat->percentiles[i]);
    }
}

void mb__hist_latency(const mb__histogram *h, double conf, mb_latency *lat)
{
    size_t n_pairs;
    double serial = mb__hist_serial(h, &n_pairs);
    mb__hist_latency_within(h, conf, serial, n_pairs, lat);
}

/* ---- Parts ------------------------------------------------------------------------------ */

/* Packed: min, max, sum_low, sum_high, the number of buckets e that hold values, then e pairs
 * (bucket index, count) in increasing index. */
#define PACK_HEAD 5

size_t mb__hist_packed_words(const mb__histogram *h)
{
    size_t used = 0;
    for (size_t i = 0; i < N_BUCKETS; i++)
        used += h->buckets[i] != 0;
    return PACK_HEAD + 2 * used;
}

void mb__hist_pack(const mb__histogram *h, uint64_t *words)
{
    size_t e = 0;
    for (size_t i = 0; i < N_BUCKETS; i++)
        if (h->buckets[i]) {
            words[PACK_HEAD + 2 * e] = i;
            words[PACK_HEAD + 2 * e + 1] = h->buckets[i];
            e++;
        }
    words[0] = h->min;
    words[1] = h->max;
    words[2] = h->sum_low;
    words[3] = h->sum_high;
    words[4] = e;
}

int mb__hist_add_packed(mb__histogram *h, const uint64_t *words, size_t n_words)
{
    if (n_words < PACK_HEAD || words[4] > N_BUCKETS || n_words != PACK_HEAD + 2 * words[4])
        return -1;
    for (size_t e = 0; e < words[4]; e++) {
        uint64_t i = words[PACK_HEAD + 2 * e];
        if (i >= N_BUCKETS || (e > 0 && i <= words[PACK_HEAD + 2 * e - 2]))
            return -1;
    }
    for (size_t e = 0; e < words[4]; e++)
        count_in(h, (size_t)words[PACK_HEAD + 2 * e], words[PACK_HEAD + 2 * e + 1]);
    if (words[4] == 0)
        return 0;
    h->min = words[0] < h->min ? words[0] : h->min;
    h->max = words[1] > h->max ? words[1] : h->max;
    h->sum_low += words[2];
    h->sum_high += words[3] + (h->sum_low < words[2]);
    return 0;
}

/* The count of a packed histogram's values, and the share of them below bucket b, its own
 * values counted half (a mid-distribution function, so that a bucket shared by many values
 * is split fairly). */
static double packed_share_below(const uint64_t *words, size_t b, uint64_t *count)
{
    uint64_t below = 0, at = 0, all = 0;
    for (size_t e = 0; e < words[4]; e++) {
        uint64_t i = words[PACK_HEAD + 2 * e], c = words[PACK_HEAD + 2 * e + 1];
        all += c;
        if (i < b)
            below += c;
        else if (i == b)
            at = c;
    }
    *count = all;
    return all ? ((double)below + 0.5 * (double)at) / (double)all : NAN;
}

/* The ranks of the p-quantile's interval over k parts (Woodruff 1952, with the variance of a
 * ratio over clusters): the pooled quantile's share below it in each part, F_j, and their
 * pooled mean F; var F = k / (k - 1) sum (n_j (F_j - F))^2 / N^2; the interval's
 * probabilities p -+ t_{k-1} sqrt(var F), as ranks of the pooled N (which may fall outside 1
 * to N). scratch holds 2 k doubles. */
static void cluster_ranks(const mb__histogram *pooled, const uint64_t *const *parts, size_t k,
                          double p, double conf, double *scratch, double *lo, double *hi)
{
    uint64_t n = pooled->count, below;
    uint64_t rank = (uint64_t)ceil(p * (double)n);
    size_t b = rank_bucket(pooled, rank ? rank : 1, &below);
    double *shares = scratch, *counts = scratch + k, f = 0, var = 0;
    for (size_t j = 0; j < k; j++) {
        uint64_t c;
        shares[j] = packed_share_below(parts[j], b, &c);
        counts[j] = (double)c;
        f += c ? shares[j] * counts[j] / (double)n : 0;
    }
    for (size_t j = 0; j < k; j++)
        if (counts[j] > 0) {
            double d = counts[j] * (shares[j] - f) / (double)n;
            var += d * d;
        }
    var *= (double)k / (double)(k - 1);
    double half = mb__student_quantile((1 + conf) / 2, (double)(k - 1)) * sqrt(var);
    *lo = floor((p - half) * (double)n);
    *hi = ceil((p + half) * (double)n);
}

/* The midpoint of the bucket of a packed histogram's median value (rank ceil(n / 2)), and its
 * count in *count; NAN when empty. */
static double packed_median(const uint64_t *words, uint64_t *count)
{
    uint64_t all = 0, seen = 0;
    for (size_t e = 0; e < words[4]; e++)
        all += words[PACK_HEAD + 2 * e + 1];
    *count = all;
    for (size_t e = 0; e < words[4]; e++) {
        seen += words[PACK_HEAD + 2 * e + 1];
        if (2 * seen >= all)
            return bucket_midpoint((size_t)words[PACK_HEAD + 2 * e]);
    }
    return NAN;
}

/* The half-width, in log ns, of Student's t interval over the k parts' own medians; NAN when a
 * part holds fewer than MEDIAN_PART_MIN values or a median of 0 ns. */
#define MEDIAN_PART_MIN 20
static double parts_median_half(const uint64_t *const *parts, size_t k, double conf)
{
    double sum = 0, sum2 = 0;
    for (size_t j = 0; j < k; j++) {
        uint64_t c;
        double m = packed_median(parts[j], &c);
        if (c < MEDIAN_PART_MIN || !(m > 0))
            return NAN;
        sum += log(m);
        sum2 += log(m) * log(m);
    }
    double var = fmax(0, (sum2 - sum * sum / (double)k) / (double)(k - 1));
    return mb__student_quantile((1 + conf) / 2, (double)(k - 1)) * sqrt(var / (double)k);
}

void mb__hist_latency_parts(const mb__histogram *pooled, const uint64_t *const *parts, size_t k,
                            double serial, size_t n_pairs, double conf, mb_latency *lat)
{
    mb__hist_latency_within(pooled, conf, serial, n_pairs, lat);
    double *scratch = k >= 2 && pooled->count ? malloc(2 * k * sizeof *scratch) : NULL;
    if (!scratch)
        return; /* one part (or no memory): the interval within it */
    double w = mb__serial_widening(serial, n_pairs), n = (double)pooled->count;
    for (int i = 0; i < MB_PERCENTILES; i++) {
        double p = percentile_ps[i], lo, hi, unused;
        uint64_t lo_w, hi_w;
        mb_percentile *pc = &lat->percentiles[i];
        if (widened_ranks(pooled->count, p, conf, w, &lo_w, &hi_w) != 0)
            continue; /* too few values for either */
        cluster_ranks(pooled, parts, k, p, conf, scratch, &lo, &hi);
        /* The wider of the two on each side: within the parts, for dependence; between
         * them. A side beyond the values seen has no bound. */
        lo = fmin(lo, (double)lo_w);
        hi = fmax(hi, (double)hi_w);
        double within_low = pc->low, within_high = pc->high;
        pc->low = pc->high = NAN;
        if (lo >= 1)
            mb__hist_rank_edges(pooled, (uint64_t)lo, &pc->low, &unused);
        if (hi <= n)
            mb__hist_rank_edges(pooled, (uint64_t)hi, &unused, &pc->high);
        if (p == 0.5 && (lo < 1 || hi > n)) {
            /* The median's side beyond the values seen: the parts' medians apart by more
             * than the invocations spread. Student's t over those medians bounds it; the
             * wider of that and the interval within the parts. */
            double half = parts_median_half(parts, k, conf);
            if (lo < 1 && !isnan(half))
                pc->low = fmin(pc->ns * exp(-half), within_low);
            if (hi > n && !isnan(half))
                pc->high = fmax(pc->ns * exp(half), within_high);
        }
    }
    free(scratch);
}
