/*
 * A performance test in a test binary of your own: one benchmark run by its name, saved as a
 * baseline on the first run and checked against it on every later one. The exit status is
 * the test's verdict: 0 passed, 1 regressed (or failed), 2 bad usage.
 *
 *   embed_test [microbe options] [--my-flag] [BENCHMARK]
 *
 * microbe's options (--smoke, --baseline-dir DIR, --measurement-time 1s, ...) and MICROBE_*
 * variables are read by mb_settings_from_args, which leaves the program's own arguments in
 * argv: here --my-flag, a stand-in for a test framework's flags, and the benchmark's name.
 */
#include <microbe.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define BASELINE "embed_test"

BENCH(checksum_4k)
{
    unsigned char data[4096];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)(i * 31);
    MB_LOOP(state) {
        uint32_t sum = 0;
        for (size_t i = 0; i < sizeof data; i++)
            sum = sum * 33 + data[i];
        mb_black_box(&sum);
    }
}

/* Compare with the baseline once it has this benchmark, else save it (unless the command
 * line chose either already). */
static void choose_baseline(mb_settings *s, const char *name)
{
    char path[4096];
    if (s->baseline || s->save_baseline)
        return;
    snprintf(path, sizeof path, "%s/%s/%s.json", s->baseline_dir ? s->baseline_dir : ".microbe",
             BASELINE, name);
    FILE *saved = fopen(path, "r");
    if (saved) {
        fclose(saved);
        s->baseline = BASELINE;
    } else {
        s->save_baseline = BASELINE;
    }
}

/* Runs the benchmark; returns the exit status. */
static int run_test(const mb_settings *s, const char *name)
{
    mb_ctx *ctx;
    const mb_result *r;
    if (mb_ctx_new(&ctx, s) != 0)
        return 2;
    int rc = mb_ctx_run_one(ctx, name, &r); /* errors are logged through s->log */
    int status = rc != 0 ? 2 : r->status == MB_STATUS_FAILED ? 1 : 0;
    if (rc == 0 && r->status != MB_STATUS_OK) {
        printf("%s: %s: %s\n", name, mb_status_name(r->status), r->message ? r->message : "");
    } else if (rc == 0 && s->smoke) {
        printf("%s: ok (smoke run: not measured)\n", name);
    } else if (rc == 0) {
        printf("%s: median %.1f ns", name, r->median.point);
        if (r->change.verdict != MB_VERDICT_NONE)
            printf(", %+.1f %% against baseline %s: %s", (r->change.ratio - 1) * 100, BASELINE,
                   mb_verdict_name(r->change.verdict));
        else
            printf(", saved as baseline %s", BASELINE);
        printf("\n");
        status = r->change.verdict == MB_VERDICT_REGRESSED ? 1 : 0;
    }
    mb_ctx_free(ctx);
    return status;
}

int main(int argc, char **argv)
{
    mb_settings settings;
    mb_settings_init(&settings);
    settings.log = mb_log_stderr; /* "embed_test: error: ..." on stderr */
    settings.log_user = "embed_test";
    settings.measurement_time_s = 0.2; /* this program's default; the command line wins */

    char message[256];
    if (mb_settings_from_args(&settings, &argc, argv, message, sizeof message) != 0) {
        fprintf(stderr, "embed_test: error: %s\n", message);
        return 2;
    }
    /* What is left is ours. */
    int my_flag = 0;
    const char *name = "checksum_4k";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--my-flag") == 0)
            my_flag = 1;
        else if (argv[i][0] != '-')
            name = argv[i];
        else {
            fprintf(stderr, "embed_test: error: unknown option '%s'\n", argv[i]);
            return 2;
        }
    }
    printf("own arguments: %d left, --my-flag %s\n", argc - 1, my_flag ? "given" : "not given");

    choose_baseline(&settings, name);
    return run_test(&settings, name);
}
