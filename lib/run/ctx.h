/*
 * The context's layout (struct mb_ctx), shared by the files of the run stage: ctx.c (the
 * context and one run), share.c (its runner and progress), instructions.c (the --instructions
 * glue) and baselines.c (the baseline glue). Internal.
 */
#ifndef MB_CTX_H
#define MB_CTX_H

#include "counters.h"
#include "microbe_internal.h"
#include "runner.h"

#include <regex.h>
#include <signal.h>
#include "env.h"

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
    unsigned char *done;  /* per selected benchmark: its result is finished */
    size_t n_results;     /* the finished results before the first unfinished one */
    size_t n_selected;
    char *const *program; /* mb_ctx_set_program's argv, or NULL: parts run in this process */
};

/* finish.c: one callback of every emitter, in the order they were added, stopping at the first
 * error (its code returned); */
typedef enum mb__emit_phase { MB__EMIT_BEGIN, MB__EMIT_RESULT, MB__EMIT_END } mb__emit_phase;
int mb__ctx_emit(mb_ctx *ctx, mb__emit_phase phase, const mb_run_info *info, const mb_result *r);
/* result i made from m (samples of n_parts parts ending at part_ends, or NULL and 0),
 * its skip or failure logged; and a finished result counted, saved, and emitted in run
 * order. Each returns 0 or MB_E*. */
int mb__ctx_finish_result(mb_ctx *ctx, const mb__measurement *m, size_t i, const size_t *part_ends,
                          size_t n_parts);
int mb__ctx_result_done(mb_ctx *ctx, const mb_run_info *info, size_t i);
/* The selected benchmarks in bench i's comparison group, from i on, in run order: their
 * indexes in idx (room for n_selected), their count returned (1 outside groups). */
size_t mb__ctx_group_members(const mb_ctx *ctx, size_t i, size_t *idx);

/* parts.c: the measurement of the whole selection in parts, in children of the program or in
 * this process, each benchmark's result finished (mb__ctx_result_done) once its last part is
 * in. Returns 0, MB_EINTR, MB_ENOMEM or MB_EIO (logged). */
int mb__ctx_measure_parts(mb_ctx *ctx, const mb_run_info *info);
/* The request that made this process a part child, or NULL; and the child's work: measure
 * the parts asked for and send them to the parent. It returns only on failure (an MB_E*). */
const char *mb__ctx_part_request(void);
int mb__ctx_part_child(mb_ctx *ctx, const char *request);

/* The runner of this context's run: its settings, clock, interruption flag and counters. */
mb__runner mb__ctx_runner(const mb_ctx *ctx);
/* Reports progress when the settings ask for it (index of count, a name and what it does). */
void mb__ctx_progress(mb_ctx *ctx, size_t index, size_t count, const char *name, const char *phase);

/* The registered benchmarks that the context's filter selects (mb__registry_select). */
int mb__ctx_select(const mb_ctx *ctx, mb_bench ***list, size_t *n, mb_bench ***owned,
                   size_t *n_owned);

/* instructions.c: the callgrind child's answer for the benchmark `name` (NULL: already
 * answered), and the instruction count of a measured result (settings.instructions). */
int mb__ctx_callgrind_child(mb_ctx *ctx, const char *name, uint64_t iters);
void mb__ctx_count_instructions(mb_ctx *ctx, mb_result *r);

/* baselines.c: what a run needs ready before it measures (the baseline read back, the save
 * directory, valgrind), the saving of one result, and the verdicts of the whole suite once
 * every result is in. Each returns 0 or MB_E*, having logged what went wrong. */
int mb__ctx_load_baseline(mb_ctx *ctx);
int mb__ctx_save_results(mb_ctx *ctx, const mb_run_info *info);
int mb__ctx_verdicts(mb_ctx *ctx);

#endif
