/*
 * Threads for threaded benchmarks (MB_THREADS): a pool of n - 1 worker threads that run a task
 * together with the calling thread, and the start barrier they meet at before the timed loop.
 * POSIX threads; on platforms without them mb__pool_new fails with MB_EINVAL.
 */
#ifndef MB_THREADS_H
#define MB_THREADS_H

#include <stddef.h>

typedef struct mb__pool mb__pool;

/* A pool for n >= 1 threads in all: the caller is thread 0, n - 1 workers are started now
 * and block until a run. n == 1 starts no thread. Returns 0 with the pool in *out (the
 * caller's, for mb__pool_free); MB_ENOMEM; or MB_EINVAL for n == 0, when a thread cannot be
 * created (errno says why; the threads already started are joined) and without POSIX
 * threads. *out is NULL on failure. */
int mb__pool_new(mb__pool **out, unsigned n);
/* Joins the workers and frees the pool; not during a run. NULL is a no-op. */
void mb__pool_free(mb__pool *pool);
/* n, the pool's thread count. */
unsigned mb__pool_size(const mb__pool *pool);
/* Runs task(arg, i) on every thread i of the pool at once, i = 0 on the caller, and returns
 * when every one has returned. Everything written before the call is visible to the tasks,
 * everything the tasks wrote is visible after it. One run at a time: called by one thread,
 * never from a task. */
void mb__pool_run(mb__pool *pool, void (*task)(void *arg, unsigned index), void *arg);
/* Called by every one of the pool's threads during a task, each the same number of times:
 * returns once all of them have called it (reusable: the next round needs all of them
 * again, within a run or in a later one). What a thread wrote before it is visible to all
 * after it. Spins briefly, then yields, so that the threads leave it within microseconds of
 * each other when they have CPUs; with more threads than online CPUs it yields almost at
 * once. Returns at once when n == 1. */
void mb__pool_barrier(mb__pool *pool);

#endif
