/* A benchmark compiled with -O0 (see tests/meson.build): the run must warn that it is
 * unoptimised and record -O0 in its build fields. */
#include <microbe.h>

BENCH(unoptimized_sum)
{
    unsigned sum = 0;
    MB_LOOP(state) {
        sum += 3;
        mb_black_box(&sum);
    }
}

int main(int argc, char **argv)
{
    return mb_main(argc, argv);
}
