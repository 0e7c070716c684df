/*
 * One of two files of one bench executable: benchmarks register themselves from any
 * translation unit, and the executable runs them all in (file, line) order.
 */
#include <microbe.h>

#include <stddef.h>
#include <stdint.h>

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3u;
    return h;
}

BENCH(fnv1a_256)
{
    static unsigned char key[256];
    for (size_t i = 0; i < sizeof key; i++)
        key[i] = (unsigned char)i;
    MB_LOOP(state) {
        mb_black_box(key);
        uint64_t h = fnv1a(key, sizeof key);
        mb_black_box(&h);
    }
}
