/*
 * The context: settings, emitters and results, and one run from start to end (select and
 * order the benchmarks, probe the timer, measure and analyse each, feed the emitters). Also
 * the small tables of the public API: versions, error strings, warning names.
 */
#include "baseline.h"
#include "callgrind.h"
#include "compare.h"
#include "counters.h"
#include "log.h"
#include "microbe_internal.h"
#include "result.h"
#include "runner.h"
#include "stats.h"
#include "sweep.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct mb_ctx {
    mb_settings settings;
    regex_t filter;
    int has_filter;
    const mb__clock *clock;
    int timer_probed;
    size_t sweep_bytes;       /* cold mode's eviction buffer, from the environment's caches */
    size_t batch_cache_bytes; /* mb_iter_batched's target: the level-2 cache */
    mb__timer_info timer;
    double loop_ns;                  /* an empty MB_LOOP's time per iteration */
    mb__env env;                     /* of the last run */
    const mb_environment *fixed_env; /* reported instead of env when set (tests) */
    uint64_t run_start;              /* clock at the first benchmark, for progress */
    double finished_s;               /* wall time of the benchmarks finished so far */
    volatile sig_atomic_t interrupt; /* mb_ctx_interrupt() was called during this run */

    mb_emitter *emitters;
    size_t n_emitters;

    mb__counters *counters; /* settings.counters parsed, opened for each run */
    mb_results *baseline;   /* settings.baseline read back for the current run, or NULL */
    int defer; /* comparing or grouped: results are emitted once the verdicts are known */

    mb_bench **selected;  /* the last run's benchmarks, in run order */
    mb_bench **instances; /* the instances of parameterised benchmarks among them, owned */
    size_t n_instances;
    mb_complexity *complexity; /* the last run's fits, with their names after them */
    size_t n_complexity;
    const char **names;
    mb_result *results;
    void **result_blocks; /* each result's one block of memory (mb__result_make) */
    size_t n_results;
    size_t n_selected;
};

int mb_ctx_new(mb_ctx **out, const mb_settings *settings)
{
    *out = NULL;
    if (mb_settings_validate(settings, NULL) != 0)
        return MB_EINVAL;
    mb_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return MB_ENOMEM;
    ctx->settings = *settings;
    ctx->clock = &mb__clock_monotonic;
    if (settings->filter && settings->filter[0]) {
        if (regcomp(&ctx->filter, settings->filter, REG_EXTENDED | REG_NOSUB) != 0) {
            free(ctx);
            return MB_EREGEX;
        }
        ctx->has_filter = 1;
    }
    int rc =
        settings->counters ? mb__counters_parse(settings->counters, &ctx->counters, NULL, 0) : 0;
    if (rc) {
        mb_ctx_free(ctx);
        return rc;
    }
    *out = ctx;
    return 0;
}

static void free_results(mb_ctx *ctx)
{
    for (size_t i = 0; ctx->result_blocks && i < ctx->n_selected; i++)
        free(ctx->result_blocks[i]);
    free(ctx->results);
    free(ctx->result_blocks);
    free(ctx->selected);
    free(ctx->names);
    free(ctx->complexity);
    ctx->complexity = NULL;
    ctx->n_complexity = 0;
    for (size_t i = 0; i < ctx->n_instances; i++)
        free(ctx->instances[i]);
    free(ctx->instances);
    ctx->instances = NULL;
    ctx->n_instances = 0;
    ctx->results = NULL;
    ctx->result_blocks = NULL;
    ctx->selected = NULL;
    ctx->names = NULL;
    ctx->n_results = 0;
    ctx->n_selected = 0;
}

void mb_ctx_free(mb_ctx *ctx)
{
    if (!ctx)
        return;
    for (size_t i = 0; i < ctx->n_emitters; i++)
        if (ctx->emitters[i].destroy)
            ctx->emitters[i].destroy(ctx->emitters[i].user);
    free(ctx->emitters);
    free_results(ctx);
    mb_results_free(ctx->baseline);
    mb__counters_free(ctx->counters);
    if (ctx->has_filter)
        regfree(&ctx->filter);
    free(ctx);
}

int mb_ctx_add_emitter(mb_ctx *ctx, const mb_emitter *emitter)
{
    mb_emitter *grown = realloc(ctx->emitters, (ctx->n_emitters + 1) * sizeof *grown);
    if (!grown) {
        if (emitter->destroy)
            emitter->destroy(emitter->user);
        return MB_ENOMEM;
    }
    ctx->emitters = grown;
    ctx->emitters[ctx->n_emitters++] = *emitter;
    return 0;
}

void mb__ctx_set_clock(mb_ctx *ctx, const mb__clock *clock)
{
    ctx->clock = clock;
    ctx->timer_probed = 0;
}

void mb__ctx_set_environment(mb_ctx *ctx, const mb_environment *env)
{
    ctx->fixed_env = env;
}

size_t mb_ctx_result_count(const mb_ctx *ctx)
{
    return ctx->n_results;
}

const mb_result *mb_ctx_result(const mb_ctx *ctx, size_t index)
{
    return index < ctx->n_results ? &ctx->results[index] : NULL;
}

int mb_ctx_list(mb_ctx *ctx, void (*fn)(void *user, const mb_bench *bench), void *user)
{
    mb_bench **list, **owned;
    size_t n, n_owned;
    int err =
        mb__registry_select(ctx->has_filter ? &ctx->filter : NULL, &list, &n, &owned, &n_owned);
    if (err)
        return err;
    for (size_t i = 0; i < n; i++)
        fn(user, list[i]);
    free(list);
    mb__instances_free(owned, n_owned);
    return 0;
}

static int find_duplicate(const mb_ctx *ctx, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (strcmp(ctx->selected[i]->name, ctx->selected[j]->name) == 0) {
                const mb_bench *a = ctx->selected[i], *b = ctx->selected[j];
                mb__log(&ctx->settings, MB_LOG_ERROR,
                        "duplicate benchmark name '%s' (%s:%d and %s:%d)", a->name,
                        a->file ? a->file : "?", a->line, b->file ? b->file : "?", b->line);
                return MB_EDUP;
            }
    return 0;
}

enum emit_phase { EMIT_BEGIN, EMIT_RESULT, EMIT_END };

/* Calls one callback of every emitter, in the order they were added; stops at the first
 * error. */
static int emit(mb_ctx *ctx, enum emit_phase phase, const mb_run_info *info, const mb_result *r)
{
    for (size_t i = 0; i < ctx->n_emitters; i++) {
        const mb_emitter *e = &ctx->emitters[i];
        int err = 0;
        if (phase == EMIT_BEGIN && e->begin)
            err = e->begin(e->user, info);
        else if (phase == EMIT_RESULT && e->result)
            err = e->result(e->user, info, r);
        else if (phase == EMIT_END && e->end)
            err = e->end(e->user, info);
        if (err)
            return err;
    }
    return 0;
}

/* Reports progress when the settings ask for it. The time left is the mean wall time of the
 * finished benchmarks times those left (including the current one, counted whole); before
 * any has finished, the settings' warm-up plus budget per benchmark, an upper bound for most. */
static void report_progress(mb_ctx *ctx, size_t index, size_t count, const char *name,
                            const char *phase)
{
    const mb_settings *s = &ctx->settings;
    if (!s->progress)
        return;
    double elapsed = (double)(ctx->clock->now_ns(ctx->clock->user) - ctx->run_start) / 1e9;
    double per_bench =
        index > 0 ? ctx->finished_s / (double)index : s->warm_up_time_s + s->measurement_time_s;
    double eta = per_bench * (double)(count - index) - (elapsed - ctx->finished_s);
    mb_progress p = {index, count, name, phase, elapsed, eta > 0 ? eta : 0};
    s->progress(s->progress_user, &p);
}

/* The cache a batch of mb_iter_batched inputs should fit in: the largest level-2 data or
 * unified cache, or 256 KiB when the environment does not say. */
static size_t batch_cache_bytes(const mb_environment *env)
{
    uint64_t best = 0;
    for (size_t i = 0; env && i < env->n_caches; i++)
        if (env->caches[i].level == 2 && strcmp(env->caches[i].type, "Instruction") != 0 &&
            env->caches[i].size_bytes > best)
            best = env->caches[i].size_bytes;
    return best ? (size_t)best : (size_t)256 << 10;
}

/* Result i, made from what was measured of bench, whose skip or failure is logged. */
static int finish_result(mb_ctx *ctx, const mb_bench *bench, const mb__measurement *m, size_t i)
{
    const mb_settings *s = &ctx->settings;
    if (m->report.outcome)
        mb__log(s, m->report.outcome == MB_STATUS_FAILED ? MB_LOG_ERROR : MB_LOG_INFO, "%s: %s: %s",
                bench->name, m->report.outcome == MB_STATUS_FAILED ? "failed" : "skipped",
                m->report.message);
    else if (m->failure)
        mb__log(s, MB_LOG_ERROR, "%s: %s", bench->name, m->failure);
    report_progress(ctx, ctx->n_results, ctx->n_selected, bench->name, "analysing");
    mb__result_inputs in = {bench, s, mb__bench_seed(s->seed, bench->name), ctx->loop_ns,
                            ctx->counters};
    return mb__result_make(m, &in, &ctx->results[i], &ctx->result_blocks[i]);
}

/* The runner of this context's run: its settings, clock, interruption flag and counters. */
static mb__runner make_runner(mb_ctx *ctx)
{
    size_t nc = ctx->counters ? mb__counters_count(ctx->counters) : 0;
    return (mb__runner){.settings = &ctx->settings,
                        .clock = ctx->clock,
                        .min_sample_ns = ctx->timer.min_sample_ns,
                        .stop = &ctx->interrupt,
                        .counters = nc ? ctx->counters : NULL,
                        .quantum_ns = ctx->timer.resolution_ns > ctx->timer.cost_ns
                                          ? ctx->timer.resolution_ns
                                          : ctx->timer.cost_ns,
                        .sweep_bytes = ctx->sweep_bytes,
                        .batch_cache_bytes = ctx->batch_cache_bytes};
}

/* The selected benchmarks in bench i's comparison group, from i on, in run order: their
 * indexes in idx (room for n_selected), their count returned (1 outside groups). */
static size_t group_members(const mb_ctx *ctx, size_t i, size_t *idx)
{
    const char *group = ctx->selected[i]->group;
    size_t k = 0;
    idx[k++] = i;
    for (size_t j = i + 1; group && j < ctx->n_selected; j++)
        if (ctx->selected[j]->group && strcmp(ctx->selected[j]->group, group) == 0)
            idx[k++] = j;
    return k;
}

/* Measures the comparison group of bench `first` (k >= 2 selected members) together, and
 * fills all the members' results. */
static int run_group(mb_ctx *ctx, const size_t *idx, size_t k)
{
    const mb_settings *s = &ctx->settings;
    mb__runner runner = make_runner(ctx);
    uint64_t start = ctx->clock->now_ns(ctx->clock->user);
    mb_bench_fn *fns = malloc(k * sizeof *fns);
    mb__measurement *ms = malloc(k * sizeof *ms);
    int err = fns && ms ? 0 : MB_ENOMEM;
    for (size_t j = 0; !err && j < k; j++)
        fns[j] = ctx->selected[idx[j]]->fn;
    const mb_bench *base = ctx->selected[idx[0]];
    if (!err)
        err = mb__measure_group(&runner, fns, k, mb__bench_seed(s->seed, base->group), ms);
    free(fns);
    if (err) {
        free(ms);
        return err;
    }
    double wall_s = (double)(ctx->clock->now_ns(ctx->clock->user) - start) / 1e9;
    for (size_t j = 0; j < k && !err; j++) {
        mb_result *r = &ctx->results[idx[j]];
        err = finish_result(ctx, ctx->selected[idx[j]], &ms[j], idx[j]);
        r->group_baseline = base->name;
        r->wall_time_s = wall_s / (double)k;
        if (!err && j > 0 && !ms[0].failure && !ms[j].failure)
            err = mb__change_of_member(&ctx->results[idx[0]], r, s, &r->paired);
    }
    for (size_t j = 0; j < k; j++)
        mb__measurement_free(&ms[j]);
    free(ms);
    return err;
}

/* Opens the counters for this run and says once which cannot be counted, and why. */
static void open_counters(mb_ctx *ctx)
{
    mb__counters_open(ctx->counters, 0);
    size_t n = mb__counters_count(ctx->counters);
    for (size_t i = 0; i < n; i++) {
        const char *reason = mb__counter_reason(ctx->counters, i);
        if (!reason)
            continue;
        /* One notice per distinct reason, naming every event it applies to. */
        int seen = 0;
        for (size_t j = 0; j < i; j++) {
            const char *other = mb__counter_reason(ctx->counters, j);
            seen |= other && strcmp(other, reason) == 0;
        }
        if (seen)
            continue;
        char names[512] = "";
        size_t len = 0;
        for (size_t j = i; j < n && len < sizeof names; j++) {
            const char *other = mb__counter_reason(ctx->counters, j);
            if (other && strcmp(other, reason) == 0)
                len += (size_t)snprintf(names + len, sizeof names - len, "%s%s", len ? ", " : "",
                                        mb__counter_name(ctx->counters, j));
        }
        mb__log(&ctx->settings, MB_LOG_WARN,
                "counters unavailable: %s: %s; their columns are marked unavailable", names,
                reason);
    }
}

/* The callgrind child's side of settings.instructions (callgrind.h): the benchmark named
 * `name` among the selected ones called once with iters iterations, collection on only
 * inside its loop; nothing else measured, emitted or kept. A run that does not select it
 * leaves it to another (a program may run several contexts); NULL name: an earlier run of
 * this process answered. Returns 0, MB_EUSAGE when the body misused MB_LOOP, or MB_ENOMEM. */
static int callgrind_child(mb_ctx *ctx, const char *name, uint64_t iters)
{
    if (!name)
        return 0;
    mb_bench **list, **owned;
    size_t n, n_owned;
    int err =
        mb__registry_select(ctx->has_filter ? &ctx->filter : NULL, &list, &n, &owned, &n_owned);
    if (err)
        return err;
    mb__runner runner = make_runner(ctx);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(list[i]->name, name) != 0)
            continue;
        mb__options opts = mb__bench_options(list[i]);
        err = mb__call_collecting(&runner, &opts, list[i]->fn, iters) ? MB_EUSAGE : 0;
        mb__callgrind_answered();
        break;
    }
    free(list);
    mb__instances_free(owned, n_owned);
    return err;
}

void mb_ctx_interrupt(mb_ctx *ctx)
{
    ctx->interrupt = 1;
}

/* One benchmark's measurement: the run's runner, the benchmark's options, body and seed. */
typedef struct one_run {
    mb__runner runner;
    mb__options opts;
    mb_bench_fn fn;
    uint64_t seed;
} one_run;

static int measure_child(void *arg, mb__measurement *m)
{
    one_run *run = arg;
    /* The parent's events count the parent's thread: the child opens its own. */
    if (run->runner.counters)
        mb__counters_open(run->runner.counters, 0);
    return mb__measure(&run->runner, &run->opts, run->fn, run->seed, m);
}

/* Measures benchmark i, in this process or in a child, and makes its result. */
static int run_one(mb_ctx *ctx, size_t i)
{
    const mb_settings *s = &ctx->settings;
    const mb_bench *bench = ctx->selected[i];
    one_run run = {make_runner(ctx), mb__bench_options(bench), bench->fn,
                   mb__bench_seed(s->seed, bench->name)};
    uint64_t start = ctx->clock->now_ns(ctx->clock->user);
    mb__measurement m;
    int err;
    if (s->isolate) {
        /* What a child that ends without sending its measurement leaves: a failure in the
         * benchmark's own mode. */
        m = (mb__measurement){.mode = run.opts.mode};
        err = mb__isolate(measure_child, &run, s->timeout_s, &ctx->interrupt, &m);
    } else {
        err = mb__measure(&run.runner, &run.opts, run.fn, run.seed, &m);
    }
    if (err)
        return err;
    err = finish_result(ctx, bench, &m, i);
    mb__measurement_free(&m);
    ctx->results[i].wall_time_s = (double)(ctx->clock->now_ns(ctx->clock->user) - start) / 1e9;
    return err;
}

/* Prepares what the run saves and counts, and reads settings.baseline, before anything is
 * measured, so that a missing or corrupt baseline stops the run at once (MB_EINVAL, logged). */
static int load_baseline(mb_ctx *ctx)
{
    const mb_settings *s = &ctx->settings;
    mb_results_free(ctx->baseline);
    ctx->baseline = NULL;
    char err[600];
    if (s->save_baseline && !s->smoke && s->profile_time_s <= 0) {
        int rc = mb__baseline_prepare(mb__baseline_dir(s), s->save_baseline, err, sizeof err);
        if (rc) {
            /* Logged with its details; a directory that cannot be made is bad input. */
            mb__log(s, MB_LOG_ERROR, "--save-baseline %s: %s", s->save_baseline, err);
            return rc == MB_ENOMEM ? rc : MB_EINVAL;
        }
    }
    if (s->instructions && !s->smoke && s->profile_time_s <= 0) {
        int rc = mb__callgrind_check(err, sizeof err);
        if (rc) {
            mb__log(s, MB_LOG_ERROR, "%s", err);
            return rc;
        }
    }
    return mb__baseline_load(s, &ctx->baseline);
}

/* The benchmark's instructions per iteration under callgrind (settings.instructions), with
 * about 20 ms of native time per child so that slow bodies stay affordable (callgrind runs
 * them some 50 times slower). A failure is logged and leaves NAN. */
static void count_instructions(mb_ctx *ctx, mb_result *r)
{
    const mb_settings *s = &ctx->settings;
    if (!s->instructions || r->status != MB_STATUS_OK || r->n_samples == 0)
        return;
    double iters = 2e7 / (r->median.point > 0 ? r->median.point : 1);
    iters = iters < 10 ? 10 : iters > 1e6 ? 1e6 : floor(iters);
    char err[600];
    report_progress(ctx, ctx->n_results, ctx->n_selected, r->name, "counting instructions");
    if (mb__callgrind_measure(ctx->env.executable, r->name, (uint64_t)iters,
                              &r->instructions_per_iter, err, sizeof err) != 0) {
        r->instructions_per_iter = NAN;
        mb__log(s, MB_LOG_WARN, "%s: --instructions: %s", r->name, err);
    }
}

/* What follows a measured result: its instruction count, its saving (its change against the
 * baseline waits for the whole suite: emit_compared). */
static int after_result(mb_ctx *ctx, const mb_run_info *info, mb_result *r)
{
    const mb_settings *s = &ctx->settings;
    r->instructions_per_iter = NAN;
    count_instructions(ctx, r);
    if (!s->save_baseline)
        return 0;
    char err[600];
    int rc = mb__baseline_save(mb__baseline_dir(s), s->save_baseline, info, r, err, sizeof err);
    if (rc < 0)
        mb__log(s, MB_LOG_ERROR, "--save-baseline %s: %s", s->save_baseline, err);
    return rc < 0 ? rc : 0;
}

/* The complexity fits of the run's results, into ctx and info. Returns 0 or MB_ENOMEM. */
static int fit_complexity(mb_ctx *ctx, mb_run_info *info)
{
    int err = mb__fit_groups((const mb_bench *const *)ctx->selected, ctx->results, ctx->n_results,
                             &ctx->complexity, &ctx->n_complexity);
    info->complexity = ctx->n_complexity ? ctx->complexity : NULL;
    info->n_complexity = ctx->n_complexity;
    return err;
}

/* With a baseline the verdicts need every p-value of the suite (Holm), so results are
 * emitted together once all are measured; the rules are compare.c's. */
static int emit_compared(mb_ctx *ctx, const mb_run_info *info)
{
    int err = 0;
    if (ctx->baseline) {
        /* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
        const mb_result **olds = malloc((ctx->n_results + 1) * sizeof *olds);
        if (!olds)
            return MB_ENOMEM;
        for (size_t i = 0; i < ctx->n_results; i++)
            olds[i] = mb_results_find(ctx->baseline, ctx->results[i].name);
        err = mb__compare_results(ctx->results, ctx->n_results, olds, &ctx->settings);
        free(olds);
    }
    if (!err)
        err = mb__group_verdicts(ctx->results, ctx->n_results, &ctx->settings);
    for (size_t i = 0; i < ctx->n_results && !err; i++)
        err = emit(ctx, EMIT_RESULT, info, &ctx->results[i]);
    return err;
}

int mb_run(mb_ctx *ctx)
{
    ctx->interrupt = 0;
    free_results(ctx);
    const char *child_bench;
    uint64_t child_iters;
    int child = mb__callgrind_child(&child_bench, &child_iters);
    if (child) /* this program was started by --instructions: answer, and only that */
        return child < 0 ? child : callgrind_child(ctx, child_bench, child_iters);
    int load_err = load_baseline(ctx);
    if (load_err)
        return load_err;
    size_t n;
    int err = mb__registry_select(ctx->has_filter ? &ctx->filter : NULL, &ctx->selected, &n,
                                  &ctx->instances, &ctx->n_instances);
    if (err)
        return err;
    ctx->n_selected = n;
    err = find_duplicate(ctx, n);
    if (err)
        return err;
    ctx->names = malloc((n + 1) * sizeof *ctx->names);
    ctx->results = calloc(n + 1, sizeof *ctx->results);
    ctx->result_blocks = calloc(n + 1, sizeof *ctx->result_blocks);
    if (!ctx->names || !ctx->results || !ctx->result_blocks)
        return MB_ENOMEM;
    for (size_t i = 0; i < n; i++)
        ctx->names[i] = ctx->selected[i]->name;

    if (ctx->counters)
        open_counters(ctx);
    if (!ctx->timer_probed) {
        mb__timer_probe(ctx->clock, &ctx->timer);
        mb__runner runner = make_runner(ctx);
        ctx->loop_ns = mb__loop_overhead_ns(&runner);
        ctx->timer_probed = 1;
    }
    mb_run_info info = {
        .library_version = MB_VERSION_STRING,
        .timer = ctx->clock->name,
        .timer_resolution_ns = ctx->timer.resolution_ns,
        .timer_cost_ns = ctx->timer.cost_ns,
        .min_sample_ns = ctx->timer.min_sample_ns,
        .loop_overhead_ns = ctx->loop_ns,
        .seed = ctx->settings.seed,
        .settings = &ctx->settings,
        .n_benchmarks = n,
        .names = ctx->names,
        .start_time_unix = (int64_t)time(NULL),
        .env = ctx->fixed_env ? ctx->fixed_env : &ctx->env.pub,
    };
    if (!ctx->fixed_env)
        mb__env_capture(&ctx->env, info.start_time_unix);
    ctx->sweep_bytes = mb__sweep_size(info.env);
    ctx->batch_cache_bytes = batch_cache_bytes(info.env);
    mb__log(&ctx->settings, MB_LOG_INFO,
            "timer %s: resolution %.0f ns, cost %.1f ns; T_min %.1f us", info.timer,
            info.timer_resolution_ns, info.timer_cost_ns, info.min_sample_ns / 1e3);

    err = emit(ctx, EMIT_BEGIN, &info, NULL);
    ctx->run_start = ctx->clock->now_ns(ctx->clock->user);
    ctx->finished_s = 0;
    size_t *idx = malloc((n + 1) * sizeof *idx);
    if (!idx)
        err = MB_ENOMEM;
    ctx->defer = ctx->baseline != NULL;
    for (size_t i = 0; idx && i < n; i++)
        ctx->defer |= group_members(ctx, i, idx) > 1;
    for (size_t i = 0; i < n && !err; i++) {
        size_t k = group_members(ctx, i, idx);
        if (ctx->results[i].name) {
            /* Measured with its group's first member. */
        } else if (k > 1 && ctx->selected[i]->group) {
            report_progress(ctx, i, n, ctx->selected[i]->group, "measuring group");
            err = run_group(ctx, idx, k);
        } else {
            report_progress(ctx, i, n, ctx->selected[i]->name, "measuring");
            err = run_one(ctx, i);
        }
        report_progress(ctx, i, n, NULL, NULL);
        if (err)
            break;
        ctx->n_results = i + 1;
        ctx->finished_s += ctx->results[i].wall_time_s;
        err = after_result(ctx, &info, &ctx->results[i]);
        if (!err && !ctx->defer)
            err = emit(ctx, EMIT_RESULT, &info, &ctx->results[i]);
        if (!err && ctx->interrupt)
            err = MB_EINTR; /* this one finished just as the interruption came */
    }
    free(idx);
    if (ctx->defer && (!err || err == MB_EINTR)) {
        int emit_err = emit_compared(ctx, &info);
        err = emit_err ? emit_err : err;
    }
    if (!err || err == MB_EINTR) {
        int fit_err = fit_complexity(ctx, &info);
        err = fit_err ? fit_err : err;
    }
    if (err == MB_EINTR) {
        /* The outputs get the finished results and are closed properly. */
        info.interrupted = 1;
        info.n_benchmarks = ctx->n_results;
        int end_err = emit(ctx, EMIT_END, &info, NULL);
        return end_err ? end_err : MB_EINTR;
    }
    if (!err)
        err = emit(ctx, EMIT_END, &info, NULL);
    return err;
}
