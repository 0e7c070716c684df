/*
 * One benchmark's raw measurement made into its mb_result (result.c), with the statistics
 * computed from the samples (analyze.c).
 */
#ifndef MB_RESULT_H
#define MB_RESULT_H

#include "microbe_internal.h"
#include "seed.h"

/* What a result is made of besides its measurement. */
typedef struct mb__result_inputs {
    const mb_bench *bench;        /* identity: name, place, build, group, parameters, threads */
    const mb_settings *settings;  /* confidence, resamples, precision */
    uint64_t seed;                /* the benchmark's seed (mb__bench_seed) */
    double loop_ns;               /* an empty MB_LOOP's time per iteration, 0 if unknown */
    const mb__counters *counters; /* the run's counter set, or NULL */
    const size_t *part_ends;      /* where each part's samples end (mb__measurement_merge) */
    size_t n_parts;               /* 0 or 1: one part */
} mb__result_inputs;

/* Fills *r (all of it, from zero) from m and in: identity, status and message, the samples
 * and their statistics, counters, user counters, throughput, mode and warnings. Everything
 * r points to that is not the benchmark's own (its name, place, parameters) lives in one new
 * block *block, freed with free(); m is not kept. Pure given its arguments. Returns 0, or
 * MB_ENOMEM with *block NULL. */
int mb__result_make(const mb__measurement *m, const mb__result_inputs *in, mb_result *r,
                    void **block);

/* The statistics, outliers and diagnostics of r from the samples in m (r->n_samples set):
 * each sample's outlier class into cls; scratch holds 4 * m->n doubles. With parts (in), the
 * diagnostics of the samples see each part's samples scaled to the common median. Returns 0
 * or MB_ENOMEM. */
int mb__analyze(const mb__measurement *m, const mb__result_inputs *in, mb_result *r,
                unsigned char *cls, double *scratch);

/* The counters of m (m->n_counters of set) into out, with their per-iteration medians,
 * intervals and coverage, each one's m->n sample totals in totals (n_counters * n), and their
 * ratios into r. scratch holds 2 * m->n + n_counters doubles. */
void mb__analyze_counters(const mb__measurement *m, const mb__counters *set, double conf,
                          mb_result *r, mb_counter *out, double *totals, double *scratch);

/* The user counters of m (mb_set_counter) into out (m->report.n_user of them): each one's
 * median over the samples with its distribution-free interval, and mean; their names into
 * names (MB__USER_NAME_MAX bytes each). scratch holds m->n doubles. */
void mb__analyze_user_counters(const mb__measurement *m, double conf, mb_user_counter *out,
                               char *names, double *scratch);

#endif
