/* A user's program, file two of two. */
#include <microbe.h>

BENCH(user_mul)
{
    unsigned long long x = 3;
    MB_LOOP(state) {
        x *= 2862933555777941757ull;
        mb_black_box(&x);
    }
}
