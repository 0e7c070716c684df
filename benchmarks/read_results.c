/* Reads results files with mb_results_read, as microbe-compare and --baseline do, and prints
 * how many results each held and how long the read took (docs/performance.md, "Scale", run by
 * benchmarks/run-scale; its peak memory comes from GNU time). Public API only.
 * Usage: read_results FILE... ; exit 0, or 1 naming a file that does not read. */
#define _POSIX_C_SOURCE 200809L

#include <microbe.h>

#include <stdio.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        mb_results *set = NULL;
        char message[512];
        double start = now_s();
        if (mb_results_read(argv[i], &set, message, sizeof message) != 0) {
            fprintf(stderr, "read_results: %s\n", message);
            return 1;
        }
        printf("%s: %zu results in %.3f s\n", argv[i], mb_results_count(set), now_s() - start);
        mb_results_free(set);
    }
    return 0;
}
