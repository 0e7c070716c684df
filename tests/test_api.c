/*
 * The public API end to end under a fake clock: registration, ordering, filters, duplicate
 * names, bodies that misuse MB_LOOP, settings validation, error strings, the analysis's
 * determinism (same seed and samples give byte-identical results) and the text report,
 * compared with a golden file.
 */
#include "check.h"
#include "fake_clock.h"
#include "result.h"
#include "hooks.h"
#include "env.h"
#include "pin.h"
#include "registry.h"

#include <stdlib.h>

/* The golden report must not depend on how this test was built (sanitizers, -O0): its
 * benchmarks say they were built plainly optimised. */
#undef MB_BUILD_FLAGS
#define MB_BUILD_FLAGS (MB_BUILD_KNOWN | MB_BUILD_OPTIMIZED)

static mb__rng noise_rng;

static double noisy(double base)
{
    return base * fake_lognormal(&noise_rng, 0.05);
}

BENCH(api_fast)
{
    double cost = noisy(10);
    MB_LOOP(state) {
        fake_ns += cost;
    }
}

BENCH(api_slow)
{
    double cost = noisy(25000);
    MB_LOOP(state) {
        fake_ns += cost;
    }
}

BENCH(api_misuse_never_loops)
{
    fake_ns += 1;
}

BENCH(api_misuse_loops_twice)
{
    MB_LOOP(state) {
        fake_ns += 1;
    }
    MB_LOOP(state) {
        fake_ns += 1;
    }
}

BENCH(api_misuse_breaks)
{
    MB_LOOP(state) {
        fake_ns += 1;
        break;
    }
}

/* A comparison group under the fake clock: a base, a member 60 % slower (settled at once) and
 * one exactly at the noise threshold (its interval straddles the threshold for good). */
static void group_body(mb_state *state, double ns)
{
    double cost = noisy(ns);
    MB_LOOP(state) {
        fake_ns += cost;
    }
}

BENCH_GROUP(parts_group, parts_group_base)
{
    group_body(state, 1000);
}

BENCH_GROUP(parts_group, parts_group_slow)
{
    group_body(state, 1600);
}

BENCH_GROUP(parts_group, parts_group_edge)
{
    group_body(state, 1020);
}

/* A parameterised group: one body, members cost:1000 (the baseline) and cost:1600, over two
 * sizes that add nothing; groups pgroup/size:1 and pgroup/size:2. */
BENCH_GROUP_P(pgroup, pgroup_cost, MB_INTS(cost, 1000, 1600), MB_INTS(size, 1, 2))
{
    group_body(state, (double)(mb_param_int(state, "cost") + mb_param_int(state, "size") - 1));
}

/* MB_FUNCTIONS: one body, an instance per function, each calling its own. */
static double cost_small(void)
{
    return 500;
}

static double cost_large(void)
{
    return 2000;
}

BENCH_P(fnbench, MB_FUNCTIONS(cost, cost_small, cost_large))
{
    double (*cost)(void) = (double (*)(void))mb_param_function(state, "cost");
    group_body(state, cost());
}

/* mb_param_function of a plain string parameter fails the benchmark. */
BENCH_P(fnbench_wrong, MB_STRINGS(cost, "cost_small"))
{
    if (mb_param_function(state, "cost") == NULL)
        return;
    group_body(state, 1);
}

/* MB_MEASUREMENT_TIME: the same body with 5 times the run's time, and with the run's. */
BENCH_P(time_own, MB_MEASUREMENT_TIME(0.1))
{
    group_body(state, 1000);
}

BENCH(time_run)
{
    group_body(state, 1000);
}

static void dup_body(mb_state *state)
{
    MB_LOOP(state) {
        fake_ns += 1;
    }
}

/* A context of the benchmarks matching filter under the fake clock, measured in `rounds`
 * parts in this process (0: the default). */
static mb_ctx *fake_ctx_rounds(const char *filter, unsigned rounds)
{
    mb_settings s;
    mb_settings_init(&s);
    s.filter = filter;
    if (rounds)
        s.rounds = rounds;
    s.resamples = 1000;
    mb_ctx *ctx = NULL;
    CHECK_INT(mb_ctx_new(&ctx, &s), ==, 0);
    if (ctx)
        mb__ctx_set_clock(ctx, &fake_clock);
    fake_ns = 1e9;
    mb__rng_seed(&noise_rng, 99);
    return ctx;
}

static mb_ctx *fake_ctx(const char *filter)
{
    return fake_ctx_rounds(filter, 0);
}

static void collect_name(void *user, const mb_bench *bench)
{
    char *buf = user;
    strcat(buf, bench->name);
    strcat(buf, ",");
}

static void test_registration_and_order(void)
{
    mb_ctx *ctx = fake_ctx("^api_");
    char names[512] = "";
    CHECK_INT(mb_ctx_list(ctx, collect_name, names), ==, 0);
    /* (file, line) order: the order of definition in this file. */
    CHECK_STR(names, "api_fast,api_slow,api_misuse_never_loops,api_misuse_loops_twice,"
                     "api_misuse_breaks,");
    mb_ctx_free(ctx);

    CHECK_INT(mb_register(NULL), ==, MB_EINVAL);
    mb_bench nameless = {NULL, dup_body, NULL, 0, 0, NULL, NULL, 0, NULL, NULL, 0, NULL, 0};
    CHECK_INT(mb_register(&nameless), ==, MB_EINVAL);
    /* Registering twice is a no-op. */
    CHECK_INT(mb_register(&MB_BENCH_DESC(api_fast)), ==, 0);
    ctx = fake_ctx("^api_fast$");
    names[0] = '\0';
    CHECK_INT(mb_ctx_list(ctx, collect_name, names), ==, 0);
    CHECK_STR(names, "api_fast,");
    mb_ctx_free(ctx);
}

static void test_duplicates(void)
{
    static mb_bench a = {"dup_name", dup_body, "x.c", 1, 0, NULL, NULL, 0, NULL, NULL, 0, NULL, 0};
    static mb_bench b = {"dup_name", dup_body, "y.c", 2, 0, NULL, NULL, 0, NULL, NULL, 0, NULL, 0};
    CHECK_INT(mb_register(&a), ==, 0);
    CHECK_INT(mb_register(&b), ==, 0);
    mb_ctx *ctx = fake_ctx("^dup_name$");
    CHECK_INT(mb_run(ctx), ==, MB_EDUP);
    mb_ctx_free(ctx);
}

static void test_misuse(void)
{
    mb_ctx *ctx = fake_ctx("^api_misuse");
    CHECK_INT(mb_run(ctx), ==, 0);
    CHECK_INT(mb_ctx_result_count(ctx), ==, 3);
    const char *expect[] = {"never entered", "more than once", "left MB_LOOP early"};
    for (size_t i = 0; i < 3 && i < mb_ctx_result_count(ctx); i++) {
        const mb_result *r = mb_ctx_result(ctx, i);
        CHECK_INT(r->status, ==, MB_STATUS_FAILED);
        CHECK(r->message && strstr(r->message, expect[i]));
    }
    CHECK(mb_ctx_result(ctx, 3) == NULL);
    mb_ctx_free(ctx);
}

static void test_settings_validation(void)
{
    mb_settings s;
    const char *why = NULL;
    mb_settings_init(&s);
    CHECK_INT(mb_settings_validate(&s, &why), ==, 0);
    CHECK(why == NULL);
    mb_settings t = s;
    t.measurement_time_s = 0;
    CHECK_INT(mb_settings_validate(&t, &why), ==, MB_EINVAL);
    CHECK(why && strstr(why, "measurement"));
    t = s;
    t.warm_up_time_s = NAN;
    CHECK_INT(mb_settings_validate(&t, &why), ==, MB_EINVAL);
    t = s;
    t.min_samples = 1;
    CHECK_INT(mb_settings_validate(&t, &why), ==, MB_EINVAL);
    t = s;
    t.max_samples = 5;
    CHECK_INT(mb_settings_validate(&t, &why), ==, MB_EINVAL);
    t = s;
    t.confidence = 1;
    CHECK_INT(mb_settings_validate(&t, &why), ==, MB_EINVAL);
    t = s;
    t.precision = -0.1;
    CHECK_INT(mb_settings_validate(&t, &why), ==, MB_EINVAL);
    t = s;
    t.resamples = 10;
    CHECK_INT(mb_settings_validate(&t, &why), ==, MB_EINVAL);
    mb_ctx *ctx = (mb_ctx *)&s;
    CHECK_INT(mb_ctx_new(&ctx, &t), ==, MB_EINVAL);
    CHECK(ctx == NULL);
    t = s;
    t.filter = "(";
    CHECK_INT(mb_ctx_new(&ctx, &t), ==, MB_EREGEX);
    mb_ctx_free(NULL);

    /* The quick profile shortens everything but never widens the precision target. */
    mb_settings q = s;
    mb_settings_quick(&q);
    CHECK(q.measurement_time_s < s.measurement_time_s);
    CHECK(q.max_samples <= s.max_samples);
    CHECK_NEAR(q.precision, s.precision, 0, 0);
    CHECK_INT(mb_settings_validate(&q, NULL), ==, 0);
}

static void test_strings(void)
{
    int codes[] = {MB_OK, MB_ENOMEM, MB_EINVAL, MB_EIO, MB_EREGEX, MB_EDUP, MB_EUSAGE};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        CHECK(strcmp(mb_strerror(codes[i]), "unknown error") != 0);
        for (size_t j = 0; j < i; j++)
            CHECK(strcmp(mb_strerror(codes[i]), mb_strerror(codes[j])) != 0);
    }
    CHECK_STR(mb_strerror(-1000), "unknown error");
    for (int i = 0; i < MB_WARN_COUNT; i++) {
        CHECK(mb_warning_name(1u << i) != NULL);
        CHECK(mb_warning_advice(1u << i) != NULL);
    }
    CHECK(mb_warning_name(1u << MB_WARN_COUNT) == NULL);
    CHECK(mb_warning_name(3) == NULL);
    CHECK_STR(mb_version(), MB_VERSION_STRING);
}

/* Compares every number of two results bit for bit (the sample arrays by content). */
static int same_numbers(const mb_result *a, const mb_result *b)
{
    mb_result x = *a, y = *b;
    if (x.n_samples != y.n_samples ||
        memcmp(x.sample_iters, y.sample_iters, x.n_samples * sizeof *x.sample_iters) != 0 ||
        memcmp(x.sample_ns, y.sample_ns, x.n_samples * sizeof *x.sample_ns) != 0 ||
        memcmp(x.sample_outlier, y.sample_outlier, x.n_samples) != 0)
        return 0;
    const mb_estimate *ea[] = {&x.median, &x.mean, &x.std_dev, &x.mad, &x.min, &x.slope};
    const mb_estimate *eb[] = {&y.median, &y.mean, &y.std_dev, &y.mad, &y.min, &y.slope};
    for (int i = 0; i < 6; i++)
        if (memcmp(ea[i], eb[i], sizeof *ea[i]) != 0)
            return 0;
    double da[] = {x.intercept_ns,
                   x.r_squared,
                   x.median_boot_low,
                   x.median_boot_high,
                   x.median_level,
                   x.q1,
                   x.q3,
                   x.iqr,
                   x.cv,
                   x.mdape,
                   x.rel_half_width,
                   x.outliers.variance_fraction,
                   x.outliers.high_mild_fence,
                   x.drift_tau,
                   x.drift_p,
                   x.drift,
                   x.lag1_autocorr};
    double db[] = {y.intercept_ns,
                   y.r_squared,
                   y.median_boot_low,
                   y.median_boot_high,
                   y.median_level,
                   y.q1,
                   y.q3,
                   y.iqr,
                   y.cv,
                   y.mdape,
                   y.rel_half_width,
                   y.outliers.variance_fraction,
                   y.outliers.high_mild_fence,
                   y.drift_tau,
                   y.drift_p,
                   y.drift,
                   y.lag1_autocorr};
    return memcmp(da, db, sizeof da) == 0 && x.warnings == y.warnings &&
           x.outliers.high_mild == y.outliers.high_mild;
}

static void test_determinism(void)
{
    /* Two runs under the same fake clock and seed: identical samples, identical analysis. */
    mb_ctx *one = fake_ctx("^api_(fast|slow)$");
    CHECK_INT(mb_run(one), ==, 0);
    mb_ctx *two = fake_ctx("^api_(fast|slow)$");
    CHECK_INT(mb_run(two), ==, 0);
    CHECK_INT(mb_ctx_result_count(one), ==, 2);
    CHECK_INT(mb_ctx_result_count(two), ==, 2);
    for (size_t i = 0; i < 2; i++) {
        const mb_result *a = mb_ctx_result(one, i), *b = mb_ctx_result(two, i);
        CHECK(a && b && same_numbers(a, b));
        CHECK(a && a->status == MB_STATUS_OK && a->n_samples >= 10);
    }

    /* Re-analysing the same samples with the same seed: byte-identical; another seed
     * changes the bootstrap intervals but not the point estimates. */
    const mb_result *r = mb_ctx_result(one, 0);
    mb__measurement m = {0};
    m.plan = r->plan;
    m.stop = r->stop;
    m.n = r->n_samples;
    m.iters = (uint64_t *)(uintptr_t)r->sample_iters;
    m.ns = (double *)(uintptr_t)r->sample_ns;
    mb_settings s;
    mb_settings_init(&s);
    mb_result x = {0}, y = {0}, z = {0};
    void *bx = NULL, *by = NULL, *bz = NULL;
    static const mb_bench bench = {.name = "api_fast"};
    mb__result_inputs in = {&bench, &s, 42, 0, NULL, NULL, 0};
    CHECK_INT(mb__result_make(&m, &in, &x, &bx), ==, 0);
    CHECK_INT(mb__result_make(&m, &in, &y, &by), ==, 0);
    in.seed = 43;
    CHECK_INT(mb__result_make(&m, &in, &z, &bz), ==, 0);
    CHECK(same_numbers(&x, &y));
    CHECK(!same_numbers(&x, &z));
    CHECK(memcmp(&x.median.point, &z.median.point, sizeof(double)) == 0);
    free(bx);
    free(by);
    free(bz);
    mb_ctx_free(one);
    mb_ctx_free(two);
}

/* A group in 3 parts (rounds in this process): a member whose comparison straddles the noise
 * threshold gets more parts, up to four times the run's; a group whose members are all
 * settled keeps the run's 3 (docs/measurement.md). */
static void test_group_parts(void)
{
    static const struct {
        const char *filter;
        size_t parts;
    } cases[] = {{"^parts_group_(base|edge)$", 12}, {"^parts_group_(base|slow)$", 3}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        mb_ctx *ctx = fake_ctx_rounds(cases[c].filter, 3);
        CHECK_INT(mb_run(ctx), ==, 0);
        CHECK_INT(mb_ctx_result_count(ctx), ==, 2);
        for (size_t i = 0; i < mb_ctx_result_count(ctx); i++) {
            const mb_result *r = mb_ctx_result(ctx, i);
            CHECK(r && r->status == MB_STATUS_OK);
            CHECK_INT(r ? r->n_parts : 0, ==, cases[c].parts);
        }
        const mb_result *member = mb_ctx_result(ctx, 1);
        CHECK(member && member->paired.verdict ==
                            (cases[c].parts == 3 ? MB_VERDICT_REGRESSED : MB_VERDICT_INCONCLUSIVE));
        mb_ctx_free(ctx);
    }
}

/* BENCH_GROUP_P: the instances sharing a size are one group named after it, whose members
 * get their own values: cost:1600 reads +60 % against cost:1000 in each. */
static void test_group_params(void)
{
    static const char *const names[] = {
        "pgroup_cost/cost:1000/size:1", "pgroup_cost/cost:1000/size:2",
        "pgroup_cost/cost:1600/size:1", "pgroup_cost/cost:1600/size:2"};
    mb_ctx *ctx = fake_ctx_rounds("^pgroup_cost/", 3);
    CHECK_INT(mb_run(ctx), ==, 0);
    CHECK_INT(mb_ctx_result_count(ctx), ==, 4);
    for (size_t i = 0; i < mb_ctx_result_count(ctx) && i < 4; i++) {
        const mb_result *r = mb_ctx_result(ctx, i);
        char group[32];
        snprintf(group, sizeof group, "pgroup/size:%c", names[i][strlen(names[i]) - 1]);
        CHECK_STR(r->name, names[i]);
        CHECK_STR(r->group ? r->group : "", group);
        CHECK_STR(r->group_baseline ? r->group_baseline : "", names[i % 2]);
        if (i >= 2) {
            CHECK(r->paired.verdict == MB_VERDICT_REGRESSED);
            CHECK_NEAR(r->paired.ratio, 1.6, 0.03, 0);
        }
    }
    mb_ctx_free(ctx);
}

/* MB_FUNCTIONS: instances named after the functions, each timing its own; the accessor on a
 * parameter without functions fails the benchmark with a message. */
static void test_functions(void)
{
    mb_ctx *ctx = fake_ctx("^fnbench");
    CHECK_INT(mb_run(ctx), ==, 0);
    CHECK_INT(mb_ctx_result_count(ctx), ==, 3);
    static const char *const names[] = {"fnbench/cost_small", "fnbench/cost_large",
                                        "fnbench_wrong/cost_small"};
    for (size_t i = 0; i < mb_ctx_result_count(ctx) && i < 3; i++) {
        const mb_result *r = mb_ctx_result(ctx, i);
        CHECK_STR(r->name, names[i]);
        if (i < 2) {
            CHECK(r->status == MB_STATUS_OK);
            CHECK_NEAR(r->median.point, i == 0 ? 500 : 2000, 0.05, 0);
        } else {
            CHECK(r->status == MB_STATUS_FAILED && r->message &&
                  strstr(r->message, "not MB_FUNCTIONS"));
        }
    }
    mb_ctx_free(ctx);
}

/* MB_MEASUREMENT_TIME: recorded in the result's plan rule, and the samples fill that budget
 * (the precision target set out of reach, so that neither stops early): 5 times the run's
 * 0.02 s per part gives about 5 times the iterations of the same body under the run's; under
 * --quick the shorter, the run's, applies to both. */
static void test_own_time(void)
{
    for (int quick = 0; quick <= 1; quick++) {
        mb_settings s;
        mb_settings_init(&s);
        if (quick)
            mb_settings_quick(&s);
        s.filter = "^time_";
        s.precision = 1e-6;
        mb_ctx *ctx = NULL;
        CHECK_INT(mb_ctx_new(&ctx, &s), ==, 0);
        if (!ctx)
            return;
        mb__ctx_set_clock(ctx, &fake_clock);
        fake_ns = 1e9;
        CHECK_INT(mb_run(ctx), ==, 0);
        const mb_result *own = mb_ctx_find(ctx, "time_own");
        const mb_result *run = mb_ctx_find(ctx, "time_run");
        CHECK(own && run);
        if (own && run) {
            double want = quick ? s.measurement_time_s : 0.1;
            CHECK_NEAR(own->plan_rule.measurement_time_s, want, 0, 0);
            CHECK_NEAR(run->plan_rule.measurement_time_s, s.measurement_time_s, 0, 0);
            double ratio = (double)own->total_iters / (double)run->total_iters;
            CHECK_NEAR(ratio, want / s.measurement_time_s, 0.2, 0);
        }
        mb_ctx_free(ctx);
    }
}

/* The text report of a fake-clock run, compared with tests/golden/text_report.txt. Set
 * MB_UPDATE_GOLDEN=1 to rewrite the golden file after an intended change. */
static void test_text_report(void)
{
    static const mb_cache caches[] = {{1, "Data", 32768, 2}, {2, "Unified", 1310720, 2}};
    static const mb_environment env = {
        "2026-11-26T04:59:43Z",
        "bench-host",
        "/opt/bench/api",
        "Linux 6.1.0-26-amd64 x86_64",
        "Example CPU @ 3.00GHz",
        2,
        2,
        caches,
        {1.75, 1.0, 0.5},
        2,
        "release",
        "gcc 12.2.0",
        "powersave",
        1,
        1,
        "",
        0,
        2,
    };
    mb_ctx *ctx = fake_ctx("^api_");
    mb__ctx_set_environment(ctx, &env);
    FILE *out = tmpfile();
    CHECK(out != NULL);
    if (!out)
        return;
    mb_emitter text;
    CHECK_INT(mb_emitter_text(&text, out), ==, 0);
    CHECK_INT(mb_ctx_add_emitter(ctx, &text), ==, 0);
    CHECK_INT(mb_run(ctx), ==, 0);
    mb_ctx_free(ctx);

    long size = ftell(out);
    rewind(out);
    char *got = calloc(1, (size_t)size + 1);
    CHECK(got && fread(got, 1, (size_t)size, out) == (size_t)size);
    fclose(out);
    CHECK(strstr(got, "api_fast") && strstr(got, "FAILED: the body never entered MB_LOOP"));

    const char *path = MB_TEST_SOURCE_DIR "/golden/text_report.txt";
    const char *update = getenv("MB_UPDATE_GOLDEN");
    if (update && strcmp(update, "1") == 0) {
        FILE *g = fopen(path, "w");
        CHECK(g && fwrite(got, 1, (size_t)size, g) == (size_t)size);
        if (g)
            fclose(g);
    }
    FILE *g = fopen(path, "r");
    CHECK(g != NULL);
    char *want = calloc(1, (size_t)size + 2);
    size_t want_len = g && want ? fread(want, 1, (size_t)size + 1, g) : 0;
    if (g)
        fclose(g);
    CHECK(want_len == (size_t)size && want && strcmp(got, want) == 0);
    if (want && strcmp(got, want) != 0)
        fprintf(stderr, "--- got:\n%s--- want:\n%s", got, want);
    free(got);
    free(want);
}

/* Hygiene problems are read off the environment; unknown facts never count. */
static void test_hygiene(void)
{
    mb_environment e = {"", "", "", "", "", 4,  0,  NULL, {1.0, 1, 1},
                        -1, "", "", "", -1, -1, "", -1,   NAN};
    CHECK_INT(mb_hygiene(&e), ==, 0);
    e.governor = "performance";
    e.boost = 0;
    e.virtualized = 0;
    e.load_avg[0] = 2.5; /* the threshold for 4 CPUs: 4 / 2 + 0.5 */
    CHECK_INT(mb_hygiene(&e), ==, 0);
    e.load_avg[0] = 2.51;
    CHECK_INT(mb_hygiene(&e), ==, MB_HYGIENE_LOAD);
    e.governor = "schedutil";
    e.boost = 1;
    e.virtualized = 1;
    CHECK_INT(mb_hygiene(&e), ==,
              MB_HYGIENE_LOAD | MB_HYGIENE_GOVERNOR | MB_HYGIENE_BOOST | MB_HYGIENE_VM);
    e.logical_cpus = -1;
    CHECK_INT(mb_hygiene(&e) & MB_HYGIENE_LOAD, ==, 0);
    for (int i = 0; i < MB_HYGIENE_COUNT; i++) {
        CHECK(mb_hygiene_name(1u << i) && mb_hygiene_advice(1u << i));
        CHECK(strlen(mb_hygiene_advice(1u << i)) > 40);
    }
    CHECK(mb_hygiene_name(0) == NULL && mb_hygiene_name(3) == NULL);
    CHECK_STR(mb_hygiene_name(MB_HYGIENE_VM), "vm");
}

/* Parameterised benchmarks: instances, names and values. (In a function the parameter macros'
 * compound literals are automatic, so the lists are too.) */
static void param_body(mb_state *state)
{
    MB_LOOP(state) {
        fake_ns += 1;
    }
}

static void test_params(void)
{
    const mb_param params[] = {MB_RANGE(n, 3, 100, 4), MB_STRINGS(kind, "hit", "miss")};
    mb_bench b = {"lookup", param_body, "p.c", 1, 0, NULL, NULL, 0, NULL, params, 2, NULL, 0};
    mb_bench **inst;
    size_t n;
    CHECK_INT(mb__param_instances(&b, &inst, &n), ==, 0);
    /* 3, 12, 48 then 100 itself; the last parameter varies fastest. */
    CHECK_INT(n, ==, 8);
    const char *want[] = {"lookup/n:3/kind:hit",   "lookup/n:3/kind:miss",  "lookup/n:12/kind:hit",
                          "lookup/n:12/kind:miss", "lookup/n:48/kind:hit",  "lookup/n:48/kind:miss",
                          "lookup/n:100/kind:hit", "lookup/n:100/kind:miss"};
    for (size_t i = 0; i < n && i < 8; i++) {
        CHECK_STR(inst[i]->name, want[i]);
        CHECK(inst[i]->values && inst[i]->n_values == 2 && inst[i]->fn == param_body);
    }
    if (n == 8) {
        CHECK_INT(inst[6]->values[0].i, ==, 100);
        CHECK_STR(inst[7]->values[1].s, "miss");
    }
    for (size_t i = 0; i < n; i++)
        free(inst[i]);
    free(inst);

    /* One parameter: "name/value"; doubles in their shortest form; a dense range. */
    const mb_param one[] = {MB_DOUBLES(load, 0.25, 1e-3)};
    mb_bench c = {"fill", param_body, "p.c", 2, 0, NULL, NULL, 0, NULL, one, 1, NULL, 0};
    CHECK_INT(mb__param_instances(&c, &inst, &n), ==, 0);
    CHECK_INT(n, ==, 2);
    if (n == 2) {
        CHECK_STR(inst[0]->name, "fill/0.25");
        CHECK_STR(inst[1]->name, "fill/0.001");
    }
    for (size_t i = 0; i < n; i++)
        free(inst[i]);
    free(inst);
    const mb_param dense[] = {MB_DENSE(t, 1, 4, 1)};
    mb_bench d = {"threads", param_body, "p.c", 3, 0, NULL, NULL, 0, NULL, dense, 1, NULL, 0};
    CHECK_INT(mb__param_instances(&d, &inst, &n), ==, 0);
    CHECK_INT(n, ==, 4);
    if (n == 4)
        CHECK_STR(inst[3]->name, "threads/4");
    for (size_t i = 0; i < n; i++)
        free(inst[i]);
    free(inst);
    /* Threads always say "threads:N"; options take no part in names or values. */
    const mb_param opts[] = {MB_INTS(n, 8, 64), MB_LATENCY, MB_THREADS(1, 4)};
    mb_bench o = {"queue", param_body, "p.c", 5, 0, NULL, NULL, 0, NULL, opts, 3, NULL, 0};
    CHECK_INT(mb__param_instances(&o, &inst, &n), ==, 0);
    CHECK_INT(n, ==, 4);
    if (n == 4) {
        CHECK_STR(inst[0]->name, "queue/8/threads:1");
        CHECK_STR(inst[3]->name, "queue/64/threads:4");
        CHECK_INT(inst[3]->n_values, ==, 2);
        CHECK_INT(inst[3]->values[1].kind, ==, MB_PARAM_THREADS);
        CHECK_INT(mb__bench_threads(inst[3]), ==, 4);
        CHECK(mb__bench_option(inst[3], MB_OPTION_MODE) == &opts[1]);
        CHECK(mb__bench_option(inst[3], MB_OPTION_FIXTURE) == NULL);
    }
    for (size_t i = 0; i < n; i++)
        free(inst[i]);
    free(inst);
    const mb_param only_threads[] = {MB_THREADS(2), MB_COLD};
    mb_bench t = {"push", param_body, "p.c", 6, 0, NULL, NULL, 0, NULL, only_threads, 2, NULL, 0};
    CHECK_INT(mb__param_instances(&t, &inst, &n), ==, 0);
    CHECK_INT(n, ==, 1);
    if (n == 1)
        CHECK_STR(inst[0]->name, "push/threads:2");
    for (size_t i = 0; i < n; i++)
        free(inst[i]);
    free(inst);
    const mb_param only_mode[] = {MB_LATENCY};
    mb_bench l = {"serve", param_body, "p.c", 7, 0, NULL, NULL, 0, NULL, only_mode, 1, NULL, 0};
    CHECK_INT(mb__param_instances(&l, &inst, &n), ==, 0);
    CHECK_INT(n, ==, 1);
    if (n == 1)
        CHECK(strcmp(inst[0]->name, "serve") == 0 && inst[0]->n_values == 0);
    for (size_t i = 0; i < n; i++)
        free(inst[i]);
    free(inst);

    /* A range that yields nothing gives no instance. */
    const mb_param empty[] = {MB_RANGE(n, 10, 1, 2)};
    mb_bench e = {"none", param_body, "p.c", 4, 0, NULL, NULL, 0, NULL, empty, 1, NULL, 0};
    CHECK_INT(mb__param_instances(&e, &inst, &n), ==, 0);
    CHECK_INT(n, ==, 0);
    free(inst);
}

static void test_environment(void)
{
    static mb__env env; /* large: keep it off the stack */
    mb__env_capture(&env, 86400 + 3661);
    const mb_environment *e = &env.pub;
    CHECK_STR(e->date, "1970-01-02T01:01:01Z");
    CHECK(e->logical_cpus >= 1);
    CHECK(e->host && e->executable && e->os && e->cpu_model && e->build_type && e->compiler);
    CHECK(strlen(e->build_type) > 0 && strlen(e->compiler) > 0);
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) { /* Linux: the /proc facts are there */
        fclose(f);
        CHECK(isfinite(e->load_avg[0]) && e->load_avg[0] >= 0);
        CHECK(isfinite(e->load_avg[2]));
        CHECK(e->aslr >= 0 && e->aslr <= 2);
        CHECK(strstr(e->executable, "test_api") != NULL);
        CHECK(strncmp(e->os, "Linux ", 6) == 0);
        CHECK(isfinite(e->perf_event_paranoid));
        CHECK(e->virtualized == 0 || e->virtualized == 1);
        CHECK(e->boost >= -1 && e->boost <= 1 && e->smt >= -1 && e->smt <= 1);
        CHECK(e->governor != NULL && e->isolated_cpus != NULL);
        for (size_t i = 0; i < e->n_caches; i++)
            CHECK(e->caches[i].level >= 1 && e->caches[i].size_bytes >= 1024);
    }
}

/* The governor of the CPUs the process may run on, from tests/fixtures/sysfs: CPUs 0 and 1
 * performance, 2 powersave, 3 without cpufreq. */
static void test_governor(void)
{
    const char *root = MB_TEST_SOURCE_DIR "/fixtures/sysfs";
    char g[128];
    mb__env_governor(root, (const int[]){0, 1}, 2, g, sizeof g);
    CHECK_STR(g, "performance");
    mb__env_governor(root, (const int[]){2}, 1, g, sizeof g); /* pinned to CPU 2 */
    CHECK_STR(g, "powersave");
    mb__env_governor(root, (const int[]){0, 1, 2, 3}, 4, g, sizeof g);
    CHECK_STR(g, "mixed: performance,powersave");
    mb__env_governor(root, (const int[]){3, 2, 0}, 3, g, sizeof g);
    CHECK_STR(g, "mixed: powersave,performance");
    mb__env_governor(root, (const int[]){3}, 1, g, sizeof g); /* no cpufreq: unknown */
    CHECK_STR(g, "");
    mb__env_governor(root, NULL, 0, g, sizeof g); /* affinity unknown: CPU 0 */
    CHECK_STR(g, "performance");
    mb__env_governor("/nonexistent", (const int[]){0, 1}, 2, g, sizeof g); /* no /sys */
    CHECK_STR(g, "");
    char tiny[8];
    mb__env_governor(root, (const int[]){0, 2}, 2, tiny, sizeof tiny); /* cut, terminated */
    CHECK_STR(tiny, "mixed: ");

    /* The affinity as pinning leaves it (Linux; elsewhere it is unknown). */
    int cpus[MB__ENV_MAX_CPUS];
    size_t n = mb__affinity_cpus(cpus, MB__ENV_MAX_CPUS);
    if (n == 0)
        return;
    CHECK_INT(mb__pin_cpu(cpus[n - 1]), ==, 0);
    int pinned[MB__ENV_MAX_CPUS];
    CHECK_INT(mb__affinity_cpus(pinned, MB__ENV_MAX_CPUS), ==, 1);
    CHECK_INT(pinned[0], ==, cpus[n - 1]);
}

int main(void)
{
    test_group_parts();
    test_group_params();
    test_functions();
    test_own_time();
    test_registration_and_order();
    test_duplicates();
    test_misuse();
    test_settings_validation();
    test_strings();
    test_determinism();
    test_text_report();
    test_environment();
    test_governor();
    test_hygiene();
    test_params();
    return CHECK_DONE();
}
