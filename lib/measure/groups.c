/*
 * Comparison groups (BENCH_GROUP): their members measured together in paired rounds (see
 * mb__measure_group in runner.h). Each member is warmed up alone, then every round takes one
 * flat sample of each, in an order that rotates and reverses from round to round, so that
 * slow changes of the machine hit all members alike and the paired ratios cancel them.
 */
#include "runner.h"
#include "session.h"

#include <math.h>

/* Group members run as plain benchmarks but for their parameter values: no fixture, normal
 * mode, one thread. */
static const char *const not_plain =
    "a comparison group member takes parameters, not a fixture, threads or another mode";

static int is_plain(const mb__options *o)
{
    return !o->setup && !o->teardown && o->mode == MB_MODE_NORMAL && o->threads == 1;
}

/* The order of the members in round r: a rotation by r, reversed every other round, so that
 * over the rounds every member runs first, last and next to every other about equally. */
static size_t round_member(size_t r, size_t j, size_t k)
{
    size_t pos = (r / 2 + j) % k;
    return r % 2 ? k - 1 - pos : pos;
}

/* Each member alone, as if they were not grouped: smoke and profile runs. */
static int measure_each_alone(const mb__runner *run, const mb__options *opts,
                              const mb_bench_fn *fns, size_t k, uint64_t seed, mb__measurement *ms)
{
    for (size_t i = 0; i < k; i++) {
        int err = mb__measure(run, &opts[i], fns[i], seed + i, &ms[i]);
        if (err)
            return err;
    }
    return 0;
}

/* A group one of whose members failed or skipped during warm-up: the others are measured one
 * by one, as if they were not grouped (no pairing without the baseline member). */
static int measure_alone(const mb__runner *run, const mb__options *opts, const mb_bench_fn *fns,
                         size_t k, uint64_t seed, mb__measurement *ms, size_t bad)
{
    for (size_t j = 0; j < k; j++) {
        if (j == bad)
            continue;
        mb__measurement_free(&ms[j]);
        int err =
            j < bad && ms[j].failure ? 0 : mb__measure(run, &opts[j], fns[j], seed + j, &ms[j]);
        if (err)
            return err;
    }
    return 0;
}

/* A member's flat sample size from its warm-up: at least T_min, and long enough that
 * max_samples rounds fill the budget, as the flat plan of a lone benchmark would. Returns
 * the time of one such sample. */
static double member_step(const mb__runner *run, mb__measurement *m)
{
    const mb_settings *s = run->settings;
    double t = m->warm_up_ns >= MB__MIN_PLAN_NS ? m->warm_up_ns : MB__MIN_PLAN_NS;
    double d = ceil(run->min_sample_ns / t);
    double d_budget = floor(s->measurement_time_s * 1e9 / ((double)s->max_samples * t));
    if (d_budget > d)
        d = d_budget;
    m->iters_step = d < 1                      ? 1
                    : d > MB__MAX_SAMPLE_ITERS ? (uint64_t)MB__MAX_SAMPLE_ITERS
                                               : (uint64_t)d;
    m->plan = MB_PLAN_FLAT;
    m->stop = MB_STOP_SAMPLES;
    return t * (double)m->iters_step;
}

/* The rounds, each one sample of every member, until `rounds` are taken or the hard budget
 * is spent. Returns 0, MB_EINTR or MB_ENOMEM (ms freed for both). */
static int measure_rounds(mb__session *s, const mb__options *opts, const mb_bench_fn *fns, size_t k,
                          mb__measurement *ms, uint32_t rounds, double budget_ns)
{
    for (size_t i = 0; i < k; i++) {
        if (mb__samples_alloc(s, &ms[i], rounds) != 0) {
            for (size_t j = 0; j <= i; j++)
                mb__measurement_free(&ms[j]);
            return MB_ENOMEM;
        }
    }
    uint64_t start = mb__now_ns(s->run);
    const char *failure = NULL;
    for (uint32_t r = 0; r < rounds && !failure; r++) {
        for (size_t j = 0; j < k && !failure; j++) {
            size_t i = round_member(r, j, k);
            double loop_ns = 0;
            s->report = &ms[i].report;
            s->opts = &opts[i];
            failure = mb__call(s, fns[i], ms[i].iters_step, ms[i].warm_up_ns, &loop_ns);
            if (failure) {
                ms[i].failure = failure;
                break;
            }
            mb__sample_keep(s, &ms[i], r, ms[i].iters_step, loop_ns);
        }
        if (failure)
            break;
        for (size_t i = 0; i < k; i++)
            ms[i].n = r + 1;
        if ((double)(mb__now_ns(s->run) - start) >= MB__HARD_BUDGET_FACTOR * budget_ns) {
            for (size_t i = 0; i < k; i++)
                ms[i].stop = MB_STOP_BUDGET;
            break;
        }
    }
    if (failure != mb__interrupted)
        return 0;
    for (size_t i = 0; i < k; i++)
        mb__measurement_free(&ms[i]);
    return MB_EINTR;
}

int mb__measure_group(const mb__runner *run, const mb__options *opts, const mb_bench_fn *fns,
                      size_t k, uint64_t seed, mb__measurement *ms)
{
    const mb_settings *set = run->settings;
    for (size_t i = 0; i < k; i++)
        ms[i] = (mb__measurement){0};
    for (size_t i = 0; i < k; i++)
        if (!is_plain(&opts[i])) {
            ms[i].failure = not_plain;
            return measure_alone(run, opts, fns, k, seed, ms, i);
        }
    if (set->smoke || set->profile_time_s > 0)
        return measure_each_alone(run, opts, fns, k, seed, ms);
    /* One session for all members (plain ones hold nothing); each call reports to its
     * member's measurement, with its member's parameter values. */
    mb__session s;
    const char *failure;
    mb__session_open(&s, run, &opts[0], &ms[0].report, &failure);
    double round_ns = 0;
    for (size_t i = 0; i < k; i++) {
        s.report = &ms[i].report;
        s.opts = &opts[i];
        ms[i].failure = mb__warm_up(&s, fns[i], &ms[i]);
        if (ms[i].failure) {
            mb__session_close(&s);
            return ms[i].failure == mb__interrupted ? MB_EINTR
                                                    : measure_alone(run, opts, fns, k, seed, ms, i);
        }
        round_ns += member_step(run, &ms[i]);
    }
    double budget_ns = set->measurement_time_s * 1e9 * (double)k;
    double fit = floor(budget_ns / round_ns);
    uint32_t rounds = fit >= set->max_samples   ? set->max_samples
                      : fit <= set->min_samples ? set->min_samples
                                                : (uint32_t)fit;
    int err = measure_rounds(&s, opts, fns, k, ms, rounds, budget_ns);
    mb__session_close(&s);
    return err;
}
