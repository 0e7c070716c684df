/*
 * Tests of lib/measure/threads.c: every thread of a pool runs each task exactly once, runs order
 * the memory of the caller and the tasks, the barrier lets no thread through early and is reusable,
 * pools come and go without leaking threads or memory, and a failed thread creation cleans up. The
 * barrier's release skew is measured and printed, never asserted: it depends on the machine and its
 * load.
 *
 * Also run under ThreadSanitizer (.ci/run) and valgrind; MB_TEST_QUICK=1 (the valgrind run)
 * runs a tenth of the rounds.
 */
#define _POSIX_C_SOURCE 200809L

#include "check.h"
#include "microbe.h"
#include "threads.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#if defined(MB_TEST_WRAP_PTHREAD_CREATE)
#include <pthread.h>
#endif

#define MAX_THREADS 8

static int quick;

/* Full count, or a tenth (at least 1) with MB_TEST_QUICK=1. */
static unsigned rounds(unsigned full)
{
    return quick ? (full >= 10 ? full / 10 : 1) : full;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- Runs: every thread once per run, memory ordered both ways ---------------------------- */

typedef struct slots {
    unsigned n;
    unsigned index[MAX_THREADS]; /* written by thread i only */
    unsigned runs[MAX_THREADS];  /* plain counters: a data race if runs were not ordered */
    unsigned long token;         /* written by the caller before each run */
    unsigned long seen[MAX_THREADS];
    atomic_uint out_of_range;
} slots;

static void fill_slot(void *arg, unsigned index)
{
    slots *s = arg;
    if (index >= s->n || index >= MAX_THREADS) {
        atomic_fetch_add(&s->out_of_range, 1);
        return;
    }
    s->index[index] = index;
    s->runs[index]++;
    s->seen[index] = s->token;
}

static void test_runs(unsigned n)
{
    mb__pool *pool = NULL;
    CHECK_INT(mb__pool_new(&pool, n), ==, 0);
    if (!pool)
        return;
    CHECK_INT(mb__pool_size(pool), ==, n);
    /* Two shared arguments in turn: each run must see its own task argument. */
    slots a = {.n = n}, b = {.n = n};
    atomic_init(&a.out_of_range, 0);
    atomic_init(&b.out_of_range, 0);
    unsigned n_runs = 1000, bad = 0;
    for (unsigned r = 0; r < n_runs; r++) {
        slots *s = r % 2 ? &b : &a;
        for (unsigned i = 0; i < n; i++)
            s->index[i] = MAX_THREADS;
        s->token = r;
        mb__pool_run(pool, fill_slot, s);
        for (unsigned i = 0; i < n; i++)
            if (s->index[i] != i || s->runs[i] != r / 2 + 1 || s->seen[i] != r)
                bad++;
    }
    fprintf(stderr, "runs: %u threads, %u runs, %u bad slots\n", n, n_runs, bad);
    CHECK_INT(bad, ==, 0);
    CHECK_INT(atomic_load(&a.out_of_range) + atomic_load(&b.out_of_range), ==, 0);
    mb__pool_free(pool);
}

/* ---- The barrier: nobody passes before everyone has arrived ----------------------------- */

typedef struct meeting {
    mb__pool *pool;
    unsigned n, n_rounds;
    unsigned base; /* arrivals before this run, set by the caller */
    atomic_uint arrivals;
    atomic_uint early; /* a thread saw fewer arrivals than the round needs */
    atomic_uint late;  /* or more: someone ran ahead into the next round */
    /* Plain memory: thread i writes round[i] before the barrier and everyone reads it after,
     * a data race (ThreadSanitizer) unless the barrier orders them. */
    unsigned round[MAX_THREADS];
    atomic_uint stale; /* a thread read another's round from before its write */
} meeting;

static void meet(void *arg, unsigned index)
{
    meeting *m = arg;
    for (unsigned r = 1; r <= m->n_rounds; r++) {
        m->round[index] = r;
        atomic_fetch_add(&m->arrivals, 1);
        mb__pool_barrier(m->pool);
        for (unsigned i = 0; i < m->n; i++)
            if (m->round[i] != r)
                atomic_fetch_add(&m->stale, 1);
        unsigned arrivals = atomic_load(&m->arrivals) - m->base;
        if (arrivals < m->n * r)
            atomic_fetch_add(&m->early, 1);
        if (arrivals > m->n * r)
            atomic_fetch_add(&m->late, 1);
        /* Nobody counts into round r + 1 before everyone has checked round r. */
        mb__pool_barrier(m->pool);
    }
}

static void test_barrier(unsigned n)
{
    meeting m = {.n = n, .n_rounds = rounds(2000)};
    atomic_init(&m.arrivals, 0);
    atomic_init(&m.early, 0);
    atomic_init(&m.late, 0);
    atomic_init(&m.stale, 0);
    CHECK_INT(mb__pool_new(&m.pool, n), ==, 0);
    if (!m.pool)
        return;
    uint64_t start = now_ns();
    /* Two runs: the barrier is reused across runs as well as within one. */
    mb__pool_run(m.pool, meet, &m);
    m.base = n * m.n_rounds;
    mb__pool_run(m.pool, meet, &m);
    double elapsed_ms = (double)(now_ns() - start) / 1e6;
    fprintf(stderr, "barrier: %u threads, 2 x %u rounds of 2 barriers in %.1f ms (%ld CPUs)\n", n,
            m.n_rounds, elapsed_ms, sysconf(_SC_NPROCESSORS_ONLN));
    CHECK_INT(atomic_load(&m.arrivals), ==, 2 * n * m.n_rounds);
    CHECK_INT(atomic_load(&m.early), ==, 0);
    CHECK_INT(atomic_load(&m.late), ==, 0);
    CHECK_INT(atomic_load(&m.stale), ==, 0);
    mb__pool_free(m.pool);
}

/* ---- Release skew: how far apart the threads leave the barrier --------------------------- */

#define SKEW_ROUNDS 1000

typedef struct skew {
    mb__pool *pool;
    unsigned n_rounds;
    unsigned round;                             /* for first_barrier: the run, set by the caller */
    uint64_t left_ns[SKEW_ROUNDS][MAX_THREADS]; /* when each thread left the barrier */
} skew;

/* Steady state: the threads are already running, as within one sample's task. */
static void leave_many(void *arg, unsigned index)
{
    skew *s = arg;
    for (unsigned r = 0; r < s->n_rounds; r++) {
        mb__pool_barrier(s->pool);
        s->left_ns[r][index] = now_ns();
        mb__pool_barrier(s->pool);
    }
}

/* The real use: the first barrier of a run, the workers just woken by mb__pool_run. */
static void leave_first(void *arg, unsigned index)
{
    skew *s = arg;
    mb__pool_barrier(s->pool);
    s->left_ns[s->round][index] = now_ns();
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static void print_skew(const char *what, const skew *s, unsigned n)
{
    uint64_t spread[SKEW_ROUNDS];
    for (unsigned r = 0; r < s->n_rounds; r++) {
        uint64_t lo = UINT64_MAX, hi = 0;
        for (unsigned i = 0; i < n; i++) {
            lo = s->left_ns[r][i] < lo ? s->left_ns[r][i] : lo;
            hi = s->left_ns[r][i] > hi ? s->left_ns[r][i] : hi;
        }
        spread[r] = hi - lo;
    }
    qsort(spread, s->n_rounds, sizeof spread[0], compare_u64);
    unsigned k = s->n_rounds;
    fprintf(stderr,
            "skew: %u threads, %s: median %.2f us, 90 %% %.2f us, 99 %% %.2f us, max %.2f us "
            "(%u rounds)\n",
            n, what, (double)spread[k / 2] / 1e3, (double)spread[k * 9 / 10] / 1e3,
            (double)spread[k * 99 / 100] / 1e3, (double)spread[k - 1] / 1e3, k);
}

static void test_skew(unsigned n)
{
    skew *s = calloc(1, sizeof *s);
    CHECK(s != NULL);
    if (!s)
        return;
    s->n_rounds = rounds(SKEW_ROUNDS);
    CHECK_INT(mb__pool_new(&s->pool, n), ==, 0);
    if (s->pool) {
        mb__pool_run(s->pool, leave_many, s);
        print_skew("within a run", s, n);
        for (s->round = 0; s->round < s->n_rounds; s->round++)
            mb__pool_run(s->pool, leave_first, s);
        print_skew("first barrier of a run", s, n);
    }
    mb__pool_free(s->pool);
    free(s);
}

/* ---- Life cycle ------------------------------------------------------------------------ */

static void count_run(void *arg, unsigned index)
{
    (void)index;
    atomic_fetch_add((atomic_uint *)arg, 1);
}

static void test_life_cycle(void)
{
    mb__pool *pool = (mb__pool *)&pool;
    CHECK_INT(mb__pool_new(&pool, 0), ==, MB_EINVAL);
    CHECK(pool == NULL);
    mb__pool_free(NULL);

    unsigned sizes[] = {1, 2, 4, 8}, bad = 0, n_cycles = rounds(200);
    for (unsigned c = 0; c < n_cycles; c++) {
        unsigned n = sizes[c % 4];
        if (mb__pool_new(&pool, n) != 0 || !pool) {
            bad++;
            continue;
        }
        /* Every other pool is freed without ever running. */
        if (c % 8 < 4) {
            atomic_uint count;
            atomic_init(&count, 0);
            mb__pool_run(pool, count_run, &count);
            bad += atomic_load(&count) != n;
        }
        mb__pool_free(pool);
    }
    fprintf(stderr, "life cycle: %u pools created and freed, %u bad\n", n_cycles, bad);
    CHECK_INT(bad, ==, 0);
}

/* ---- Thread creation failure (the linker's --wrap) --------------------------------------- */

#if defined(MB_TEST_WRAP_PTHREAD_CREATE)
int __real_pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *),
                          void *arg);
int __wrap_pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *),
                          void *arg);

/* Creations left before the next one fails; negative: none fails. */
static int creations_left = -1;

int __wrap_pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *),
                          void *arg)
{
    if (creations_left == 0)
        return EAGAIN;
    if (creations_left > 0)
        creations_left--;
    return __real_pthread_create(thread, attr, start, arg);
}

static void test_create_failure(void)
{
    /* The k-th creation fails, k = 0 (none started) to 6 (all but the last). */
    for (int k = 0; k < MAX_THREADS - 1; k++) {
        mb__pool *pool = (mb__pool *)&pool;
        creations_left = k;
        errno = 0;
        int rc = mb__pool_new(&pool, MAX_THREADS);
        int saved = errno;
        creations_left = -1;
        CHECK_INT(rc, ==, MB_EINVAL);
        CHECK_INT(saved, ==, EAGAIN);
        CHECK(pool == NULL);
        if (rc == 0)
            mb__pool_free(pool);
    }
    /* And the pool still works afterwards. */
    test_runs(MAX_THREADS);
}
#endif

int main(void)
{
    const char *q = getenv("MB_TEST_QUICK");
    quick = q && strcmp(q, "1") == 0;
    static const unsigned sizes[] = {1, 2, 4, 8};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        test_runs(sizes[i]);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        test_barrier(sizes[i]);
    test_skew(2);
    test_skew(4);
    test_life_cycle();
#if defined(MB_TEST_WRAP_PTHREAD_CREATE)
    test_create_failure();
#else
    fprintf(stderr, "thread creation failure: not tested (the linker has no --wrap)\n");
#endif
    fprintf(stderr, "%s mode\n", quick ? "quick" : "full");
    return CHECK_DONE();
}
