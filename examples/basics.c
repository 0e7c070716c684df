/*
 * The basics: a file of BENCH() definitions is a complete bench executable when linked with
 * microbe_main. Run it with --help to see the options, --quick for a fast look.
 */
#include <microbe.h>

#include <stdint.h>
#include <string.h>

/* Copying 4 KiB: the buffers are set up outside the timed loop. */
BENCH(memcpy_4k)
{
    static char src[4096], dst[4096];
    memset(src, 'x', sizeof src);
    MB_LOOP(state) {
        memcpy(dst, src, sizeof src);
        mb_black_box(dst);
    }
}

/* Summing 1024 integers; mb_black_box keeps the compiler from computing the sum once. */
BENCH(sum_1k)
{
    static uint32_t values[1024];
    for (uint32_t i = 0; i < 1024; i++)
        values[i] = i * 2654435761u;
    MB_LOOP(state) {
        mb_black_box(values);
        uint64_t sum = 0;
        for (int i = 0; i < 1024; i++)
            sum += values[i];
        mb_black_box(&sum);
    }
}

/* A dependent chain: each step needs the previous result, so this measures latency. */
BENCH(xorshift_chain_100)
{
    uint64_t x = 88172645463325252u;
    MB_LOOP(state) {
        for (int i = 0; i < 100; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }
        mb_black_box(&x);
    }
}

static unsigned fib(unsigned n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

/* A slower body (tens of microseconds) with a volatile input so nothing is folded. */
BENCH(fib_20)
{
    volatile unsigned n = 20;
    MB_LOOP(state) {
        unsigned r = fib(n);
        mb_black_box(&r);
    }
}
