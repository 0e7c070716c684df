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
#include "histogram.h"
#include "microbe_internal.h"
#include "stats.h"
#include "sweep.h"
#include "threads.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The edges of a timed region, shared by MB_LOOP and mb_iter_batched. Whatever must not be
 * timed (a cache sweep, enabling counters, the threads' start barrier when `meet`) happens
 * before the start's clock read; callgrind collects only between the two reads. */
static uint64_t timing_start(mb_state *state, int meet)
{
    if (state->sweep)
        mb__sweep_run(state->sweep);
    if (state->counters)
        mb__counters_start(state->counters);
    if (meet && state->pool)
        mb__pool_barrier(state->pool);
    uint64_t now = state->clock->now_ns(state->clock->user);
    if (state->collect)
        mb__callgrind_toggle();
    return now;
}

static uint64_t timing_stop(mb_state *state)
{
    if (state->collect)
        mb__callgrind_toggle();
    uint64_t now = state->clock->now_ns(state->clock->user);
    if (state->counters)
        mb__counters_stop(state->counters);
    return now;
}

uint64_t mb__loop_start(mb_state *state)
{
    /* A second loop in the same call runs no iteration; the runner then fails the benchmark. */
    if (state->entered++ > 0)
        return 0;
    state->start_ns = timing_start(state, 1);
    return state->iters;
}

int mb__loop_end(mb_state *state)
{
    if (state->entered == 1 && !state->ended) {
        state->end_ns = timing_stop(state);
        state->ended = 1;
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
    if (!state || !state->report || state->report->outcome)
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

void *mb_fixture(mb_state *state)
{
    return state ? state->fixture : NULL;
}

unsigned mb_thread_index(const mb_state *state)
{
    return state ? state->thread_index : 0;
}

unsigned mb_thread_count(const mb_state *state)
{
    return state && state->n_threads ? state->n_threads : 1;
}

void mb_pause(mb_state *state)
{
    if (!state || state->paused || state->entered != 1 || state->ended)
        return;
    if (state->n_threads > 1) {
        mb_fail(state, "mb_pause() is not supported in threaded benchmarks");
        return;
    }
    state->paused = 1;
    state->paused_at = state->clock->now_ns(state->clock->user);
}

void mb_resume(mb_state *state)
{
    if (!state || !state->paused)
        return;
    uint64_t now = state->clock->now_ns(state->clock->user);
    state->paused_ns += (double)(now - state->paused_at);
    state->paused = 0;
}

void mb_add_manual_time(mb_state *state, double ns)
{
    if (!state)
        return;
    if (!(ns >= 0) || !isfinite(ns)) {
        mb_fail(state, "mb_add_manual_time() was given a negative or non-finite time");
        return;
    }
    state->manual = 1;
    state->manual_ns += ns;
}

/* The index of user counter name in report, added with kind when new; -1 when full. */
static int user_counter(mb__body_report *report, const char *name, mb_counter_kind kind)
{
    for (size_t c = 0; c < report->n_user; c++)
        if (strncmp(report->user_name[c], name, MB__USER_NAME_MAX - 1) == 0)
            return (int)c;
    if (report->n_user == MB_USER_COUNTERS_MAX)
        return -1;
    size_t c = report->n_user++;
    snprintf(report->user_name[c], MB__USER_NAME_MAX, "%s", name);
    report->user_kind[c] = kind;
    report->user_value[c] = NAN;
    return (int)c;
}

void mb_set_counter(mb_state *state, const char *name, double value, mb_counter_kind kind)
{
    if (!state || !state->report)
        return;
    if (!name || !*name || (unsigned)kind > MB_PER_CALL) {
        mb_fail(state, "mb_set_counter() needs a name and a kind");
        return;
    }
    int c = user_counter(state->report, name, kind);
    if (c < 0) {
        mb_fail(state, "mb_set_counter(): more than MB_USER_COUNTERS_MAX counter names");
        return;
    }
    state->report->user_value[c] = value;
}

/* Inputs of a batch start at this alignment, as malloc's results do. */
#define BATCH_ALIGN _Alignof(max_align_t)
/* The most memory one batch of inputs may take, unless one input is larger. */
#define BATCH_MAX_BYTES ((size_t)64 << 20)

/* Inputs per batch: enough that the batch's two clock reads cost under 1 % of its routine
 * time (2 quantum <= 1 % of b t), and as many as fit in half the batch cache besides; never
 * more than BATCH_MAX_BYTES. */
static uint64_t batch_size(const mb_state *state, size_t stride)
{
    double mem = (double)state->batch_cache_bytes / 2 / (double)stride;
    double timer = state->batch_ns > 0 ? 200 * state->quantum_ns / state->batch_ns : 1;
    double b = mem > timer ? mem : timer;
    double cap = (double)BATCH_MAX_BYTES / (double)stride;
    if (b > cap)
        b = cap;
    return b >= 1 ? (uint64_t)b : 1;
}

void mb_iter_batched(mb_state *state, const mb_batch *batch)
{
    if (!state || state->entered++ > 0)
        return;
    if (!batch || !batch->routine || batch->input_size == 0) {
        mb_fail(state, "mb_iter_batched() needs a routine and an input_size above 0");
        return;
    }
    size_t stride = (batch->input_size + BATCH_ALIGN - 1) / BATCH_ALIGN * BATCH_ALIGN;
    uint64_t iters = state->iters, b = batch_size(state, stride);
    if (b > iters)
        b = iters;
    unsigned char *inputs = b && b <= SIZE_MAX / stride ? malloc(b * stride) : NULL;
    if (iters && !inputs) {
        mb_fail(state, "mb_iter_batched(): out of memory for a batch of inputs");
        return;
    }
    double total = 0;
    for (uint64_t done = 0; done < iters;) {
        size_t k = (size_t)(iters - done < b ? iters - done : b);
        for (size_t i = 0; batch->setup && i < k; i++)
            batch->setup(inputs + i * stride, batch->user);
        /* Cold: the prepared inputs are evicted too. Threads meet before the first batch. */
        uint64_t start = timing_start(state, done == 0);
        for (size_t i = 0; i < k; i++)
            batch->routine(inputs + i * stride, batch->user);
        total += (double)(timing_stop(state) - start);
        for (size_t i = 0; batch->teardown && i < k; i++)
            batch->teardown(inputs + i * stride, batch->user);
        done += k;
    }
    free(inputs);
    state->manual = 1;
    state->manual_ns = total;
    state->ended = 1;
}

/* A body's state for a call of iters iterations on thread index, reporting to report. */
static mb_state state_for(const mb__runner *runner, uint64_t iters, int collect, double est_ns,
                          unsigned index, mb__body_report *report)
{
    return (mb_state){.clock = runner->clock,
                      .counters = runner->counters,
                      .collect = collect,
                      .report = report,
                      .values = runner->values,
                      .n_values = runner->n_values,
                      .iters = iters,
                      .fixture = runner->fixture,
                      .thread_index = index,
                      .n_threads = runner->pool ? mb__pool_size(runner->pool) : 1,
                      .pool = runner->pool,
                      .sweep = runner->sweep,
                      .batch_ns = est_ns,
                      .batch_cache_bytes = runner->batch_cache_bytes,
                      .quantum_ns = runner->quantum_ns};
}

/* Whether a body used MB_LOOP (or mb_iter_batched) properly in one call: NULL, or why not. */
static const char *misuse(const mb_state *state)
{
    if (state->entered == 0)
        return "the body never entered MB_LOOP";
    if (state->entered > 1)
        return "the body entered MB_LOOP more than once";
    if (!state->ended)
        return "the body left MB_LOOP early (break, return or goto inside the loop)";
    return NULL;
}

/* The time a call's loop took by its state: what the body timed itself, or the clock's
 * reading less the pauses. */
static double loop_time(const mb_state *state)
{
    return state->manual ? state->manual_ns
                         : (double)(state->end_ns - state->start_ns) - state->paused_ns;
}

/* One thread's part of a threaded call. */
typedef struct thread_call {
    mb_bench_fn fn;
    mb_state *states;
} thread_call;

static void run_thread(void *arg, unsigned index)
{
    const thread_call *job = arg;
    job->fn(&job->states[index]);
}

/* A call of fn on every thread of the runner's pool: each thread has its own state and
 * report, merged into the runner's afterwards (the first outcome, thread 0's throughput, the
 * sums of user counters). The loop's time is the span from the earliest start to the latest
 * end, or the longest time a thread timed itself. */
static const char *call_threads(const mb__runner *runner, mb_bench_fn fn, uint64_t iters,
                                double est_ns, double *loop_ns)
{
    unsigned n = mb__pool_size(runner->pool);
    mb_state *states = runner->thread_states;
    mb__body_report *reports = runner->thread_reports;
    mb__body_report scratch = {0};
    mb__body_report *out = runner->report ? runner->report : &scratch;
    for (unsigned t = 0; t < n; t++) {
        reports[t] = *out;
        states[t] = state_for(runner, iters, 0, est_ns, t, &reports[t]);
    }
    thread_call job = {fn, states};
    mb__pool_run(runner->pool, run_thread, &job);
    const char *failure = NULL;
    uint64_t first = UINT64_MAX, last = 0;
    double manual = 0;
    for (unsigned t = 0; t < n; t++) {
        const mb__body_report *r = &reports[t];
        if (r->outcome && !out->outcome) {
            out->outcome = r->outcome;
            memcpy(out->message, r->message, sizeof out->message);
        }
        if (t == 0) {
            out->bytes_per_iter = r->bytes_per_iter;
            out->items_per_iter = r->items_per_iter;
        }
        for (size_t c = 0; c < r->n_user; c++) {
            int k = user_counter(out, r->user_name[c], r->user_kind[c]);
            if (k >= 0 && !isnan(r->user_value[c]))
                out->user_value[k] = isnan(out->user_value[k])
                                         ? r->user_value[c]
                                         : out->user_value[k] + r->user_value[c];
        }
        if (!failure)
            failure = misuse(&states[t]);
        first = states[t].start_ns < first ? states[t].start_ns : first;
        last = states[t].end_ns > last ? states[t].end_ns : last;
        if (states[t].manual && loop_time(&states[t]) > manual)
            manual = loop_time(&states[t]);
    }
    *loop_ns = states[0].manual ? manual : (double)(last - first);
    return failure;
}

/* Calls the body once for `iters` iterations (with callgrind collecting inside the loop when
 * `collect`); returns the loop's time in *loop_ns, or a static message when the body misused
 * MB_LOOP or the run is to stop (`interrupted`). est_ns: the estimated time per iteration so
 * far (0: none yet), for mb_iter_batched. */
static const char *call(const mb__runner *runner, mb_bench_fn fn, uint64_t iters, int collect,
                        double est_ns, double *loop_ns)
{
    if (runner->stop && *runner->stop)
        return interrupted;
    for (size_t c = 0; runner->report && c < runner->report->n_user; c++)
        runner->report->user_value[c] = NAN;
    const char *failure;
    if (runner->pool) {
        failure = call_threads(runner, fn, iters, est_ns, loop_ns);
    } else {
        mb_state state = state_for(runner, iters, collect, est_ns, 0, runner->report);
        fn(&state);
        failure = misuse(&state);
        if (!failure)
            *loop_ns = loop_time(&state);
    }
    if (runner->counters) /* also after warm-up calls: a read starts the next interval */
        mb__counters_read(runner->counters, runner->counter_values, runner->counter_coverage);
    if (runner->report && runner->report->outcome)
        return declared;
    return failure;
}

static const char *invoke(const mb__runner *runner, mb_bench_fn fn, uint64_t iters, double est_ns,
                          double *loop_ns)
{
    return call(runner, fn, iters, 0, est_ns, loop_ns);
}

const char *mb__call_collecting(const mb__runner *shared, mb_bench_fn fn, uint64_t iters)
{
    /* One thread, warm caches: the instructions of the body's work, with its fixture. */
    mb__body_report report = {0};
    mb__runner own = *shared;
    own.report = &report;
    own.pool = NULL;
    own.sweep = NULL;
    mb_state state = state_for(&own, 0, 0, 0, 0, &report);
    own.fixture = own.setup ? own.setup(&state) : NULL;
    state.fixture = own.fixture;
    double loop_ns;
    const char *failure = report.outcome ? NULL : call(&own, fn, iters, 1, 0, &loop_ns);
    if (own.teardown)
        own.teardown(&state, own.fixture);
    return failure == declared ? NULL : failure;
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
        const char *failure = invoke(runner, fn, iters, m->warm_up_ns, &loop_ns);
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
        const char *failure = invoke(runner, fn, iters, loop_ns / (double)iters, &loop_ns);
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

/* Room for the user counters of n samples. Returns 0 or -1. */
static int alloc_user(mb__measurement *m, size_t n)
{
    m->user_values = malloc((n ? n : 1) * MB_USER_COUNTERS_MAX * sizeof *m->user_values);
    return m->user_values ? 0 : -1;
}

/* A user counter's value as reported: total over a loop of iters iterations that took ns. */
static double user_reported(mb_counter_kind kind, double total, double iters, double ns)
{
    return kind == MB_PER_ITER ? total / iters : kind == MB_PER_SECOND ? total / ns * 1e9 : total;
}

/* Keeps the last call's user counters as sample i's. */
static void keep_user(const mb__runner *runner, mb__measurement *m, size_t i, uint64_t iters,
                      double loop_ns)
{
    const mb__body_report *r = runner->report;
    for (size_t c = 0; c < MB_USER_COUNTERS_MAX; c++)
        m->user_values[i * MB_USER_COUNTERS_MAX + c] =
            c < r->n_user ? user_reported(r->user_kind[c], r->user_value[c], (double)iters, loop_ns)
                          : NAN;
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

/* Latency mode times invocations alone when one lasts at least this many timer quanta:
 * the clock reads then cost at most 1 % of what they time. */
#define LATENCY_THRESHOLD_QUANTA 100.0
/* The most invocations latency mode times. */
#define MAX_INVOCATIONS 100000000u

/* Latency and cold modes: calls of one iteration each, every one timed alone into a
 * histogram, until the budget is spent (at least min_samples samples, never past the hard
 * budget) or max_samples samples are taken. Samples are consecutive runs of `chunk`
 * invocations: as many as fill the budget with max_samples samples (latency), or one
 * (cold: each invocation after its own cache eviction). */
static int measure_each(const mb__runner *runner, mb_bench_fn fn, mb__measurement *m)
{
    const mb_settings *s = runner->settings;
    double budget_ns = s->measurement_time_s * 1e9, t = m->warm_up_ns > 1 ? m->warm_up_ns : 1;
    uint32_t n_max = s->max_samples, n_min = s->min_samples < n_max ? s->min_samples : n_max;
    double fit = floor(budget_ns / (t * n_max));
    uint64_t chunk = m->mode == MB_MODE_LATENCY && fit > 1 ? (uint64_t)fit : 1;
    mb__histogram *h = NULL;
    m->plan = MB_PLAN_FLAT;
    m->iters_step = chunk;
    m->stop = MB_STOP_SAMPLES;
    m->iters = malloc(n_max * sizeof *m->iters);
    m->ns = malloc(n_max * sizeof *m->ns);
    size_t nc = runner->counters ? mb__counters_count(runner->counters) : 0;
    double *sums = calloc(nc + (size_t)2 * MB_USER_COUNTERS_MAX + 1, sizeof *sums);
    if (!m->iters || !m->ns || !sums || alloc_counters(runner, m, n_max) != 0 ||
        alloc_user(m, n_max) != 0 || mb__hist_new(&h) != 0) {
        free(sums);
        mb__measurement_free(m);
        return MB_ENOMEM;
    }
    /* sums: counter totals, then each user counter's total and the calls that set it. */
    double *user_sum = sums + nc, *user_calls = user_sum + MB_USER_COUNTERS_MAX;
    double chunk_ns = 0;
    uint64_t in_chunk = 0, start = now_ns(runner);
    for (uint64_t done = 0; done < MAX_INVOCATIONS; done++) {
        double ns = 0;
        m->failure = invoke(runner, fn, 1, t, &ns);
        if (m->failure)
            break;
        mb__hist_add(h, ns > 0 ? (uint64_t)llround(ns) : 0);
        chunk_ns += ns;
        for (size_t c = 0; c < nc; c++)
            sums[c] += runner->counter_values[c];
        const mb__body_report *r = runner->report;
        for (size_t c = 0; c < r->n_user; c++)
            if (!isnan(r->user_value[c])) {
                user_sum[c] += r->user_value[c];
                user_calls[c] += 1;
            }
        if (++in_chunk == chunk) {
            size_t i = m->n++;
            m->iters[i] = chunk;
            m->ns[i] = chunk_ns;
            for (size_t c = 0; c < nc; c++) {
                m->counter_values[i * nc + c] = sums[c];
                m->counter_coverage[i * nc + c] = runner->counter_coverage[c];
            }
            for (size_t c = 0; c < MB_USER_COUNTERS_MAX; c++) {
                /* Per call: the mean over the calls; else the chunk's total as one loop. */
                double total = user_calls[c] > 0 ? user_sum[c] : NAN;
                m->user_values[i * MB_USER_COUNTERS_MAX + c] =
                    c >= r->n_user ? NAN
                    : r->user_kind[c] == MB_PER_CALL
                        ? total / user_calls[c]
                        : user_reported(r->user_kind[c], total, (double)chunk, chunk_ns);
            }
            memset(sums, 0, (nc + (size_t)2 * MB_USER_COUNTERS_MAX) * sizeof *sums);
            chunk_ns = 0;
            in_chunk = 0;
        }
        double elapsed_ns = (double)(now_ns(runner) - start);
        if (m->n >= n_max)
            break;
        if ((elapsed_ns >= budget_ns && m->n >= n_min) ||
            elapsed_ns >= HARD_BUDGET_FACTOR * budget_ns) {
            m->stop = MB_STOP_BUDGET;
            break;
        }
    }
    mb__hist_latency(h, s->confidence, &m->latency);
    mb__hist_free(h);
    free(sums);
    return finish(m);
}

/* Warm-up, plan and sampling of one body, with the runner's resources in place. */
static int measure_body(const mb__runner *runner, mb_bench_fn fn, uint64_t seed, mb__measurement *m)
{
    const mb_settings *s = runner->settings;
    if (s->smoke) {
        /* One call of one iteration: enough to find a body that crashes or misuses
         * MB_LOOP, and nothing is kept, since one iteration says nothing about its time. */
        double loop_ns;
        m->plan = MB_PLAN_FLAT;
        m->stop = MB_STOP_SAMPLES;
        m->failure = invoke(runner, fn, 1, 0, &loop_ns);
        return finish(m);
    }
    if (s->profile_time_s > 0) {
        m->plan = MB_PLAN_FLAT;
        m->stop = MB_STOP_BUDGET;
        m->failure = profile(runner, fn, s->profile_time_s * 1e9);
        return finish(m);
    }
    if (m->mode == MB_MODE_COLD) {
        /* One cold invocation estimates the time of the others; nothing warms up. */
        double loop_ns = 0;
        m->failure = invoke(runner, fn, 1, 0, &loop_ns);
        m->warm_up_iters = 1;
        m->warm_up_ns = loop_ns;
        return m->failure ? finish(m) : measure_each(runner, fn, m);
    }
    m->failure = warm_up(runner, fn, m);
    if (m->failure)
        return finish(m);
    if (m->mode == MB_MODE_LATENCY) {
        if (m->warm_up_ns >= LATENCY_THRESHOLD_QUANTA * runner->quantum_ns)
            return measure_each(runner, fn, m);
        m->mode = MB_MODE_NORMAL;
        m->latency_short = 1;
    }

    mb__plan plan;
    mb__make_plan(s, runner->min_sample_ns, m->warm_up_ns, &plan);
    m->plan = plan.kind;
    m->iters_step = plan.step;

    m->iters = malloc(plan.n * sizeof *m->iters);
    m->ns = malloc(plan.n * sizeof *m->ns);
    uint32_t *order = malloc(plan.n * sizeof *order);
    double *scratch = malloc(plan.n * sizeof *scratch);
    if (!m->iters || !m->ns || !order || !scratch || alloc_counters(runner, m, plan.n) != 0 ||
        alloc_user(m, plan.n) != 0) {
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
        m->failure = invoke(runner, fn, iters, m->warm_up_ns, &loop_ns);
        if (m->failure)
            break;
        m->iters[i] = iters;
        m->ns[i] = loop_ns;
        keep_counters(runner, m, i);
        keep_user(runner, m, i, iters, loop_ns);
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

void mb__runner_options(mb__runner *runner, const mb_bench *bench)
{
    const mb_param *fixture = mb__bench_option(bench, MB_OPTION_FIXTURE);
    const mb_param *mode = mb__bench_option(bench, MB_OPTION_MODE);
    runner->values = bench->values;
    runner->n_values = bench->n_values;
    runner->setup = fixture ? fixture->setup : NULL;
    runner->teardown = fixture ? fixture->teardown : NULL;
    runner->mode = mode ? mode->mode : MB_MODE_NORMAL;
    runner->threads = mb__bench_threads(bench);
}

/* The threads and eviction buffer of a measurement, set up in own; a static message in
 * m->failure when they cannot be. Returns 0 or MB_ENOMEM. */
static int acquire(mb__runner *own, mb__measurement *m)
{
    if (own->threads == 0) {
        m->failure = "MB_THREADS: a thread count must be 1 to 1024";
        return 0;
    }
    if (own->threads > 1) {
        own->thread_states = malloc(own->threads * sizeof *own->thread_states);
        own->thread_reports = malloc(own->threads * sizeof *own->thread_reports);
        int err = own->thread_states && own->thread_reports ? mb__pool_new(&own->pool, own->threads)
                                                            : MB_ENOMEM;
        if (err == MB_ENOMEM)
            return err;
        if (err) {
            m->failure = "MB_THREADS: the threads could not be started";
            return 0;
        }
        own->counters = NULL; /* counters count the thread that opened them only */
    }
    if (own->mode == MB_MODE_COLD && !own->settings->smoke && own->settings->profile_time_s <= 0)
        return mb__sweep_new(&own->sweep, own->sweep_bytes);
    return 0;
}

int mb__measure(const mb__runner *shared, mb_bench_fn fn, uint64_t seed, mb__measurement *m)
{
    *m = (mb__measurement){0};
    m->mode = shared->mode;
    m->latency.threshold_ns =
        shared->mode == MB_MODE_LATENCY ? LATENCY_THRESHOLD_QUANTA * shared->quantum_ns : NAN;
    /* The body's declarations (throughput, skip, failure) go to this measurement. */
    mb__runner own = *shared;
    own.report = &m->report;
    own.pool = NULL;
    own.thread_states = NULL;
    own.thread_reports = NULL;
    own.sweep = NULL;
    own.fixture = NULL;
    int err = acquire(&own, m);
    if (!err && !m->failure) {
        /* The fixture: setup before the warm-up, teardown after the last sample, whatever
         * happened in between; a setup that skips or fails leaves the body uncalled. */
        mb_state state = state_for(&own, 0, 0, 0, 0, own.report);
        if (own.setup)
            own.fixture = own.setup(&state);
        state.fixture = own.fixture;
        if (!m->report.outcome)
            err = measure_body(&own, fn, seed, m);
        if (own.teardown)
            own.teardown(&state, own.fixture);
    }
    mb__pool_free(own.pool);
    free(own.thread_states);
    free(own.thread_reports);
    mb__sweep_free(own.sweep);
    return err;
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
        if (!ms[i].iters || !ms[i].ns || alloc_counters(runner, &ms[i], rounds) != 0 ||
            alloc_user(&ms[i], rounds) != 0) {
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
            const mb__runner *one = member(runner, &ms[i], &own);
            failure = invoke(one, fns[i], ms[i].iters_step, ms[i].warm_up_ns, &loop_ns);
            if (failure) {
                ms[i].failure = failure;
                break;
            }
            ms[i].iters[r] = ms[i].iters_step;
            ms[i].ns[r] = loop_ns;
            keep_counters(runner, &ms[i], r);
            keep_user(one, &ms[i], r, ms[i].iters_step, loop_ns);
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
        invoke(runner, empty_loop, iters, 0, &loop_ns);
        if (loop_ns >= 10 * runner->min_sample_ns)
            break;
        iters *= 2;
    }
    for (int i = 0; i < 5; i++) {
        invoke(runner, empty_loop, iters, 0, &loop_ns);
        if (loop_ns / (double)iters < best)
            best = loop_ns / (double)iters;
    }
    return best;
}

void mb__measurement_free(mb__measurement *m)
{
    free(m->user_values);
    m->user_values = NULL;
    free(m->iters);
    free(m->ns);
    free(m->counter_values);
    free(m->counter_coverage);
    m->counter_values = m->counter_coverage = NULL;
    m->iters = NULL;
    m->ns = NULL;
    m->n = 0;
}

/* The running instance's value of parameter name of the given kind, or NULL after failing the
 * benchmark with a message. */
static const mb_param_value *find(mb_state *state, const char *name, mb_param_kind kind)
{
    for (size_t j = 0; state && j < state->n_values; j++) {
        mb_param_kind k =
            state->values[j].kind == MB_PARAM_THREADS ? MB_PARAM_INT : state->values[j].kind;
        if (name && strcmp(state->values[j].name, name) == 0 && k == kind)
            return &state->values[j];
    }
    char message[160];
    snprintf(message, sizeof message, "the body asked for parameter '%s', which it does not have%s",
             name ? name : "(null)", " (or not of that kind)");
    mb_fail(state, message);
    return NULL;
}

int64_t mb_param_int(mb_state *state, const char *name)
{
    const mb_param_value *v = find(state, name, MB_PARAM_INT);
    return v ? v->i : 0;
}

double mb_param_double(mb_state *state, const char *name)
{
    const mb_param_value *v = find(state, name, MB_PARAM_DOUBLE);
    return v ? v->d : 0.0;
}

const char *mb_param_string(mb_state *state, const char *name)
{
    const mb_param_value *v = find(state, name, MB_PARAM_STRING);
    return v && v->s ? v->s : "";
}
