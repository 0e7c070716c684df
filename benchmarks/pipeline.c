/*
 * The whole pipeline simulated with a known truth (docs/statistics.md, "Simulation: the whole
 * pipeline"): fake benchmark bodies whose cost comes from a data model advance the fake clock
 * of tests/fake_clock.h, and real runs of a context measure them (mb_run: warm-up, plan,
 * stopping rule, parts and their redoing, merge, analysis, saving, baselines, groups and the
 * verdicts), as a program with the default settings would, in this process.
 *
 * The data model. A body's call of x iterations costs x * COST_NS * exp(o + e) ns: o the log
 * offset of its part (a process's luck, b ~ N(0, sigma_b^2), plus the run's offset and any
 * change), e an AR(1) series over the body's calls in run order (coefficient phi, marginal sd
 * sigma_w), drawn again from its stationary law at each part's start. On top, by kind:
 * bimodal (a call runs in a slow mode, SLOW_FACTOR, with probability SLOW_SHARE), drift (log
 * cost rising by DRIFT_PER_S per second of fake time since the run's start) or stalls
 * (Poisson events in the call's time, STALL_RATE_PER_S, STALL_NS each). A new part is seen
 * through the run's progress callback, which the run calls as each part of a benchmark (or
 * group) starts. Every set draws from a seeded mb__rng, and each run's seed comes from it, so
 * the figures are reproducible bit for bit.
 *
 * Usage: pipeline [--sets N] [--seed S]   the report (default 2000 sets a cell)
 *        pipeline --check                 the fixed-seed claims of the meson test
 *                                         `pipeline` (1000 sets); exit 1 if one fails
 */
#define _POSIX_C_SOURCE 200809L

#include "fake_clock.h"

#include "ctx.h"
#include "hooks.h"
#include "names.h"
#include "set.h"
#include "sim.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define COST_NS 100.0
#define SUITE 6
#define K_PARTS 5
#define SLOW_SHARE 0.3
#define SLOW_FACTOR 1.08
#define DRIFT_PER_S 0.3
#define STALL_RATE_PER_S 250.0
#define STALL_NS 20000.0
/* --exec: the machine offset's correlation from one process to the next, and its sd. */
#define MACHINE_PHI 0.99
#define MACHINE_SD 0.03

typedef enum kind { LOGNORMAL, BIMODAL, DRIFT, STALLS } kind;

typedef struct model {
    kind kind;
    double sigma_w, phi, sigma_b;
    double sigma_r; /* verdicts: each run's own offset */
    double rho;     /* groups: correlation of the members' offsets in a part */
} model;

/* One benchmark body's state: its part's offset, its change, its AR(1) state. */
typedef struct body {
    double offset, delta, e;
} body;

/* The world the bodies see: they have no user pointer, so it is global, as fake_ns is. */
static struct world {
    const model *m;
    mb__rng g;
    double run_offset; /* the run's (or --exec's process's machine) log offset */
    double t0;         /* fake time at the run's start (drift) */
    double part_start; /* fake time at the open part's start, or < 0 */
    double mid_sum;    /* drift: the parts' mid-times since t0, summed */
    size_t parts;
    body bodies[2 * SUITE]; /* sim_0..5, then the group's g_0..5 */
} W;

static double poisson(mb__rng *g, double mean)
{
    if (mean > 50)
        return fmax(0, round(mean + sqrt(mean) * normal(g)));
    double limit = exp(-mean), p = mb__rng_unit(g);
    double k = 0;
    for (; p > limit; k++)
        p *= mb__rng_unit(g);
    return k;
}

/* What one call of x iterations costs body b, in ns. */
static double call_ns(body *b, uint64_t x)
{
    const model *m = W.m;
    b->e = m->phi * b->e + m->sigma_w * sqrt(1 - m->phi * m->phi) * normal(&W.g);
    double log_f = b->offset + b->e;
    if (m->kind == BIMODAL && mb__rng_unit(&W.g) < SLOW_SHARE)
        log_f += log(SLOW_FACTOR);
    if (m->kind == DRIFT)
        log_f += DRIFT_PER_S * (fake_ns - W.t0) / 1e9;
    double ns = (double)x * COST_NS * exp(log_f);
    if (m->kind == STALLS)
        ns += STALL_NS * poisson(&W.g, STALL_RATE_PER_S * ns / 1e9);
    return ns;
}

/* A body: its loop's x iterations cost what the model says, with the loop's two clock reads
 * around them as MB_LOOP makes them, without iterating. */
static void run_body(size_t j, mb_state *state)
{
    uint64_t x = mb__loop_start(state);
    fake_ns += call_ns(&W.bodies[j], x);
    mb__loop_end(state);
}

#define SIM_BENCH(j)                                                                               \
    BENCH(sim_##j)                                                                                 \
    {                                                                                              \
        run_body(j, state);                                                                        \
    }                                                                                              \
    BENCH_GROUP(simgrp, g_##j)                                                                     \
    {                                                                                              \
        run_body(SUITE + j, state);                                                                \
    }
SIM_BENCH(0)
SIM_BENCH(1)
SIM_BENCH(2)
SIM_BENCH(3)
SIM_BENCH(4)
SIM_BENCH(5)

/* The open part, if any, ends now: its mid-time counts for drift's truth. */
static void close_part(void)
{
    if (W.part_start < 0)
        return;
    W.mid_sum += (W.part_start + fake_ns) / 2 - W.t0;
    W.parts++;
    W.part_start = -1;
}

static void start_part(body *b, double own)
{
    b->offset = W.run_offset + own + b->delta;
    b->e = W.m->sigma_w * normal(&W.g);
}

/* The run calls this as each part of a benchmark or group starts (and between them): a new
 * process for it, with its offsets drawn. */
static void on_progress(void *user, const mb_progress *p)
{
    (void)user;
    close_part();
    if (!p->name || !p->phase)
        return;
    W.part_start = fake_ns;
    const model *m = W.m;
    if (strcmp(p->name, "simgrp") == 0) {
        double common = m->sigma_b * sqrt(m->rho) * normal(&W.g);
        for (size_t j = 0; j < SUITE; j++)
            start_part(&W.bodies[SUITE + j], common + m->sigma_b * sqrt(1 - m->rho) * normal(&W.g));
    } else {
        start_part(&W.bodies[p->name[4] - '0'], m->sigma_b * normal(&W.g));
    }
}

/* ---- Runs ---------------------------------------------------------------------------------- */

/* A JSON file written whole by each run, as --format json --output FILE does. */
typedef struct json_file {
    const char *path;
    FILE *f;
    mb_emitter inner;
} json_file;

static int json_begin(void *user, const mb_run_info *info)
{
    json_file *j = user;
    j->f = fopen(j->path, "w");
    if (!j->f || mb_emitter_new(&j->inner, "json", j->f) != 0)
        return MB_EIO;
    return j->inner.begin ? j->inner.begin(j->inner.user, info) : 0;
}

static int json_result(void *user, const mb_run_info *info, const mb_result *r)
{
    json_file *j = user;
    return j->inner.result ? j->inner.result(j->inner.user, info, r) : 0;
}

static int json_end(void *user, const mb_run_info *info)
{
    json_file *j = user;
    int err = j->inner.end ? j->inner.end(j->inner.user, info) : 0;
    if (j->inner.destroy)
        j->inner.destroy(j->inner.user);
    return fclose(j->f) != 0 && !err ? MB_EIO : err;
}

static void die(const char *what, int err)
{
    fprintf(stderr, "pipeline: %s: %s\n", what, mb_strerror(err));
    exit(1);
}

/* What a context of the simulation is asked to do. */
typedef struct ctx_spec {
    const char *filter;
    unsigned forks, rounds;  /* rounds 5: five parts in this process; forks 0: one part */
    int fast;                /* verdicts only: 100 resamples (the bootstrap plays no part) */
    const char *save, *base; /* --save-baseline, --baseline (in dir) */
    const char *dir;
    json_file *json;
} ctx_spec;

static mb_ctx *new_ctx(const ctx_spec *c)
{
    mb_settings s;
    mb_settings_init(&s);
    s.filter = c->filter;
    s.forks = c->forks;
    s.rounds = c->rounds;
    s.resamples = c->fast ? 100 : s.resamples;
    s.save_baseline = c->save;
    s.baseline = c->base;
    s.baseline_dir = c->dir;
    s.progress = on_progress;
    mb_ctx *ctx = NULL;
    int err = mb_ctx_new(&ctx, &s);
    if (err)
        die("mb_ctx_new", err);
    mb__ctx_set_clock(ctx, &fake_clock);
    mb__ctx_set_environment(ctx, &mb__env_unknown);
    if (c->json) {
        mb_emitter e = {c->json, json_begin, json_result, json_end, NULL};
        if ((err = mb_ctx_add_emitter(ctx, &e)) != 0)
            die("mb_ctx_add_emitter", err);
    }
    return ctx;
}

/* One run of ctx with the run's log offset; each run shuffles with its own seed. */
static void run(mb_ctx *ctx, double run_offset)
{
    W.run_offset = run_offset;
    W.t0 = fake_ns;
    W.part_start = -1;
    W.mid_sum = 0;
    W.parts = 0;
    ctx->settings.seed = mb__rng_next(&W.g);
    int err = mb_run(ctx);
    close_part();
    if (err)
        die("mb_run", err);
}

static void set_deltas(size_t first, size_t n, double delta)
{
    for (size_t j = 0; j < 2 * SUITE; j++)
        W.bodies[j].delta = j >= first && j < first + n ? log1p(delta) : 0;
}

/* Each cell of the report draws from its own stream: --check reproduces the report's first
 * sets of its cells. Returns the stream's seed. */
static uint64_t seed_cell(uint64_t seed, unsigned section, const model *m, double delta)
{
    double key[7] = {m->kind, m->sigma_w, m->phi, m->sigma_b, m->sigma_r, m->rho, delta};
    uint64_t h = seed ^ ((uint64_t)section << 56);
    for (int i = 0; i < 7; i++) {
        uint64_t bits;
        memcpy(&bits, &key[i], sizeof bits);
        h = (h ^ bits) * 0x100000001b3ULL + (uint64_t)i;
    }
    mb__rng_seed(&W.g, h);
    W.m = m;
    set_deltas(0, 0, 0);
    return h;
}

/* ---- 1. Coverage ------------------------------------------------------------------------- */

static double normal_cdf(double z)
{
    return 0.5 * erfc(-z / sqrt(2));
}

/* The share of a call's per-iteration times at most t ns, for the kinds whose median is not
 * COST_NS: bimodal (a mixture of two lognormals), stalls (the sample sizes k * d of the plan
 * the runner makes for COST_NS, k uniform in 1..n as the shuffled plan draws them, each with
 * a Poisson number of stalls). */
static double cdf(const model *m, double t)
{
    double s = m->sigma_w;
    if (m->kind == BIMODAL)
        return (1 - SLOW_SHARE) * normal_cdf(log(t / COST_NS) / s) +
               SLOW_SHARE * normal_cdf(log(t / (COST_NS * SLOW_FACTOR)) / s);
    mb_settings defaults;
    mb_settings_init(&defaults);
    mb__plan plan;
    mb__make_plan(&defaults, 1000 * FAKE_READ_NS, COST_NS, COST_NS, &plan);
    double sum = 0;
    for (uint32_t k = 1; k <= plan.n; k++) {
        double x = k * (double)plan.step, mean = STALL_RATE_PER_S * x * COST_NS / 1e9;
        double p = exp(-mean);
        for (int n = 0; n < 40; n++, p *= mean / n) {
            double rest = t - n * STALL_NS / x;
            if (rest > 0)
                sum += p * normal_cdf(log(rest / COST_NS) / s);
        }
    }
    return sum / plan.n;
}

/* The median the runner estimates: of the per-iteration times of a call, as the plan draws
 * them (docs/statistics.md says why). */
static double true_median(const model *m)
{
    if (m->kind != BIMODAL && m->kind != STALLS)
        return COST_NS;
    double low = 0.5 * COST_NS, high = 2 * COST_NS;
    for (int i = 0; i < 100; i++) {
        double mid = (low + high) / 2;
        if (cdf(m, mid) < 0.5)
            low = mid;
        else
            high = mid;
    }
    return (low + high) / 2;
}

/* The mean cost per iteration over calls and processes, which the mean and the slope
 * estimate. */
static double true_mean(const model *m)
{
    double mean = COST_NS * exp((m->sigma_w * m->sigma_w + m->sigma_b * m->sigma_b) / 2);
    if (m->kind == BIMODAL)
        mean *= 1 - SLOW_SHARE + SLOW_SHARE * SLOW_FACTOR;
    if (m->kind == STALLS)
        mean *= 1 + STALL_RATE_PER_S * STALL_NS / 1e9;
    return mean;
}

typedef struct coverage {
    rate median, mean, slope, serial, one_part, one_serial;
    double samples; /* per part, summed */
} coverage;

static int covers(const mb_estimate *e, double truth)
{
    return e->low <= truth && truth <= e->high;
}

/* Drift's factor on the truth: the cost at the mean of the run's parts' mid-times. */
static double drift_factor(const model *m)
{
    return m->kind == DRIFT && W.parts ? exp(DRIFT_PER_S * W.mid_sum / (double)W.parts / 1e9) : 1;
}

static coverage coverage_cell(const model *m, size_t sets, uint64_t seed, int one_part)
{
    uint64_t h = seed_cell(seed, 1, m, 0);
    mb_ctx *parts = new_ctx(&(ctx_spec){.filter = "^sim_0$", .forks = K_PARTS, .rounds = K_PARTS});
    /* One part's median interval does not use the bootstrap: 100 resamples save time. */
    mb_ctx *one = new_ctx(&(ctx_spec){.filter = "^sim_0$", .forks = 0, .rounds = 1, .fast = 1});
    double median = true_median(m), mean = true_mean(m);
    coverage c = {{0, sets}, {0, sets}, {0, 0}, {0, sets}, {0, 0}, {0, 0}, 0};
    for (size_t i = 0; i < sets; i++) {
        /* Each set its own stream, so that a check without the one-part runs repeats the
         * report's first sets. */
        mb__rng_seed(&W.g, h + 0x9e3779b97f4a7c15u * (i + 1));
        run(parts, 0);
        const mb_result *r = mb_ctx_result(parts, 0);
        double f = drift_factor(m);
        c.median.hits += covers(&r->median, median * f);
        c.mean.hits += covers(&r->mean, mean * f);
        if (r->plan == MB_PLAN_LINEAR) {
            c.slope.trials++;
            c.slope.hits += covers(&r->slope, mean * f);
        }
        c.serial.hits += (r->warnings & MB_WARN_SERIAL) != 0;
        c.samples += (double)r->n_samples / (double)r->n_parts;
        if (!one_part)
            continue;
        run(one, 0);
        r = mb_ctx_result(one, 0);
        c.one_part.trials++;
        c.one_part.hits += covers(&r->median, median * drift_factor(m));
        c.one_serial.trials++;
        c.one_serial.hits += (r->warnings & MB_WARN_SERIAL) != 0;
    }
    mb_ctx_free(parts);
    mb_ctx_free(one);
    return c;
}

/* ---- 2. Verdicts --------------------------------------------------------------------------- */

typedef struct verdicts {
    rate flagged;   /* regressed or improved */
    rate regressed; /* regressed alone */
    rate suites;    /* suites (comparisons, groups) with one benchmark flagged or more */
    double pairs;   /* --exec: pairs a comparison ran, summed */
} verdicts;

static void count(verdicts *v, mb_verdict verdict)
{
    v->flagged.trials++;
    v->regressed.trials++;
    v->flagged.hits += verdict == MB_VERDICT_REGRESSED || verdict == MB_VERDICT_IMPROVED;
    v->regressed.hits += verdict == MB_VERDICT_REGRESSED;
}

static void suite_done(verdicts *v, size_t flagged_before)
{
    v->suites.trials++;
    v->suites.hits += v->flagged.hits > flagged_before;
}

/* Runs old and new of a suite: old saved as a baseline and to old.json, new compared with
 * the baseline (--baseline) and written to new.json; then the two files compared as
 * microbe-compare compares them. */
typedef struct comparing {
    mb_ctx *old_ctx, *new_ctx;
    json_file old_json, new_json;
    char dir[64], old_path[96], new_path[96];
} comparing;

static void comparing_open(comparing *c)
{
    snprintf(c->dir, sizeof c->dir, "/tmp/mb-pipeline-XXXXXX");
    if (!mkdtemp(c->dir))
        die("mkdtemp", MB_EIO);
    snprintf(c->old_path, sizeof c->old_path, "%s/old.json", c->dir);
    snprintf(c->new_path, sizeof c->new_path, "%s/new.json", c->dir);
    c->old_json = (json_file){.path = c->old_path};
    c->new_json = (json_file){.path = c->new_path};
    ctx_spec spec = {"^sim_", K_PARTS, K_PARTS, 1, "old", NULL, c->dir, &c->old_json};
    c->old_ctx = new_ctx(&spec);
    spec = (ctx_spec){"^sim_", K_PARTS, K_PARTS, 1, NULL, "old", c->dir, &c->new_json};
    c->new_ctx = new_ctx(&spec);
}

static void comparing_close(comparing *c)
{
    mb_ctx_free(c->old_ctx);
    mb_ctx_free(c->new_ctx);
    char path[128];
    for (int j = 0; j < SUITE; j++) {
        snprintf(path, sizeof path, "%s/old/sim_%d.json", c->dir, j);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/old", c->dir);
    rmdir(path);
    snprintf(path, sizeof path, "%s/.old.lock", c->dir); /* the saves' lock */
    unlink(path);
    unlink(c->old_path);
    unlink(c->new_path);
    rmdir(c->dir);
}

static void compare_suite(comparing *c, double delta, verdicts *base, verdicts *file)
{
    const model *m = W.m;
    set_deltas(0, 0, 0);
    run(c->old_ctx, m->sigma_r * normal(&W.g));
    set_deltas(0, SUITE, delta);
    run(c->new_ctx, m->sigma_r * normal(&W.g));
    size_t before = base->flagged.hits;
    for (size_t j = 0; j < SUITE; j++)
        count(base, mb_ctx_result(c->new_ctx, j)->change.verdict);
    suite_done(base, before);

    mb_results *old = NULL, *new = NULL;
    char message[600];
    int err = mb_results_read(c->old_path, &old, message, sizeof message);
    if (!err)
        err = mb_results_read(c->new_path, &new, message, sizeof message);
    mb_settings s;
    mb_settings_init(&s);
    if (!err)
        err = mb_results_compare(new, old, &s);
    if (err) {
        fprintf(stderr, "pipeline: %s\n", message);
        die("comparing the files", err);
    }
    before = file->flagged.hits;
    for (size_t j = 0; j < SUITE; j++)
        count(file, mb_results_get(new, j)->change.verdict);
    suite_done(file, before);
    mb_results_free(old);
    mb_results_free(new);
}

/* A run against its baseline and the same two runs' files, sets suites of SUITE. */
static void against_baseline(const model *m, double delta, size_t sets, uint64_t seed,
                             verdicts *base, verdicts *file)
{
    seed_cell(seed, 2, m, delta);
    comparing c;
    comparing_open(&c);
    *base = *file = (verdicts){0};
    for (size_t i = 0; i < sets; i++)
        compare_suite(&c, delta, base, file);
    comparing_close(&c);
}

/* A group of a base and SUITE - 1 members delta slower, measured together in K_PARTS parts;
 * the members' verdicts are the run's (paired part by part, Holm over the members). */
static verdicts group_members(const model *m, double delta, size_t sets, uint64_t seed)
{
    seed_cell(seed, 3, m, delta);
    mb_ctx *ctx =
        new_ctx(&(ctx_spec){.filter = "^g_", .forks = K_PARTS, .rounds = K_PARTS, .fast = 1});
    verdicts v = {0};
    set_deltas(SUITE + 1, SUITE - 1, delta);
    for (size_t i = 0; i < sets; i++) {
        run(ctx, 0);
        size_t before = v.flagged.hits;
        for (size_t j = 1; j < SUITE; j++)
            count(&v, mb_ctx_result(ctx, j)->paired.verdict);
        suite_done(&v, before);
    }
    mb_ctx_free(ctx);
    return v;
}

/* One microbe-compare --exec comparison: processes of the whole suite with --forks 0, old and
 * new in ABBA pairs, each process with the machine's slowly varying offset (AR(1) over
 * processes) and its own b per benchmark; mb_results_pair after each pair from the second on;
 * stops when settled from SIM_MIN_PAIRS pairs on, or at SIM_MAX_PAIRS (no wall-time budget). */
static void exec_comparison(mb_ctx *ctx, mb_results *set, double delta, double *medians,
                            verdicts *v)
{
    const double *old_of[SUITE], *new_of[SUITE];
    for (size_t j = 0; j < SUITE; j++) {
        old_of[j] = medians + 2 * j * SIM_MAX_PAIRS;
        new_of[j] = medians + (2 * j + 1) * SIM_MAX_PAIRS;
    }
    mb_settings s;
    mb_settings_init(&s);
    const double a = MACHINE_PHI, innov = MACHINE_SD * sqrt(1 - a * a);
    double machine = MACHINE_SD * normal(&W.g);
    size_t pairs = 0;
    for (;;) {
        for (int i = 0; i < 2; i++) {
            int side = (pairs % 2 == 1) != (i == 1); /* ABBA: old first in even pairs */
            machine = a * machine + innov * normal(&W.g);
            set_deltas(0, side ? SUITE : 0, delta);
            run(ctx, machine);
            for (size_t j = 0; j < SUITE; j++)
                medians[(2 * j + (size_t)side) * SIM_MAX_PAIRS + pairs] =
                    mb_ctx_result(ctx, j)->median.point;
        }
        if (++pairs < 2)
            continue;
        int err = mb_results_pair(set, old_of, new_of, pairs, &s);
        if (err)
            die("mb_results_pair", err);
        if ((pairs >= SIM_MIN_PAIRS && sim_settled(set, SUITE)) || pairs >= SIM_MAX_PAIRS)
            break;
    }
    size_t before = v->flagged.hits;
    for (size_t j = 0; j < SUITE; j++)
        count(v, mb_results_get(set, j)->change.verdict);
    suite_done(v, before);
    v->pairs += (double)pairs;
}

static verdicts exec_pairs(const model *m, double delta, size_t sets, uint64_t seed)
{
    static const char *const names[SUITE] = {"sim_0", "sim_1", "sim_2", "sim_3", "sim_4", "sim_5"};
    seed_cell(seed, 4, m, delta);
    mb_ctx *ctx = new_ctx(&(ctx_spec){.filter = "^sim_", .forks = 0, .rounds = 1, .fast = 1});
    mb_results *set = mb__results_new();
    double *medians = malloc(2 * SUITE * SIM_MAX_PAIRS * sizeof *medians);
    for (size_t j = 0; set && medians && j < SUITE; j++) {
        mb_result r = {.name = mb__results_keep_string(set, names[j])};
        if (!r.name || mb__results_add(set, &r) != 0)
            medians = (free(medians), NULL);
    }
    if (!set || !medians)
        die("exec", MB_ENOMEM);
    verdicts v = {0};
    for (size_t i = 0; i < sets; i++)
        exec_comparison(ctx, set, delta, medians, &v);
    v.pairs /= (double)sets;
    free(medians);
    mb_results_free(set);
    mb_ctx_free(ctx);
    return v;
}

/* ---- The report ------------------------------------------------------------------------------ */

static const char *kind_name(const model *m, char *buf, size_t size)
{
    static const char *const names[] = {"lognormal", "bimodal", "drift", "stalls"};
    if (m->kind == LOGNORMAL && m->phi > 0)
        snprintf(buf, size, "AR(1) phi %.1f, sigma_w %.0f %%", m->phi, 100 * m->sigma_w);
    else
        snprintf(buf, size, "%s, sigma_w %.0f %%", names[m->kind], 100 * m->sigma_w);
    return buf;
}

static void report_coverage(size_t sets, uint64_t seed)
{
    static const model rows[] = {
        {LOGNORMAL, 0.01, 0, 0, 0, 0},   {LOGNORMAL, 0.02, 0, 0, 0, 0},
        {LOGNORMAL, 0.03, 0, 0, 0, 0},   {LOGNORMAL, 0.05, 0, 0, 0, 0},
        {LOGNORMAL, 0.02, 0.3, 0, 0, 0}, {LOGNORMAL, 0.02, 0.5, 0, 0, 0},
        {LOGNORMAL, 0.02, 0.7, 0, 0, 0}, {BIMODAL, 0.01, 0, 0, 0, 0},
        {DRIFT, 0.02, 0, 0, 0, 0},       {STALLS, 0.02, 0, 0, 0, 0},
    };
    char b[8][48];
    printf("### 5. Coverage through the whole pipeline (nominal 95 %%)\n\n"
           "%zu runs a cell, the default settings (5 parts, precision 1 %%, budgets 5 + 20 ms a "
           "part, 10 000 resamples); one part: --forks 0 (100 resamples).\n\n"
           "| data | sigma_b | median | mean | slope | serial | samples a part | one part: median "
           "| one part: serial |\n|---|---|---|---|---|---|---|---|---|\n",
           sets);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        for (int sb = 0; sb < 2; sb++) {
            model m = rows[i];
            m.sigma_b = 0.01 * sb;
            coverage c = coverage_cell(&m, sets, seed, 1);
            printf("| %s | %.0f %% | %s | %s | %s | %s | %.1f | %s | %s |\n",
                   kind_name(&m, b[0], sizeof b[0]), 100 * m.sigma_b,
                   pct(c.median, b[1], sizeof b[1]), pct(c.mean, b[2], sizeof b[2]),
                   pct(c.slope, b[3], sizeof b[3]), pct(c.serial, b[4], sizeof b[4]),
                   c.samples / (double)sets, pct(c.one_part, b[5], sizeof b[5]),
                   pct(c.one_serial, b[6], sizeof b[6]));
            fflush(stdout);
        }
    printf("\n");
}

static void report_baseline(size_t sets, uint64_t seed)
{
    char b[8][32];
    printf("### 6. A run against its baseline, and the two runs' files\n\n"
           "%d benchmarks a suite, AR(1) phi 0.5, sigma_w 2 %%, 5 parts a run, %zu pairs of "
           "runs a cell; each run has its own offset (sigma_r). Baseline: --save-baseline, "
           "then --baseline; files: both runs' JSON read back and compared as microbe-compare "
           "does.\n\n"
           "| sigma_b | sigma_r | A/A flagged: baseline | files | A/A suites flagged | +3 %% "
           "regressed: baseline | files | +10 %% regressed: baseline | files |\n"
           "|---|---|---|---|---|---|---|---|---|\n",
           SUITE, sets);
    for (int sb = 1; sb <= 3; sb += 2)
        for (int sr = 0; sr < 2; sr++) {
            model m = {LOGNORMAL, 0.02, 0.5, 0.01 * sb, 0.01 * sr, 0};
            verdicts v[3][2];
            static const double deltas[] = {0, 0.03, 0.10};
            for (int d = 0; d < 3; d++)
                against_baseline(&m, deltas[d], sets, seed, &v[d][0], &v[d][1]);
            printf("| %d %% | %d %% | %s | %s | %s | %s | %s | %s | %s |\n", sb, sr,
                   pct(v[0][0].flagged, b[0], 32), pct(v[0][1].flagged, b[1], 32),
                   pct(v[0][0].suites, b[2], 32), pct(v[1][0].regressed, b[3], 32),
                   pct(v[1][1].regressed, b[4], 32), pct(v[2][0].regressed, b[5], 32),
                   pct(v[2][1].regressed, b[6], 32));
            fflush(stdout);
        }
    printf("\n");
}

static void report_groups(size_t sets, uint64_t seed)
{
    char b[4][32];
    printf("### 7. A group's members, measured together in 5 parts\n\n"
           "A base and %d members, AR(1) phi 0.5, sigma_w 2 %%, rho 0.5; %zu groups a cell.\n\n"
           "| sigma_b | A/A flagged | A/A groups flagged | +3 %% regressed | +10 %% regressed "
           "|\n|---|---|---|---|---|\n",
           SUITE - 1, sets);
    for (int sb = 1; sb <= 3; sb += 2) {
        model m = {LOGNORMAL, 0.02, 0.5, 0.01 * sb, 0, 0.5};
        verdicts v0 = group_members(&m, 0, sets, seed);
        printf("| %d %% | %s | %s | %s | %s |\n", sb, pct(v0.flagged, b[0], 32),
               pct(v0.suites, b[1], 32),
               pct(group_members(&m, 0.03, sets, seed).regressed, b[2], 32),
               pct(group_members(&m, 0.10, sets, seed).regressed, b[3], 32));
        fflush(stdout);
    }
    printf("\n");
}

static void report_exec(size_t sets, uint64_t seed)
{
    char b[3][32];
    printf("### 8. microbe-compare --exec: processes of --forks 0 in ABBA pairs\n\n"
           "%d benchmarks, AR(1) phi 0.5, sigma_w 2 %%, machine offset AR(1) over processes "
           "(0.99, sd 3 %%), stop when settled from %d pairs on or at %d; %zu comparisons a "
           "cell; pairs: the mean number a comparison ran.\n\n"
           "| sigma_b | A/A flagged | A/A comparisons flagged | pairs | +3 %% regressed | pairs "
           "|\n|---|---|---|---|---|---|\n",
           SUITE, SIM_MIN_PAIRS, SIM_MAX_PAIRS, sets);
    for (int sb = 0; sb <= 1; sb++) {
        model m = {LOGNORMAL, 0.02, 0.5, 0.01 * sb, 0, 0};
        verdicts v0 = exec_pairs(&m, 0, sets, seed), v3 = exec_pairs(&m, 0.03, sets, seed);
        printf("| %d %% | %s | %s | %.1f | %s | %.1f |\n", sb, pct(v0.flagged, b[0], 32),
               pct(v0.suites, b[1], 32), v0.pairs, pct(v3.regressed, b[2], 32), v3.pairs);
        fflush(stdout);
    }
    printf("\n");
}

/* ---- The claims of the meson test ------------------------------------------------------------ */

static int check(uint64_t seed)
{
    enum { SETS = 1000 };
    int failed = 0;
    static const double phis[] = {0, 0.3, 0.5, 0.7};
    char what[96];
    for (int i = 0; i < 4; i++) {
        model m = {LOGNORMAL, 0.02, phis[i], 0.01, 0, 0};
        coverage c = coverage_cell(&m, SETS, seed, 0);
        snprintf(what, sizeof what, "median, 5 parts, sigma_b 1 %%, phi %.1f: coverage", phis[i]);
        failed += claim(what, c.median, 0.93, 0.97);
        snprintf(what, sizeof what, "mean, 5 parts, sigma_b 1 %%, phi %.1f: coverage", phis[i]);
        failed += claim(what, c.mean, 0.93, 0.97);
        snprintf(what, sizeof what, "slope, 5 parts, sigma_b 1 %%, phi %.1f: coverage", phis[i]);
        failed += claim(what, c.slope, 0.93, 0.97);
    }
    model iid = {LOGNORMAL, 0.02, 0, 0, 0, 0};
    coverage c = coverage_cell(&iid, SETS, seed, 0);
    failed += claim("median, 5 parts, i.i.d., sigma_b 0: coverage", c.median, 0.93, 0.97);
    failed += claim("mean, 5 parts, i.i.d., sigma_b 0: coverage", c.mean, 0.93, 0.97);
    failed += claim("slope, 5 parts, i.i.d., sigma_b 0: coverage", c.slope, 0.93, 0.97);
    failed += claim("serial warning, 5 parts, i.i.d.: rate", c.serial, 0, 0.02);

    verdicts base, file;
    model run_noise = {LOGNORMAL, 0.02, 0.5, 0.01, 0.01, 0};
    against_baseline(&run_noise, 0, SETS / 4, seed, &base, &file);
    failed += claim("baseline, sigma_b 1 %, sigma_r 1 %: A/A flagged", base.flagged, 0, 0.02);
    failed += claim("files, sigma_b 1 %, sigma_r 1 %: A/A flagged", file.flagged, 0, 0.02);
    model parts1 = {LOGNORMAL, 0.02, 0.5, 0.01, 0, 0};
    against_baseline(&parts1, 0.10, SETS / 4, seed, &base, &file);
    failed += claim("baseline, sigma_b 1 %: +10 % regressed", base.regressed, 0.95, 1);
    failed += claim("files, sigma_b 1 %: +10 % regressed", file.regressed, 0.95, 1);
    model group = {LOGNORMAL, 0.02, 0.5, 0.03, 0, 0.5};
    failed += claim("group, sigma_b 3 %, rho 0.5: A/A flagged",
                    group_members(&group, 0, SETS / 4, seed).flagged, 0, 0.02);
    failed += claim(
        "group, sigma_b 1 %, rho 0.5: +10 % regressed",
        group_members(&(model){LOGNORMAL, 0.02, 0.5, 0.01, 0, 0.5}, 0.10, SETS / 4, seed).regressed,
        0.95, 1);
    failed += claim("exec, sigma_b 1 %: A/A flagged",
                    exec_pairs(&parts1, 0, SETS / 8, seed).flagged, 0, 0.02);
    failed += claim("exec, sigma_b 1 %: +3 % regressed",
                    exec_pairs(&parts1, 0.03, SETS / 8, seed).regressed, 0.93, 1);
    return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
    size_t sets = 2000;
    uint64_t seed = 20261203;
    int checking = 0;
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--check") == 0)
            checking = 1;
        else if (strcmp(argv[i], "--sets") == 0 && i + 1 < argc)
            sets = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
            only = argv[++i];
        else {
            fprintf(stderr, "usage: pipeline [--sets N] [--seed S] [--only SECTION] | --check\n");
            return 2;
        }
    }
    fake_ns = 1e9;
    if (checking)
        return check(seed);
    if (sets == 0)
        sets = 1;
    printf("## Whole-pipeline simulation (seed %llu, %zu sets a cell)\n\n",
           (unsigned long long)seed, sets);
    if (!only || strcmp(only, "coverage") == 0)
        report_coverage(sets, seed);
    if (!only || strcmp(only, "baseline") == 0)
        report_baseline(sets / 4, seed);
    if (!only || strcmp(only, "groups") == 0)
        report_groups(sets / 4, seed);
    if (!only || strcmp(only, "exec") == 0)
        report_exec(sets / 8, seed);
    return 0;
}
