/* Latency benchmarks for runs of up to 10^8 invocations (docs/performance.md, "Scale", run by
 * benchmarks/run-scale). Latency mode times as many invocations as its budget holds, up to
 * 10^8, the most one run times; there is no option for a count, so a run of 10^8 asks for a
 * budget longer than they take and stops at the maximum.
 *
 * invocation: a chain of 3000 dependent multiply-adds, about 3.7 us on a 3.5 GHz core, just
 * above latency mode's threshold of 100 timer quanta (about 2.9 us here): every invocation
 * timed alone, 10^8 of them in about 6 minutes of CPU.
 * short_invocation: 30 steps, about 40 ns, under the threshold: measured normally, then its
 * invocations timed alone all the same for resolution-limited percentiles, 10^8 of them in
 * one to three minutes of CPU. */
#include <microbe.h>

#include <stdint.h>

static uint64_t chain(int steps)
{
    uint64_t x = 1;
    mb_black_box(&x);
    for (int i = 0; i < steps; i++)
        x = x * 6364136223846793005u + 1442695040888963407u;
    return x;
}

BENCH_P(invocation, MB_LATENCY)
{
    MB_LOOP(state) {
        uint64_t x = chain(3000);
        mb_black_box(&x);
    }
}

BENCH_P(short_invocation, MB_LATENCY)
{
    MB_LOOP(state) {
        uint64_t x = chain(30);
        mb_black_box(&x);
    }
}
