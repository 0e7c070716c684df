/*
 * The other file of the split example. Code before MB_LOOP runs once per sample and is not
 * timed, so state changed by one iteration is seen by the next: after its first iteration,
 * insertion_sort_64 sorts an already sorted array. That is what this benchmark means to
 * measure here (the best case); to time sorting of fresh data, restore the input inside the
 * loop and measure the restore on its own, as reverse_copy_64 does.
 */
#include <microbe.h>

#include <stdint.h>

static void insertion_sort(int32_t *v, int n)
{
    for (int i = 1; i < n; i++) {
        int32_t key = v[i];
        int j = i - 1;
        while (j >= 0 && v[j] > key) {
            v[j + 1] = v[j];
            j--;
        }
        v[j + 1] = key;
    }
}

BENCH(insertion_sort_64_sorted)
{
    int32_t v[64];
    for (int i = 0; i < 64; i++)
        v[i] = i;
    MB_LOOP(state) {
        insertion_sort(v, 64);
        mb_black_box(v);
    }
}

BENCH(reverse_copy_64)
{
    int32_t src[64], dst[64];
    for (int i = 0; i < 64; i++)
        src[i] = (int32_t)(i * 7919 % 64);
    MB_LOOP(state) {
        for (int i = 0; i < 64; i++)
            dst[63 - i] = src[i];
        mb_black_box(dst);
    }
}
