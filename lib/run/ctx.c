/*
 * The context: settings, emitters and results, and one run from start to end: select and
 * order the benchmarks, probe the timer, measure each (in this process or in a child, alone
 * or with its comparison group), make its result, feed the emitters. The --instructions and
 * baseline glue are instructions.c's and baselines.c's; the layout is ctx.h's.
 */
#include "baseline.h"
#include "callgrind.h"
#include "compare.h"
#include "ctx.h"
#include "log.h"
#include "microbe_internal.h"
#include "result.h"
#include "runner.h"
#include "stats.h"
#include "sweep.h"
#include "hooks.h"
#include "isolate.h"
#include "env.h"
#include "seed.h"
#include "fits.h"
#include "registry.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
    free(ctx->done);
    ctx->done = NULL;
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

void mb_ctx_set_program(mb_ctx *ctx, char *const *argv)
{
    ctx->program = argv && argv[0] ? argv : NULL;
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

const mb_result *mb_ctx_find(const mb_ctx *ctx, const char *name)
{
    for (size_t i = 0; name && i < ctx->n_results; i++)
        if (strcmp(ctx->results[i].name, name) == 0)
            return &ctx->results[i];
    return NULL;
}

int mb_ctx_list(mb_ctx *ctx, void (*fn)(void *user, const mb_bench *bench), void *user)
{
    mb_bench **list, **owned;
    size_t n, n_owned;
    int err = mb__ctx_select(ctx, &list, &n, &owned, &n_owned);
    if (err)
        return err;
    for (size_t i = 0; i < n; i++)
        fn(user, list[i]);
    free(list);
    mb__instances_free(owned, n_owned);
    return 0;
}

/* The selected benchmarks by name, ties by position: equal names end up side by side, the
 * earliest first. */
static int by_name_then_position(const void *pa, const void *pb)
{
    const mb_bench *const *a = *(const mb_bench *const *const *)pa;
    const mb_bench *const *b = *(const mb_bench *const *const *)pb;
    int c = strcmp((*a)->name, (*b)->name);
    return c ? c : (a > b) - (a < b);
}

/* Refuses a run in which two selected benchmarks share a name, naming the pair whose first
 * member comes first in the run (and the second of that name after it). Sorting pointers into
 * ctx->selected keeps this O(n log n): a run of 10 000 instances compared every pair in 0.4 s.
 * Returns 0, MB_EDUP (logged) or MB_ENOMEM. */
static int find_duplicate(const mb_ctx *ctx, size_t n)
{
    if (n < 2)
        return 0;
    mb_bench *const **order = malloc(n * sizeof *order); /* NOLINT(bugprone-sizeof-expression) */
    if (!order)
        return MB_ENOMEM;
    for (size_t i = 0; i < n; i++)
        order[i] = &ctx->selected[i];
    qsort(order, n, sizeof *order, by_name_then_position); /* NOLINT(bugprone-sizeof-expression) */
    mb_bench *const *first = NULL, *const *second = NULL;
    for (size_t k = 0; k + 1 < n; k++)
        if (strcmp((*order[k])->name, (*order[k + 1])->name) == 0 && (!first || order[k] < first) &&
            (k == 0 || strcmp((*order[k - 1])->name, (*order[k])->name) != 0)) {
            first = order[k];
            second = order[k + 1];
        }
    free(order);
    if (!first)
        return 0;
    const mb_bench *a = *first, *b = *second;
    mb__log(&ctx->settings, MB_LOG_ERROR, "duplicate benchmark name '%s' (%s:%d and %s:%d)",
            a->name, a->file ? a->file : "?", a->line, b->file ? b->file : "?", b->line);
    return MB_EDUP;
}

/* Measures the comparison group of bench `first` (k >= 2 selected members) together, and
 * fills all the members' results. */
static int run_group(mb_ctx *ctx, const size_t *idx, size_t k)
{
    const mb_settings *s = &ctx->settings;
    mb__runner runner = mb__ctx_runner(ctx);
    uint64_t start = ctx->clock->now_ns(ctx->clock->user);
    mb_bench_fn *fns = malloc(k * sizeof *fns);
    mb__options *opts = malloc(k * sizeof *opts);
    mb__measurement *ms = malloc(k * sizeof *ms);
    int err = fns && opts && ms ? 0 : MB_ENOMEM;
    for (size_t j = 0; !err && j < k; j++) {
        fns[j] = ctx->selected[idx[j]]->fn;
        opts[j] = mb__bench_options(ctx->selected[idx[j]], s);
    }
    const mb_bench *base = ctx->selected[idx[0]];
    if (!err)
        err = mb__measure_group(&runner, opts, fns, k, mb__bench_seed(s->seed, base->group), ms);
    free(fns);
    free(opts);
    if (err) {
        free(ms);
        return err;
    }
    double wall_s = (double)(ctx->clock->now_ns(ctx->clock->user) - start) / 1e9;
    for (size_t j = 0; j < k && !err; j++) {
        mb_result *r = &ctx->results[idx[j]];
        err = mb__ctx_finish_result(ctx, &ms[j], idx[j], NULL, 0);
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
    one_run run = {mb__ctx_runner(ctx), mb__bench_options(bench, s), bench->fn,
                   mb__bench_seed(s->seed, bench->name)};
    run.runner.one_part = 1; /* not in parts: this measurement is the result */
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
    err = mb__ctx_finish_result(ctx, &m, i, NULL, 0);
    mb__measurement_free(&m);
    ctx->results[i].wall_time_s = (double)(ctx->clock->now_ns(ctx->clock->user) - start) / 1e9;
    return err;
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

/* Selects the run's benchmarks and makes room for their results. Returns 0, MB_EDUP (logged)
 * or MB_ENOMEM. */
static int select_run(mb_ctx *ctx)
{
    size_t n;
    int err = mb__ctx_select(ctx, &ctx->selected, &n, &ctx->instances, &ctx->n_instances);
    if (err)
        return err;
    if (n > 0 && !ctx->selected)
        return MB_ENOMEM;
    ctx->n_selected = n;
    err = find_duplicate(ctx, n);
    if (err)
        return err;
    ctx->names = malloc((n + 1) * sizeof *ctx->names);
    ctx->results = calloc(n + 1, sizeof *ctx->results);
    ctx->result_blocks = calloc(n + 1, sizeof *ctx->result_blocks);
    ctx->done = calloc(n + 1, 1);
    if (!ctx->names || !ctx->results || !ctx->result_blocks || !ctx->done)
        return MB_ENOMEM;
    for (size_t i = 0; i < n; i++)
        ctx->names[i] = ctx->selected[i]->name;
    return 0;
}

/* Whether the run measures in parts (docs/measurement.md): a timed run with forks of a program
 * it can start again, or with more than one round in this process (but not with --isolate,
 * which then measures each benchmark once in a forked child). Otherwise (forks 0, or an
 * embedding host that set no program) each benchmark is measured once in this process. */
static int in_parts(const mb_ctx *ctx)
{
    const mb_settings *s = &ctx->settings;
    if (s->smoke || s->profile_time_s > 0)
        return 0;
    int children = s->forks > 0 && ctx->program;
    if (s->isolate && !children)
        return 0; /* each benchmark alone in a forked child, one part */
    return children || s->rounds > 1;
}

/* Opens the counters, probes the timer (once per context), captures the environment, and
 * fills info, the run's description for the emitters. */
static void start_run(mb_ctx *ctx, mb_run_info *info)
{
    if (ctx->counters) {
        mb__counters_open(ctx->counters, 0);
        mb__counters_log_unavailable(ctx->counters, &ctx->settings);
    }
    if (!ctx->timer_probed) {
        mb__timer_probe(ctx->clock, &ctx->timer);
        mb__runner runner = mb__ctx_runner(ctx);
        ctx->loop_ns = mb__loop_overhead_ns(&runner);
        ctx->timer_probed = 1;
    }
    *info = (mb_run_info){
        .library_version = MB_VERSION_STRING,
        .timer = ctx->clock->name,
        .timer_resolution_ns = ctx->timer.resolution_ns,
        .timer_cost_ns = ctx->timer.cost_ns,
        .min_sample_ns = ctx->timer.min_sample_ns,
        .loop_overhead_ns = ctx->loop_ns,
        .seed = ctx->settings.seed,
        .settings = &ctx->settings,
        .n_benchmarks = ctx->n_selected,
        .names = ctx->names,
        .start_time_unix = (int64_t)time(NULL),
        .env = ctx->fixed_env ? ctx->fixed_env : &ctx->env.pub,
        .forks_used = in_parts(ctx) && ctx->program ? ctx->settings.forks : 0,
    };
    if (!ctx->fixed_env)
        mb__env_capture(&ctx->env, info->start_time_unix);
    ctx->sweep_bytes = mb__sweep_size(info->env);
    ctx->batch_cache_bytes = mb__batch_cache_bytes(info->env);
    mb__log(&ctx->settings, MB_LOG_INFO,
            "timer %s: resolution %.0f ns, cost %.1f ns; T_min %.1f us", info->timer,
            info->timer_resolution_ns, info->timer_cost_ns, info->min_sample_ns / 1e3);
}

/* Measures benchmark i (with its comparison group when it is the group's first selected
 * member; a later member was measured with the first) and makes its result. */
static int measure_next(mb_ctx *ctx, size_t i, size_t *idx)
{
    size_t k = mb__ctx_group_members(ctx, i, idx), n = ctx->n_selected;
    int err = 0;
    if (ctx->results[i].name) {
        /* Measured with its group's first member. */
    } else if (k > 1 && ctx->selected[i]->group) {
        mb__ctx_progress(ctx, i, n, ctx->selected[i]->group, "measuring group");
        err = run_group(ctx, idx, k);
    } else {
        mb__ctx_progress(ctx, i, n, ctx->selected[i]->name, "measuring");
        err = run_one(ctx, i);
    }
    mb__ctx_progress(ctx, i, n, NULL, NULL);
    return err;
}

/* Measures every selected benchmark; each result is counted, saved, and emitted in run order
 * as soon as it and those before it are done, unless the verdicts must wait for the whole
 * suite (ctx->defer). */
static int measure_all(mb_ctx *ctx, const mb_run_info *info)
{
    size_t n = ctx->n_selected;
    size_t *idx = malloc((n + 1) * sizeof *idx);
    if (!idx)
        return MB_ENOMEM;
    ctx->run_start = ctx->clock->now_ns(ctx->clock->user);
    ctx->finished_s = 0;
    ctx->defer = ctx->baseline != NULL;
    for (size_t i = 0; i < n; i++)
        ctx->defer |= mb__ctx_group_members(ctx, i, idx) > 1;
    int parts = in_parts(ctx), err = parts ? mb__ctx_measure_parts(ctx, info) : 0;
    for (size_t i = 0; i < n && !err && !parts; i++) {
        err = measure_next(ctx, i, idx);
        if (!err)
            err = mb__ctx_result_done(ctx, info, i);
        if (!err && ctx->interrupt)
            err = MB_EINTR; /* this one finished just as the interruption came */
    }
    free(idx);
    return err;
}

/* What ends a run that measured (err 0) or was interrupted (MB_EINTR): the deferred verdicts
 * and results, the complexity fits, and the emitters' end, which an interrupted run still
 * gets, with the finished results. Returns err, or the first error of these steps. */
static int end_run(mb_ctx *ctx, mb_run_info *info, int err)
{
    info->loop_overhead_ns = ctx->loop_ns; /* the fastest probe, the parts' included */
    if (!err || err == MB_EINTR) {
        int save_err = mb__ctx_save_results(ctx, info);
        err = save_err ? save_err : err;
    }
    if (ctx->defer && (!err || err == MB_EINTR)) {
        int emit_err = mb__ctx_verdicts(ctx);
        for (size_t i = 0; i < ctx->n_results && !emit_err; i++)
            emit_err = mb__ctx_emit(ctx, MB__EMIT_RESULT, info, &ctx->results[i]);
        err = emit_err ? emit_err : err;
    }
    if (!err || err == MB_EINTR) {
        int fit_err = fit_complexity(ctx, info);
        err = fit_err ? fit_err : err;
    }
    if (err == MB_EINTR) {
        info->interrupted = 1;
        info->n_benchmarks = ctx->n_results;
        int end_err = mb__ctx_emit(ctx, MB__EMIT_END, info, NULL);
        return end_err ? end_err : MB_EINTR;
    }
    return err ? err : mb__ctx_emit(ctx, MB__EMIT_END, info, NULL);
}

int mb_run(mb_ctx *ctx)
{
    ctx->interrupt = 0;
    free_results(ctx);
    const char *child_bench;
    uint64_t child_iters;
    int child = mb__callgrind_child(&child_bench, &child_iters);
    if (child) /* this program was started by --instructions: answer, and only that */
        return child < 0 ? child : mb__ctx_callgrind_child(ctx, child_bench, child_iters);
    const char *part = mb__ctx_part_request();
    if (part) { /* the parent reports what matters, once */
        ctx->settings.log = NULL;
        ctx->settings.progress = NULL;
    }
    int err = part ? 0 : mb__ctx_load_baseline(ctx);
    if (!err)
        err = select_run(ctx);
    if (err)
        return err;
    mb_run_info info;
    start_run(ctx, &info);
    if (part) /* this program was started to measure parts: measure them, and only that */
        return mb__ctx_part_child(ctx, part);
    err = mb__ctx_emit(ctx, MB__EMIT_BEGIN, &info, NULL);
    if (!err)
        err = measure_all(ctx, &info);
    return end_run(ctx, &info, err);
}

/* Whether the context's filter selects anything: 1, 0, or MB_ENOMEM. */
static int selects_any(const mb_ctx *ctx)
{
    mb_bench **list, **owned;
    size_t n, n_owned;
    int err = mb__ctx_select(ctx, &list, &n, &owned, &n_owned);
    if (err)
        return err;
    free(list);
    mb__instances_free(owned, n_owned);
    return n > 0;
}

/* mb_run with the exact-name filter in place of the settings' one, which is put back after:
 * the compiled filter is swapped by value, each copy used by this context alone. */
int mb_ctx_run_one(mb_ctx *ctx, const char *name, const mb_result **result)
{
    if (result)
        *result = NULL;
    if (!name)
        return MB_EINVAL;
    char *text = mb__exact_filter(name);
    regex_t exact;
    if (!text || regcomp(&exact, text, REG_EXTENDED | REG_NOSUB) != 0) {
        free(text);
        return MB_ENOMEM;
    }
    regex_t filter = ctx->filter;
    int has_filter = ctx->has_filter;
    const char *filter_text = ctx->settings.filter;
    ctx->filter = exact;
    ctx->has_filter = 1;
    ctx->settings.filter = text;
    int err = selects_any(ctx);
    if (err == 0)
        mb__log(&ctx->settings, MB_LOG_ERROR, "no benchmark is named '%s'", name);
    err = err < 0 ? err : err == 0 ? MB_EINVAL : mb_run(ctx);
    regfree(&ctx->filter);
    ctx->filter = filter;
    ctx->has_filter = has_filter;
    ctx->settings.filter = filter_text;
    free(text);
    if (result)
        *result = mb_ctx_find(ctx, name);
    return err;
}
