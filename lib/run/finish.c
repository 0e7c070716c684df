/*
 * What the run does with each finished measurement: the result made from it, then counted
 * and handed to the emitters in run order (baselines.c saves them all at the end); and the
 * comparison groups' membership. Used by ctx.c (one measurement per benchmark) and parts.c (the
 * parts of each), which is why it stands apart from both.
 */
#include "ctx.h"
#include "log.h"
#include "registry.h"
#include "result.h"
#include "seed.h"

#include <math.h>
#include <string.h>

int mb__ctx_emit(mb_ctx *ctx, mb__emit_phase phase, const mb_run_info *info, const mb_result *r)
{
    for (size_t i = 0; i < ctx->n_emitters; i++) {
        const mb_emitter *e = &ctx->emitters[i];
        int err = 0;
        if (phase == MB__EMIT_BEGIN && e->begin)
            err = e->begin(e->user, info);
        else if (phase == MB__EMIT_RESULT && e->result)
            err = e->result(e->user, info, r);
        else if (phase == MB__EMIT_END && e->end)
            err = e->end(e->user, info);
        if (err)
            return err;
    }
    return 0;
}

int mb__ctx_finish_result(mb_ctx *ctx, const mb__measurement *m, size_t i, const size_t *part_ends,
                          size_t n_parts)
{
    const mb_settings *s = &ctx->settings;
    const mb_bench *bench = ctx->selected[i];
    if (m->report.outcome)
        mb__log(s, m->report.outcome == MB_STATUS_FAILED ? MB_LOG_ERROR : MB_LOG_INFO, "%s: %s: %s",
                bench->name, m->report.outcome == MB_STATUS_FAILED ? "failed" : "skipped",
                m->report.message);
    else if (m->failure)
        mb__log(s, MB_LOG_ERROR, "%s: %s", bench->name, m->failure);
    mb__result_inputs in = {
        bench,     s,      mb__bench_seed(s->seed, bench->name), ctx->loop_ns, ctx->counters,
        part_ends, n_parts};
    return mb__result_make(m, &in, &ctx->results[i], &ctx->result_blocks[i]);
}

size_t mb__ctx_group_members(const mb_ctx *ctx, size_t i, size_t *idx)
{
    const char *group = ctx->selected[i]->group;
    size_t k = 0;
    idx[k++] = i;
    for (size_t j = i + 1; group && j < ctx->n_selected; j++)
        if (ctx->selected[j]->group && strcmp(ctx->selected[j]->group, group) == 0)
            idx[k++] = j;
    return k;
}

int mb__ctx_result_done(mb_ctx *ctx, const mb_run_info *info, size_t i)
{
    mb_result *r = &ctx->results[i];
    const mb_settings *s = &ctx->settings;
    /* Recorded with the result, so that a baseline saved under other settings is known. */
    r->plan_rule =
        (mb_plan_rule){s->quick,         s->warm_up_time_s, mb__bench_time_s(ctx->selected[i], s),
                       s->min_samples,   s->max_samples,    s->precision,
                       info->forks_used, s->rounds};
    ctx->finished_s += r->wall_time_s;
    r->instructions_per_iter = NAN;
    mb__ctx_count_instructions(ctx, r);
    int err = 0;
    ctx->done[i] = 1;
    while (!err && ctx->n_results < ctx->n_selected && ctx->done[ctx->n_results]) {
        mb__ctx_progress(ctx, ctx->n_results, ctx->n_selected, NULL, NULL); /* erased */
        if (!ctx->defer)
            err = mb__ctx_emit(ctx, MB__EMIT_RESULT, info, &ctx->results[ctx->n_results]);
        ctx->n_results++;
    }
    return err;
}
