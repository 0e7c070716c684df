/* The public header is self-contained and clean under -std=c11 -Wall -Wextra -Wpedantic
 * -Werror: it is included first, with nothing before it. */
#include <microbe.h>

BENCH(header_c_bench)
{
    int x = 0;
    MB_LOOP(state) {
        x++;
        mb_black_box(&x);
    }
    mb_clobber();
}

/* A body that ignores its state must not warn either. */
BENCH(header_c_unused_state)
{
}

int main(int argc, char **argv)
{
    return mb_main(argc, argv);
}
