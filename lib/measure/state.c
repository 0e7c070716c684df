/*
 * The authoring API on mb_state: what a benchmark body calls while it runs. The two edges of
 * MB_LOOP's timed region (mb__loop_start, mb__loop_end) and of mb_iter_batched's batches,
 * skipping and failing, throughput, pause and resume, manual time, user counters, the
 * fixture's data, the thread index and the parameter accessors. Everything here runs once
 * per call of the body, never per iteration, and only records into the state and its report;
 * the session (session.c) sets the state up before the call and reads it back after.
 */
#include "state.h"

#include "callgrind.h"
#include "counters.h"

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

int mb__user_counter(mb__body_report *report, const char *name, mb_counter_kind kind)
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

/* Fixed fields that a format writes beside user counters, as keys of one object: a user
 * counter of the same name would write a duplicate key. The JSON format keeps user counters
 * apart (in "user_counters"), and so does CSV (in one column), but the CSV columns are
 * refused too, so that a reader that splits that column into columns of its own cannot
 * clash either. tests/test_emitters.c checks this table against what the emitters write. */
static const struct {
    const char *what;
    const char *names;
} fixed_fields[] = {
    {"a field of gbench-json output",
     ",name,family_index,per_family_instance_index,run_name,run_type,repetitions,"
     "repetition_index,threads,error_occurred,error_message,iterations,real_time,"
     "cpu_time,bytes_per_second,items_per_second,instructions_callgrind,"
     "time_unit,p50_ns,p90_ns,p95_ns,p99_ns,p99.9_ns,max_ns,"},
    {"a measure of BMF output", ",latency,throughput,instructions,p50,p90,p95,p99,p99.9,"},
    {"a CSV column",
     ",name,status,message,samples,total_iters,confidence,median_ns,median_low_ns,"
     "median_high_ns,rel_half_width,mean_ns,mean_low_ns,mean_high_ns,std_dev_ns,mad_ns,"
     "min_ns,slope_ns,slope_low_ns,slope_high_ns,r_squared,cv,outliers,outlier_effect,"
     "warnings,verdict,change_ratio,change_low,change_high,change_p,change_reason,group,"
     "paired_verdict,paired_ratio,paired_low,paired_high,paired_p,paired_reason,counters,"
     "instructions_per_iter,instructions_verdict,bytes_per_second,items_per_second,mode,"
     "threads,invocations,p50_ns,p50_low_ns,p50_high_ns,p90_ns,p90_low_ns,p90_high_ns,"
     "p95_ns,p95_low_ns,p95_high_ns,p99_ns,p99_low_ns,p99_high_ns,p99.9_ns,"
     "p99.9_low_ns,p99.9_high_ns,max_ns,user_counters,"},
};

const char *mb__counter_name_clash(const char *name)
{
    char key[MB__USER_NAME_MAX + 2];
    if (strlen(name) >= MB__USER_NAME_MAX)
        return NULL; /* longer than any fixed field */
    snprintf(key, sizeof key, ",%s,", name);
    for (size_t i = 0; i < sizeof fixed_fields / sizeof fixed_fields[0]; i++)
        if (strstr(fixed_fields[i].names, key))
            return fixed_fields[i].what;
    /* gbench-json and BMF write performance counters (--counters) beside user counters. */
    size_t n;
    const mb__counter_def *known = mb__counters_known(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(known[i].name, name) == 0)
            return "a performance counter (--counters)";
    return NULL;
}

void mb_set_counter(mb_state *state, const char *name, double value, mb_counter_kind kind)
{
    if (!state || !state->report)
        return;
    if (!name || !*name || (unsigned)kind > MB_PER_CALL) {
        mb_fail(state, "mb_set_counter() needs a name and a kind");
        return;
    }
    const char *clash = mb__counter_name_clash(name);
    if (clash) {
        char message[160];
        snprintf(message, sizeof message, "mb_set_counter(): the name '%s' clashes with %s", name,
                 clash);
        mb_fail(state, message);
        return;
    }
    int c = mb__user_counter(state->report, name, kind);
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

const char *mb__state_misuse(const mb_state *state)
{
    if (state->entered == 0)
        return "the body never entered MB_LOOP";
    if (state->entered > 1)
        return "the body entered MB_LOOP more than once";
    if (!state->ended)
        return "the body left MB_LOOP early (break, return or goto inside the loop)";
    return NULL;
}

double mb__state_loop_ns(const mb_state *state)
{
    return state->manual ? state->manual_ns
                         : (double)(state->end_ns - state->start_ns) - state->paused_ns;
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

mb_fn mb_param_function(mb_state *state, const char *name)
{
    const mb_param_value *v = find(state, name, MB_PARAM_STRING);
    if (v && !v->fn)
        mb_fail(state, "the body asked for a function of a parameter that is not MB_FUNCTIONS");
    return v ? v->fn : NULL;
}
