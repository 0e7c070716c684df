/*
 * The registry of benchmarks: the library's one global, an intrusive singly linked list of
 * static descriptors. mb_register() runs from constructors before main(), so it never
 * allocates and never fails for lack of memory. Also the selection of a run's benchmarks
 * from it: in a fixed order, parameterised ones expanded, filtered by name (or parameter
 * form).
 */
#include "instance_name.h"
#include "microbe_internal.h"
#include "registry.h"

#include <stdlib.h>
#include <string.h>

static mb_bench *registry_head;
static mb_bench *registry_tail;

int mb_register(mb_bench *bench)
{
    if (!bench || !bench->name || !bench->fn)
        return MB_EINVAL;
    if (bench->mb__registered)
        return 0;
    bench->mb__registered = 1;
    bench->mb__next = NULL;
    if (registry_tail)
        registry_tail->mb__next = bench;
    else
        registry_head = bench;
    registry_tail = bench;
    return 0;
}

mb_bench *mb__registry_first(void)
{
    return registry_head;
}

char *mb__exact_filter(const char *name)
{
    char *filter = malloc(2 * strlen(name) + 3), *p = filter;
    if (!filter)
        return NULL;
    *p++ = '^';
    for (const char *c = name; *c; c++) {
        if (strchr("\\^$.[]|()*+?{}", *c))
            *p++ = '\\';
        *p++ = *c;
    }
    *p++ = '$';
    *p = '\0';
    return filter;
}

/* (file, line, name) order: deterministic whatever order the constructors ran in. */
static int compare_bench(const void *a, const void *b)
{
    const mb_bench *x = *(const mb_bench *const *)a, *y = *(const mb_bench *const *)b;
    int c = strcmp(x->file ? x->file : "", y->file ? y->file : "");
    if (c)
        return c;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Whether name matches the filter (NULL: every name does). */
static int matches(const regex_t *filter, const char *name)
{
    return !filter || regexec(filter, name, 0, NULL, 0) == 0;
}

/* Whether an instance matches the filter by its name or by its parameter form ("sort/n:64"
 * for "sort/64"), so that a filter names a parameter whatever the instance's name shows. */
static int instance_matches(const regex_t *filter, const mb_bench *inst)
{
    if (matches(filter, inst->name))
        return 1;
    char *form = mb__param_form(inst->name, inst->values, inst->n_values);
    int match = form && matches(filter, form);
    free(form);
    return match;
}

/* Appends item to a growing array. Returns 0 or MB_ENOMEM. */
static int append(mb_bench ***list, size_t *n, size_t *cap, mb_bench *item)
{
    if (*n == *cap) {
        size_t grown_cap = *cap ? 2 * *cap : 16;
        mb_bench **grown =
            realloc(*list, grown_cap * sizeof *grown); /* NOLINT(bugprone-sizeof-expression) */
        if (!grown)
            return MB_ENOMEM;
        *list = grown;
        *cap = grown_cap;
    }
    (*list)[(*n)++] = item;
    return 0;
}

int mb__registry_select(const regex_t *filter, mb_bench ***out, size_t *count, mb_bench ***owned,
                        size_t *n_owned)
{
    size_t n = 0, k = 0, cap = 0, owned_cap = 0;
    for (mb_bench *b = mb__registry_first(); b; b = b->mb__next)
        n++;
    mb_bench **list = NULL;
    /* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers, sized by its element */
    mb_bench **sorted = malloc((n + 1) * sizeof *sorted);
    *owned = NULL;
    *n_owned = 0;
    if (!sorted)
        return MB_ENOMEM;
    n = 0;
    for (mb_bench *b = mb__registry_first(); b; b = b->mb__next)
        sorted[n++] = b;
    qsort(sorted, n, sizeof *sorted, compare_bench); /* NOLINT(bugprone-sizeof-expression) */
    int err = append(&list, &k, &cap, NULL); /* room for at least one, even when none match */
    k = 0;
    for (size_t i = 0; i < n && !err; i++) {
        if (!sorted[i]->n_params) {
            if (matches(filter, sorted[i]->name))
                err = append(&list, &k, &cap, sorted[i]);
            continue;
        }
        mb_bench **inst;
        size_t m;
        err = mb__param_instances(sorted[i], &inst, &m);
        for (size_t j = 0; j < m; j++) {
            int keep = !err && instance_matches(filter, inst[j]);
            if (keep)
                err = append(&list, &k, &cap, inst[j]);
            if (keep && !err)
                err = append(owned, n_owned, &owned_cap, inst[j]);
            else
                free(inst[j]);
        }
        free(inst);
    }
    free(sorted);
    if (err) {
        for (size_t i = 0; i < *n_owned; i++)
            free((*owned)[i]);
        free(*owned);
        free(list);
        *owned = NULL;
        *n_owned = 0;
        return err;
    }
    *out = list;
    *count = k;
    return 0;
}

void mb__instances_free(mb_bench **owned, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(owned[i]);
    free(owned);
}
