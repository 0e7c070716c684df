/*
 * The seed of one benchmark (seed.c). Internal.
 */
#ifndef MB_SEED_H
#define MB_SEED_H

#include <stdint.h>

/* The seed of one benchmark: the run's seed mixed with a hash of its name, so a filtered run
 * measures and analyses each benchmark exactly as a full run does. */
uint64_t mb__bench_seed(uint64_t seed, const char *name);

#endif
