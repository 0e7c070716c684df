/*
 * Complexity fits: which of O(1), O(log n), O(n), O(n log n), O(n^2), O(n^3) describes how a
 * parameterised benchmark's median time grows with its parameter. Each model is fitted as
 * t = a + c f(n), a the fixed cost of a call and c the cost per unit of f, both >= 0, by least
 * squares on the relative residuals (t - a - c f(n)) / t, so that the small sizes of a
 * geometric range weigh as much as the large ones; O(1) is t = a alone. A benchmark's own
 * model (MB_COMPLEXITY(f)) is fitted and ranked like the others. Models are ranked by the
 * Bayesian information criterion, k ln(RSS / k) + p ln k for k points and p parameters
 * (Schwarz 1978; Gaussian errors proportional to t, which is what relative residuals assume):
 * between models with the same number of parameters it is the ranking by RSS, and a second
 * parameter must earn its place, so that noise on a constant time is not read as a tiny
 * c n^3 (RSS / (k - p), the adjusted R^2, is too lenient for that at six points).
 * Pure.
 */
#include "microbe_internal.h"
#include "complexity.h"

#include <math.h>

/* Below this relative rms a fit is exact up to rounding: such fits tie, and the simpler (or
 * earlier) model ranks first. */
#define EXACT_RMS 1e-9

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

/* The sums of the weighted normal equations: with u = 1/t and v = f/t, least squares of
 * 1 - a u - c v. */
typedef struct sums {
    double uu, uv, vv, u, v;
} sums;

static double rss_of(const double *n, const double *t, size_t k, mb_complexity_model model,
                     mb_complexity_fn user, double a, double c)
{
    double sq = 0;
    for (size_t i = 0; i < k; i++) {
        double e = 1 - (a + c * model_of(model, n[i], user)) / t[i];
        sq += e * e;
    }
    return sq;
}

/* The unconstrained least-squares a and c. Returns whether they exist and are both >= 0;
 * otherwise the non-negative optimum lies on an edge, a = 0 or c = 0, since the problem is
 * convex. */
static int interior(const sums *s, double *a, double *c)
{
    double det = s->uu * s->vv - s->uv * s->uv;
    if (!(det > 1e-12 * s->uu * s->vv))
        return 0; /* f is (nearly) constant over the points: O(1) in disguise */
    *a = (s->u * s->vv - s->v * s->uv) / det;
    *c = (s->v * s->uu - s->u * s->uv) / det;
    return *a >= 0 && *c >= 0;
}

static void fit_one(const double *n, const double *t, size_t k, mb_complexity_model model,
                    mb_complexity_fn user, mb_complexity_fit *fit, double *rss)
{
    sums s = {0, 0, 0, 0, 0};
    int constant = model == MB_O_1;
    for (size_t i = 0; i < k; i++) {
        double u = 1 / t[i], v = constant ? 0 : model_of(model, n[i], user) / t[i];
        s = (sums){s.uu + u * u, s.uv + u * v, s.vv + v * v, s.u + u, s.v + v};
    }
    double a_edge = s.uu > 0 ? s.u / s.uu : NAN, a = a_edge, c = 0; /* O(1), and c = 0 */
    if (!constant && isfinite(s.vv) && !interior(&s, &a, &c)) {
        /* The better edge: c = 0, or a = 0 with c >= 0. */
        double c_edge = s.vv > 0 && s.v > 0 ? s.v / s.vv : 0;
        int on_c =
            rss_of(n, t, k, model, user, 0, c_edge) < rss_of(n, t, k, model, user, a_edge, 0);
        a = on_c ? 0 : a_edge;
        c = on_c ? c_edge : 0;
    }
    *rss = rss_of(n, t, k, model, user, a, c);
    const char *name = model == MB_O_USER ? NULL : mb_complexity_name(model);
    *fit = (mb_complexity_fit){model, c, k ? sqrt(*rss / (double)k) : NAN, name, a};
}

/* The ranking score: BIC, rounding-level RSS counted as exact; NaN (ranked last) when the fit
 * failed or k <= p. */
static double score_of(double rss, size_t k, int params)
{
    double floor = (double)k * EXACT_RMS * EXACT_RMS;
    if (isnan(rss) || k <= (size_t)params)
        return NAN;
    return (double)k * log((rss > floor ? rss : floor) / (double)k) + params * log((double)k);
}

size_t mb__complexity_fit(const double *n, const double *t, size_t k, mb_complexity_fn user,
                          const char *user_name, mb_complexity_fit *fits)
{
    size_t n_models = MB_COMPLEXITY_MODELS + (user != NULL);
    double score[MB_COMPLEXITY_MODELS + 1] = {0};
    for (size_t m = 0; m < n_models; m++) {
        double rss;
        mb_complexity_fit fit;
        fit_one(n, t, k, (mb_complexity_model)m, user, &fit, &rss);
        if (fit.model == MB_O_USER)
            fit.name = user_name;
        double s = score_of(rss, k, m == MB_O_1 ? 1 : 2);
        /* Insertion by score, stable: on a tie the model listed first (the simpler) stays
         * ahead. NaN sorts last. */
        size_t j = m;
        for (; j > 0 && (isnan(score[j - 1]) ? !isnan(s) : s < score[j - 1]); j--) {
            fits[j] = fits[j - 1];
            score[j] = score[j - 1];
        }
        fits[j] = fit;
        score[j] = s;
    }
    return n_models;
}
