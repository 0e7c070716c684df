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
    char governor[64];
    char isolated_cpus[256];
} mb__env;

void mb__env_capture(mb__env *env, int64_t start_time_unix);

#endif
