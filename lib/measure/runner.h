/*
 * The runner: how the measure stage measures one benchmark body (runner.c: warm-up, plan,
 * sampling, stopping rule) or the members of a comparison group together (groups.c). What it
 * needs comes in three lifetimes: an mb__runner fixed for the whole run, the mb__options of
 * one benchmark, and the resources of one measurement, which the runner acquires and
 * releases itself (session.h).
 */
#ifndef MB_RUNNER_H
#define MB_RUNNER_H

#include "microbe_internal.h"
#include "registry.h"

#include <signal.h>

/* Fixed for a whole run: set up once by the context, shared by all its measurements. */
typedef struct mb__runner {
    const mb_settings *settings;
    const mb__clock *clock;
    double min_sample_ns;              /* T_min: the shortest sample the timer resolves */
    double quantum_ns;                 /* max(timer resolution, cost): latency mode's unit */
    double timer_cost_ns;              /* the clock's cost per read */
    double timer_resolution_ns;        /* and its resolution */
    const volatile sig_atomic_t *stop; /* when set and nonzero, abandon before the next call */
    mb__counters *counters;            /* opened set read around every sample, or NULL */
    size_t sweep_bytes;                /* cold mode's eviction buffer */
    size_t batch_cache_bytes;          /* mb_iter_batched's batch target */
    int one_part; /* the result comes from this measurement alone: mb__one_part_stop_level */
} mb__runner;

/* What one benchmark asks of the runner: its parameter values and options (BENCH_P). */
typedef struct mb__options {
    const mb_param_value *values; /* passed to its body */
    size_t n_values;
    mb_setup_fn setup; /* the fixture, or NULL */
    mb_teardown_fn teardown;
    mb_mode mode;
    unsigned threads;          /* 1 to MB__THREADS_MAX; 0: an invalid MB_THREADS value */
    double measurement_time_s; /* MB_MEASUREMENT_TIME (mb__bench_time_s), or 0: the run's */
} mb__options;

/* The options of bench under settings s: parameter values, fixture, mode, thread count and
 * measurement time. */
mb__options mb__bench_options(const mb_bench *bench, const mb_settings *s);

/* Warm-up, plan, sampling and the stopping rule for one benchmark body. Returns 0 (check
 * m->failure for a misbehaving body), MB_EINTR when run->stop was raised (m is then empty) or
 * MB_ENOMEM. m's arrays are freed by mb__measurement_free. */
int mb__measure(const mb__runner *run, const mb__options *opts, mb_bench_fn fn, uint64_t seed,
                mb__measurement *m);

/* The members of a comparison group (BENCH_GROUP), measured together: each is warmed up, then
 * every round takes one flat sample of each member, in an order that rotates and reverses
 * from round to round, so that sample r of every member was taken within one round of the
 * others and slow changes of the machine hit all members alike. ms[i] receives member i's
 * samples (as mb__measure would; failure set for a member that misbehaved, after which the
 * rounds stop). Rounds: as many as k measurement budgets allow, between min_samples and
 * max_samples. Smoke and profile runs measure each member alone. Member i's body gets the
 * parameter values of opts[i] (BENCH_GROUP_P); a member with a fixture, threads or another
 * mode fails, and the others are measured alone. Returns 0, MB_EINTR or MB_ENOMEM (ms
 * freed). */
int mb__measure_group(const mb__runner *run, const mb__options *opts, const mb_bench_fn *fns,
                      size_t k, uint64_t seed, mb__measurement *ms);

/* One call of the body with iters iterations, with its fixture, on one thread, without
 * counters, and with callgrind collecting inside its loop only (instruction mode); a static
 * message when the body misused MB_LOOP, else NULL. */
const char *mb__call_collecting(const mb__runner *run, const mb__options *opts, mb_bench_fn fn,
                                uint64_t iters);

/* The time per iteration of an empty MB_LOOP: the harness's own cost, against which a body
 * that the compiler removed is recognised. Not interrupted by run->stop. */
double mb__loop_overhead_ns(const mb__runner *run);

/* The probe behind it, for any body (tests): the fastest time per iteration of fn over many
 * loops of at least T_min each, spread over a few milliseconds. */
double mb__loop_min_ns(const mb__runner *run, mb_bench_fn fn);

/* The plan, exposed for tests: from the warm-up's estimates per iteration, t_ns timed and
 * wall_ns in wall time (at least t_ns; more for a body that works outside its timed loop).
 * Sample lengths follow t_ns (at least min_sample_ns timed); what fits the budget follows
 * wall_ns. */
typedef struct mb__plan {
    mb_plan_kind kind;
    int long_body; /* fewer samples than min_samples fit the budget */
    uint64_t step; /* d */
    uint32_t n;    /* samples planned */
} mb__plan;

void mb__make_plan(const mb_settings *s, double min_sample_ns, double t_ns, double wall_ns,
                   mb__plan *plan);

/* Relative half-width of the (interpolated order-statistic) interval of the median of
 * per-iteration times; INFINITY when it cannot be computed. scratch holds n doubles. */
double mb__median_precision(const uint64_t *iters, const double *ns, size_t n, double conf,
                            double *scratch);

/* The level at which the stopping rule judges mb__median_precision when the measurement is
 * the result's only part: stricter than the confidence conf the result reports, so that the
 * reported interval still covers at conf after a stop chosen on it (docs/statistics.md, "The
 * stopping rule with one part"). With parts, each part stops at conf: the result's interval
 * comes from the spread between parts, which the stop does not select. */
double mb__one_part_stop_level(double conf);

/* ---- Shared by runner.c and groups.c ------------------------------------------------- */

/* The smallest time per iteration the planner believes; keeps the step count finite for a
 * body the compiler removed. */
#define MB__MIN_PLAN_NS 1e-6
/* The largest iteration count of one sample. */
#define MB__MAX_SAMPLE_ITERS 4e18
/* Sampling may overrun the budget while fewer than min_samples are taken (a body slower than
 * the warm-up said), but never by more than this factor. */
#define MB__HARD_BUDGET_FACTOR 10.0

/* The run's clock, read. */
static inline uint64_t mb__now_ns(const mb__runner *run)
{
    return run->clock->now_ns(run->clock->user);
}

typedef struct mb__session mb__session;

/* Batches of 1, 2, 4, ... iterations until the warm-up time is spent and the last batch
 * lasted at least T_min; the estimate is the fastest time per iteration of the last three
 * batches that lasted T_min, in m->warm_up_ns, and the fastest wall time per iteration of
 * those in m->warm_up_wall_ns (m->warm_up_iters counts them all). A static message when a call
 * failed or the run is to stop (mb__interrupted), else NULL. */
const char *mb__warm_up(mb__session *s, mb_bench_fn fn, mb__measurement *m);

#endif
