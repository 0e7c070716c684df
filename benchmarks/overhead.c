/*
 * The harness's own cost per iteration: a body of one mb_black_box, which compiles to no
 * instruction, so what is measured is MB_LOOP itself (a decrement and a branch). Results and
 * the command that produced them: docs/measurement.md.
 */
#include <microbe.h>

#include <stdint.h>

BENCH(black_box_only)
{
    int x = 0;
    MB_LOOP(state) {
        mb_black_box(&x);
    }
}

/* A body the compiler removes entirely: the report must flag it as optimized away. */
BENCH(empty_body)
{
    MB_LOOP(state) {
    }
}

/* One instruction the compiler must keep (an add on a register it cannot see through): about
 * as fast as the empty loop, and not to be flagged (docs/statistics.md, Diagnostics). */
BENCH(one_instruction)
{
    uint64_t n = 0;
    MB_LOOP(state) {
        __asm__ volatile("" : "+r"(n));
        n++;
    }
    mb_black_box(&n);
}
