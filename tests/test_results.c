/*
 * Result files through the public API alone (mb_results_*): a results file read back renders
 * byte for byte as the run it came from did, in every format (the golden files of
 * test_emitters); reading merges by name and says what is wrong with a bad file; comparing
 * two sets applies a run's rules (ratio, interval, Holm, the unstable rule, instruction
 * counts); the paired comparison of --exec rounds; complexity fits from before intercepts.
 */
#define _POSIX_C_SOURCE 200809L

#include <microbe.h>

#include "check.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define N 30

static char *read_path(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *text = f ? check_slurp(f, len) : NULL;
    if (f)
        fclose(f);
    return text;
}

/* What mb_results_emit writes of set in format, or NULL. */
static char *render(const mb_results *set, const char *format, size_t *len)
{
    FILE *out = tmpfile();
    mb_emitter e;
    char *text = NULL;
    if (out && mb_emitter_new(&e, format, out) == 0) {
        CHECK_INT(mb_results_emit(set, &e), ==, 0);
        e.destroy(e.user);
        text = check_slurp(out, len);
    }
    if (out)
        fclose(out);
    return text;
}

/* Every format of set renders as the golden run of test_emitters did. */
static void check_renders_golden(const mb_results *set)
{
    for (const char *const *f = mb_emitter_formats(); *f; f++) {
        char golden[1100];
        size_t len = 0, want_len = 0;
        snprintf(golden, sizeof golden, "%s/golden/emit_%s.txt", MB_TEST_SOURCE_DIR, *f);
        char *got = render(set, *f, &len), *want = read_path(golden, &want_len);
        int same = got && want && len == want_len && memcmp(got, want, len) == 0;
        CHECK(same);
        if (!same)
            fprintf(stderr, "format %s read back differs from %s:\n%s", *f, golden,
                    got ? got : "(none)\n");
        free(got);
        free(want);
    }
}

/* The golden run of test_emitters, read back from its JSON: every format renders as the run
 * itself did, so nothing the formats show is lost in the file. */
static void test_round_trip(void)
{
    mb_results *set = NULL;
    char message[600] = "", path[1024];
    snprintf(path, sizeof path, "%s/golden/emit_json.txt", MB_TEST_SOURCE_DIR);
    CHECK_INT(mb_results_read(path, &set, message, sizeof message), ==, 0);
    CHECK_STR(message, "");
    if (!set)
        return;
    check_renders_golden(set);
    const mb_run_info *info = mb_results_info(set);
    CHECK_INT(info->n_benchmarks, ==, mb_results_count(set));
    CHECK_STR(info->names[0], mb_results_get(set, 0)->name);
    CHECK(mb_results_find(set, "sort_linear") == mb_results_get(set, 0));
    CHECK(mb_results_find(set, "no such benchmark") == NULL);
    CHECK(mb_results_get(set, mb_results_count(set)) == NULL);
    CHECK_INT(mb_results_filter(set, "("), ==, MB_EREGEX);
    CHECK_INT(mb_results_filter(set, "^sort_"), ==, 0);
    CHECK_INT(mb_results_count(set), ==, 1);
    CHECK_INT(info->n_benchmarks, ==, 1);
    mb_results_free(set);
    mb_results_free(NULL);
}

typedef struct bench {
    const char *name;
    double ns;           /* per iteration, around which the samples spread by +-1 % */
    int unstable;        /* carries the unstable warning */
    double instructions; /* per iteration; 0: not counted */
} bench;

/* A minimal results file: N samples of 1000 iterations per benchmark, after settings (a
 * member or two of the document, or ""). */
static void write_file_with(const char *path, const bench *b, size_t n, const char *settings)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fprintf(f, "{\"schema_version\": 1, \"library\": \"microbe\", %s\"benchmarks\": [", settings);
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "%s{\"name\": \"%s\", \"status\": \"ok\", \"warnings\": [%s], ", i ? ", " : "",
                b[i].name, b[i].unstable ? "{\"name\": \"unstable\"}" : "");
        if (b[i].instructions > 0)
            fprintf(f, "\"instructions_per_iteration\": %.17g, ", b[i].instructions);
        fprintf(f, "\"raw_samples\": {\"iters\": [");
        for (int k = 0; k < N; k++)
            fprintf(f, "%s1000", k ? ", " : "");
        fprintf(f, "], \"time_ns\": [");
        for (int k = 0; k < N; k++)
            fprintf(f, "%s%.17g", k ? ", " : "",
                    1000 * b[i].ns * (1 + 0.001 * (double)((k * 7919) % 21 - 10)));
        fprintf(f, "]}}");
    }
    fprintf(f, "]}\n");
    fclose(f);
}

static void write_file(const char *path, const bench *b, size_t n)
{
    write_file_with(path, b, n, "");
}

static mb_results *read_one(const char *path)
{
    mb_results *set = NULL;
    char message[600];
    int rc = mb_results_read(path, &set, message, sizeof message);
    CHECK_INT(rc, ==, 0);
    if (rc)
        fprintf(stderr, "%s\n", message);
    return set;
}

/* The field of a CSV summary (no quoted fields) in column `column` of the row of benchmark
 * `name`; "?" when there is none. */
static const char *csv_field(const char *csv, const char *name, const char *column)
{
    static char field[128];
    snprintf(field, sizeof field, "?");
    const char *header_end = csv ? strchr(csv, '\r') : NULL;
    char row_start[160];
    snprintf(row_start, sizeof row_start, "\n%s,", name);
    const char *row = csv ? strstr(csv, row_start) : NULL;
    if (!header_end || !row)
        return field;
    size_t col = 0;
    for (const char *h = csv; h < header_end; col++) {
        size_t len = strcspn(h, ",\r");
        if (len == strlen(column) && strncmp(h, column, len) == 0)
            break;
        h += len + 1;
    }
    row++;
    for (size_t i = 0; i < col && row; i++)
        row = strchr(row, ',') ? strchr(row, ',') + 1 : NULL;
    if (row)
        snprintf(field, sizeof field, "%.*s", (int)strcspn(row, ",\r"), row);
    return field;
}

static mb_verdict verdict(const mb_results *set, const char *name)
{
    const mb_result *r = mb_results_find(set, name);
    return r ? r->change.verdict : (mb_verdict)-1;
}

/* Reading: a merge replaces by name; a bad file leaves the set alone and says why. */
static void test_read(const char *old_path, const char *new_path)
{
    mb_results *set = read_one(old_path);
    CHECK_INT(set ? mb_results_count(set) : 0, ==, 3);
    char message[600];
    CHECK_INT(mb_results_read(new_path, &set, message, sizeof message), ==, 0);
    CHECK_INT(set ? mb_results_count(set) : 0, ==, 4);
    const mb_result *r = set ? mb_results_find(set, "same") : NULL;
    CHECK(r && r->n_samples == N && r->sample_iters[0] == 1000);
    CHECK(r && (r->warnings & MB_WARN_UNSTABLE) == 0);
    r = set ? mb_results_find(set, "slower_unstable") : NULL;
    CHECK(r && (r->warnings & MB_WARN_UNSTABLE));
    CHECK(r && r->median.point != r->median.point); /* not in the file: NAN */
    char bad[128];
    snprintf(bad, sizeof bad, "/tmp/microbe-test-results-%ld-bad.json", (long)getpid());
    FILE *f = fopen(bad, "w");
    if (f) {
        fputs(
            "{\"schema_version\": 1, \"library\": \"microbe\", \"benchmarks\": [{\"name\": "
            "\"x\", \"status\": \"ok\", \"raw_samples\": {\"iters\": [1, 2], \"time_ns\": [5]}}]}",
            f);
        fclose(f);
    }
    mb_results *before = set;
    CHECK_INT(mb_results_read(bad, &set, message, sizeof message), ==, MB_EINVAL);
    CHECK(set == before && mb_results_count(set) == 4);
    CHECK(strncmp(message, bad, strlen(bad)) == 0 && strstr(message, "same length"));
    CHECK_INT(mb_results_read("/nonexistent/x.json", &set, message, sizeof message), ==, MB_EIO);
    CHECK(strstr(message, "/nonexistent/x.json") != NULL);
    CHECK_INT(mb_results_read("/nonexistent/x.json", &set, NULL, 0), ==, MB_EIO);
    remove(bad);
    mb_results_free(set);
}

/* Comparing two files by a run's rules. */
static void test_compare(const char *old_path, const char *new_path)
{
    mb_results *old = read_one(old_path), *new = read_one(new_path);
    if (!old || !new)
        return;
    mb_settings s;
    mb_settings_init(&s);
    CHECK_INT(mb_results_compare(new, old, &s), ==, 0);
    /* +20 % in every sample is a regression, unless the run was unstable. */
    CHECK_INT(verdict(new, "slower"), ==, MB_VERDICT_REGRESSED);
    CHECK_INT(verdict(new, "slower_unstable"), ==, MB_VERDICT_INCONCLUSIVE);
    CHECK_INT(verdict(new, "only_new"), ==, MB_VERDICT_NONE);
    /* Its reason is the run, not the interval, and every report says so. */
    CHECK_INT(mb_results_find(new, "slower_unstable")->change.reason, ==, MB_REASON_UNSTABLE);
    CHECK_INT(mb_results_find(new, "slower")->change.reason, ==, MB_REASON_NONE);
    size_t len = 0;
    char *text = render(new, "text", &len), *md = render(new, "markdown", &len);
    char *json = render(new, "json", &len);
    CHECK(text && strstr(text, "inconclusive (unstable run)\n"));
    CHECK(md && strstr(md, "| inconclusive (unstable run) |\n"));
    CHECK(json && strstr(json, "\"reason\": \"unstable\""));
    char *csv = render(new, "csv", &len);
    CHECK_STR(csv_field(csv, "slower_unstable", "change_reason"), "unstable");
    CHECK_STR(csv_field(csv, "slower_unstable", "verdict"), "inconclusive");
    CHECK_STR(csv_field(csv, "slower", "change_reason"), "");
    CHECK_STR(csv_field(csv, "slower", "paired_reason"), "");
    free(csv);
    free(text);
    free(md);
    char again_path[] = "/tmp/test_results_reason.XXXXXX";
    int fd = json ? mkstemp(again_path) : -1;
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (f) {
        fputs(json, f);
        fclose(f);
        mb_results *again = read_one(again_path);
        const mb_result *u = again ? mb_results_find(again, "slower_unstable") : NULL;
        CHECK(u && u->change.reason == MB_REASON_UNSTABLE);
        mb_results_free(again);
        remove(again_path);
    }
    free(json);
    CHECK(verdict(new, "same") == MB_VERDICT_INCONCLUSIVE ||
          verdict(new, "same") == MB_VERDICT_UNCHANGED);
    const mb_result *r = mb_results_find(new, "slower");
    CHECK_NEAR(r->change.ratio, 1.2, 0.01, 0);
    CHECK(r->change.low > 1.1 && r->change.high < 1.3);
    CHECK(r->change.p_adjusted >= r->change.p_value && r->change.p_adjusted < 0.05);
    CHECK_INT(r->change.baseline_samples, ==, N);
    CHECK_NEAR(r->change.baseline_median_ns, 100, 0.01, 0);
    CHECK_INT(r->instructions_change.verdict, ==, MB_VERDICT_REGRESSED);
    CHECK_NEAR(r->instructions_change.ratio, 1.1, 1e-12, 0);
    r = mb_results_find(new, "same");
    CHECK_INT(r->instructions_change.verdict, ==, MB_VERDICT_UNCHANGED);
    /* The emitters find the comparison's settings in the set's info. */
    const mb_settings *recorded = mb_results_info(new)->settings;
    CHECK_STR(recorded->baseline, old_path);
    s.baseline = "main";
    s.noise_threshold = 0.5; /* +20 % is now within the noise */
    CHECK_INT(mb_results_compare(new, old, &s), ==, 0);
    CHECK_STR(mb_results_info(new)->settings->baseline, "main");
    CHECK_NEAR(mb_results_info(new)->settings->noise_threshold, 0.5, 0, 0);
    CHECK_INT(verdict(new, "slower"), ==, MB_VERDICT_UNCHANGED);
    text = render(new, "text", &len);
    CHECK(text && strstr(text, "change against baseline 'main' (noise threshold 50%"));
    CHECK(text && strstr(text, "\n  only_new         not in the baseline\n"));
    free(text);
    mb_results_free(old);
    mb_results_free(new);
}

/* A baseline measured with --quick against a default run, in files that record the plan in
 * their settings only (before plan_rule): the change says the plans differ, every report
 * says so, and the JSON keeps it. */
static void test_plans(const char *old_path, const char *new_path)
{
    const bench b[] = {{"slower", 100, 0, 0}};
    write_file_with(old_path, b, 1,
                    "\"settings\": {\"quick\": true, \"warm_up_time_s\": 0.002, "
                    "\"measurement_time_s\": 0.01, \"max_samples\": 50, \"forks\": 3}, ");
    write_file_with(new_path, b, 1, "\"settings\": {\"quick\": false, \"forks\": 5}, ");
    mb_results *old = read_one(old_path), *new = read_one(new_path);
    mb_settings s;
    mb_settings_init(&s);
    CHECK(old && new &&mb_results_compare(new, old, &s) == 0);
    const mb_result *r = new ? mb_results_find(new, "slower") : NULL;
    CHECK(r && r->plan_rule.quick == 0 && r->plan_rule.max_samples == 100);
    CHECK(r && r->change.plan_differs == MB_PLAN_DIFF_QUICK);
    size_t len = 0;
    char *text = new ? render(new, "text", &len) : NULL;
    char *md = new ? render(new, "markdown", &len) : NULL;
    char *json = new ? render(new, "json", &len) : NULL;
    CHECK(text && strstr(text, "  warning: the baseline's plan differs") &&
          strstr(text, "\n    quick: slower: one side was measured with --quick"));
    CHECK(md && strstr(md, "- **quick**: `slower`: one side"));
    CHECK(json && strstr(json, "\"plan_differs\": [\"quick\"]"));
    FILE *f = json ? fopen(new_path, "w") : NULL;
    if (f) {
        fputs(json, f);
        fclose(f);
        mb_results *again = read_one(new_path);
        r = again ? mb_results_find(again, "slower") : NULL;
        CHECK(r && r->change.plan_differs == MB_PLAN_DIFF_QUICK && r->plan_rule.forks == 5);
        mb_results_free(again);
    }
    /* The same plan: no warning. */
    CHECK(old && mb_results_compare(old, old, &s) == 0);
    CHECK(old && mb_results_get(old, 0)->change.plan_differs == 0);
    free(text);
    free(md);
    free(json);
    mb_results_free(old);
    mb_results_free(new);
}

/* The paired rounds of --exec: the median ratio, the sign test, Holm, no run noise. */
static void test_pair(const char *new_path)
{
    mb_results *set = read_one(new_path);
    if (!set)
        return;
    size_t n = mb_results_count(set);
    const double **rounds = calloc(2 * n, sizeof *rounds);
    double old_r[10], new_r[10], flat_r[10];
    for (int i = 0; i < 10; i++) {
        old_r[i] = 100 * (1 + 0.01 * (i % 3));
        new_r[i] = old_r[i] * (1.10 + 0.002 * (i % 2));
        flat_r[i] = old_r[i] * (1 + 0.001 * (i % 2 ? 1 : -1));
    }
    for (size_t i = 0; i < n; i++) {
        const char *name = mb_results_get(set, i)->name;
        if (strcmp(name, "slower") == 0 || strcmp(name, "same") == 0) {
            rounds[i] = old_r;
            rounds[n + i] = strcmp(name, "slower") == 0 ? new_r : flat_r;
        }
    }
    mb_settings s;
    mb_settings_init(&s);
    CHECK_INT(mb_results_pair(set, rounds, rounds + n, 10, &s), ==, 0);
    const mb_result *r = mb_results_find(set, "slower");
    CHECK_INT(r->change.verdict, ==, MB_VERDICT_REGRESSED);
    CHECK_NEAR(r->change.ratio, 1.101, 0.002, 0);
    CHECK_INT(r->change.baseline_samples, ==, 10);
    /* The unstable rule is for separate runs: paired rounds hold their own spread. */
    CHECK_INT(verdict(set, "same"), ==, MB_VERDICT_UNCHANGED);
    CHECK_INT(verdict(set, "slower_unstable"), ==, MB_VERDICT_NONE);
    CHECK_STR(mb_results_info(set)->settings->baseline, "old");
    CHECK_NEAR(mb_results_info(set)->settings->run_noise, 0, 0, 0);
    /* The rounds and why they stopped, in the info and in the text report's heading. */
    CHECK_INT(mb_results_info(set)->pairs, ==, 10);
    CHECK(mb_results_info(set)->pairs_stop == NULL);
    CHECK_INT(mb_results_set_stop(set, "settled"), ==, 0);
    CHECK_STR(mb_results_info(set)->pairs_stop, "settled");
    FILE *out = tmpfile();
    mb_emitter e;
    CHECK(out && mb_emitter_text(&e, out) == 0);
    if (out) {
        CHECK_INT(mb_results_emit(set, &e), ==, 0);
        e.destroy(e.user);
        char text[8192];
        rewind(out);
        text[fread(text, 1, sizeof text - 1, out)] = '\0';
        fclose(out);
        CHECK(strstr(text, "(noise threshold 2%, 10 pairs, stopped: settled):\n") != NULL);
    }
    CHECK_INT(mb_results_set_stop(set, NULL), ==, 0);
    CHECK(mb_results_info(set)->pairs_stop == NULL);
    /* Five rounds: [min, max] holds 93.75 %, below the 95 % stated: no verdict, and why. */
    CHECK_INT(mb_results_pair(set, rounds, rounds + n, 5, &s), ==, 0);
    CHECK_INT(verdict(set, "slower"), ==, MB_VERDICT_INCONCLUSIVE);
    CHECK_INT(verdict(set, "same"), ==, MB_VERDICT_INCONCLUSIVE);
    CHECK_INT(mb_results_find(set, "same")->change.reason, ==, MB_REASON_LOW_LEVEL);
    CHECK_NEAR(mb_results_find(set, "same")->change.level, 0.9375, 1e-12, 0);
    CHECK_INT(mb_results_pair(set, rounds, rounds + n, 1, &s), ==, 0);
    CHECK_INT(verdict(set, "slower"), ==, MB_VERDICT_NONE);
    CHECK_INT(mb_results_compare(set, set, &s), ==, 0); /* not paired: no rounds */
    CHECK_INT(mb_results_info(set)->pairs, ==, 0);
    free(rounds);
    mb_results_free(set);
}

/* A file written before complexity fits had an intercept: no intercept_ns, and O(1)'s constant
 * in coefficient_ns. It reads with intercepts of 0 and renders as it did. */
static void test_old_complexity(const char *path)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fputs("{\"schema_version\": 1, \"library\": \"microbe\", \"benchmarks\": [], "
          "\"complexity\": [{\"benchmark\": \"flat\", \"parameter\": \"n\", \"points\": 4, "
          "\"best\": \"O(1)\", \"fits\": [{\"model\": \"O(1)\", \"user\": false, "
          "\"coefficient_ns\": 900, \"rms\": 0.01}, {\"model\": \"O(n)\", \"user\": false, "
          "\"coefficient_ns\": 2.5, \"rms\": 0.5}]}]}\n",
          f);
    fclose(f);
    mb_results *set = read_one(path);
    if (!set)
        return;
    const mb_run_info *info = mb_results_info(set);
    CHECK_INT(info->n_complexity, ==, 1);
    if (info->n_complexity == 1) {
        const mb_complexity *c = &info->complexity[0];
        CHECK_INT(c->n_fits, ==, 2);
        CHECK(c->fits[0].model == MB_O_1 && c->fits[0].intercept_ns == 0);
        CHECK(c->fits[0].coefficient_ns == 900);
        CHECK(c->fits[1].model == MB_O_N && c->fits[1].intercept_ns == 0);
    }
    size_t len = 0;
    char *text = render(set, "text", &len);
    CHECK(text && strstr(text, "  flat: O(1), 900.0 ns, rms 1.0% (next: O(n), 50.0%)\n"));
    if (text && !strstr(text, "flat: O(1), 900.0 ns"))
        fprintf(stderr, "%s", text);
    free(text);
    mb_results_free(set);
}

/* A file of a later revision of version 1: the golden run with unknown fields in every
 * object (tests/fixtures/make_future_fields.py). They are ignored: it renders as the golden
 * run, and compares with it at a ratio of exactly 1. A newer schema_version is refused, saying
 * so. */
static void test_future_fields(const char *scratch)
{
    mb_results *future = NULL, *golden = NULL;
    char message[600] = "", path[1024];
    snprintf(path, sizeof path, "%s/fixtures/results_v1_future.json", MB_TEST_SOURCE_DIR);
    CHECK_INT(mb_results_read(path, &future, message, sizeof message), ==, 0);
    CHECK_STR(message, "");
    snprintf(path, sizeof path, "%s/golden/emit_json.txt", MB_TEST_SOURCE_DIR);
    CHECK_INT(mb_results_read(path, &golden, message, sizeof message), ==, 0);
    if (future && golden) {
        check_renders_golden(future);
        mb_settings s;
        mb_settings_init(&s);
        CHECK_INT(mb_results_compare(future, golden, &s), ==, 0);
        const mb_result *r = mb_results_find(future, "sort_linear");
        CHECK(r && r->change.verdict != MB_VERDICT_NONE && r->change.ratio == 1);
    }
    mb_results_free(future);
    mb_results_free(golden);

    FILE *f = fopen(scratch, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fputs("{\"schema_version\": 2, \"library\": \"microbe\", \"benchmarks\": []}\n", f);
    fclose(f);
    mb_results *newer = NULL;
    CHECK_INT(mb_results_read(scratch, &newer, message, sizeof message), ==, MB_EINVAL);
    CHECK(newer == NULL);
    CHECK(strstr(message, "schema version 2") && strstr(message, "newer"));
    if (!strstr(message, "newer"))
        fprintf(stderr, "%s\n", message);
}

int main(void)
{
    test_round_trip();
    const bench old[] = {
        {"same", 100, 0, 1000}, {"slower", 100, 0, 1000}, {"slower_unstable", 100, 0, 0}};
    const bench new[] = {{"same", 100, 0, 1001},
                         {"slower", 120, 0, 1100},
                         {"slower_unstable", 120, 1, 0},
                         {"only_new", 50, 0, 0}};
    char old_path[128], new_path[128];
    snprintf(old_path, sizeof old_path, "/tmp/microbe-test-results-%ld-old.json", (long)getpid());
    snprintf(new_path, sizeof new_path, "/tmp/microbe-test-results-%ld-new.json", (long)getpid());
    write_file(old_path, old, 3);
    write_file(new_path, new, 4);
    test_read(old_path, new_path);
    test_compare(old_path, new_path);
    test_pair(new_path);
    test_old_complexity(old_path);
    test_future_fields(old_path);
    test_plans(old_path, new_path);
    remove(old_path);
    remove(new_path);
    return CHECK_DONE();
}
