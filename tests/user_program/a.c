/* A user's program, file one of two: built against the installed library with
 * cc -std=c11 -Wall -Wextra -Wpedantic -Werror a.c b.c $(pkg-config --cflags --libs microbe_main)
 */
#include <microbe.h>

BENCH(user_add)
{
    unsigned x = 1;
    MB_LOOP(state) {
        x += 3;
        mb_black_box(&x);
    }
}
