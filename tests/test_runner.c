/*
 * The runner under an injected fake clock: the timer probe, the warm-up estimate, the plan
 * (linear, flat, long), the shuffled sample order and every branch of the stopping rule. Fake
 * time advances only when the clock is read or a benchmark body "works", so every number
 * here is exact and nothing depends on the machine's speed.
 */
#define _POSIX_C_SOURCE 200809L

#include "check.h"
#include "fake_clock.h"

#include "compare.h"
#include "result.h"
#include "runner.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The defaults with the budgets of one long part (0.2 s warm-up, 2 s), for which these tests'
 * plans were worked out by hand. */
static void init_settings(mb_settings *s)
{
    mb_settings_init(s);
    s->warm_up_time_s = 0.2;
    s->measurement_time_s = 2.0;
}

static double iter_ns = 100; /* cost of one iteration of the fake body */
static double noise_sigma;   /* lognormal noise per sample when > 0 */
static double setup_ns;      /* fake cost of the body's untimed setup, per call */
static unsigned calls;       /* calls of the fake body since reset */
static unsigned setup_from;  /* the setup costs from this call on (0: from the first) */
static unsigned slow_call;   /* this call's iterations take ten times as long (0: none) */
static mb__rng noise_rng;

static void fake_body(mb_state *state)
{
    if (++calls > setup_from)
        fake_ns += setup_ns;
    double cost = calls == slow_call ? 10 * iter_ns : iter_ns;
    if (noise_sigma > 0)
        cost *= fake_lognormal(&noise_rng, noise_sigma);
    MB_LOOP(state) {
        fake_ns += cost;
    }
}

static void reset(double per_iter_ns, double sigma, double setup)
{
    fake_ns = 1e9;
    iter_ns = per_iter_ns;
    noise_sigma = sigma;
    setup_ns = setup;
    calls = 0;
    setup_from = 0;
    slow_call = 0;
    mb__rng_seed(&noise_rng, 12345);
}

static void test_timer_probe(void)
{
    mb__timer_info info;
    reset(100, 0, 0);
    mb__timer_probe(&fake_clock, &info);
    CHECK_NEAR(info.resolution_ns, FAKE_READ_NS, 0, 0);
    CHECK_NEAR(info.cost_ns, FAKE_READ_NS, 1e-12, 0);
    CHECK_NEAR(info.min_sample_ns, 1000 * FAKE_READ_NS, 1e-12, 0);
}

static void test_plan(void)
{
    mb_settings s;
    init_settings(&s);
    mb__plan p;

    /* 1 ns per iteration, T_min 25 us: linear, d fills the 2 s budget over 100 samples. */
    mb__make_plan(&s, 25000, 1.0, 0, &p);
    CHECK_INT(p.kind, ==, MB_PLAN_LINEAR);
    CHECK_INT(p.step, ==, 396039); /* floor(2e9 / 5050) */
    CHECK_INT(p.n, ==, 100);
    CHECK_INT(p.long_body, ==, 0);

    /* 10 us per iteration: d from the budget (39) beats d_min from T_min (3). */
    mb__make_plan(&s, 25000, 10000, 0, &p);
    CHECK_INT(p.kind, ==, MB_PLAN_LINEAR);
    CHECK_INT(p.step, ==, 39);

    /* With a short budget, T_min sets d: 25 us / 1 us = 25 iterations per step, and only the
     * samples that fit are planned: 1 + 2 + ... + 27 = 378 steps of 25 us <= 10 ms. */
    s.measurement_time_s = 0.01;
    mb__make_plan(&s, 25000, 1000, 0, &p);
    CHECK_INT(p.kind, ==, MB_PLAN_LINEAR);
    CHECK_INT(p.step, ==, 25);
    CHECK_INT(p.n, ==, 27);
    /* A body that spends nine times its timed loop outside it (mb_iter_batched's setup): the
     * same sample sizes, as many samples as fit the budget in wall time. Ten linear samples
     * would take 55 steps of 250 us, over the 10 ms: flat, 40 samples of 25 iterations. Half
     * again outside: linear, 1 + ... + 22 = 253 steps of 37.5 us. */
    mb__make_plan(&s, 25000, 1000, 10000, &p);
    CHECK_INT(p.kind, ==, MB_PLAN_FLAT);
    CHECK_INT(p.step, ==, 25);
    CHECK_INT(p.n, ==, 40);
    mb__make_plan(&s, 25000, 1000, 1500, &p);
    CHECK_INT(p.kind, ==, MB_PLAN_LINEAR);
    CHECK_INT(p.n, ==, 22);
    s.measurement_time_s = 2.0;

    /* 50 ms: ten linear samples need 55 x 50 ms > 2 s, so flat, with 40 samples of 1. */
    mb__make_plan(&s, 25000, 50e6, 0, &p);
    CHECK_INT(p.kind, ==, MB_PLAN_FLAT);
    CHECK_INT(p.step, ==, 1);
    CHECK_INT(p.n, ==, 40);
    CHECK_INT(p.long_body, ==, 0);

    /* 10 ms: flat with 200 fitting, capped at max_samples. */
    mb__make_plan(&s, 25000, 10e6, 0, &p);
    CHECK_INT(p.kind, ==, MB_PLAN_LINEAR);
    mb__make_plan(&s, 25000, 40e6, 0, &p);
    CHECK_INT(p.kind, ==, MB_PLAN_FLAT);
    CHECK_INT(p.n, ==, 50);

    /* Long bodies: 300 ms gives 6 samples; 5 s still gets the minimum of 3. */
    mb__make_plan(&s, 25000, 300e6, 0, &p);
    CHECK_INT(p.kind, ==, MB_PLAN_FLAT);
    CHECK_INT(p.long_body, ==, 1);
    CHECK_INT(p.n, ==, 6);
    mb__make_plan(&s, 25000, 5e9, 0, &p);
    CHECK_INT(p.long_body, ==, 1);
    CHECK_INT(p.n, ==, 3);

    /* A body the compiler removed (estimate 0) still gets a finite plan. */
    mb__make_plan(&s, 25000, 0.0, 0, &p);
    CHECK_INT(p.kind, ==, MB_PLAN_LINEAR);
    CHECK(p.step >= 1 && (double)p.step * p.n < 1e19);
}

/* m measured as one part of a run in parts (one_part 0) or as the result's only part. */
static int measure_as(const mb_settings *s, int one_part, uint64_t seed, mb__measurement *m)
{
    mb__runner runner = {.settings = s,
                         .clock = &fake_clock,
                         .min_sample_ns = 1000 * FAKE_READ_NS,
                         .one_part = one_part};
    mb__options opts = {.threads = 1};
    return mb__measure(&runner, &opts, fake_body, seed, m);
}

static int measure(const mb_settings *s, uint64_t seed, mb__measurement *m)
{
    return measure_as(s, 0, seed, m);
}

/* The result a run makes of m (bootstrap seed 1, no counters); its block in *block. */
static int make_result(const mb__measurement *m, const mb_settings *s, double loop_ns, mb_result *r,
                       void **block)
{
    static const mb_bench bench = {.name = "fake"};
    mb__result_inputs in = {&bench, s, 0, loop_ns, NULL, NULL, 0};
    return mb__result_make(m, &in, r, block);
}

static void test_warm_up(void)
{
    mb_settings s;
    init_settings(&s);
    mb__measurement m;
    reset(100, 0, 0);
    CHECK_INT(measure(&s, 1, &m), ==, 0);
    CHECK(m.failure == NULL);
    /* The loop's time includes one clock read (the end read's cost), so the estimate is
     * 100 ns plus 20 ns spread over the last batch: within 0.01 %. */
    CHECK_NEAR(m.warm_up_ns, 100, 1e-4, 0);
    /* Batches 1, 2, 4, ..., 2^k: the total is 2^(k+1) - 1, and the run of them took at
     * least the 0.2 s warm-up: 2^21 - 1 iterations of 100 ns is the first to pass it. */
    CHECK_INT(m.warm_up_iters, ==, (1 << 21) - 1);
    mb__measurement_free(&m);

    /* The warm-up's last batch (its 21st call, 2^20 iterations) slowed tenfold, as by a busy
     * neighbour: the estimate is still the fastest batch that lasted T_min. */
    reset(100, 0, 0);
    slow_call = 21;
    CHECK_INT(measure(&s, 1, &m), ==, 0);
    CHECK_INT(m.warm_up_iters, ==, (1 << 21) - 1);
    CHECK_NEAR(m.warm_up_ns, 100, 1e-3, 0);
    CHECK_NEAR(m.warm_up_wall_ns, 100, 1e-3, 0);
    mb__measurement_free(&m);

    /* A slow body: one iteration of 0.5 s ends the warm-up at once. */
    reset(5e8, 0, 0);
    CHECK_INT(measure(&s, 1, &m), ==, 0);
    CHECK_INT(m.warm_up_iters, ==, 1);
    CHECK_NEAR(m.warm_up_ns, 5e8, 1e-6, 0);
    mb__measurement_free(&m);

    /* With no warm-up time, batches still grow until one lasts T_min (20 us): 256 x 100 ns. */
    s.warm_up_time_s = 0;
    reset(100, 0, 0);
    CHECK_INT(measure(&s, 1, &m), ==, 0);
    CHECK_INT(m.warm_up_iters, ==, 511);
    mb__measurement_free(&m);
}

static void test_noise_free_stops_at_min_samples(void)
{
    mb_settings s;
    init_settings(&s);
    mb__measurement m;
    reset(100, 0, 0);
    CHECK_INT(measure(&s, 7, &m), ==, 0);
    CHECK_INT(m.stop, ==, MB_STOP_PRECISION);
    CHECK_INT(m.n, ==, s.min_samples);
    CHECK_INT(m.plan, ==, MB_PLAN_LINEAR);

    /* Linear plan in shuffled order: multiples k*d with distinct k in 1..100, not sorted. */
    int seen[101] = {0}, sorted = 1;
    for (size_t i = 0; i < m.n; i++) {
        CHECK_INT(m.iters[i] % m.iters_step, ==, 0);
        uint64_t k = m.iters[i] / m.iters_step;
        CHECK(k >= 1 && k <= 100 && !seen[k]);
        if (k <= 100)
            seen[k] = 1;
        if (i > 0 && m.iters[i] < m.iters[i - 1])
            sorted = 0;
        /* Each sample's time is exactly iters * 100 ns plus one clock read. */
        CHECK_NEAR(m.ns[i], (double)m.iters[i] * 100 + FAKE_READ_NS, 1e-12, 1);
    }
    CHECK(!sorted);

    /* The same seed gives the same order; another seed another order. */
    mb__measurement again, other;
    reset(100, 0, 0);
    CHECK_INT(measure(&s, 7, &again), ==, 0);
    reset(100, 0, 0);
    CHECK_INT(measure(&s, 8, &other), ==, 0);
    CHECK_INT(again.n, ==, m.n);
    CHECK(memcmp(again.iters, m.iters, m.n * sizeof *m.iters) == 0);
    CHECK(memcmp(other.iters, m.iters, m.n * sizeof *m.iters) != 0);
    mb__measurement_free(&m);
    mb__measurement_free(&again);
    mb__measurement_free(&other);
}

static void test_noisy_stops_when_precise(void)
{
    mb_settings s;
    init_settings(&s);
    /* Lognormal noise with sigma 0.2 per sample: the median's 95 % interval has a relative
     * half-width of about 1.96 * 1.25 * 0.2 / sqrt(n), under 10 % from n of about 25 on. */
    s.precision = 0.10;
    mb__measurement m;
    reset(100, 0.2, 0);
    CHECK_INT(measure(&s, 3, &m), ==, 0);
    CHECK_INT(m.stop, ==, MB_STOP_PRECISION);
    CHECK(m.n > s.min_samples && m.n < s.max_samples);
    /* The rule fired at the first sample count that met the target, not later. */
    double scratch[100];
    CHECK(mb__median_precision(m.iters, m.ns, m.n, s.confidence, scratch) <= s.precision);
    CHECK(mb__median_precision(m.iters, m.ns, m.n - 1, s.confidence, scratch) > s.precision);
    size_t n_part = m.n;
    mb__measurement_free(&m);

    /* As a result's only part, the same samples stop on the interval at the stricter level
     * (99 % for 95 %), later, so that the 95 % interval reported covers at 95 % after the
     * stop (docs/statistics.md, "The stopping rule with one part"). */
    double stop_level = mb__one_part_stop_level(s.confidence);
    CHECK_NEAR(stop_level, 0.99, 1e-12, 0);
    reset(100, 0.2, 0);
    CHECK_INT(measure_as(&s, 1, 3, &m), ==, 0);
    CHECK_INT(m.stop, ==, MB_STOP_PRECISION);
    CHECK(m.n > n_part && m.n < s.max_samples);
    CHECK(mb__median_precision(m.iters, m.ns, m.n, stop_level, scratch) <= s.precision);
    CHECK(mb__median_precision(m.iters, m.ns, m.n - 1, stop_level, scratch) > s.precision);
    mb__measurement_free(&m);

    /* A 1 % target is out of reach at this noise (it would take about 2400 samples): the
     * budget or the planned samples run out first, and the analysis warns. */
    s.precision = 0.01;
    reset(100, 0.2, 0);
    CHECK_INT(measure(&s, 3, &m), ==, 0);
    CHECK(m.stop == MB_STOP_SAMPLES || m.stop == MB_STOP_BUDGET);
    CHECK(m.n > s.min_samples && m.n <= s.max_samples);
    mb_result r = {0};
    void *block = NULL;
    CHECK_INT(make_result(&m, &s, 0, &r, &block), ==, 0);
    CHECK(r.warnings & MB_WARN_PRECISION);
    free(block);
    mb__measurement_free(&m);
}

static void test_budget_stop(void)
{
    mb_settings s;
    init_settings(&s);
    s.precision = 0; /* never stop for precision */
    mb__measurement m;
    /* Untimed setup of 0.15 s per call spends the 2 s budget after 14 samples. */
    reset(100, 0, 0.15e9);
    CHECK_INT(measure(&s, 3, &m), ==, 0);
    CHECK_INT(m.stop, ==, MB_STOP_BUDGET);
    CHECK(m.n >= s.min_samples && m.n <= 14);

    /* With setup of 3 s from the warm-up on, the plan sees it (in wall time) and takes the
     * long body's 3 samples. */
    mb__measurement_free(&m);
    reset(100, 0, 3e9);
    CHECK_INT(measure(&s, 3, &m), ==, 0);
    CHECK_INT(m.stop, ==, MB_STOP_LONG);
    CHECK_INT(m.n, ==, 3);
    mb__measurement_free(&m);

    /* The same setup appearing only after the warm-up's 21 calls (1 to 2^20 iterations of
     * 100 ns fill its 0.2 s): min_samples are not reached within 10x the budget, and the hard
     * cap stops sampling once 20 s have passed, after the 7th sample. */
    reset(100, 0, 3e9);
    setup_from = 21;
    CHECK_INT(measure(&s, 3, &m), ==, 0);
    CHECK_NEAR(m.warm_up_wall_ns, m.warm_up_ns, 0.01, 0); /* the warm-up saw no setup */
    CHECK_INT(m.stop, ==, MB_STOP_BUDGET);
    CHECK_INT(m.n, ==, 7);
    mb__measurement_free(&m);
}

static void test_long_body(void)
{
    mb_settings s;
    init_settings(&s);
    mb__measurement m;
    reset(1e9, 0, 0); /* one second per iteration */
    CHECK_INT(measure(&s, 3, &m), ==, 0);
    CHECK_INT(m.stop, ==, MB_STOP_LONG);
    CHECK_INT(m.plan, ==, MB_PLAN_FLAT);
    CHECK_INT(m.n, ==, 3);
    for (size_t i = 0; i < m.n; i++)
        CHECK_INT(m.iters[i], ==, 1);

    mb_result r = {0};
    void *block = NULL;
    CHECK_INT(make_result(&m, &s, 0, &r, &block), ==, 0);
    CHECK(r.warnings & MB_WARN_FEW_SAMPLES);
    CHECK(!(r.warnings & MB_WARN_PRECISION));
    free(block);
    mb__measurement_free(&m);
}

static void test_fixed_samples(void)
{
    /* --samples N: min = max = N, so exactly N samples whatever the precision. */
    mb_settings s;
    init_settings(&s);
    s.min_samples = s.max_samples = 30;
    mb__measurement m;
    reset(100, 0, 0);
    CHECK_INT(measure(&s, 3, &m), ==, 0);
    CHECK_INT(m.n, ==, 30);
    mb__measurement_free(&m);
}

/* The diagnostics on synthetic samples with a known defect, and their absence without it.
 * Per-iteration times t[i] for 100 samples; flat plan of 1000 iterations unless linear. */
enum { DIAG_N = 100 };

static unsigned diagnose(const double *t, int linear, double loop_ns)
{
    uint64_t iters[DIAG_N];
    double ns[DIAG_N];
    for (int i = 0; i < DIAG_N; i++) {
        iters[i] = linear ? (uint64_t)(i % 50 + 1) * 1000 : 1000;
        ns[i] = t[i] * (double)iters[i];
    }
    mb__measurement m = {0};
    m.plan = linear ? MB_PLAN_LINEAR : MB_PLAN_FLAT;
    m.stop = MB_STOP_PRECISION;
    m.n = DIAG_N;
    m.iters = iters;
    m.ns = ns;
    mb_settings s;
    init_settings(&s);
    s.resamples = 1000;
    mb_result r = {0};
    void *block = NULL;
    CHECK_INT(make_result(&m, &s, loop_ns, &r, &block), ==, 0);
    free(block);
    return r.warnings;
}

static void test_diagnostics(void)
{
    double t[DIAG_N];
    mb__rng rng;
    mb__rng_seed(&rng, 2024);

    /* Quiet, stationary data: no warning at all. */
    for (int i = 0; i < DIAG_N; i++)
        t[i] = 100 * fake_lognormal(&rng, 0.01);
    CHECK_INT(diagnose(t, 0, 0.3), ==, 0);
    CHECK_INT(diagnose(t, 1, 0.3), ==, 0);

    /* A 20 % rise over the run. */
    for (int i = 0; i < DIAG_N; i++)
        t[i] = 100 * (1 + 0.002 * i) * fake_lognormal(&rng, 0.01);
    CHECK(diagnose(t, 0, 0.3) & MB_WARN_DRIFT);
    /* A significant but tiny rise (0.05 % over the run, under the 1 % precision target) is
     * not worth a warning. */
    for (int i = 0; i < DIAG_N; i++)
        t[i] = 100 * (1 + 0.000005 * i) * fake_lognormal(&rng, 0.00001);
    CHECK(!(diagnose(t, 0, 0.3) & MB_WARN_DRIFT));

    /* Wide spread: MdAPE about 20 %. */
    for (int i = 0; i < DIAG_N; i++)
        t[i] = 100 * fake_lognormal(&rng, 0.3);
    CHECK(diagnose(t, 0, 0.3) & MB_WARN_UNSTABLE);

    /* No slower than the empty loop, or absurdly fast. */
    for (int i = 0; i < DIAG_N; i++)
        t[i] = 0.31 * fake_lognormal(&rng, 0.01);
    CHECK(diagnose(t, 0, 0.3) & MB_WARN_OPTIMIZED_AWAY);
    CHECK(!(diagnose(t, 0, 0.1) & MB_WARN_OPTIMIZED_AWAY));
    for (int i = 0; i < DIAG_N; i++)
        t[i] = 0.01 * fake_lognormal(&rng, 0.01);
    CHECK(diagnose(t, 0, 0) & MB_WARN_OPTIMIZED_AWAY);

    /* Strong serial correlation: an AR(1) process with coefficient 0.9. */
    double e = 0;
    for (int i = 0; i < DIAG_N; i++) {
        e = 0.9 * e + 0.01 * mb__normal_quantile(mb__rng_unit(&rng) * 0.999998 + 0.000001);
        t[i] = 100 * (1 + e);
    }
    CHECK(diagnose(t, 0, 0.3) & MB_WARN_SERIAL);

    /* One sample in five three times slower: severe outliers, material spread. */
    for (int i = 0; i < DIAG_N; i++)
        t[i] = 100 * fake_lognormal(&rng, 0.005) * (i % 5 == 0 ? 3 : 1);
    CHECK(diagnose(t, 0, 0.3) & MB_WARN_OUTLIERS);
    /* A single outlier does not warn. */
    for (int i = 0; i < DIAG_N; i++)
        t[i] = 100 * fake_lognormal(&rng, 0.005) * (i == 50 ? 3 : 1);
    CHECK(!(diagnose(t, 0, 0.3) & MB_WARN_OUTLIERS));

    /* Linear plan, but the sample time does not grow with iterations: time per iteration
     * falls as 1/x, so y is constant plus noise and R^2 is near 0. */
    for (int i = 0; i < DIAG_N; i++)
        t[i] = 1e5 / ((i % 50 + 1) * 1000.0) * fake_lognormal(&rng, 0.2);
    CHECK(diagnose(t, 1, 0.3) & MB_WARN_LOW_R2);
}

static void test_profile_and_smoke(void)
{
    mb_settings s;
    init_settings(&s);
    mb__measurement m;

    /* --profile-time 1: calls of doubling size until one lasts 10 ms (2^17 x 100 ns), then
     * calls of that size until 1 s has passed; no samples are kept. */
    s.profile_time_s = 1.0;
    reset(100, 0, 0);
    double start = fake_ns;
    CHECK_INT(measure(&s, 3, &m), ==, 0);
    CHECK(m.failure == NULL);
    CHECK_INT(m.n, ==, 0);
    double spent = fake_ns - start;
    CHECK(spent >= 1e9 && spent <= 1e9 + 2 * 13.2e6);
    mb__measurement_free(&m);

    /* --smoke: one call of one iteration. */
    s.profile_time_s = 0;
    s.smoke = 1;
    reset(100, 0, 0);
    start = fake_ns;
    CHECK_INT(measure(&s, 3, &m), ==, 0);
    CHECK_INT(m.n, ==, 0);
    CHECK_NEAR(fake_ns - start, 100 + 2 * FAKE_READ_NS, 0, 0);
    mb__measurement_free(&m);
}

/* Two members of a group: the second does 10 % more work; the machine slows down by half
 * over the run (drift common to both) and adds 5 % noise per call. */
static int group_calls[2][2]; /* [member][position in its round] */
static int group_last = -1;

static double drift(void)
{
    return 1 + (fake_ns - 1e9) / 2e10; /* +50 % after 10 s of fake time */
}

static void group_body(mb_state *state, int member, double per_iter_ns)
{
    group_calls[member][group_last == 1 - member]++;
    group_last = group_last == 1 - member ? -1 : member;
    double cost = per_iter_ns * drift() * fake_lognormal(&noise_rng, 0.05);
    MB_LOOP(state) {
        fake_ns += cost;
    }
}

static void group_a(mb_state *state)
{
    group_body(state, 0, 100);
}

static void group_b(mb_state *state)
{
    group_body(state, 1, 110);
}

static void never_loops(mb_state *state)
{
    (void)state;
}

/* One body for both members (BENCH_GROUP_P): its cost from its parameter value. */
static void group_by_value(mb_state *state)
{
    double cost = (double)mb_param_int(state, "cost");
    group_body(state, cost > 100, cost);
}

/* The paired ratio of two members' samples. */
static double paired_point(const mb__measurement *ms)
{
    double old_r[100], new_r[100];
    for (uint32_t r = 0; r < ms[0].n && r < 100; r++) {
        old_r[r] = ms[0].ns[r] / (double)ms[0].iters[r];
        new_r[r] = ms[1].ns[r] / (double)ms[1].iters[r];
    }
    mb__paired p;
    return mb__paired_ratio(old_r, new_r, ms[0].n < 100 ? ms[0].n : 100, 0.95, &p) == 0 ? p.point
                                                                                        : NAN;
}

static void test_group(void)
{
    mb_settings s;
    init_settings(&s);
    s.warm_up_time_s = 0;
    reset(0, 0, 0);
    mb__runner runner = {
        .settings = &s, .clock = &fake_clock, .min_sample_ns = 1000 * FAKE_READ_NS};
    const mb_bench_fn fns[2] = {group_a, group_b};
    mb__options opts[2] = {{.mode = MB_MODE_NORMAL, .threads = 1},
                           {.mode = MB_MODE_NORMAL, .threads = 1}};
    mb__measurement ms[2];
    memset(group_calls, 0, sizeof group_calls);
    CHECK_INT(mb__measure_group(&runner, opts, fns, 2, 7, ms), ==, 0);
    /* Every round takes one sample of each; the budget (2 x 2 s) fits all 100 rounds. */
    CHECK_INT(ms[0].n, ==, 100);
    CHECK_INT(ms[1].n, ==, 100);
    CHECK(ms[0].failure == NULL && ms[1].failure == NULL);
    CHECK_INT(ms[0].plan, ==, MB_PLAN_FLAT);
    /* Samples fill the budget: 2 s / 100 samples of 100 ns is about 200000 iterations. */
    CHECK_NEAR((double)ms[0].iters_step, 2e5, 0.05, 0); /* from the noisy warm-up estimate */
    /* Balanced order: within the rounds, each member ran first about as often as second (the
     * warm-up calls are counted as first too, but are the same for both). */
    int first_a = group_calls[0][0], first_b = group_calls[1][0];
    CHECK(abs(first_a - first_b) <= 2);

    /* The drift (+50 % over the run) is common to both: the paired ratio recovers 1.10, and
     * its interval is narrow, while the unpaired per-member spread is wide. */
    double old_r[100], new_r[100];
    for (int r = 0; r < 100; r++) {
        old_r[r] = ms[0].ns[r] / (double)ms[0].iters[r];
        new_r[r] = ms[1].ns[r] / (double)ms[1].iters[r];
    }
    mb__paired p;
    CHECK_INT(mb__paired_ratio(old_r, new_r, 100, 0.95, &p), ==, 0);
    CHECK_NEAR(p.point, 1.10, 0.02, 0);
    CHECK(p.low > 1.05 && p.high < 1.15);
    CHECK(mb__max(old_r, 100) / mb__min(old_r, 100) > 1.3); /* the drift is there */
    mb__measurement_free(&ms[0]);
    mb__measurement_free(&ms[1]);

    /* A member that misbehaves fails; the group is not measured further. */
    const mb_bench_fn bad[2] = {group_a, never_loops};
    CHECK_INT(mb__measure_group(&runner, opts, bad, 2, 7, ms), ==, 0);
    CHECK(ms[1].failure != NULL);
    mb__measurement_free(&ms[0]);
    mb__measurement_free(&ms[1]);

    /* One body, two members told apart by their parameter values (BENCH_GROUP_P): each call
     * gets its own member's, so the ratio is that of their costs. */
    const mb_param_value costs[2] = {{"cost", MB_PARAM_INT, 100, 0, NULL, NULL},
                                     {"cost", MB_PARAM_INT, 110, 0, NULL, NULL}};
    const mb_bench_fn same[2] = {group_by_value, group_by_value};
    opts[0].values = &costs[0];
    opts[1].values = &costs[1];
    opts[0].n_values = opts[1].n_values = 1;
    CHECK_INT(mb__measure_group(&runner, opts, same, 2, 7, ms), ==, 0);
    CHECK(ms[0].failure == NULL && ms[1].failure == NULL);
    CHECK_NEAR(paired_point(ms), 1.10, 0.02, 0);
    mb__measurement_free(&ms[0]);
    mb__measurement_free(&ms[1]);

    /* A member with threads fails with a message saying what a member takes; the other is
     * measured alone. */
    opts[1].threads = 2;
    CHECK_INT(mb__measure_group(&runner, opts, same, 2, 7, ms), ==, 0);
    CHECK(ms[1].failure && strstr(ms[1].failure, "comparison group member"));
    CHECK(ms[0].failure == NULL && ms[0].n >= s.min_samples);
    mb__measurement_free(&ms[0]);
    mb__measurement_free(&ms[1]);
}

/* ---- Authoring options under the fake clock ------------------------------------------- */

static mb__runner fake_runner(const mb_settings *s)
{
    return (mb__runner){.settings = s,
                        .clock = &fake_clock,
                        .min_sample_ns = 1000 * FAKE_READ_NS,
                        .quantum_ns = FAKE_READ_NS,
                        .timer_cost_ns = FAKE_READ_NS,
                        .timer_resolution_ns = FAKE_READ_NS,
                        .sweep_bytes = 1 << 20,
                        .batch_cache_bytes = 256 << 10};
}

/* The empty-loop probe: a loop of 0.5 ns per iteration, running at half speed (1 ns) for its
 * first probe_slow_calls calls, as when a sibling hardware thread is busy or the clock rate
 * is still low when the run starts. */
static int probe_slow_calls;

static void probe_body(mb_state *state)
{
    double cost = probe_slow_calls-- > 0 ? 1.0 : 0.5;
    MB_LOOP(state) {
        fake_ns += cost;
    }
}

static void test_loop_probe(void)
{
    mb_settings s;
    init_settings(&s);
    mb__runner runner = fake_runner(&s);
    /* The count grows to 2^15 (the first loop of T_min, 20 us, at 1 ns) in 16 calls; the
     * next 74 calls are slow too: 2.4 ms, more than the 16 probes that suffice once 3 ms
     * have passed. The fast probes after them give 0.5 ns plus one clock read (20 ns) spread
     * over 2^15 iterations. */
    fake_ns = 1e9;
    probe_slow_calls = 90;
    CHECK_NEAR(mb__loop_min_ns(&runner, probe_body), 0.5 + 20.0 / 32768, 1e-4, 0);
    /* Slow all along: the probe reads what it saw. */
    probe_slow_calls = 1 << 30;
    CHECK_NEAR(mb__loop_min_ns(&runner, probe_body), 1.0 + 20.0 / 32768, 1e-4, 0);
}

/* Latency body: each invocation takes a lognormal time with median LAT_MEDIAN_NS. */
#define LAT_MEDIAN_NS 20000.0
#define LAT_SIGMA 0.5
static double lat_median = LAT_MEDIAN_NS;

static void latency_body(mb_state *state)
{
    MB_LOOP(state) {
        fake_ns += lat_median * fake_lognormal(&noise_rng, LAT_SIGMA);
    }
}

/* Latency mode's percentiles against the known quantiles of the distribution the fake clock
 * draws invocation times from (plus the one clock read inside every measured interval). */
static void test_latency_mode(void)
{
    mb_settings s;
    init_settings(&s);
    s.warm_up_time_s = 0.01;
    s.measurement_time_s = 2.0; /* of fake time: about 90000 invocations */
    reset(0, 0, 0);
    lat_median = LAT_MEDIAN_NS;
    mb__runner runner = fake_runner(&s);
    mb__options opts = {.mode = MB_MODE_LATENCY, .threads = 1};
    mb__measurement m;
    CHECK_INT(mb__measure(&runner, &opts, latency_body, 7, &m), ==, 0);
    CHECK(m.failure == NULL);
    CHECK_INT(m.mode, ==, MB_MODE_LATENCY);
    CHECK_INT(m.latency_short, ==, 0);
    CHECK_NEAR(m.latency.threshold_ns, 100 * FAKE_READ_NS, 0, 0);
    CHECK(m.latency.n > 50000);
    CHECK_INT(m.plan, ==, MB_PLAN_FLAT);
    CHECK(m.n >= 90 && m.n <= 100 && m.iters_step > 100);
    const double z[MB_PERCENTILES] = {0, 1.2815515655446004, 1.6448536269514722, 2.3263478740408408,
                                      3.090232306167813};
    const double p[MB_PERCENTILES] = {0.5, 0.9, 0.95, 0.99, 0.999};
    for (int k = 0; k < MB_PERCENTILES; k++) {
        const mb_percentile *q = &m.latency.percentiles[k];
        double truth = LAT_MEDIAN_NS * exp(LAT_SIGMA * z[k]) + FAKE_READ_NS;
        double res = m.latency.relative_resolution;
        CHECK_NEAR(q->p, p[k], 0, 0);
        /* Within the interval (bucket resolution aside), and the interval is informative. */
        CHECK(q->low * (1 - res) <= truth && truth <= q->high * (1 + res));
        CHECK((q->high - q->low) / q->ns < (k < 3 ? 0.02 : 0.1));
        CHECK_NEAR(q->ns, truth, k < 4 ? 0.02 : 0.05, 0);
    }
    CHECK(m.latency.min_ns <= m.latency.percentiles[0].ns);
    CHECK(m.latency.max_ns >= m.latency.percentiles[4].ns);
    CHECK_NEAR(m.latency.mean_ns, LAT_MEDIAN_NS * exp(LAT_SIGMA * LAT_SIGMA / 2) + FAKE_READ_NS,
               0.01, 0);
    mb__measurement_free(&m);

    /* Invocations shorter than the threshold (100 quanta = 2 us): the samples measured
     * normally, then every invocation timed alone for the percentiles, the clock's cost per
     * read (the one read inside each measured interval) subtracted, and marked
     * resolution-limited with the clock's cost and resolution. */
    reset(0, 0, 0);
    lat_median = 500;
    CHECK_INT(mb__measure(&runner, &opts, latency_body, 7, &m), ==, 0);
    CHECK(m.failure == NULL);
    CHECK_INT(m.mode, ==, MB_MODE_NORMAL);
    CHECK_INT(m.latency_short, ==, 1);
    CHECK(m.n >= 10 && m.plan == MB_PLAN_LINEAR);
    CHECK(m.latency.n > 10000); /* 2 s of fake time at about 0.6 us an invocation */
    CHECK_INT(m.latency.resolution_limited, ==, 1);
    CHECK_NEAR(m.latency.timer_cost_ns, FAKE_READ_NS, 0, 0);
    CHECK_NEAR(m.latency.timer_resolution_ns, FAKE_READ_NS, 0, 0);
    CHECK(m.hist != NULL && m.hist_words > 5);
    for (int k = 0; k < MB_PERCENTILES; k++) {
        const mb_percentile *q = &m.latency.percentiles[k];
        double truth = 500 * exp(LAT_SIGMA * z[k]); /* the body's own, no clock read */
        /* The bounds lie on bucket edges: they hold the truth exactly, not widened. */
        CHECK(q->low <= truth + 0.5 && truth - 0.5 <= q->high);
        CHECK_NEAR(q->ns, truth, k < 4 ? 0.02 : 0.05, 0);
    }
    mb__measurement_free(&m);
    lat_median = LAT_MEDIAN_NS;
}

/* Cold mode: one invocation per sample, each timed alone, percentiles too. */
static void test_cold_mode(void)
{
    mb_settings s;
    init_settings(&s);
    s.measurement_time_s = 0.01;
    reset(0, 0, 0);
    mb__runner runner = fake_runner(&s);
    mb__options opts = {.mode = MB_MODE_COLD, .threads = 1};
    mb__measurement m;
    CHECK_INT(mb__measure(&runner, &opts, latency_body, 7, &m), ==, 0);
    CHECK(m.failure == NULL);
    CHECK_INT(m.mode, ==, MB_MODE_COLD);
    CHECK_INT(m.warm_up_iters, ==, 1);
    CHECK(m.n >= 10 && m.n <= 100);
    for (size_t i = 0; i < m.n; i++)
        CHECK_INT(m.iters[i], ==, 1);
    CHECK_INT(m.latency.n, >=, m.n);
    mb__measurement_free(&m);
}

/* Pause and resume: the paused work is excluded; what remains per pause is the one clock read
 * that starts it. Manual time replaces the clock's reading. */
static void pause_body(mb_state *state)
{
    MB_LOOP(state) {
        fake_ns += 100;
        mb_pause(state);
        fake_ns += 5000;
        mb_resume(state);
    }
}

static void manual_body(mb_state *state)
{
    MB_LOOP(state) {
        fake_ns += 10;
        mb_add_manual_time(state, 500);
    }
}

static void counters_body(mb_state *state)
{
    uint64_t n = 0;
    MB_LOOP(state) {
        fake_ns += 250;
        n++;
    }
    mb_set_counter(state, "items", (double)(3 * n), MB_PER_ITER);
    mb_set_counter(state, "rate", (double)n, MB_PER_SECOND);
    mb_set_counter(state, "depth", 7, MB_PER_CALL);
}

static void test_pause_manual_counters(void)
{
    mb_settings s;
    init_settings(&s);
    s.measurement_time_s = 0.05;
    reset(0, 0, 0);
    mb__runner runner = fake_runner(&s);
    mb__options opts = {.threads = 1};
    mb__measurement m;
    CHECK_INT(mb__measure(&runner, &opts, pause_body, 1, &m), ==, 0);
    CHECK(m.failure == NULL && m.n >= 10);
    for (size_t i = 0; i < m.n; i++)
        CHECK_NEAR(m.ns[i] / (double)m.iters[i], 100 + FAKE_READ_NS, 0, 0.2);
    mb__measurement_free(&m);

    CHECK_INT(mb__measure(&runner, &opts, manual_body, 1, &m), ==, 0);
    CHECK(m.failure == NULL && m.n >= 10);
    for (size_t i = 0; i < m.n; i++)
        CHECK_NEAR(m.ns[i] / (double)m.iters[i], 500, 1e-12, 0);
    mb__measurement_free(&m);

    CHECK_INT(mb__measure(&runner, &opts, counters_body, 1, &m), ==, 0);
    CHECK(m.failure == NULL && m.n >= 10);
    CHECK_INT(m.report.n_user, ==, 3);
    CHECK_STR(m.report.user_name[1], "rate");
    for (size_t i = 0; i < m.n; i++) {
        const double *u = &m.user_values[i * MB_USER_COUNTERS_MAX];
        CHECK_NEAR(u[0], 3, 0, 1e-12);
        CHECK_NEAR(u[1], (double)m.iters[i] / m.ns[i] * 1e9, 1e-12, 0);
        CHECK_NEAR(u[2], 7, 0, 0);
        CHECK(isnan(u[3]));
    }
    mb__measurement_free(&m);

    /* In latency mode a sample spans many invocations: per call stays the mean per call. */
    opts.mode = MB_MODE_LATENCY;
    iter_ns = 250;
    CHECK_INT(mb__measure(&runner, &opts, counters_body, 1, &m), ==, 0);
    CHECK_INT(m.mode, ==, MB_MODE_NORMAL); /* 250 ns is below the 2 us threshold */
    mb__measurement_free(&m);
}

/* Whether a and b hold the same measurement, arrays included. */
static int same_measurement(const mb__measurement *a, const mb__measurement *b)
{
    size_t n = a->n, nc = a->n_counters;
    int same = n == b->n && nc == b->n_counters && a->plan == b->plan && a->stop == b->stop &&
               a->iters_step == b->iters_step && a->warm_up_iters == b->warm_up_iters &&
               a->warm_up_ns == b->warm_up_ns && a->mode == b->mode &&
               a->latency_short == b->latency_short &&
               memcmp(&a->latency, &b->latency, sizeof a->latency) == 0 &&
               memcmp(&a->report, &b->report, sizeof a->report) == 0 &&
               !a->failure == !b->failure && (!a->failure || strcmp(a->failure, b->failure) == 0) &&
               !a->user_values == !b->user_values && a->hist_words == b->hist_words &&
               a->serial_pairs == b->serial_pairs &&
               (!a->hist || memcmp(a->hist, b->hist, a->hist_words * sizeof *a->hist) == 0);
    return same && memcmp(a->iters, b->iters, n * sizeof *a->iters) == 0 &&
           memcmp(a->ns, b->ns, n * sizeof *a->ns) == 0 &&
           (!nc || memcmp(a->counter_values, b->counter_values, n * nc * sizeof(double)) == 0) &&
           (!nc ||
            memcmp(a->counter_coverage, b->counter_coverage, n * nc * sizeof(double)) == 0) &&
           (!a->user_values ||
            memcmp(a->user_values, b->user_values, n * MB_USER_COUNTERS_MAX * sizeof(double)) == 0);
}

/* The measurement sent to another process (--isolate) comes back whole; a record cut short
 * anywhere, as by a writer that died mid-write, or garbled, is no measurement. */
static void test_measurement_wire(void)
{
    mb_settings s;
    init_settings(&s);
    s.measurement_time_s = 0.05;
    reset(0, 0, 0);
    iter_ns = 100;
    mb__runner runner = fake_runner(&s);
    mb__options opts = {.threads = 1};
    mb__measurement m;
    CHECK_INT(mb__measure(&runner, &opts, counters_body, 1, &m), ==, 0);
    CHECK(m.n >= 10 && m.user_values && m.report.n_user == 3);
    /* Two counters' totals and coverage, as a run with --counters would have. */
    m.n_counters = 2;
    m.counter_values = malloc(2 * m.n * sizeof(double));
    m.counter_coverage = malloc(2 * m.n * sizeof(double));
    for (size_t i = 0; m.counter_values && m.counter_coverage && i < 2 * m.n; i++) {
        m.counter_values[i] = i % 3 ? (double)i * 1.5 : NAN;
        m.counter_coverage[i] = 1.0 / (double)(i + 1);
    }
    m.failure = "MB_LOOP entered twice";
    m.latency.n = 12345;

    FILE *f = tmpfile();
    CHECK(f != NULL);
    if (!f)
        return;
    int fd = fileno(f);
    CHECK_INT(mb__measurement_write(fd, &m, MB_EUSAGE), ==, 0);
    off_t size = lseek(fd, 0, SEEK_CUR);
    mb__measurement back;
    int status = 0;
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    CHECK_INT(mb__measurement_read(fd, &back, &status), ==, 0);
    CHECK_INT(status, ==, MB_EUSAGE);
    CHECK(same_measurement(&m, &back));
    CHECK(back.failure == back.failure_text);
    mb__measurement_free(&back);
    CHECK(back.failure == NULL && back.failure_text == NULL);

    /* Cut short at every length from nothing to one byte short, then garbled. */
    for (off_t k = size - 1; k >= 0; k -= k > 600 ? 97 : 1) {
        CHECK(ftruncate(fd, k) == 0 && lseek(fd, 0, SEEK_SET) == 0);
        CHECK_INT(mb__measurement_read(fd, &back, &status), ==, MB_EIO);
        CHECK(back.n == 0 && back.iters == NULL && back.failure == NULL);
    }
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    CHECK_INT(mb__measurement_write(fd, &m, 0), ==, 0);
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    CHECK(write(fd, "xx", 2) == 2 && lseek(fd, 0, SEEK_SET) == 0);
    CHECK_INT(mb__measurement_read(fd, &back, &status), ==, MB_EIO);
    fclose(f);
    m.failure = NULL;
    mb__measurement_free(&m);
}

/* Latency in parts, as a run in 3 processes measures it: each part of a short body (under
 * the threshold) sent through the wire with its histogram and read back whole, then merged:
 * the parts' histograms added up, every percentile's interval from them, resolution-limited
 * and latency_short. A part timed alone (not resolution-limited: a process whose warm-up
 * found the body long enough) is left out of the percentiles, so that all times have the
 * clock's cost subtracted alike. */
static void test_latency_parts(void)
{
    enum { K = 4 };
    mb_settings s;
    init_settings(&s);
    s.warm_up_time_s = 0.01;
    s.measurement_time_s = 0.2; /* of fake time: about 2000 timed invocations a part */
    reset(0, 0, 0);
    lat_median = 500;
    mb__runner runner = fake_runner(&s);
    mb__options opts = {.mode = MB_MODE_LATENCY, .threads = 1};
    mb__measurement parts[K], merged;
    FILE *f = tmpfile();
    CHECK(f != NULL);
    if (!f)
        return;
    int fd = fileno(f);
    uint64_t limited_n = 0;
    for (int p = 0; p < K; p++) {
        mb__measurement m;
        CHECK_INT(mb__measure(&runner, &opts, latency_body, 7 + (uint64_t)p, &m), ==, 0);
        CHECK(m.hist != NULL && m.latency.resolution_limited);
        if (p == K - 1) /* as if timed alone, without the cost subtracted */
            m.latency.resolution_limited = 0;
        else
            limited_n += m.latency.n;
        CHECK(ftruncate(fd, 0) == 0 && lseek(fd, 0, SEEK_SET) == 0);
        CHECK_INT(mb__measurement_write(fd, &m, 0), ==, 0);
        int status = -1;
        CHECK(lseek(fd, 0, SEEK_SET) == 0);
        CHECK_INT(mb__measurement_read(fd, &parts[p], &status), ==, 0);
        CHECK(same_measurement(&m, &parts[p]));
        mb__measurement_free(&m);
    }
    fclose(f);
    parts[0].latency_short = 0; /* the first part's scalars are the merged one's */
    size_t ends[K];
    CHECK_INT(mb__measurement_merge(parts, K, 0.95, ends, &merged), ==, 0);
    CHECK_INT(merged.latency.n, ==, limited_n);
    CHECK_INT(merged.latency.resolution_limited, ==, 1);
    CHECK_INT(merged.latency_short, ==, 1);
    CHECK_NEAR(merged.latency.timer_cost_ns, FAKE_READ_NS, 0, 0);
    CHECK(merged.hist == NULL);
    const double z[MB_PERCENTILES] = {0, 1.2815515655446004, 1.6448536269514722, 2.3263478740408408,
                                      3.090232306167813};
    for (int k = 0; k < MB_PERCENTILES - 1; k++) {
        const mb_percentile *q = &merged.latency.percentiles[k];
        double truth = 500 * exp(LAT_SIGMA * z[k]);
        /* Every part's own interval of p99 needs about 300 of its invocations; together they
         * have enough for one whatever the parts' sizes. */
        CHECK(q->low <= truth + 0.5 && truth - 0.5 <= q->high);
    }
    mb__measurement_free(&merged);
    for (int p = 0; p < K; p++)
        mb__measurement_free(&parts[p]);
    lat_median = LAT_MEDIAN_NS;
}

/* A result in parts: its mean and slope, like its median, from the parts' own (the mean of the
 * parts' means and of their slopes, with the Student t interval on k - 1 degrees of freedom),
 * so that their intervals hold the offsets between processes. Five parts of the fake body at
 * 100 ns times a process's offset, with 2 % noise within each part. */
static void test_mean_slope_from_parts(void)
{
    enum { K = 5 };
    static const double offset[K] = {1.00, 1.03, 0.97, 1.06, 0.99};
    const double t4 = 2.7764451051977987; /* Student t, 0.975, 4 df */
    mb_settings s;
    init_settings(&s);
    s.measurement_time_s = 0.02;
    s.warm_up_time_s = 0.005;
    mb__runner runner = fake_runner(&s);
    mb__options opts = {.threads = 1};
    mb__measurement parts[K], merged;
    reset(100, 0.02, 0);
    for (int p = 0; p < K; p++) {
        iter_ns = 100 * offset[p];
        CHECK_INT(mb__measure(&runner, &opts, fake_body, 11 + (uint64_t)p, &parts[p]), ==, 0);
        CHECK_INT(parts[p].plan, ==, MB_PLAN_LINEAR);
    }
    size_t ends[K];
    CHECK_INT(mb__measurement_merge(parts, K, 0.95, ends, &merged), ==, 0);
    static const mb_bench bench = {.name = "fake"};
    mb__result_inputs in = {&bench, &s, 0, 0, NULL, ends, K};
    mb_result r = {0};
    void *block = NULL;
    CHECK_INT(mb__result_make(&merged, &in, &r, &block), ==, 0);
    /* The parts' means and slopes, computed here. */
    double mean[K], slope[K];
    for (size_t p = 0, start = 0; p < K; start = ends[p++]) {
        double sum = 0, sx = 0, sy = 0, sxx = 0, sxy = 0, n = (double)(ends[p] - start);
        for (size_t i = start; i < ends[p]; i++) {
            double x = (double)merged.iters[i], y = merged.ns[i];
            sum += y / x;
            sx += x, sy += y, sxx += x * x, sxy += x * y;
        }
        mean[p] = sum / n;
        slope[p] = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    }
    const double *v[2] = {mean, slope};
    const mb_estimate *e[2] = {&r.mean, &r.slope};
    for (int k = 0; k < 2; k++) {
        double m = 0, ss = 0;
        for (int p = 0; p < K; p++)
            m += v[k][p] / K;
        for (int p = 0; p < K; p++)
            ss += (v[k][p] - m) * (v[k][p] - m);
        double half = t4 * sqrt(ss / (K - 1) / K);
        CHECK_NEAR(e[k]->point, m, 1e-12, 0);
        CHECK_NEAR(e[k]->low, m - half, 1e-9, 0);
        CHECK_NEAR(e[k]->high, m + half, 1e-9, 0);
        /* Wide enough for the parts' offsets (sd 3.5 %), which no part's samples see. */
        CHECK(e[k]->high - e[k]->low > 4.0);
    }
    free(block);
    mb__measurement_free(&merged);
    for (int p = 0; p < K; p++)
        mb__measurement_free(&parts[p]);
    iter_ns = 100;
}

/* Fixtures: setup once before the warm-up, teardown once after, data reaches every call; a
 * setup that skips leaves the body uncalled and still tears down. */
static int setups, teardowns, body_calls, fixture_seen;

static void *fixture_setup(mb_state *state)
{
    setups++;
    if (mb_param_int(state, "skip_me") == 1)
        mb_skip(state, "fixture says no");
    return &setups;
}

static void fixture_teardown(mb_state *state, void *data)
{
    (void)state;
    teardowns += data == &setups;
}

static void fixture_body(mb_state *state)
{
    body_calls++;
    fixture_seen += mb_fixture(state) == &setups;
    MB_LOOP(state) {
        fake_ns += 100;
    }
}

static void test_fixture(void)
{
    mb_settings s;
    init_settings(&s);
    s.measurement_time_s = 0.01;
    reset(0, 0, 0);
    mb__runner runner = fake_runner(&s);
    mb__options opts = {.threads = 1};
    opts.setup = fixture_setup;
    opts.teardown = fixture_teardown;
    mb_param_value skip = {"skip_me", MB_PARAM_INT, 0, 0, NULL, NULL};
    opts.values = &skip;
    opts.n_values = 1;
    mb__measurement m;
    CHECK_INT(mb__measure(&runner, &opts, fixture_body, 1, &m), ==, 0);
    CHECK(m.failure == NULL && m.n >= 10 && m.report.outcome == 0);
    CHECK_INT(setups, ==, 1);
    CHECK_INT(teardowns, ==, 1);
    CHECK(body_calls > 10 && fixture_seen == body_calls);
    mb__measurement_free(&m);

    skip.i = 1;
    body_calls = 0;
    CHECK_INT(mb__measure(&runner, &opts, fixture_body, 1, &m), ==, 0);
    CHECK_INT(m.report.outcome, ==, MB_STATUS_SKIPPED);
    CHECK_STR(m.report.message, "fixture says no");
    CHECK_INT(body_calls, ==, 0);
    CHECK_INT(setups, ==, 2);
    CHECK_INT(teardowns, ==, 2);
    mb__measurement_free(&m);
}

int main(void)
{
    test_mean_slope_from_parts();
    test_timer_probe();
    test_plan();
    test_warm_up();
    test_noise_free_stops_at_min_samples();
    test_noisy_stops_when_precise();
    test_budget_stop();
    test_long_body();
    test_fixed_samples();
    test_diagnostics();
    test_loop_probe();
    test_profile_and_smoke();
    test_group();
    test_latency_mode();
    test_cold_mode();
    test_pause_manual_counters();
    test_measurement_wire();
    test_latency_parts();
    test_fixture();
    return CHECK_DONE();
}
