/* The program that links the static library of lib_bench.c, whole or normally. */
#include <microbe.h>

BENCH(in_program)
{
    unsigned x = 1;
    MB_LOOP(state) {
        x += 5;
        mb_black_box(&x);
    }
}
