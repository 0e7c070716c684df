/*
 * A comparison group for benchmarks/run-comparison: the chain of workloads.h at 100 % of its
 * length (twice: the A/A pair) and at 103 % and 110 %, measured interleaved by BENCH_GROUP.
 */
#include "workloads.h"

#include <microbe.h>

BENCH_GROUP(chain, chain_base)
{
    uint64_t x = 1;
    MB_LOOP(state) {
        wl_chain_body(&x, WL_CHAIN_STEPS);
    }
}

BENCH_GROUP(chain, chain_same)
{
    uint64_t x = 1;
    MB_LOOP(state) {
        wl_chain_body(&x, WL_CHAIN_STEPS);
    }
}

BENCH_GROUP(chain, chain_plus3)
{
    uint64_t x = 1;
    MB_LOOP(state) {
        wl_chain_body(&x, WL_CHAIN_STEPS * 103 / 100);
    }
}

BENCH_GROUP(chain, chain_plus10)
{
    uint64_t x = 1;
    MB_LOOP(state) {
        wl_chain_body(&x, WL_CHAIN_STEPS * 110 / 100);
    }
}
