/*
 * The harness's own cost per iteration: a body of one mb_black_box, which compiles to no
 * instruction, so what is measured is MB_LOOP itself (a decrement and a branch). Results and
 * the command that produced them: docs/measurement.md.
 */
#include <microbe.h>

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
