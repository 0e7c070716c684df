/*
 * Time of the bootstrap behind every result (10 000 resamples, slope included), for n = 10, 30
 * and 100 samples: the median of 21 calls each. Results: docs/measurement.md.
 */
#define _POSIX_C_SOURCE 200809L

#include "stats.h"
#include <stdio.h>
#include <time.h>
#include <math.h>
static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}
int main(void)
{
    size_t ns[] = {10, 30, 100};
    mb__rng r;
    mb__rng_seed(&r, 1);
    for (int k = 0; k < 3; k++) {
        size_t n = ns[k];
        double x[100], y[100];
        for (size_t i = 0; i < n; i++) {
            x[i] = (double)(i + 1) * 1000;
            y[i] = x[i] * 100 * exp(0.05 * mb__normal_quantile(mb__rng_unit(&r) * 0.99 + 0.005));
        }
        double t[21];
        for (int j = 0; j < 21; j++) {
            mb__boot_result b;
            double a = now();
            mb__bootstrap(x, y, n, 1, 10000, 0.95, j, &b);
            t[j] = now() - a;
        }
        mb__sort(t, 21);
        printf("n=%zu: median %.2f ms over 21 runs\n", n, t[10] * 1e3);
    }
}
