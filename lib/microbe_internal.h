/*
 * Internal structures shared by the files of lib/. Never installed. Symbols declared here
 * are non-static with the mb__ prefix and hidden from the shared library; the tests reach
 * them through the static library.
 */
#ifndef MB_INTERNAL_H
#define MB_INTERNAL_H

#include "microbe.h"

#include <regex.h>
#include <signal.h>

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

/* ---- Registry ------------------------------------------------------------------------ */

mb_bench *mb__registry_first(void);

/* The registered descriptors in (file, line, name) order, parameterised ones replaced by their
 * instances in the order of their values; those whose name matches filter (NULL: all). The
 * instances selected are also listed in *owned, to free with mb__instances_free. Returns 0 or
 * MB_ENOMEM. */
int mb__registry_select(const regex_t *filter, mb_bench ***out, size_t *count, mb_bench ***owned,
                        size_t *n_owned);
void mb__instances_free(mb_bench **owned, size_t n);

/* The instances of parameterised descriptor b (b->n_params > 0), one per combination of its
 * values, named "name/value" or "name/p:value/q:value": *out receives *count new descriptors,
 * each one block to free(), in a new array to free(). A range that yields nothing, or more
 * than 100000 combinations, gives no instance. Returns 0 or MB_ENOMEM. */
int mb__param_instances(const mb_bench *b, mb_bench ***out, size_t *count);

/* The first option of that kind among b's parameters (MB_OPTION_*), or NULL. */
const mb_param *mb__bench_option(const mb_bench *b, mb_param_kind kind);
/* The most threads one threaded instance may run on. */
#define MB__THREADS_MAX 1024
/* The thread count of an instance: its MB_THREADS value, 1 without one, 0 when the value is
 * outside 1 to MB__THREADS_MAX (the benchmark then fails saying so). */
unsigned mb__bench_threads(const mb_bench *b);
/* Fills r's identity from bench: name, place, build, group, parameters, threads, mode. */
void mb__result_identify(mb_result *r, const mb_bench *bench);

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

/* ---- Analysis ------------------------------------------------------------------------ */

/* Fits every complexity model, and user when not NULL, to the k points (n[i] >= 1, t[i] > 0:
 * median ns per iteration) and ranks them, best first, into fits (room for
 * MB_COMPLEXITY_MODELS + 1). Returns the number of fits. Pure. */
size_t mb__complexity_fit(const double *n, const double *t, size_t k, mb_complexity_fn user,
                          const char *user_name, mb_complexity_fit *fits);

/* The complexity of every BENCH_P with one integer parameter and at least three measured
 * instances among the n results (results[i] measured selected[i]): *fits receives a new
 * array of *count fits (with their names after them in the same block, to free()). Returns
 * 0 or MB_ENOMEM. */
int mb__fit_groups(const mb_bench *const *selected, const mb_result *results, size_t n,
                   mb_complexity **fits, size_t *count);

/* ---- Seeds --------------------------------------------------------------------------- */

/* The seed of one benchmark: the run's seed mixed with a hash of its name, so a filtered run
 * measures and analyses each benchmark exactly as a full run does. */
uint64_t mb__bench_seed(uint64_t seed, const char *name);

/* ---- Environment --------------------------------------------------------------------- */

#define MB__MAX_CACHES 16

/* The public struct with the storage its strings point into. */
typedef struct mb__env {
    mb_environment pub;
    char date[32];
    char host[256];
    char executable[4096];
    char os[512];
    char cpu_model[256];
    mb_cache cache[MB__MAX_CACHES];
    char cache_type[MB__MAX_CACHES][16];
    char governor[64];
    char isolated_cpus[256];
} mb__env;

void mb__env_capture(mb__env *env, int64_t start_time_unix);

/* ---- Isolation ----------------------------------------------------------------------- */

/* Measures into m; what mb__isolate runs in the child. Returns 0 or MB_E*. */
typedef int (*mb__measure_fn)(void *arg, mb__measurement *m);

/* Runs fn in a forked child, which sends its measurement back (mb__measurement_write); the
 * parent analyses it, so isolation knows nothing of results. On entry *m holds what to report
 * should no measurement come (scalars only, such as the benchmark's mode). Returns 0 with *m the
 * child's measurement (free it with mb__measurement_free). A child that dies by a signal, exits
 * without sending a whole measurement, or is still running timeout_s seconds after it started (0:
 * no limit; it is then killed) leaves *m as it was on entry, with failure saying what happened
 * ("crashed: signal 11
 * (...)"), and still returns 0: the benchmark failed, the run goes on. Returns the
 * child's own error, MB_EINTR when *stop was raised (the child is killed), or MB_ENOMEM /
 * MB_EIO (no pipe or no fork: errno says why); *m is then empty. */
int mb__isolate(mb__measure_fn fn, void *arg, double timeout_s, const volatile sig_atomic_t *stop,
                mb__measurement *m);

/* ---- Affinity ------------------------------------------------------------------------ */

/* Pins the calling thread to one CPU. Returns 0, or MB_EINVAL with errno saying why. */
int mb__pin_cpu(int cpu);

/* ---- Filters (registry.c) ------------------------------------------------------------ */

/* "^name$" with every character special to a POSIX extended regular expression escaped: the
 * --filter that selects exactly the benchmark `name`. A new string to free(), or NULL. */
char *mb__exact_filter(const char *name);

/* ---- Context ------------------------------------------------------------------------- */

/* Replaces the clock of a context (tests). The clock must outlive the context. */
void mb__ctx_set_clock(mb_ctx *ctx, const mb__clock *clock);
/* Makes runs report env instead of capturing the machine's (tests: reports that do not
 * depend on the machine). env must outlive the context. */
void mb__ctx_set_environment(mb_ctx *ctx, const mb_environment *env);

#endif
