/*
 * Complexity by benchmark: the instances of each BENCH_P that asks for a fit (MB_FIT_COMPLEXITY
 * or MB_COMPLEXITY(f)) and has one integer parameter are gathered from a run's results and
 * handed to the fits of analyse/complexity.c, with the benchmark's own model when it has one.
 */
#include "microbe_internal.h"
#include "fits.h"
#include "complexity.h"
#include "registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COMPLEXITY_NAME_MAX 128

int mb__fit_groups(const mb_bench *const *selected, const mb_result *results, size_t n,
                   mb_complexity **fits, size_t *count)
{
    mb_complexity *out = malloc((n + 1) * (sizeof *out + COMPLEXITY_NAME_MAX));
    double *x = malloc((2 * n + 1) * sizeof *x), *t = x ? x + n : NULL;
    if (!out || !x) {
        free(out);
        free(x);
        *fits = NULL;
        *count = 0;
        return MB_ENOMEM;
    }
    char(*names)[COMPLEXITY_NAME_MAX] = (void *)(out + n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const mb_bench *b = selected[i];
        const mb_param *option = mb__bench_option(b, MB_OPTION_COMPLEXITY);
        int first = option && b->values && b->n_values == 1 && b->values[0].kind == MB_PARAM_INT;
        for (size_t j = 0; first && j < i; j++)
            first = selected[j]->params != b->params;
        if (!first)
            continue;
        size_t m = 0;
        for (size_t j = i; j < n; j++) {
            const mb_result *r = &results[j];
            if (selected[j]->params == b->params && r->status == MB_STATUS_OK &&
                r->median.point > 0 && selected[j]->values[0].i >= 1) {
                x[m] = (double)selected[j]->values[0].i;
                t[m++] = r->median.point;
            }
        }
        if (m < 3)
            continue;
        const char *slash = strchr(b->name, '/');
        snprintf(names[k], COMPLEXITY_NAME_MAX, "%.*s",
                 (int)(slash ? (size_t)(slash - b->name) : strlen(b->name)), b->name);
        out[k] = (mb_complexity){names[k], b->values[0].name, m, 0, {{0}}};
        out[k].n_fits = mb__complexity_fit(x, t, m, option->complexity, option->name, out[k].fits);
        k++;
    }
    free(x);
    *fits = out;
    *count = k;
    return 0;
}
