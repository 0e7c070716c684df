/*
 * The seed of one benchmark, derived from the run's seed and the benchmark's name: what the
 * measurement, the analysis and the comparison of that benchmark draw their randomness from.
 */
#include "microbe_internal.h"
#include "seed.h"

uint64_t mb__bench_seed(uint64_t seed, const char *name)
{
    /* FNV-1a over the name, then one splitmix64 step to spread the bits. */
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * UINT64_C(0x100000001b3);
    uint64_t z = seed ^ h;
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}
