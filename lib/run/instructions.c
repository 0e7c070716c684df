/*
 * The run's side of --instructions (settings.instructions): in the callgrind child, the one
 * call of the benchmark it was started for; in the parent, each measured result's
 * instructions per iteration from callgrind.c. Here rather than in the command line, so the
 * mode works for any program that calls mb_run().
 */
#include "callgrind.h"
#include "ctx.h"
#include "log.h"
#include "registry.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The callgrind child's side of settings.instructions (callgrind.h): the benchmark named
 * `name` among the selected ones called once with iters iterations, collection on only
 * inside its loop; nothing else measured, emitted or kept. A run that does not select it
 * leaves it to another (a program may run several contexts); NULL name: an earlier run of
 * this process answered. Returns 0, MB_EUSAGE when the body misused MB_LOOP, or MB_ENOMEM. */
int mb__ctx_callgrind_child(mb_ctx *ctx, const char *name, uint64_t iters)
{
    if (!name)
        return 0;
    mb_bench **list, **owned;
    size_t n, n_owned;
    int err = mb__ctx_select(ctx, &list, &n, &owned, &n_owned);
    if (err)
        return err;
    mb__runner runner = mb__ctx_runner(ctx);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(list[i]->name, name) != 0)
            continue;
        mb__options opts = mb__bench_options(list[i], &ctx->settings);
        err = mb__call_collecting(&runner, &opts, list[i]->fn, iters) ? MB_EUSAGE : 0;
        mb__callgrind_answered();
        break;
    }
    free(list);
    mb__instances_free(owned, n_owned);
    return err;
}

/* The benchmark's instructions per iteration under callgrind (settings.instructions), with
 * about 20 ms of native time per child so that slow bodies stay affordable (callgrind runs
 * them some 50 times slower). A failure is logged and leaves NAN. */
void mb__ctx_count_instructions(mb_ctx *ctx, mb_result *r)
{
    const mb_settings *s = &ctx->settings;
    if (!s->instructions || r->status != MB_STATUS_OK || r->n_samples == 0)
        return;
    double iters = 2e7 / (r->median.point > 0 ? r->median.point : 1);
    iters = iters < 10 ? 10 : iters > 1e6 ? 1e6 : floor(iters);
    char err[600];
    mb__ctx_progress(ctx, ctx->n_results, ctx->n_selected, r->name, "counting instructions");
    if (mb__callgrind_measure(ctx->env.executable, r->name, (uint64_t)iters,
                              &r->instructions_per_iter, err, sizeof err) != 0) {
        r->instructions_per_iter = NAN;
        mb__log(s, MB_LOG_WARN, "%s: --instructions: %s", r->name, err);
    }
}
