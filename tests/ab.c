/* Two builds of the same benchmarks that differ only in how much work each iteration does
 * (MB_TEST_WORK, in percent: tests/meson.build builds 100 and 110), for the comparison
 * tests: A/A must not be called a regression, 10 % more work must. */
#include <microbe.h>

#include <stdint.h>

#ifndef MB_TEST_WORK
#define MB_TEST_WORK 100
#endif

/* A dependent chain: every step waits for the one before, so time is proportional to steps. */
BENCH(ab_chain)
{
    uint64_t x = 1;
    MB_LOOP(state) {
        for (int i = 0; i < 4 * MB_TEST_WORK; i++) {
            x = x * 6364136223846793005u + 1442695040888963407u;
            mb_black_box(&x);
        }
    }
}

/* Twice ab_chain's steps, for the instruction counter: about twice the instructions. */
BENCH(twice_chain)
{
    uint64_t x = 1;
    MB_LOOP(state) {
        for (int i = 0; i < 8 * MB_TEST_WORK; i++) {
            x = x * 6364136223846793005u + 1442695040888963407u;
            mb_black_box(&x);
        }
    }
}

/* ab_chain's chain, but every tenth call does three times the steps: its runs carry the
 * unstable warning (the per-iteration times' CV is near 0.5), while its median still moves
 * with the work. For the test that microbe-compare applies the unstable rule as a run does. */
BENCH(noisy_chain)
{
    static unsigned calls;
    int steps = ++calls % 10 == 0 ? 12 * MB_TEST_WORK : 4 * MB_TEST_WORK;
    uint64_t x = 1;
    MB_LOOP(state) {
        for (int i = 0; i < steps; i++) {
            x = x * 6364136223846793005u + 1442695040888963407u;
            mb_black_box(&x);
        }
    }
}

/* A sum over an array that fits in L1. */
BENCH(ab_sum)
{
    static uint32_t data[16 * MB_TEST_WORK];
    for (int i = 0; i < 16 * MB_TEST_WORK; i++)
        data[i] = (uint32_t)i * 2654435761u;
    MB_LOOP(state) {
        uint32_t sum = 0;
        mb_black_box(data);
        for (int i = 0; i < 16 * MB_TEST_WORK; i++)
            sum += data[i];
        mb_black_box(&sum);
    }
}

/* A comparison group, measured interleaved: a member identical to the baseline, one with
 * 3 % more steps and one with 10 % more. */
static uint64_t chain(uint64_t x, int steps)
{
    for (int i = 0; i < steps; i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        mb_black_box(&x);
    }
    return x;
}

BENCH_GROUP(pair, pair_base)
{
    uint64_t x = 1;
    MB_LOOP(state) {
        x = chain(x, 400);
    }
    mb_black_box(&x);
}

BENCH_GROUP(pair, pair_same)
{
    uint64_t x = 1;
    MB_LOOP(state) {
        x = chain(x, 400);
    }
    mb_black_box(&x);
}

BENCH_GROUP(pair, pair_plus3)
{
    uint64_t x = 1;
    MB_LOOP(state) {
        x = chain(x, 412);
    }
    mb_black_box(&x);
}

BENCH_GROUP(pair, pair_plus10)
{
    uint64_t x = 1;
    MB_LOOP(state) {
        x = chain(x, 440);
    }
    mb_black_box(&x);
}

int main(int argc, char **argv)
{
    return mb_main(argc, argv);
}
