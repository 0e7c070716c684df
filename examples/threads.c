/* Threaded benchmarks: the body runs on 1, 2 and 4 threads at once, all starting the timed
 * loop together; results are named atomic_add/threads:2 and so on. Times are per thread (one
 * thread's iterations over the wall time), rates are aggregate (all threads' work per second).
 * Run: ./threads --quick, ./threads --quick --format json. */
#include <microbe.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

/* Every thread increments one shared counter: the cache line bounces between cores, so the
 * aggregate rate does not grow with threads. */
static atomic_uint_fast64_t shared_counter;

BENCH_P(atomic_add, MB_THREADS(1, 2, 4))
{
    MB_LOOP(state) {
        atomic_fetch_add_explicit(&shared_counter, 1, memory_order_relaxed);
    }
    mb_set_items_per_iter(state, 1);
}

/* Each thread increments its own counter on its own cache line: the rate scales with threads
 * as long as there are cores for them. */
struct padded {
    _Alignas(64) atomic_uint_fast64_t value;
};
static struct padded private_counter[64];

BENCH_P(private_add, MB_THREADS(1, 2, 4))
{
    atomic_uint_fast64_t *mine = &private_counter[mb_thread_index(state) % 64].value;
    MB_LOOP(state) {
        atomic_fetch_add_explicit(mine, 1, memory_order_relaxed);
    }
    mb_set_items_per_iter(state, 1);
}

/* A fixture shared by the threads: a mutex-protected stack, made once per benchmark run. The
 * user counter reports how often a pop found the stack empty, per iteration, summed over the
 * threads. */
typedef struct stack {
    pthread_mutex_t lock;
    size_t size;
    uint64_t items[1024];
} stack;

static void *stack_new(mb_state *state)
{
    stack *s = calloc(1, sizeof *s);
    if (!s || pthread_mutex_init(&s->lock, NULL) != 0) {
        free(s);
        mb_fail(state, "cannot create the stack");
        return NULL;
    }
    return s;
}

static void stack_free(mb_state *state, void *data)
{
    (void)state;
    stack *s = data;
    if (s)
        pthread_mutex_destroy(&s->lock);
    free(s);
}

BENCH_P(locked_stack, MB_THREADS(1, 2), MB_FIXTURE(stack_new, stack_free))
{
    stack *s = mb_fixture(state);
    uint64_t empty = 0, i = 0;
    MB_LOOP(state) {
        pthread_mutex_lock(&s->lock);
        if (i++ % 2 == 0 && s->size < 1024)
            s->items[s->size++] = i;
        else if (s->size > 0)
            s->size--;
        else
            empty++;
        pthread_mutex_unlock(&s->lock);
    }
    mb_set_counter(state, "empty_pops", (double)empty, MB_PER_ITER);
    mb_set_items_per_iter(state, 1);
}
