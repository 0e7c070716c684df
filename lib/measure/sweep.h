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
 * cache of each level (a last-level cache counts once: env lists one CPU's caches), at least
 * 8 MiB; 64 MiB when env is NULL or names no data cache; at most 1 GiB. Caches of unknown
 * type count as data caches. */
size_t mb__sweep_size(const mb_environment *env);

/* The cache a batch of mb_iter_batched inputs should fit in: the largest level-2 data or
 * unified cache, or 256 KiB when the environment does not say. */
size_t mb__batch_cache_bytes(const mb_environment *env);
/* A sweep buffer of bytes bytes (rounded up to a cache line, at least one), 64-byte aligned,
 * with its visiting order drawn now. Returns 0 with the sweep in *out (the caller's, for
 * mb__sweep_free) or MB_ENOMEM (*out NULL). */
int mb__sweep_new(mb__sweep **out, size_t bytes);
/* NULL is a no-op. */
void mb__sweep_free(mb__sweep *sweep);
/* Writes then reads every cache line of the buffer, in an order the hardware prefetchers
 * cannot anticipate across pages, and returns a value derived from what it read (so the reads
 * cannot be removed): the same value on every call for a buffer of the same size. Not to be
 * called on one sweep from two threads at once. */
unsigned mb__sweep_run(mb__sweep *sweep);

#endif
