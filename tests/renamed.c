/* Two versions of the same benchmarks (MB_TEST_VERSION 1 and 2: tests/meson.build builds
 * both), the second renaming them the ways a change of parameters does, for the test that a
 * baseline of the first is matched by parameters (tests/test_renames.py):
 *   hash/64            -> hash/size:64/algo:xxh    a parameter added, at one value: matched
 *   mix/size:64/algo:a -> mix/64                   a parameter removed: matched
 *   pair/64            -> pair/size:64/algo:a, b   a parameter added, at two values: neither
 *   gone                                           removed: unmatched
 *                         fresh                    added: no baseline */
#include <microbe.h>

#include <stdint.h>

#ifndef MB_TEST_VERSION
#define MB_TEST_VERSION 1
#endif

static void spin(mb_state *state, int64_t steps)
{
    uint64_t x = 1;
    MB_LOOP(state) {
        for (int64_t i = 0; i < steps; i++) {
            x = x * 6364136223846793005u + 1442695040888963407u;
            mb_black_box(&x);
        }
    }
}

#if MB_TEST_VERSION == 1
BENCH_P(hash, MB_INTS(size, 64, 256))
{
    spin(state, mb_param_int(state, "size"));
}
BENCH_P(mix, MB_INTS(size, 64), MB_STRINGS(algo, "a"))
{
    spin(state, mb_param_int(state, "size"));
}
BENCH_P(pair, MB_INTS(size, 64))
{
    spin(state, mb_param_int(state, "size"));
}
BENCH(gone)
{
    spin(state, 64);
}
#else
BENCH_P(hash, MB_INTS(size, 64, 256), MB_STRINGS(algo, "xxh"))
{
    spin(state, mb_param_int(state, "size"));
}
BENCH_P(mix, MB_INTS(size, 64))
{
    spin(state, mb_param_int(state, "size"));
}
BENCH_P(pair, MB_INTS(size, 64), MB_STRINGS(algo, "a", "b"))
{
    spin(state, mb_param_int(state, "size"));
}
BENCH(fresh)
{
    spin(state, 64);
}
#endif

int main(int argc, char **argv)
{
    return mb_main(argc, argv);
}
