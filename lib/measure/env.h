/*
 * The environment of a run (env.c). Internal.
 */
#ifndef MB_ENV_H
#define MB_ENV_H

#include "microbe.h"

#define MB__MAX_CACHES 16

/* The public struct with the storage its strings point into. */
typedef struct mb__env {
    mb_environment pub;
    char date[32];
    char host[256];
    char executable[4096];
    char os[512];
    char cpu_model[256];
    mb_cache cache[MB__MAX_CACHES];
    char cache_type[MB__MAX_CACHES][16];
    char governor[128];
    char isolated_cpus[256];
} mb__env;

void mb__env_capture(mb__env *env, int64_t start_time_unix);

/* The most CPUs whose governor the capture reads. */
#define MB__ENV_MAX_CPUS 1024

/* The frequency governor of CPUs cpus[0..n) (those this process may run on), read under
 * sysfs_root ("/sys"; tests give a fixture) into buf: their common governor, or "mixed: "
 * and each governor once, comma-separated, when they differ; "" when none can be read. CPUs
 * whose governor cannot be read are left out. n == 0 (unknown affinity) reads CPU 0. */
void mb__env_governor(const char *sysfs_root, const int *cpus, size_t n, char *buf, size_t size);

#endif
