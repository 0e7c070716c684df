/*
 * The registered benchmarks (registry.c): selection, parameterised instances (params.c) and
 * exact-name filters. Internal.
 */
#ifndef MB_REGISTRY_H
#define MB_REGISTRY_H

#include "microbe.h"

#include <regex.h>

mb_bench *mb__registry_first(void);

/* The registered descriptors in (file, line, name) order, parameterised ones replaced by their
 * instances in the order of their values; those whose name matches filter (NULL: all). The
 * instances selected are also listed in *owned, to free with mb__instances_free. Returns 0 or
 * MB_ENOMEM. */
int mb__registry_select(const regex_t *filter, mb_bench ***out, size_t *count, mb_bench ***owned,
                        size_t *n_owned);
void mb__instances_free(mb_bench **owned, size_t n);

/* The instances of parameterised descriptor b (b->n_params > 0), one per combination of its
 * values, named "name/value" or "name/p:value/q:value": *out receives *count new descriptors,
 * each one block to free(), in a new array to free(). A range that yields nothing, or more
 * than 100000 combinations, gives no instance. Returns 0 or MB_ENOMEM. */
int mb__param_instances(const mb_bench *b, mb_bench ***out, size_t *count);

/* The measurement time of b's instances under settings s: its MB_MEASUREMENT_TIME (the
 * shorter of it and the run's under --quick), or the run's. */
double mb__bench_time_s(const mb_bench *b, const mb_settings *s);

/* The first option of that kind among b's parameters (MB_OPTION_*), or NULL. */
const mb_param *mb__bench_option(const mb_bench *b, mb_param_kind kind);
/* The most threads one threaded instance may run on. */
#define MB__THREADS_MAX 1024
/* The thread count of an instance: its MB_THREADS value, 1 without one, 0 when the value is
 * outside 1 to MB__THREADS_MAX (the benchmark then fails saying so). */
unsigned mb__bench_threads(const mb_bench *b);
/* Fills r's identity from bench: name, place, build, group, parameters, threads, mode. */
void mb__result_identify(mb_result *r, const mb_bench *bench);

/* "^name$" with every character special to a POSIX extended regular expression escaped: the
 * --filter that selects exactly the benchmark `name`. A new string to free(), or NULL. */
char *mb__exact_filter(const char *name);

#endif
