/*
 * How the library's work grows with the number of benchmarks, counted, not timed: the test is
 * linked with -Wl,--wrap=strcmp, so every name comparison the library makes goes through
 * __wrap_strcmp and is counted. Two things once compared every name with every other (O(n^2)
 * comparisons: 0.4 s for a run of 10 000 instances, seconds for a results file of 20 000
 * results):
 *
 * - a run's check for duplicate names among the selected benchmarks (lib/run/ctx.c);
 * - adding and finding results by name in a set read from a file (lib/results/set.c), and
 *   matching each with its baseline result (lib/results/match.c).
 *
 * With N = 8000 benchmarks, each must stay within COMPARISONS_PER_NAME comparisons per
 * benchmark (about log2 N are expected; the old quadratic code made N/2 = 4000). It also
 * checks what the faster code must still do: a duplicate among many is found and named with
 * the first pair, a set finds each of its results, and replacing and filtering keep the index
 * right; and that results files beyond the JSON reader's default 64 MiB read (up to 256 MiB).
 */
#define _POSIX_C_SOURCE 200809L

#include <microbe.h>

#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define N 8000
#define COMPARISONS_PER_NAME 64

int __real_strcmp(const char *a, const char *b);
int __wrap_strcmp(const char *a, const char *b);

static unsigned long long comparisons;

int __wrap_strcmp(const char *a, const char *b)
{
    comparisons++;
    return __real_strcmp(a, b);
}

static void body(mb_state *state)
{
    MB_LOOP(state) {
    }
}

static mb_bench benches[N + 2];
static char names[N + 2][32];

/* N benchmarks scale_0000 to scale_7999, each on its own line of one file. */
static void register_many(void)
{
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "scale_%04d", i);
        benches[i] = (mb_bench){.name = names[i], .fn = body, .file = "scale.c", .line = i + 1};
        CHECK_INT(mb_register(&benches[i]), ==, 0);
    }
}

static char logged[512];

static void keep_log(void *user, mb_log_level level, const char *message)
{
    (void)user;
    if (level == MB_LOG_ERROR)
        snprintf(logged, sizeof logged, "%s", message);
}

/* A smoke run of the benchmarks matching filter; its comparisons per selected benchmark. */
static double smoke_run(const char *filter, int expect_rc, size_t expect_n)
{
    mb_settings s;
    mb_settings_init(&s);
    s.filter = filter;
    s.smoke = 1;
    s.forks = 0;
    s.log = keep_log;
    mb_ctx *ctx = NULL;
    CHECK_INT(mb_ctx_new(&ctx, &s), ==, 0);
    if (!ctx)
        return 0;
    unsigned long long before = comparisons;
    CHECK_INT(mb_run(ctx), ==, expect_rc);
    double per_name = (double)(comparisons - before) / (double)expect_n;
    if (expect_rc == 0)
        CHECK_INT(mb_ctx_result_count(ctx), ==, expect_n);
    mb_ctx_free(ctx);
    return per_name;
}

static void test_run(void)
{
    register_many();
    double per_name = smoke_run("^scale_", 0, N);
    CHECK(per_name <= COMPARISONS_PER_NAME);
    printf("run of %d benchmarks: %.1f name comparisons per benchmark\n", N, per_name);

    /* Two more named like earlier ones, registered last but placed (file, line) first and in
     * the middle: the duplicate reported is the pair whose first member runs first. */
    benches[N] = (mb_bench){.name = names[5000], .fn = body, .file = "scale.c", .line = 5001};
    benches[N + 1] = (mb_bench){.name = names[7000], .fn = body, .file = "a.c", .line = 1};
    CHECK_INT(mb_register(&benches[N]), ==, 0);
    CHECK_INT(mb_register(&benches[N + 1]), ==, 0);
    smoke_run("^scale_", MB_EDUP, N + 2);
    CHECK_STR(logged, "duplicate benchmark name 'scale_7000' (a.c:1 and scale.c:7001)");
    smoke_run("^scale_[0-6]", MB_EDUP, 7001);
    CHECK_STR(logged, "duplicate benchmark name 'scale_5000' (scale.c:5001 and scale.c:5001)");
}

/* A results file of n minimal results named r0, r1, ...; name_offset shifts the names. */
static void write_results(const char *path, int n, int name_offset)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fputs("{\"schema_version\":1,\"library\":\"microbe\",\"benchmarks\":[", f);
    for (int i = 0; i < n; i++)
        fprintf(f,
                "%s{\"name\":\"r%d\",\"status\":\"ok\",\"raw_samples\":{\"iters\":[%d],"
                "\"time_ns\":[%d],\"outlier\":[\"none\"],\"counters\":{}}}",
                i ? "," : "", i + name_offset, 1, 100 + i);
    fputs("]}\n", f);
    fclose(f);
}

static void test_set(const char *path)
{
    write_results(path, N, 0);
    mb_results *set = NULL;
    char message[256] = "";
    unsigned long long before = comparisons;
    CHECK_INT(mb_results_read(path, &set, message, sizeof message), ==, 0);
    CHECK_STR(message, "");
    if (!set)
        return;
    CHECK_INT(mb_results_count(set), ==, N);
    int found = 0;
    for (int i = 0; i < N; i++) {
        char name[32];
        snprintf(name, sizeof name, "r%d", i);
        const mb_result *r = mb_results_find(set, name);
        found += r && r == mb_results_get(set, (size_t)i) && strcmp(r->name, name) == 0;
    }
    CHECK_INT(found, ==, N);
    CHECK(mb_results_find(set, "r") == NULL && mb_results_find(set, "absent") == NULL);
    double per_name = (double)(comparisons - before) / N;
    CHECK(per_name <= COMPARISONS_PER_NAME);
    printf("read and find %d results: %.1f name comparisons per result\n", N, per_name);

    /* Compared with a second reading of the same file: each result matched by its name. */
    mb_results *again = NULL;
    CHECK_INT(mb_results_read(path, &again, message, sizeof message), ==, 0);
    mb_settings s;
    mb_settings_init(&s);
    s.log = keep_log;
    before = comparisons;
    CHECK_INT(again ? mb_results_compare(set, again, &s) : -1, ==, 0);
    per_name = (double)(comparisons - before) / N;
    CHECK(per_name <= COMPARISONS_PER_NAME);
    printf("compare %d results with their baseline: %.1f name comparisons per result\n", N,
           per_name);
    found = 0;
    for (int i = 0; i < N; i++)
        found += mb_results_get(set, (size_t)i)->change.verdict != MB_VERDICT_NONE;
    CHECK_INT(found, ==, N);
    mb_results_free(again);

    /* A second file: r4000 .. r11999, replacing half and adding half. */
    write_results(path, N, N / 2);
    CHECK_INT(mb_results_read(path, &set, message, sizeof message), ==, 0);
    CHECK_INT(mb_results_count(set), ==, N + N / 2);
    const mb_result *r = mb_results_find(set, "r5000");
    CHECK(r && r->sample_ns[0] == 100 + 1000); /* the second file's */
    r = mb_results_find(set, "r11999");
    CHECK(r && r == mb_results_get(set, N + N / 2 - 1));

    /* Filtered to r1, r1x, r1xx, ...: 1 + 10 + 100 + 1000 + 2000 (r10000 .. r11999). */
    CHECK_INT(mb_results_filter(set, "^r1"), ==, 0);
    CHECK_INT(mb_results_count(set), ==, 3111);
    found = 0;
    for (size_t i = 0; i < mb_results_count(set); i++)
        found += mb_results_find(set, mb_results_get(set, i)->name) == mb_results_get(set, i);
    CHECK_INT(found, ==, 3111);
    CHECK(mb_results_find(set, "r2") == NULL && mb_results_find(set, "r4000") == NULL);
    mb_results_free(set);
}

/* Results files up to 256 MiB read: one of 64 MiB and a byte (the JSON reader's default limit,
 * which refused such a file before) made of a small document and trailing whitespace; one of
 * 256 MiB and a byte (sparse) is refused, naming the limit. The first is skipped with
 * MB_TEST_QUICK=1 (the valgrind run), where it would take long. */
static void test_large_file(const char *path)
{
    const char *quick = getenv("MB_TEST_QUICK");
    char message[256] = "";
    mb_results *set = NULL;
    if (!quick || strcmp(quick, "1") != 0) {
        write_results(path, 3, 0);
        FILE *f = fopen(path, "a");
        CHECK(f != NULL);
        if (f) {
            static char spaces[1 << 16];
            memset(spaces, ' ', sizeof spaces);
            long size = ftell(f), want = ((long)64 << 20) + 1;
            for (; size + (long)sizeof spaces <= want; size += (long)sizeof spaces)
                fwrite(spaces, 1, sizeof spaces, f);
            fwrite(spaces, 1, (size_t)(want - size), f);
            CHECK_INT(ftell(f), ==, want);
            fclose(f);
        }
        CHECK_INT(mb_results_read(path, &set, message, sizeof message), ==, 0);
        CHECK_INT(set ? mb_results_count(set) : 0, ==, 3);
        mb_results_free(set);
        set = NULL;
    }
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    CHECK_INT(ftruncate(fileno(f), ((off_t)256 << 20) + 1), ==, 0);
    fclose(f);
    CHECK_INT(mb_results_read(path, &set, message, sizeof message), ==, MB_EINVAL);
    CHECK(set == NULL);
    CHECK(strstr(message, "larger than the limit of 268435456 bytes") != NULL);
}

int main(void)
{
    test_run();
    char path[128];
    snprintf(path, sizeof path, "/tmp/microbe-test-scale-%ld.json", (long)getpid());
    test_set(path);
    test_large_file(path);
    remove(path);
    return CHECK_DONE();
}
