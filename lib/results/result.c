/*
 * One benchmark's mb_result made from its raw measurement, wherever that was taken (in this
 * process, or in a child that sent it back): identity, outcome, samples, statistics, counters,
 * throughput and warnings. A result owns one block of memory, which holds every array and
 * string it points to besides the benchmark's own.
 */
#include "result.h"
#include "registry.h"
#include "stats.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* The warnings a benchmark's own build deserves, whatever it measured. */
static unsigned build_warnings(unsigned build)
{
    unsigned sanitizers = MB_BUILD_ASAN | MB_BUILD_TSAN | MB_BUILD_MSAN | MB_BUILD_UBSAN;
    unsigned w = 0;
    if ((build & MB_BUILD_KNOWN) && !(build & MB_BUILD_OPTIMIZED))
        w |= MB_WARN_UNOPTIMIZED;
    if (build & sanitizers)
        w |= MB_WARN_SANITIZED;
    return w;
}

/* A throughput: amount per iteration over the median time per iteration, per second. */
static mb_rate rate_of(double per_iter, const mb_estimate *median, size_t n_samples)
{
    mb_rate rate = {per_iter, NAN, NAN, NAN};
    if (per_iter > 0 && n_samples > 0 && median->point > 0) {
        rate.point = per_iter / median->point * 1e9;
        rate.low = median->high > 0 ? per_iter / median->high * 1e9 : NAN;
        rate.high = median->low > 0 ? per_iter / median->low * 1e9 : NAN;
    }
    return rate;
}

/* The parts of a result's block, in an order that keeps each aligned: a part's size is
 * rounded up to what any type needs. */
typedef struct layout {
    size_t counters, user, iters, ns, totals, parts, classes, names, message, bytes;
} layout;

static size_t part(size_t bytes)
{
    size_t a = _Alignof(max_align_t);
    return (bytes + a - 1) / a * a;
}

static layout plan_block(size_t n, size_t nc, size_t nu, size_t np, size_t message_len)
{
    layout l;
    l.counters = 0;
    l.user = l.counters + part(nc * sizeof(mb_counter));
    l.iters = l.user + part(nu * sizeof(mb_user_counter));
    l.ns = l.iters + part(n * sizeof(uint64_t));
    l.totals = l.ns + part(n * sizeof(double));
    l.parts = l.totals + part(nc * n * sizeof(double));
    l.classes = l.parts + part(np * sizeof(double));
    l.names = l.classes + part(n);
    l.message = l.names + part(nu * MB__USER_NAME_MAX);
    l.bytes = l.message + message_len + 1;
    return l;
}

/* Each part's median time per iteration into medians (NAN for a part without samples: it
 * failed), for the diagnostics (mb__analyze) and the median from parts. scratch holds 2 m->n
 * doubles. */
static void part_medians(const mb__measurement *m, const mb__result_inputs *in, double *medians,
                         double *scratch)
{
    size_t start = 0;
    for (size_t p = 0; p < in->n_parts; p++) {
        size_t end = in->part_ends[p];
        medians[p] = mb__median_per_iter(m->iters + start, m->ns + start, end - start, scratch);
        start = end;
    }
}

/* Part p's mean time per iteration and its slope of time on iterations (NAN with fewer than
 * 3 samples or a single size), from r's samples [start, end). */
static void part_mean_slope(const mb_result *r, size_t start, size_t end, double *mean,
                            double *slope)
{
    double sum = 0, intercept, r2;
    for (size_t i = start; i < end; i++)
        sum += r->sample_ns[i] / (double)r->sample_iters[i];
    *mean = end > start ? sum / (double)(end - start) : NAN;
    double *x = malloc((end - start + 1) * sizeof *x);
    *slope = NAN;
    for (size_t i = start; x && i < end; i++)
        x[i - start] = (double)r->sample_iters[i];
    if (!x || end - start < 3 ||
        mb__ols(x, r->sample_ns + start, end - start, slope, &intercept, &r2) != 0)
        *slope = NAN;
    free(x);
}

/* est: the mean of the k values v with their Student t interval, or left as it was when fewer
 * than 2 of the k parts have one. */
static void t_estimate(const double *v, size_t k, double conf, mb_estimate *est)
{
    double mean, low, high, sd;
    for (size_t p = 0; p < k; p++)
        if (!isfinite(v[p]))
            return;
    if (mb__mean_interval(v, k, conf, &mean, &low, &high, &sd) == 0)
        *est = (mb_estimate){mean, low, high, sd / sqrt((double)k)};
}

/* r's median from its parts' medians: their geometric mean with the Student t interval of
 * their logarithms (docs/statistics.md), which holds the spread between parts where the
 * samples' own interval sees only the noise within one. Parts without a median are left out.
 * The mean and the slope likewise from the parts' means and slopes (on the linear scale: the
 * mean of means estimates the mean), when every part has one. scratch holds n_parts doubles. */
static void between_parts(const mb__result_inputs *in, mb_result *r, double *scratch)
{
    size_t k = 0, np = in->n_parts;
    double conf = in->settings->confidence;
    double *means = malloc((2 * np + 1) * sizeof *means), *slopes = means ? means + np : NULL;
    for (size_t p = 0, start = 0; means && p < np; start = in->part_ends[p++])
        part_mean_slope(r, start, in->part_ends[p], &means[p], &slopes[p]);
    if (means) {
        t_estimate(means, np, conf, &r->mean);
        if (r->plan == MB_PLAN_LINEAR)
            t_estimate(slopes, np, conf, &r->slope);
    }
    free(means);
    for (size_t p = 0; p < np; p++)
        if (r->part_medians[p] > 0)
            scratch[k++] = log(r->part_medians[p]);
    double mean, low, high, sd;
    if (mb__mean_interval(scratch, k, conf, &mean, &low, &high, &sd) != 0)
        return;
    r->part_log_sd = sd;
    r->median = (mb_estimate){exp(mean), exp(low), exp(high), exp(mean) * sd / sqrt((double)k)};
    r->median_level = conf;
    r->rel_half_width = (r->median.high - r->median.low) / 2 / r->median.point;
}

/* What r says of how m was measured, and its samples copied into the block at l. */
static void measured(const mb__measurement *m, const mb_settings *s, char *b, const layout *l,
                     mb_result *r)
{
    r->plan = m->plan;
    r->stop = m->stop;
    r->iters_step = m->iters_step;
    r->warm_up_iters = m->warm_up_iters;
    r->warm_up_ns = m->warm_up_ns;
    /* A latency body too short to time alone well was sampled normally, and has its
     * percentiles all the same: a latency result. */
    r->mode = m->latency_short ? MB_MODE_LATENCY : m->mode;
    r->latency = m->latency;
    r->confidence = s->confidence;
    r->resamples = s->resamples;
    r->n_samples = m->n;
    r->ratios = (mb_counter_ratios){NAN, NAN, NAN};
    if (m->n) {
        r->sample_iters = memcpy(b + l->iters, m->iters, m->n * sizeof *m->iters);
        r->sample_ns = memcpy(b + l->ns, m->ns, m->n * sizeof *m->ns);
        r->sample_outlier = (unsigned char *)b + l->classes;
    }
}

int mb__result_make(const mb__measurement *m, const mb__result_inputs *in, mb_result *r,
                    void **block)
{
    const mb_settings *s = in->settings;
    size_t n = m->n, nc = in->counters ? m->n_counters : 0;
    size_t nu = n && m->user_values ? m->report.n_user : 0;
    const char *text = m->report.outcome ? m->report.message : m->failure;
    size_t np = in->n_parts > 1 && n ? in->n_parts : 0;
    layout l = plan_block(n, nc, nu, np, text ? strlen(text) : 0);
    char *b = malloc(l.bytes);
    double *scratch = malloc((4 * n + nc + 1) * sizeof *scratch);
    *r = (mb_result){0};
    int err = b && scratch ? 0 : MB_ENOMEM;
    if (!err) {
        mb__result_identify(r, in->bench);
        /* A failed benchmark still reports what it measured before failing. */
        measured(m, s, b, &l, r);
        r->n_parts = in->n_parts > 1 ? in->n_parts : 1;
        r->part_log_sd = NAN;
        if (np) {
            r->part_medians = (double *)(void *)(b + l.parts);
            part_medians(m, in, (double *)(void *)(b + l.parts), scratch);
        }
        err = mb__analyze(m, in, r, (unsigned char *)b + l.classes, scratch);
    }
    if (!err && np)
        between_parts(in, r, scratch);
    if (err) {
        free(b);
        free(scratch);
        *r = (mb_result){0};
        *block = NULL;
        return err;
    }
    if (text) {
        /* The body's own skip or failure (mb_skip, mb_fail), or a failed measurement. */
        r->status = m->report.outcome ? (mb_status)m->report.outcome : MB_STATUS_FAILED;
        r->message = memcpy(b + l.message, text, strlen(text) + 1);
    }
    if (nc)
        mb__analyze_counters(m, in->counters, s->confidence, r, (mb_counter *)(void *)b,
                             (double *)(void *)(b + l.totals), scratch);
    if (nu) {
        r->n_user_counters = nu;
        r->user_counters = (mb_user_counter *)(void *)(b + l.user);
        mb__analyze_user_counters(m, s->confidence, (mb_user_counter *)(void *)(b + l.user),
                                  b + l.names, scratch);
    }
    free(scratch);
    /* Threaded: each thread did the iterations, so all of them did `threads` times the work. */
    r->bytes_per_s = rate_of(m->report.bytes_per_iter * r->threads, &r->median, n);
    r->items_per_s = rate_of(m->report.items_per_iter * r->threads, &r->median, n);
    r->bytes_per_s.per_iter = m->report.bytes_per_iter;
    r->items_per_s.per_iter = m->report.items_per_iter;
    if (m->latency_short)
        r->warnings |= MB_WARN_LATENCY_SHORT;
    r->warnings |= build_warnings(in->bench->build);
    *block = b;
    return 0;
}
