/*
 * The embedding API through the public header alone: mb_settings_from_args keeps the host's
 * own arguments in order and applies microbe's (and MICROBE_* variables) as mb_main does,
 * refuses a bad value in one line; mb_log_stderr writes mb_main's lines to stderr;
 * mb_ctx_run_one runs one benchmark by exact name and mb_ctx_find reads its result back.
 * Smoke runs only: nothing here depends on timing.
 */
#define _POSIX_C_SOURCE 200809L

#include "check.h"

#include <microbe.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

BENCH(embed_args_ok)
{
    int x = 1;
    MB_LOOP(state) {
        mb_black_box(&x);
    }
}

BENCH(embed_args_other)
{
    int x = 2;
    MB_LOOP(state) {
        mb_black_box(&x);
    }
}

BENCH_P(embed_args_p, MB_RANGE(n, 1, 4, 2))
{
    int64_t n = mb_param_int(state, "n");
    MB_LOOP(state) {
        mb_black_box(&n);
    }
}

#define MAX_WORDS 32

/* argv for the call: a copy of words (NULL-terminated) in args, its count returned. */
static int make_args(char **args, const char *const *words)
{
    int n = 0;
    for (; words[n]; n++)
        args[n] = (char *)(uintptr_t)words[n]; /* the call never writes the strings */
    args[n] = NULL;
    return n;
}

/* Checks that argc/argv are exactly want (NULL-terminated). */
static void check_args(int argc, char **argv, const char *const *want)
{
    int n = 0;
    while (want[n])
        n++;
    CHECK_INT(argc, ==, n);
    for (int i = 0; i < argc && i < n; i++)
        CHECK_STR(argv[i], want[i]);
    CHECK(argv[argc] == NULL);
}

static void test_host_arguments_kept(void)
{
    static const char *const words[] = {"prog",    "--my-flag", "--filter",  "embed_args_ok",
                                        "pos1",    "--seed=7",  "--my-opt",  "v",
                                        "--smoke", "-x",        "--samples", "20",
                                        "--quick", "--",        "--seed",    "9",
                                        "--smoke", NULL};
    static const char *const want[] = {"prog", "--my-flag", "pos1", "--my-opt", "v", "-x",
                                       "--",   "--seed",    "9",    "--smoke",  NULL};
    char *args[MAX_WORDS];
    int argc = make_args(args, words);
    mb_settings s;
    mb_settings_init(&s);
    char message[256] = "untouched";
    CHECK_INT(mb_settings_from_args(&s, &argc, args, message, sizeof message), ==, 0);
    check_args(argc, args, want);
    CHECK_STR(s.filter, "embed_args_ok");
    CHECK_INT(s.seed, ==, 7);
    CHECK_INT(s.smoke, ==, 1);
    CHECK_INT(s.min_samples, ==, 20);
    CHECK_INT(s.max_samples, ==, 20);
    CHECK_INT(s.quick, ==, 1);
    CHECK_NEAR(s.warm_up_time_s, 0.002, 0, 0); /* the quick profile */
}

/* The front end's own options are the host's: kept with their values, never errors. */
static void test_front_options_left(void)
{
    static const char *const words[] = {"prog",      "--help",
                                        "-h",        "--list",
                                        "--version", "--format",
                                        "json",      "--output=json:x",
                                        "--color",   "never",
                                        "--pin=0",   "--context",
                                        "a=b",       "--fail-on-regression",
                                        "FILTER",    "--isolate",
                                        NULL};
    static const char *const want[] = {"prog",      "--help",
                                       "-h",        "--list",
                                       "--version", "--format",
                                       "json",      "--output=json:x",
                                       "--color",   "never",
                                       "--pin=0",   "--context",
                                       "a=b",       "--fail-on-regression",
                                       "FILTER",    NULL};
    char *args[MAX_WORDS];
    int argc = make_args(args, words);
    mb_settings s;
    mb_settings_init(&s);
    CHECK_INT(mb_settings_from_args(&s, &argc, args, NULL, 0), ==, 0);
    check_args(argc, args, want);
    CHECK(s.filter == NULL);
    CHECK_INT(s.n_context, ==, 0);
    CHECK_INT(s.isolate, ==, 1);
}

/* A bad microbe option: MB_EINVAL, one line naming it, settings and argv unchanged. */
static void check_refused(const char *const *words, const char *needle)
{
    char *args[MAX_WORDS];
    int argc = make_args(args, words), given = argc;
    mb_settings s, before;
    mb_settings_init(&s);
    s.smoke = 1;
    before = s;
    char message[256] = "";
    CHECK_INT(mb_settings_from_args(&s, &argc, args, message, sizeof message), ==, MB_EINVAL);
    CHECK_INT(argc, ==, given);
    for (int i = 0; i < given; i++)
        CHECK(args[i] == words[i]);
    CHECK(memcmp(&s, &before, sizeof s) == 0);
    CHECK(strstr(message, needle) != NULL);
    CHECK(strchr(message, '\n') == NULL);
    CHECK(message[0] != '\0');
    if (!strstr(message, needle))
        fprintf(stderr, "  message: %s\n", message);
}

static void test_bad_values(void)
{
    static const char *const samples[] = {"prog", "--my-flag", "--samples=1", NULL};
    static const char *const missing[] = {"prog", "--filter", NULL};
    static const char *const switch_value[] = {"prog", "--smoke=yes", NULL};
    static const char *const baseline[] = {"prog", "--baseline", "a/b", NULL};
    static const char *const seconds[] = {"prog", "--measurement-time", "soon", "x", NULL};
    check_refused(samples, "--samples");
    check_refused(missing, "--filter");
    check_refused(switch_value, "--smoke");
    check_refused(baseline, "--baseline");
    check_refused(seconds, "soon");
}

static void test_environment(void)
{
    static const char *const none[] = {"prog", "--my-flag", NULL};
    static const char *const seed[] = {"prog", "--seed", "5", "--measurement-time=1s", NULL};
    char *args[MAX_WORDS];
    mb_settings s;

    setenv("MICROBE_SEED", "42", 1);
    setenv("MICROBE_QUICK", "1", 1);
    setenv("MICROBE_FORMAT", "no-such-format", 1); /* the front end's: ignored */
    setenv("MICROBE_CONTEXT", "not a pair", 1);    /* likewise */
    int argc = make_args(args, none);
    mb_settings_init(&s);
    s.smoke = 1; /* a host default, which nothing given changes */
    CHECK_INT(mb_settings_from_args(&s, &argc, args, NULL, 0), ==, 0);
    CHECK_INT(argc, ==, 2);
    CHECK_INT(s.seed, ==, 42);
    CHECK_INT(s.smoke, ==, 1);
    CHECK_NEAR(s.measurement_time_s, 0.01, 0, 0); /* the quick profile */

    argc = make_args(args, seed); /* argv wins over the variable and over --quick */
    mb_settings_init(&s);
    CHECK_INT(mb_settings_from_args(&s, &argc, args, NULL, 0), ==, 0);
    CHECK_INT(argc, ==, 1);
    CHECK_INT(s.seed, ==, 5);
    CHECK_NEAR(s.measurement_time_s, 1, 0, 0);
    CHECK_NEAR(s.warm_up_time_s, 0.002, 0, 0);

    setenv("MICROBE_SMOKE", "0", 1); /* a given switch's value replaces the host's */
    argc = make_args(args, none);
    mb_settings_init(&s);
    s.smoke = 1;
    CHECK_INT(mb_settings_from_args(&s, &argc, args, NULL, 0), ==, 0);
    CHECK_INT(s.smoke, ==, 0);
    unsetenv("MICROBE_SMOKE");

    setenv("MICROBE_SAMPLES", "1", 1);
    check_refused(none, "MICROBE_SAMPLES");
    unsetenv("MICROBE_SAMPLES");
    unsetenv("MICROBE_SEED");
    unsetenv("MICROBE_QUICK");
    unsetenv("MICROBE_FORMAT");
    unsetenv("MICROBE_CONTEXT");
}

/* What fn writes to stderr, in buf. */
static void capture_stderr(void (*fn)(void *), void *arg, char *buf, size_t size)
{
    char path[] = "/tmp/microbe-embed-args-XXXXXX";
    int fd = mkstemp(path), saved = dup(STDERR_FILENO);
    CHECK(fd >= 0 && saved >= 0);
    fflush(stderr);
    dup2(fd, STDERR_FILENO);
    fn(arg);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    ssize_t n = pread(fd, buf, size - 1, 0);
    buf[n > 0 ? n : 0] = '\0';
    close(fd);
    unlink(path);
}

static void log_lines(void *arg)
{
    (void)arg;
    char name[] = "prog";
    mb_log_stderr(NULL, MB_LOG_WARN, "hello");
    mb_log_stderr(name, MB_LOG_ERROR, "bad");
    mb_log_stderr(name, MB_LOG_INFO, "fyi");
}

static void run_unknown(void *arg)
{
    (void)arg;
    const mb_result *r = NULL;
    mb_settings s;
    mb_settings_init(&s);
    s.smoke = 1;
    s.log = mb_log_stderr;
    char name[] = "embedder";
    s.log_user = name;
    mb_ctx *ctx;
    CHECK_INT(mb_ctx_new(&ctx, &s), ==, 0);
    CHECK_INT(mb_ctx_run_one(ctx, "embed_args", &r), ==, MB_EINVAL);
    CHECK(r == NULL);
    mb_ctx_free(ctx);
}

static void test_logger(void)
{
    char out[512];
    capture_stderr(log_lines, NULL, out, sizeof out);
    CHECK_STR(out, "microbe: warning: hello\nprog: error: bad\nprog: note: fyi\n");
    capture_stderr(run_unknown, NULL, out, sizeof out);
    CHECK_STR(out, "embedder: error: no benchmark is named 'embed_args'\n");
}

static void test_run_one_and_find(void)
{
    mb_settings s;
    mb_settings_init(&s);
    s.smoke = 1;
    s.filter = "other"; /* the context's filter: run_one replaces it for its run only */
    mb_ctx *ctx;
    CHECK_INT(mb_ctx_new(&ctx, &s), ==, 0);
    CHECK(mb_ctx_find(ctx, "embed_args_ok") == NULL); /* nothing run yet */

    const mb_result *r = NULL;
    CHECK_INT(mb_ctx_run_one(ctx, "embed_args_ok", &r), ==, 0);
    CHECK_INT(mb_ctx_result_count(ctx), ==, 1);
    CHECK(r != NULL && r == mb_ctx_find(ctx, "embed_args_ok"));
    CHECK(r && r->status == MB_STATUS_OK);
    CHECK(mb_ctx_find(ctx, "embed_args_other") == NULL);
    CHECK(mb_ctx_find(ctx, "embed_args") == NULL); /* exact names only */

    CHECK_INT(mb_ctx_run_one(ctx, "embed_args_p/2", &r), ==, 0);
    CHECK_INT(mb_ctx_result_count(ctx), ==, 1);
    CHECK(r != NULL && r == mb_ctx_find(ctx, "embed_args_p/2"));

    CHECK_INT(mb_run(ctx), ==, 0); /* the settings' filter is back */
    CHECK_INT(mb_ctx_result_count(ctx), ==, 1);
    CHECK(mb_ctx_find(ctx, "embed_args_other") != NULL);
    CHECK(mb_ctx_find(ctx, "embed_args_ok") == NULL);

    CHECK_INT(mb_ctx_run_one(ctx, "embed_args_o.", &r), ==, MB_EINVAL); /* no regex */
    CHECK(r == NULL);
    mb_ctx_free(ctx);
}

int main(void)
{
    test_host_arguments_kept();
    test_front_options_left();
    test_bad_values();
    test_environment();
    test_logger();
    test_run_one_and_find();
    return CHECK_DONE();
}
