/*
 * Pinning the measuring thread (pin_linux.c, pin_none.c). Internal.
 */
#ifndef MB_PIN_H
#define MB_PIN_H

#include <stddef.h>

/* Pins the calling thread to one CPU. Returns 0, or MB_EINVAL with errno saying why. */
int mb__pin_cpu(int cpu);

/* The CPUs the calling thread may run on (its affinity, as --pin left it), at most max of them
 * in ascending order, into cpus; returns how many, 0 when the system cannot say. */
size_t mb__affinity_cpus(int *cpus, size_t max);

#endif
