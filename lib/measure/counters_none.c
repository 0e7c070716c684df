/*
 * Counters for systems without a supported counter interface: every event is "not supported
 * on this platform" and reads as NAN, so a run with --counters goes on and says why.
 */
#include "counters.h"
#include "microbe_internal.h"

#include <math.h>

int mb__counters_open(mb__counters *set, unsigned flags)
{
    (void)flags;
    if (!set) {
        return MB_EINVAL;
    }
    mb__counters_mark_all(set, "not supported on this platform");
    return 0;
}

int mb__counters_start(mb__counters *set)
{
    (void)set;
    return 0;
}

int mb__counters_stop(mb__counters *set)
{
    (void)set;
    return 0;
}

int mb__counters_read(mb__counters *set, double *values, double *coverage)
{
    for (size_t i = 0; i < set->n; i++) {
        values[i] = NAN;
        if (coverage) {
            coverage[i] = NAN;
        }
    }
    return 0;
}

void mb__counters_close(mb__counters *set)
{
    if (set) {
        mb__counters_mark_all(set, "not opened");
    }
}

void mb__counters_free(mb__counters *set)
{
    if (set) {
        mb__counters_close(set);
    }
    mb__counters_release(set);
}
