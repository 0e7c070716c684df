/*
 * --instructions from a program that embeds microbe: its own main(), settings.instructions
 * set, mb_run() called directly (no mb_main, no command line). The library runs this program
 * again under callgrind, without arguments, and the child's mb_run() answers; the counts must
 * be exact: whole numbers, the same in two runs, twice the chain's steps about twice the
 * instructions. The second run's children call mb_run() twice, as a program may: the count
 * must not double.
 *
 * With --check (meson's test) it measures and checks; without arguments it is the plain
 * embedding program, which is also what the callgrind children are. Exit 77 (skipped) when
 * valgrind is missing.
 */
#define _POSIX_C_SOURCE 200809L

#include <microbe.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The children's mb_run() calls per process (default 1). */
#define RUNS_ENV "MB_TEST_EMBED_RUNS"

static uint64_t chain(uint64_t x, int steps)
{
    for (int i = 0; i < steps; i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        mb_black_box(&x);
    }
    return x;
}

BENCH(chain_100)
{
    uint64_t x = 1;
    MB_LOOP(state) {
        x = chain(x, 100);
    }
    mb_black_box(&x);
}

BENCH(chain_200)
{
    uint64_t x = 1;
    MB_LOOP(state) {
        x = chain(x, 200);
    }
    mb_black_box(&x);
}

/* One run with its own settings and context: each benchmark's instructions per iteration in
 * counts (chain_100 first). Returns mb_run()'s result. */
static int run(double counts[2])
{
    mb_settings settings;
    mb_settings_init(&settings);
    settings.instructions = 1;
    settings.warm_up_time_s = 0.01;
    settings.measurement_time_s = 0.05;
    mb_ctx *ctx;
    int err = mb_ctx_new(&ctx, &settings);
    if (err)
        return err;
    err = mb_run(ctx);
    for (size_t i = 0; !err && i < mb_ctx_result_count(ctx); i++) {
        const mb_result *r = mb_ctx_result(ctx, i);
        counts[strcmp(r->name, "chain_100") == 0 ? 0 : 1] = r->instructions_per_iter;
    }
    mb_ctx_free(ctx);
    return err;
}

static int failures;

static void check(int ok, const char *what, const double counts[2])
{
    printf("%s: %s (chain_100 %.17g, chain_200 %.17g)\n", ok ? "ok" : "FAILED", what, counts[0],
           counts[1]);
    failures += !ok;
}

static int exact(double count)
{
    return count > 0 && isfinite(count) && count == floor(count);
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--check") != 0) {
        const char *runs = getenv(RUNS_ENV);
        double counts[2];
        int err = 0;
        for (int i = 0; !err && i < (runs ? atoi(runs) : 1); i++)
            err = run(counts);
        if (err)
            fprintf(stderr, "embed_instructions: %s\n", mb_strerror(err));
        return err ? 1 : 0;
    }
#ifndef MB_TEST_CALLGRIND
    puts("skipped: built without valgrind's headers (valgrind is not installed)");
    return 77;
#else
    if (system("valgrind --version >/dev/null 2>&1") != 0) {
        puts("skipped: valgrind is not installed");
        return 77;
    }
    double first[2] = {NAN, NAN}, again[2] = {NAN, NAN};
    int err = run(first);
    check(err == 0, mb_strerror(err), first);
    check(exact(first[0]) && exact(first[1]), "exact counts from mb_run() in a program's main",
          first);
    check(first[1] / first[0] > 1.9 && first[1] / first[0] < 2.1,
          "twice the steps, about twice the instructions", first);
    if (setenv(RUNS_ENV, "2", 1) != 0)
        return 1;
    err = run(again);
    check(err == 0, mb_strerror(err), again);
    check(again[0] == first[0] && again[1] == first[1],
          "the same counts again, with children that run mb_run() twice", again);
    return failures ? 1 : 0;
#endif
}
