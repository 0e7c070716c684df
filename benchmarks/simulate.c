/*
 * A seeded simulation of microbe's whole statistical pipeline with a known truth: the
 * library's own functions (mb__result_make for the median's interval from parts or one
 * part, mb__median_precision with mb__one_part_stop_level for the one-part stopping rule,
 * mb__compare_results against a baseline, mb_results_pair for microbe-compare --exec,
 * mb__change_parts_paired with mb__group_verdicts for a group's members) on synthetic
 * per-iteration times, with a Markdown report of interval coverage, false alarms and
 * detection (docs/statistics.md, "Simulation: intervals and verdicts with between-process
 * noise").
 *
 * The data model. A part (one process's short measurement of a benchmark) has a log offset
 * b ~ N(0, sigma_b^2) of its own: the between-process noise (code and data placement, page
 * mapping, frequency) that no sample within the part can see. Within the part, n = 20
 * samples of per-iteration time truth * exp(b + e_i), with e an AR(1) series (coefficient
 * phi) of marginal standard deviation sigma_w. Two runs minutes apart (a run and its saved
 * baseline) each carry a whole-run offset r ~ N(0, sigma_r^2), shared by the run's parts and
 * benchmarks (drift that parts within one run cannot see). The processes of
 * microbe-compare --exec share a machine offset that varies slowly from process to process
 * (AR(1) over process slots, coefficient 0.99, marginal sd 3 %), plus each process's own b.
 * The members of a group are measured in the same parts: their offsets in a part are
 * correlated (rho). Every set draws fresh data from a seeded mb__rng, so the figures are
 * reproducible bit for bit.
 *
 * Usage: simulate [--sets N] [--seed S]   the report (default 4000 sets a cell)
 *        simulate --groups [--sets N]     only the groups' figures (table 4)
 *        simulate --baseline [--sets N]   only a run against its baseline (table 2)
 *        simulate --one-part [--sets N]   only the one-part figures (table 1's one-part
 *                                         column, table 1b)
 *        simulate --check                 the fixed-seed claims of the meson test
 *                                         `simulation` (1000 sets); exit 1 if one fails
 */
#include "compare.h"
#include "microbe_internal.h"
#include "result.h"
#include "runner.h"
#include "set.h"
#include "sim.h"
#include "stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRUTH_NS 100.0
#define N_PER_PART 20
/* A group's part: its members measured round by round, max_samples (100) rounds when the
 * members' iterations fit the part's budget (lib/measure/groups.c). */
#define N_GROUP_PART 100
/* Benchmarks in a suite: one Holm family. */
#define SUITE 6
/* The most parts simulated. */
#define MAX_K 10
/* One part under the stopping rule: min_samples and max_samples. */
#define N_MIN 10
#define MAX_N 100
/* --exec: the machine offset's correlation from one process to the next, and its sd. */
#define MACHINE_PHI 0.99
#define MACHINE_SD 0.03
#define MIN_PAIRS SIM_MIN_PAIRS
#define MAX_PAIRS SIM_MAX_PAIRS

typedef struct model {
    double sigma_b;    /* between processes (parts), log scale */
    double phi;        /* AR(1) coefficient of the samples within a part */
    double sigma_w;    /* the samples' marginal sd within a part */
    double sigma_r;    /* whole-run offset of a run against its baseline */
    double rho;        /* group members: correlation of their offsets in a part */
    double run_offset; /* --run-offset of the comparisons against a baseline; 0: the default */
} model;

/* Each cell of the report draws from its own stream, so a cell's figures do not depend on
 * which other cells ran: --check reproduces the report's first 1000 sets of its cells. */
static void seed_cell(mb__rng *g, uint64_t seed, unsigned section, const model *m, double delta)
{
    double key[6] = {m->sigma_b, m->phi, m->sigma_w, m->sigma_r, m->rho, delta};
    uint64_t h = seed ^ ((uint64_t)section << 56);
    for (int i = 0; i < 6; i++) {
        uint64_t bits;
        memcpy(&bits, &key[i], sizeof bits);
        h = (h ^ bits) * 0x100000001b3ULL + (uint64_t)i;
    }
    mb__rng_seed(g, h);
}

/* One part's n per-iteration times with log offset `offset`: truth * exp(offset + e_i). */
static void part_times(mb__rng *g, const model *m, double offset, size_t n, double *t)
{
    double e = m->sigma_w * normal(g), innov = m->sigma_w * sqrt(1 - m->phi * m->phi);
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            e = m->phi * e + innov * normal(g);
        t[i] = TRUTH_NS * exp(offset + e);
    }
}

/* The median of one part of n samples (at most MAX_N) with log offset `offset`. */
static double part_median_of(mb__rng *g, const model *m, double offset, size_t n)
{
    double t[MAX_N], scratch[MAX_N];
    part_times(g, m, offset, n, t);
    return mb__median(t, n, scratch);
}

/* The median of one part with log offset `offset` (as between_parts takes it). */
static double part_median(mb__rng *g, const model *m, double offset)
{
    return part_median_of(g, m, offset, N_PER_PART);
}

/* ---- 1. Coverage of the median's interval ------------------------------------------------ */

/* The result mb__result_make makes of n samples of 1000 iterations with per-iteration times
 * t, in k parts of n / k samples (k = 1: one part). */
static mb_result result_of(const double *t, size_t n, size_t k, void **block)
{
    uint64_t iters[MAX_N];
    double ns[MAX_N];
    size_t ends[MAX_K];
    for (size_t i = 0; i < n; i++) {
        iters[i] = 1000;
        ns[i] = t[i] * 1000;
    }
    for (size_t p = 0; p < k; p++)
        ends[p] = (p + 1) * (n / k);
    mb__measurement meas = {0};
    meas.plan = MB_PLAN_FLAT;
    meas.iters_step = 1000;
    meas.n = n;
    meas.iters = iters;
    meas.ns = ns;
    mb_settings s;
    mb_settings_init(&s);
    s.resamples = 100; /* the bootstrap plays no part in the median's interval */
    mb_bench bench = {.name = "sim"};
    mb__result_inputs in = {&bench, &s, 1, 0, NULL, ends, k};
    mb_result r;
    if (mb__result_make(&meas, &in, &r, block) != 0) {
        fprintf(stderr, "simulate: out of memory\n");
        exit(1);
    }
    return r;
}

/* Whether the median's interval of one result from k parts of N_PER_PART samples covers the
 * truth: from the spread between parts (k >= 2), or the one part's samples (k = 1). */
static int parts_covers(mb__rng *g, const model *m, size_t k)
{
    double t[MAX_K * N_PER_PART];
    for (size_t p = 0; p < k; p++)
        part_times(g, m, m->sigma_b * normal(g), N_PER_PART, t + p * N_PER_PART);
    void *block = NULL;
    mb_result r = result_of(t, k * N_PER_PART, k, &block);
    int covers = r.median.low <= TRUTH_NS && TRUTH_NS <= r.median.high;
    free(block);
    return covers;
}

/* Coverage over `sets` data sets of k parts (k == 1: one part). */
static rate coverage(const model *m, size_t k, size_t sets, uint64_t seed)
{
    mb__rng g;
    seed_cell(&g, seed, (unsigned)(100 + k), m, 0);
    rate r = {0, sets};
    for (size_t i = 0; i < sets; i++)
        r.hits += parts_covers(&g, m, k);
    return r;
}

/* ---- 1b. One part: dependence, the serial warning and the stopping rule ---------------- */

/* What one part shows: its interval's coverage and the serial warning at n = 10 and 20, and
 * under the stopping rule (the runner's, with the defaults: precision 1 %, from
 * min_samples 10 to max_samples 100) with the rule of before and the one of now. */
typedef struct one_part {
    rate fixed[2], serial[2], stopped, stopped_before;
    double n_stop, n_stop_before; /* summed */
} one_part;

/* The first n from N_MIN on whose precision (as the runner computes it) is within 1 %, else
 * MAX_N. */
static size_t stop_at(const uint64_t *iters, const double *ns, int before, double *scratch)
{
    for (size_t n = N_MIN; n < MAX_N; n++) {
        double conf = before ? 0.95 : mb__one_part_stop_level(0.95);
        double p = mb__median_precision(iters, ns, n, conf, scratch);
        if (p <= 0.01)
            return n;
    }
    return MAX_N;
}

static void one_part_set(mb__rng *g, const model *m, one_part *o)
{
    double t[MAX_N], ns[MAX_N], scratch[MAX_N], low, high, level;
    uint64_t iters[MAX_N];
    part_times(g, m, 0, MAX_N, t);
    for (size_t i = 0; i < MAX_N; i++) {
        iters[i] = 1000;
        ns[i] = t[i] * 1000;
    }
    void *block = NULL;
    mb_result r;
    for (int f = 0; f < 2; f++) {
        r = result_of(t, f ? N_PER_PART : N_MIN, 1, &block);
        o->fixed[f].hits += r.median.low <= TRUTH_NS && TRUTH_NS <= r.median.high;
        o->serial[f].hits += (r.warnings & MB_WARN_SERIAL) != 0;
        free(block);
    }
    size_t stop = stop_at(iters, ns, 0, scratch);
    r = result_of(t, stop, 1, &block);
    o->stopped.hits += r.median.low <= TRUTH_NS && TRUTH_NS <= r.median.high;
    o->n_stop += (double)stop;
    free(block);
    /* Before: stopped on the interval at 95 %, which was reported as it was. */
    stop = stop_at(iters, ns, 1, scratch);
    memcpy(scratch, t, stop * sizeof *t);
    mb__sort(scratch, stop);
    mb__median_hs_interval(scratch, stop, 0.95, &low, &high, &level);
    o->stopped_before.hits += low <= TRUTH_NS && TRUTH_NS <= high;
    o->n_stop_before += (double)stop;
}

/* One part over `sets` sets of model m. */
static one_part one_part_cell(const model *m, size_t sets, uint64_t seed)
{
    mb__rng g;
    seed_cell(&g, seed, 200, m, 0);
    one_part o = {{{0, sets}, {0, sets}}, {{0, sets}, {0, sets}}, {0, sets}, {0, sets}, 0, 0};
    for (size_t i = 0; i < sets; i++)
        one_part_set(&g, m, &o);
    return o;
}

/* ---- 2. A run against its baseline, both in parts ------------------------------------------ */

typedef struct verdicts {
    rate flagged;   /* regressed or improved */
    rate regressed; /* regressed alone */
    double units;   /* --exec: mean pairs a comparison used; else 0 */
    rate at_max;    /* --exec: comparisons that ran MAX_PAIRS pairs */
    rate suites;    /* suites (or comparisons, or groups) with one benchmark flagged or more */
} verdicts;

/* A suite's verdicts are all counted: did it flag any, given the count before it? */
static void suite_done(verdicts *v, size_t flagged_before)
{
    v->suites.trials++;
    v->suites.hits += v->flagged.hits > flagged_before;
}

static void count(verdicts *v, mb_verdict verdict)
{
    v->flagged.trials++;
    v->regressed.trials++;
    v->flagged.hits += verdict == MB_VERDICT_REGRESSED || verdict == MB_VERDICT_IMPROVED;
    v->regressed.hits += verdict == MB_VERDICT_REGRESSED;
}

/* A suite of SUITE benchmarks, k = 5 parts a side, the new one delta slower (a fraction),
 * compared by mb__compare_results (Welch's t on the parts' log medians, Holm, verdicts). */
static void baseline_suite(mb__rng *g, const model *m, double delta, verdicts *v)
{
    enum { K = 5 };
    double medians[2][SUITE][K], dummy = 1;
    mb_result olds[SUITE], news[SUITE];
    const mb_result *old_of[SUITE];
    double run[2] = {m->sigma_r * normal(g), m->sigma_r * normal(g) + log1p(delta)};
    for (int side = 0; side < 2; side++)
        for (size_t j = 0; j < SUITE; j++) {
            for (size_t p = 0; p < K; p++)
                medians[side][j][p] = part_median(g, m, run[side] + m->sigma_b * normal(g));
            mb_result *r = side ? &news[j] : &olds[j];
            *r = (mb_result){.name = "sim", .n_samples = K * N_PER_PART, .sample_ns = &dummy};
            r->n_parts = K;
            r->part_medians = medians[side][j];
            old_of[j] = &olds[j];
        }
    mb_settings s;
    mb_settings_init(&s);
    if (m->run_offset > 0)
        s.run_offset = m->run_offset;
    if (mb__compare_results(news, SUITE, old_of, &s) != 0) {
        fprintf(stderr, "simulate: out of memory\n");
        exit(1);
    }
    size_t before = v->flagged.hits;
    for (size_t j = 0; j < SUITE; j++)
        count(v, news[j].change.verdict);
    suite_done(v, before);
}

static verdicts against_baseline(const model *m, double delta, size_t sets, uint64_t seed)
{
    mb__rng g;
    seed_cell(&g, seed, 2, m, delta);
    verdicts v = {0};
    for (size_t i = 0; i < sets; i++)
        baseline_suite(&g, m, delta, &v);
    return v;
}

/* ---- 3. microbe-compare --exec --------------------------------------------------------------- */

/* The pairs of one comparison: per benchmark, its old and new medians pair by pair. */
typedef struct exec_state {
    mb__rng *g;
    const model *m;
    double machine; /* the slowly varying machine offset, one step per process */
    double log_new; /* log(1 + delta) */
    double rounds[2][SUITE][MAX_PAIRS];
} exec_state;

/* One process of one side (0 old, 1 new): every benchmark's median into pair `pair`. */
static void exec_process(exec_state *x, int side, size_t pair)
{
    const double a = MACHINE_PHI, innov = MACHINE_SD * sqrt(1 - a * a);
    x->machine = a * x->machine + innov * normal(x->g);
    for (size_t j = 0; j < SUITE; j++) {
        double offset = x->machine + x->m->sigma_b * normal(x->g) + (side ? x->log_new : 0);
        x->rounds[side][j][pair] = part_median(x->g, x->m, offset);
    }
}

/* One comparison as microbe-compare --exec runs it: pairs in ABBA order (old first in even
 * pairs), mb_results_pair after each from the second on, stop when settled from MIN_PAIRS
 * pairs on, or at MAX_PAIRS. The wall-time budget is not modelled. */
static void exec_comparison(exec_state *x, mb_results *set, verdicts *v)
{
    const double *old_of[SUITE], *new_of[SUITE];
    for (size_t j = 0; j < SUITE; j++) {
        old_of[j] = x->rounds[0][j];
        new_of[j] = x->rounds[1][j];
    }
    mb_settings s;
    mb_settings_init(&s);
    x->machine = MACHINE_SD * normal(x->g);
    size_t pairs = 0;
    for (;;) {
        int new_first = pairs % 2 == 1;
        exec_process(x, new_first, pairs);
        exec_process(x, !new_first, pairs);
        pairs++;
        if (pairs < 2)
            continue;
        if (mb_results_pair(set, old_of, new_of, pairs, &s) != 0) {
            fprintf(stderr, "simulate: out of memory\n");
            exit(1);
        }
        if ((pairs >= MIN_PAIRS && sim_settled(set, SUITE)) || pairs >= MAX_PAIRS)
            break;
    }
    size_t before = v->flagged.hits;
    for (size_t j = 0; j < SUITE; j++)
        count(v, mb_results_get(set, j)->change.verdict);
    suite_done(v, before);
    v->units += (double)pairs;
    v->at_max.trials++;
    v->at_max.hits += pairs >= MAX_PAIRS;
}

static verdicts exec_pairs(const model *m, double delta, size_t sets, uint64_t seed)
{
    static const char *const names[SUITE] = {"a", "b", "c", "d", "e", "f"};
    mb__rng g;
    seed_cell(&g, seed, 3, m, delta);
    exec_state *x = malloc(sizeof *x);
    mb_results *set = mb__results_new();
    for (size_t j = 0; x && set && j < SUITE; j++) {
        mb_result r = {.name = mb__results_keep_string(set, names[j])};
        if (!r.name || mb__results_add(set, &r) != 0)
            x = (free(x), NULL);
    }
    if (!x || !set) {
        fprintf(stderr, "simulate: out of memory\n");
        exit(1);
    }
    *x = (exec_state){.g = &g, .m = m, .log_new = log1p(delta)};
    verdicts v = {0};
    for (size_t i = 0; i < sets; i++)
        exec_comparison(x, set, &v);
    v.units /= (double)sets;
    mb_results_free(set);
    free(x);
    return v;
}

/* ---- 4. A group's members, paired part by part -------------------------------------------- */

/* One group of a base and SUITE - 1 members delta slower, measured as a run measures a
 * group: in 5 parts of N_GROUP_PART samples, and one part more at a time, up to 20, while a
 * member's comparison straddles the noise threshold (mb__paired_settled); the benchmarks' offsets
 * in a part share a common term (correlation rho). Each member's change by mb__change_parts_paired,
 * verdicts by mb__group_verdicts (Holm over the members); v->units counts the parts. */
static void group_suite(mb__rng *g, const model *m, double delta, verdicts *v)
{
    enum { K_MIN = 5, K_MAX = 20 };
    double medians[SUITE][K_MAX];
    mb_settings s;
    mb_settings_init(&s);
    size_t k = 0;
    for (int settled = 0; !settled && k < K_MAX; k++) {
        double common = m->sigma_b * sqrt(m->rho) * normal(g);
        for (size_t j = 0; j < SUITE; j++) {
            double own = m->sigma_b * sqrt(1 - m->rho) * normal(g);
            medians[j][k] =
                part_median_of(g, m, common + own + (j ? log1p(delta) : 0), N_GROUP_PART);
        }
        settled = k + 1 >= K_MIN;
        for (size_t j = 1; j < SUITE && settled; j++)
            settled = mb__paired_settled(medians[0], medians[j], k + 1, &s) == 1;
    }
    mb_result results[SUITE] = {{0}};
    int err = 0;
    for (size_t j = 1; j < SUITE && !err; j++)
        err = mb__change_parts_paired(medians[0], medians[j], k, &s, &results[j].paired);
    if (err || mb__group_verdicts(results, SUITE, &s) != 0) {
        fprintf(stderr, "simulate: out of memory\n");
        exit(1);
    }
    size_t before = v->flagged.hits;
    for (size_t j = 1; j < SUITE; j++)
        count(v, results[j].paired.verdict);
    suite_done(v, before);
    v->units += (double)k;
}

static verdicts group_members(const model *m, double delta, size_t sets, uint64_t seed)
{
    mb__rng g;
    seed_cell(&g, seed, 4, m, delta);
    verdicts v = {0};
    for (size_t i = 0; i < sets; i++)
        group_suite(&g, m, delta, &v);
    v.units /= (double)sets;
    return v;
}

/* ---- The report ------------------------------------------------------------------------------ */

static const double sigma_bs[] = {0, 0.01, 0.03, 0.05};
static const double phis[] = {0, 0.5, 0.7};

/* Section 1; with only_one_part, its one-part column alone. */
static void report_coverage(size_t sets, uint64_t seed, int only_one_part)
{
    static const size_t ks[] = {1, 3, 5, 10};
    char buf[4][32];
    printf("### 1. Coverage of the median's interval (nominal 95 %%)\n\n"
           "sigma_w = 2 %%, %d samples a part, %zu sets a cell; one part: "
           "mb__result_make, with one part or k parts.\n\n"
           "| sigma_b | phi | one part | k = 3 | k = 5 | k = 10 |\n|---|---|---|---|---|---|\n",
           N_PER_PART, sets);
    for (size_t b = 0; b < 4; b++)
        for (size_t f = 0; f < 3; f++) {
            model m = {sigma_bs[b], phis[f], 0.02, 0, 0, 0};
            for (size_t c = 0; c < 4; c++)
                if (c == 0 || !only_one_part)
                    pct(coverage(&m, ks[c], sets, seed), buf[c], sizeof buf[c]);
                else
                    snprintf(buf[c], sizeof buf[c], "-");
            printf("| %.0f %% | %.1f | %s | %s | %s | %s |\n", 100 * m.sigma_b, m.phi, buf[0],
                   buf[1], buf[2], buf[3]);
        }
    printf("\n");
}

static void report_one_part(size_t sets, uint64_t seed)
{
    static const double sigmas[] = {0.01, 0.02, 0.03, 0.05, 0.02, 0.02, 0.02};
    static const double phis1[] = {0, 0, 0, 0, 0.3, 0.5, 0.7};
    char b[6][32];
    printf("### 1b. One part: dependence, the serial warning and the stopping rule\n\n"
           "No between-process noise; %zu sets a cell; mb__result_make of the first 10 or 20 "
           "samples (coverage of the median's interval, nominal 95 %%, and the serial warning), "
           "and under the stopping rule with precision 1 %% from 10 to 100 samples: before "
           "(mb__median_precision at 95 %%, the interval at 95 %% reported as it was) and now "
           "(mb__median_precision at mb__one_part_stop_level, 99 %%, then mb__result_make at 95 "
           "%%).\n\n"
           "| sigma_w | phi | n = 10 | serial | n = 20 | serial | stopped, before | n | "
           "stopped, now | n |\n|---|---|---|---|---|---|---|---|---|---|\n",
           sets);
    for (size_t c = 0; c < 7; c++) {
        model m = {0, phis1[c], sigmas[c], 0, 0, 0};
        one_part o = one_part_cell(&m, sets, seed);
        printf("| %.0f %% | %.1f | %s | %s | %s | %s | %s | %.1f | %s | %.1f |\n", 100 * m.sigma_w,
               m.phi, pct(o.fixed[0], b[0], 32), pct(o.serial[0], b[1], 32),
               pct(o.fixed[1], b[2], 32), pct(o.serial[1], b[3], 32),
               pct(o.stopped_before, b[4], 32), o.n_stop_before / (double)sets,
               pct(o.stopped, b[5], 32), o.n_stop / (double)sets);
    }
    printf("\n");
}

static void report_baseline(size_t sets, uint64_t seed)
{
    /* sigma_r and --run-offset: none; 1 %; 1.5 % with the default 0.5 % and with 1.5 %. */
    static const double rs[][2] = {{0, 0}, {0.01, 0}, {0.015, 0}, {0.015, 0.015}};
    char aa[32], any[32], r3[32], r10[32];
    printf("### 2. A run against its baseline, k = 5 parts a side\n\n"
           "%d benchmarks a suite (one Holm family), phi = 0.5, sigma_w = 2 %%, %zu suites a "
           "cell. A/A: benchmarks flagged regressed or improved, and suites with one flagged "
           "or more; +3 %% and +10 %%: benchmarks called regressed.\n\n"
           "| sigma_b | sigma_r | --run-offset | A/A flagged | A/A suites flagged | +3 %% "
           "regressed | +10 %% regressed |\n|---|---|---|---|---|---|---|\n",
           SUITE, sets);
    for (size_t b = 1; b < 4; b++)
        for (size_t r = 0; r < sizeof rs / sizeof rs[0]; r++) {
            model m = {sigma_bs[b], 0.5, 0.02, rs[r][0], 0, rs[r][1]};
            verdicts v0 = against_baseline(&m, 0, sets, seed);
            pct(against_baseline(&m, 0.03, sets, seed).regressed, r3, sizeof r3);
            pct(against_baseline(&m, 0.10, sets, seed).regressed, r10, sizeof r10);
            printf("| %.0f %% | %.1f %% | %.1f %% | %s | %s | %s | %s |\n", 100 * m.sigma_b,
                   100 * m.sigma_r, rs[r][1] > 0 ? 100 * rs[r][1] : 0.5,
                   pct(v0.flagged, aa, sizeof aa), pct(v0.suites, any, sizeof any), r3, r10);
        }
    printf("\n");
}

static void report_exec(size_t sets, uint64_t seed)
{
    char aa[32], any[32], r3[32], max3[32];
    printf("### 3. microbe-compare --exec: one-part processes in ABBA pairs\n\n"
           "%d benchmarks, phi = 0.5, sigma_w = 2 %%, machine offset AR(1) over processes "
           "(0.99, sd 3 %%), stop when settled from %d pairs on or at %d; %zu comparisons a "
           "cell; pairs: the mean number of pairs a comparison ran.\n\n"
           "| sigma_b | A/A flagged | A/A comparisons flagged | pairs | +3 %% regressed | pairs "
           "| +3 %%: stopped at %d pairs |\n|---|---|---|---|---|---|---|\n",
           SUITE, MIN_PAIRS, MAX_PAIRS, sets, MAX_PAIRS);
    for (size_t b = 0; b < 4; b++) {
        model m = {sigma_bs[b], 0.5, 0.02, 0, 0, 0};
        verdicts v0 = exec_pairs(&m, 0, sets, seed), v3 = exec_pairs(&m, 0.03, sets, seed);
        printf("| %.0f %% | %s | %s | %.1f | %s | %.1f | %s |\n", 100 * m.sigma_b,
               pct(v0.flagged, aa, sizeof aa), pct(v0.suites, any, sizeof any), v0.units,
               pct(v3.regressed, r3, sizeof r3), v3.units, pct(v3.at_max, max3, sizeof max3));
    }
    printf("\n");
}

static void report_groups(size_t sets, uint64_t seed)
{
    static const double rhos[] = {0, 0.5, 0.9}, group_sigma_bs[] = {0.005, 0.01, 0.03, 0.05};
    char aa[32], any[32], r3[32], r10[32];
    printf("### 4. A group's members, paired part by part (5 to 20 parts)\n\n"
           "A base and %d members, phi = 0.5, sigma_w = 2 %%, %d samples a part, rho: "
           "correlation of the benchmarks' offsets in a part; 5 parts, then one more at a time "
           "while a member's "
           "interval straddles the threshold, up to 20; %zu groups a cell; parts: the mean "
           "number of parts a group used.\n\n"
           "| sigma_b | rho | A/A flagged | A/A groups flagged | A/A parts | +3 %% regressed | "
           "+3 %% parts | +10 %% regressed |\n|---|---|---|---|---|---|---|---|\n",
           SUITE - 1, N_GROUP_PART, sets);
    for (size_t b = 0; b < 4; b++)
        for (size_t c = 0; c < 3; c++) {
            model m = {group_sigma_bs[b], 0.5, 0.02, 0, rhos[c], 0};
            verdicts v0 = group_members(&m, 0, sets, seed);
            verdicts v3 = group_members(&m, 0.03, sets, seed);
            pct(v3.regressed, r3, sizeof r3);
            pct(group_members(&m, 0.10, sets, seed).regressed, r10, sizeof r10);
            printf("| %.1f %% | %.1f | %s | %s | %.1f | %s | %.1f | %s |\n", 100 * m.sigma_b, m.rho,
                   pct(v0.flagged, aa, sizeof aa), pct(v0.suites, any, sizeof any), v0.units, r3,
                   v3.units, r10);
        }
    printf("\n");
}

/* ---- The claims of the meson test ------------------------------------------------------------ */

static int check(uint64_t seed)
{
    enum { SETS = 1000 };
    int failed = 0;
    model parts3 = {0.03, 0.5, 0.02, 0, 0, 0}, parts1 = {0.01, 0.5, 0.02, 0, 0, 0};
    model group = {0.03, 0.5, 0.02, 0, 0.5, 0};
    failed += claim("parts interval, k = 5, sigma_b 3 %, phi 0.5: coverage",
                    coverage(&parts3, 5, SETS, seed), 0.93, 0.97);
    failed += claim("parts interval, k = 3, sigma_b 0, phi 0.7: coverage",
                    coverage(&(model){0, 0.7, 0.02, 0, 0, 0}, 3, SETS, seed), 0.93, 0.97);
    /* One part, no between-process noise: i.i.d. and AR(1) 0.7 samples. */
    one_part iid = one_part_cell(&(model){0, 0, 0.02, 0, 0, 0}, SETS, seed);
    one_part ar7 = one_part_cell(&(model){0, 0.7, 0.02, 0, 0, 0}, SETS, seed);
    failed += claim("one part, i.i.d., n = 10: coverage", iid.fixed[0], 0.93, 0.98);
    failed += claim("one part, i.i.d., stopping rule: coverage", iid.stopped, 0.93, 0.97);
    failed += claim("one part, i.i.d., n = 10: serial", iid.serial[0], 0, 0.06);
    failed += claim("one part, i.i.d., n = 20: serial", iid.serial[1], 0, 0.06);
    failed += claim("one part, phi 0.7, n = 20: coverage", ar7.fixed[1], 0.88, 0.97);
    failed += claim("one part, phi 0.7, n = 20: serial", ar7.serial[1], 0.75, 1);
    failed += claim("baseline, sigma_b 3 %: A/A flagged",
                    against_baseline(&parts3, 0, SETS / 4, seed).flagged, 0, 0.02);
    failed += claim("baseline, sigma_b 1 %: +10 % regressed",
                    against_baseline(&parts1, 0.10, SETS / 4, seed).regressed, 0.95, 1);
    failed += claim("exec, sigma_b 1 %: A/A flagged",
                    exec_pairs(&parts1, 0, SETS / 4, seed).flagged, 0, 0.02);
    failed += claim("exec, sigma_b 1 %: +3 % regressed",
                    exec_pairs(&parts1, 0.03, SETS / 4, seed).regressed, 0.93, 1);
    failed += claim("group, sigma_b 3 %, rho 0.5: A/A flagged",
                    group_members(&group, 0, SETS / 4, seed).flagged, 0, 0.02);
    model group1 = {0.01, 0.5, 0.02, 0, 0.5, 0};
    failed += claim("group, sigma_b 1 %, rho 0.5: +3 % regressed",
                    group_members(&group1, 0.03, SETS / 4, seed).regressed, 0.93, 1);
    return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
    size_t sets = 4000;
    uint64_t seed = 20261203;
    int checking = 0, only_one_part = 0, only_groups = 0, only_baseline = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--check") == 0)
            checking = 1;
        else if (strcmp(argv[i], "--groups") == 0)
            only_groups = 1;
        else if (strcmp(argv[i], "--baseline") == 0)
            only_baseline = 1;
        else if (strcmp(argv[i], "--one-part") == 0)
            only_one_part = 1;
        else if (strcmp(argv[i], "--sets") == 0 && i + 1 < argc)
            sets = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10);
        else {
            fprintf(stderr, "usage: simulate [--sets N] [--seed S] [--one-part | --groups | "
                            "--baseline] | --check\n");
            return 2;
        }
    }
    if (checking)
        return check(seed);
    if (sets == 0)
        sets = 1;
    printf("## Simulation (seed %llu, %zu sets a cell)\n\n", (unsigned long long)seed, sets);
    if (only_groups) {
        report_groups(sets, seed);
        return 0;
    }
    if (only_baseline) {
        report_baseline(sets, seed);
        return 0;
    }
    report_coverage(sets, seed, only_one_part);
    if (only_one_part) {
        report_one_part(sets, seed);
        return 0;
    }
    report_one_part(sets, seed);
    report_baseline(sets, seed);
    report_exec(sets, seed);
    report_groups(sets, seed);
    return 0;
}
