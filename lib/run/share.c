/*
 * What the files of the run stage share about a context besides its layout (ctx.h): the
 * runner of its run, its progress report and its selection of benchmarks. Apart from ctx.c,
 * so that instructions.c can use them without a circle between the two.
 */
#include "ctx.h"
#include "registry.h"

/* Reports progress when the settings ask for it. The time left is the mean wall time of the
 * finished benchmarks times those left (including the current one, counted whole); before
 * any has finished, the settings' warm-up plus budget per benchmark, an upper bound for most. */
void mb__ctx_progress(mb_ctx *ctx, size_t index, size_t count, const char *name, const char *phase)
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

/* The runner of this context's run: its settings, clock, interruption flag and counters. */
mb__runner mb__ctx_runner(const mb_ctx *ctx)
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
                        .timer_cost_ns = ctx->timer.cost_ns,
                        .timer_resolution_ns = ctx->timer.resolution_ns,
                        .sweep_bytes = ctx->sweep_bytes,
                        .batch_cache_bytes = ctx->batch_cache_bytes};
}

int mb__ctx_select(const mb_ctx *ctx, mb_bench ***list, size_t *n, mb_bench ***owned,
                   size_t *n_owned)
{
    return mb__registry_select(ctx->has_filter ? &ctx->filter : NULL, list, n, owned, n_owned);
}
