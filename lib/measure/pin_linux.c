/*
 * Pinning the measuring thread to one CPU, and reading which CPUs it may run on, Linux version
 * (sched_setaffinity, sched_getaffinity). Chosen by meson for Linux hosts; pin_none.c serves
 * the others.
 */
#define _GNU_SOURCE

#include "microbe_internal.h"
#include "pin.h"

#include <errno.h>
#include <sched.h>

int mb__pin_cpu(int cpu)
{
    if (cpu < 0 || cpu >= CPU_SETSIZE) {
        errno = EINVAL;
        return MB_EINVAL;
    }
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof set, &set) == 0 ? 0 : MB_EINVAL;
}

size_t mb__affinity_cpus(int *cpus, size_t max)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return 0;
    size_t n = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE && n < max; cpu++)
        if (CPU_ISSET(cpu, &set))
            cpus[n++] = cpu;
    return n;
}
