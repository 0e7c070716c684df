/*
 * The authoring options end to end with the real clock, through mb_run(): per-iteration setup
 * excluded from timing (mb_iter_batched), threads, fixtures, cold and latency modes, user
 * counters, and all of that surviving --isolate. Every check is exact: none compares two
 * measured times (those claims live in benchmarks/). Also run under ThreadSanitizer by
 * .ci/run.
 */
#include "check.h"
#include "microbe.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* ---- Setup excluded from timing -------------------------------------------------------- */

/* Every input the routine sees was prepared by its own setup call, in order: setup writes a
 * sequence number into each input, the routine expects the next one. What the time excludes
 * is a timing claim, measured in benchmarks/setup_cost.c (docs/authoring.md), not here: a
 * busy machine could break any comparison of two measured times. */
typedef struct batch_log {
    uint64_t prepared, routed, mismatches;
} batch_log;

static void number_input(void *input, void *user)
{
    batch_log *log = user;
    uint64_t seq = ++log->prepared;
    memcpy(input, &seq, sizeof seq);
}

static void check_input(void *input, void *user)
{
    batch_log *log = user;
    uint64_t seq;
    memcpy(&seq, input, sizeof seq);
    log->mismatches += seq != ++log->routed;
    memset(input, 0, sizeof seq); /* an input used twice would read 0 */
}

static batch_log setup_log;

BENCH(setup_batched)
{
    mb_batch batch = {sizeof(uint64_t), number_input, check_input, NULL, &setup_log};
    mb_iter_batched(state, &batch);
}

static const mb_result *find(const mb_ctx *ctx, const char *name)
{
    for (size_t i = 0; i < mb_ctx_result_count(ctx); i++)
        if (strcmp(mb_ctx_result(ctx, i)->name, name) == 0)
            return mb_ctx_result(ctx, i);
    fprintf(stderr, "no result named %s\n", name);
    return NULL;
}

static mb_ctx *run(const char *filter, int isolate)
{
    mb_settings s;
    mb_settings_init(&s);
    mb_settings_quick(&s);
    s.measurement_time_s = 0.3; /* enough for ten cold invocations, each after its eviction */
    s.filter = filter;
    s.isolate = isolate;
    mb_ctx *ctx = NULL;
    CHECK_INT(mb_ctx_new(&ctx, &s), ==, 0);
    CHECK_INT(mb_run(ctx), ==, 0);
    return ctx;
}

static void test_setup_excluded(void)
{
    mb_ctx *ctx = run("^setup_batched$", 0);
    const mb_result *r = find(ctx, "setup_batched");
    if (r) {
        CHECK_INT(r->status, ==, MB_STATUS_OK);
        /* Warm-up and samples: at least the iterations the samples record. */
        CHECK(setup_log.routed >= r->total_iters && r->total_iters > 0);
    }
    CHECK(setup_log.prepared == setup_log.routed);
    CHECK(setup_log.mismatches == 0);
    mb_ctx_free(ctx);
}

/* ---- Threads ------------------------------------------------------------------------------ */

static atomic_uint started; /* threads that reached the loop, summed over calls */
static atomic_uint seen[8]; /* calls per thread index */

BENCH_P(threads_count, MB_THREADS(1, 2))
{
    unsigned me = mb_thread_index(state);
    atomic_fetch_add(&seen[me < 8 ? me : 7], 1);
    atomic_fetch_add(&started, 1);
    uint64_t n = 0, x = me;
    MB_LOOP(state) {
        x = x * 6364136223846793005u + 1;
        mb_black_box(&x);
        n++;
    }
    mb_set_counter(state, "loops", (double)n, MB_PER_ITER);
    mb_set_counter(state, "threads_seen", (double)mb_thread_count(state), MB_PER_CALL);
    mb_set_items_per_iter(state, 1);
}

static void test_threads(void)
{
    mb_ctx *ctx = run("^threads_count/", 0);
    CHECK_INT(mb_ctx_result_count(ctx), ==, 2);
    for (unsigned k = 1; k <= 2; k++) {
        char name[64];
        snprintf(name, sizeof name, "threads_count/threads:%u", k);
        const mb_result *r = find(ctx, name);
        if (!r)
            continue;
        CHECK_INT(r->status, ==, MB_STATUS_OK);
        CHECK_INT(r->threads, ==, k);
        CHECK(r->n_params == 1 && r->params[0].kind == MB_PARAM_THREADS && r->params[0].i == k);
        /* Each thread counted its loop's iterations: summed, k per iteration. */
        CHECK_INT(r->n_user_counters, ==, 2);
        CHECK_STR(r->user_counters[0].name, "loops");
        CHECK_NEAR(r->user_counters[0].value.point, k, 0, 0);
        CHECK_NEAR(r->user_counters[1].value.point, k * k, 0, 0); /* k threads said k */
        /* The rate is aggregate: k items per iteration of one thread's time. */
        CHECK_NEAR(r->items_per_s.point, k / r->median.point * 1e9, 1e-12, 0);
        CHECK_NEAR(r->items_per_s.per_iter, 1, 0, 0);
    }
    /* Both thread indexes ran; thread 1 only in the two-thread instance. */
    CHECK(atomic_load(&seen[0]) > atomic_load(&seen[1]) && atomic_load(&seen[1]) > 0);
    CHECK_INT(atomic_load(&started), ==, atomic_load(&seen[0]) + atomic_load(&seen[1]));
    mb_ctx_free(ctx);
}

/* ---- Fixtures ------------------------------------------------------------------------------ */

static int setups, teardowns, wrong_data;
static int fixture_data[256];

static void *fixture_setup(mb_state *state)
{
    setups++;
    int64_t n = mb_param_int(state, "n");
    for (int64_t i = 0; i < n; i++)
        fixture_data[i] = (int)i;
    return fixture_data;
}

static void fixture_teardown(mb_state *state, void *data)
{
    (void)state;
    teardowns++;
    wrong_data += data != fixture_data;
}

BENCH_P(fixture_sum, MB_INTS(n, 64, 256), MB_FIXTURE(fixture_setup, fixture_teardown))
{
    const int *data = mb_fixture(state);
    int64_t n = mb_param_int(state, "n");
    wrong_data += data != fixture_data;
    MB_LOOP(state) {
        int sum = 0;
        for (int64_t i = 0; i < n; i++)
            sum += data[i];
        mb_black_box(&sum);
    }
}

static void test_fixture(void)
{
    mb_ctx *ctx = run("^fixture_sum/", 0);
    CHECK_INT(mb_ctx_result_count(ctx), ==, 2);
    CHECK(find(ctx, "fixture_sum/64") && find(ctx, "fixture_sum/256"));
    CHECK_INT(setups, ==, 2);
    CHECK_INT(teardowns, ==, 2);
    CHECK_INT(wrong_data, ==, 0);
    mb_ctx_free(ctx);
}

/* ---- Cold and latency modes, user counters, --isolate ------------------------------------- */

static unsigned char touched[1 << 16];

BENCH_P(cold_touch, MB_COLD)
{
    memset(touched, 1, sizeof touched);
    mb_black_box(touched);
    MB_LOOP(state) {
        unsigned sum = 0;
        for (size_t i = 0; i < sizeof touched; i += 64)
            sum += touched[i];
        mb_black_box(&sum);
    }
}

BENCH(warm_touch)
{
    memset(touched, 1, sizeof touched);
    mb_black_box(touched);
    MB_LOOP(state) {
        unsigned sum = 0;
        for (size_t i = 0; i < sizeof touched; i += 64)
            sum += touched[i];
        mb_black_box(&sum);
    }
}

/* About 20 us per invocation: long enough to time alone. */
BENCH_P(latency_work, MB_LATENCY)
{
    MB_LOOP(state) {
        uint64_t x = 1;
        for (int i = 0; i < 20000; i++) {
            x = x * 6364136223846793005u + 1;
            mb_black_box(&x);
        }
    }
    mb_set_counter(state, "calls", 1, MB_PER_CALL);
}

static void check_modes(const mb_ctx *ctx)
{
    const mb_result *cold = find(ctx, "cold_touch"), *lat = find(ctx, "latency_work");
    if (cold) {
        CHECK_INT(cold->status, ==, MB_STATUS_OK);
        CHECK_INT(cold->mode, ==, MB_MODE_COLD);
        CHECK(cold->n_samples >= 10 && cold->latency.n >= cold->n_samples);
        for (size_t i = 0; i < cold->n_samples; i++)
            CHECK_INT(cold->sample_iters[i], ==, 1);
    }
    if (lat) {
        CHECK_INT(lat->status, ==, MB_STATUS_OK);
        CHECK_INT(lat->mode, ==, MB_MODE_LATENCY);
        CHECK((lat->warnings & MB_WARN_LATENCY_SHORT) == 0);
        CHECK(lat->latency.n >= lat->n_samples && lat->n_samples >= 10);
        double previous = lat->latency.min_ns;
        for (int k = 0; k < MB_PERCENTILES; k++) {
            const mb_percentile *q = &lat->latency.percentiles[k];
            /* Bounds are NAN when there are too few invocations for them (p99.9). */
            int bounded = !isnan(q->low) && !isnan(q->high);
            CHECK(q->ns >= previous && (!bounded || (q->low <= q->ns && q->ns <= q->high)));
            /* p99.9's bounds need about 5000 independent invocations: fewer when consecutive
             * ones are correlated (the AR(1) effective count; a busy machine makes them so). */
            double rho = lat->latency.serial > 0 ? lat->latency.serial : 0;
            CHECK(bounded || (double)lat->latency.n * (1 - rho) / (1 + rho) < 5000);
            if (!(q->ns >= previous && (!bounded || (q->low <= q->ns && q->ns <= q->high))))
                printf("p%g: %g [%g, %g] after %g (n = %llu)\n", 100 * q->p, q->ns, q->low, q->high,
                       previous, (unsigned long long)lat->latency.n);
            previous = q->ns;
        }
        CHECK(lat->latency.max_ns >= previous);
        CHECK_INT(lat->n_user_counters, ==, 1);
        CHECK_NEAR(lat->user_counters[0].value.point, 1, 0, 0);
    }
}

static void test_modes(int isolate)
{
    mb_ctx *ctx = run("^(cold_touch|warm_touch|latency_work)$", isolate);
    CHECK_INT(mb_ctx_result_count(ctx), ==, 3);
    check_modes(ctx);
    const mb_result *cold = find(ctx, "cold_touch"), *warm = find(ctx, "warm_touch");
    if (cold && warm)
        printf("64 KiB read: cold %.0f ns, warm %.0f ns%s\n", cold->median.point,
               warm->median.point, isolate ? " (isolated)" : "");
    mb_ctx_free(ctx);
}

/* ---- Misuse: each fails its benchmark with a message naming the problem --------------- */

BENCH_P(misuse_threads_zero, MB_THREADS(0))
{
    MB_LOOP(state) {
        mb_clobber();
    }
}

BENCH(misuse_batch_size)
{
    mb_batch batch = {0, NULL, check_input, NULL, &setup_log};
    mb_iter_batched(state, &batch);
}

BENCH(misuse_manual_time)
{
    MB_LOOP(state) {
        mb_add_manual_time(state, -1);
    }
}

BENCH(misuse_counters)
{
    MB_LOOP(state) {
        mb_clobber();
    }
    char name[16];
    for (int i = 0; i <= MB_USER_COUNTERS_MAX; i++) {
        snprintf(name, sizeof name, "c%d", i);
        mb_set_counter(state, name, i, MB_PER_CALL);
    }
}

BENCH(misuse_counter_clash)
{
    MB_LOOP(state) {
        mb_clobber();
    }
    mb_set_counter(state, "real_time", 1, MB_PER_CALL);
}

BENCH_P(misuse_pause_threads, MB_THREADS(2))
{
    MB_LOOP(state) {
        mb_pause(state);
        mb_resume(state);
    }
}

static void test_misuse(void)
{
    static const struct {
        const char *name, *message;
    } cases[] = {
        {"misuse_threads_zero/threads:0", "MB_THREADS: a thread count must be 1 to 1024"},
        {"misuse_batch_size", "mb_iter_batched() needs a routine and an input_size above 0"},
        {"misuse_manual_time", "mb_add_manual_time() was given a negative or non-finite time"},
        {"misuse_counters", "mb_set_counter(): more than MB_USER_COUNTERS_MAX counter names"},
        {"misuse_counter_clash",
         "mb_set_counter(): the name 'real_time' clashes with a field of gbench-json output"},
        {"misuse_pause_threads/threads:2", "mb_pause() is not supported in threaded benchmarks"},
    };
    mb_ctx *ctx = run("^misuse_", 0);
    CHECK_INT(mb_ctx_result_count(ctx), ==, 6);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const mb_result *r = find(ctx, cases[i].name);
        if (!r)
            continue;
        CHECK_INT(r->status, ==, MB_STATUS_FAILED);
        CHECK_STR(r->message, cases[i].message);
    }
    mb_ctx_free(ctx);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    test_setup_excluded();
    test_threads();
    test_fixture();
    test_modes(0);
    test_modes(1);
    test_misuse();
    return CHECK_DONE();
}
