/*
 * The thread pool of threaded benchmarks (see threads.h): n - 1 POSIX worker threads and the
 * caller as thread 0.
 *
 * Runs: a generation counter under a mutex. mb__pool_run publishes the task, bumps the
 * generation and broadcasts; each worker runs the task once per generation it sees, then
 * counts itself out and the last one signals the caller. Workers sleep on the condition
 * variable between runs, and the mutex orders everything written before a run before the
 * tasks, and everything the tasks wrote before the run's return.
 *
 * The start barrier cannot sleep that way: waking a thread blocked in the kernel takes tens of
 * microseconds, and the threads must leave the barrier together. It is a generation-counting
 * barrier on C11 atomics: every thread counts itself in, the last one resets the count and
 * bumps the generation, and the others spin on the generation. They check it SPIN_LIMIT
 * times with the CPU's pause hint, then call sched_yield() between checks, so that with more
 * threads than CPUs the ones still to arrive get the CPU. When nothing else is runnable
 * sched_yield() returns at once (about half a microsecond on Linux), so a waiter still sees
 * the release within a microsecond or so, for instance while the workers of a new run wake
 * up. A pool with more threads than online CPUs yields after a few checks: its waiters
 * would mostly spin on a CPU another thread needs to arrive. (_SC_NPROCESSORS_ONLN is not
 * POSIX: where the headers hide it, every pool spins the full count.)
 */
#define _POSIX_C_SOURCE 200809L

#include "threads.h"

#include "microbe.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#if defined(_POSIX_THREADS) && _POSIX_THREADS >= 0 && !defined(__STDC_NO_ATOMICS__)

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

/* Busy checks of the barrier before yielding: some 5 to 50 us, depending on the cost of the
 * pause instruction (10 to 150 cycles); and with more threads than online CPUs. */
#define SPIN_LIMIT 1024u
#define SPIN_LIMIT_OVERSUBSCRIBED 16u

/* The barrier's two words each get a cache line of their own, away from the mutex: arrivals
 * write the count while waiters read the generation. */
#define CACHE_LINE 64

typedef struct worker {
    pthread_t thread;
    mb__pool *pool;
    unsigned index; /* 1 .. n - 1 */
} worker;

struct mb__pool {
    unsigned n;
    unsigned spin_limit; /* SPIN_LIMIT, or SPIN_LIMIT_OVERSUBSCRIBED */
    unsigned started;    /* workers created, all to be joined */
    worker *workers;     /* n - 1 of them */

    /* Runs, under lock. */
    pthread_mutex_t lock;
    pthread_cond_t wake; /* workers wait for a new generation, or quit */
    pthread_cond_t done; /* the caller waits for running to reach 0 */
    unsigned long generation;
    unsigned running; /* workers still in the current run's task */
    int quit;
    void (*task)(void *arg, unsigned index);
    void *arg;

    /* The barrier. */
    char pad_arrived[CACHE_LINE];
    atomic_uint arrived;
    char pad_released[CACHE_LINE];
    atomic_uint released; /* barrier generation */
    char pad_end[CACHE_LINE];
};

static void cpu_relax(void)
{
#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
    __asm__ __volatile__("pause");
#elif (defined(__GNUC__) || defined(__clang__)) && defined(__aarch64__)
    __asm__ __volatile__("isb"); /* "yield" is a no-op on most cores; isb waits a little */
#endif
}

static void *work(void *p)
{
    const worker *self = p;
    mb__pool *pool = self->pool;
    unsigned long seen = 0; /* the pool's generation when the thread was created */
    pthread_mutex_lock(&pool->lock);
    for (;;) {
        while (pool->generation == seen && !pool->quit)
            pthread_cond_wait(&pool->wake, &pool->lock);
        if (pool->quit)
            break;
        seen = pool->generation;
        void (*task)(void *, unsigned) = pool->task;
        void *arg = pool->arg;
        pthread_mutex_unlock(&pool->lock);
        task(arg, self->index);
        pthread_mutex_lock(&pool->lock);
        if (--pool->running == 0)
            pthread_cond_signal(&pool->done);
    }
    pthread_mutex_unlock(&pool->lock);
    return NULL;
}

/* Tells the started workers to quit and joins them. */
static void stop_workers(mb__pool *pool)
{
    pthread_mutex_lock(&pool->lock);
    pool->quit = 1;
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
    for (unsigned i = 0; i < pool->started; i++)
        pthread_join(pool->workers[i].thread, NULL);
    pool->started = 0;
}

/* The mutex and the condition variables; on failure none is left initialised. Returns 0 or
 * an error number. */
static int init_sync(mb__pool *pool)
{
    int rc = pthread_mutex_init(&pool->lock, NULL);
    if (rc)
        return rc;
    rc = pthread_cond_init(&pool->wake, NULL);
    if (rc) {
        pthread_mutex_destroy(&pool->lock);
        return rc;
    }
    rc = pthread_cond_init(&pool->done, NULL);
    if (rc) {
        pthread_cond_destroy(&pool->wake);
        pthread_mutex_destroy(&pool->lock);
    }
    return rc;
}

static void destroy_sync(mb__pool *pool)
{
    pthread_cond_destroy(&pool->done);
    pthread_cond_destroy(&pool->wake);
    pthread_mutex_destroy(&pool->lock);
}

int mb__pool_new(mb__pool **out, unsigned n)
{
    *out = NULL;
    if (n == 0)
        return MB_EINVAL;
    mb__pool *pool = calloc(1, sizeof *pool);
    if (!pool)
        return MB_ENOMEM;
    pool->n = n;
    atomic_init(&pool->arrived, 0);
    atomic_init(&pool->released, 0);
    if (n == 1) {
        *out = pool;
        return 0;
    }
    pool->spin_limit = SPIN_LIMIT;
#if defined(_SC_NPROCESSORS_ONLN)
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (cpus > 0 && n > (unsigned long)cpus)
        pool->spin_limit = SPIN_LIMIT_OVERSUBSCRIBED;
#endif
    pool->workers = calloc(n - 1, sizeof *pool->workers);
    int rc = pool->workers ? init_sync(pool) : ENOMEM;
    if (rc) {
        free(pool->workers);
        free(pool);
        errno = rc;
        return rc == ENOMEM ? MB_ENOMEM : MB_EINVAL;
    }
    for (unsigned i = 0; i < n - 1; i++) {
        worker *w = &pool->workers[i];
        w->pool = pool;
        w->index = i + 1;
        rc = pthread_create(&w->thread, NULL, work, w);
        if (rc)
            break;
        pool->started++;
    }
    if (rc) {
        stop_workers(pool);
        destroy_sync(pool);
        free(pool->workers);
        free(pool);
        errno = rc; /* pthread_create reports through its result, and cleaning up may clobber */
        return MB_EINVAL;
    }
    *out = pool;
    return 0;
}

void mb__pool_free(mb__pool *pool)
{
    if (!pool)
        return;
    if (pool->n > 1) {
        stop_workers(pool);
        destroy_sync(pool);
    }
    free(pool->workers);
    free(pool);
}

unsigned mb__pool_size(const mb__pool *pool)
{
    return pool->n;
}

void mb__pool_run(mb__pool *pool, void (*task)(void *arg, unsigned index), void *arg)
{
    if (pool->n == 1) {
        task(arg, 0);
        return;
    }
    pthread_mutex_lock(&pool->lock);
    pool->task = task;
    pool->arg = arg;
    pool->running = pool->n - 1;
    pool->generation++;
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);

    task(arg, 0);

    pthread_mutex_lock(&pool->lock);
    while (pool->running > 0)
        pthread_cond_wait(&pool->done, &pool->lock);
    pthread_mutex_unlock(&pool->lock);
}

void mb__pool_barrier(mb__pool *pool)
{
    if (pool->n == 1)
        return;
    /* Read before counting in: the generation cannot move until this thread has arrived. */
    unsigned generation = atomic_load_explicit(&pool->released, memory_order_acquire);
    if (atomic_fetch_add_explicit(&pool->arrived, 1, memory_order_acq_rel) == pool->n - 1) {
        /* The last to arrive. The reset is ordered before the release below, and every
         * thread that counts itself into the next round has first seen that release. */
        atomic_store_explicit(&pool->arrived, 0, memory_order_relaxed);
        atomic_store_explicit(&pool->released, generation + 1, memory_order_release);
        return;
    }
    unsigned spins = 0;
    while (atomic_load_explicit(&pool->released, memory_order_acquire) == generation) {
        if (spins < pool->spin_limit) {
            spins++;
            cpu_relax();
        } else {
            sched_yield();
        }
    }
}

#else /* no POSIX threads or no C11 atomics */

struct mb__pool {
    unsigned n;
};

int mb__pool_new(mb__pool **out, unsigned n)
{
    (void)n;
    *out = NULL;
    errno = ENOSYS;
    return MB_EINVAL;
}

void mb__pool_free(mb__pool *pool)
{
    (void)pool;
}

unsigned mb__pool_size(const mb__pool *pool)
{
    return pool->n;
}

void mb__pool_run(mb__pool *pool, void (*task)(void *arg, unsigned index), void *arg)
{
    (void)pool;
    task(arg, 0);
}

void mb__pool_barrier(mb__pool *pool)
{
    (void)pool;
}

#endif
