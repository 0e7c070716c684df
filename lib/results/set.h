/*
 * The set of results read back from files (mb_results, microbe.h): its layout, shared by the
 * reader (load.c), the set's own functions (set.c) and the baselines on disk (baseline.c).
 * Internal.
 */
#ifndef MB_SET_H
#define MB_SET_H

#include "microbe.h"

#include <regex.h>

#include <stddef.h>

struct mb_results {
    mb_result *results; /* in file order; a later result of the same name replaces one */
    size_t n, cap;
    const char **names; /* the results' names, for info (room for cap) */
    mb_run_info info;   /* of the first file read; settings and env point below */
    mb_settings settings;
    mb_environment env;
    const char *source; /* the path of the first file read */
    size_t *slots;      /* the names' hash index (lookup.c), n_slots entries */
    size_t n_slots;
    void **blocks; /* everything the results and the info point into */
    size_t n_blocks, cap_blocks;
    mb_result *hidden; /* the results mb_results_filter removed, still matched against a
                          baseline so that a filter never changes a match */
    size_t n_hidden;
};

/* The name index (lookup.c). The place of the result named name, or set->n when there is
 * none. */
size_t mb__results_index_of(const mb_results *set, const char *name);
/* Indexes result i, whose name no other result of the set has; the table has room. */
void mb__results_index_put(mb_results *set, size_t i);
/* Indexes results 0 to n-1 afresh (after they moved); a no-op before the table exists. */
void mb__results_reindex(mb_results *set);

/* A new empty set (the info of no run: defaults, nothing known). NULL when memory runs out. */
mb_results *mb__results_new(void);

/* A zeroed block of size bytes owned by set (freed with it), or NULL when memory runs out. */
void *mb__results_keep(mb_results *set, size_t size);
/* A copy of s owned by set; NULL when s is NULL or memory runs out. */
const char *mb__results_keep_string(mb_results *set, const char *s);

/* Adds r (whose storage set already owns) to set, replacing the result of the same name.
 * Returns 0 or MB_ENOMEM. */
int mb__results_add(mb_results *set, const mb_result *r);

/* Moves every result of from into set (replacing those of the same name) and frees from.
 * Returns 0, or MB_ENOMEM with both unchanged. */
int mb__results_merge(mb_results *set, mb_results *from);

/* Whether r matches a compiled filter by its name or its parameter form ("sort/n:64"). */
int mb__result_matches(const regex_t *filter, const mb_result *r);

#endif
