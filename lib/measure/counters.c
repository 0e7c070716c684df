/*
 * The portable half of the counters: the table of generic event names, parsing a --counters
 * list, accessors and derived ratios. Opening and reading live in the platform files.
 */
#include "counters.h"
#include "log.h"
#include "microbe_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* perf's generic hardware (PERF_COUNT_HW_*) and software (PERF_COUNT_SW_*) event numbers. */
static const mb__counter_def known[] = {
    {"cycles", "count", MB__COUNTER_HARDWARE, MB__PERF_TYPE_HARDWARE, 0},
    {"instructions", "count", MB__COUNTER_HARDWARE, MB__PERF_TYPE_HARDWARE, 1},
    {"branches", "count", MB__COUNTER_HARDWARE, MB__PERF_TYPE_HARDWARE, 4},
    {"branch-misses", "count", MB__COUNTER_HARDWARE, MB__PERF_TYPE_HARDWARE, 5},
    {"cache-references", "count", MB__COUNTER_HARDWARE, MB__PERF_TYPE_HARDWARE, 2},
    {"cache-misses", "count", MB__COUNTER_HARDWARE, MB__PERF_TYPE_HARDWARE, 3},
    {"bus-cycles", "count", MB__COUNTER_HARDWARE, MB__PERF_TYPE_HARDWARE, 6},
    {"stalled-cycles-frontend", "count", MB__COUNTER_HARDWARE, MB__PERF_TYPE_HARDWARE, 7},
    {"stalled-cycles-backend", "count", MB__COUNTER_HARDWARE, MB__PERF_TYPE_HARDWARE, 8},
    {"ref-cycles", "count", MB__COUNTER_HARDWARE, MB__PERF_TYPE_HARDWARE, 9},
    {"task-clock", "ns", MB__COUNTER_SOFTWARE, MB__PERF_TYPE_SOFTWARE, 1},
    {"cpu-clock", "ns", MB__COUNTER_SOFTWARE, MB__PERF_TYPE_SOFTWARE, 0},
    {"page-faults", "count", MB__COUNTER_SOFTWARE, MB__PERF_TYPE_SOFTWARE, 2},
    {"minor-faults", "count", MB__COUNTER_SOFTWARE, MB__PERF_TYPE_SOFTWARE, 5},
    {"major-faults", "count", MB__COUNTER_SOFTWARE, MB__PERF_TYPE_SOFTWARE, 6},
    {"context-switches", "count", MB__COUNTER_SOFTWARE, MB__PERF_TYPE_SOFTWARE, 3},
    {"cpu-migrations", "count", MB__COUNTER_SOFTWARE, MB__PERF_TYPE_SOFTWARE, 4},
    {"alignment-faults", "count", MB__COUNTER_SOFTWARE, MB__PERF_TYPE_SOFTWARE, 7},
    {"emulation-faults", "count", MB__COUNTER_SOFTWARE, MB__PERF_TYPE_SOFTWARE, 8},
};

enum {
    HW_CYCLES = 0,
    HW_INSTRUCTIONS = 1,
    HW_CACHE_REFERENCES = 2,
    HW_CACHE_MISSES = 3,
    HW_BRANCHES = 4,
    HW_BRANCH_MISSES = 5
};

const mb__counter_def *mb__counters_known(size_t *n)
{
    *n = sizeof known / sizeof known[0];
    return known;
}

/* ---- Messages -------------------------------------------------------------------------- */

/* A bounded string being built; silently truncated at its size. */
typedef struct text {
    char *buf; /* may be NULL: nothing is written */
    size_t size;
    size_t len;
} text;

#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 2, 3)))
#endif
static void
text_add(text *t, const char *fmt, ...)
{
    if (!t->buf || t->size == 0 || t->len + 1 >= t->size) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    int written = vsnprintf(t->buf + t->len, t->size - t->len, fmt, ap);
    va_end(ap);
    if (written > 0) {
        size_t room = t->size - t->len - 1;
        t->len += (size_t)written < room ? (size_t)written : room;
    }
}

static void say_unknown(text *t, const char *name, const char *why)
{
    text_add(t, "unknown counter '%s' (known: ", name);
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        text_add(t, "%s%s", i ? ", " : "", known[i].name);
    }
    const char *library = mb__counters_external_library();
    if (library) {
        text_add(t, "; or a %s event name, but %s says: %s", library, library, why);
    }
    text_add(t, ")");
}

/* ---- Parsing --------------------------------------------------------------------------- */

static mb__counter_kind kind_of_type(uint32_t type)
{
    switch (type) {
    case MB__PERF_TYPE_SOFTWARE:
    case MB__PERF_TYPE_TRACEPOINT:
    case MB__PERF_TYPE_BREAKPOINT: return MB__COUNTER_SOFTWARE;
    default: return MB__COUNTER_HARDWARE; /* including the CPU's dynamic PMU types */
    }
}

static int same_event(const mb__counter_encoding *a, const mb__counter_encoding *b)
{
    return a->type == b->type && a->config == b->config && a->config1 == b->config1 &&
           a->config2 == b->config2 && a->exclude_user == b->exclude_user &&
           a->exclude_kernel == b->exclude_kernel && a->exclude_hv == b->exclude_hv;
}

static void set_reason(mb__counter *c, const char *reason)
{
    size_t len = strlen(reason);
    if (len >= sizeof c->reason) {
        len = sizeof c->reason - 1;
    }
    memcpy(c->reason, reason, len);
    c->reason[len] = '\0';
}

/* Describes one named event into c, or says why it cannot. */
static int encode(const char *name, mb__counter *c, text *message)
{
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        if (strcmp(name, known[i].name) == 0) {
            c->unit = known[i].unit;
            c->kind = known[i].kind;
            c->enc.type = known[i].type;
            c->enc.config = known[i].config;
            return 0;
        }
    }
    const char *why = "no event library";
    if (mb__counters_encode_external(name, &c->enc, &why) != 0) {
        say_unknown(message, name, why);
        return MB_EINVAL;
    }
    c->kind = kind_of_type(c->enc.type);
    /* cpu-clock and task-clock count nanoseconds, whatever the name. */
    int clock = c->enc.type == MB__PERF_TYPE_SOFTWARE && c->enc.config <= 1;
    c->unit = clock ? "ns" : "count";
    return 0;
}

static int add_item(mb__counters *set, const char *name, size_t position, text *message)
{
    if (*name == '\0') {
        text_add(message, "empty item %zu in the counter list", position);
        return MB_EINVAL;
    }
    if (set->n == MB__COUNTERS_MAX) {
        text_add(message, "too many counters at '%s' (at most %d)", name, MB__COUNTERS_MAX);
        return MB_EINVAL;
    }
    mb__counter *c = &set->counter[set->n];
    memset(c, 0, sizeof *c);
    c->name = name;
    c->fd = -1;
    c->group = -1;
    set_reason(c, "not opened");
    int err = encode(name, c, message);
    if (err != 0) {
        return err;
    }
    for (size_t i = 0; i < set->n; i++) {
        if (strcmp(set->counter[i].name, name) == 0) {
            text_add(message, "duplicate counter '%s'", name);
            return MB_EINVAL;
        }
        if (same_event(&set->counter[i].enc, &c->enc)) {
            text_add(message, "duplicate counter '%s' (the same event as '%s')", name,
                     set->counter[i].name);
            return MB_EINVAL;
        }
    }
    set->n++;
    return 0;
}

int mb__counters_parse(const char *list, mb__counters **out, char *message, size_t message_size)
{
    text t = {message, message_size, 0};
    if (message && message_size > 0) {
        message[0] = '\0';
    }
    if (out) {
        *out = NULL;
    }
    if (!list || !out) {
        text_add(&t, "no counter list");
        return MB_EINVAL;
    }
    if (*list == '\0') {
        text_add(&t, "empty counter list");
        return MB_EINVAL;
    }
    mb__counters *set = calloc(1, sizeof *set);
    size_t size = strlen(list) + 1;
    char *names = malloc(size);
    if (!set || !names) {
        free(set);
        free(names);
        text_add(&t, "out of memory");
        return MB_ENOMEM;
    }
    memcpy(names, list, size);
    set->names = names;
    char *item = names;
    for (size_t position = 1;; position++) {
        char *comma = strchr(item, ',');
        if (comma) {
            *comma = '\0';
        }
        int err = add_item(set, item, position, &t);
        if (err != 0) {
            mb__counters_release(set);
            return err;
        }
        if (!comma) {
            break;
        }
        item = comma + 1;
    }
    *out = set;
    return 0;
}

void mb__counters_release(mb__counters *set)
{
    if (!set) {
        return;
    }
    free(set->names);
    free(set);
}

void mb__counters_mark_all(mb__counters *set, const char *reason)
{
    for (size_t i = 0; i < set->n; i++) {
        set->counter[i].fd = -1;
        set->counter[i].group = -1;
        set_reason(&set->counter[i], reason);
    }
    set->n_groups = 0;
}

/* ---- Accessors ------------------------------------------------------------------------- */

size_t mb__counters_count(const mb__counters *set)
{
    return set ? set->n : 0;
}

const char *mb__counter_name(const mb__counters *set, size_t i)
{
    return set->counter[i].name;
}

const char *mb__counter_unit(const mb__counters *set, size_t i)
{
    return set->counter[i].unit;
}

mb__counter_kind mb__counter_kind_of(const mb__counters *set, size_t i)
{
    return set->counter[i].kind;
}

int mb__counter_available(const mb__counters *set, size_t i)
{
    return set->counter[i].group >= 0;
}

const char *mb__counter_reason(const mb__counters *set, size_t i)
{
    return set->counter[i].group >= 0 ? NULL : set->counter[i].reason;
}

int mb__counter_user_only(const mb__counters *set, size_t i)
{
    return set->counter[i].user_only;
}

/* ---- Ratios ---------------------------------------------------------------------------- */

static double value_of_hw(const mb__counters *set, const double *values, uint64_t config)
{
    for (size_t i = 0; i < set->n; i++) {
        const mb__counter_encoding *e = &set->counter[i].enc;
        if (e->type == MB__PERF_TYPE_HARDWARE && e->config == config) {
            return values[i];
        }
    }
    return NAN;
}

static double ratio(double numerator, double denominator)
{
    if (!isfinite(numerator) || !isfinite(denominator) || !(denominator > 0)) {
        return NAN;
    }
    return numerator / denominator;
}

void mb__counters_ratios(const mb__counters *set, const double *values, mb__counter_ratios *out)
{
    out->ipc =
        ratio(value_of_hw(set, values, HW_INSTRUCTIONS), value_of_hw(set, values, HW_CYCLES));
    out->branch_miss_rate =
        ratio(value_of_hw(set, values, HW_BRANCH_MISSES), value_of_hw(set, values, HW_BRANCHES));
    out->cache_miss_rate = ratio(value_of_hw(set, values, HW_CACHE_MISSES),
                                 value_of_hw(set, values, HW_CACHE_REFERENCES));
}

void mb__counter_scale(uint64_t raw, uint64_t enabled, uint64_t running, double *value,
                       double *coverage)
{
    *value = enabled > 0 && running > 0 ? (double)raw * (double)enabled / (double)running : NAN;
    *coverage = enabled > 0 ? (double)running / (double)enabled : NAN;
}

void mb__counters_log_unavailable(const mb__counters *set, const mb_settings *s)
{
    size_t n = mb__counters_count(set);
    for (size_t i = 0; i < n; i++) {
        const char *reason = mb__counter_reason(set, i);
        if (!reason)
            continue;
        /* One notice per distinct reason, naming every event it applies to. */
        int seen = 0;
        for (size_t j = 0; j < i; j++) {
            const char *other = mb__counter_reason(set, j);
            seen |= other && strcmp(other, reason) == 0;
        }
        if (seen)
            continue;
        char names[512] = "";
        size_t len = 0;
        for (size_t j = i; j < n && len < sizeof names; j++) {
            const char *other = mb__counter_reason(set, j);
            if (other && strcmp(other, reason) == 0)
                len += (size_t)snprintf(names + len, sizeof names - len, "%s%s", len ? ", " : "",
                                        mb__counter_name(set, j));
        }
        mb__log(s, MB_LOG_WARN,
                "counters unavailable: %s: %s; their columns are marked unavailable", names,
                reason);
    }
}
