/*
 * Complexity fits by benchmark (fits.c). Internal.
 */
#ifndef MB_FITS_H
#define MB_FITS_H

#include "microbe.h"

/* The complexity of every BENCH_P with MB_FIT_COMPLEXITY or MB_COMPLEXITY(f), one integer
 * parameter and at least three measured instances among the n results (results[i] measured
 * selected[i]): *fits receives a new array of *count fits (with their names after them in the same
 * block, to free()). Returns 0 or MB_ENOMEM. */
int mb__fit_groups(const mb_bench *const *selected, const mb_result *results, size_t n,
                   mb_complexity **fits, size_t *count);

#endif
