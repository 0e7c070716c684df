/*
 * The runner: for one benchmark body, the warm-up, the plan of sample sizes, the sampling in
 * shuffled order and the stopping rule (DESIGN section 4; the numbers are in
 * docs/measurement.md); latency and cold modes' timing of single invocations; smoke and
 * profiling runs. It decides which calls of the body to make and what to keep; the calls
 * themselves, and the resources they need, belong to the measurement's session (session.c).
 *
 * Every clock read goes through the injected mb__clock, so tests drive the runner with a fake
 * clock and check the plan and the stopping rule without wall-clock thresholds.
 */
#include "runner.h"

#include "histogram.h"
#include "session.h"
#include "stats.h"
#include "registry.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

mb__options mb__bench_options(const mb_bench *bench, const mb_settings *s)
{
    const mb_param *fixture = mb__bench_option(bench, MB_OPTION_FIXTURE);
    const mb_param *mode = mb__bench_option(bench, MB_OPTION_MODE);
    return (mb__options){.values = bench->values,
                         .n_values = bench->n_values,
                         .setup = fixture ? fixture->setup : NULL,
                         .teardown = fixture ? fixture->teardown : NULL,
                         .mode = mode ? mode->mode : MB_MODE_NORMAL,
                         .threads = mb__bench_threads(bench),
                         .measurement_time_s = mb__bench_time_s(bench, s)};
}

/* Doubling stops here: a body whose loop still takes less than T_min after 2^40 iterations
 * does not grow with the iteration count (it was optimised away), and the warm-up must end. */
#define WARM_UP_MAX_ITERS ((uint64_t)1 << 40)

/* The batches of the warm-up the estimate looks at: the last few that lasted T_min. */
#define WARM_UP_LAST 3

/* The estimates from the last (up to WARM_UP_LAST) batches that lasted T_min, per iteration
 * (timed, wall) at per[0..n), oldest first: the fastest, so that one batch slowed by a busy
 * neighbour (preempted, its caches taken) does not set the plan, and only the largest
 * batches, whose times are not one or two invocations' luck. */
static void warm_up_estimate(const double (*per)[2], size_t n, mb__measurement *m)
{
    m->warm_up_ns = per[n - 1][0];
    m->warm_up_wall_ns = per[n - 1][1];
    for (size_t i = 0; i + 1 < n; i++) {
        if (per[i][0] < m->warm_up_ns)
            m->warm_up_ns = per[i][0];
        if (per[i][1] < m->warm_up_wall_ns)
            m->warm_up_wall_ns = per[i][1];
    }
}

const char *mb__warm_up(mb__session *s, mb_bench_fn fn, mb__measurement *m)
{
    double budget_ns = s->run->settings->warm_up_time_s * 1e9;
    uint64_t start = mb__now_ns(s->run);
    double last[WARM_UP_LAST][2]; /* the latest batches that lasted T_min, oldest first */
    size_t n_last = 0;
    for (uint64_t iters = 1;; iters *= 2) {
        double loop_ns = 0;
        uint64_t call_start = mb__now_ns(s->run);
        const char *failure = mb__call(s, fn, iters, m->warm_up_ns, &loop_ns);
        if (failure)
            return failure;
        double wall_ns = (double)(mb__now_ns(s->run) - call_start);
        double per[2] = {loop_ns / (double)iters,
                         (wall_ns > loop_ns ? wall_ns : loop_ns) / (double)iters};
        m->warm_up_iters += iters;
        if (loop_ns >= s->run->min_sample_ns) {
            if (n_last == WARM_UP_LAST)
                memmove(last, last + 1, sizeof last - sizeof last[0]);
            else
                n_last++;
            memcpy(last[n_last - 1], per, sizeof per);
            warm_up_estimate((const double(*)[2])last, n_last, m);
        } else {
            m->warm_up_ns = per[0];
            m->warm_up_wall_ns = per[1];
        }
        double elapsed_ns = (double)(mb__now_ns(s->run) - start);
        if ((elapsed_ns >= budget_ns && loop_ns >= s->run->min_sample_ns) ||
            iters >= WARM_UP_MAX_ITERS)
            return NULL;
    }
}

/* A profiling run: calls of growing iteration counts until one lasts 10 ms, then calls of
 * that count until the time is spent. Setup outside the loop then takes a small share of a
 * profile, and nothing but the body and one clock read per call happens in between. */
static const char *profile(mb__session *s, mb_bench_fn fn, double time_ns)
{
    uint64_t start = mb__now_ns(s->run), iters = 1;
    for (;;) {
        double loop_ns = 0;
        const char *failure = mb__call(s, fn, iters, loop_ns / (double)iters, &loop_ns);
        if (failure)
            return failure;
        if ((double)(mb__now_ns(s->run) - start) >= time_ns)
            return NULL;
        if (loop_ns < 1e7 && iters < WARM_UP_MAX_ITERS)
            iters *= 2;
    }
}

/* The fewest samples a long benchmark still gets. */
#define LONG_MIN_SAMPLES 3u

/* The most samples k of a linear plan of step d whose sizes d, 2d, ..., kd fit the budget at
 * wall_ns per iteration: the largest k with k (k + 1) / 2 <= budget / (wall_ns d). */
static double linear_fit(double budget_ns, double wall_ns, double d)
{
    double x = budget_ns / (wall_ns * d);
    return floor((sqrt(1 + 8 * x) - 1) / 2);
}

void mb__make_plan(const mb_settings *s, double min_sample_ns, double t_ns, double wall_ns,
                   mb__plan *plan)
{
    double budget_ns = s->measurement_time_s * 1e9;
    uint32_t n_max = s->max_samples;
    uint32_t n_min = s->min_samples < n_max ? s->min_samples : n_max;
    if (!(t_ns >= MB__MIN_PLAN_NS))
        t_ns = MB__MIN_PLAN_NS;
    if (!(wall_ns >= t_ns))
        wall_ns = t_ns;

    /* d_min: the fewest iterations that make a sample last T_min. */
    double d_min = ceil(min_sample_ns / t_ns);
    if (d_min < 1)
        d_min = 1;
    if (d_min > MB__MAX_SAMPLE_ITERS / n_max)
        d_min = floor(MB__MAX_SAMPLE_ITERS / n_max);
    double tri_min = n_min * (n_min + 1.0) / 2, tri_max = n_max * (n_max + 1.0) / 2;

    /* Linear when even the shortest linear plan of n_min samples fits the budget: sample k
     * runs k*d iterations, with d as large as lets all n_max samples fill the budget, and no
     * more samples than fit it (so that a short budget gets the small samples, not a random
     * few of the large ones). */
    if (wall_ns * d_min * tri_min <= budget_ns) {
        double d = floor(budget_ns / (wall_ns * tri_max));
        if (d < d_min)
            d = d_min;
        if (d > MB__MAX_SAMPLE_ITERS / n_max)
            d = floor(MB__MAX_SAMPLE_ITERS / n_max);
        double n = linear_fit(budget_ns, wall_ns, d);
        plan->kind = MB_PLAN_LINEAR;
        plan->long_body = 0;
        plan->step = (uint64_t)d;
        plan->n = n >= n_max ? n_max : n <= n_min ? n_min : (uint32_t)n;
        return;
    }

    /* Flat: every sample runs d_min iterations, as many samples as the budget holds. */
    double n_fit = floor(budget_ns / (wall_ns * d_min));
    plan->kind = MB_PLAN_FLAT;
    plan->step = (uint64_t)d_min;
    if (n_fit >= n_min) {
        plan->long_body = 0;
        plan->n = n_fit < n_max ? (uint32_t)n_fit : n_max;
    } else {
        /* A long body: fewer samples than asked for, but never fewer than a handful. */
        uint32_t floor_n = n_min < LONG_MIN_SAMPLES ? n_min : LONG_MIN_SAMPLES;
        plan->long_body = 1;
        plan->n = n_fit > floor_n ? (uint32_t)n_fit : floor_n;
    }
}

double mb__median_precision(const uint64_t *iters, const double *ns, size_t n, double conf,
                            double *scratch)
{
    for (size_t i = 0; i < n; i++)
        scratch[i] = ns[i] / (double)iters[i];
    mb__sort(scratch, n);
    double low, high, level;
    if (mb__median_hs_interval(scratch, n, conf, &low, &high, &level) != 0)
        return INFINITY;
    double median = mb__median_sorted(scratch, n);
    if (!(median > 0))
        return INFINITY;
    return (high - low) / 2 / median;
}

/* The one-part stopping rule judges precision at a level whose alpha is this share of the
 * reported one's: 99 % for 95 % (docs/statistics.md, "The stopping rule with one part"). */
#define ONE_PART_STOP_ALPHA 0.2

double mb__one_part_stop_level(double conf)
{
    return 1 - (1 - conf) * ONE_PART_STOP_ALPHA;
}

/* An interrupted measurement keeps nothing. */
static int finish(mb__measurement *m)
{
    if (m->failure != mb__interrupted)
        return 0;
    mb__measurement_free(m);
    m->failure = NULL;
    return MB_EINTR;
}

/* Latency mode times invocations alone when one lasts at least this many timer quanta:
 * the clock reads then cost at most 1 % of what they time. */
#define LATENCY_THRESHOLD_QUANTA 100.0
/* The most invocations latency mode times. */
#define MAX_INVOCATIONS 100000000u

/* A sample of latency and cold modes in the making: the totals of its invocations so far. */
typedef struct chunk {
    uint64_t n; /* invocations */
    double ns;
    double counters[MB__COUNTERS_MAX];
    double user_sum[MB_USER_COUNTERS_MAX];   /* each user counter's total */
    double user_calls[MB_USER_COUNTERS_MAX]; /* and the calls that set it */
} chunk;

/* Adds the last call, which took ns, to c. */
static void chunk_add(const mb__session *s, size_t n_counters, chunk *c, double ns)
{
    c->n++;
    c->ns += ns;
    for (size_t k = 0; k < n_counters; k++)
        c->counters[k] += s->counter_values[k];
    const mb__body_report *r = s->report;
    for (size_t k = 0; k < r->n_user; k++)
        if (!isnan(r->user_value[k])) {
            c->user_sum[k] += r->user_value[k];
            c->user_calls[k] += 1;
        }
}

/* Keeps c as the next sample of m, and empties it. */
static void chunk_keep(const mb__session *s, chunk *c, mb__measurement *m)
{
    size_t i = m->n++, nc = m->n_counters;
    m->iters[i] = c->n;
    m->ns[i] = c->ns;
    for (size_t k = 0; k < nc; k++) {
        m->counter_values[i * nc + k] = c->counters[k];
        m->counter_coverage[i * nc + k] = s->counter_coverage[k];
    }
    const mb__body_report *r = s->report;
    for (size_t k = 0; k < MB_USER_COUNTERS_MAX; k++) {
        /* Per call: the mean over the calls; else the chunk's total as one loop. */
        double total = c->user_calls[k] > 0 ? c->user_sum[k] : NAN;
        m->user_values[i * MB_USER_COUNTERS_MAX + k] =
            k >= r->n_user ? NAN
            : r->user_kind[k] == MB_PER_CALL
                ? total / c->user_calls[k]
                : mb__user_reported(r->user_kind[k], total, (double)c->n, c->ns);
    }
    *c = (chunk){0};
}

/* The histogram h of m's invocations kept: its percentiles into m->latency (at conf) and its
 * packed form into m->hist, for the parts to be added up. Returns 0 or MB_ENOMEM. */
static int keep_histogram(const mb__histogram *h, double conf, mb__measurement *m)
{
    mb__hist_latency(h, conf, &m->latency);
    (void)mb__hist_serial(h, &m->serial_pairs);
    m->hist_words = mb__hist_packed_words(h);
    m->hist = malloc(m->hist_words * sizeof *m->hist);
    if (!m->hist)
        return MB_ENOMEM;
    mb__hist_pack(h, m->hist);
    return 0;
}

/* Calls of one iteration each, every one timed alone into h, less cost_ns (never below 0),
 * until the budget is spent (at least min_samples samples, never past the hard budget) or
 * max_samples samples are taken. With per_sample > 0, consecutive runs of per_sample
 * invocations are m's samples (capacity max_samples), and it stops only between two, so that
 * the samples and h hold the same invocations; with 0 none is kept, and the budget alone
 * ends it. */
static void time_each(mb__session *s, mb_bench_fn fn, mb__measurement *m, uint64_t per_sample,
                      double cost_ns, mb__histogram *h)
{
    const mb_settings *set = s->run->settings;
    double budget_ns = set->measurement_time_s * 1e9, t = m->warm_up_ns > 1 ? m->warm_up_ns : 1;
    uint32_t n_max = set->max_samples, n_min = set->min_samples < n_max ? set->min_samples : n_max;
    if (per_sample == 0)
        n_max = n_min = 0;
    chunk c = {0};
    uint64_t start = mb__now_ns(s->run);
    for (uint64_t done = 0; done < MAX_INVOCATIONS; done++) {
        double ns = 0;
        m->failure = mb__call(s, fn, 1, t, &ns);
        if (m->failure)
            break;
        double net = ns - cost_ns;
        mb__hist_add(h, net > 0 ? (uint64_t)llround(net) : 0);
        if (per_sample) {
            chunk_add(s, m->n_counters, &c, ns);
            if (c.n == per_sample)
                chunk_keep(s, &c, m);
            else
                continue; /* it stops between samples: they hold every invocation timed */
        }
        double elapsed_ns = (double)(mb__now_ns(s->run) - start);
        if (per_sample && m->n >= n_max)
            break;
        if ((elapsed_ns >= budget_ns && m->n >= n_min) ||
            elapsed_ns >= MB__HARD_BUDGET_FACTOR * budget_ns) {
            if (per_sample)
                m->stop = MB_STOP_BUDGET;
            break;
        }
    }
    /* The budget stops it between samples; a sample cut short otherwise (MAX_INVOCATIONS)
     * is one of its own, so the samples hold every invocation the histogram does. */
    if (per_sample && c.n > 0 && !m->failure)
        chunk_keep(s, &c, m);
}

/* Latency and cold modes: every invocation timed alone (time_each). Samples are
 * consecutive runs of `per_sample` invocations: as many as fill the budget with max_samples
 * samples (latency), or one (cold: each invocation after its own cache eviction). */
static int measure_each(mb__session *s, mb_bench_fn fn, mb__measurement *m)
{
    const mb_settings *set = s->run->settings;
    double budget_ns = set->measurement_time_s * 1e9, t = m->warm_up_ns > 1 ? m->warm_up_ns : 1;
    double fit = floor(budget_ns / (t * set->max_samples));
    uint64_t per_sample = m->mode == MB_MODE_LATENCY && fit > 1 ? (uint64_t)fit : 1;
    mb__histogram *h = NULL;
    m->plan = MB_PLAN_FLAT;
    m->iters_step = per_sample;
    m->stop = MB_STOP_SAMPLES;
    if (mb__samples_alloc(s, m, set->max_samples) != 0 || mb__hist_new(&h) != 0) {
        mb__measurement_free(m);
        return MB_ENOMEM;
    }
    time_each(s, fn, m, per_sample, 0, h);
    int err = keep_histogram(h, set->confidence, m);
    mb__hist_free(h);
    if (err) {
        mb__measurement_free(m);
        return err;
    }
    return finish(m);
}

/* Latency mode with invocations too short to time alone well (under the threshold), after
 * the samples: the invocations timed alone all the same for the percentiles, less the
 * clock's cost per read, over a measurement budget of their own; the times marked
 * resolution-limited (docs/statistics.md, "Short invocations"). */
static int measure_short(mb__session *s, mb_bench_fn fn, mb__measurement *m)
{
    const mb__runner *run = s->run;
    mb__histogram *h = NULL;
    if (mb__hist_new(&h) != 0) {
        mb__measurement_free(m);
        return MB_ENOMEM;
    }
    double cost_ns = run->timer_cost_ns > 0 ? run->timer_cost_ns : 0;
    time_each(s, fn, m, 0, cost_ns, h);
    int err = m->failure ? 0 : keep_histogram(h, run->settings->confidence, m);
    mb__hist_free(h);
    if (err) {
        mb__measurement_free(m);
        return err;
    }
    m->latency.resolution_limited = 1;
    return finish(m);
}

/* Whether sampling stops after m's latest sample, with elapsed_ns spent: precision reached,
 * or the budget spent (past min_samples, or past the hard budget before). Sets m->stop. */
static int stop_now(const mb__runner *run, mb__measurement *m, const mb__plan *plan,
                    double elapsed_ns, double *scratch)
{
    const mb_settings *set = run->settings;
    double budget_ns = set->measurement_time_s * 1e9;
    uint32_t n_min = set->min_samples < plan->n ? set->min_samples : plan->n;
    if (m->n < n_min) {
        if (elapsed_ns < MB__HARD_BUDGET_FACTOR * budget_ns)
            return 0;
        m->stop = MB_STOP_BUDGET;
        return 1;
    }
    double conf = run->one_part ? mb__one_part_stop_level(set->confidence) : set->confidence;
    if (set->precision > 0 &&
        mb__median_precision(m->iters, m->ns, m->n, conf, scratch) <= set->precision) {
        m->stop = MB_STOP_PRECISION;
        return 1;
    }
    if (elapsed_ns >= budget_ns && m->n < plan->n) {
        m->stop = MB_STOP_BUDGET;
        return 1;
    }
    return 0;
}

/* Samples by the plan made from the warm-up: sizes k*d (linear) or d (flat) in a seeded
 * random order, so that drift over time does not line up with sample size and bias the
 * slope, until the stopping rule says enough. */
static int measure_planned(mb__session *s, mb_bench_fn fn, uint64_t seed, mb__measurement *m)
{
    const mb_settings *set = s->run->settings;
    mb__plan plan;
    mb__make_plan(set, s->run->min_sample_ns, m->warm_up_ns, m->warm_up_wall_ns, &plan);
    m->plan = plan.kind;
    m->iters_step = plan.step;
    uint32_t *order = malloc(plan.n * sizeof *order);
    double *scratch = malloc(plan.n * sizeof *scratch);
    if (!order || !scratch || mb__samples_alloc(s, m, plan.n) != 0) {
        free(order);
        free(scratch);
        mb__measurement_free(m);
        return MB_ENOMEM;
    }
    for (uint32_t k = 0; k < plan.n; k++)
        order[k] = plan.kind == MB_PLAN_LINEAR ? k + 1 : 1;
    mb__rng rng;
    mb__rng_seed(&rng, seed);
    mb__shuffle_u32(&rng, order, plan.n);

    m->stop = plan.long_body ? MB_STOP_LONG : MB_STOP_SAMPLES;
    uint64_t start = mb__now_ns(s->run);
    for (uint32_t i = 0; i < plan.n; i++) {
        uint64_t iters = order[i] * plan.step;
        double loop_ns = 0;
        m->failure = mb__call(s, fn, iters, m->warm_up_ns, &loop_ns);
        if (m->failure)
            break;
        mb__sample_keep(s, m, i, iters, loop_ns);
        m->n = i + 1;
        if (plan.long_body)
            continue;
        if (stop_now(s->run, m, &plan, (double)(mb__now_ns(s->run) - start), scratch))
            break;
    }
    free(order);
    free(scratch);
    return finish(m);
}

/* Warm-up, plan and sampling of one body, with the session's resources in place. */
static int measure_body(mb__session *s, mb_bench_fn fn, uint64_t seed, mb__measurement *m)
{
    const mb_settings *set = s->run->settings;
    if (set->smoke) {
        /* One call of one iteration: enough to find a body that crashes or misuses
         * MB_LOOP, and nothing is kept, since one iteration says nothing about its time. */
        double loop_ns;
        m->plan = MB_PLAN_FLAT;
        m->stop = MB_STOP_SAMPLES;
        m->failure = mb__call(s, fn, 1, 0, &loop_ns);
        return finish(m);
    }
    if (set->profile_time_s > 0) {
        m->plan = MB_PLAN_FLAT;
        m->stop = MB_STOP_BUDGET;
        m->failure = profile(s, fn, set->profile_time_s * 1e9);
        return finish(m);
    }
    if (m->mode == MB_MODE_COLD) {
        /* One cold invocation estimates the time of the others; nothing warms up. */
        double loop_ns = 0;
        m->failure = mb__call(s, fn, 1, 0, &loop_ns);
        m->warm_up_iters = 1;
        m->warm_up_ns = loop_ns;
        return m->failure ? finish(m) : measure_each(s, fn, m);
    }
    m->failure = mb__warm_up(s, fn, m);
    if (m->failure)
        return finish(m);
    if (m->mode == MB_MODE_LATENCY) {
        if (m->warm_up_ns >= LATENCY_THRESHOLD_QUANTA * s->run->quantum_ns)
            return measure_each(s, fn, m);
        m->mode = MB_MODE_NORMAL;
        m->latency_short = 1;
        int err = measure_planned(s, fn, seed, m);
        return err || m->failure ? err : measure_short(s, fn, m);
    }
    return measure_planned(s, fn, seed, m);
}

int mb__measure(const mb__runner *run, const mb__options *opts, mb_bench_fn fn, uint64_t seed,
                mb__measurement *m)
{
    *m = (mb__measurement){0};
    m->mode = opts->mode;
    m->latency.threshold_ns =
        opts->mode == MB_MODE_LATENCY ? LATENCY_THRESHOLD_QUANTA * run->quantum_ns : NAN;
    m->latency.serial = NAN;
    m->latency.timer_cost_ns = run->timer_cost_ns > 0 ? run->timer_cost_ns : NAN;
    m->latency.timer_resolution_ns = run->timer_resolution_ns > 0 ? run->timer_resolution_ns : NAN;
    /* A measurement time of its own: the same runner with settings that say so. */
    mb__runner own_run;
    mb_settings own;
    if (opts->measurement_time_s > 0 &&
        opts->measurement_time_s != run->settings->measurement_time_s) {
        own = *run->settings;
        own.measurement_time_s = opts->measurement_time_s;
        own_run = *run;
        own_run.settings = &own;
        run = &own_run;
    }
    /* The body's declarations (throughput, skip, failure) go to this measurement. */
    mb__session s;
    int err = mb__session_open(&s, run, opts, &m->report, &m->failure);
    if (!err && !m->failure && !m->report.outcome)
        err = measure_body(&s, fn, seed, m);
    mb__session_close(&s);
    return err;
}

/* 2^24 empty iterations take about 5 ms at one per cycle; a clock that has not seen T_min pass
 * by then is not a real one (tests), and the probe must still end quickly. */
#define LOOP_PROBE_MAX_ITERS ((uint64_t)1 << 24)
/* The probe's loops, each as long as a user's shortest sample (T_min): at least 16 of them,
 * spread over at least 3 ms (a scheduler slice, a frequency step), at most 1000. */
#define LOOP_PROBES_MIN 16
#define LOOP_PROBES_MAX 1000
#define LOOP_PROBE_TIME_NS 3e6

/* An MB_LOOP around a compiler barrier, which costs no instruction: the harness's own cost
 * per iteration. Without the barrier a compiler that sees mb__loop_start and mb__loop_end
 * (same file, static build) may delete the loop. Aligned to 64 bytes so that its three
 * instructions never straddle a fetch block wherever the linker puts this file: straddling,
 * the same loop takes two cycles instead of one (docs/statistics.md, Diagnostics). */
#if defined(__GNUC__)
__attribute__((aligned(64)))
#endif
static void
empty_loop(mb_state *state)
{
    MB_LOOP(state) {
        mb_clobber();
    }
}

double mb__loop_min_ns(const mb__runner *run, mb_bench_fn fn)
{
    /* No counters, no interruption; nothing to acquire. */
    mb__runner quiet = *run;
    quiet.stop = NULL;
    quiet.counters = NULL;
    mb__options plain = {.mode = MB_MODE_NORMAL, .threads = 1};
    mb__body_report report = {0};
    mb__session s;
    const char *failure;
    mb__session_open(&s, &quiet, &plain, &report, &failure);
    uint64_t iters = 1;
    double loop_ns = 0, best = INFINITY;
    while (iters < LOOP_PROBE_MAX_ITERS) {
        mb__call(&s, fn, iters, 0, &loop_ns);
        if (loop_ns >= run->min_sample_ns)
            break;
        iters *= 2;
    }
    /* Noise only ever adds time: the fastest loop is the cost. A clock that never reached
     * T_min (a test's) gets one probe. */
    int real_clock = iters < LOOP_PROBE_MAX_ITERS;
    uint64_t start = mb__now_ns(run);
    for (int i = 0; i < (real_clock ? LOOP_PROBES_MAX : 1); i++) {
        mb__call(&s, fn, iters, 0, &loop_ns);
        if (loop_ns / (double)iters < best)
            best = loop_ns / (double)iters;
        if (i + 1 >= LOOP_PROBES_MIN && (double)(mb__now_ns(run) - start) >= LOOP_PROBE_TIME_NS)
            break;
    }
    mb__session_close(&s);
    return best;
}

double mb__loop_overhead_ns(const mb__runner *run)
{
    return mb__loop_min_ns(run, empty_loop);
}
