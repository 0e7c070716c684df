/*
 * One measurement's session (session.c): the resources a measurement holds while it runs
 * (threads, eviction buffer, fixture data, the counters' last reads), one call of the body
 * with them, and the samples kept from the calls.
 */
#ifndef MB_SESSION_H
#define MB_SESSION_H

#include "counters.h"
#include "runner.h"
#include "state.h"

struct mb__session {
    const mb__runner *run;
    const mb__options *opts;
    mb__counters *counters;  /* the run's set; NULL when threaded (it counts one thread only) */
    mb__body_report *report; /* where the body's declarations go (a group switches it) */
    int set_up;              /* the fixture's setup ran: its teardown is due */
    void *fixture;           /* what the setup returned */
    mb__pool *pool;          /* threads > 1: the threads, */
    mb_state *thread_states; /* and each one's state and report for a call */
    mb__body_report *thread_reports;
    mb__sweep *sweep;                        /* cold mode: the eviction buffer */
    double counter_values[MB__COUNTERS_MAX]; /* the counters' reads after the last call */
    double counter_coverage[MB__COUNTERS_MAX];
};

/* What a call returns instead of calling the body once the run is to stop. */
extern const char mb__interrupted[];

/* Opens s for a measurement of a body with options opts whose declarations go to report:
 * starts its threads, makes its eviction buffer, then runs the fixture's setup. When they
 * cannot be had, *failure receives a static message saying why (and nothing is set up); a
 * setup that skips or fails says so in report. Returns 0 or MB_ENOMEM. Either way s must be
 * closed. */
int mb__session_open(mb__session *s, const mb__runner *run, const mb__options *opts,
                     mb__body_report *report, const char **failure);
/* Runs the fixture's teardown when its setup ran, and releases what s holds. */
void mb__session_close(mb__session *s);

/* Calls the body once for iters iterations; returns the loop's time in *loop_ns, or a static
 * message when the body misused MB_LOOP, declared a skip or failure (its report says which),
 * or the run is to stop (mb__interrupted). est_ns: the estimated time per iteration so far
 * (0: none yet), for mb_iter_batched. */
const char *mb__call(mb__session *s, mb_bench_fn fn, uint64_t iters, double est_ns,
                     double *loop_ns);

/* Room in m for n samples: iteration counts, times, counters (when s reads them) and user
 * counters. Returns 0 or MB_ENOMEM (m's arrays then to free with mb__measurement_free). */
int mb__samples_alloc(const mb__session *s, mb__measurement *m, size_t n);
/* Keeps the last call, of iters iterations whose loop took loop_ns, as sample i of m: its
 * counter reads and its user counters as reported. */
void mb__sample_keep(const mb__session *s, mb__measurement *m, size_t i, uint64_t iters,
                     double loop_ns);
/* A user counter's value as reported: total over a loop of iters iterations that took ns. */
double mb__user_reported(mb_counter_kind kind, double total, double iters, double ns);

#endif
