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
#include "match.h"
#include "registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Saves every finished result into settings.save_baseline, all under the baseline's lock, so
 * that two runs saving at once leave one of them whole (their change against the baseline is
 * not in them: the verdicts come after). */
int mb__ctx_save_results(mb_ctx *ctx, const mb_run_info *info)
{
    const mb_settings *s = &ctx->settings;
    if (!s->save_baseline || s->smoke || s->profile_time_s > 0)
        return 0;
    char err[600];
    const char *dir = mb__baseline_dir(s);
    int lock = mb__baseline_lock(dir, s->save_baseline, err, sizeof err), rc = lock < 0 ? lock : 0;
    for (size_t i = 0; rc == 0 && i < ctx->n_selected; i++)
        if (ctx->done[i])
            rc = mb__baseline_save(dir, s->save_baseline, info, &ctx->results[i], err, sizeof err);
    mb__baseline_unlock(lock);
    if (rc < 0)
        mb__log(s, MB_LOG_ERROR, "--save-baseline %s: %s", s->save_baseline, err);
    return rc < 0 ? rc : 0;
}

/* The keys of every benchmark there is, the run's results first (keys[0..n_results)), so
 * that the benchmarks it did not select are matched with the baseline too: a filter never
 * changes a match, and a saved result is called unmatched only when no benchmark matches it.
 * Returns the count, 0 when memory ran out. */
static size_t match_keys(const mb_ctx *ctx, mb_bench **all, size_t n_all, mb__match_key *keys)
{
    size_t k = ctx->n_results;
    for (size_t i = 0; i < ctx->n_results; i++) {
        const mb_result *r = &ctx->results[i];
        keys[i] = (mb__match_key){r->name, r->params, r->n_params, r->n_samples > 0};
    }
    for (size_t j = 0; j < n_all; j++) {
        size_t i = 0;
        while (i < ctx->n_results && strcmp(ctx->results[i].name, all[j]->name) != 0)
            i++;
        if (i == ctx->n_results)
            keys[k++] = (mb__match_key){all[j]->name, all[j]->values, all[j]->n_values, 0};
    }
    return k;
}

/* Each result's baseline result (olds[i], NULL for none), matched by name or parameters,
 * with warnings for what did not match. */
static int match_baseline(const mb_ctx *ctx, const mb_result **olds)
{
    mb_bench **all = NULL, **owned = NULL;
    size_t n_all = 0, n_owned = 0;
    int err = mb__registry_select(NULL, &all, &n_all, &owned, &n_owned);
    if (err)
        return err;
    mb__match_key *keys = malloc((ctx->n_results + n_all + 1) * sizeof *keys);
    char label[140];
    snprintf(label, sizeof label, "baseline '%s'", ctx->settings.baseline);
    if (keys)
        err = mb__baseline_match(keys, ctx->n_results, match_keys(ctx, all, n_all, keys),
                                 ctx->baseline, olds, &ctx->settings, label);
    free(keys);
    free(all);
    mb__instances_free(owned, n_owned);
    return keys ? err : MB_ENOMEM;
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
        err = match_baseline(ctx, olds);
        if (!err)
            err = mb__compare_results(ctx->results, ctx->n_results, olds, &ctx->settings);
        free(olds);
    }
    return err ? err : mb__group_verdicts(ctx->results, ctx->n_results, &ctx->settings);
}
