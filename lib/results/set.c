/*
 * Sets of results read back from files (mb_results): their storage, lookup, filtering, and
 * the glue that compares a set with another (the rules are compare.c's) and feeds a set to an
 * emitter. Reading a file into a set is load.c's.
 */
#include "instance_name.h"
#include "names.h"
#include "set.h"

#include "compare.h"
#include "match.h"

#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

mb_results *mb__results_new(void)
{
    mb_results *set = calloc(1, sizeof *set);
    if (!set)
        return NULL;
    mb_settings_init(&set->settings);
    set->env = mb__env_unknown;
    set->info.library_version = "";
    set->info.timer = "";
    set->info.settings = &set->settings;
    set->info.env = &set->env;
    set->source = "";
    return set;
}

void *mb__results_keep(mb_results *set, size_t size)
{
    if (set->n_blocks == set->cap_blocks) {
        size_t cap = set->cap_blocks ? 2 * set->cap_blocks : 16;
        void **grown = realloc(set->blocks, cap * sizeof *grown);
        if (!grown)
            return NULL;
        set->blocks = grown;
        set->cap_blocks = cap;
    }
    void *block = calloc(1, size ? size : 1);
    if (block)
        set->blocks[set->n_blocks++] = block;
    return block;
}

const char *mb__results_keep_string(mb_results *set, const char *s)
{
    if (!s)
        return NULL;
    char *copy = mb__results_keep(set, strlen(s) + 1);
    if (copy)
        memcpy(copy, s, strlen(s) + 1);
    return copy;
}

/* Room for `more` results beyond n. */
static int reserve(mb_results *set, size_t more)
{
    if (set->n + more <= set->cap)
        return 0;
    size_t cap = set->cap ? set->cap : 8;
    while (cap < set->n + more)
        cap *= 2;
    mb_result *results = realloc(set->results, cap * sizeof *results);
    if (results)
        set->results = results;
    const char **names = results ? realloc(set->names, cap * sizeof *names) : NULL;
    if (names) {
        set->names = names;
        set->info.names = names;
    }
    size_t *slots = names ? calloc(2 * cap, sizeof *slots) : NULL;
    if (!slots)
        return MB_ENOMEM;
    free(set->slots);
    set->slots = slots;
    set->n_slots = 2 * cap;
    set->cap = cap;
    mb__results_reindex(set);
    return 0;
}

int mb__results_add(mb_results *set, const mb_result *r)
{
    size_t i = mb__results_index_of(set, r->name);
    if (i == set->n && reserve(set, 1))
        return MB_ENOMEM;
    set->results[i] = *r;
    set->names[i] = set->results[i].name;
    if (i == set->n)
        mb__results_index_put(set, set->n++);
    set->info.n_benchmarks = set->n;
    return 0;
}

int mb__results_merge(mb_results *set, mb_results *from)
{
    if (reserve(set, from->n))
        return MB_ENOMEM;
    if (set->cap_blocks < set->n_blocks + from->n_blocks) {
        size_t cap = set->n_blocks + from->n_blocks;
        void **grown = realloc(set->blocks, cap * sizeof *grown);
        if (!grown)
            return MB_ENOMEM;
        set->blocks = grown;
        set->cap_blocks = cap;
    }
    if (from->n_blocks)
        memcpy(set->blocks + set->n_blocks, from->blocks, from->n_blocks * sizeof *from->blocks);
    set->n_blocks += from->n_blocks;
    from->n_blocks = 0;
    for (size_t i = 0; i < from->n; i++)
        mb__results_add(set, &from->results[i]); /* cannot fail: room was reserved */
    mb_results_free(from);
    return 0;
}

void mb_results_free(mb_results *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->n_blocks; i++)
        free(set->blocks[i]);
    free(set->blocks);
    free(set->results);
    free(set->names);
    free(set->hidden);
    free(set->slots);
    free(set);
}

size_t mb_results_count(const mb_results *set)
{
    return set->n;
}

const mb_result *mb_results_get(const mb_results *set, size_t index)
{
    return index < set->n ? &set->results[index] : NULL;
}

const mb_result *mb_results_find(const mb_results *set, const char *name)
{
    size_t i = mb__results_index_of(set, name);
    return i < set->n ? &set->results[i] : NULL;
}

const mb_run_info *mb_results_info(const mb_results *set)
{
    return &set->info;
}

int mb__result_matches(const regex_t *filter, const mb_result *r)
{
    if (regexec(filter, r->name, 0, NULL, 0) == 0)
        return 1;
    char *form = mb__param_form(r->name, r->params, r->n_params);
    int match = form && regexec(filter, form, 0, NULL, 0) == 0;
    free(form);
    return match;
}

int mb_results_filter(mb_results *set, const char *filter)
{
    if (!filter || !filter[0])
        return 0;
    regex_t re;
    if (regcomp(&re, filter, REG_EXTENDED | REG_NOSUB) != 0)
        return MB_EREGEX;
    mb_result *hidden = realloc(set->hidden, (set->n_hidden + set->n + 1) * sizeof *hidden);
    if (!hidden) {
        regfree(&re);
        return MB_ENOMEM;
    }
    set->hidden = hidden;
    size_t k = 0;
    for (size_t i = 0; i < set->n; i++) {
        mb_result r = set->results[i];
        if (!mb__result_matches(&re, &r)) {
            set->hidden[set->n_hidden++] = r;
            continue;
        }
        set->results[k] = r;
        set->names[k++] = r.name;
    }
    regfree(&re);
    set->n = k;
    set->info.n_benchmarks = k;
    if (set->n_slots)
        mb__results_reindex(set);
    return 0;
}

/* The settings of a comparison, recorded where the emitters read them. */
static int record_comparison(mb_results *set, const mb_settings *s, const char *name,
                             double run_noise)
{
    const char *kept = mb__results_keep_string(set, name);
    if (!kept)
        return MB_ENOMEM;
    set->settings.baseline = kept;
    set->settings.noise_threshold = s->noise_threshold;
    set->settings.significance = s->significance;
    set->settings.run_noise = run_noise;
    set->settings.instructions_threshold = s->instructions_threshold;
    set->info.pairs = 0;
    set->info.pairs_stop = NULL;
    return 0;
}

int mb_results_compare(mb_results *set, const mb_results *baseline, const mb_settings *s)
{
    /* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
    const mb_result **olds = malloc((set->n + 1) * sizeof *olds);
    if (!olds)
        return MB_ENOMEM;
    size_t n = set->n + set->n_hidden;
    mb__match_key *keys = malloc((n + 1) * sizeof *keys);
    for (size_t i = 0; keys && i < n; i++) {
        const mb_result *r = i < set->n ? &set->results[i] : &set->hidden[i - set->n];
        keys[i] = (mb__match_key){r->name, r->params, r->n_params, r->n_samples > 0};
    }
    const char *name = s->baseline ? s->baseline : baseline->source;
    int err = keys ? mb__baseline_match(keys, set->n, n, baseline, olds, s, name) : MB_ENOMEM;
    if (!err)
        err = mb__compare_results(set->results, set->n, olds, s);
    free(keys);
    free(olds);
    if (!err)
        err = record_comparison(set, s, name, s->run_noise);
    return err;
}

int mb_results_pair(mb_results *set, const double *const *old_rounds,
                    const double *const *new_rounds, size_t rounds, const mb_settings *s)
{
    /* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
    mb_change **changes = malloc((set->n + 1) * sizeof *changes);
    if (!changes)
        return MB_ENOMEM;
    int err = 0;
    size_t k = 0;
    for (size_t i = 0; i < set->n && !err; i++) {
        mb_result *r = &set->results[i];
        r->change = r->instructions_change = (mb_change){0};
        if (old_rounds[i] && new_rounds[i])
            err = mb__change_paired(old_rounds[i], new_rounds[i], rounds, s, &r->change);
        if (r->change.verdict != MB_VERDICT_NONE)
            changes[k++] = &r->change;
    }
    if (!err)
        err = mb__change_verdicts(changes, k, s);
    free(changes);
    if (!err)
        err = record_comparison(set, s, s->baseline ? s->baseline : "old", 0);
    if (!err)
        set->info.pairs = rounds;
    return err;
}

int mb_results_set_stop(mb_results *set, const char *reason)
{
    const char *kept = mb__results_keep_string(set, reason);
    if (reason && !kept)
        return MB_ENOMEM;
    set->info.pairs_stop = kept;
    return 0;
}

int mb_results_emit(const mb_results *set, const mb_emitter *e)
{
    int err = e->begin ? e->begin(e->user, &set->info) : 0;
    for (size_t i = 0; i < set->n && !err; i++)
        err = e->result ? e->result(e->user, &set->info, &set->results[i]) : 0;
    if (!err && e->end)
        err = e->end(e->user, &set->info);
    return err;
}
