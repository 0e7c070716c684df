/*
 * The name index of a set of results (mb_results): a hash table with open addressing from a
 * result's name to its place, so that reading, merging, finding and matching n results by
 * name costs O(n), not O(n^2) (test scale). set.c sizes the table with the set; match.c looks
 * baseline results up through it.
 *
 * slots[h] holds a result's index + 1, 0 when free; n_slots is 0 (no table yet) or a power of
 * two at least twice the set's capacity, so a probe always ends at a free slot.
 */
#include "set.h"

#include <stdint.h>
#include <string.h>

static size_t name_hash(const char *name)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (const unsigned char *c = (const unsigned char *)name; *c; c++)
        h = (h ^ *c) * 1099511628211u;
    return (size_t)(h ^ (h >> 32));
}

/* The slot holding name, or the free slot where it would go. */
static size_t slot_of(const mb_results *set, const char *name)
{
    size_t mask = set->n_slots - 1, h = name_hash(name) & mask;
    while (set->slots[h] && strcmp(set->results[set->slots[h] - 1].name, name) != 0)
        h = (h + 1) & mask;
    return h;
}

size_t mb__results_index_of(const mb_results *set, const char *name)
{
    if (!set->n_slots)
        return set->n;
    size_t slot = set->slots[slot_of(set, name)];
    return slot ? slot - 1 : set->n;
}

void mb__results_index_put(mb_results *set, size_t i)
{
    set->slots[slot_of(set, set->results[i].name)] = i + 1;
}

void mb__results_reindex(mb_results *set)
{
    if (!set->n_slots)
        return;
    memset(set->slots, 0, set->n_slots * sizeof *set->slots);
    for (size_t i = 0; i < set->n; i++)
        mb__results_index_put(set, i);
}
