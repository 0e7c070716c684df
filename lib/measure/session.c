/*
 * One measurement's session: the resources a measurement holds from its first call of the
 * body to its last (the threads of a threaded benchmark with a state and report for each,
 * cold mode's eviction buffer, the fixture's data, the counters' reads after each call), one
 * call of the body with them, and the samples a measurement keeps from its calls. The
 * runner (runner.c, groups.c) decides which calls to make; this file makes them.
 */
#include "session.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char mb__interrupted[] = "interrupted";
/* What a call returns after a body called mb_skip() or mb_fail(): the report says which. */
static const char declared[] = "declared by the body";

/* A body's state for a call of iters iterations on thread index, reporting to report. */
static mb_state state_for(const mb__session *s, uint64_t iters, int collect, double est_ns,
                          unsigned index, mb__body_report *report)
{
    return (mb_state){.clock = s->run->clock,
                      .counters = s->counters,
                      .collect = collect,
                      .report = report,
                      .values = s->opts->values,
                      .n_values = s->opts->n_values,
                      .iters = iters,
                      .fixture = s->fixture,
                      .thread_index = index,
                      .n_threads = s->pool ? mb__pool_size(s->pool) : 1,
                      .pool = s->pool,
                      .sweep = s->sweep,
                      .batch_ns = est_ns,
                      .batch_cache_bytes = s->run->batch_cache_bytes,
                      .quantum_ns = s->run->quantum_ns};
}

/* The threads and eviction buffer of the measurement; a static message in *failure when they
 * cannot be had. Returns 0 or MB_ENOMEM. */
static int acquire(mb__session *s, const char **failure)
{
    unsigned threads = s->opts->threads;
    if (threads == 0) {
        *failure = "MB_THREADS: a thread count must be 1 to 1024";
        return 0;
    }
    if (threads > 1) {
        s->thread_states = malloc(threads * sizeof *s->thread_states);
        s->thread_reports = malloc(threads * sizeof *s->thread_reports);
        int err =
            s->thread_states && s->thread_reports ? mb__pool_new(&s->pool, threads) : MB_ENOMEM;
        if (err == MB_ENOMEM)
            return err;
        if (err) {
            *failure = "MB_THREADS: the threads could not be started";
            return 0;
        }
        s->counters = NULL; /* counters count the thread that opened them only */
    }
    const mb_settings *set = s->run->settings;
    if (s->opts->mode == MB_MODE_COLD && !set->smoke && set->profile_time_s <= 0)
        return mb__sweep_new(&s->sweep, s->run->sweep_bytes);
    return 0;
}

int mb__session_open(mb__session *s, const mb__runner *run, const mb__options *opts,
                     mb__body_report *report, const char **failure)
{
    *s = (mb__session){.run = run, .opts = opts, .counters = run->counters, .report = report};
    *failure = NULL;
    int err = acquire(s, failure);
    if (err || *failure)
        return err;
    /* The fixture: setup before the warm-up, teardown after the last sample, whatever
     * happens in between; a setup that skips or fails leaves the body uncalled. */
    if (opts->setup) {
        mb_state state = state_for(s, 0, 0, 0, 0, report);
        s->fixture = opts->setup(&state);
    }
    s->set_up = 1;
    return 0;
}

void mb__session_close(mb__session *s)
{
    if (s->set_up && s->opts->teardown) {
        mb_state state = state_for(s, 0, 0, 0, 0, s->report);
        s->opts->teardown(&state, s->fixture);
    }
    s->set_up = 0;
    mb__pool_free(s->pool);
    free(s->thread_states);
    free(s->thread_reports);
    mb__sweep_free(s->sweep);
    s->pool = NULL;
    s->thread_states = NULL;
    s->thread_reports = NULL;
    s->sweep = NULL;
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

/* Merges what thread t declared (r) into the measurement's report out: the first outcome,
 * thread 0's throughput, the sums of user counters. */
static void merge_report(mb__body_report *out, const mb__body_report *r, unsigned t)
{
    if (r->outcome && !out->outcome) {
        out->outcome = r->outcome;
        memcpy(out->message, r->message, sizeof out->message);
    }
    if (t == 0) {
        out->bytes_per_iter = r->bytes_per_iter;
        out->items_per_iter = r->items_per_iter;
    }
    for (size_t c = 0; c < r->n_user; c++) {
        int k = mb__user_counter(out, r->user_name[c], r->user_kind[c]);
        if (k >= 0 && !isnan(r->user_value[c]))
            out->user_value[k] = isnan(out->user_value[k]) ? r->user_value[c]
                                                           : out->user_value[k] + r->user_value[c];
    }
}

/* A call of fn on every thread of the pool: each thread has its own state and report, merged
 * into the session's afterwards. The loop's time is the span from the earliest start to the
 * latest end, or the longest time a thread timed itself. */
static const char *call_threads(mb__session *s, mb_bench_fn fn, uint64_t iters, double est_ns,
                                double *loop_ns)
{
    unsigned n = mb__pool_size(s->pool);
    mb_state *states = s->thread_states;
    mb__body_report *reports = s->thread_reports;
    for (unsigned t = 0; t < n; t++) {
        reports[t] = *s->report;
        states[t] = state_for(s, iters, 0, est_ns, t, &reports[t]);
    }
    thread_call job = {fn, states};
    mb__pool_run(s->pool, run_thread, &job);
    const char *failure = NULL;
    uint64_t first = UINT64_MAX, last = 0;
    double manual = 0;
    for (unsigned t = 0; t < n; t++) {
        merge_report(s->report, &reports[t], t);
        if (!failure)
            failure = mb__state_misuse(&states[t]);
        first = states[t].start_ns < first ? states[t].start_ns : first;
        last = states[t].end_ns > last ? states[t].end_ns : last;
        if (states[t].manual && mb__state_loop_ns(&states[t]) > manual)
            manual = mb__state_loop_ns(&states[t]);
    }
    *loop_ns = states[0].manual ? manual : (double)(last - first);
    return failure;
}

/* mb__call, with callgrind collecting inside the loop when `collect`. */
static const char *call(mb__session *s, mb_bench_fn fn, uint64_t iters, int collect, double est_ns,
                        double *loop_ns)
{
    if (s->run->stop && *s->run->stop)
        return mb__interrupted;
    for (size_t c = 0; c < s->report->n_user; c++)
        s->report->user_value[c] = NAN;
    const char *failure;
    if (s->pool) {
        failure = call_threads(s, fn, iters, est_ns, loop_ns);
    } else {
        mb_state state = state_for(s, iters, collect, est_ns, 0, s->report);
        fn(&state);
        failure = mb__state_misuse(&state);
        if (!failure)
            *loop_ns = mb__state_loop_ns(&state);
    }
    if (s->counters) /* also after warm-up calls: a read starts the next interval */
        mb__counters_read(s->counters, s->counter_values, s->counter_coverage);
    if (s->report->outcome)
        return declared;
    return failure;
}

const char *mb__call(mb__session *s, mb_bench_fn fn, uint64_t iters, double est_ns, double *loop_ns)
{
    return call(s, fn, iters, 0, est_ns, loop_ns);
}

const char *mb__call_collecting(const mb__runner *run, const mb__options *opts, mb_bench_fn fn,
                                uint64_t iters)
{
    /* One thread, warm caches, no counters: the instructions of the body's work, with its
     * fixture. */
    mb__runner quiet = *run;
    quiet.counters = NULL;
    mb__options one = *opts;
    one.threads = 1;
    one.mode = MB_MODE_NORMAL;
    mb__body_report report = {0};
    mb__session s;
    const char *failure = NULL;
    if (mb__session_open(&s, &quiet, &one, &report, &failure) == 0 && !report.outcome) {
        double loop_ns;
        failure = call(&s, fn, iters, 1, 0, &loop_ns);
    }
    mb__session_close(&s);
    return failure == declared ? NULL : failure;
}

int mb__samples_alloc(const mb__session *s, mb__measurement *m, size_t n)
{
    m->iters = malloc(n * sizeof *m->iters);
    m->ns = malloc(n * sizeof *m->ns);
    m->user_values = malloc((n ? n : 1) * MB_USER_COUNTERS_MAX * sizeof *m->user_values);
    if (!m->iters || !m->ns || !m->user_values)
        return MB_ENOMEM;
    if (!s->counters)
        return 0;
    m->n_counters = mb__counters_count(s->counters);
    m->counter_values = malloc((n * m->n_counters + 1) * sizeof *m->counter_values);
    m->counter_coverage = malloc((n * m->n_counters + 1) * sizeof *m->counter_coverage);
    return m->counter_values && m->counter_coverage ? 0 : MB_ENOMEM;
}

double mb__user_reported(mb_counter_kind kind, double total, double iters, double ns)
{
    return kind == MB_PER_ITER ? total / iters : kind == MB_PER_SECOND ? total / ns * 1e9 : total;
}

void mb__sample_keep(const mb__session *s, mb__measurement *m, size_t i, uint64_t iters,
                     double loop_ns)
{
    m->iters[i] = iters;
    m->ns[i] = loop_ns;
    for (size_t c = 0; c < m->n_counters; c++) {
        m->counter_values[i * m->n_counters + c] = s->counter_values[c];
        m->counter_coverage[i * m->n_counters + c] = s->counter_coverage[c];
    }
    const mb__body_report *r = s->report;
    for (size_t c = 0; c < MB_USER_COUNTERS_MAX; c++)
        m->user_values[i * MB_USER_COUNTERS_MAX + c] =
            c < r->n_user
                ? mb__user_reported(r->user_kind[c], r->user_value[c], (double)iters, loop_ns)
                : NAN;
}
