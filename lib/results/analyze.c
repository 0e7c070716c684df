/*
 * Analysis of one benchmark's samples: estimates with bootstrap intervals, the order-statistic
 * interval of the median, outliers, the diagnostics that raise warnings, and the summaries of
 * its counters and user counters. Everything here is a deterministic function of (samples,
 * settings, seed), so the same seed and samples give a byte-identical result; it writes into
 * memory the caller gives (result.c). The thresholds are documented in docs/statistics.md.
 */
#include "counters.h"
#include "microbe_internal.h"
#include "result.h"
#include "stats.h"

#include <math.h>
#include <string.h>

/* Diagnostic thresholds. */
#define UNSTABLE_MDAPE 0.05 /* median absolute deviation above 5 % of the median */
#define UNSTABLE_CV 0.30    /* or standard deviation above 30 % of the mean */
#define DRIFT_P 0.01        /* Kendall trend test on run order ... */
#define DRIFT_MIN_TAU 0.2   /* ... with at least a weak effect */
#define SERIAL_MIN_R1 0.3   /* rank lag-1 autocorrelation above 0.3 ... */
#define SERIAL_Z 1.751      /* ... and significant: Bartels' test, one-sided 4 % */
#define LOW_R2 0.9
#define OPTIMIZED_AWAY_NS 0.05  /* a fifth of a cycle at 4 GHz ... */
#define OPTIMIZED_AWAY_LOOP 1.1 /* ... or within 10 % of an empty MB_LOOP */
#define OUTLIER_SHARE 10        /* outliers warn when more than 1 in 10 samples ... */
#define OUTLIER_MIN_CV 0.01     /* ... and the CV is above 1 % */

static mb_estimate estimate_of(const mb__boot_stat *b)
{
    return (mb_estimate){b->point, b->low, b->high, b->std_error};
}

static mb_outlier_effect outlier_effect(double fraction)
{
    if (fraction < 0.01)
        return MB_OUTLIER_EFFECT_UNAFFECTED;
    if (fraction < 0.1)
        return MB_OUTLIER_EFFECT_SLIGHT;
    if (fraction < 0.5)
        return MB_OUTLIER_EFFECT_MODERATE;
    return MB_OUTLIER_EFFECT_SEVERE;
}

/* serial_r, serial_z: mb__rank_serial of the samples in run order. */
static unsigned diagnose(const mb__measurement *m, const mb_settings *s, double loop_ns,
                         const mb_result *r, double serial_r, double serial_z)
{
    unsigned w = 0;
    size_t n = r->n_samples;
    if (n == 0) /* failed before sampling, or a smoke run: nothing to diagnose */
        return 0;
    if (r->mdape > UNSTABLE_MDAPE || r->cv > UNSTABLE_CV)
        w |= MB_WARN_UNSTABLE;
    /* A significant trend matters only when it moves the estimate by more than both its
     * interval and the precision asked for. */
    if (r->drift_p < DRIFT_P && fabs(r->drift_tau) >= DRIFT_MIN_TAU &&
        fabs(r->drift) > fmax(r->rel_half_width, s->precision))
        w |= MB_WARN_DRIFT;
    if (serial_r > SERIAL_MIN_R1 && serial_z > SERIAL_Z)
        w |= MB_WARN_SERIAL;
    if (r->median.point < OPTIMIZED_AWAY_NS || r->median.point <= OPTIMIZED_AWAY_LOOP * loop_ns)
        w |= MB_WARN_OPTIMIZED_AWAY;
    if (m->plan == MB_PLAN_LINEAR && r->r_squared < LOW_R2)
        w |= MB_WARN_LOW_R2;
    /* One outlier in ten samples can explain most of the variance without making the median
     * any less trustworthy, and with a tiny IQR a deviation of 0.1 % is already "severe":
     * warn only when outliers are also more than a tenth of samples and the spread they
     * cause is material (CV above 1 %). */
    const mb_outliers *o = &r->outliers;
    size_t n_outliers = (size_t)o->low_severe + o->low_mild + o->high_mild + o->high_severe;
    if (o->effect == MB_OUTLIER_EFFECT_SEVERE && n_outliers * OUTLIER_SHARE > n &&
        r->cv > OUTLIER_MIN_CV)
        w |= MB_WARN_OUTLIERS;
    if (m->stop == MB_STOP_LONG)
        w |= MB_WARN_FEW_SAMPLES;
    else if (m->stop != MB_STOP_PRECISION && s->precision > 0 &&
             !(r->rel_half_width <= s->precision))
        w |= MB_WARN_PRECISION;
    return w;
}

static void set_nan(mb_estimate *e)
{
    e->point = e->low = e->high = e->std_error = NAN;
}

/* Each per-iteration time t[i] scaled by its part's offset, median / (its part's median,
 * r->part_medians), into out: the samples as if every part had run at the same speed, so that
 * the diagnostics of the samples (outliers, drift, serial correlation, linearity) see the
 * noise within parts, not the steps between them, which the parts' interval holds. With a
 * slope, R^2 is recomputed from them. Returns out. */
static double *within_parts(const double *t, const double *x, size_t n, const mb__result_inputs *in,
                            int with_slope, double *out, double *scratch, mb_result *r)
{
    double median = mb__median_sorted(out, n); /* out holds the times sorted */
    for (size_t p = 0, start = 0; p < in->n_parts; start = in->part_ends[p++]) {
        double part = r->part_medians[p];
        for (size_t i = start; i < in->part_ends[p]; i++)
            out[i] = part > 0 ? t[i] * median / part : t[i];
    }
    if (!with_slope)
        return out;
    for (size_t i = 0; i < n; i++)
        scratch[i] = out[i] * x[i];
    double slope, intercept;
    mb__ols(x, scratch, n, &slope, &intercept, &r->r_squared);
    return out;
}

/* The median's reported interval, into r: the interpolated order-statistic one of the
 * per-iteration times t (run order; sorted: the same, sorted), distribution free, with
 * coverage close to nominal at every n, where the percentile bootstrap of a median
 * under-covers and the plain order-statistic interval over-covers through discreteness
 * (simulations in docs/statistics.md). With one part it is widened for the samples' serial
 * dependence, which parts hold by themselves. The bootstrap interval stays as a cross-check.
 * scratch holds n doubles. */
static void median_interval(const double *t, const double *sorted, size_t n,
                            const mb__result_inputs *in, mb_result *r, double *scratch)
{
    double conf = in->settings->confidence;
    r->median_boot_low = r->median.low;
    r->median_boot_high = r->median.high;
    int err = in->n_parts > 1
                  ? mb__median_hs_interval(sorted, n, conf, &r->median.low, &r->median.high,
                                           &r->median_level)
                  : mb__median_serial_interval(t, sorted, n, conf, &r->median.low, &r->median.high,
                                               &r->median_level, scratch);
    if (err != 0)
        r->median.low = r->median.high = r->median_level = NAN;
}

int mb__analyze(const mb__measurement *m, const mb__result_inputs *in, mb_result *r,
                unsigned char *cls, double *scratch_4n)
{
    const mb_settings *s = in->settings;
    uint64_t seed = in->seed + 1;
    double loop_ns = in->loop_ns;
    size_t n = m->n;
    double *t = scratch_4n, *sorted = t + n, *scratch = t + 2 * n, *x = t + 3 * n;
    r->total_iters = 0;
    for (size_t i = 0; i < n; i++) {
        r->total_iters += m->iters[i];
        x[i] = (double)m->iters[i];
        t[i] = m->ns[i] / x[i];
        sorted[i] = t[i];
    }
    mb__sort(sorted, n);

    mb__boot_result boot;
    int with_slope = m->plan == MB_PLAN_LINEAR;
    if (n > 0 &&
        mb__bootstrap(x, m->ns, n, with_slope, s->resamples, s->confidence, seed, &boot) == -2)
        return MB_ENOMEM;
    if (n > 0) {
        r->median = estimate_of(&boot.stat[MB__BOOT_MEDIAN]);
        r->mean = estimate_of(&boot.stat[MB__BOOT_MEAN]);
        r->std_dev = estimate_of(&boot.stat[MB__BOOT_STD_DEV]);
        r->mad = estimate_of(&boot.stat[MB__BOOT_MAD]);
        r->min = estimate_of(&boot.stat[MB__BOOT_MIN]);
        r->slope = estimate_of(&boot.stat[MB__BOOT_SLOPE]);
    } else {
        set_nan(&r->median);
        set_nan(&r->mean);
        set_nan(&r->std_dev);
        set_nan(&r->mad);
        set_nan(&r->min);
        set_nan(&r->slope);
    }

    double slope;
    r->intercept_ns = r->r_squared = NAN;
    if (with_slope)
        mb__ols(x, m->ns, n, &slope, &r->intercept_ns, &r->r_squared);
    median_interval(t, sorted, n, in, r, scratch);
    r->q1 = mb__quantile_sorted(sorted, n, 0.25);
    r->q3 = mb__quantile_sorted(sorted, n, 0.75);
    r->iqr = r->q3 - r->q1;
    if (in->n_parts > 1 && n > 0 && r->part_medians)
        t = within_parts(t, x, n, in, with_slope, sorted, scratch, r);
    r->cv = mb__cv(t, n);
    r->mdape = mb__mdape(t, n, scratch);
    r->rel_half_width = (r->median.high - r->median.low) / 2 / r->median.point;

    mb__tukey tukey;
    mb__tukey_classify(t, n, scratch, cls, &tukey);
    r->outliers = (mb_outliers){tukey.low_severe,        tukey.low_mild,
                                tukey.high_mild,         tukey.high_severe,
                                tukey.n_low_severe,      tukey.n_low_mild,
                                tukey.n_high_mild,       tukey.n_high_severe,
                                tukey.variance_fraction, outlier_effect(tukey.variance_fraction)};

    for (size_t i = 0; i < n; i++)
        scratch[i] = (double)i;
    mb__kendall_tau(scratch, t, n, &r->drift_tau, &r->drift_p);
    double trend, unused_intercept, unused_r2;
    r->drift = NAN;
    if (mb__ols(scratch, t, n, &trend, &unused_intercept, &unused_r2) == 0)
        r->drift = trend * (double)(n - 1) / r->median.point;
    r->lag1_autocorr = mb__lag1_autocorr(t, n);
    double serial_z, serial_r = mb__rank_serial(t, n, scratch, &serial_z);
    r->warnings = diagnose(m, s, loop_ns, r, serial_r, serial_z);
    return 0;
}

/* The median of the n values x (sorted in place) with its distribution-free interval; the
 * standard error is not estimated (NAN), nor is anything else when n is 0. */
static mb_estimate median_of(double *x, size_t n, double conf)
{
    mb_estimate e = {NAN, NAN, NAN, NAN};
    if (n == 0)
        return e;
    mb__sort(x, n);
    double low, high, level;
    e.point = mb__median_sorted(x, n);
    if (mb__median_hs_interval(x, n, conf, &low, &high, &level) == 0) {
        e.low = low;
        e.high = high;
    }
    return e;
}

void mb__analyze_counters(const mb__measurement *m, const mb__counters *set, double conf,
                          mb_result *r, mb_counter *out, double *totals, double *scratch)
{
    size_t nc = m->n_counters, n = m->n;
    double *per_iter = scratch, *sorted = scratch + n, *medians = scratch + 2 * n;
    for (size_t c = 0; c < nc; c++) {
        mb_counter *k = &out[c];
        *k = (mb_counter){mb__counter_name(set, c),
                          mb__counter_unit(set, c),
                          mb__counter_available(set, c),
                          mb__counter_reason(set, c),
                          mb__counter_user_only(set, c),
                          NAN,
                          {NAN, NAN, NAN, NAN},
                          NAN,
                          NULL};
        size_t used = 0;
        double coverage = 0;
        for (size_t i = 0; i < n; i++) {
            double v = m->counter_values[i * nc + c];
            totals[c * n + i] = v;
            if (isfinite(v)) {
                per_iter[used++] = v / (double)m->iters[i];
                coverage += m->counter_coverage[i * nc + c];
            }
        }
        medians[c] = NAN;
        if (!k->available || used == 0)
            continue;
        k->sample_values = totals + c * n;
        k->coverage = coverage / (double)used;
        k->mean_per_iter = mb__mean(per_iter, used);
        memcpy(sorted, per_iter, used * sizeof *sorted);
        k->per_iter = median_of(sorted, used, conf);
        medians[c] = k->per_iter.point;
    }
    mb__counter_ratios ratios;
    mb__counters_ratios(set, medians, &ratios);
    r->ratios = (mb_counter_ratios){ratios.ipc, ratios.branch_miss_rate, ratios.cache_miss_rate};
    r->n_counters = nc;
    r->counters = out;
}

void mb__analyze_user_counters(const mb__measurement *m, double conf, mb_user_counter *out,
                               char *names, double *scratch)
{
    double *x = scratch;
    for (size_t c = 0; c < m->report.n_user; c++) {
        size_t k = 0;
        for (size_t i = 0; i < m->n; i++) {
            double v = m->user_values[i * MB_USER_COUNTERS_MAX + c];
            if (isfinite(v))
                x[k++] = v;
        }
        memcpy(names + c * MB__USER_NAME_MAX, m->report.user_name[c], MB__USER_NAME_MAX);
        double mean = k ? mb__mean(x, k) : NAN;
        out[c] = (mb_user_counter){names + c * MB__USER_NAME_MAX, m->report.user_kind[c],
                                   median_of(x, k, conf), mean};
    }
}
