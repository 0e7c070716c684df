/*
 * Allocation-failure injection: a full run of a small suite (two benchmarks and a comparison
 * group, with a counter, a JSON file, a CSV file and a text report, saving a baseline, then
 * comparing with it) is repeated with the k-th allocation failing, for every k the run reaches;
 * so is reading its JSON file back, comparing and rendering it (mb_results_*).
 * Each run must end with 0 or a clean error code (MB_ENOMEM, MB_EIO), never crash, leak (the CI
 * runs this under ASan/LSan and valgrind) or leave a half-written or temporary file: every
 * output is either absent or whole.
 *
 * The hook is the linker's: this test is linked with -Wl,--wrap=malloc (and calloc, realloc,
 * strdup), so every call the library makes goes through the wrappers below, which count
 * allocations and fail the chosen one. The library itself needs no hook of its own.
 */
#define _POSIX_C_SOURCE 200809L

#include "check.h"
#include "fake_clock.h"
#include "json_read.h"
#include "hooks.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static long alloc_count; /* allocations since the count was reset */
static long fail_at;     /* the allocation to fail (1-based); 0: none */
static long failed;      /* allocations actually failed */

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
char *__real_strdup(const char *s);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
char *__wrap_strdup(const char *s);

static int should_fail(void)
{
    if (++alloc_count != fail_at)
        return 0;
    failed++;
    return 1;
}

void *__wrap_malloc(size_t size)
{
    return should_fail() ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
    return should_fail() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size)
{
    return should_fail() ? NULL : __real_realloc(p, size);
}

char *__wrap_strdup(const char *s)
{
    return should_fail() ? NULL : __real_strdup(s);
}

static mb__rng noise;

BENCH(alloc_a)
{
    double cost = 10 * fake_lognormal(&noise, 0.05);
    MB_LOOP(state) {
        fake_ns += cost;
    }
}

BENCH(alloc_b)
{
    MB_LOOP(state) {
        fake_ns += 1000;
    }
}

BENCH_GROUP(alloc_group, alloc_g1)
{
    MB_LOOP(state) {
        fake_ns += 50;
    }
}

BENCH_GROUP(alloc_group, alloc_g2)
{
    MB_LOOP(state) {
        fake_ns += 55;
    }
}

static char dir[64];

/* Every file in dir/: whole (a complete document of its format) or absent, and no temporary
 * file left. Counted with injection off. */
static void check_outputs(long k)
{
    long saved = fail_at;
    fail_at = 0;
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
            strcmp(e->d_name, "bl") == 0)
            continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (e->d_name[0] == '.') {
            fprintf(stderr, "allocation %ld: a temporary file was left: %s\n", k, path);
            CHECK(0);
            unlink(path);
            continue;
        }
        if (strstr(e->d_name, ".json")) {
            mb__json_doc *doc = NULL;
            mb__json_error err;
            int rc = mb__json_parse_file(path, NULL, &doc, &err);
            if (rc != 0)
                fprintf(stderr, "allocation %ld: %s is not whole: %s\n", k, path, err.message);
            CHECK_INT(rc, ==, 0);
            const mb__json_value *b = mb__json_get(mb__json_root(doc), "benchmarks");
            CHECK(b && b->kind == MB__JSON_ARRAY && b->len == 4);
            mb__json_free(doc);
        } else if (strstr(e->d_name, ".csv")) {
            FILE *f = fopen(path, "r");
            int lines = 0, c;
            while (f && (c = fgetc(f)) != EOF)
                lines += c == '\n';
            if (f)
                fclose(f);
            CHECK_INT(lines, ==, 5); /* the header and four rows */
        }
        unlink(path);
    }
    if (d)
        closedir(d);
    fail_at = saved;
}

/* One run of the suite; returns mb_run's result (or the first error before it). */
static int one_run(const char *baseline)
{
    char bl[96], json[96], csv[96];
    snprintf(bl, sizeof bl, "%s/bl", dir);
    snprintf(json, sizeof json, "%s/r.json", dir);
    snprintf(csv, sizeof csv, "%s/r.csv", dir);
    mb_settings s;
    mb_settings_init(&s);
    s.filter = "^alloc_";
    s.resamples = 200;
    s.max_samples = 20;
    s.warm_up_time_s = 0.001;
    s.measurement_time_s = 0.01;
    s.baseline_dir = bl;
    s.save_baseline = baseline ? NULL : "b";
    s.baseline = baseline;
    s.counters = "page-faults"; /* counted or not, its storage is allocated */
    mb_ctx *ctx;
    int rc = mb_ctx_new(&ctx, &s);
    if (rc)
        return rc;
    mb__ctx_set_clock(ctx, &fake_clock);
    fake_ns = 1e9;
    mb__rng_seed(&noise, 7);
    mb_emitter e;
    FILE *text = tmpfile();
    if ((rc = mb_emitter_open(&e, "json", json)) == 0)
        rc = mb_ctx_add_emitter(ctx, &e);
    if (rc == 0 && (rc = mb_emitter_open(&e, "csv", csv)) == 0)
        rc = mb_ctx_add_emitter(ctx, &e);
    if (rc == 0 && text && (rc = mb_emitter_text(&e, text)) == 0)
        rc = mb_ctx_add_emitter(ctx, &e);
    if (rc == 0)
        rc = mb_run(ctx);
    mb_ctx_free(ctx);
    if (text)
        fclose(text);
    return rc;
}

/* Fails every allocation the run reaches, one per run. Returns how many were failed. */
static long sweep(const char *baseline)
{
    fail_at = 0;
    alloc_count = 0;
    CHECK_INT(one_run(baseline), ==, 0);
    check_outputs(0);
    long total = alloc_count, n_failed = 0;
    for (long k = 1; k <= total; k++) {
        fail_at = k;
        alloc_count = 0;
        failed = 0;
        int rc = one_run(baseline);
        fail_at = 0;
        /* The failed allocation surfaces as out-of-memory, or as an output error where the C
         * library's stdio reports it so; anything else is a bug. A run may also complete when
         * the failure only cost it an optional nicety. */
        if (!(rc == 0 || rc == MB_ENOMEM || rc == MB_EIO))
            fprintf(stderr, "allocation %ld: unexpected result %d\n", k, rc);
        CHECK(rc == 0 || rc == MB_ENOMEM || rc == MB_EIO);
        n_failed += failed;
        check_outputs(k);
    }
    return n_failed;
}

/* A results file read back (twice into one set: a merge), compared with itself and rendered,
 * through the public API. */
static int one_read(const char *path)
{
    mb_results *a = NULL, *b = NULL;
    int rc = mb_results_read(path, &a, NULL, 0);
    if (rc == 0)
        rc = mb_results_read(path, &b, NULL, 0);
    if (rc == 0)
        rc = mb_results_read(path, &b, NULL, 0);
    mb_settings s;
    mb_settings_init(&s);
    s.resamples = 200;
    if (rc == 0)
        rc = mb_results_compare(b, a, &s);
    FILE *out = tmpfile();
    mb_emitter e;
    if (rc == 0 && out && (rc = mb_emitter_new(&e, "text", out)) == 0) {
        rc = mb_results_emit(b, &e);
        e.destroy(e.user);
    }
    if (out)
        fclose(out);
    mb_results_free(a);
    mb_results_free(b);
    return rc;
}

/* Fails every allocation of one_read, one per call. Returns how many were failed. */
static long sweep_read(const char *path)
{
    fail_at = 0;
    alloc_count = 0;
    CHECK_INT(one_read(path), ==, 0);
    long total = alloc_count, n_failed = 0;
    for (long k = 1; k <= total; k++) {
        fail_at = k;
        alloc_count = 0;
        failed = 0;
        int rc = one_read(path);
        fail_at = 0;
        if (!(rc == 0 || rc == MB_ENOMEM || rc == MB_EIO))
            fprintf(stderr, "reading, allocation %ld: unexpected result %d\n", k, rc);
        CHECK(rc == 0 || rc == MB_ENOMEM || rc == MB_EIO);
        n_failed += failed;
    }
    return n_failed;
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/microbe-alloc.XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    long saving = sweep(NULL);
    /* The baseline "b" is whole after the last successful run: compare with it. */
    long comparing = sweep("b");
    char json[96];
    snprintf(json, sizeof json, "%s/r.json", dir);
    fail_at = 0;
    CHECK_INT(one_run("b"), ==, 0); /* a whole r.json, with changes in it */
    long reading = sweep_read(json);
    printf("failed %ld allocations while saving a baseline, %ld while comparing and %ld while "
           "reading a file back\n",
           saving, comparing, reading);
    CHECK(saving > 50 && comparing > 50 && reading > 50);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK_INT(system(cmd), ==, 0);
    return CHECK_DONE();
}
