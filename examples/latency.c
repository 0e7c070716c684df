/* Latency and cold modes. MB_LATENCY times every invocation alone and reports percentiles
 * (p50, p90, p95, p99, p99.9, max) with intervals: for work long enough to time one call at a
 * time (at least 100 timer quanta, a few microseconds). MB_COLD evicts the CPU caches before
 * every invocation: the first-touch cost. Run: ./latency --quick --format json. */
#include <microbe.h>

#include <stdint.h>
#include <string.h>

static uint64_t hash(const unsigned char *p, size_t n)
{
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211u;
    return h;
}

/* A request handler: hashes a 4 KiB message; one request in 50 also rebuilds a 64 KiB index,
 * a slow path that only the tail percentiles show. */
static unsigned char message[4096], index_[65536];

BENCH_P(handle_request, MB_LATENCY)
{
    static uint64_t requests;
    memset(message, 'm', sizeof message);
    mb_black_box(message);
    MB_LOOP(state) {
        uint64_t h = hash(message, sizeof message);
        if (++requests % 50 == 0) {
            memset(index_, (int)(h & 0xff), sizeof index_);
            h ^= hash(index_, sizeof index_);
        }
        mb_black_box(&h);
    }
    mb_set_counter(state, "requests", 1, MB_PER_ITER);
}

/* Reading a 256 KiB table, cold (after evicting the caches) and warm. */
static unsigned char table[256 << 10];

static unsigned sum_table(void)
{
    unsigned sum = 0;
    for (size_t i = 0; i < sizeof table; i += 64)
        sum += table[i];
    return sum;
}

/* The table's contents are unknown to the compiler, so the scan cannot be folded away. */
static void fill_table(void)
{
    memset(table, 1, sizeof table);
    mb_black_box(table);
}

BENCH_P(table_scan_cold, MB_COLD)
{
    fill_table();
    MB_LOOP(state) {
        unsigned sum = sum_table();
        mb_black_box(&sum);
    }
    mb_set_bytes_per_iter(state, sizeof table);
}

BENCH(table_scan_warm)
{
    fill_table();
    MB_LOOP(state) {
        unsigned sum = sum_table();
        mb_black_box(&sum);
    }
    mb_set_bytes_per_iter(state, sizeof table);
}
