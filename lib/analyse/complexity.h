/*
 * Complexity fits (complexity.c). Internal.
 */
#ifndef MB_COMPLEXITY_H
#define MB_COMPLEXITY_H

#include "microbe.h"

/* Fits every complexity model, and user when not NULL, to the k points (n[i] >= 1, t[i] > 0:
 * median ns per iteration) and ranks them, best first, into fits (room for
 * MB_COMPLEXITY_MODELS + 1). Returns the number of fits. Pure. */
size_t mb__complexity_fit(const double *n, const double *t, size_t k, mb_complexity_fn user,
                          const char *user_name, mb_complexity_fit *fits);

#endif
