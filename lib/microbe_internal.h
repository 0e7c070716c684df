/*
 * What the stages of lib/ truly share: the clock, and the raw measurement of one benchmark
 * (what a body declared and what was measured of it), which measure produces and results,
 * run and isolation hand on. Everything else internal lives in a header beside its module
 * (docs/architecture.md). Never installed. Symbols declared here are non-static with the
 * mb__ prefix and hidden from the shared library; the tests reach them through the static
 * library.
 */
#ifndef MB_INTERNAL_H
#define MB_INTERNAL_H

#include "microbe.h"

/* ---- Clock --------------------------------------------------------------------------- */

/* A monotonic clock in nanoseconds. The runner never calls a clock function directly, so
 * tests can inject a fake one. */
typedef struct mb__clock {
    uint64_t (*now_ns)(void *user);
    void *user;
    const char *name;
} mb__clock;

extern const mb__clock mb__clock_monotonic;

typedef struct mb__timer_info {
    double resolution_ns; /* smallest positive difference of back-to-back reads */
    double cost_ns;       /* median cost of one read */
    double min_sample_ns; /* T_min = max(1000 * max(resolution, cost), 10 us) */
} mb__timer_info;

void mb__timer_probe(const mb__clock *clock, mb__timer_info *out);

/* ---- What a benchmark body declared, and what was measured of it ---------------------- */

typedef struct mb__counters mb__counters;

#define MB__USER_NAME_MAX 64

/* What a body declared through the mb_state calls, kept for the whole measurement. */
typedef struct mb__body_report {
    double bytes_per_iter;
    double items_per_iter;
    int outcome; /* 0, or MB_STATUS_SKIPPED / MB_STATUS_FAILED from mb_skip / mb_fail */
    char message[256];
    /* User counters (mb_set_counter): names and kinds in the order first set, and the values
     * set during the current call (NAN: not set in it). */
    size_t n_user;
    char user_name[MB_USER_COUNTERS_MAX][MB__USER_NAME_MAX];
    mb_counter_kind user_kind[MB_USER_COUNTERS_MAX];
    double user_value[MB_USER_COUNTERS_MAX];
} mb__body_report;

/* What the runner (lib/measure/runner.h) measured for one benchmark: the raw material of an
 * mb_result. A field added here is added to the wire format too (measurement.c). */
typedef struct mb__measurement {
    mb_plan_kind plan;
    mb_stop_reason stop;
    uint64_t iters_step;
    uint64_t warm_up_iters;
    double warm_up_ns;      /* estimated time per iteration after warm-up */
    double warm_up_wall_ns; /* the same in wall time, with what the body does untimed (setup of
                               mb_iter_batched, pauses): what the budget pays; not sent */
    size_t n;               /* samples taken, in run order */
    uint64_t *iters;        /* owned, n entries (capacity: the plan's sample count) */
    double *ns;             /* owned */
    const char *failure;    /* why it failed: a static message when the body misused the API,
                               failure_text when it came from elsewhere, else NULL */
    char *failure_text;     /* owned, or NULL: a failure read from or about another process */
    mb__body_report report; /* throughput, and a skip or failure the body asked for */
    size_t n_counters;      /* with counters: each sample's totals and coverage, sample-major */
    double *counter_values; /* owned, n * n_counters */
    double *counter_coverage;
    double *user_values; /* owned: n * MB_USER_COUNTERS_MAX user counter values per sample, as
                            reported (per iteration, per second or per call); NAN: not set */
    mb_mode mode;        /* as measured: latency falls back to normal for short bodies */
    mb_latency latency;  /* latency and cold modes: the per-invocation percentiles */
    int latency_short;   /* latency mode asked for, invocations too short */
    uint64_t *hist;      /* owned: the per-invocation histogram packed (mb__hist_pack), or NULL */
    size_t hist_words;
    size_t serial_pairs; /* pairs of consecutive invocations behind latency.serial */
} mb__measurement;

/* Frees m's arrays and failure_text (and forgets failure when it was that text); its scalars
 * stay. */
void mb__measurement_free(mb__measurement *m);
/* Sets m->failure to a copy of text that m owns. Returns 0 or MB_ENOMEM. */
int mb__measurement_fail(mb__measurement *m, const char *text);
/* Writes m, and status (the writer's own return code, 0 or MB_E*), to fd as one record that
 * mb__measurement_read rebuilds in another process of the same executable. Returns 0, or
 * MB_EIO when fd cannot take it all. */
int mb__measurement_write(int fd, const mb__measurement *m, int status);
/* Reads one record of mb__measurement_write from fd (blocking) into *m, which then owns its
 * arrays (mb__measurement_free), and the writer's status into *status. Returns 0, MB_EIO
 * when no whole record came (the input ended early, as when the writer died mid-write, or
 * failed, or the record does not add up; *m is then empty), or MB_ENOMEM. */
int mb__measurement_read(int fd, mb__measurement *m, int *status);

/* All len bytes to or from fd, through interruptions and short transfers. Return 0, or MB_EIO
 * when fd fails or ends first. */
int mb__write_all(int fd, const void *data, size_t len);
int mb__read_all(int fd, void *data, size_t len);

/* The parts of one benchmark (measured apart: docs/measurement.md) as one measurement: their
 * samples one part after another (part p's end, exclusive, in part_ends[p]), the scalars of
 * the first part, the first failure, skip and stop reason other than a reached precision, and
 * for latency and cold modes the percentiles of the parts' histograms added up, with
 * intervals that hold the spread between parts (mb__hist_latency_parts). parts stay the
 * caller's; conf the latency intervals' level. Returns 0 or MB_ENOMEM (out then
 * empty). */
int mb__measurement_merge(mb__measurement *parts, size_t k, double conf, size_t *part_ends,
                          mb__measurement *out);

#endif
