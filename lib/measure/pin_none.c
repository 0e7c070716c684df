/*
 * Pinning the measuring thread, for systems without a supported affinity call: always fails
 * with ENOTSUP, so --pin says plainly that it cannot pin here; the CPUs it may run on are
 * unknown.
 */
#include "microbe_internal.h"
#include "pin.h"

#include <errno.h>

int mb__pin_cpu(int cpu)
{
    (void)cpu;
    errno = ENOTSUP;
    return MB_EINVAL;
}

size_t mb__affinity_cpus(int *cpus, size_t max)
{
    (void)cpus;
    (void)max;
    return 0;
}
