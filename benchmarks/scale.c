/* Many registered instances (docs/performance.md, "Scale", run by benchmarks/run-scale): one
 * BENCH_P whose parameter product gives SCALE_SIDE x 100 instances, scale/a:A/b:B, each a tiny
 * body. Built with SCALE_SIDE 10, 30 and 100 (1000, 3000 and 10 000 instances), so that the
 * time and memory of --list, --smoke and a filtered --quick run can be compared across sizes. */
#include <microbe.h>

#include <stdint.h>

#ifndef SCALE_SIDE
#define SCALE_SIDE 100
#endif

BENCH_P(scale, MB_DENSE(a, 1, SCALE_SIDE, 1), MB_DENSE(b, 1, 100, 1))
{
    uint64_t x = (uint64_t)mb_param_int(state, "a") * 100u + (uint64_t)mb_param_int(state, "b");
    MB_LOOP(state) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        mb_black_box(&x);
    }
}
