/*
 * Cache eviction for cold single-shot runs (MB_COLD): a buffer larger than the caches that is
 * written and read through line by line, so that what a benchmark touched before is no longer
 * cached when its timed invocation starts.
 */
#ifndef MB_SWEEP_H
#define MB_SWEEP_H

#include "microbe.h"

#include <stddef.h>

typedef struct mb__sweep mb__sweep;

/* The buffer size that evicts the caches of env: twice the sum of the largest data or unified
 * cache of each level (a last-level cache counts once), at least 8 MiB; 64 MiB when env says
 * nothing about caches; at most 1 GiB. */
size_t mb__sweep_size(const mb_environment *env);
/* A sweep buffer of bytes bytes (rounded up to a cache line). Returns 0 or MB_ENOMEM. */
int mb__sweep_new(mb__sweep **out, size_t bytes);
void mb__sweep_free(mb__sweep *sweep);
/* Writes then reads every cache line of the buffer, in an order the hardware prefetchers
 * cannot anticipate across pages, and returns a value derived from what it read (so the reads
 * cannot be removed). */
unsigned mb__sweep_run(mb__sweep *sweep);

#endif
