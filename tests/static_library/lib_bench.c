/* A benchmark in a static library: nothing refers to this file, so a program linked with the
 * library normally leaves it out, and its registration with it (docs/building.md). */
#include <microbe.h>

BENCH(from_static_library)
{
    unsigned x = 1;
    MB_LOOP(state) {
        x ^= x << 7;
        mb_black_box(&x);
    }
}
