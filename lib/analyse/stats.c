/*
 * The statistics core: descriptive statistics, least squares, the normal and binomial
 * distributions, the seeded random number generator, confidence intervals (order-statistic,
 * percentile, BCa), the bootstrap of one benchmark's samples, Tukey's outlier fences and
 * the trend and serial-correlation diagnostics. Pure functions on arrays: no I/O, no
 * globals; only mb__bootstrap allocates.
 *
 * Numerical care: benchmark times often share a large offset (1e9 ns plus a little noise),
 * so every second moment is computed on centred values (the corrected two-pass algorithm of
 * Chan, Golub & LeVeque 1983), never as E[x^2] - E[x]^2.
 */
#include "stats.h"

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Scale that makes the MAD a consistent estimator of the standard deviation for normal
 * data (1 / Phi^-1(3/4), rounded as everyone quotes it). */
#define MAD_SCALE 1.4826

/* sqrt(1/2) split into a double and the rounding error of that double. */
#define SQRT1_2_HI 0.70710678118654757
#define SQRT1_2_LO (-4.833646656726457e-17)
#define ONE_OVER_SQRT_PI 0.56418958354775628

/* ---- Sorting and selection ----------------------------------------------------------- */

static void swap_d(double *a, double *b)
{
    double t = *a;
    *a = *b;
    *b = t;
}

static void insertion_sort(double *x, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        double v = x[i];
        size_t j = i;
        while (j > 0 && x[j - 1] > v) {
            x[j] = x[j - 1];
            j--;
        }
        x[j] = v;
    }
}

static void sift_down(double *x, size_t root, size_t n)
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n)
            return;
        if (child + 1 < n && x[child + 1] > x[child])
            child++;
        if (!(x[child] > x[root]))
            return;
        swap_d(&x[root], &x[child]);
        root = child;
    }
}

/* The fallback that bounds introsort and introselect to O(n log n). */
static void heap_sort(double *x, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(x, i, n);
    for (size_t end = n; end-- > 1;) {
        swap_d(&x[0], &x[end]);
        sift_down(x, 0, end);
    }
}

/* Hoare's partition around the median of the first, middle and last values, for n >= 3.
 * Returns p with x[0..p] <= pivot <= x[p+1..n-1] and 0 <= p < n - 1, so both parts are
 * non-empty. Runs of equal values are split evenly, which keeps heavy ties O(n log n). */
static size_t partition(double *x, size_t n)
{
    size_t mid = (n - 1) / 2;
    if (x[mid] < x[0])
        swap_d(&x[mid], &x[0]);
    if (x[n - 1] < x[0])
        swap_d(&x[n - 1], &x[0]);
    if (x[n - 1] < x[mid])
        swap_d(&x[n - 1], &x[mid]);
    double pivot = x[mid];
    size_t i = 0, j = n - 1;
    for (;;) {
        while (x[i] < pivot)
            i++;
        while (x[j] > pivot)
            j--;
        if (i >= j)
            return j;
        swap_d(&x[i], &x[j]);
        i++;
        j--;
    }
}

static unsigned depth_limit(size_t n)
{
    unsigned depth = 0;
    while (n > 1) {
        n >>= 1;
        depth += 2;
    }
    return depth;
}

/* Introsort (Musser 1997): quicksort, insertion sort for short ranges, heap sort when the
 * recursion gets too deep. Recurses into the smaller part so the stack stays O(log n). */
static void intro_sort(double *x, size_t n, unsigned depth)
{
    while (n > 16) {
        if (depth == 0) {
            heap_sort(x, n);
            return;
        }
        depth--;
        size_t p = partition(x, n) + 1;
        if (p < n - p) {
            intro_sort(x, p, depth);
            x += p;
            n -= p;
        } else {
            intro_sort(x + p, n - p, depth);
            n = p;
        }
    }
    insertion_sort(x, n);
}

void mb__sort(double *x, size_t n)
{
    intro_sort(x, n, depth_limit(n));
}

/* Quickselect (Hoare 1961) with the same depth guard: afterwards x[k] holds the k-th
 * smallest value (0-based), everything before it is <= x[k] and everything after >= x[k]. */
static double select_kth(double *x, size_t n, size_t k)
{
    double *base = x;
    size_t k0 = k;
    unsigned depth = depth_limit(n);
    while (n > 16) {
        if (depth == 0) {
            heap_sort(x, n);
            return base[k0];
        }
        depth--;
        size_t p = partition(x, n) + 1;
        if (k < p) {
            n = p;
        } else {
            x += p;
            n -= p;
            k -= p;
        }
    }
    insertion_sort(x, n);
    return base[k0];
}

static double max_of(const double *x, size_t n)
{
    double m = x[0];
    for (size_t i = 1; i < n; i++)
        if (x[i] > m)
            m = x[i];
    return m;
}

static double min_of(const double *x, size_t n)
{
    double m = x[0];
    for (size_t i = 1; i < n; i++)
        if (x[i] < m)
            m = x[i];
    return m;
}

/* The midpoint of two values, correctly rounded and free of overflow. Every median in this
 * file goes through it, so a median computed by selection, by sorting or from bootstrap
 * counts is the same double. */
static double midpoint(double a, double b)
{
    return 0.5 * a + 0.5 * b;
}

/* Type-7 interpolation between the order statistics lo and hi at fraction frac. */
static double lerp7(double lo, double hi, double frac)
{
    return frac == 0.0 ? lo : lo + frac * (hi - lo);
}

/* Floyd & Rivest 1975 (CACM 18(3), "Expected time bounds for selection", algorithm SELECT):
 * before partitioning, recursively select k within a window of about n^(2/3) values around
 * the expected position, so the pivot lands next to the k-th value and the partition
 * discards nearly everything in one pass with well-predicted branches. About n + min(k,
 * n - k) comparisons; used for the bootstrap's replicates, where the quantiles sought are
 * far from the middle. A guard on the number of rounds falls back to heap sort. Afterwards
 * a[k] holds the k-th smallest of a[left..right], smaller values before it, larger after. */
static void fr_select(double *a, ptrdiff_t left, ptrdiff_t right, ptrdiff_t k)
{
    for (int rounds = 0; right > left; rounds++) {
        if (rounds > 64) {
            heap_sort(a + left, (size_t)(right - left + 1));
            return;
        }
        if (right - left > 600) {
            double n = (double)(right - left + 1), i = (double)(k - left + 1);
            double z = log(n), s = 0.5 * exp(2.0 * z / 3.0);
            double sd = 0.5 * sqrt(z * s * (n - s) / n) * (i < n / 2.0 ? -1.0 : 1.0);
            double new_left = floor((double)k - i * s / n + sd);
            double new_right = floor((double)k + (n - i) * s / n + sd);
            fr_select(a, new_left > (double)left ? (ptrdiff_t)new_left : left,
                      new_right < (double)right ? (ptrdiff_t)new_right : right, k);
        }
        double pivot = a[k];
        ptrdiff_t i = left, j = right;
        swap_d(&a[left], &a[k]);
        if (a[right] > pivot)
            swap_d(&a[right], &a[left]);
        while (i < j) {
            swap_d(&a[i], &a[j]);
            i++;
            j--;
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
        }
        if (a[left] == pivot) {
            swap_d(&a[left], &a[j]);
        } else {
            j++;
            swap_d(&a[j], &a[right]);
        }
        if (j <= k)
            left = j + 1;
        if (k <= j)
            right = j - 1;
    }
}

/* Type-7 quantile of unsorted data by selection, O(n); x is reordered. */
static double quantile_select(double *x, size_t n, double p)
{
    if (n == 0 || !(p >= 0.0 && p <= 1.0))
        return NAN;
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)h;
    if (lo >= n - 1)
        return max_of(x, n);
    double frac = h - (double)lo;
    fr_select(x, 0, (ptrdiff_t)n - 1, (ptrdiff_t)lo);
    if (frac == 0.0)
        return x[lo];
    return lerp7(x[lo], min_of(x + lo + 1, n - lo - 1), frac);
}

/* ---- Descriptive statistics ---------------------------------------------------------- */

/* A sum with Neumaier's (1974) compensation: c collects the rounding error of every
 * addition, so the sum is accurate to about one rounding whatever the order of the terms. */
typedef struct comp_sum {
    double s, c;
} comp_sum;

static void comp_add(comp_sum *a, double x)
{
    double t = a->s + x;
    if (fabs(a->s) >= fabs(x))
        a->c += (a->s - t) + x;
    else
        a->c += (x - t) + a->s;
    a->s = t;
}

/* The mean: a first, plain pass gives m; a second adds the mean of the residuals x - m, summed
 * with compensation, which removes the rounding of the first pass. The result is within about
 * an ulp of the true mean (plus eps times the spread), and the mean of equal values is
 * exactly that value. */
double mb__mean(const double *x, size_t n)
{
    if (n == 0)
        return NAN;
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += x[i];
    double m = sum / (double)n;
    if (!isfinite(m))
        return m;
    comp_sum resid = {0.0, 0.0};
    for (size_t i = 0; i < n; i++)
        comp_add(&resid, x[i] - m);
    return m + (resid.s + resid.c) / (double)n;
}

/* Sum of squared deviations from the mean, corrected two-pass: the second term removes the
 * error left by an inexact mean (Chan, Golub & LeVeque 1983, eq. 1.7). */
static double sum_sq_dev(const double *x, size_t n, double m)
{
    double ss = 0.0, s = 0.0;
    for (size_t i = 0; i < n; i++) {
        double d = x[i] - m;
        ss += d * d;
        s += d;
    }
    double r = ss - s * s / (double)n;
    return isnan(r) || r > 0.0 ? r : 0.0; /* rounding can leave a hair below 0; NaN stays */
}

double mb__variance(const double *x, size_t n)
{
    if (n < 2)
        return NAN;
    return sum_sq_dev(x, n, mb__mean(x, n)) / (double)(n - 1);
}

double mb__std_dev(const double *x, size_t n)
{
    return sqrt(mb__variance(x, n));
}

double mb__min(const double *x, size_t n)
{
    return n == 0 ? NAN : min_of(x, n);
}

double mb__max(const double *x, size_t n)
{
    return n == 0 ? NAN : max_of(x, n);
}

double mb__quantile_sorted(const double *sorted, size_t n, double p)
{
    if (n == 0 || !(p >= 0.0 && p <= 1.0))
        return NAN;
    /* Hyndman & Fan 1996, type 7: h = (n - 1) p, interpolate between x[floor h] and the next. */
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)h;
    if (lo >= n - 1)
        return sorted[n - 1];
    return lerp7(sorted[lo], sorted[lo + 1], h - (double)lo);
}

double mb__median_sorted(const double *sorted, size_t n)
{
    if (n == 0)
        return NAN;
    if (n % 2 == 1)
        return sorted[n / 2];
    return midpoint(sorted[n / 2 - 1], sorted[n / 2]);
}

/* Median of scratch (n >= 1 values), which is reordered. */
static double median_in_place(double *scratch, size_t n)
{
    double hi = select_kth(scratch, n, n / 2);
    if (n % 2 == 1)
        return hi;
    /* After selection the lower half holds the n/2 smallest values; the largest of them is
     * the lower middle. */
    return midpoint(max_of(scratch, n / 2), hi);
}

double mb__median(const double *x, size_t n, double *scratch)
{
    if (n == 0)
        return NAN;
    memcpy(scratch, x, n * sizeof *x);
    return median_in_place(scratch, n);
}

double mb__median_per_iter(const uint64_t *iters, const double *ns, size_t n, double *scratch)
{
    if (n == 0)
        return NAN;
    for (size_t i = 0; i < n; i++)
        scratch[i] = ns[i] / (double)iters[i];
    return mb__median(scratch, n, scratch + n);
}

double mb__mad(const double *x, size_t n, double *scratch)
{
    if (n == 0)
        return NAN;
    double m = mb__median(x, n, scratch);
    for (size_t i = 0; i < n; i++)
        scratch[i] = fabs(x[i] - m);
    return MAD_SCALE * median_in_place(scratch, n);
}

double mb__cv(const double *x, size_t n)
{
    double m = mb__mean(x, n);
    if (n < 2 || m == 0.0)
        return NAN;
    return mb__std_dev(x, n) / m;
}

double mb__mdape(const double *x, size_t n, double *scratch)
{
    if (n == 0)
        return NAN;
    double m = mb__median(x, n, scratch);
    if (m == 0.0)
        return NAN;
    double scale = fabs(m);
    for (size_t i = 0; i < n; i++)
        scratch[i] = fabs(x[i] - m) / scale;
    return median_in_place(scratch, n);
}

int mb__ols(const double *x, const double *y, size_t n, double *slope, double *intercept,
            double *r_squared)
{
    *slope = *intercept = *r_squared = NAN;
    if (n < 2)
        return -1;
    size_t i = 1;
    while (i < n && x[i] == x[0])
        i++;
    if (i == n)
        return -1;
    /* Centred sums, so that a large offset in x or y cannot cancel digits. */
    double mx = mb__mean(x, n), my = mb__mean(y, n);
    double sxx = 0.0, sxy = 0.0, syy = 0.0;
    for (i = 0; i < n; i++) {
        double dx = x[i] - mx, dy = y[i] - my;
        sxx += dx * dx;
        sxy += dx * dy;
        syy += dy * dy;
    }
    if (!(sxx > 0.0))
        return -1; /* distinct x whose deviations underflow: no usable fit */
    double b = sxy / sxx;
    double ss_res = 0.0;
    for (i = 0; i < n; i++) {
        double r = (y[i] - my) - b * (x[i] - mx);
        ss_res += r * r;
    }
    *slope = b;
    *intercept = my - b * mx;
    /* With SS_tot = 0 every centred y is 0, so the slope and the residuals are 0 too: the
     * fit is exact. */
    double r2 = syy > 0.0 ? 1.0 - ss_res / syy : 1.0;
    *r_squared = r2 < 0.0 ? 0.0 : r2;
    return 0;
}

/* ---- Distributions ------------------------------------------------------------------- */

double mb__normal_cdf(double z)
{
    if (isnan(z))
        return NAN;
    /* Phi(z) = erfc(-z / sqrt 2) / 2. In the far lower tail erfc's relative error grows with
     * the rounding error of its argument (by about 2 x^2 times), so that rounding error is
     * computed exactly (fma and the low part of sqrt 1/2) and corrected to first order:
     * d erfc(x) / dx = -2 exp(-x^2) / sqrt(pi). */
    double x = -z * SQRT1_2_HI;
    double err = fma(-z, SQRT1_2_HI, -x) + -z * SQRT1_2_LO;
    double p = 0.5 * erfc(x);
    if (x > 1.0 && p > 0.0)
        p -= err * exp(-x * x) * ONE_OVER_SQRT_PI;
    return p;
}

/* Algorithm AS 241 (PPND16), Wichura 1988, "The percentage points of the normal
 * distribution", Applied Statistics 37(3): rational approximations in three ranges, accurate
 * to about 1e-16. */
static double poly7(const double c[8], double r)
{
    double v = c[7];
    for (int i = 6; i >= 0; i--)
        v = v * r + c[i]; /* Horner */
    return v;
}

double mb__normal_quantile(double p)
{
    static const double a[8] = {3.3871328727963666080e0,  1.3314166789178437745e+2,
                                1.9715909503065514427e+3, 1.3731693765509461125e+4,
                                4.5921953931549871457e+4, 6.7265770927008700853e+4,
                                3.3430575583588128105e+4, 2.5090809287301226727e+3};
    static const double b[8] = {1.0,
                                4.2313330701600911252e+1,
                                6.8718700749205790830e+2,
                                5.3941960214247511077e+3,
                                2.1213794301586595867e+4,
                                3.9307895800092710610e+4,
                                2.8729085735721942674e+4,
                                5.2264952788528545610e+3};
    static const double c[8] = {1.42343711074968357734e0,  4.63033784615654529590e0,
                                5.76949722146069140550e0,  3.64784832476320460504e0,
                                1.27045825245236838258e0,  2.41780725177450611770e-1,
                                2.27238449892691845833e-2, 7.74545014278341407640e-4};
    static const double d[8] = {1.0,
                                2.05319162663775882187e0,
                                1.67638483018380384940e0,
                                6.89767334985100004550e-1,
                                1.48103976427480074590e-1,
                                1.51986665636164571966e-2,
                                5.47593808499534494600e-4,
                                1.05075007164441684324e-9};
    static const double e[8] = {6.65790464350110377720e0,  5.46378491116411436990e0,
                                1.78482653991729133580e0,  2.96560571828504891230e-1,
                                2.65321895265761230930e-2, 1.24266094738807843860e-3,
                                2.71155556874348757815e-5, 2.01033439929228813265e-7};
    static const double f[8] = {1.0,
                                5.99832206555887937690e-1,
                                1.36929880922735805310e-1,
                                1.48753612908506148525e-2,
                                7.86869131145613259100e-4,
                                1.84631831751005468180e-5,
                                1.42151175831644588870e-7,
                                2.04426310338993978564e-15};
    if (!(p >= 0.0 && p <= 1.0))
        return NAN;
    if (p == 0.0)
        return -INFINITY;
    if (p == 1.0)
        return INFINITY;
    double q = p - 0.5;
    if (fabs(q) <= 0.425) {
        double r = 0.180625 - q * q;
        return q * poly7(a, r) / poly7(b, r);
    }
    /* Tails: r = sqrt(-log(min(p, 1 - p))); 1 - p is exact here because p > 0.5. */
    double r = sqrt(-log(q < 0.0 ? p : 1.0 - p));
    double z;
    if (r <= 5.0) {
        r -= 1.6;
        z = poly7(c, r) / poly7(d, r);
    } else {
        r -= 5.0;
        z = poly7(e, r) / poly7(f, r);
    }
    return q < 0.0 ? -z : z;
}

#define LOG_2PI 1.8378770664093454836

/* The error of Stirling's formula, delta(z) = lgamma(z) - ((z - 1/2) ln z - z + ln(2 pi)/2),
 * for z > 0: its asymptotic series (coefficients B_2k / (2k (2k - 1))) from z = 10 on, where
 * the first omitted term is below 2e-14. Below 10, by the recurrence that lgamma(z) =
 * lgamma(z + 1) - ln z gives,
 *   delta(z) = delta(z + 1) + (z + 1/2) ln(1 + 1/z) - 1,
 * whose terms are small for z near 10 and free of cancellation near 0. Not glibc's lgamma:
 * it writes the global signgam, and nothing in the analysis may write global state. */
static double stirling_delta(double z)
{
    double shift = 0.0;
    int steps = z < 10.0 ? (int)ceil(10.0 - z) : 0; /* up to 10.0, as z steps by 1 */
    for (int i = 0; i < steps; i++) {
        shift += (z + 0.5) * log1p(1.0 / z) - 1.0;
        z += 1.0;
    }
    double z2 = z * z;
    return shift + (1.0 / 12 -
                    (1.0 / 360 - (1.0 / 1260 - (1.0 / 1680 - (1.0 / 1188) / z2) / z2) / z2) / z2) /
                       z;
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
/* One term of the modified Lentz algorithm: the numerator and denominator ratios updated with
 * coefficient coef (kept away from 0), and the factor the fraction's value takes from them. */
static double lentz_step(double coef, double *num, double *den)
{
    const double tiny = 1e-300;
    *den = 1.0 + coef * *den;
    *num = 1.0 + coef / *num;
    if (fabs(*den) < tiny)
        *den = tiny;
    if (fabs(*num) < tiny)
        *num = tiny;
    *den = 1.0 / *den;
    return *den * *num;
}

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
        f *= lentz_step(m * (b - m) * x / ((a + two_m - 1.0) * (a + two_m)), &num, &den);
        double step =
            lentz_step(-(a + m) * (a + b + m) * x / ((a + two_m) * (a + two_m + 1.0)), &num, &den);
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

/* Up to this n the tails are summed term by term (binomial coefficients fit in a double). */
#define BINOM_SUM_MAX_N 50

/* P(B <= k) for B ~ Binomial(n, p), q = 1 - p, as the sum of its terms t_0 = q^n,
 * t_(i+1) = t_i (n - i) / (i + 1) (p / q), all positive: accurate to a few ulps, and exact at
 * p = 1/2, where every term and partial sum is a multiple of 2^-n below 1. Returns 0, or -1
 * when q^n is not a normal number (the terms would underflow). */
static int binom_sum(uint64_t k, uint64_t n, double p, double q, double *sum)
{
    double term = pow(q, (double)n), ratio = p / q;
    if (!(term >= DBL_MIN))
        return -1;
    *sum = term;
    for (uint64_t i = 0; i < k; i++) {
        term = term * (double)(n - i) / (double)(i + 1) * ratio;
        *sum += term;
    }
    return 0;
}

/* P(B <= k) and P(B > k) for B ~ Binomial(n, p), k < n, 0 < p < 1: for small n each summed
 * from its own end, so that a small tail keeps its digits; else P(B <= k) =
 * I_{1-p}(n - k, k + 1) (Abramowitz & Stegun 26.5.24). */
static void binom_tails(uint64_t k, uint64_t n, double p, double *lower, double *upper)
{
    double q = 1.0 - p;
    if (n <= BINOM_SUM_MAX_N && binom_sum(k, n, p, q, lower) == 0 &&
        binom_sum(n - k - 1, n, q, p, upper) == 0)
        return;
    incomplete_beta((double)(n - k), (double)k + 1.0, q, p, lower, upper);
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

double mb__student_two_sided(double t, double df)
{
    if (isnan(t) || !(df > 0.0))
        return NAN;
    if (isinf(t))
        return 0.0;
    /* P(|T| >= t) = I_x(df / 2, 1 / 2) with x = df / (df + t^2) (Abramowitz & Stegun
     * 26.7.1); y = 1 - x is formed directly, so a small t keeps its digits. */
    double t2 = t * t, x = df / (df + t2), y = t2 / (df + t2);
    if (y == 0.0)
        return 1.0;
    double value, complement;
    incomplete_beta(df / 2.0, 0.5, x, y, &value, &complement);
    return value;
}

double mb__student_quantile(double p, double df)
{
    if (!(p > 0.0 && p < 1.0) || !(df > 0.0))
        return NAN;
    if (p == 0.5)
        return 0.0;
    /* Bisection on the two-sided tail, which falls monotonically in t: 200 halvings of
     * [0, 1e300] reach the last bit. The target tail is 2 min(p, 1 - p). */
    double tail = 2.0 * (p < 0.5 ? p : 1.0 - p), lo = 0.0, hi = 1.0;
    while (mb__student_two_sided(hi, df) > tail && hi < 1e300)
        hi *= 2.0;
    for (int i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
        double mid = 0.5 * (lo + hi);
        if (mb__student_two_sided(mid, df) > tail)
            lo = mid;
        else
            hi = mid;
    }
    double t = 0.5 * (lo + hi);
    return p < 0.5 ? -t : t;
}

int mb__mean_interval(const double *x, size_t n, double conf, double *mean, double *low,
                      double *high, double *sd)
{
    *mean = *low = *high = *sd = NAN;
    if (n < 2 || !(conf > 0.0 && conf < 1.0))
        return -1;
    *mean = mb__mean(x, n);
    *sd = mb__std_dev(x, n);
    double half = mb__student_quantile((1.0 + conf) / 2.0, (double)(n - 1)) * *sd / sqrt((double)n);
    *low = *mean - half;
    *high = *mean + half;
    return isnan(half) ? -1 : 0;
}

/* ---- Random numbers ------------------------------------------------------------------ */

/* splitmix64 (Steele, Lea & Flood 2014), used only to spread a seed over the state. */
static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

void mb__rng_seed(mb__rng *rng, uint64_t seed)
{
    uint64_t state = seed;
    for (int i = 0; i < 4; i++)
        rng->s[i] = splitmix64(&state);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* xoshiro256** (Blackman & Vigna 2018, "Scrambled linear pseudorandom number generators"). */
static inline uint64_t rng_next(mb__rng *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t mb__rng_next(mb__rng *rng)
{
    return rng_next(rng);
}

/* High and low halves of the 128-bit product a * b. */
static inline uint64_t mul_64x64(uint64_t a, uint64_t b, uint64_t *low)
{
#if defined(__SIZEOF_INT128__)
    __extension__ typedef unsigned __int128 u128;
    u128 p = (u128)a * b;
    *low = (uint64_t)p;
    return (uint64_t)(p >> 64);
#else
    uint64_t a_lo = a & 0xffffffffu, a_hi = a >> 32, b_lo = b & 0xffffffffu, b_hi = b >> 32;
    uint64_t ll = a_lo * b_lo, lh = a_lo * b_hi, hl = a_hi * b_lo, hh = a_hi * b_hi;
    uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);
    *low = (mid << 32) | (ll & 0xffffffffu);
    return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
#endif
}

/* Lemire 2019, "Fast random integer generation in an interval": the high word of x * bound
 * is uniform on [0, bound) once the draws whose low word falls below 2^64 mod bound are
 * rejected; the costly modulo is only computed when a rejection is possible. */
static inline uint64_t rng_below(mb__rng *rng, uint64_t bound)
{
    uint64_t low;
    uint64_t high = mul_64x64(rng_next(rng), bound, &low);
    if (low < bound) {
        uint64_t threshold = (0 - bound) % bound;
        while (low < threshold)
            high = mul_64x64(rng_next(rng), bound, &low);
    }
    return high;
}

uint64_t mb__rng_below(mb__rng *rng, uint64_t bound)
{
    return rng_below(rng, bound);
}

double mb__rng_unit(mb__rng *rng)
{
    return (double)(rng_next(rng) >> 11) * 0x1p-53;
}

void mb__shuffle_u32(mb__rng *rng, uint32_t *v, size_t n)
{
    /* Durstenfeld's in-place Fisher-Yates: position i - 1 takes a uniform pick of [0, i). */
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)rng_below(rng, i);
        uint32_t t = v[i - 1];
        v[i - 1] = v[j];
        v[j] = t;
    }
}

/* ---- Intervals ----------------------------------------------------------------------- */

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

/* The coverage of [x_(l), x_(n+1-l)] for the median: the number of values below the true
 * median is Binomial(n, 1/2) for continuous data, so it is 1 - 2 P(X <= l - 1) (e.g. Hollander
 * & Wolfe, Nonparametric Statistical Methods, 3.6). */
static double os_coverage(size_t l, size_t n)
{
    return 1.0 - 2.0 * mb__binom_cdf(l - 1, n, 0.5);
}

/* The largest rank l whose interval [x_(l), x_(n+1-l)] still reaches conf: the lower rank of
 * the median's equal-tailed interval (symmetric, as the binomial is at p = 1/2); 0 when even
 * [min, max] falls short. */
static size_t os_rank(size_t n, double conf)
{
    uint64_t lo, hi;
    return mb__quantile_ranks(n, 0.5, conf, &lo, &hi) == 0 ? (size_t)lo : 0;
}

int mb__median_os_interval(const double *sorted, size_t n, double conf, double *low, double *high,
                           double *level)
{
    *low = *high = *level = NAN;
    if (n == 0)
        return -1;
    size_t l = os_rank(n, conf);
    if (l == 0)
        l = 1; /* too few values for conf: the widest interval, [min, max] */
    *low = sorted[l - 1];
    *high = sorted[n - l];
    *level = os_coverage(l, n);
    return 0;
}

int mb__median_hs_interval(const double *sorted, size_t n, double conf, double *low, double *high,
                           double *level)
{
    if (mb__median_os_interval(sorted, n, conf, low, high, level) != 0)
        return -1;
    size_t k = os_rank(n, conf);
    /* Interpolate between [x_(k), x_(n+1-k)] (coverage g_k >= conf) and the next narrower
     * [x_(k+1), x_(n-k)] (g_k1 < conf), which must exist and be a proper interval (Hettmansperger
     * & Sheather 1986, "Confidence intervals based on interpolated order statistics"):
     *   I = (g_k - conf) / (g_k - g_k1),  lambda = (n - k) I / (k + (n - 2k) I),
     *   [(1 - lambda) x_(k) + lambda x_(k+1),  lambda x_(n-k) + (1 - lambda) x_(n+1-k)]. */
    if (k == 0 || 2 * (k + 1) > n + 1)
        return 0;
    double g_k = os_coverage(k, n), g_k1 = os_coverage(k + 1, n);
    if (!(g_k > g_k1))
        return 0;
    double i = (g_k - conf) / (g_k - g_k1);
    double lambda = ((double)(n - k) * i) / ((double)k + (double)(n - 2 * k) * i);
    *low = (1.0 - lambda) * sorted[k - 1] + lambda * sorted[k];
    *high = lambda * sorted[n - k - 1] + (1.0 - lambda) * sorted[n - k];
    *level = conf;
    return 0;
}

/* Percentile interval bounds at levels alpha and 1 - alpha, where alpha = (1 - conf)/2. */
static void percentile_levels(double conf, double *p_low, double *p_high)
{
    double alpha = (1.0 - conf) / 2.0;
    *p_low = alpha;
    *p_high = 1.0 - alpha;
}

void mb__percentile_interval(double *replicates, size_t b, double conf, double *low, double *high)
{
    double p_low, p_high;
    percentile_levels(conf, &p_low, &p_high);
    mb__sort(replicates, b);
    *low = mb__quantile_sorted(replicates, b, p_low);
    *high = mb__quantile_sorted(replicates, b, p_high);
}

/* The jackknife estimate of the acceleration, a = sum d^3 / (6 (sum d^2)^(3/2)) with
 * d = mean(jack) - jack[i] (Efron 1987, eq. 6.6; Efron & Tibshirani 1993, eq. 14.15). It is 0
 * when there is no jackknife information (n < 2, or every value equal), and NaN when a
 * jackknife value is not finite. */
static double acceleration(const double *jack, size_t n)
{
    if (jack == NULL || n < 2)
        return 0.0;
    double m = mb__mean(jack, n);
    double s2 = 0.0, s3 = 0.0;
    for (size_t i = 0; i < n; i++) {
        double d = m - jack[i];
        s2 += d * d;
        s3 += d * d * d;
    }
    if (s2 == 0.0)
        return 0.0;
    return s3 / (6.0 * s2 * sqrt(s2));
}

/* BCa (Efron 1987): with z0 = Phi^-1(share of replicates below theta_hat, ties counted half)
 * and z_a = Phi^-1(a), the interval's levels are Phi(z0 + (z0 + z_a) / (1 - acc (z0 + z_a)))
 * for a = alpha and 1 - alpha. Returns -1 (levels untouched) when the correction is not
 * finite, so the caller keeps the percentile levels.
 *
 * Ties: exact ties are common (every resample that permutes the data, 1.5 % of them for
 * n = 6; quantised times), but a replicate and theta_hat are computed in different orders
 * and can differ in their last bits, and an exact comparison would then count a tie as
 * below or above at random and shift z0. So a replicate within 16 ulps of theta_hat, or
 * within 1e-9 of the replicates' range (for a theta_hat near 0, whose rounding follows the
 * scale of the data), counts as equal. Both margins are far below the replicates' spread,
 * so they change nothing for untied continuous data.
 */
static int bca_levels(const double *replicates, size_t b, double theta_hat, const double *jack,
                      size_t n, double conf, double *p_low, double *p_high)
{
    double tol =
        16 * 0x1p-52 * fabs(theta_hat) + 1e-9 * (max_of(replicates, b) - min_of(replicates, b));
    size_t below = 0, equal = 0;
    for (size_t i = 0; i < b; i++) {
        below += replicates[i] < theta_hat - tol;
        equal += fabs(replicates[i] - theta_hat) <= tol;
    }
    double z0 = mb__normal_quantile(((double)below + 0.5 * (double)equal) / (double)b);
    double acc = acceleration(jack, n);
    if (!isfinite(z0) || !isfinite(acc))
        return -1;
    double z_alpha = mb__normal_quantile((1.0 - conf) / 2.0);
    double zl = z0 + z_alpha, zh = z0 - z_alpha;
    double lo = mb__normal_cdf(z0 + zl / (1.0 - acc * zl));
    double hi = mb__normal_cdf(z0 + zh / (1.0 - acc * zh));
    if (isnan(lo) || isnan(hi))
        return -1;
    *p_low = lo;
    *p_high = hi;
    return 0;
}

void mb__bca_interval(double *replicates, size_t b, double theta_hat, const double *jack, size_t n,
                      double conf, double *low, double *high)
{
    double p_low, p_high;
    percentile_levels(conf, &p_low, &p_high);
    mb__sort(replicates, b);
    if (b > 0)
        bca_levels(replicates, b, theta_hat, jack, n, conf, &p_low, &p_high);
    *low = mb__quantile_sorted(replicates, b, p_low);
    *high = mb__quantile_sorted(replicates, b, p_high);
}

/* ---- The bootstrap of one benchmark's samples ------------------------------------------ */

/*
 * The sample is ordered once by per-iteration time. A resample is then a vector of counts
 * over that order (how often each sample was drawn), and every statistic of it follows in
 * O(n) without sorting the resample:
 *  - min and median by walking the cumulative counts;
 *  - the MAD by walking the positions in order of distance from the resample's median: the
 *    deviations on either side of the median form two sorted runs, whose merge depends only
 *    on which positions hold the middle ranks, so each merge is kept in a small cache and
 *    reused by every resample with the same middle;
 *  - mean, standard deviation and slope from sums accumulated while drawing, of values
 *    centred on the sample (t on its median, x and y on their means). These "shifted data"
 *    sums (Chan, Golub & LeVeque 1983, section 3) lose a factor kappa^2 = sum d^2 / sum (d -
 *    mean d)^2 of precision in the subtraction; with the shift inside the sample that factor
 *    is usually near 1 + 1/n. A resample where it exceeds MAX_COND (a few nearly equal values
 *    far from the median, as when the median falls between two clusters) is recomputed by
 *    the two-pass algorithm on the raw values instead; so is a mean that cancels against
 *    the shift by more than that factor.
 * The intervals are percentile for the median, MAD and min, whose bootstrap distributions are
 * discrete, and BCa for the smooth mean, standard deviation and slope (DESIGN.md section 5).
 */
#define MAX_COND 1024.0

/* What one draw of a position adds to the sums: t centred on the median (d), x and y
 * centred on their means (u, v), their squares and the cross product. */
typedef struct draw_terms {
    double d, dd, u, uu, v, vv, uv;
} draw_terms;

typedef struct boot_sample {
    size_t n, k1, k2;  /* the middle ranks (0-based) of n values: equal when n is odd */
    const double *t;   /* per-iteration times, ascending */
    double center;     /* median of t */
    const double *dev; /* t - center, by position */
    int with_slope;
    const double *x, *y;   /* iterations and total time of the sample at each position */
    const double *xc, *yc; /* x - mean(x), y - mean(y), by position */
    size_t slots;          /* MAD merge cache: slots x (n + 4) positions */
    uint64_t *keys;        /* 0 when a slot is empty */
    uint32_t *orders;
} boot_sample;

/* Positions in order of distance from the median m, given the position r1 of the lower
 * middle rank and the first position rs after it that the right run starts at (for an even
 * n whose middle ranks fall on different positions, the upper one; the positions in
 * between were not drawn). Values at or before r1 are <= m and their deviations m - t grow
 * as the position falls; values from rs on are >= m and their deviations t - m grow with
 * the position. The merge is cached per (r1, rs, same): m is a function of those. */
static const uint32_t *mad_order(boot_sample *bs, size_t r1, size_t rs, int same, double m)
{
    size_t n = bs->n;
    uint64_t key = ((((uint64_t)r1 * (n + 1) + rs) << 1) | (uint64_t)same) + 1;
    /* Neighbouring middles get neighbouring slots: eight per lower middle position (the
     * middle on one position, or split with a gap of 0 to 5 or more positions between). */
    size_t gap = rs - r1 - 1;
    size_t slot = (8 * r1 + (same ? 0 : 1 + (gap < 6 ? gap : 6))) % bs->slots;
    uint32_t *order = bs->orders + slot * (n + 4);
    if (bs->keys[slot] == key)
        return order;
    bs->keys[slot] = key;
    const double *t = bs->t;
    size_t left = r1 + 1, right = rs, i = 0; /* left: one past the next left position */
    while (left > 0 || right < n) {
        if (right >= n || (left > 0 && m - t[left - 1] <= t[right] - m))
            order[i++] = (uint32_t)--left;
        else
            order[i++] = (uint32_t)right++;
    }
    /* Four entries past the end name position n, whose count is always 0, so the walk can
     * read a block of four anywhere. */
    for (int k = 0; k < 4; k++)
        order[i++] = (uint32_t)n;
    return order;
}

/* Mean of the drawn values (v at each position, weight w), as mb__mean: a plain pass, then
 * the compensated mean of the residuals. */
static double weighted_mean(const double *v, const uint32_t *w, size_t n)
{
    double s = 0.0;
    for (size_t r = 0; r < n; r++)
        s += (double)w[r] * v[r];
    double m = s / (double)n;
    if (!isfinite(m))
        return m;
    comp_sum resid = {0.0, 0.0};
    for (size_t r = 0; r < n; r++)
        if (w[r] != 0)
            comp_add(&resid, (double)w[r] * (v[r] - m));
    return m + (resid.s + resid.c) / (double)n;
}

/* Sum of squared deviations of the drawn values from their mean, corrected two-pass (as
 * sum_sq_dev); *mean receives the mean. */
static double weighted_ss(const double *v, const uint32_t *w, size_t n, double *mean)
{
    double m = weighted_mean(v, w, n), ss = 0.0, c = 0.0;
    for (size_t r = 0; r < n; r++) {
        double e = v[r] - m, we = (double)w[r] * e;
        ss += we * e;
        c += we;
    }
    *mean = m;
    ss -= c * c / (double)n;
    return isnan(ss) || ss > 0.0 ? ss : 0.0;
}

/* The minimum and median of one resample, given as counts w over the sorted order. *r1
 * receives the lower middle rank; for an even n whose upper middle rank lies further on, *rs
 * the next drawn position (the median is then the midpoint of the two) and *same 0. */
static double resample_median(const boot_sample *bs, const uint32_t *w, double *min, size_t *r1,
                              size_t *rs, int *same)
{
    size_t k1 = bs->k1, k2 = bs->k2, r = 0;
    const double *t = bs->t;
    while (w[r] == 0)
        r++;
    *min = t[r];
    /* Four counts at a time while the whole block stays at or below the lower middle rank
     * (the count array has four zero counts past the end). */
    size_t cum = 0;
    while (cum + w[r] + w[r + 1] + w[r + 2] + w[r + 3] <= k1) {
        cum += w[r] + w[r + 1] + w[r + 2] + w[r + 3];
        r += 4;
    }
    while (cum + w[r] <= k1)
        cum += w[r++];
    *r1 = r;
    *rs = r + 1;
    *same = 1;
    double m = t[r];
    if (k2 != k1 && cum + w[r] <= k2) {
        while (w[*rs] == 0)
            (*rs)++;
        *same = 0;
        m = midpoint(m, t[*rs]);
    }
    return m;
}

/* The scaled MAD of one resample whose median m came from ranks r1, rs (resample_median). */
static double resample_mad(boot_sample *bs, const uint32_t *w, size_t r1, size_t rs, int same,
                           double m)
{
    size_t k1 = bs->k1, k2 = bs->k2;
    const double *t = bs->t;
    const uint32_t *order = mad_order(bs, r1, rs, same, m);
    size_t i = 0, cum = 0;
    while (cum + w[order[i]] + w[order[i + 1]] + w[order[i + 2]] + w[order[i + 3]] <= k1) {
        cum += w[order[i]] + w[order[i + 1]] + w[order[i + 2]] + w[order[i + 3]];
        i += 4;
    }
    while (cum + w[order[i]] <= k1)
        cum += w[order[i++]];
    double dev1 = fabs(t[order[i]] - m), dev2 = dev1;
    if (k2 != k1 && cum + w[order[i]] <= k2) {
        do
            i++;
        while (w[order[i]] == 0);
        dev2 = fabs(t[order[i]] - m);
    }
    return MAD_SCALE * (k1 == k2 ? dev1 : midpoint(dev1, dev2));
}

/* The OLS slope of one resample: NAN unless two distinct x were drawn. first is the rank of
 * the first drawn sample. */
static double resample_slope(const boot_sample *bs, const uint32_t *w, const draw_terms *sum,
                             int exact, size_t first)
{
    size_t n = bs->n, r = first + 1;
    double nd = (double)n;
    const double *x = bs->x;
    while (r < n && (w[r] == 0 || x[r] == x[first]))
        r++;
    if (r == n)
        return NAN;
    double sxx = sum->uu - sum->u * sum->u / nd, syy = sum->vv - sum->v * sum->v / nd;
    double sxy = sum->uv - sum->u * sum->v / nd;
    if (exact || !(sxx * MAX_COND >= sum->uu) || !(syy * MAX_COND >= sum->vv)) {
        double mu, mv = weighted_mean(bs->y, w, n);
        sxx = weighted_ss(x, w, n, &mu);
        sxy = 0.0;
        for (r = 0; r < n; r++)
            sxy += (double)w[r] * (x[r] - mu) * (bs->y[r] - mv);
    }
    return sxx > 0.0 ? sxy / sxx : NAN;
}

/* All statistics of one resample, given as counts w over the sorted order (summing to n)
 * and the sums of its draws. With every count 1 this gives the statistics of the original
 * data; exact then forces the two-pass path. */
static void resample_stats(boot_sample *bs, const uint32_t *w, const draw_terms *sum, int exact,
                           double out[MB__BOOT_COUNT])
{
    size_t n = bs->n, r1, rs, first = 0;
    const double *t = bs->t;
    int same;
    double m = resample_median(bs, w, &out[MB__BOOT_MIN], &r1, &rs, &same);
    out[MB__BOOT_MEDIAN] = m;
    out[MB__BOOT_MAD] = resample_mad(bs, w, r1, rs, same, m);

    double nd = (double)n, md = sum->d / nd, mean = bs->center + md;
    if (exact || !(MAX_COND * fabs(mean) >= fabs(bs->center) + fabs(md)))
        mean = weighted_mean(t, w, n);
    out[MB__BOOT_MEAN] = mean;
    out[MB__BOOT_STD_DEV] = NAN;
    if (n > 1) {
        double ss = sum->dd - sum->d * md, unused;
        if (exact || !(ss * MAX_COND >= sum->dd))
            ss = weighted_ss(t, w, n, &unused);
        out[MB__BOOT_STD_DEV] = sqrt((isnan(ss) || ss > 0.0 ? ss : 0.0) / (nd - 1.0));
    }
    while (w[first] == 0)
        first++;
    out[MB__BOOT_SLOPE] = bs->with_slope ? resample_slope(bs, w, sum, exact, first) : NAN;
}

/* Jackknife (leave-one-out) values of the mean, standard deviation and slope, each shifted by
 * a constant (which the acceleration ignores) so that differences of a few ulps of a large
 * offset are never formed. The updates are O(n) each; when one deletion removes nearly all of
 * a sum of squares the update would cancel, and that value is recomputed directly. Sets
 * *n_mean, *n_sd, *n_slope to the number of values, 0 when the jackknife is undefined. */
static void jackknife(const boot_sample *bs, double slope, double *j_mean, size_t *n_mean,
                      double *j_sd, size_t *n_sd, double *j_slope, size_t *n_slope)
{
    size_t n = bs->n;
    double nd = (double)n;
    *n_mean = *n_sd = *n_slope = 0;
    if (n < 2)
        return;
    const double *dev = bs->dev;
    double md = mb__mean(dev, n);
    /* Mean without i: mean - (dev_i - mean) / (n - 1). */
    for (size_t i = 0; i < n; i++)
        j_mean[i] = -(dev[i] - md) / (nd - 1.0);
    *n_mean = n;
    if (n < 3)
        return;

    /* Sum of squares without i: M2 - e_i^2 n / (n - 1), e_i the deviation from the mean. */
    double m2 = sum_sq_dev(dev, n, md);
    for (size_t i = 0; i < n; i++) {
        double e = dev[i] - md;
        double m2_i = m2 - e * e * nd / (nd - 1.0);
        if (!(m2_i >= 1e-6 * m2)) {
            double s = 0.0;
            for (size_t j = 0; j < n; j++)
                s += j == i ? 0.0 : dev[j];
            double mi = s / (nd - 1.0), ss = 0.0;
            for (size_t j = 0; j < n; j++) {
                double d = dev[j] - mi;
                ss += j == i ? 0.0 : d * d;
            }
            m2_i = ss;
        }
        j_sd[i] = sqrt(m2_i / (nd - 2.0));
    }
    *n_sd = n;

    if (!isfinite(slope))
        return;
    /* Slope without i (the deletion formula of simple regression, e.g. Cook & Weisberg 1982,
     * section 3.4): b_(i) = b - (n / (n - 1)) u_i r_i / Sxx_(i), with u the centred x, r the
     * residual and Sxx_(i) = Sxx - u_i^2 n / (n - 1). */
    const double *xc = bs->xc, *yc = bs->yc;
    double mu = mb__mean(xc, n), mv = mb__mean(yc, n);
    double sxx = sum_sq_dev(xc, n, mu);
    for (size_t i = 0; i < n; i++) {
        double u = xc[i] - mu, r = (yc[i] - mv) - slope * u;
        double sxx_i = sxx - u * u * nd / (nd - 1.0);
        if (sxx_i >= 1e-6 * sxx) {
            j_slope[i] = -(nd / (nd - 1.0)) * u * r / sxx_i;
            continue;
        }
        double su = 0.0, sv = 0.0;
        for (size_t j = 0; j < n; j++) {
            su += j == i ? 0.0 : xc[j];
            sv += j == i ? 0.0 : yc[j];
        }
        double mui = su / (nd - 1.0), mvi = sv / (nd - 1.0), a = 0.0, c = 0.0;
        for (size_t j = 0; j < n; j++) {
            if (j == i)
                continue;
            a += (xc[j] - mui) * (xc[j] - mui);
            c += (xc[j] - mui) * (yc[j] - mvi);
        }
        j_slope[i] = a > 0.0 ? c / a - slope : NAN;
    }
    *n_slope = n;
}

/* Interval and standard error of one statistic from its b replicates (reordered). Replicates
 * that are not finite (a standard deviation of one value, a slope of a resample whose x are
 * all equal) are left out. Quantiles are found by selection: the same values a sort would
 * give, in O(b). */
static void finish_stat(double *rep, size_t b, double point, int bca, const double *jack,
                        size_t n_jack, double conf, mb__boot_stat *out)
{
    size_t m = 0;
    for (size_t i = 0; i < b; i++)
        if (isfinite(rep[i]))
            rep[m++] = rep[i];
    out->point = point;
    out->low = out->high = out->std_error = NAN;
    if (m == 0 || !isfinite(point))
        return;
    /* The replicates' standard deviation: a plain first pass is enough for the mean, as the
     * corrected second pass cancels the first-order effect of its error. */
    if (m > 1) {
        double sum = 0.0;
        for (size_t i = 0; i < m; i++)
            sum += rep[i];
        out->std_error = sqrt(sum_sq_dev(rep, m, sum / (double)m) / (double)(m - 1));
    }
    double p_low, p_high;
    percentile_levels(conf, &p_low, &p_high);
    if (bca)
        bca_levels(rep, m, point, jack, n_jack, conf, &p_low, &p_high);
    out->low = quantile_select(rep, m, p_low);
    out->high = quantile_select(rep, m, p_high);
}

typedef struct time_index {
    double t;
    uint32_t i;
} time_index;

/* Ascending time, ties by sample index: a total order, so the permutation (and with it every
 * replicate) does not depend on the sorting algorithm. A NaN time (x = 0) sorts last rather
 * than making the order inconsistent, which qsort does not allow. */
static int cmp_time_index(const void *pa, const void *pb)
{
    const time_index *a = pa, *b = pb;
    int a_nan = isnan(a->t), b_nan = isnan(b->t);
    if (a_nan != b_nan)
        return a_nan - b_nan;
    if (!a_nan && a->t != b->t)
        return a->t < b->t ? -1 : 1;
    return (a->i > b->i) - (a->i < b->i);
}

static inline void add_terms(draw_terms *acc, const draw_terms *q)
{
    acc->d += q->d;
    acc->dd += q->dd;
    acc->u += q->u;
    acc->uu += q->uu;
    acc->v += q->v;
    acc->vv += q->vv;
    acc->uv += q->uv;
}

/* Draws one resample: counts over the sorted order and the sums of the drawn terms. Two sets
 * of sums (even and odd draws) halve the chain of dependent additions. */
static void draw_resample(mb__rng *rng, const uint32_t *rank, const draw_terms *terms, size_t n,
                          int with_slope, uint32_t *count, draw_terms *sum)
{
    memset(count, 0, n * sizeof *count);
    draw_terms even = {0, 0, 0, 0, 0, 0, 0}, odd = even;
    size_t k = 0;
    if (with_slope) {
        for (; k + 1 < n; k += 2) {
            uint32_t r0 = rank[rng_below(rng, n)];
            uint32_t r1 = rank[rng_below(rng, n)];
            count[r0]++;
            count[r1]++;
            add_terms(&even, &terms[r0]);
            add_terms(&odd, &terms[r1]);
        }
        if (k < n) {
            uint32_t r0 = rank[rng_below(rng, n)];
            count[r0]++;
            add_terms(&even, &terms[r0]);
        }
        add_terms(&even, &odd);
    } else {
        for (; k + 1 < n; k += 2) {
            uint32_t r0 = rank[rng_below(rng, n)];
            uint32_t r1 = rank[rng_below(rng, n)];
            count[r0]++;
            count[r1]++;
            even.d += terms[r0].d;
            even.dd += terms[r0].dd;
            odd.d += terms[r1].d;
            odd.dd += terms[r1].dd;
        }
        if (k < n) {
            uint32_t r0 = rank[rng_below(rng, n)];
            count[r0]++;
            even.d += terms[r0].d;
            even.dd += terms[r0].dd;
        }
        even.d += odd.d;
        even.dd += odd.dd;
    }
    *sum = even;
}

/* Sorts the per-iteration times y[i] / x[i] with their ranks, and fills the arrays of bs,
 * which lie one after another from dbl (t; deviations from the median; x and y in sorted
 * order; x and y centred), and each sample's draw terms; every count becomes 1 and *sum the
 * sums over the original sample. */
static void prepare_sample(const double *x, const double *y, int with_slope, double *dbl,
                           boot_sample *bs, time_index *order, uint32_t *rank, draw_terms *terms,
                           uint32_t *count, draw_terms *sum)
{
    size_t n = bs->n;
    double *t = dbl, *devs = t + n, *xs = devs + n, *ys = xs + n, *xcs = ys + n, *ycs = xcs + n;
    for (size_t i = 0; i < n; i++)
        order[i] = (time_index){y[i] / x[i], (uint32_t)i};
    qsort(order, n, sizeof *order, cmp_time_index);
    for (size_t r = 0; r < n; r++) {
        t[r] = order[r].t;
        rank[order[r].i] = (uint32_t)r;
    }
    bs->center = mb__median_sorted(t, n);
    bs->with_slope = 0;
    if (with_slope) {
        size_t i = 1;
        while (i < n && x[i] == x[0])
            i++;
        bs->with_slope = i < n;
    }
    double mx = bs->with_slope ? mb__mean(x, n) : 0.0, my = bs->with_slope ? mb__mean(y, n) : 0.0;
    *sum = (draw_terms){0, 0, 0, 0, 0, 0, 0};
    for (size_t r = 0; r < n; r++) {
        size_t i = order[r].i;
        double d = t[r] - bs->center, xc = bs->with_slope ? x[i] - mx : 0.0,
               yc = bs->with_slope ? y[i] - my : 0.0;
        devs[r] = d;
        xs[r] = x[i];
        ys[r] = y[i];
        xcs[r] = xc;
        ycs[r] = yc;
        terms[r] = (draw_terms){d, d * d, xc, xc * xc, yc, yc * yc, xc * yc};
        sum->d += d;
        count[r] = 1;
    }
}

int mb__bootstrap(const double *x, const double *y, size_t n, int with_slope, size_t b, double conf,
                  uint64_t seed, mb__boot_result *out)
{
    for (int k = 0; k < MB__BOOT_COUNT; k++)
        out->stat[k] = (mb__boot_stat){NAN, NAN, NAN, NAN};
    if (n == 0 || b == 0 || !(conf > 0.0 && conf < 1.0) || n > UINT32_MAX)
        return -1;
    /* The MAD cache: up to 512 merges, and no more than about 1 MB of them (slots are only
     * touched when used). */
    size_t slots = ((size_t)1 << 18) / n;
    slots = slots > 512 ? 512 : slots < 8 ? 8 : slots;
    if (b > SIZE_MAX / 2 / (MB__BOOT_COUNT * sizeof(double)) ||
        n > SIZE_MAX / 2 / (9 * sizeof(double)) ||
        n > SIZE_MAX / 2 / (sizeof(uint32_t) * (slots + 2)))
        return -2; /* sizes whose allocations would overflow */

    /* dbl: t, dev, x, y, xc, yc (6n), jackknife values (3n), replicates (6b). */
    double *dbl = malloc((9 * n + MB__BOOT_COUNT * b) * sizeof *dbl);
    /* u32: rank (n), counts (n + 4, the last four always 0), MAD cache (slots x (n + 4)). */
    uint32_t *u32 = malloc((n + (1 + slots) * (n + 4)) * sizeof *u32);
    uint64_t *keys = calloc(slots, sizeof *keys);
    draw_terms *terms = malloc(n * sizeof *terms);
    time_index *order = malloc(n * sizeof *order);
    int rc = -2;
    if (!dbl || !u32 || !keys || !terms || !order)
        goto done;
    double *t = dbl, *dev = t + n, *xs = dev + n, *ys = xs + n, *xc = ys + n, *yc = xc + n;
    double *j_mean = yc + n, *j_sd = j_mean + n, *j_slope = j_sd + n, *rep = j_slope + n;
    uint32_t *rank = u32, *count = u32 + n;

    boot_sample bs = {.n = n,
                      .k1 = (n - 1) / 2,
                      .k2 = n / 2,
                      .t = t,
                      .dev = dev,
                      .x = xs,
                      .y = ys,
                      .xc = xc,
                      .yc = yc,
                      .slots = slots,
                      .keys = keys,
                      .orders = count + n + 4};
    memset(count + n, 0, 4 * sizeof *count);
    draw_terms sum;
    prepare_sample(x, y, with_slope, dbl, &bs, order, rank, terms, count, &sum);

    double point[MB__BOOT_COUNT];
    resample_stats(&bs, count, &sum, 1, point);
    size_t n_mean, n_sd, n_slope;
    jackknife(&bs, point[MB__BOOT_SLOPE], j_mean, &n_mean, j_sd, &n_sd, j_slope, &n_slope);

    mb__rng rng;
    mb__rng_seed(&rng, seed);
    double vals[MB__BOOT_COUNT];
    for (size_t i = 0; i < b; i++) {
        draw_resample(&rng, rank, terms, n, bs.with_slope, count, &sum);
        resample_stats(&bs, count, &sum, 0, vals);
        for (int k = 0; k < MB__BOOT_COUNT; k++)
            rep[(size_t)k * b + i] = vals[k];
    }

    static const int use_bca[MB__BOOT_COUNT] = {0, 1, 1, 0, 0, 1};
    const double *jacks[MB__BOOT_COUNT] = {NULL, j_mean, j_sd, NULL, NULL, j_slope};
    size_t n_jacks[MB__BOOT_COUNT] = {0, n_mean, n_sd, 0, 0, n_slope};
    for (int k = 0; k < MB__BOOT_COUNT; k++)
        finish_stat(rep + (size_t)k * b, b, point[k], use_bca[k], jacks[k], n_jacks[k], conf,
                    &out->stat[k]);
    rc = 0;
done:
    free(dbl);
    free(u32);
    free(keys);
    free(terms);
    free(order);
    return rc;
}

/* ---- Outliers and diagnostics -------------------------------------------------------- */

void mb__tukey_classify(const double *t, size_t n, double *scratch, unsigned char *cls,
                        mb__tukey *out)
{
    memset(out, 0, sizeof *out);
    out->q1 = out->q3 = out->iqr = NAN;
    out->low_severe = out->low_mild = out->high_mild = out->high_severe = NAN;
    if (n == 0)
        return;
    memcpy(scratch, t, n * sizeof *t);
    mb__sort(scratch, n);
    out->q1 = mb__quantile_sorted(scratch, n, 0.25);
    out->q3 = mb__quantile_sorted(scratch, n, 0.75);
    out->iqr = out->q3 - out->q1;
    out->low_severe = out->q1 - 3.0 * out->iqr;
    out->low_mild = out->q1 - 1.5 * out->iqr;
    out->high_mild = out->q3 + 1.5 * out->iqr;
    out->high_severe = out->q3 + 3.0 * out->iqr;

    size_t n_in = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = 0; /* the MB_OUTLIER_* codes of microbe.h */
        if (t[i] < out->low_severe) {
            c = 1;
            out->n_low_severe++;
        } else if (t[i] < out->low_mild) {
            c = 2;
            out->n_low_mild++;
        } else if (t[i] > out->high_severe) {
            c = 4;
            out->n_high_severe++;
        } else if (t[i] > out->high_mild) {
            c = 3;
            out->n_high_mild++;
        } else {
            scratch[n_in++] = t[i]; /* the quantiles are read already: scratch is free */
        }
        if (cls)
            cls[i] = c;
    }

    /* Our own measure of how much the outliers inflate the spread: the share of the sample
     * variance that goes away when the values beyond the mild fences are left out,
     * 1 - var(inliers) / var(all), both with n - 1 denominators, clamped to [0, 1] (leaving
     * values out can raise the variance when the inliers are few). 0 when var(all) is 0 or
     * not computable; the inliers' variance counts as 0 when fewer than two remain. */
    double var_all = mb__variance(t, n);
    if (!(var_all > 0.0))
        return;
    double var_in = n_in >= 2 ? mb__variance(scratch, n_in) : 0.0;
    double f = 1.0 - var_in / var_all;
    out->variance_fraction = f < 0.0 ? 0.0 : f > 1.0 ? 1.0 : f;
}

void mb__kendall_tau(const double *x, const double *y, size_t n, double *tau, double *p)
{
    *tau = *p = NAN;
    if (n < 3)
        return;
    /* Concordant minus discordant pairs, and the tie statistics needed by tau-b and by the
     * tie-corrected variance of S (Kendall 1970, ch. 4): for tie groups of sizes g,
     * T = sum g(g-1)/2, T2 = sum g(g-1)(g-2), T5 = sum g(g-1)(2g+5). Each is a sum over
     * values of the per-value share, with c = g - 1 the other members of the value's group:
     * c/2, c(c-1) and c(2c+7). */
    int64_t s = 0;
    uint64_t cx_sum = 0, cy_sum = 0;
    double x2 = 0.0, x5 = 0.0, y2 = 0.0, y5 = 0.0;
    for (size_t i = 0; i < n; i++) {
        uint64_t cx = 0, cy = 0;
        for (size_t j = 0; j < n; j++) {
            cx += x[j] == x[i];
            cy += y[j] == y[i];
            if (j > i) {
                int64_t sx = (x[j] > x[i]) - (x[j] < x[i]);
                int64_t sy = (y[j] > y[i]) - (y[j] < y[i]);
                s += sx * sy;
            }
        }
        cx--; /* j == i */
        cy--;
        cx_sum += cx;
        cy_sum += cy;
        x2 += (double)cx * ((double)cx - 1.0);
        y2 += (double)cy * ((double)cy - 1.0);
        x5 += (double)cx * (double)(2 * cx + 7);
        y5 += (double)cy * (double)(2 * cy + 7);
    }
    double nd = (double)n;
    /* Each tied pair was counted from both of its ends: the sums are even. */
    double pairs = nd * (nd - 1.0) / 2.0, x_ties = (double)cx_sum / 2.0,
           y_ties = (double)cy_sum / 2.0;
    if (x_ties == pairs || y_ties == pairs)
        return; /* a constant variable: no ranking to correlate */
    double sd = (double)s;
    double tb = sd / sqrt(pairs - x_ties) / sqrt(pairs - y_ties);
    *tau = tb > 1.0 ? 1.0 : tb < -1.0 ? -1.0 : tb;
    /* Var(S) with ties, as in scipy.stats.kendalltau(method="asymptotic"). */
    double m = nd * (nd - 1.0);
    double var = (m * (2.0 * nd + 5.0) - x5 - y5) / 18.0 + 2.0 * x_ties * y_ties / m +
                 x2 * y2 / (9.0 * m * (nd - 2.0));
    *p = 2.0 * mb__normal_cdf(-fabs(sd) / sqrt(var));
}

double mb__lag1_autocorr(const double *x, size_t n)
{
    if (n < 3)
        return NAN;
    /* Centred on the computed mean m, whose rounding error e would enter the numerator at
     * first order (as e (d_0 + d_{n-1})); c = mean(x - m) estimates e, and both sums are
     * corrected for it, as in the corrected two-pass variance. */
    double m = mb__mean(x, n), nd = (double)n;
    double num = 0.0, den = 0.0, s = 0.0;
    for (size_t i = 0; i < n; i++) {
        double d = x[i] - m;
        den += d * d;
        s += d;
        if (i + 1 < n)
            num += d * (x[i + 1] - m);
    }
    double c = s / nd, first = x[0] - m, last = x[n - 1] - m;
    /* sum_{i<n-1} (d_i - c)(d_{i+1} - c) = num - c (2 s - d_0 - d_{n-1}) + (n - 1) c^2 */
    num -= c * (2.0 * s - first - last) - (nd - 1.0) * c * c;
    den -= s * c;
    if (!(den > 0.0))
        return NAN;
    return num / den;
}

/* The number of values of the sorted array s (n of them) below v, and at most v. */
static void count_below(const double *s, size_t n, double v, size_t *below, size_t *at_most)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    *below = lo;
    for (hi = n; lo < hi;) {
        size_t mid = lo + (hi - lo) / 2;
        if (s[mid] <= v)
            lo = mid + 1;
        else
            hi = mid;
    }
    *at_most = lo;
}

double mb__rank_serial(const double *x, size_t n, double *scratch, double *z)
{
    *z = NAN;
    if (n < 3)
        return NAN;
    memcpy(scratch, x, n * sizeof *x);
    mb__sort(scratch, n);
    /* Bartels (1982): RVN = sum (R_i - R_{i+1})^2 / sum (R_i - mean R)^2 on the ranks R in run
     * order (ties: mid-ranks); 2 in expectation for exchangeable values, smaller when
     * neighbours are alike. The ranks make it immune to a stall's size. */
    double num = 0, den = 0, mean = ((double)n + 1) / 2, before = 0;
    for (size_t i = 0; i < n; i++) {
        size_t below, at_most;
        count_below(scratch, n, x[i], &below, &at_most);
        double rank = ((double)below + (double)at_most + 1) / 2;
        den += (rank - mean) * (rank - mean);
        if (i > 0)
            num += (rank - before) * (rank - before);
        before = rank;
    }
    if (!(den > 0))
        return NAN;
    double rvn = num / den, nd = (double)n;
    /* Its variance under independence (Bartels 1982, eq. 3.4). */
    double var =
        4 * (nd - 2) * (5 * nd * nd - 2 * nd - 9) / (5 * nd * (nd + 1) * (nd - 1) * (nd - 1));
    *z = (2 - rvn) / sqrt(var);
    return 1 - rvn / 2;
}

double mb__serial_widening(double r, size_t n)
{
    if (!(r > 0) || n < 6)
        return 1;
    /* The lag-1 estimate of a short AR(1) series is biased low by about (1 + 4 phi) / n
     * (Kendall 1954; Marriott & Pope 1954): undo it, then cap phi at 0.9 (a factor of 4.4). */
    double nd = (double)n, phi = (nd * r + 1) / (nd - 4);
    if (phi > 0.9)
        phi = 0.9;
    return sqrt((1 + phi) / (1 - phi));
}

int mb__median_serial_interval(const double *t, const double *sorted, size_t n, double conf,
                               double *low, double *high, double *level, double *scratch)
{
    if (mb__median_hs_interval(sorted, n, conf, low, high, level) != 0)
        return -1;
    double z, w = mb__serial_widening(mb__rank_serial(t, n, scratch, &z), n);
    double median = mb__median_sorted(sorted, n);
    *low = median - w * (median - *low);
    *high = median + w * (*high - median);
    return 0;
}
