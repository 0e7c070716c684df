/*
 * The runner: for one benchmark body, the warm-up, the plan of sample sizes, the sampling in
 * shuffled order and the stopping rule (DESIGN section 4; the numbers are in
 * docs/measurement.md). It also implements the two functions MB_LOOP calls; they run once per
 * sample, never per iteration.
 *
 * Every clock read goes through the injected mb__clock, so tests drive the runner with a fake
 * clock and check the plan and the stopping rule without wall-clock thresholds.
 */
#include "counters.h"
#include "microbe_internal.h"
#include "stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

uint64_t mb__loop_start(mb_state *state)
{
    /* A second loop in the same call runs no iteration; the runner then fails the benchmark. */
    if (state->entered++ > 0)
        return 0;
    uint64_t iters = state->iters;
    if (state->counters)
        mb__counters_start(state->counters);
    state->start_ns = state->clock->now_ns(state->clock->user);
    if (state->collect)
        mb__callgrind_toggle();
    return iters;
}

int mb__loop_end(mb_state *state)
{
    if (state->collect && state->entered == 1 && !state->ended)
        mb__callgrind_toggle();
    uint64_t now = state->clock->now_ns(state->clock->user);
    if (state->entered == 1 && !state->ended) {
        state->end_ns = now;
        state->ended = 1;
        if (state->counters)
            mb__counters_stop(state->counters);
    }
    return 0;
}

static uint64_t now_ns(const mb__runner *runner)
{
    return runner->clock->now_ns(runner->clock->user);
}

/* What invoke() returns instead of calling the body once the run is to stop. */
static const char interrupted[] = "interrupted";
/* What it returns after a body called mb_skip() or mb_fail(): the report says which. */
static const char declared[] = "declared by the body";

static void declare(mb_state *state, int outcome, const char *message)
{
    if (!state || !state->report)
        return;
    state->report->outcome = outcome;
    snprintf(state->report->message, sizeof state->report->message, "%s", message ? message : "");
}

void mb_skip(mb_state *state, const char *message)
{
    declare(state, MB_STATUS_SKIPPED, message);
}

void mb_fail(mb_state *state, const char *message)
{
    declare(state, MB_STATUS_FAILED, message);
}

void mb_set_bytes_per_iter(mb_state *state, double bytes)
{
    if (state && state->report)
        state->report->bytes_per_iter = bytes;
}

void mb_set_items_per_iter(mb_state *state, double items)
{
    if (state && state->report)
        state->report->items_per_iter = items;
}

/* Calls the body once for `iters` iterations (with callgrind collecting inside the loop when
 * `collect`); returns the loop's time in *loop_ns, or a static message when the body misused
 * MB_LOOP or the run is to stop (`interrupted`). */
static const char *call(const mb__runner *runner, mb_bench_fn fn, uint64_t iters, int collect,
                        double *loop_ns)
{
    if (runner->stop && *runner->stop)
        return interrupted;
    mb_state state = {runner->clock,
                      runner->counters,
                      collect,
                      runner->report,
                      runner->values,
                      runner->n_values,
                      iters,
                      0,
                      0,
                      0,
                      0};
    fn(&state);
    if (runner->counters) /* also after warm-up calls: a read starts the next interval */
        mb__counters_read(runner->counters, runner->counter_values, runner->counter_coverage);
    if (runner->report && runner->report->outcome)
        return declared;
    if (state.entered == 0)
        return "the body never entered MB_LOOP";
    if (state.entered > 1)
        return "the body entered MB_LOOP more than once";
    if (!state.ended)
        return "the body left MB_LOOP early (break, return or goto inside the loop)";
    *loop_ns = (double)(state.end_ns - state.start_ns);
    return NULL;
}

static const char *invoke(const mb__runner *runner, mb_bench_fn fn, uint64_t iters, double *loop_ns)
{
    return call(runner, fn, iters, 0, loop_ns);
}

const char *mb__call_collecting(const mb__runner *runner, mb_bench_fn fn, uint64_t iters)
{
    double loop_ns;
    return call(runner, fn, iters, 1, &loop_ns);
}

/* Doubling stops here: a body whose loop still takes less than T_min after 2^40 iterations
 * does not grow with the iteration count (it was optimised away), and the warm-up must end. */
#define WARM_UP_MAX_ITERS ((uint64_t)1 << 40)

/* Batches of 1, 2, 4, ... iterations until the warm-up time is spent and the last batch
 * lasted at least T_min; the estimate is the last, largest batch's time per iteration. */
static const char *warm_up(const mb__runner *runner, mb_bench_fn fn, mb__measurement *m)
{
    double budget_ns = runner->settings->warm_up_time_s * 1e9;
    uint64_t start = now_ns(runner);
    for (uint64_t iters = 1;; iters *= 2) {
        double loop_ns = 0;
        const char *failure = invoke(runner, fn, iters, &loop_ns);
        if (failure)
            return failure;
        m->warm_up_iters += iters;
        m->warm_up_ns = loop_ns / (double)iters;
        double elapsed_ns = (double)(now_ns(runner) - start);
        if ((elapsed_ns >= budget_ns && loop_ns >= runner->min_sample_ns) ||
            iters >= WARM_UP_MAX_ITERS)
            return NULL;
    }
}

/* A profiling run: calls of growing iteration counts until one lasts 10 ms, then calls of
 * that count until the time is spent. Setup outside the loop then takes a small share of a
 * profile, and nothing but the body and one clock read per call happens in between. */
static const char *profile(const mb__runner *runner, mb_bench_fn fn, double time_ns)
{
    uint64_t start = now_ns(runner), iters = 1;
    for (;;) {
        double loop_ns = 0;
        const char *failure = invoke(runner, fn, iters, &loop_ns);
        if (failure)
            return failure;
        if ((double)(now_ns(runner) - start) >= time_ns)
            return NULL;
        if (loop_ns < 1e7 && iters < WARM_UP_MAX_ITERS)
            iters *= 2;
    }
}

/* The smallest time per iteration the planner believes; keeps the step count finite for a
 * body the compiler removed. */
#define MIN_PLAN_NS 1e-6
/* The fewest samples a long benchmark still gets. */
#define LONG_MIN_SAMPLES 3u
/* The largest iteration count of one sample. */
#define MAX_SAMPLE_ITERS 4e18

void mb__make_plan(const mb_settings *s, double min_sample_ns, double t_ns, mb__plan *plan)
{
    double budget_ns = s->measurement_time_s * 1e9;
    uint32_t n_max = s->max_samples;
    uint32_t n_min = s->min_samples < n_max ? s->min_samples : n_max;
    if (!(t_ns >= MIN_PLAN_NS))
        t_ns = MIN_PLAN_NS;

    /* d_min: the fewest iterations that make a sample last T_min. */
    double d_min = ceil(min_sample_ns / t_ns);
    if (d_min < 1)
        d_min = 1;
    if (d_min > MAX_SAMPLE_ITERS / n_max)
        d_min = floor(MAX_SAMPLE_ITERS / n_max);
    double tri_min = n_min * (n_min + 1.0) / 2, tri_max = n_max * (n_max + 1.0) / 2;

    /* Linear when even the shortest linear plan of n_min samples fits the budget: sample k
     * runs k*d iterations, with d as large as lets all n_max samples fill the budget. */
    if (t_ns * d_min * tri_min <= budget_ns) {
        double d = floor(budget_ns / (t_ns * tri_max));
        if (d < d_min)
            d = d_min;
        if (d > MAX_SAMPLE_ITERS / n_max)
            d = floor(MAX_SAMPLE_ITERS / n_max);
        plan->kind = MB_PLAN_LINEAR;
        plan->long_body = 0;
        plan->step = (uint64_t)d;
        plan->n = n_max;
        return;
    }

    /* Flat: every sample runs d_min iterations, as many samples as the budget holds. */
    double n_fit = floor(budget_ns / (t_ns * d_min));
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

/* Sampling may overrun the budget while fewer than min_samples are taken (a body slower than
 * the warm-up said), but never by more than this factor. */
#define HARD_BUDGET_FACTOR 10.0

/* Room for the counters of n samples, when the runner reads counters. Returns 0 or -1. */
static int alloc_counters(const mb__runner *runner, mb__measurement *m, size_t n)
{
    if (!runner->counters)
        return 0;
    m->n_counters = mb__counters_count(runner->counters);
    m->counter_values = malloc((n * m->n_counters + 1) * sizeof *m->counter_values);
    m->counter_coverage = malloc((n * m->n_counters + 1) * sizeof *m->counter_coverage);
    return m->counter_values && m->counter_coverage ? 0 : -1;
}

/* Keeps the last call's counter reads as sample i's. */
static void keep_counters(const mb__runner *runner, mb__measurement *m, size_t i)
{
    for (size_t c = 0; c < m->n_counters; c++) {
        m->counter_values[i * m->n_counters + c] = runner->counter_values[c];
        m->counter_coverage[i * m->n_counters + c] = runner->counter_coverage[c];
    }
}

/* An interrupted measurement keeps nothing. */
static int finish(mb__measurement *m)
{
    if (m->failure != interrupted)
        return 0;
    mb__measurement_free(m);
    m->failure = NULL;
    return MB_EINTR;
}

int mb__measure(const mb__runner *shared, mb_bench_fn fn, uint64_t seed, mb__measurement *m)
{
    const mb_settings *s = shared->settings;
    *m = (mb__measurement){0};
    /* The body's declarations (throughput, skip, failure) go to this measurement. */
    mb__runner own = *shared;
    own.report = &m->report;
    const mb__runner *runner = &own;
    if (s->smoke) {
        /* One call of one iteration: enough to find a body that crashes or misuses
         * MB_LOOP, and nothing is kept, since one iteration says nothing about its time. */
        double loop_ns;
        m->plan = MB_PLAN_FLAT;
        m->stop = MB_STOP_SAMPLES;
        m->failure = invoke(runner, fn, 1, &loop_ns);
        return finish(m);
    }
    if (s->profile_time_s > 0) {
        m->plan = MB_PLAN_FLAT;
        m->stop = MB_STOP_BUDGET;
        m->failure = profile(runner, fn, s->profile_time_s * 1e9);
        return finish(m);
    }
    m->failure = warm_up(runner, fn, m);
    if (m->failure)
        return finish(m);

    mb__plan plan;
    mb__make_plan(s, runner->min_sample_ns, m->warm_up_ns, &plan);
    m->plan = plan.kind;
    m->iters_step = plan.step;

    m->iters = malloc(plan.n * sizeof *m->iters);
    m->ns = malloc(plan.n * sizeof *m->ns);
    uint32_t *order = malloc(plan.n * sizeof *order);
    double *scratch = malloc(plan.n * sizeof *scratch);
    if (!m->iters || !m->ns || !order || !scratch || alloc_counters(runner, m, plan.n) != 0) {
        free(order);
        free(scratch);
        mb__measurement_free(m);
        return MB_ENOMEM;
    }

    /* Sample sizes k*d (linear) in a seeded random order, so that drift over time does not
     * line up with sample size and bias the slope. */
    for (uint32_t k = 0; k < plan.n; k++)
        order[k] = plan.kind == MB_PLAN_LINEAR ? k + 1 : 1;
    mb__rng rng;
    mb__rng_seed(&rng, seed);
    mb__shuffle_u32(&rng, order, plan.n);

    double budget_ns = s->measurement_time_s * 1e9;
    uint32_t n_min = s->min_samples < plan.n ? s->min_samples : plan.n;
    m->stop = plan.long_body ? MB_STOP_LONG : MB_STOP_SAMPLES;
    uint64_t start = now_ns(runner);
    for (uint32_t i = 0; i < plan.n; i++) {
        uint64_t iters = order[i] * plan.step;
        double loop_ns = 0;
        m->failure = invoke(runner, fn, iters, &loop_ns);
        if (m->failure)
            break;
        m->iters[i] = iters;
        m->ns[i] = loop_ns;
        keep_counters(runner, m, i);
        m->n = i + 1;
        if (plan.long_body)
            continue;
        double elapsed_ns = (double)(now_ns(runner) - start);
        if (m->n >= n_min) {
            if (s->precision > 0 && mb__median_precision(m->iters, m->ns, m->n, s->confidence,
                                                         scratch) <= s->precision) {
                m->stop = MB_STOP_PRECISION;
                break;
            }
            if (elapsed_ns >= budget_ns && m->n < plan.n) {
                m->stop = MB_STOP_BUDGET;
                break;
            }
        } else if (elapsed_ns >= HARD_BUDGET_FACTOR * budget_ns) {
            m->stop = MB_STOP_BUDGET;
            break;
        }
    }
    free(order);
    free(scratch);
    return finish(m);
}

/* The order of the members in round r: a rotation by r, reversed every other round, so that
 * over the rounds every member runs first, last and next to every other about equally. */
static size_t round_member(size_t r, size_t j, size_t k)
{
    size_t pos = (r / 2 + j) % k;
    return r % 2 ? k - 1 - pos : pos;
}

/* A group one of whose members failed or skipped during warm-up: the others are measured one
 * by one, as if they were not grouped (no pairing without the baseline member). */
static int measure_alone(const mb__runner *runner, const mb_bench_fn *fns, size_t k, uint64_t seed,
                         mb__measurement *ms, size_t bad)
{
    for (size_t j = 0; j < k; j++) {
        if (j == bad)
            continue;
        mb__measurement_free(&ms[j]);
        int err = j < bad && ms[j].failure ? 0 : mb__measure(runner, fns[j], seed + j, &ms[j]);
        if (err)
            return err;
    }
    return 0;
}

/* The runner for one member of a group: the shared one with the member's own report. */
static const mb__runner *member(const mb__runner *shared, mb__measurement *m, mb__runner *own)
{
    *own = *shared;
    own->report = &m->report;
    return own;
}

int mb__measure_group(const mb__runner *runner, const mb_bench_fn *fns, size_t k, uint64_t seed,
                      mb__measurement *ms)
{
    const mb_settings *s = runner->settings;
    mb__runner own;
    for (size_t i = 0; i < k; i++)
        ms[i] = (mb__measurement){0};
    if (s->smoke || s->profile_time_s > 0) {
        for (size_t i = 0; i < k; i++) {
            int err = mb__measure(runner, fns[i], seed + i, &ms[i]);
            if (err)
                return err;
        }
        return 0;
    }
    double round_ns = 0;
    for (size_t i = 0; i < k; i++) {
        ms[i].failure = warm_up(member(runner, &ms[i], &own), fns[i], &ms[i]);
        if (ms[i].failure == interrupted)
            return MB_EINTR;
        if (ms[i].failure)
            return measure_alone(runner, fns, k, seed, ms, i);
        /* Samples of at least T_min, and long enough that max_samples rounds fill the
         * budget, as the flat plan of a lone benchmark would. */
        double t = ms[i].warm_up_ns >= MIN_PLAN_NS ? ms[i].warm_up_ns : MIN_PLAN_NS;
        double d = ceil(runner->min_sample_ns / t);
        double d_budget = floor(s->measurement_time_s * 1e9 / ((double)s->max_samples * t));
        if (d_budget > d)
            d = d_budget;
        ms[i].iters_step = d < 1                  ? 1
                           : d > MAX_SAMPLE_ITERS ? (uint64_t)MAX_SAMPLE_ITERS
                                                  : (uint64_t)d;
        ms[i].plan = MB_PLAN_FLAT;
        ms[i].stop = MB_STOP_SAMPLES;
        round_ns += t * (double)ms[i].iters_step;
    }
    double budget_ns = s->measurement_time_s * 1e9 * (double)k;
    double fit = floor(budget_ns / round_ns);
    uint32_t rounds = fit >= s->max_samples   ? s->max_samples
                      : fit <= s->min_samples ? s->min_samples
                                              : (uint32_t)fit;
    for (size_t i = 0; i < k; i++) {
        ms[i].iters = malloc(rounds * sizeof *ms[i].iters);
        ms[i].ns = malloc(rounds * sizeof *ms[i].ns);
        if (!ms[i].iters || !ms[i].ns || alloc_counters(runner, &ms[i], rounds) != 0) {
            for (size_t j = 0; j <= i; j++)
                mb__measurement_free(&ms[j]);
            return MB_ENOMEM;
        }
    }
    uint64_t start = now_ns(runner);
    const char *failure = NULL;
    for (uint32_t r = 0; r < rounds && !failure; r++) {
        for (size_t j = 0; j < k && !failure; j++) {
            size_t i = round_member(r, j, k);
            double loop_ns = 0;
            failure = invoke(member(runner, &ms[i], &own), fns[i], ms[i].iters_step, &loop_ns);
            if (failure) {
                ms[i].failure = failure;
                break;
            }
            ms[i].iters[r] = ms[i].iters_step;
            ms[i].ns[r] = loop_ns;
            keep_counters(runner, &ms[i], r);
        }
        if (failure)
            break;
        for (size_t i = 0; i < k; i++)
            ms[i].n = r + 1;
        if ((double)(now_ns(runner) - start) >= HARD_BUDGET_FACTOR * budget_ns) {
            for (size_t i = 0; i < k; i++)
                ms[i].stop = MB_STOP_BUDGET;
            break;
        }
    }
    (void)seed;
    if (failure == interrupted) {
        for (size_t i = 0; i < k; i++)
            mb__measurement_free(&ms[i]);
        return MB_EINTR;
    }
    return 0;
}

/* 2^24 empty iterations take about 5 ms at one per cycle; a clock that has not seen 10 x T_min
 * pass by then is not a real one (tests), and the probe must still end quickly. */
#define LOOP_PROBE_MAX_ITERS ((uint64_t)1 << 24)

/* An MB_LOOP around a compiler barrier, which costs no instruction: the harness's own cost
 * per iteration. Without the barrier a compiler that sees mb__loop_start and mb__loop_end
 * (same file, static build) may delete the loop. */
static void empty_loop(mb_state *state)
{
    MB_LOOP(state) {
        mb_clobber();
    }
}

double mb__loop_overhead_ns(const mb__runner *runner)
{
    /* Grow the count until one loop lasts 10 x T_min, then keep the fastest of 5 loops:
     * noise only ever adds time. About a millisecond in all. */
    uint64_t iters = 1;
    double loop_ns = 0, best = INFINITY;
    while (iters < LOOP_PROBE_MAX_ITERS) {
        invoke(runner, empty_loop, iters, &loop_ns);
        if (loop_ns >= 10 * runner->min_sample_ns)
            break;
        iters *= 2;
    }
    for (int i = 0; i < 5; i++) {
        invoke(runner, empty_loop, iters, &loop_ns);
        if (loop_ns / (double)iters < best)
            best = loop_ns / (double)iters;
    }
    return best;
}

void mb__measurement_free(mb__measurement *m)
{
    free(m->iters);
    free(m->ns);
    free(m->counter_values);
    free(m->counter_coverage);
    m->counter_values = m->counter_coverage = NULL;
    m->iters = NULL;
    m->ns = NULL;
    m->n = 0;
}
