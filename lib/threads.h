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
 * and wait. Returns 0, MB_ENOMEM, or MB_EINVAL when a thread cannot be created (errno). */
int mb__pool_new(mb__pool **out, unsigned n);
/* Joins the workers. NULL is a no-op. */
void mb__pool_free(mb__pool *pool);
unsigned mb__pool_size(const mb__pool *pool);
/* Runs task(arg, i) on every thread i of the pool at once, i = 0 on the caller, and returns
 * when every one has returned. Everything written before the call is visible to the tasks,
 * everything the tasks wrote is visible after it. */
void mb__pool_run(mb__pool *pool, void (*task)(void *arg, unsigned index), void *arg);
/* Called by every one of the pool's threads during a task: returns once all of them have
 * called it (reusable: the next round needs all of them again). Spins briefly, then yields,
 * so that the threads leave it within microseconds of each other when they have CPUs. */
void mb__pool_barrier(mb__pool *pool);

#endif
