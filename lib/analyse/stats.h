/*
 * Pure statistics on arrays of doubles: no I/O, no globals, no allocation unless a function
 * says so. Every function is deterministic; randomness comes only from an explicit mb__rng.
 * Used by the analysis of one benchmark's samples and, later, by comparisons.
 *
 * Conventions: n is the number of values; functions that need sorted input say so in their
 * name (_sorted); a result that cannot be computed (n too small, zero division) is NAN,
 * never a crash.
 */
#ifndef MB_STATS_H
#define MB_STATS_H

#include <stddef.h>
#include <stdint.h>

/* ---- Descriptive statistics ---------------------------------------------------------- */

void mb__sort(double *x, size_t n); /* ascending; NaNs are not expected */
double mb__mean(const double *x, size_t n);
/* Sample variance with n - 1 in the denominator, two-pass (never E[x^2] - mean^2). */
double mb__variance(const double *x, size_t n);
double mb__std_dev(const double *x, size_t n);
double mb__min(const double *x, size_t n);
double mb__max(const double *x, size_t n);
/* Quantile of type 7 (R's default, numpy's "linear") of sorted data, p in [0, 1]. */
double mb__quantile_sorted(const double *sorted, size_t n, double p);
double mb__median_sorted(const double *sorted, size_t n);
/* Median of unsorted data; scratch holds n doubles and is overwritten. */
double mb__median(const double *x, size_t n, double *scratch);
/* Median of the per-iteration times ns[i] / iters[i] of n samples (NAN when n is 0); scratch
 * holds 2n doubles. */
double mb__median_per_iter(const uint64_t *iters, const double *ns, size_t n, double *scratch);
/* Median absolute deviation from the median, times 1.4826; scratch holds n doubles. */
double mb__mad(const double *x, size_t n, double *scratch);
/* Coefficient of variation: std_dev / mean. */
double mb__cv(const double *x, size_t n);
/* Median absolute percentage error around the median: median(|x - m| / |m|) as a fraction
 * (not percent); NAN when m is 0; scratch holds n doubles. */
double mb__mdape(const double *x, size_t n, double *scratch);

/* Ordinary least squares y = intercept + slope * x with R^2 = 1 - SS_res / SS_tot (R^2 is 1
 * when SS_tot is 0 and the fit is exact). Returns 0, or -1 when n < 2 or all x are equal
 * (outputs set to NAN). */
int mb__ols(const double *x, const double *y, size_t n, double *slope, double *intercept,
            double *r_squared);

/* ---- Distributions ------------------------------------------------------------------- */

double mb__normal_cdf(double z);
/* Inverse of the standard normal CDF for p in (0, 1); +-INFINITY at 0 and 1, NAN outside.
 * Accurate to about 1e-15 relative (Wichura's AS 241). */
double mb__normal_quantile(double p);
/* P(B <= k) for B ~ Binomial(n, p): up to n = 50 the sum of its terms (exact at p = 1/2,
 * a few ulps elsewhere), above it the regularized incomplete beta function
 * I_{1-p}(n - k, k + 1). Accurate to a few 1e-12 relative for n up to 10^9 when p >= 1/2;
 * below, where 1 - p is rounded, a few digits fewer for the largest n (2e-10 at n = 10^9,
 * p = 0.001). The one binomial of the library: order-statistic intervals (median, latency
 * percentiles) and the sign test use it. 1 for k >= n; NAN for p outside [0, 1]. */
double mb__binom_cdf(uint64_t k, uint64_t n, double p);

/* Student's t with df degrees of freedom (df > 0, not necessarily whole): the two-sided tail
 * P(|T| >= t), and the p-quantile. Through the incomplete beta function, so accurate to about
 * 1e-13 relative; NAN for arguments outside their ranges. */
double mb__student_two_sided(double t, double df);
double mb__student_quantile(double p, double df);

/* The mean of x (n >= 2) and its Student t interval at level conf, mean +- t s / sqrt(n), with
 * the sample standard deviation s in *sd. Returns 0, or -1 (outputs NAN) when n < 2 or conf is
 * outside (0, 1). */
int mb__mean_interval(const double *x, size_t n, double conf, double *mean, double *low,
                      double *high, double *sd);

/* ---- Random numbers ------------------------------------------------------------------ */

/* xoshiro256** seeded through splitmix64: fast, small state, good statistical quality. */
typedef struct mb__rng {
    uint64_t s[4];
} mb__rng;

void mb__rng_seed(mb__rng *rng, uint64_t seed);
uint64_t mb__rng_next(mb__rng *rng);
/* Uniform integer in [0, bound) without modulo bias (Lemire's multiply-and-reject);
 * bound > 0. */
uint64_t mb__rng_below(mb__rng *rng, uint64_t bound);
/* Uniform double in [0, 1) with 53 random bits. */
double mb__rng_unit(mb__rng *rng);
/* Fisher-Yates shuffle of n indices. */
void mb__shuffle_u32(mb__rng *rng, uint32_t *v, size_t n);

/* ---- Intervals ----------------------------------------------------------------------- */

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

/* The distribution-free interval for the median from order statistics of sorted data: the
 * narrowest symmetric pair x_(l), x_(n+1-l) (1-based) whose exact binomial coverage is at
 * least conf. When n is too small to reach conf, returns [min, max]. *level receives the
 * exact coverage. Returns 0, or -1 when n == 0 (outputs NAN). */
int mb__median_os_interval(const double *sorted, size_t n, double conf, double *low, double *high,
                           double *level);

/* The interpolated order-statistic interval for the median (Hettmansperger & Sheather 1986):
 * between the narrowest interval that reaches conf and the next narrower one, weighted so that
 * the coverage is conf (exactly so for symmetric distributions, very nearly otherwise), where
 * the plain interval over-covers through discreteness. Falls back to mb__median_os_interval
 * (and its exact *level) when n is too small to interpolate. Returns 0, or -1 when n == 0. */
int mb__median_hs_interval(const double *sorted, size_t n, double conf, double *low, double *high,
                           double *level);

/* Percentile interval: type-7 quantiles (1-conf)/2 and (1+conf)/2 of the replicates, which
 * are sorted in place. */
void mb__percentile_interval(double *replicates, size_t b, double conf, double *low, double *high);

/* BCa interval (Efron 1987). replicates: b bootstrap values, sorted in place. theta_hat: the
 * statistic on the original data. jack: the n leave-one-out values of the statistic (for
 * the acceleration; 0 when n < 2 or jack is NULL or all its values are equal). The bias
 * correction counts replicates below theta_hat plus half of those equal to it, where equal
 * means within 16 ulps of theta_hat or 1e-9 of the replicates' range, so that rounding
 * cannot split a tie. Falls back to the percentile interval when the correction is not
 * finite (e.g. every replicate below theta_hat, or a jackknife value not finite). */
void mb__bca_interval(double *replicates, size_t b, double theta_hat, const double *jack, size_t n,
                      double conf, double *low, double *high);

/* ---- The bootstrap of one benchmark's samples ------------------------------------------ */

/* Which statistic; indexes mb__boot_result.stat. */
enum {
    MB__BOOT_MEDIAN = 0,
    MB__BOOT_MEAN,
    MB__BOOT_STD_DEV,
    MB__BOOT_MAD,
    MB__BOOT_MIN,
    MB__BOOT_SLOPE,
    MB__BOOT_COUNT
};

typedef struct mb__boot_stat {
    double point;     /* the statistic on the original data */
    double low, high; /* interval at the requested confidence */
    double std_error; /* standard deviation of the replicates */
} mb__boot_stat;

typedef struct mb__boot_result {
    mb__boot_stat stat[MB__BOOT_COUNT];
} mb__boot_result;

/* Bootstraps the per-iteration times t[i] = y[i] / x[i] of n samples (x: iterations, y: total
 * time of the sample). Every resample draws n indices with mb__rng_below(rng, n), from one
 * mb__rng seeded by mb__rng_seed(rng, seed) (resample k takes draws k n to k n + n - 1); the
 * univariate statistics (median, mean, std dev, MAD, min) are computed on t at those
 * indices and the slope on the pairs (x, y) at the same indices. Intervals: percentile for
 * median, MAD and min; BCa for mean, std dev and slope. Replicates that are not finite (the
 * std dev of n = 1 value, the slope of a resample whose x are all equal) are left out. When
 * with_slope is 0 (flat plan) or the x are all equal, the slope entry is NAN. b resamples;
 * conf in (0, 1). Allocates its own scratch. Returns 0, -1 for n == 0, b == 0, conf not in
 * (0, 1) or n > UINT32_MAX (outputs NAN), -2 on allocation failure. Deterministic for a
 * given seed: the same inputs and seed give bit-identical outputs. */
int mb__bootstrap(const double *x, const double *y, size_t n, int with_slope, size_t b, double conf,
                  uint64_t seed, mb__boot_result *out);

/* ---- Outliers and diagnostics -------------------------------------------------------- */

typedef struct mb__tukey {
    double q1, q3, iqr;
    double low_severe, low_mild, high_mild, high_severe; /* fences */
    uint32_t n_low_severe, n_low_mild, n_high_mild, n_high_severe;
    double variance_fraction; /* 1 - var(inliers)/var(all), clamped to [0, 1]; 0 if var 0 */
} mb__tukey;

/* Tukey's fences (mild 1.5 IQR, severe 3 IQR) on t (unsorted, n values). A value beyond a
 * fence is labelled, never removed: class[i] (if not NULL) receives one of the
 * MB_OUTLIER_* codes of microbe.h (0 none, 1 low severe, 2 low mild, 3 high mild, 4 high
 * severe). A value exactly on a fence is not an outlier. scratch holds n doubles. */
void mb__tukey_classify(const double *t, size_t n, double *scratch, unsigned char *cls,
                        mb__tukey *out);

/* Kendall's tau-b between x and y with its two-sided p-value from the normal approximation
 * with the tie correction of the variance (as scipy.stats.kendalltau(method="asymptotic")).
 * O(n^2); for n < 3 tau and p are NAN. */
void mb__kendall_tau(const double *x, const double *y, size_t n, double *tau, double *p);

/* Lag-1 autocorrelation: sum (x_i - m)(x_{i+1} - m) / sum (x_i - m)^2; NAN when n < 3 or
 * the variance is 0. */
double mb__lag1_autocorr(const double *x, size_t n);

/* Serial dependence by ranks: Bartels' rank von Neumann ratio RVN of x in run order (ties
 * take mid-ranks). Returns the rank lag-1 autocorrelation 1 - RVN / 2 and sets *z to the
 * one-sided statistic (2 - RVN) / sd under independence (Bartels 1982), large when neighbours
 * are alike; NAN (both) when n < 3 or every value is equal. scratch holds n doubles. */
double mb__rank_serial(const double *x, size_t n, double *scratch, double *z);

/* The factor by which dependence widens a median's interval of n values whose lag-1
 * autocorrelation is r: sqrt(n / n_eff) = sqrt((1 + phi) / (1 - phi)) for an AR(1) series, with
 * phi = r corrected for its small-sample bias and capped at 0.9; 1 when r <= 0 or n < 6. */
double mb__serial_widening(double r, size_t n);

/* The interval of the median of one series t (n values in run order; sorted: the same values
 * sorted) that allows for serial dependence: mb__median_hs_interval at conf, its two sides
 * scaled about the median by mb__serial_widening of t's rank lag-1 autocorrelation
 * (docs/statistics.md, "Dependence"). *level is the interval's nominal level, as
 * mb__median_hs_interval sets it. scratch holds n doubles. Returns 0, or -1 when n == 0. */
int mb__median_serial_interval(const double *t, const double *sorted, size_t n, double conf,
                               double *low, double *high, double *level, double *scratch);

#endif
