/* Setup outside timing: fixtures (once per benchmark run), per-iteration setup in batches
 * (mb_iter_batched: only the routine is timed), pause/resume (simple, but it costs clock reads
 * per iteration), manual timing, and user counters. Run: ./setup --quick. */
#define _POSIX_C_SOURCE 200809L

#include <microbe.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define N 256

static void shuffle(uint32_t *a, uint64_t *seed)
{
    for (size_t i = 0; i < N; i++)
        a[i] = (uint32_t)i;
    for (size_t i = N - 1; i > 0; i--) {
        *seed = *seed * 6364136223846793005u + 1442695040888963407u;
        size_t j = (size_t)(*seed >> 33) % (i + 1);
        uint32_t t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}

static void insertion_sort(uint32_t *a)
{
    for (size_t i = 1; i < N; i++) {
        uint32_t v = a[i];
        size_t j = i;
        for (; j > 0 && a[j - 1] > v; j--)
            a[j] = a[j - 1];
        a[j] = v;
    }
}

/* Per-iteration setup, batched: every sort gets a freshly shuffled array; the shuffles run
 * between the timed routine loops. */
static void shuffle_input(void *input, void *user)
{
    shuffle(input, user);
}

static void sort_input(void *input, void *user)
{
    (void)user;
    insertion_sort(input);
    mb_black_box(input);
}

BENCH(sort_fresh_batched)
{
    uint64_t seed = 42;
    mb_batch batch = {N * sizeof(uint32_t), shuffle_input, sort_input, NULL, &seed};
    mb_iter_batched(state, &batch);
}

/* The same with pause/resume around the shuffle: two extra clock reads per iteration, whose
 * residual cost (about one clock read) stays in the time (docs/authoring.md). */
BENCH(sort_fresh_paused)
{
    uint64_t seed = 42;
    uint32_t a[N];
    MB_LOOP(state) {
        mb_pause(state);
        shuffle(a, &seed);
        mb_resume(state);
        insertion_sort(a);
        mb_black_box(a);
    }
}

/* A fixture: a table built once per benchmark run (per instance), outside timing. */
typedef struct table {
    size_t n;
    uint32_t *keys;
} table;

static void *table_new(mb_state *state)
{
    size_t n = (size_t)mb_param_int(state, "n");
    table *t = malloc(sizeof *t);
    uint32_t *keys = malloc(n * sizeof *keys);
    if (!t || !keys) {
        free(t);
        free(keys);
        mb_fail(state, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        keys[i] = (uint32_t)(2 * i);
    *t = (table){n, keys};
    return t;
}

static void table_free(mb_state *state, void *data)
{
    (void)state;
    table *t = data;
    if (t)
        free(t->keys);
    free(t);
}

/* Binary search of the fixture's sorted table; user counters report the hit ratio per
 * iteration and the probes per second. */
BENCH_P(search, MB_RANGE(n, 1024, 1048576, 32), MB_FIXTURE(table_new, table_free))
{
    const table *t = mb_fixture(state);
    uint64_t hits = 0, probes = 0, x = 1;
    MB_LOOP(state) {
        x = x * 6364136223846793005u + 1;
        uint32_t key = (uint32_t)(x >> 33) % (uint32_t)(2 * t->n);
        size_t lo = 0, hi = t->n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            probes++;
            if (t->keys[mid] < key)
                lo = mid + 1;
            else
                hi = mid;
        }
        hits += lo < t->n && t->keys[lo] == key;
    }
    mb_set_counter(state, "hit_ratio", (double)hits, MB_PER_ITER);
    mb_set_counter(state, "probes", (double)probes, MB_PER_SECOND);
}

/* Manual timing: the body times part of each iteration itself (here with clock_gettime, as it
 * would with device timestamps) and reports that instead of the loop's time. */
static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

BENCH(sort_manual_time)
{
    uint64_t seed = 7;
    uint32_t a[N];
    MB_LOOP(state) {
        shuffle(a, &seed);
        double start = now_ns();
        insertion_sort(a);
        mb_black_box(a);
        mb_add_manual_time(state, now_ns() - start);
    }
}
