/*
 * Embedding microbe in a program of your own: settings, a context, a run, and the results
 * read back through the public structures, without microbe_main or the command line.
 */
#include <microbe.h>

#include <stdio.h>
#include <stdlib.h>

static int compare_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

BENCH(qsort_256)
{
    int values[256];
    MB_LOOP(state) {
        for (int i = 0; i < 256; i++)
            values[i] = (i * 7919) % 256;
        qsort(values, 256, sizeof values[0], compare_int);
        mb_black_box(values);
    }
}

BENCH(fill_256)
{
    int values[256];
    MB_LOOP(state) {
        for (int i = 0; i < 256; i++)
            values[i] = (i * 7919) % 256;
        mb_black_box(values);
    }
}

int main(void)
{
    mb_settings settings;
    mb_settings_init(&settings);
    settings.measurement_time_s = 0.5; /* a shorter budget than the default 2 s */

    mb_ctx *ctx;
    int err = mb_ctx_new(&ctx, &settings);
    if (err) {
        fprintf(stderr, "embed: %s\n", mb_strerror(err));
        return 1;
    }
    err = mb_run(ctx); /* no emitter: results are only read back below */
    if (err) {
        fprintf(stderr, "embed: %s\n", mb_strerror(err));
        mb_ctx_free(ctx);
        return 1;
    }

    /* qsort_256 includes the fill; subtract fill_256 for an estimate of the sort alone. */
    double sort_ns = 0, fill_ns = 0;
    for (size_t i = 0; i < mb_ctx_result_count(ctx); i++) {
        const mb_result *r = mb_ctx_result(ctx, i);
        printf("%-10s median %8.1f ns [%.1f, %.1f], %zu samples\n", r->name, r->median.point,
               r->median.low, r->median.high, r->n_samples);
        if (r->name[0] == 'q')
            sort_ns = r->median.point;
        else
            fill_ns = r->median.point;
    }
    printf("sort alone: about %.1f ns\n", sort_ns - fill_ns);
    mb_ctx_free(ctx);
    return 0;
}
