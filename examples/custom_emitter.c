/*
 * Writing an emitter of your own: a "ranking" that collects each benchmark's median as the
 * results arrive and, when the run ends, prints them fastest first, each as
 * "name: median ns ±x% (n.nnx the fastest)". It runs next to the built-in text report.
 *
 * What it shows: the callbacks and their return codes, copying what must outlive a callback
 * (results are borrowed for the call only), checking writes with ferror, and freeing the
 * emitter's state in destroy, which mb_ctx_free() calls.
 */
#include <microbe.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
    char *name; /* a copy: the result's name is only borrowed */
    double median_ns;
    double rel_half_width;
} entry;

typedef struct ranking {
    FILE *out;
    entry *entries;
    size_t n;
} ranking;

static int ranking_begin(void *user, const mb_run_info *info)
{
    ranking *r = user;
    /* Room for every selected benchmark, known from the start. */
    r->entries = calloc(info->n_benchmarks ? info->n_benchmarks : 1, sizeof *r->entries);
    return r->entries ? 0 : MB_ENOMEM;
}

static int ranking_result(void *user, const mb_run_info *info, const mb_result *result)
{
    ranking *r = user;
    if (result->status != MB_STATUS_OK || r->n == info->n_benchmarks)
        return 0; /* a failed benchmark has no median to rank */
    size_t len = strlen(result->name);
    char *name = malloc(len + 1);
    if (!name)
        return MB_ENOMEM; /* stops the run with this code */
    memcpy(name, result->name, len + 1);
    r->entries[r->n++] = (entry){name, result->median.point, result->rel_half_width};
    return 0;
}

static int by_median(const void *a, const void *b)
{
    double x = ((const entry *)a)->median_ns, y = ((const entry *)b)->median_ns;
    return (x > y) - (x < y);
}

static int ranking_end(void *user, const mb_run_info *info)
{
    ranking *r = user;
    (void)info;
    qsort(r->entries, r->n, sizeof *r->entries, by_median);
    fprintf(r->out, "\nranking, fastest first:\n");
    for (size_t i = 0; i < r->n; i++) {
        const entry *e = &r->entries[i];
        fprintf(r->out, "  %s: %.2f ns ±%.1f%% (%.2fx the fastest)\n", e->name, e->median_ns,
                100 * e->rel_half_width, e->median_ns / r->entries[0].median_ns);
    }
    fflush(r->out);
    return ferror(r->out) ? MB_EIO : 0;
}

static void ranking_destroy(void *user)
{
    ranking *r = user;
    for (size_t i = 0; i < r->n; i++)
        free(r->entries[i].name);
    free(r->entries);
    free(r);
}

/* Fills *emitter; the context that receives it owns the state from then on. */
static int ranking_new(mb_emitter *emitter, FILE *out)
{
    ranking *r = calloc(1, sizeof *r);
    if (!r)
        return MB_ENOMEM;
    r->out = out;
    *emitter = (mb_emitter){r, ranking_begin, ranking_result, ranking_end, ranking_destroy};
    return 0;
}

BENCH(sum_64)
{
    unsigned values[64];
    for (unsigned i = 0; i < 64; i++)
        values[i] = i * 2654435761u;
    MB_LOOP(state) {
        unsigned sum = 0;
        mb_black_box(values);
        for (int i = 0; i < 64; i++)
            sum += values[i];
        mb_black_box(&sum);
    }
}

BENCH(sqrt_64)
{
    double values[64];
    for (int i = 0; i < 64; i++)
        values[i] = i + 0.5;
    MB_LOOP(state) {
        double sum = 0;
        mb_black_box(values);
        for (int i = 0; i < 64; i++)
            sum += sqrt(values[i]);
        mb_black_box(&sum);
    }
}

int main(void)
{
    mb_settings settings;
    mb_settings_init(&settings);
    settings.measurement_time_s = 0.5;

    mb_ctx *ctx;
    int err = mb_ctx_new(&ctx, &settings);
    if (err) {
        fprintf(stderr, "custom_emitter: %s\n", mb_strerror(err));
        return 1;
    }
    /* Emitters are called in the order they were added: the report, then the ranking. The
     * context owns both from here on, even if adding fails. */
    mb_emitter text, rank;
    err = mb_emitter_new(&text, "text", stdout);
    if (!err)
        err = mb_ctx_add_emitter(ctx, &text);
    if (!err)
        err = ranking_new(&rank, stdout);
    if (!err)
        err = mb_ctx_add_emitter(ctx, &rank);
    if (!err)
        err = mb_run(ctx);
    if (err)
        fprintf(stderr, "custom_emitter: %s\n", mb_strerror(err));
    mb_ctx_free(ctx);
    return err ? 1 : 0;
}
