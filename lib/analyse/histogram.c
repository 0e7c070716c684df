/*
 * The log-linear histogram of per-invocation times and the percentiles read from it, with
 * distribution-free order-statistic intervals whose ranks come from the exact binomial
 * distribution. Pure: no clock, no I/O; mb__hist_new is the only allocation.
 *
 * Layout: a value v below 2^S (S = MB__HIST_SUB_BITS) has a bucket of its own; a value in
 * [2^e, 2^(e+1)), e >= S, falls in one of the 2^S buckets of width 2^(e-S) that split that
 * power of two (HdrHistogram's idea), so the width of a bucket over any of its values is at
 * most 2^-S (and every value below 2^(S+1) is exact). Min, max and the sum (128 bits, so
 * the mean is exact up to its final rounding) are kept beside the counts: 115 KiB in all.
 */
#include "histogram.h"

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

/* ---- The binomial distribution ------------------------------------------------------- */

#define LOG_2PI 1.8378770664093454836

/* The error of Stirling's formula, delta(z) = lgamma(z) - ((z - 1/2) ln z - z + ln(2 pi)/2),
 * for z > 0: its asymptotic series (coefficients B_2k / (2k (2k - 1))) from z = 10 on, where
 * the first omitted term is below 2e-14, else directly, where every term is small. */
static double stirling_delta(double z)
{
    if (z >= 10.0) {
        double z2 = z * z;
        return (1.0 / 12 -
                (1.0 / 360 - (1.0 / 1260 - (1.0 / 1680 - (1.0 / 1188) / z2) / z2) / z2) / z2) /
               z;
    }
    return lgamma(z) - ((z - 0.5) * log(z) - z + 0.5 * LOG_2PI);
}

/* ln(1 + t) - t for t > -1, with r = 1 + t computed as a ratio for when t is near -1. Near 0,
 * where the difference would cancel, by the series of ln(1 + t) = 2 atanh(v), v = t / (2 + t):
 *   ln(1 + t) - t = -t v + 2 (v^3 / 3 + v^5 / 5 + ...),
 * whose terms shrink by v^2 <= 1/9 and neither of whose parts cancels. */
static double log1p_minus(double t, double r)
{
    if (t < -0.5)
        return log(r) - t;
    if (t > 1.0)
        return log1p(t) - t;
    double v = t / (2.0 + t), v2 = v * v;
    double power = v * v2, series = 0.0;
    for (int j = 3; j < 80; j += 2) {
        double next = series + power / (double)j;
        if (next == series)
            break;
        series = next;
        power *= v2;
    }
    return -t * v + 2.0 * series;
}

/* ln(x^a y^b / B(a, b)) for x = 1 - y, y taken as exact (x may have been rounded). The
 * direct form through lgamma cancels terms of size a ln a (2e10 for a = 1e9, so an error of
 * 4e-6 in the result). Writing each lgamma as Stirling's formula plus its small error term
 * leaves, with c = a + b and d = x c - a = b - y c,
 *   a ln(1 + d/a) + b ln(1 - d/b) + ln(a b / (2 pi c)) / 2 + delta(c) - delta(a) - delta(b),
 * and as a (d/a) - b (d/b) = 0, the first two terms become a (ln(1 + t) - t), t = d/a, and
 * b (ln(1 - s) + s), s = d/b, each without cancellation (the idea of Loader 2000, "Fast and
 * accurate computation of binomial probabilities"). d = b - y c cancels, so it is formed
 * with one rounding by fma. */
static double log_beta_front(double a, double b, double x, double y)
{
    double c = a + b;
    double d = fma(-y, c, b);
    return a * log1p_minus(d / a, x * c / a) + b * log1p_minus(-d / b, y * c / b) +
           0.5 * (log(a * b / c) - LOG_2PI) + stirling_delta(c) - stirling_delta(a) -
           stirling_delta(b);
}

/* The continued fraction of I_x(a, b) (Abramowitz & Stegun 26.5.8), evaluated by the
 * modified Lentz algorithm (Lentz 1976; Thompson & Barnett 1986), as in Numerical Recipes'
 * betacf:
 *   I_x(a, b) = front / a * 1 / (1 + d1 / (1 + d2 / (1 + ...))),
 *   d_2m+1 = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)),
 *   d_2m = m (b - m) x / ((a + 2m - 1)(a + 2m)).
 * It converges for x < (a + 1) / (a + b + 2), in few terms far from that point and more
 * near it (measured: at most 4000 for n = 10^9 next to the median, 600 in the tails at
 * p = 0.999). max_terms is only a guard; NAN if it has not converged by then. */
static double beta_fraction(double a, double b, double x)
{
    const double tiny = 1e-300, eps = 1e-15;
    const int64_t max_terms = 100 + (int64_t)(10.0 * sqrt(a + b));
    // cppcheck-suppress variableScope ; num carries over from one term to the next
    double num = 1.0, den = 1.0 - (a + b) * x / (a + 1.0);
    if (fabs(den) < tiny)
        den = tiny;
    den = 1.0 / den;
    double f = den;
    for (int64_t j = 1; j <= max_terms; j++) {
        double m = (double)j, two_m = 2.0 * m;
        double coef = m * (b - m) * x / ((a + two_m - 1.0) * (a + two_m));
        den = 1.0 + coef * den;
        num = 1.0 + coef / num;
        if (fabs(den) < tiny)
            den = tiny;
        if (fabs(num) < tiny)
            num = tiny;
        den = 1.0 / den;
        f *= den * num;
        coef = -(a + m) * (a + b + m) * x / ((a + two_m) * (a + two_m + 1.0));
        den = 1.0 + coef * den;
        num = 1.0 + coef / num;
        if (fabs(den) < tiny)
            den = tiny;
        if (fabs(num) < tiny)
            num = tiny;
        den = 1.0 / den;
        double step = den * num;
        f *= step;
        if (fabs(step - 1.0) < eps)
            return f;
    }
    return NAN;
}

/* The regularized incomplete beta function I_x(a, b) and its complement 1 - I_x(a, b) =
 * I_y(b, a), y = 1 - x, for a, b > 0 and 0 < x < 1. The fraction is evaluated on the side
 * where it converges, which is also (about) the side of the smaller of the two, so a small
 * tail is accurate to its last digits and not only to 1e-16 absolute. */
static void incomplete_beta(double a, double b, double x, double y, double *value,
                            double *complement)
{
    double front = exp(log_beta_front(a, b, x, y));
    if (x < (a + 1.0) / (a + b + 2.0)) {
        *value = front * beta_fraction(a, b, x) / a;
        *complement = 1.0 - *value;
    } else {
        *complement = front * beta_fraction(b, a, y) / b;
        *value = 1.0 - *complement;
    }
}

/* P(B <= k) and P(B > k) for B ~ Binomial(n, p), k < n, 0 < p < 1:
 * P(B <= k) = I_{1-p}(n - k, k + 1) (Abramowitz & Stegun 26.5.24). */
static void binom_tails(uint64_t k, uint64_t n, double p, double *lower, double *upper)
{
    incomplete_beta((double)(n - k), (double)k + 1.0, 1.0 - p, p, lower, upper);
}

double mb__binom_cdf(uint64_t k, uint64_t n, double p)
{
    if (!(p >= 0.0 && p <= 1.0))
        return NAN;
    if (k >= n || p == 0.0)
        return 1.0;
    if (p == 1.0)
        return 0.0;
    double lower, upper;
    binom_tails(k, n, p, &lower, &upper);
    return lower;
}

/* ---- Order-statistic intervals ------------------------------------------------------- */

/* The interval [X_(lo), X_(hi)] misses q_p below when fewer than lo values are <= q_p and
 * above when at least hi are: with B = #{X <= q_p} ~ Binomial(n, p), its lower tail is
 * P(B < lo) = F(lo - 1), its upper tail P(B >= hi) = 1 - F(hi - 1), and its coverage
 * 1 - P(B < lo) - P(B >= hi) (for continuous X; ties only raise it). */
typedef struct rank_search {
    uint64_t n;
    double p;
    double conf;
    double alpha;    /* the most each tail may hold: (1 - conf) / 2 */
    uint64_t lo, hi; /* the ranks chosen so far */
} rank_search;

static double lower_tail(const rank_search *s, uint64_t lo)
{
    double lower, upper;
    binom_tails(lo - 1, s->n, s->p, &lower, &upper);
    return lower;
}

static double upper_tail(const rank_search *s, uint64_t hi)
{
    double lower, upper;
    binom_tails(hi - 1, s->n, s->p, &lower, &upper);
    return upper;
}

static double coverage(const rank_search *s, uint64_t lo, uint64_t hi)
{
    return 1.0 - lower_tail(s, lo) - upper_tail(s, hi);
}

/* Predicates on a rank r, each false up to some rank and true from there on. */
static int lower_tail_too_big(const rank_search *s, uint64_t r)
{
    return !(lower_tail(s, r) <= s->alpha);
}

static int upper_tail_small(const rank_search *s, uint64_t r)
{
    return upper_tail(s, r) <= s->alpha;
}

static int short_with_lo(const rank_search *s, uint64_t r)
{
    return !(coverage(s, r, s->hi) >= s->conf);
}

static int enough_with_hi(const rank_search *s, uint64_t r)
{
    return coverage(s, s->lo, r) >= s->conf;
}

/* The smallest r in [first, last] where pred holds, or last + 1: a binary search, so
 * O(log n) evaluations of the binomial distribution. */
static uint64_t first_rank(const rank_search *s, uint64_t first, uint64_t last,
                           int (*pred)(const rank_search *, uint64_t))
{
    uint64_t end = last + 1;
    while (first < end) {
        uint64_t mid = first + (end - first) / 2;
        if (pred(s, mid))
            end = mid;
        else
            first = mid + 1;
    }
    return first;
}

int mb__quantile_ranks(uint64_t n, double p, double conf, uint64_t *lo, uint64_t *hi)
{
    *lo = *hi = 0;
    if (n == 0 || !(p > 0.0 && p < 1.0) || !(conf > 0.0 && conf < 1.0))
        return -1;
    rank_search s = {n, p, conf, (1.0 - conf) / 2.0, 1, n};
    if (!(coverage(&s, 1, n) >= conf))
        return -1;
    /* Equal tails: the largest lo and the smallest hi whose tails hold at most alpha each. A
     * side whose tail exceeds alpha even at rank 1 or n stays there; at most one side can, as
     * both would leave [1, n] short of conf. */
    uint64_t l = first_rank(&s, 1, n, lower_tail_too_big) - 1;
    uint64_t h = first_rank(&s, 1, n, upper_tail_small);
    s.lo = l > 0 ? l : 1;
    s.hi = h <= n ? h : n;
    /* The tails then sum to at most 1 - conf, unless a side was clamped (or by rounding).
     * Then the interval is widened to the nearest rank that reaches conf on the side of the
     * larger tail, or on the other side when that one is already at 1 or n; as [1, n]
     * reaches conf, such a rank exists. */
    if (!(coverage(&s, s.lo, s.hi) >= conf)) {
        int widen_hi = upper_tail(&s, s.hi) >= lower_tail(&s, s.lo) ? s.hi < n : s.lo == 1;
        if (widen_hi)
            s.hi = first_rank(&s, s.hi + 1, n, enough_with_hi);
        else
            s.lo = first_rank(&s, 1, s.lo - 1, short_with_lo) - 1;
        if (s.lo == 0 || s.hi > n)
            return -1;
    }
    *lo = s.lo;
    *hi = s.hi;
    return 0;
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
