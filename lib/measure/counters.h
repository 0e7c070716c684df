/*
 * Performance counters around a timed region: parsing a --counters list, opening the events
 * for the calling thread, and cheap start / stop / read calls meant to sit right next to a
 * timed sample. Internal; never installed.
 *
 * Files: counters.c holds the table of known names, parsing, accessors and derived ratios
 * (portable). The opening and reading are platform code chosen by meson: counters_linux.c
 * (perf_event_open) or counters_none.c (every event "not supported on this platform"). Names
 * the table does not know go to an external event library: counters_pfm.c (libpfm4, when
 * meson found it) or counters_nopfm.c (no such library: every such name is unknown).
 *
 * Life of a set: mb__counters_parse -> mb__counters_open -> { start, stop, read }* ->
 * mb__counters_free (which closes). A set is used by one thread at a time, and counts only
 * the thread that opened it.
 *
 * Unavailable events never fail a set: mb__counters_open marks them with a reason and opens
 * the rest; they read as NAN. Values read as NAN too when an event was never scheduled in the
 * interval (coverage 0) or when nothing was enabled since the previous read.
 */
#ifndef MB_COUNTERS_H
#define MB_COUNTERS_H

#include "microbe.h"

#include <stddef.h>
#include <stdint.h>

#define MB__COUNTERS_MAX 16       /* events in one set */
#define MB__COUNTER_REASON_MAX 96 /* bytes of a reason, with its NUL */

/* perf_event_attr.type values of the Linux perf ABI (stable; counters_linux.c checks them
 * against <linux/perf_event.h>). Kept numeric here so that the table stays portable. */
#define MB__PERF_TYPE_HARDWARE 0u
#define MB__PERF_TYPE_SOFTWARE 1u
#define MB__PERF_TYPE_TRACEPOINT 2u
#define MB__PERF_TYPE_HW_CACHE 3u
#define MB__PERF_TYPE_RAW 4u
#define MB__PERF_TYPE_BREAKPOINT 5u

/* Hardware events share the CPU's few counters and are multiplexed when they do not fit;
 * software events are kept by the kernel and always count. Values cross no ABI. */
typedef enum mb__counter_kind {
    MB__COUNTER_HARDWARE = 0,
    MB__COUNTER_SOFTWARE = 1
} mb__counter_kind;

/* What perf_event_open needs to count one event. The exclude_* flags are those the name
 * itself asks for (libpfm4 modifiers such as ":u"); open may exclude more when the system's
 * policy requires it. */
typedef struct mb__counter_encoding {
    uint32_t type; /* perf_event_attr.type */
    uint64_t config;
    uint64_t config1;
    uint64_t config2;
    int exclude_user;
    int exclude_kernel;
    int exclude_hv;
} mb__counter_encoding;

/* One entry of the built-in table of generic names (the names `perf list` uses). */
typedef struct mb__counter_def {
    const char *name;
    const char *unit; /* "count", or "ns" for the clocks */
    mb__counter_kind kind;
    uint32_t type;
    uint64_t config;
} mb__counter_def;

/* The built-in table, in the order error messages list it; *n receives its length. */
const mb__counter_def *mb__counters_known(size_t *n);

/* ---- The set -------------------------------------------------------------------------
 * Visible so that counters.c and the platform file share it; other files use the functions
 * below. Everything has a fixed size, so start, stop and read never allocate. */

typedef struct mb__counter {
    const char *name; /* points into the set's copy of the list */
    const char *unit;
    mb__counter_kind kind;
    mb__counter_encoding enc;
    int fd;                              /* -1 when not open */
    int group;                           /* index into groups; -1 when unavailable */
    uint64_t id;                         /* the kernel's id, matched in group reads */
    int user_only;                       /* open had to exclude the kernel (and hypervisor) */
    uint64_t last_raw;                   /* raw count at the previous read */
    char reason[MB__COUNTER_REASON_MAX]; /* why unavailable; "" when available */
} mb__counter;

typedef struct mb__counter_group {
    int leader_fd;
    size_t n; /* members, in the order the kernel reports them */
    int member[MB__COUNTERS_MAX];
    uint64_t last_enabled_ns; /* time enabled and running at the previous read */
    uint64_t last_running_ns;
} mb__counter_group;

struct mb__counters {
    size_t n;
    mb__counter counter[MB__COUNTERS_MAX];
    size_t n_groups;
    mb__counter_group group[MB__COUNTERS_MAX];
    char *names; /* owned copy of the list, commas replaced by NULs */
};

typedef struct mb__counters mb__counters;

/* ---- Parsing ------------------------------------------------------------------------- */

/* Parses a comma-separated list of event names, taken as written (no trimming): built-in
 * names first, then whatever the external event library can encode. Rejects an empty list or
 * item, an unknown name, the same event twice (by encoding, so an alias counts) and more
 * than MB__COUNTERS_MAX events. On success returns 0 and a new set in *out, owned by the
 * caller (mb__counters_free), with every event unavailable ("not opened") until
 * mb__counters_open. On failure returns MB_EINVAL (or MB_ENOMEM), sets *out to NULL and,
 * when message is not NULL, writes a NUL-terminated explanation naming the item, e.g.
 * "unknown counter 'x' (known: cycles, ...)", truncated to message_size bytes. */
int mb__counters_parse(const char *list, mb__counters **out, char *message, size_t message_size);

/* ---- Opening, counting, reading ------------------------------------------------------ */

enum {
    /* Open every event on its own instead of in groups (see mb__counters_open). */
    MB__COUNTERS_SEPARATE = 1
};

/* Opens the events for the calling thread, disabled. Hardware events form one group, so that
 * ratios such as IPC come from the same instants; software events form another, so that
 * they keep counting when the hardware group is multiplexed out. If a probe shows that the
 * hardware group can never be scheduled (more events than the PMU has counters), its events
 * are reopened one by one and multiplexed, with their coverage telling by how much. With
 * MB__COUNTERS_SEPARATE every event is opened alone. An event that cannot be opened is
 * marked unavailable with a reason and the rest go on. Reopens a set that is already open.
 * Returns 0, or MB_EINVAL when set is NULL. */
int mb__counters_open(mb__counters *set, unsigned flags);

/* Enable and disable every open event: one ioctl per group, no allocation. Return 0, or
 * MB_EIO when an ioctl failed (the set's events may then be in mixed states). */
int mb__counters_start(mb__counters *set);
int mb__counters_stop(mb__counters *set);

/* Reads what the events counted since the previous read (or since open): one read() per
 * group, no allocation. values[i] receives event i's count scaled for multiplexing
 * (raw * time enabled / time running), NAN when the event is unavailable, did not run, or
 * was not enabled in the interval; coverage[i] (coverage may be NULL) receives
 * time running / time enabled in [0, 1], NAN when unavailable or not enabled. Both arrays
 * hold mb__counters_count(set) entries. Returns 0, or MB_EIO when a read failed (those
 * events read as NAN). */
int mb__counters_read(mb__counters *set, double *values, double *coverage);

/* Closes the events; the set can be opened again. No-op on NULL or on a closed set. */
void mb__counters_close(mb__counters *set);

/* Closes and frees the set. No-op on NULL. */
void mb__counters_free(mb__counters *set);

/* ---- Accessors (i < mb__counters_count(set)) ----------------------------------------- */

size_t mb__counters_count(const mb__counters *set);
const char *mb__counter_name(const mb__counters *set, size_t i);
const char *mb__counter_unit(const mb__counters *set, size_t i);
mb__counter_kind mb__counter_kind_of(const mb__counters *set, size_t i);
int mb__counter_available(const mb__counters *set, size_t i);
/* Why the event is unavailable; NULL when it is available. Owned by the set. */
const char *mb__counter_reason(const mb__counters *set, size_t i);

/* Logs (warning) once per distinct reason which events of an opened set cannot be counted,
 * naming every event it applies to. */
void mb__counters_log_unavailable(const mb__counters *set, const mb_settings *s);
/* Whether the event counts user space only because the system forbade more. */
int mb__counter_user_only(const mb__counters *set, size_t i);

/* ---- Derived ratios ------------------------------------------------------------------ */

typedef struct mb__counter_ratios {
    double ipc;              /* instructions / cycles */
    double branch_miss_rate; /* branch-misses / branches */
    double cache_miss_rate;  /* cache-misses / cache-references */
} mb__counter_ratios;

/* Ratios of values read from set (per iteration or not: the scale cancels). The events are
 * recognised by encoding, so libpfm4's aliases of the generic hardware events count too. A
 * ratio is NAN unless both of its events are in the set and their values are finite, with a
 * positive denominator; unavailable events read as NAN, so they give NAN. Pure. */
void mb__counters_ratios(const mb__counters *set, const double *values, mb__counter_ratios *out);

/* Multiplex scaling: a count of raw over an interval in which the event was enabled for
 * `enabled` ns but counted (scheduled on the PMU) for `running` ns estimates raw * enabled /
 * running for the whole interval; *coverage receives running / enabled. The value is NAN when
 * the event never ran (running 0), both are NAN when it was not enabled (enabled 0). Pure. */
void mb__counter_scale(uint64_t raw, uint64_t enabled, uint64_t running, double *value,
                       double *coverage);

/* ---- Platform hooks (not for other files) -------------------------------------------- */

/* Marks every event unavailable with reason (printf-free copy, truncated). */
/* Frees what mb__counters_parse allocated; the platform's mb__counters_free closes first. */
void mb__counters_release(mb__counters *set);
void mb__counters_mark_all(mb__counters *set, const char *reason);

/* The external event library: its name ("libpfm4"), or NULL when none is compiled in. */
const char *mb__counters_external_library(void);

/* Encodes a name the table does not know. Returns 0 and fills *enc, or MB_EINVAL with a
 * static explanation in *why (e.g. libpfm4's "event not found"). Thread-safe. */
int mb__counters_encode_external(const char *name, mb__counter_encoding *enc, const char **why);

#endif
