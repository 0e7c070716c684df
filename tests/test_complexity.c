/*
 * Tests of the complexity fits: lib/analyse/complexity.c against reference values computed
 * independently by tests/fixtures/make_complexity_fixtures.py (scipy's non-negative least
 * squares, two solvers; see fixtures/complexity_ref.h), including sets with a fixed cost on
 * which the old intercept-free fit chose the wrong model; exact and noisy data of every model;
 * and lib/results/fits.c: only a BENCH_P that asks (MB_FIT_COMPLEXITY, MB_COMPLEXITY(f)) is
 * fitted.
 *
 * Tolerances: a and c to 1e-6 of the times' scale (c f(n) within 1e-6 of the largest time),
 * rms to 1e-6 relative: both sides solve the same small problem in double precision, by
 * different methods.
 */
#include "check.h"
#include "complexity.h"
#include "fits.h"
#include "fixtures/complexity_ref.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static double n_to_1_5(double n)
{
    return n * sqrt(n);
}

static double model_f(int m, double n)
{
    double f[MB_COMPLEXITY_MODELS + 1] = {1,     log2(n),   n,          n * log2(n),
                                          n * n, n * n * n, n_to_1_5(n)};
    return f[m];
}

/* One reference set: every fit's a, c and rms, the best model, and the order by BIC. */
static void check_reference(const ref_complexity *ref)
{
    mb_complexity_fit fits[MB_COMPLEXITY_MODELS + 1];
    size_t n_fits = mb__complexity_fit(ref->n, ref->t, ref->k, ref->user ? n_to_1_5 : NULL,
                                       ref->user ? "n_to_1_5" : NULL, fits);
    CHECK_INT(n_fits, ==, MB_COMPLEXITY_MODELS + (ref->user != 0));
    double t_max = 0, n_max = ref->n[ref->k - 1];
    for (size_t i = 0; i < ref->k; i++)
        t_max = ref->t[i] > t_max ? ref->t[i] : t_max;
    CHECK_INT(fits[0].model, ==, ref->best);
    /* The premise of the sets with a fixed cost: t = c f(n) chose another model. */
    CHECK(!strstr(ref->name, "fixed") || ref->best != ref->best_no_intercept);
    for (size_t j = 0; j < n_fits; j++) {
        int m = (int)fits[j].model;
        CHECK_NEAR(fits[j].intercept_ns, ref->a[m], 1e-6, 1e-6 * t_max);
        CHECK_NEAR(fits[j].coefficient_ns, ref->c[m], 1e-6, 1e-6 * t_max / model_f(m, n_max));
        CHECK_NEAR(fits[j].rms, ref->rms[m], 1e-6, 1e-12);
        if (j > 0)
            CHECK(ref->bic[(int)fits[j - 1].model] <= ref->bic[m] + 1e-6);
    }
    CHECK_STR(fits[0].name,
              fits[0].model == MB_O_USER ? "n_to_1_5" : mb_complexity_name(fits[0].model));
}

/* Exact and +-1 % data of every built-in model, with and without a fixed cost: the model and
 * both numbers come back. */
static void test_every_model(void)
{
    double n[6] = {8, 64, 512, 4096, 32768, 262144}, t[6];
    for (int m = 0; m < MB_COMPLEXITY_MODELS; m++) {
        for (int fixed = 0; fixed < 2; fixed++) {
            /* A fixed cost of half the first point's time. */
            double a = fixed ? 1.25 * model_f(m, n[0]) : 0;
            for (int i = 0; i < 6; i++)
                t[i] = (a + 2.5 * model_f(m, n[i])) * (1 + 0.01 * (i % 2 ? 1 : -1));
            mb_complexity_fit fits[MB_COMPLEXITY_MODELS];
            mb__complexity_fit(n, t, 6, NULL, NULL, fits);
            CHECK_INT(fits[0].model, ==, m);
            double total = fits[0].intercept_ns + fits[0].coefficient_ns * model_f(m, 1 << 20);
            CHECK_NEAR(total, a + 2.5 * model_f(m, 1 << 20), 0.03, 0);
            CHECK(fits[0].rms < 0.011);
            CHECK(fits[0].intercept_ns >= 0 && fits[0].coefficient_ns >= 0);
            for (int i = 0; i < 6; i++)
                t[i] = a + 2.5 * model_f(m, n[i]);
            mb__complexity_fit(n, t, 6, NULL, NULL, fits);
            CHECK_INT(fits[0].model, ==, m);
            CHECK(fits[0].rms < 1e-9);
            if (m == MB_O_1) {
                CHECK_NEAR(fits[0].intercept_ns, a + 2.5, 1e-9, 0);
                CHECK(fits[0].coefficient_ns == 0);
            } else {
                CHECK_NEAR(fits[0].coefficient_ns, 2.5, 1e-6, 0);
                CHECK_NEAR(fits[0].intercept_ns, a, 1e-6, 1e-9);
            }
        }
    }
    CHECK_STR(mb_complexity_name(MB_O_N_LOG_N), "O(n log n)");
    CHECK(mb_complexity_name(MB_O_USER) == NULL);

    /* On O(n log n) data a user model n^1.5 ranks below the true one. */
    for (int i = 0; i < 6; i++)
        t[i] = 3 * n[i] * log2(n[i]);
    mb_complexity_fit fits[MB_COMPLEXITY_MODELS + 1];
    CHECK_INT(mb__complexity_fit(n, t, 6, n_to_1_5, "n_to_1_5", fits), ==, 7);
    CHECK_INT(fits[0].model, ==, MB_O_N_LOG_N);
    CHECK_STR(fits[0].name, "O(n log n)");
}

/* A run's results: sort (MB_FIT_COMPLEXITY), plain (no option), user (MB_COMPLEXITY(f)), each
 * with four sizes; only sort and user are fitted. */
static void test_only_when_asked(void)
{
    static const mb_param sort_params[] = {MB_RANGE(n, 8, 512, 4), MB_FIT_COMPLEXITY};
    static const mb_param plain_params[] = {MB_RANGE(n, 8, 512, 4)};
    static const mb_param user_params[] = {MB_RANGE(n, 8, 512, 4), MB_COMPLEXITY(n_to_1_5)};
    static const mb_param *const params[] = {sort_params, plain_params, user_params};
    static const char *const names[] = {"sort", "plain", "user"};
    static mb_param_value values[12];
    static mb_bench benches[12];
    const mb_bench *selected[12];
    static mb_result results[12];
    for (size_t i = 0; i < 12; i++) {
        double n = 8 << (2 * (i % 4));
        values[i] = (mb_param_value){"n", MB_PARAM_INT, (int64_t)n, 0, NULL, NULL};
        benches[i] = (mb_bench){.name = names[i / 4],
                                .params = params[i / 4],
                                .n_params = 2,
                                .values = &values[i],
                                .n_values = 1};
        selected[i] = &benches[i];
        results[i].status = MB_STATUS_OK;
        results[i].median.point = 100 + 3 * n;
    }
    benches[4].n_params = benches[5].n_params = benches[6].n_params = benches[7].n_params = 1;
    mb_complexity *fits = NULL;
    size_t count = 0;
    CHECK_INT(mb__fit_groups(selected, results, 12, &fits, &count), ==, 0);
    CHECK_INT(count, ==, 2);
    if (count == 2) {
        CHECK_STR(fits[0].benchmark, "sort");
        CHECK_STR(fits[1].benchmark, "user");
        CHECK_INT(fits[0].n_fits, ==, MB_COMPLEXITY_MODELS);
        CHECK_INT(fits[1].n_fits, ==, MB_COMPLEXITY_MODELS + 1);
        CHECK_INT(fits[0].fits[0].model, ==, MB_O_N);
        CHECK_NEAR(fits[0].fits[0].intercept_ns, 100, 1e-9, 0);
        CHECK_NEAR(fits[0].fits[0].coefficient_ns, 3, 1e-9, 0);
    }
    free(fits);
}

int main(void)
{
    for (size_t i = 0; i < COUNT_OF(ref_complexities); i++)
        check_reference(&ref_complexities[i]);
    test_every_model();
    test_only_when_asked();
    return CHECK_DONE();
}
