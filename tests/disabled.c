/* Benchmarks compiled out: with MICROBE_DISABLE, every BENCH form still compiles its body
 * (test_disabled.py shows that an error in one, or in a call's arguments, fails the build) but
 * leaves nothing in the program: it links without libmicrobe (meson builds it with the header
 * only), and holds no mb_ symbol and no constructor (test_disabled.py reads nm, and compiles
 * it with MB_TEST_ENABLED too, to see that check fail). Its own main runs as usual. */
#ifndef MB_TEST_ENABLED
#define MICROBE_DISABLE
#endif
#include <microbe.h>

#include <stdio.h>
#include <stdlib.h>

static void *make_buffer(mb_state *state)
{
    return calloc((size_t)mb_param_int(state, "n"), 1);
}

static void free_buffer(mb_state *state, void *data)
{
    (void)state;
    free(data);
}

BENCH(plain)
{
    int x = 0;
    MB_LOOP(state) {
        x++;
        mb_black_box(&x);
    }
}

BENCH_P(sized, MB_RANGE(n, 8, 4096, 8), MB_STRINGS(kind, "hit", "miss"), MB_THREADS(1, 2),
        MB_FIXTURE(make_buffer, free_buffer))
{
    int64_t n = mb_param_int(state, "n");
    const char *kind = mb_param_string(state, "kind");
    char *buffer = mb_fixture(state);
    mb_set_bytes_per_iter(state, (double)n);
    MB_LOOP(state) {
        buffer[mb_thread_index(state)] = kind[0];
        mb_black_box(buffer);
    }
}

static int one(void)
{
    return 1;
}

BENCH_P(call, MB_FUNCTIONS(fn, one))
{
    int (*fn)(void) = (int (*)(void))mb_param_function(state, "fn");
    MB_LOOP(state) {
        int x = fn ? fn() : 0;
        mb_black_box(&x);
    }
}

BENCH_P(request, MB_LATENCY)
{
    MB_LOOP(state) {
        mb_clobber();
    }
}

BENCH_GROUP(copy, copy_bytes)
{
    MB_LOOP(state) {
        mb_clobber();
    }
    mb_set_counter(state, "copies", 1, MB_PER_ITER);
}

#if defined(MB_TEST_BAD) && MB_TEST_BAD == 1
BENCH(broken)
{
    MB_LOOP(state) {
        mb_black_box(&no_such_variable);
    }
}
#elif defined(MB_TEST_BAD) && MB_TEST_BAD == 2
static void *broken_fixture(mb_state *state)
{
    return (void *)(intptr_t)mb_param_int(state, 3.5);
}
BENCH_P(broken, MB_FIXTURE(broken_fixture, free_buffer))
{
    MB_LOOP(state) {
        mb_clobber();
    }
}
#endif

int main(void)
{
    puts("no benchmark registered");
    return 0;
}
