/*
 * Complexity fits: which of O(1), O(log n), O(n), O(n log n), O(n^2), O(n^3) describes how a
 * parameterised benchmark's median time grows with its parameter. Each model is fitted as
 * t = c f(n) by least squares on the relative residuals (t - c f(n)) / t, so that the small
 * sizes of a geometric range weigh as much as the large ones; the models are ranked by the
 * root mean square of those residuals. A benchmark's own model (MB_COMPLEXITY) joins the
 * ranking like the others. Pure.
 */
#include "microbe_internal.h"
#include "complexity.h"

#include <math.h>
#include <stdlib.h>

static double model_of(mb_complexity_model m, double n, mb_complexity_fn user)
{
    switch (m) {
    case MB_O_1: return 1;
    case MB_O_LOG_N: return log2(n);
    case MB_O_N: return n;
    case MB_O_N_LOG_N: return n * log2(n);
    case MB_O_N2: return n * n;
    case MB_O_N3: return n * n * n;
    default: return user(n);
    }
}

static int by_rms(const void *a, const void *b)
{
    double x = ((const mb_complexity_fit *)a)->rms, y = ((const mb_complexity_fit *)b)->rms;
    if (isnan(x) || isnan(y))
        return isnan(x) - isnan(y);
    return (x > y) - (x < y);
}

size_t mb__complexity_fit(const double *n, const double *t, size_t k, mb_complexity_fn user,
                          const char *user_name, mb_complexity_fit *fits)
{
    size_t n_models = MB_COMPLEXITY_MODELS + (user != NULL);
    for (size_t m = 0; m < n_models; m++) {
        mb_complexity_model model = (mb_complexity_model)m;
        /* Minimise sum (1 - c r_i)^2 with r_i = f(n_i) / t_i: c = sum r / sum r^2. */
        double sum_r = 0, sum_r2 = 0;
        for (size_t i = 0; i < k; i++) {
            double r = model_of(model, n[i], user) / t[i];
            sum_r += r;
            sum_r2 += r * r;
        }
        double c = sum_r2 > 0 && isfinite(sum_r2) ? sum_r / sum_r2 : NAN, sq = 0;
        for (size_t i = 0; i < k; i++) {
            double e = 1 - c * model_of(model, n[i], user) / t[i];
            sq += e * e;
        }
        const char *name = model == MB_O_USER ? user_name : mb_complexity_name(model);
        fits[m] = (mb_complexity_fit){model, c, k ? sqrt(sq / (double)k) : NAN, name};
    }
    qsort(fits, n_models, sizeof *fits, by_rms);
    return n_models;
}
