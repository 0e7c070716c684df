/*
 * Parameterised benchmarks (BENCH_P): the instances of a descriptor, one per combination of
 * its parameters' values, each a copy of the descriptor with its own name and values; and the
 * accessors a body reads its values with.
 */
#include "microbe_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "instance_name.h"
#include "registry.h"

/* The most values one range may produce, and instances one benchmark may have. */
#define MAX_RANGE_VALUES 4096
#define MAX_INSTANCES 100000

/* The values of a range: low, then (times or plus step) while below high, then high. */
static size_t range_values(const mb_param *p, int64_t *out)
{
    size_t n = 0;
    int64_t v = p->range_low;
    if (p->range_low > p->range_high || p->range_step < (p->range_geometric ? 2 : 1))
        return 0;
    while (v < p->range_high && n < MAX_RANGE_VALUES - 1) {
        out[n++] = v;
        if (p->range_geometric ? v > INT64_MAX / p->range_step || v <= 0
                               : v > INT64_MAX - p->range_step)
            break;
        v = p->range_geometric ? v * p->range_step : v + p->range_step;
    }
    out[n++] = p->range_high;
    return n;
}

/* Whether p is a parameter (with values, part of the name) rather than an option. */
static int is_parameter(const mb_param *p)
{
    return p->kind <= MB_PARAM_THREADS;
}

/* A parameter's value count (its range's values in scratch); 1 for an option, which takes
 * no part in the combinations. */
static size_t count_values(const mb_param *p, int64_t *scratch)
{
    if (!is_parameter(p))
        return 1;
    return p->n_values ? p->n_values : p->kind == MB_PARAM_INT ? range_values(p, scratch) : 0;
}

const mb_param *mb__bench_option(const mb_bench *b, mb_param_kind kind)
{
    for (size_t j = 0; b->params && j < b->n_params; j++)
        if (b->params[j].kind == kind)
            return &b->params[j];
    return NULL;
}

/* The instance of b for one combination of its values (choice[j]: the index of parameter
 * j's value; ranges: expanded MB_RANGE values), named by
 * mb__param_suffix: one block holding the descriptor, its values and its name, to
 * free(). NULL when out of memory. */
static mb_bench *make_instance(const mb_bench *b, int64_t (*ranges)[MAX_RANGE_VALUES],
                               const size_t *choice)
{
    size_t np = b->n_params, suffix = 0;
    for (size_t j = 0; j < np; j++)
        suffix +=
            strlen(b->params[j].name) + 48 +
            (b->params[j].kind == MB_PARAM_STRING ? strlen(b->params[j].strings[choice[j]]) : 0);
    /* The name, and the group's name of a parameterised group. */
    size_t name_size =
        strlen(b->name) + suffix + 1 + (b->group ? strlen(b->group) + suffix + 1 : 0);
    char *block = malloc(sizeof(mb_bench) + np * sizeof(mb_param_value) + name_size);
    if (!block)
        return NULL;
    mb_bench *inst = (mb_bench *)(void *)block;
    mb_param_value *values = (mb_param_value *)(void *)(block + sizeof(mb_bench));
    char *name = block + sizeof(mb_bench) + np * sizeof(mb_param_value);
    *inst = *b;
    inst->mb__next = NULL;
    inst->values = values;
    inst->n_values = 0;
    size_t len = (size_t)snprintf(name, name_size, "%s", b->name);
    for (size_t j = 0; j < np; j++) {
        const mb_param *p = &b->params[j];
        if (!is_parameter(p))
            continue;
        mb_param_value *v = &values[inst->n_values++];
        *v = (mb_param_value){p->name, p->kind, 0, 0, NULL, NULL};
        if (p->kind == MB_PARAM_INT || p->kind == MB_PARAM_THREADS)
            v->i = p->n_values ? p->ints[choice[j]] : ranges[j][choice[j]];
        else if (p->kind == MB_PARAM_DOUBLE)
            v->d = p->doubles[choice[j]];
        else {
            v->s = p->strings[choice[j]];
            v->fn = p->functions ? p->functions[choice[j]] : NULL;
        }
    }
    len += mb__param_suffix(name + len, name_size - len, values, inst->n_values, 0) + 1;
    inst->name = name;
    /* A parameterised group (BENCH_GROUP_P): the instances that share the values of every
     * parameter but the first are one comparison group, "group/p:v/...". */
    if (b->group && inst->n_values >= 2) {
        char *group = name + len;
        size_t glen = (size_t)snprintf(group, name_size - len, "%s", b->group);
        mb__param_suffix(group + glen, name_size - len - glen, values + 1, inst->n_values - 1, 1);
        inst->group = group;
    }
    return inst;
}

int mb__param_instances(const mb_bench *b, mb_bench ***out, size_t *count)
{
    *out = NULL;
    *count = 0;
    size_t np = b->n_params, total = 1;
    int64_t(*ranges)[MAX_RANGE_VALUES] = calloc(np ? np : 1, sizeof *ranges);
    size_t *n_values = calloc(np ? np : 1, sizeof *n_values);
    size_t *choice = calloc(np ? np : 1, sizeof *choice);
    if (!ranges || !n_values || !choice) {
        free(ranges);
        free(n_values);
        free(choice);
        return MB_ENOMEM;
    }
    for (size_t j = 0; j < np; j++) {
        n_values[j] = count_values(&b->params[j], ranges[j]);
        total = n_values[j] && total <= MAX_INSTANCES / n_values[j] ? total * n_values[j] : 0;
    }
    mb_bench **list =
        total ? calloc(total, sizeof *list) : NULL; /* NOLINT(bugprone-sizeof-expression) */
    int err = total && !list ? MB_ENOMEM : 0;
    for (size_t k = 0; list && k < total; k++) {
        list[k] = make_instance(b, ranges, choice);
        if (!list[k]) {
            err = MB_ENOMEM;
            break;
        }
        *count = k + 1;
        /* The next combination: the last parameter varies fastest. */
        for (size_t j = np; j-- > 0;) {
            if (++choice[j] < n_values[j])
                break;
            choice[j] = 0;
        }
    }
    free(ranges);
    free(n_values);
    free(choice);
    if (err) {
        for (size_t k = 0; k < *count; k++)
            free(list[k]);
        free(list);
        *count = 0;
        return err;
    }
    *out = list;
    return 0;
}

unsigned mb__bench_threads(const mb_bench *b)
{
    for (size_t j = 0; b->values && j < b->n_values; j++)
        if (b->values[j].kind == MB_PARAM_THREADS)
            return b->values[j].i >= 1 && b->values[j].i <= MB__THREADS_MAX
                       ? (unsigned)b->values[j].i
                       : 0;
    return 1;
}

double mb__bench_time_s(const mb_bench *b, const mb_settings *s)
{
    const mb_param *t = mb__bench_option(b, MB_OPTION_TIME);
    double own = t && t->n_values == 1 && t->doubles ? t->doubles[0] : 0;
    if (!(own > 0 && own <= 1e6))
        return s->measurement_time_s; /* none, or not a time: the run's */
    return s->quick && s->measurement_time_s < own ? s->measurement_time_s : own;
}

void mb__result_identify(mb_result *r, const mb_bench *bench)
{
    const mb_param *mode = mb__bench_option(bench, MB_OPTION_MODE);
    r->name = bench->name;
    r->file = bench->file;
    r->line = bench->line;
    r->build = bench->build;
    r->compiler = bench->compiler;
    r->group = bench->group;
    r->params = bench->values;
    r->n_params = bench->n_values;
    r->threads = mb__bench_threads(bench);
    r->mode = mode ? mode->mode : MB_MODE_NORMAL;
}
