/*
 * Change detection, the one owner of comparisons and verdicts: is the new measurement of a
 * benchmark slower, faster or the same as the old one, and by how much? Rank tests (Mann-
 * Whitney U for two independent samples, kept for embedders: a verdict on two runs takes the
 * p-value of its run-noise-widened interval instead; sign and Wilcoxon signed-rank tests for
 * paired rounds), Holm's correction across a suite, the ratio of medians with a bootstrap
 * interval, the widening of an interval by between-run variation, and the verdict that
 * combines them with its reason; then the rules that apply them to results (a run against its
 * baseline, the members of a group, microbe-compare): which families Holm corrects, the unstable
 * rule, the instruction-count changes. Pure functions built on stats.c; the functions that need
 * scratch allocate it themselves.
 *
 * The p-values follow scipy.stats exactly (tests/fixtures/make_compare_fixtures.py checks
 * them), so that a user can reproduce any verdict with a few lines of Python.
 */
#include "compare.h"
#include "microbe_internal.h"
#include "stats.h"
#include "seed.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int any_nan(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (isnan(x[i]))
            return 1;
    return 0;
}

static int all_positive_finite(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!(x[i] > 0.0 && isfinite(x[i])))
            return 0;
    return 1;
}

static double *alloc_doubles(size_t n)
{
    if (n > SIZE_MAX / sizeof(double))
        return NULL;
    return malloc((n ? n : 1) * sizeof(double));
}

/* ---- Ranks ----------------------------------------------------------------------------- */

typedef struct rank_sums {
    double rank_sum_a; /* sum of the (average, 1-based) ranks of the values of a */
    double tie_term;   /* sum over groups of equal values of t^3 - t */
    int has_ties;
} rank_sums;

/* Ranks the union of the ascending arrays a and b without building it: walking both at once,
 * each group of t equal values that follows `below` smaller ones shares the average rank
 * below + (t + 1) / 2. Every quantity is a multiple of 1/2 far below 2^53, so the sums are
 * exact. */
static rank_sums merged_ranks(const double *a, size_t na, const double *b, size_t nb)
{
    rank_sums r = {0.0, 0.0, 0};
    size_t i = 0, j = 0;
    while (i < na || j < nb) {
        double v = (j == nb || (i < na && a[i] <= b[j])) ? a[i] : b[j];
        size_t below = i + j, ca = 0, cb = 0;
        while (i < na && a[i] == v) {
            i++;
            ca++;
        }
        while (j < nb && b[j] == v) {
            j++;
            cb++;
        }
        double t = (double)(ca + cb);
        r.rank_sum_a += (double)ca * ((double)below + (t + 1.0) / 2.0);
        if (ca + cb > 1) {
            r.has_ties = 1;
            r.tie_term += t * t * t - t;
        }
    }
    return r;
}

/* Two-sided p-value from a standard normal statistic: 2 P(Z >= |z|), at most 1. */
static double two_sided_normal(double z)
{
    double p = 2.0 * mb__normal_cdf(-fabs(z));
    return p < 1.0 ? p : 1.0;
}

/* ---- Mann-Whitney U ---------------------------------------------------------------------- */

/* P(U <= k) for the Mann-Whitney statistic of untied samples of sizes m and n under the null
 * hypothesis. The number of arrangements with U = u is the coefficient of q^u in the Gaussian
 * binomial coefficient [m + n choose m]_q = prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i), the
 * generating function of partitions of u into at most m parts none larger than n (Mann &
 * Whitney 1947; Andrews, The Theory of Partitions, 1976, Theorem 3.1); all C(m + n, m)
 * arrangements are equally likely. Building the product one factor pair at a time keeps each
 * intermediate a Gaussian binomial [n + i choose i]_q, whose coefficients are non-negative,
 * so the subtractions cancel little; truncating at degree k is exact because every step reads
 * only lower degrees. Dividing by 1 - q^i is a running sum with stride i; multiplying by
 * 1 - q^(n+i) subtracts the coefficient n + i degrees below. Counts are kept in doubles: they
 * exceed 2^64 for m = 8 and n of a few hundred, and the relative rounding stays near 1e-15.
 * Returns NAN when the k + 1 coefficients cannot be allocated. */
static double mwu_exact_cdf(size_t k, size_t m, size_t n)
{
    if (k == SIZE_MAX)
        return NAN;
    double *c = alloc_doubles(k + 1);
    if (!c)
        return NAN;
    memset(c, 0, (k + 1) * sizeof *c);
    c[0] = 1.0;
    double total = 1.0; /* C(n + i, i), built as the product of (n + i) / i */
    for (size_t i = 1; i <= m; i++) {
        for (size_t u = i; u <= k; u++)
            c[u] += c[u - i];
        size_t shift = n + i;
        for (size_t u = k; u >= shift; u--)
            c[u] -= c[u - shift];
        total = total * (double)(n + i) / (double)i;
    }
    double count = 0.0;
    for (size_t u = 0; u <= k; u++)
        count += c[u];
    free(c);
    return count / total;
}

int mb__mann_whitney(const double *x, size_t nx, const double *y, size_t ny, mb__mwu *out)
{
    out->u = out->p = NAN;
    out->method = MB__P_ASYMPTOTIC;
    if (nx == 0 || ny == 0 || any_nan(x, nx) || any_nan(y, ny))
        return -1;
    double *sx = alloc_doubles(nx), *sy = alloc_doubles(ny);
    if (!sx || !sy) {
        free(sx);
        free(sy);
        return -2;
    }
    memcpy(sx, x, nx * sizeof *x);
    memcpy(sy, y, ny * sizeof *y);
    mb__sort(sx, nx);
    mb__sort(sy, ny);
    rank_sums rs = merged_ranks(sx, nx, sy, ny);
    free(sx);
    free(sy);

    double fx = (double)nx, fy = (double)ny;
    double u1 = rs.rank_sum_a - fx * (fx + 1.0) / 2.0;
    out->u = u1;

    /* scipy's choice for method="auto": the exact distribution is cheap and much better than
     * the normal approximation when one sample is small, but it assumes no ties. */
    if ((nx <= 8 || ny <= 8) && !rs.has_ties) {
        double u2 = fx * fy - u1;
        size_t k = (size_t)(u1 < u2 ? u1 : u2);
        double cdf = nx <= ny ? mwu_exact_cdf(k, nx, ny) : mwu_exact_cdf(k, ny, nx);
        if (isnan(cdf))
            return -2;
        /* By symmetry P(U >= max(U1, U2)) = P(U <= min(U1, U2)). */
        out->p = 2.0 * cdf < 1.0 ? 2.0 * cdf : 1.0;
        out->method = MB__P_EXACT;
        return 0;
    }

    /* Normal approximation: mean nx ny / 2, variance nx ny / 12 ((N + 1) - sum(t^3 - t) /
     * (N (N - 1))) with N = nx + ny, which corrects for ties (e.g. Lehmann, Nonparametrics,
     * 1975, eq. 1.56), and a continuity correction of 1/2 towards the mean. */
    double nn = fx + fy;
    double var = fx * fy / 12.0 * ((nn + 1.0) - rs.tie_term / (nn * (nn - 1.0)));
    if (!(var > 0.0)) {
        out->p = 1.0; /* every value is equal: the data say nothing */
        out->method = MB__P_DEGENERATE;
        return 0;
    }
    double num = fabs(u1 - fx * fy / 2.0) - 0.5;
    out->p = num > 0.0 ? two_sided_normal(num / sqrt(var)) : 1.0;
    return 0;
}

/* ---- Paired tests ------------------------------------------------------------------------ */

double mb__sign_test(const double *d, size_t n)
{
    if (n == 0 || any_nan(d, n))
        return NAN;
    uint64_t pos = 0, neg = 0;
    for (size_t i = 0; i < n; i++) {
        pos += d[i] > 0.0;
        neg += d[i] < 0.0;
    }
    if (pos + neg == 0)
        return 1.0;
    double p = 2.0 * mb__binom_cdf(pos < neg ? pos : neg, pos + neg, 0.5);
    return p < 1.0 ? p : 1.0;
}

/* The largest sum of ranks for which the exact and permutation distributions are computed:
 * n (n + 1) / 2 for n = 50, doubled (the permutation distribution counts half-ranks). */
#define SIGNED_RANK_EXACT_MAX 50
#define SIGNED_RANK_PERM_MAX 13
#define RANK_SUM_SLOTS (SIGNED_RANK_EXACT_MAX * (SIGNED_RANK_EXACT_MAX + 1) / 2 + 1)

/* Two-sided p-value 2 min(P(S <= s), P(S >= s)), at most 1, from the counts[0..len) of a
 * discrete distribution over 0, 1, ..., len - 1 with total `total`. */
static double two_sided_from_counts(const double *counts, size_t len, size_t s, double total)
{
    double le = 0.0, ge = 0.0;
    for (size_t v = 0; v < len; v++) {
        if (v <= s)
            le += counts[v];
        if (v >= s)
            ge += counts[v];
    }
    double p = 2.0 * (le < ge ? le : ge) / total;
    return p < 1.0 ? p : 1.0;
}

/* Exact null distribution of R+ for m untied non-zero differences: each rank 1..m is
 * positive with probability 1/2 independently, so the count of outcomes with R+ = s is the
 * number of subsets of {1, ..., m} summing to s (Wilcoxon 1945). The counts stay below
 * 2^50 < 2^53 for m <= 50, so doubles hold them exactly. */
static double signed_rank_exact_p(size_t m, double r_plus)
{
    double counts[RANK_SUM_SLOTS] = {0};
    size_t top = m * (m + 1) / 2;
    counts[0] = 1.0;
    for (size_t j = 1; j <= m; j++)
        for (size_t s = top; s >= j; s--)
            counts[s] += counts[s - j];
    return two_sided_from_counts(counts, top + 1, (size_t)r_plus, ldexp(1.0, (int)m));
}

/* The permutation distribution of R+ given the ranks actually observed (ties share average
 * ranks): every sign pattern of the m non-zero differences is equally likely under the null
 * hypothesis, as in scipy.stats.permutation_test with sign flips (zeros, whose flips change
 * nothing, only repeat each pattern). Twice an average rank is an integer, 2 below + t + 1
 * for a group of t equal values after `below` smaller ones, so a subset-sum count over the
 * doubled ranks is exact. abs_sorted holds the m non-zero |d| ascending. */
static double signed_rank_perm_p(const double *abs_sorted, size_t m, double r_plus)
{
    double counts[SIGNED_RANK_PERM_MAX * (SIGNED_RANK_PERM_MAX + 1) + 1] = {0};
    size_t top = 0;
    counts[0] = 1.0;
    for (size_t i = 0; i < m;) {
        size_t t = 1;
        while (i + t < m && abs_sorted[i + t] == abs_sorted[i])
            t++;
        size_t twice_rank = 2 * i + t + 1;
        for (size_t member = 0; member < t; member++) {
            top += twice_rank;
            for (size_t s = top; s >= twice_rank; s--)
                counts[s] += counts[s - twice_rank];
        }
        i += t;
    }
    return two_sided_from_counts(counts, top + 1, (size_t)(2.0 * r_plus), ldexp(1.0, (int)m));
}

int mb__wilcoxon(const double *d, size_t n, mb__signed_rank *out)
{
    out->statistic = out->p = NAN;
    out->method = MB__P_ASYMPTOTIC;
    if (n == 0 || any_nan(d, n))
        return -1;
    /* |d| of the positive differences first, then of the negative ones, each sorted. */
    double *abs_d = alloc_doubles(n);
    if (!abs_d)
        return -2;
    size_t pos = 0, m = 0;
    for (size_t i = 0; i < n; i++)
        if (d[i] > 0.0)
            abs_d[pos++] = d[i];
    m = pos;
    for (size_t i = 0; i < n; i++)
        if (d[i] < 0.0)
            abs_d[m++] = -d[i];
    mb__sort(abs_d, pos);
    mb__sort(abs_d + pos, m - pos);
    rank_sums rs = merged_ranks(abs_d, pos, abs_d + pos, m - pos);

    double fm = (double)m;
    double r_plus = rs.rank_sum_a, r_minus = fm * (fm + 1.0) / 2.0 - r_plus;
    out->statistic = r_plus < r_minus ? r_plus : r_minus;
    if (m == 0) {
        out->p = 1.0;
        out->method = MB__P_DEGENERATE;
    } else if (n <= SIGNED_RANK_EXACT_MAX && !rs.has_ties && m == n) {
        out->p = signed_rank_exact_p(m, r_plus);
        out->method = MB__P_EXACT;
    } else if (n <= SIGNED_RANK_PERM_MAX) {
        mb__sort(abs_d, m);
        out->p = signed_rank_perm_p(abs_d, m, r_plus);
        out->method = MB__P_PERMUTATION;
    } else {
        /* Mean m (m + 1) / 4 and variance (m (m + 1) (2m + 1) - sum(t^3 - t) / 2) / 24, which
         * corrects for ties (Lehmann 1975, eq. 3.23); no continuity correction (scipy's
         * default). */
        double var = (fm * (fm + 1.0) * (2.0 * fm + 1.0) - rs.tie_term / 2.0) / 24.0;
        out->p = two_sided_normal((r_plus - fm * (fm + 1.0) / 4.0) / sqrt(var));
    }
    free(abs_d);
    return 0;
}

/* ---- Holm -------------------------------------------------------------------------------- */

typedef struct ranked_p {
    double p;
    size_t index;
} ranked_p;

static int by_p(const void *a, const void *b)
{
    const ranked_p *ra = a, *rb = b;
    if (ra->p != rb->p)
        return ra->p < rb->p ? -1 : 1;
    return ra->index < rb->index ? -1 : ra->index > rb->index;
}

int mb__holm(const double *p, size_t m, double *adjusted)
{
    int bad = 0;
    size_t valid = 0;
    for (size_t i = 0; i < m; i++) {
        if (isnan(p[i]))
            continue;
        bad |= !(p[i] >= 0.0 && p[i] <= 1.0);
        valid++;
    }
    ranked_p *sorted = bad || valid > SIZE_MAX / sizeof *sorted
                           ? NULL
                           : malloc((valid ? valid : 1) * sizeof *sorted);
    if (!sorted) {
        for (size_t i = 0; i < m; i++)
            adjusted[i] = NAN;
        return bad ? -1 : -2;
    }
    size_t k = 0;
    for (size_t i = 0; i < m; i++)
        if (!isnan(p[i]))
            sorted[k++] = (ranked_p){p[i], i};
    /* Every input is read; from here on adjusted may overwrite p. */
    for (size_t i = 0; i < m; i++)
        if (isnan(p[i]))
            adjusted[i] = NAN;
    qsort(sorted, valid, sizeof *sorted, by_p);
    /* Step down (Holm 1979): the j-th smallest p-value is compared with alpha / (m - j + 1),
     * so its adjusted value is (m - j + 1) p_(j), raised to the running maximum so that a
     * hypothesis is never rejected after one with a smaller p-value was kept. */
    double running = 0.0;
    for (k = 0; k < valid; k++) {
        double v = (double)(valid - k) * sorted[k].p;
        if (v > 1.0)
            v = 1.0;
        if (v > running)
            running = v;
        adjusted[sorted[k].index] = running;
    }
    free(sorted);
    return 0;
}

/* ---- Ratio of medians, bootstrap --------------------------------------------------------- */

/* Median of n values drawn with replacement from x; draw and scratch hold n doubles. */
static double resampled_median(mb__rng *rng, const double *x, size_t n, double *draw,
                               double *scratch)
{
    for (size_t i = 0; i < n; i++)
        draw[i] = x[mb__rng_below(rng, n)];
    return mb__median(draw, n, scratch);
}

int mb__ratio_bootstrap(const double *old_t, size_t n_old, const double *new_t, size_t n_new,
                        size_t b, double conf, uint64_t seed, mb__ratio *out)
{
    out->point = out->low = out->high = out->log_se = NAN;
    if (n_old == 0 || n_new == 0 || b == 0 || !(conf > 0.0 && conf < 1.0) ||
        !all_positive_finite(old_t, n_old) || !all_positive_finite(new_t, n_new))
        return -1;
    size_t n_max = n_old > n_new ? n_old : n_new;
    double *draw = alloc_doubles(n_max), *scratch = alloc_doubles(n_max);
    double *reps = alloc_doubles(b);
    if (!draw || !scratch || !reps) {
        free(draw);
        free(scratch);
        free(reps);
        return -2;
    }
    out->point = mb__median(new_t, n_new, scratch) / mb__median(old_t, n_old, scratch);

    /* The two sides are independent runs, so each is resampled on its own (Efron &
     * Tibshirani 1993, 8.3, the two-sample bootstrap); the log makes the interval of the
     * ratio and of its inverse mirror images, so swapping old and new inverts the interval. */
    mb__rng rng;
    mb__rng_seed(&rng, seed);
    for (size_t k = 0; k < b; k++) {
        double m_old = resampled_median(&rng, old_t, n_old, draw, scratch);
        double m_new = resampled_median(&rng, new_t, n_new, draw, scratch);
        reps[k] = log(m_new / m_old);
    }
    out->log_se = mb__std_dev(reps, b);
    double low, high;
    mb__percentile_interval(reps, b, conf, &low, &high);
    out->low = exp(low);
    out->high = exp(high);
    free(draw);
    free(scratch);
    free(reps);
    return 0;
}

/* ---- Paired rounds ----------------------------------------------------------------------- */

int mb__paired_ratio(const double *old_r, const double *new_r, size_t r, double conf,
                     mb__paired *out)
{
    out->point = out->low = out->high = out->level = NAN;
    out->p_sign = out->p_wilcoxon = out->p = NAN;
    if (r == 0 || !(conf > 0.0 && conf < 1.0) || !all_positive_finite(old_r, r) ||
        !all_positive_finite(new_r, r))
        return -1;
    double *d = alloc_doubles(r);
    if (!d)
        return -2;
    for (size_t i = 0; i < r; i++)
        d[i] = log(new_r[i] / old_r[i]);

    mb__signed_rank w;
    if (mb__wilcoxon(d, r, &w) != 0) {
        free(d);
        return -2;
    }
    out->p_wilcoxon = w.p;
    out->p_sign = mb__sign_test(d, r);
    /* The verdict uses the sign test. It is the test that the interval inverts (the
     * order-statistic interval of the median holds exactly the medians the sign test would
     * not reject), so the p-value and the interval cannot tell different stories; it assumes
     * nothing about the shape of the log ratios, which are often skewed by a round that
     * caught an interruption, where the signed-rank test assumes symmetry about the median;
     * and one wild round moves it by at most one sign. Its price is power: with r = 10 the
     * Wilcoxon test also reaches p = 2 / 1024 when every round agrees, but detects a
     * consistent change sooner when the rounds disagree. */
    out->p = out->p_sign;

    mb__sort(d, r);
    double low, high, level;
    mb__median_hs_interval(d, r, conf, &low, &high, &level);
    out->point = exp(mb__median_sorted(d, r));
    out->low = exp(low);
    out->high = exp(high);
    out->level = level;
    free(d);
    return 0;
}

/* ---- Parts ------------------------------------------------------------------------------ */

/* The logarithms of the positive finite values of x into out; their count. */
static size_t logs_of(const double *x, size_t n, double *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (x[i] > 0 && isfinite(x[i]))
            out[k++] = log(x[i]);
    return k;
}

/* A change from a difference of mean logarithms, its standard error and degrees of freedom:
 * the Student t interval and two-sided p-value; the verdict waits for mb__change_verdicts. */
static void t_change(double diff, double se, double df, const mb_settings *s, mb_change *out)
{
    double t = mb__student_quantile((1.0 + s->confidence) / 2.0, df);
    out->verdict = MB_VERDICT_INCONCLUSIVE;
    out->level = s->confidence;
    out->ratio = exp(diff);
    out->low = exp(diff - t * se);
    out->high = exp(diff + t * se);
    out->p_value = se > 0 ? mb__student_two_sided(fabs(diff) / se, df) : diff == 0 ? 1.0 : 0.0;
}

int mb__change_parts(const double *old_m, size_t k_old, const double *new_m, size_t k_new,
                     const mb_settings *s, mb_change *out)
{
    *out = (mb_change){MB_VERDICT_NONE, NAN, NAN, NAN, NAN, NAN, NAN, 0, 0, NAN, MB_REASON_NONE, 0};
    double *lo = alloc_doubles(k_old), *ln = alloc_doubles(k_new);
    if (!lo || !ln) {
        free(lo);
        free(ln);
        return MB_ENOMEM;
    }
    size_t a = logs_of(old_m, k_old, lo), b = logs_of(new_m, k_new, ln);
    if (a >= 2 && b >= 2) {
        double mo = mb__mean(lo, a), mn = mb__mean(ln, b);
        double vo = mb__variance(lo, a) / (double)a, vn = mb__variance(ln, b) / (double)b;
        /* Welch-Satterthwaite; with no spread at all, the pooled count. The offset each whole
         * run shares is known, not estimated: its variance adds without degrees of freedom. */
        double df = vo + vn > 0 ? (vo + vn) * (vo + vn) /
                                      (vo * vo / (double)(a - 1) + vn * vn / (double)(b - 1))
                                : (double)(a + b - 2);
        double shared = 2.0 * s->run_offset * s->run_offset;
        out->baseline_median_ns = exp(mo);
        out->baseline_samples = a;
        out->parts = a < b ? a : b;
        t_change(mn - mo, sqrt(vo + vn + shared), df, s, out);
    }
    free(lo);
    free(ln);
    return 0;
}

int mb__change_parts_paired(const double *old_m, const double *new_m, size_t k,
                            const mb_settings *s, mb_change *out)
{
    *out = (mb_change){MB_VERDICT_NONE, NAN, NAN, NAN, NAN, NAN, NAN, 0, 0, NAN, MB_REASON_NONE, 0};
    double *d = alloc_doubles(k), *lo = alloc_doubles(k);
    if (!d || !lo) {
        free(d);
        free(lo);
        return MB_ENOMEM;
    }
    size_t n = 0;
    for (size_t p = 0; p < k; p++)
        if (old_m[p] > 0 && new_m[p] > 0 && isfinite(old_m[p]) && isfinite(new_m[p])) {
            lo[n] = log(old_m[p]);
            d[n++] = log(new_m[p] / old_m[p]);
        }
    if (n >= 2) {
        out->baseline_median_ns = exp(mb__mean(lo, n));
        out->baseline_samples = n;
        out->parts = n;
        t_change(mb__mean(d, n), mb__std_dev(d, n) / sqrt((double)n), (double)(n - 1), s, out);
    }
    free(d);
    free(lo);
    return 0;
}

int mb__paired_settled(const double *base_m, const double *member_m, size_t k, const mb_settings *s)
{
    mb_change c;
    if (mb__change_parts_paired(base_m, member_m, k, s, &c) != 0)
        return MB_ENOMEM;
    if (c.verdict == MB_VERDICT_NONE || isnan(c.low) || isnan(c.high))
        return 1;
    double up = 1.0 + s->noise_threshold, down = 1.0 / up;
    return c.low > up || c.high < down || (c.low >= down && c.high <= up);
}

/* Process luck that is the benchmark's own (layout, alignment) moves parts by a few per cent
 * on this machine; a process disturbed as a whole, by 50 % or more (docs/measurement.md). */
#define DISTURBED_FACTOR 1.10
#define DISTURBED_SPREADS 4.0

long mb__disturbed_part(const double *medians, size_t k)
{
    if (k < 3 || !all_positive_finite(medians, k))
        return -1;
    double *logs = alloc_doubles(k), *dev = alloc_doubles(k), *scratch = alloc_doubles(k);
    long worst = -1;
    if (logs && dev && scratch) {
        for (size_t p = 0; p < k; p++)
            logs[p] = log(medians[p]);
        double center = mb__median(logs, k, scratch);
        for (size_t p = 0; p < k; p++)
            dev[p] = fabs(logs[p] - center);
        double spread = 1.4826 * mb__median(dev, k, scratch);
        worst = 0;
        for (size_t p = 1; p < k; p++)
            worst = dev[p] > dev[worst] ? (long)p : worst;
        if (!(dev[worst] > log(DISTURBED_FACTOR) && dev[worst] > DISTURBED_SPREADS * spread))
            worst = -1;
    }
    free(logs);
    free(dev);
    free(scratch);
    return worst;
}

/* ---- Between-run variation and the verdict ----------------------------------------------- */

void mb__widen_interval(double log_point, double log_low, double log_high, double between_sd,
                        double conf, double *low, double *high)
{
    *low = *high = NAN;
    if (isnan(log_point) || isnan(log_low) || isnan(log_high) || !(between_sd >= 0.0) ||
        !(conf > 0.0 && conf < 1.0))
        return;
    /* Within-run and between-run errors are independent, so their variances add; on the
     * normal scale each half-width is z times a standard deviation, hence the root sum of
     * squares. A percentile interval may leave its point outside (a negative half-width);
     * that side then starts from 0, so widening never narrows. */
    double extra = mb__normal_quantile((1.0 + conf) / 2.0) * sqrt(2.0) * between_sd;
    double h_low = log_point - log_low, h_high = log_high - log_point;
    *low = log_point - hypot(h_low > 0.0 ? h_low : 0.0, extra);
    *high = log_point + hypot(h_high > 0.0 ? h_high : 0.0, extra);
}

double mb__interval_p(double log_point, double log_low, double log_high, double conf)
{
    if (isnan(log_point) || isnan(log_low) || isnan(log_high) || !(conf > 0.0 && conf < 1.0))
        return NAN;
    if (log_point == 0.0)
        return 1.0;
    double h = log_point > 0.0 ? log_point - log_low : log_high - log_point;
    if (!(h > 0.0))
        return 0.0;
    double z = mb__normal_quantile((1.0 + conf) / 2.0);
    return 2.0 * mb__normal_cdf(-z * fabs(log_point) / h);
}

/* The verdict's reason, through a pointer that may be NULL. */
static mb_verdict verdict_because(mb_verdict v, mb_reason reason, mb_reason *why)
{
    if (why)
        *why = reason;
    return v;
}

mb_verdict mb__verdict_of(double low, double high, double level, double conf, double p, double thr,
                          double alpha, mb_reason *why)
{
    const mb_verdict no = MB_VERDICT_INCONCLUSIVE;
    if (isnan(low) || isnan(high) || isnan(p) || !(thr >= 0.0) || !(alpha > 0.0 && alpha < 1.0) ||
        low > high)
        return verdict_because(no, MB_REASON_NO_INTERVAL, why);
    /* An interval that holds the truth less often than stated, such as [min, max] of 2 to 5
     * paired rounds, cannot vouch for any verdict: not even unchanged, which a narrow
     * interval of a few rounds would otherwise grant far too often. */
    if (level < conf * (1.0 - 1e-12))
        return verdict_because(no, MB_REASON_LOW_LEVEL, why);
    double up = 1.0 + thr, down = 1.0 / up;
    if (low > up || high < down) {
        if (!(p < alpha))
            return verdict_because(no, MB_REASON_NOT_SIGNIFICANT, why);
        return verdict_because(low > up ? MB_VERDICT_REGRESSED : MB_VERDICT_IMPROVED,
                               MB_REASON_NONE, why);
    }
    if (low >= down && high <= up)
        return verdict_because(MB_VERDICT_UNCHANGED, MB_REASON_NONE, why);
    return verdict_because(no, MB_REASON_STRADDLES, why);
}

/* ---- Changes of results ------------------------------------------------------------------ */

double *mb__result_times(const mb_result *r)
{
    if (!r->n_samples || !r->sample_iters || !r->sample_ns)
        return NULL;
    double *t = alloc_doubles(r->n_samples);
    for (size_t i = 0; t && i < r->n_samples; i++)
        t[i] = r->sample_ns[i] / (double)r->sample_iters[i];
    return t;
}

int mb__change_verdicts(mb_change *const *changes, size_t n, const mb_settings *s)
{
    if (n == 0)
        return 0;
    double *p = alloc_doubles(n);
    if (!p)
        return MB_ENOMEM;
    for (size_t i = 0; i < n; i++)
        p[i] = changes[i]->p_value;
    if (mb__holm(p, n, p) == -2) {
        free(p);
        return MB_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        mb_change *c = changes[i];
        c->p_adjusted = p[i];
        c->verdict = mb__verdict_of(c->low, c->high, c->level, s->confidence, p[i],
                                    s->noise_threshold, s->significance, &c->reason);
    }
    free(p);
    return 0;
}

int mb__change_paired(const double *old_r, const double *new_r, size_t r, const mb_settings *s,
                      mb_change *out)
{
    *out = (mb_change){MB_VERDICT_NONE, NAN, NAN, NAN, NAN, NAN, NAN, 0, 0, NAN, MB_REASON_NONE, 0};
    if (r < 2)
        return 0;
    mb__paired p;
    int rc = mb__paired_ratio(old_r, new_r, r, s->confidence, &p);
    if (rc == -2)
        return MB_ENOMEM;
    if (rc != 0)
        return 0;
    double *scratch = alloc_doubles(r);
    if (!scratch)
        return MB_ENOMEM;
    double median_old = mb__median(old_r, r, scratch);
    free(scratch);
    *out = (mb_change){
        MB_VERDICT_INCONCLUSIVE, median_old, p.point, p.low, p.high, p.p, NAN, r, 0, p.level,
        MB_REASON_NONE,          0};
    return 0;
}

int mb__change_of_member(const mb_result *base, const mb_result *member, const mb_settings *s,
                         mb_change *out)
{
    size_t n = base->n_samples < member->n_samples ? base->n_samples : member->n_samples;
    *out = (mb_change){MB_VERDICT_NONE, NAN, NAN, NAN, NAN, NAN, NAN, 0, 0, NAN, MB_REASON_NONE, 0};
    if (n < 2)
        return 0;
    double *old_r = mb__result_times(base), *new_r = mb__result_times(member);
    int rc = old_r && new_r ? mb__change_paired(old_r, new_r, n, s, out) : MB_ENOMEM;
    free(old_r);
    free(new_r);
    return rc;
}

/* The change of the per-iteration times new_t against old_t, as docs/comparing.md describes:
 * the ratio of medians with its bootstrap interval, widened by the run noise, and the
 * p-value of that interval; the verdict is left inconclusive until mb__change_verdicts. Returns 0,
 * MB_EINVAL for unusable times, or MB_ENOMEM. */
static int times_change(const double *old_t, size_t n_old, const double *new_t, size_t n_new,
                        const mb_settings *s, uint64_t seed, mb_change *out)
{
    *out =
        (mb_change){MB_VERDICT_INCONCLUSIVE, NAN, NAN, NAN, NAN, NAN, NAN, n_old, 0, s->confidence,
                    MB_REASON_NONE,          0};
    mb__ratio ratio;
    int rc =
        mb__ratio_bootstrap(old_t, n_old, new_t, n_new, s->resamples, s->confidence, seed, &ratio);
    if (rc == -2)
        return MB_ENOMEM;
    if (rc != 0)
        return MB_EINVAL;
    double low, high;
    mb__widen_interval(log(ratio.point), log(ratio.low), log(ratio.high), s->run_noise,
                       s->confidence, &low, &high);
    double *scratch = alloc_doubles(n_old);
    if (!scratch)
        return MB_ENOMEM;
    out->baseline_median_ns = mb__median(old_t, n_old, scratch);
    free(scratch);
    out->ratio = ratio.point;
    out->low = exp(low);
    out->high = exp(high);
    /* The p-value of the widened interval itself: a rank test of the samples would see only
     * the noise within the two runs, and call most A/A pairs of runs different (the offset
     * between two runs is rarely within their samples' noise), while the interval says
     * otherwise. One noise model for both, so Holm's step and the verdict agree. */
    out->p_value = mb__interval_p(log(ratio.point), low, high, s->confidence);
    return 0;
}

/* The instruction count against the old one: exact on both sides, so the ratio is its own
 * interval and the threshold alone decides. */
static void instructions_change(const mb_result *old, mb_result *r, const mb_settings *s)
{
    if (!(old->instructions_per_iter > 0) || !(r->instructions_per_iter > 0))
        return;
    double ratio = r->instructions_per_iter / old->instructions_per_iter;
    double t = 1 + s->instructions_threshold;
    mb_verdict v = ratio > t       ? MB_VERDICT_REGRESSED
                   : ratio < 1 / t ? MB_VERDICT_IMPROVED
                                   : MB_VERDICT_UNCHANGED;
    r->instructions_change = (mb_change){
        v, old->instructions_per_iter, ratio, ratio, ratio, NAN, NAN, 1, 0, 1.0, MB_REASON_NONE, 0};
}

/* Two settings that differ beyond the rounding of a number written and read back. */
static int differ(double a, double b)
{
    return fabs(a - b) > 1e-9 * fmax(fabs(a), fabs(b));
}

/* How a result was measured in parts: 0 one part, 1 parts in one process, 2 parts in fresh
 * processes; -1 parts whose processes are unknown (a file without the plan's rule). */
static int parts_kind(const mb_result *r)
{
    if (r->n_parts < 2)
        return 0;
    if (r->plan_rule.max_samples == 0)
        return -1;
    return r->plan_rule.forks > 0 ? 2 : 1;
}

unsigned mb__plan_differences(const mb_result *r, const mb_result *old)
{
    const mb_plan_rule *a = &r->plan_rule, *b = &old->plan_rule;
    unsigned d = 0;
    if (a->quick >= 0 && b->quick >= 0 && a->quick != b->quick)
        d |= MB_PLAN_DIFF_QUICK;
    else if (a->max_samples && b->max_samples &&
             (a->min_samples != b->min_samples || a->max_samples != b->max_samples ||
              differ(a->warm_up_time_s, b->warm_up_time_s) ||
              differ(a->measurement_time_s, b->measurement_time_s)))
        d |= MB_PLAN_DIFF_RULE;
    /* Parts whose processes are unknown differ only from one part. */
    int pa = parts_kind(r), pb = parts_kind(old);
    if (pa != pb && ((pa >= 0 && pb >= 0) || pa == 0 || pb == 0))
        d |= MB_PLAN_DIFF_PARTS;
    return d;
}

/* One result's changes against its old self: instructions, then times. */
static int change_of(const mb_result *old, mb_result *r, const mb_settings *s)
{
    instructions_change(old, r, s);
    if (!old->n_samples || !r->n_samples || !r->sample_ns)
        return 0;
    if (old->n_parts >= 2 && r->n_parts >= 2 && old->part_medians && r->part_medians)
        return mb__change_parts(old->part_medians, old->n_parts, r->part_medians, r->n_parts, s,
                                &r->change);
    double *old_t = mb__result_times(old), *new_t = mb__result_times(r);
    int rc = MB_ENOMEM;
    if (old_t && new_t)
        rc = times_change(old_t, old->n_samples, new_t, r->n_samples, s,
                          mb__bench_seed(s->seed, r->name) + 2, &r->change);
    free(old_t);
    free(new_t);
    if (rc == MB_EINVAL)
        r->change = (mb_change){0}; /* times that cannot be compared: no verdict */
    return rc == MB_EINVAL ? 0 : rc;
}

int mb__compare_results(mb_result *results, size_t n, const mb_result *const *olds,
                        const mb_settings *s)
{
    /* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
    mb_change **changes = malloc((n + 1) * sizeof *changes);
    if (!changes)
        return MB_ENOMEM;
    int err = 0;
    size_t k = 0;
    for (size_t i = 0; i < n && !err; i++) {
        results[i].change = results[i].instructions_change = (mb_change){0};
        if (olds[i])
            err = change_of(olds[i], &results[i], s);
        if (results[i].change.verdict != MB_VERDICT_NONE) {
            results[i].change.plan_differs = mb__plan_differences(&results[i], olds[i]);
            changes[k++] = &results[i].change;
        }
    }
    if (!err)
        err = mb__change_verdicts(changes, k, s);
    free(changes);
    /* A run that was itself unstable cannot vouch for a change from its samples alone: most
     * false alarms against a baseline came from runs disturbed as a whole (docs/performance.md).
     * A change from parts has that disturbance in its interval already. */
    for (size_t i = 0; i < n; i++) {
        mb_change *c = &results[i].change;
        if ((results[i].warnings & MB_WARN_UNSTABLE) && c->parts == 0 &&
            (c->verdict == MB_VERDICT_REGRESSED || c->verdict == MB_VERDICT_IMPROVED)) {
            c->verdict = MB_VERDICT_INCONCLUSIVE;
            c->reason = MB_REASON_UNSTABLE;
        }
    }
    return err;
}

int mb__group_verdicts(mb_result *results, size_t n, const mb_settings *s)
{
    /* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
    mb_change **changes = malloc((n + 1) * sizeof *changes);
    if (!changes)
        return MB_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (results[i].paired.verdict != MB_VERDICT_NONE)
            changes[k++] = &results[i].paired;
    int err = mb__change_verdicts(changes, k, s);
    free(changes);
    return err;
}
