/*
 * The run's side of baselines and verdicts: reading settings.baseline back and preparing
 * settings.save_baseline before anything is measured, saving each result, and the verdicts
 * of the suite once every result is in (the rules are analyse/compare.c's, the storage
 * results/baseline.c's).
 */
#include "baseline.h"
#include "callgrind.h"
#include "compare.h"
#include "ctx.h"
#include "log.h"

#include <stdlib.h>

/* Prepares what the run saves and counts, and reads settings.baseline, before anything is
 * measured, so that a missing or corrupt baseline stops the run at once (MB_EINVAL, logged). */
int mb__ctx_load_baseline(mb_ctx *ctx)
{
    const mb_settings *s = &ctx->settings;
    mb_results_free(ctx->baseline);
    ctx->baseline = NULL;
    char err[600];
    /* First, so that a missing baseline is named whatever else is wrong. */
    int rc = mb__baseline_load(s, &ctx->baseline);
    if (rc)
        return rc;
    if (s->save_baseline && !s->smoke && s->profile_time_s <= 0) {
        rc = mb__baseline_prepare(mb__baseline_dir(s), s->save_baseline, err, sizeof err);
        if (rc) {
            /* Logged with its details; a directory that cannot be made is bad input. */
            mb__log(s, MB_LOG_ERROR, "--save-baseline %s: %s", s->save_baseline, err);
            return rc == MB_ENOMEM ? rc : MB_EINVAL;
        }
    }
    if (s->instructions && !s->smoke && s->profile_time_s <= 0) {
        rc = mb__callgrind_check(err, sizeof err);
        if (rc) {
            mb__log(s, MB_LOG_ERROR, "%s", err);
            return rc;
        }
    }
    return 0;
}

/* Saves one measured result into settings.save_baseline (its change against the baseline
 * waits for the whole suite: mb__ctx_verdicts). */
int mb__ctx_save_result(mb_ctx *ctx, const mb_run_info *info, const mb_result *r)
{
    const mb_settings *s = &ctx->settings;
    if (!s->save_baseline)
        return 0;
    char err[600];
    int rc = mb__baseline_save(mb__baseline_dir(s), s->save_baseline, info, r, err, sizeof err);
    if (rc < 0)
        mb__log(s, MB_LOG_ERROR, "--save-baseline %s: %s", s->save_baseline, err);
    return rc < 0 ? rc : 0;
}

/* The verdicts need every p-value of the suite (Holm), so they come once all results are
 * in: against the baseline, and within comparison groups; the rules are compare.c's. */
int mb__ctx_verdicts(mb_ctx *ctx)
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
    return err ? err : mb__group_verdicts(ctx->results, ctx->n_results, &ctx->settings);
}
