/*
 * Pinning the measuring thread to one CPU, Linux version (sched_setaffinity). Chosen by meson
 * for Linux hosts; pin_none.c serves the others.
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
