/*
 * Which saved result each benchmark is compared with (match.c): by name, else by its
 * parameters (docs/comparing.md, "Renamed benchmarks"). Internal.
 */
#ifndef MB_MATCH_H
#define MB_MATCH_H

#include "microbe.h"

#include <stddef.h>

/* A benchmark as matching sees it: its name and parameter values, and whether it has samples
 * to compare (one without is not said to lack a baseline). */
typedef struct mb__match_key {
    const char *name;
    const mb_param_value *params;
    size_t n_params;
    int measured;
} mb__match_key;

/* Matches the benchmarks keys[0..n) with the results of baseline: keys[0..n_compared) are
 * those compared, whose match goes to olds[i] (NULL for none); the others are the benchmarks
 * there are besides (not selected, filtered out), matched too so that a selection never
 * changes a match. Then logs through s, prefixed with label, one warning line each: the
 * measured benchmarks compared that have no baseline, those compared with a baseline result
 * of another name, and the baseline results that no benchmark matched. Returns 0 or
 * MB_ENOMEM. */
int mb__baseline_match(const mb__match_key *keys, size_t n_compared, size_t n,
                       const mb_results *baseline, const mb_result **olds, const mb_settings *s,
                       const char *label);

#endif
