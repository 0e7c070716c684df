/* Compiled to assembly by test_loop_asm.py: the loop MB_LOOP generates around a body of one
 * mb_black_box must be a decrement and a branch, with no call and no clock read inside. */
#include <microbe.h>

BENCH(one_black_box)
{
    int x = 0;
    MB_LOOP(state) {
        mb_black_box(&x);
    }
}
