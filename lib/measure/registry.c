/*
 * The registry of benchmarks: the library's one global, an intrusive singly linked list of
 * static descriptors. mb_register() runs from constructors before main(), so it never
 * allocates and never fails for lack of memory.
 */
#include "microbe_internal.h"

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
