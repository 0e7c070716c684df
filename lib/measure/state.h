/*
 * The state a benchmark body sees (struct mb_state): filled by the authoring API the body calls
 * (state.c), set up for each call and read back afterwards by the measurement's session
 * (session.c).
 */
#ifndef MB_STATE_H
#define MB_STATE_H

#include "microbe_internal.h"
#include "sweep.h"
#include "threads.h"

struct mb_state {
    const mb__clock *clock;
    mb__counters *counters;         /* started and stopped right outside the loop's clock reads */
    int collect;                    /* callgrind collects inside the loop only (instruction mode) */
    struct mb__body_report *report; /* what the body declared: throughput, skip, failure */
    const mb_param_value *values;   /* the instance's parameter values (BENCH_P) */
    size_t n_values;
    uint64_t iters; /* iterations asked of this call's loop */
    uint64_t start_ns;
    uint64_t end_ns;
    int entered; /* times MB_LOOP was entered during this call */
    int ended;   /* whether the loop ran to its end */
    /* Authoring options (docs/authoring.md). */
    void *fixture;                    /* what the fixture's setup returned */
    unsigned thread_index, n_threads; /* MB_THREADS */
    mb__pool *pool;                   /* threaded: its threads meet before the clock read */
    mb__sweep *sweep;                 /* cold: run right before the clock read */
    double batch_ns;                  /* mb_iter_batched: estimated routine time, 0 unknown */
    size_t batch_cache_bytes;         /* mb_iter_batched: what one batch should fit in */
    double quantum_ns;                /* the timer's quantum, for batch sizing */
    uint64_t paused_at;               /* mb_pause: clock when paused, while paused */
    int paused;
    double paused_ns; /* time spent paused during the loop */
    double manual_ns; /* mb_add_manual_time: the sum added during this call */
    int manual;       /* whether any was added */
};

/* The index of user counter name in report, added with kind when new; -1 when all
 * MB_USER_COUNTERS_MAX are taken. */
int mb__user_counter(mb__body_report *report, const char *name, mb_counter_kind kind);

/* What a user counter called name would clash with ("a CSV column", "a field of gbench-json
 * output", ...), or NULL when the name is free. */
const char *mb__counter_name_clash(const char *name);

/* Whether the body used MB_LOOP (or mb_iter_batched) properly in the call state saw: NULL, or
 * a static message saying how not. */
const char *mb__state_misuse(const mb_state *state);

/* The time the call's loop took: what the body timed itself, or the clock's reading less the
 * pauses. */
double mb__state_loop_ns(const mb_state *state);

#endif
