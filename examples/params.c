/* Parameterised benchmarks: one result per combination of values, named like sort/64 or
 * lookup/keys:1024/kind:hit. Run: ./params --list, ./params --quick, ./params 'sort/.*'. */
#include <microbe.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int compare_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* A geometric range: n = 8, 64, 512, 4096, and a complexity fit of its times. The copy of the
 * input is part of each iteration. */
BENCH_P(sort, MB_RANGE(n, 8, 4096, 8), MB_FIT_COMPLEXITY)
{
    size_t n = (size_t)mb_param_int(state, "n");
    uint32_t *input = malloc(n * sizeof *input), *work = malloc(n * sizeof *work);
    if (!input || !work) {
        free(input);
        free(work);
        mb_fail(state, "out of memory");
        return;
    }
    for (size_t i = 0; i < n; i++)
        input[i] = (uint32_t)(i * 2654435761u);
    mb_set_items_per_iter(state, (double)n);
    MB_LOOP(state) {
        memcpy(work, input, n * sizeof *work);
        qsort(work, n, sizeof *work, compare_u32);
        mb_black_box(work);
    }
    free(input);
    free(work);
}

/* Two parameters, one of them strings: every combination runs. */
BENCH_P(lookup, MB_INTS(keys, 16, 1024), MB_STRINGS(kind, "hit", "miss"))
{
    size_t keys = (size_t)mb_param_int(state, "keys");
    int hit = strcmp(mb_param_string(state, "kind"), "hit") == 0;
    uint32_t *table = malloc(keys * sizeof *table);
    if (!table) {
        mb_fail(state, "out of memory");
        return;
    }
    for (size_t i = 0; i < keys; i++)
        table[i] = (uint32_t)(2 * i);
    uint32_t wanted = hit ? (uint32_t)(keys / 2 * 2) : 1;
    MB_LOOP(state) {
        size_t lo = 0, hi = keys;
        mb_black_box(&wanted);
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (table[mid] < wanted)
                lo = mid + 1;
            else
                hi = mid;
        }
        mb_black_box(&lo);
    }
    free(table);
}

/* Doubles: a load factor. */
BENCH_P(fill, MB_DOUBLES(load, 0.25, 0.5, 0.9))
{
    double load = mb_param_double(state, "load");
    size_t n = (size_t)(1024 * load);
    static unsigned char buf[1024];
    mb_set_bytes_per_iter(state, (double)n);
    MB_LOOP(state) {
        memset(buf, 0x5a, n);
        mb_black_box(buf);
    }
}

/* A user complexity model: fitted and ranked with O(1) ... O(n^3) (MB_COMPLEXITY asks for the
 * fit too). */
static double n_sqrt_n(double n)
{
    return n * sqrt(n);
}

/* n / b blocks of b = sqrt(n) elements, each block summed b times: n sqrt(n) additions. */
BENCH_P(blocked_sums, MB_RANGE(n, 256, 65536, 4), MB_COMPLEXITY(n_sqrt_n))
{
    size_t n = (size_t)mb_param_int(state, "n"), b = (size_t)sqrt((double)n);
    uint32_t *data = calloc(n, sizeof *data);
    if (!data) {
        mb_fail(state, "out of memory");
        return;
    }
    MB_LOOP(state) {
        uint64_t sum = 0;
        for (size_t start = 0; start + b <= n; start += b)
            for (size_t r = 0; r < b; r++)
                for (size_t i = start; i < start + b; i++)
                    sum += data[i] + r;
        mb_black_box(&sum);
    }
    free(data);
}
