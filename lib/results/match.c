/*
 * Which saved result each benchmark is compared with, for a run against its baseline and for
 * mb_results_compare: the result of the same name; else, for a benchmark whose name changed
 * with its parameters (one added or removed, "sort/64" become "sort/n:64/algo:quick"), the
 * one result of the same benchmark whose parameter values agree with its own, when that
 * result agrees with no other benchmark (docs/comparing.md, "Renamed benchmarks"). And the
 * warnings that name what did not match.
 */
#include "match.h"

#include "instance_name.h"
#include "log.h"
#include "set.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NONE SIZE_MAX

/* A line listing names, cut short (with how many were left out) to fit one log message. */
typedef struct name_list {
    char text[360];
    size_t len, count, left_out;
} name_list;

static void list_add(name_list *l, const char *name, const char *saved_as)
{
    char item[200];
    size_t len = (size_t)snprintf(item, sizeof item, "%s%s%s%s", l->count ? ", " : "", name,
                                  saved_as ? " (saved as " : "", saved_as ? saved_as : "");
    if (saved_as && len + 1 < sizeof item)
        item[len++] = ')', item[len] = '\0';
    l->count++;
    if (l->left_out || len >= sizeof item || l->len + len >= sizeof l->text - 1) {
        l->left_out++;
        return;
    }
    for (const char *c = item; *c; c++) { /* one line, whatever a string parameter holds */
        char shown = *c;
        if ((unsigned char)shown < 0x20 || shown == 0x7f)
            shown = '?';
        l->text[l->len++] = shown;
    }
    l->text[l->len] = '\0';
}

/* One warning: "LABEL has no result for 2 benchmarks: a, b" from ("has no result for",
 * "benchmark", ""), the names cut short when they are many. */
static void list_log(const mb_settings *s, const name_list *l, const char *label, const char *verb,
                     const char *noun, const char *after)
{
    char more[48] = "";
    if (!l->count)
        return;
    if (l->left_out)
        snprintf(more, sizeof more, ", and %zu more", l->left_out);
    mb__log(s, MB_LOG_WARN, "%s %s %zu %s%s%s: %s%s", label, verb, l->count, noun,
            l->count == 1 ? "" : "s", after, l->text, more);
}

/* Whether benchmark k may be compared with baseline result r by its parameters: the same
 * benchmark (its name without the values), and values that agree. */
static int candidate(const mb__match_key *k, size_t k_base, const mb_result *r, size_t r_base)
{
    return k_base != NONE && k_base == r_base && (k->n_params || r->n_params) &&
           memcmp(k->name, r->name, k_base) == 0 &&
           mb__params_agree(k->params, k->n_params, r->params, r->n_params);
}

/* match[i]: baseline index of key i, NONE when none; by name, then by parameters. */
static int match_all(const mb__match_key *keys, size_t n, const mb_results *baseline, size_t *match)
{
    size_t m = baseline->n;
    size_t *old_count = calloc(m + 1, sizeof *old_count),
           *key_count = calloc(n + 1, sizeof *key_count);
    size_t *old_base = malloc((m + 1) * sizeof *old_base);
    if (!old_count || !key_count || !old_base) {
        free(old_count);
        free(key_count);
        free(old_base);
        return MB_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        /* By name through the set's index: a scan of the baseline per key made comparing
         * n results O(n^2) (the test scale counts). */
        size_t same = mb__results_index_of(baseline, keys[i].name);
        match[i] = same < m ? same : NONE;
        if (same < m)
            old_count[same] = NONE; /* taken by its name */
    }
    for (size_t j = 0; j < m; j++) {
        const mb_result *r = &baseline->results[j];
        old_base[j] =
            old_count[j] == NONE ? NONE : mb__base_name_len(r->name, r->params, r->n_params);
    }
    /* Candidates by parameters, counted on both sides; a match needs one on each. */
    size_t *cand = malloc((n + 1) * sizeof *cand);
    for (size_t i = 0; cand && i < n; i++) {
        cand[i] = NONE;
        const mb__match_key *k = &keys[i];
        size_t k_base =
            match[i] == NONE ? mb__base_name_len(k->name, k->params, k->n_params) : NONE;
        for (size_t j = 0; k_base != NONE && j < m; j++)
            if (old_base[j] != NONE && candidate(k, k_base, &baseline->results[j], old_base[j]))
                cand[i] = j, key_count[i]++, old_count[j]++;
    }
    for (size_t i = 0; cand && i < n; i++)
        if (key_count[i] == 1 && old_count[cand[i]] == 1)
            match[i] = cand[i];
    int err = cand ? 0 : MB_ENOMEM;
    free(cand);
    free(old_count);
    free(key_count);
    free(old_base);
    return err;
}

int mb__baseline_match(const mb__match_key *keys, size_t n_compared, size_t n,
                       const mb_results *baseline, const mb_result **olds, const mb_settings *s,
                       const char *label)
{
    size_t *match = malloc((n + 1) * sizeof *match);
    unsigned char *matched = calloc(baseline->n + 1, 1);
    int err = match && matched ? match_all(keys, n, baseline, match) : MB_ENOMEM;
    name_list missing = {0}, renamed = {0}, orphans = {0};
    for (size_t i = 0; !err && i < n; i++) {
        const mb_result *old = match[i] == NONE ? NULL : &baseline->results[match[i]];
        if (old && matched)
            matched[match[i]] = 1;
        if (i >= n_compared)
            continue;
        olds[i] = old;
        if (!old && keys[i].measured)
            list_add(&missing, keys[i].name, NULL);
        else if (old && keys[i].measured && strcmp(old->name, keys[i].name) != 0)
            list_add(&renamed, keys[i].name, old->name);
    }
    const mb_result *saved = baseline->results; /* NULL only when there are none */
    for (size_t j = 0; !err && matched && saved && j < baseline->n; j++)
        if (!matched[j])
            list_add(&orphans, saved[j].name, NULL);
    list_log(s, &missing, label, "has no result for", "benchmark", "");
    list_log(s, &renamed, label, "is compared by parameters, under another name, with", "benchmark",
             "");
    list_log(s, &orphans, label, "has", "result",
             " that no benchmark matches (renamed or removed; see docs/comparing.md)");
    free(match);
    free(matched);
    return err;
}
