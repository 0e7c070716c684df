/*
 * Change detection between an old and a new measurement of the same benchmarks: the one owner
 * of comparisons and their verdicts, for a run against its baseline, for the members of a
 * BENCH_GROUP, and for microbe-compare (through mb_results_compare and mb_results_pair).
 *
 * Two layers. The statistics, on arrays: rank tests (Mann-Whitney U for independent samples,
 * the sign test and the Wilcoxon signed-rank test for paired rounds), Holm's correction across
 * a suite, the ratio of medians with an independent-resamples bootstrap interval, the
 * paired-rounds ratio, the widening of an interval by between-run variation, and the verdict.
 * The policy, on results: which changes are computed from what, the families Holm corrects,
 * the unstable rule and the instruction-count changes.
 *
 * Conventions as in stats.h: pure functions (no I/O, no globals), deterministic (randomness
 * only from an explicit seed), NAN for what cannot be computed. Array functions that allocate
 * say so and return 0, -1 for bad arguments (outputs NAN) or -2 when memory runs out; the
 * functions on results return 0 or MB_ENOMEM.
 *
 * Times: higher is slower, so a ratio new/old above 1 is a regression.
 */
#ifndef MB_COMPARE_H
#define MB_COMPARE_H

#include "microbe.h"

#include <stddef.h>
#include <stdint.h>

/* The default noise threshold (a fraction: 2 %) and significance level of the verdict. */
#define MB__DEFAULT_THRESHOLD 0.02
#define MB__DEFAULT_ALPHA 0.05

/* ---- Rank tests ------------------------------------------------------------------------ */

/* How a p-value was computed. */
enum {
    MB__P_ASYMPTOTIC = 0,  /* normal approximation */
    MB__P_EXACT = 1,       /* exact null distribution */
    MB__P_PERMUTATION = 2, /* exhaustive permutation (sign-flip) distribution given the ties */
    MB__P_DEGENERATE = 3   /* no information (every value tied, or nothing left): p = 1 */
};

typedef struct mb__mwu {
    double u; /* U of the first sample: pairs (x_i, y_j) with x_i > y_j, ties counting 1/2 */
    double p; /* two-sided p-value */
    int method;
} mb__mwu;

/* Two-sided Mann-Whitney U test of x[0..nx) against y[0..ny), with the p-value of
 * scipy.stats.mannwhitneyu(x, y, alternative="two-sided", method="auto") (scipy 1.10 to 1.17
 * agree): the exact null distribution of U when min(nx, ny) <= 8 and no value is tied;
 * otherwise the normal approximation with the tie-corrected variance and a continuity
 * correction of 1/2. Ties get average ranks. When every value is equal, p = 1 (method
 * MB__P_DEGENERATE). O((nx + ny) log(nx + ny)) time; the exact distribution adds at most
 * 4 max(nx, ny) doubles and 32 max(nx, ny) steps (it is used only when min(nx, ny) <= 8).
 * Allocates its own scratch. Returns 0, -1 when nx or ny is 0 or a value is NaN, -2 on
 * allocation failure. */
int mb__mann_whitney(const double *x, size_t nx, const double *y, size_t ny, mb__mwu *out);

typedef struct mb__signed_rank {
    double statistic; /* min(R+, R-): the smaller sum of ranks of |d|, as scipy reports it */
    double p;         /* two-sided p-value */
    int method;
} mb__signed_rank;

/* Two-sided Wilcoxon signed-rank test of the differences d[0..n) against a median of 0, with
 * the p-value of scipy.stats.wilcoxon(d) (zero_method "wilcox": zeros dropped; no continuity
 * correction; method "auto" as in scipy >= 1.15): exact when n <= 50 and there are neither
 * ties among |d| nor zeros; the exhaustive sign-flip permutation distribution when n <= 13
 * and there are ties or zeros; otherwise the normal approximation with the tie-corrected
 * variance. When every difference is 0, p = 1 (MB__P_DEGENERATE; scipy returns NaN or
 * raises). Allocates. Returns 0, -1 when n == 0 or a value is NaN, -2 on allocation failure. */
int mb__wilcoxon(const double *d, size_t n, mb__signed_rank *out);

/* Two-sided exact sign test of the differences d[0..n) against a median of 0: zeros are
 * dropped, and with k positive among m non-zero differences, p = min(1, 2 P(X <= min(k, m -
 * k))), X ~ Binomial(m, 1/2) (the same as scipy.stats.binomtest(k, m).pvalue). p = 1 when
 * m == 0; NAN when n == 0 or a value is NaN. */
double mb__sign_test(const double *d, size_t n);

/* Holm's step-down adjusted p-values (Holm 1979) for the m tests of p[0..m): with the p-values
 * sorted ascending, p_(i) becomes max over j <= i of min(1, (m' - j + 1) p_(j)), so the result
 * is monotone in p and capped at 1; the same as statsmodels' multipletests(method="holm").
 * NaN p-values (tests that could not be run) stay NaN and do not count in m' (statsmodels
 * has no such convention). adjusted may be p itself. Allocates. Returns 0, -1 when a p-value is
 * outside [0, 1], -2 on allocation failure. */
int mb__holm(const double *p, size_t m, double *adjusted);

/* ---- Effect sizes with intervals --------------------------------------------------------- */

typedef struct mb__ratio {
    double point;     /* median(new) / median(old) */
    double low, high; /* interval of the ratio at the requested confidence */
    double log_se;    /* bootstrap standard error of log(ratio) */
} mb__ratio;

/* The ratio of medians new/old with a percentile bootstrap interval, for two independent
 * samples of per-iteration times. Each of the b resamples draws n_old values of old_t and
 * n_new values of new_t with replacement, independently (old first, then new, all from one
 * mb__rng seeded with seed), and takes log(median(new*) / median(old*)); the interval is the
 * percentile interval of those logs at conf, returned as ratios, and log_se is their standard
 * deviation. Deterministic: the same inputs and seed give bit-identical outputs. Every time
 * must be finite and > 0. Allocates its own scratch. Returns 0, -1 for an empty side, b == 0,
 * conf not in (0, 1) or a time not finite and positive (outputs NAN), -2 on allocation
 * failure. */
int mb__ratio_bootstrap(const double *old_t, size_t n_old, const double *new_t, size_t n_new,
                        size_t b, double conf, uint64_t seed, mb__ratio *out);

typedef struct mb__paired {
    double point;      /* exp(median of log(new_i / old_i)) */
    double low, high;  /* interval of the ratio */
    double level;      /* its coverage: conf, or the exact coverage when r is too small */
    double p_sign;     /* exact sign test of the log ratios */
    double p_wilcoxon; /* Wilcoxon signed-rank test of the log ratios */
    double p;          /* the p-value for the verdict: p_sign (see compare.c for why) */
} mb__paired;

/* The ratio new/old from r paired rounds (old_r[i], new_r[i]), each an estimate (e.g. one
 * round's median) from a round in which old and new were measured together, so that drift
 * common to both cancels in their ratio. The log ratios d_i = log(new_r[i] / old_r[i]) give
 * the point exp(median d), the interval from mb__median_hs_interval of the d at conf
 * (exponentiated), and the sign and Wilcoxon p-values. Every estimate must be finite and
 * > 0. Allocates. Returns 0, -1 for r == 0, conf not in (0, 1) or an estimate not finite and
 * positive (outputs NAN), -2 on allocation failure. */
int mb__paired_ratio(const double *old_r, const double *new_r, size_t r, double conf,
                     mb__paired *out);

/* Widens an interval of a log ratio [log_low, log_high] around log_point by the variation
 * between independent runs of the same binary. A bootstrap interval from one run of each side
 * describes only the noise within those runs; each run also carries an offset of its own
 * (code and data placement, frequency, page mapping), with log-scale standard deviation
 * between_sd, so the log ratio of two runs carries the difference of two offsets, of standard
 * deviation sqrt(2) between_sd. Each side's half-width h becomes
 *     sqrt(h^2 + (z sqrt(2) between_sd)^2),  z = Phi^-1((1 + conf) / 2),
 * the half-width of a normal interval for the sum of independent within-run and between-run
 * errors. The results are on the log scale. between_sd == 0 leaves the interval unchanged;
 * NAN outputs when between_sd < 0, conf is not in (0, 1) or an input is NaN. */
void mb__widen_interval(double log_point, double log_low, double log_high, double between_sd,
                        double conf, double *low, double *high);

/* The two-sided p-value that an interval [log_low, log_high] of a log ratio around its point
 * log_point implies, read as a normal interval at conf: with h the half-width on the side
 * facing 0, the test statistic is z |log_point| / h, z = Phi^-1((1 + conf) / 2), so that
 * p < 1 - conf exactly when the interval excludes 0. This is the p-value of a one-part change:
 * it carries the run noise that widened the interval, where a rank test of the samples would
 * ignore it. p = 1 at log_point 0; 0 when h is 0 and log_point is not; NAN for a NaN input or
 * conf not in (0, 1). */
double mb__interval_p(double log_point, double log_low, double log_high, double conf);

/* ---- Verdict ----------------------------------------------------------------------------- */

/* The verdict on a ratio new/old with interval [low, high] of real coverage level, its
 * (Holm-adjusted) p-value p, at the stated confidence conf, the noise threshold thr (a
 * fraction, MB__DEFAULT_THRESHOLD) and the significance level alpha (MB__DEFAULT_ALPHA), in
 * this order: inconclusive (MB_REASON_LOW_LEVEL) when level < conf (a NaN level counts as
 * conf); regressed when low > 1 + thr and p < alpha; improved when high < 1 / (1 + thr) and
 * p < alpha; inconclusive (MB_REASON_NOT_SIGNIFICANT) when the interval lies beyond either
 * bound but p does not reach alpha; unchanged when the whole interval lies within
 * [1 / (1 + thr), 1 + thr]; otherwise inconclusive (MB_REASON_STRADDLES). A NaN low, high or
 * p, low > high, thr < 0 or alpha not in (0, 1) gives inconclusive (MB_REASON_NO_INTERVAL).
 * Never MB_VERDICT_NONE. *why (unless NULL) receives the reason, MB_REASON_NONE when the
 * verdict is not inconclusive. */
mb_verdict mb__verdict_of(double low, double high, double level, double conf, double p, double thr,
                          double alpha, mb_reason *why);

/* ---- Changes of results ------------------------------------------------------------------ */

/* The per-iteration times of a result's samples, in a new array of r->n_samples (NULL when it
 * has none or memory runs out). */
double *mb__result_times(const mb_result *r);

/* Holm-adjusts the p-values of the n changes (each one a comparison: the family is the suite)
 * and sets every verdict and its reason from its interval and level, adjusted p-value,
 * s->confidence, s->noise_threshold and s->significance (mb__verdict_of). Returns 0 or
 * MB_ENOMEM. */
int mb__change_verdicts(mb_change *const *changes, size_t n, const mb_settings *s);

/* The change new/old from r paired rounds (old_r[i], new_r[i]: each round's estimate of the
 * two sides, measured together): mb__paired_ratio at s->confidence, with old's median and r
 * as the baseline's median and sample count. The verdict is left inconclusive until
 * mb__change_verdicts; MB_VERDICT_NONE when the rounds are unusable (fewer than two, or an
 * estimate not finite and positive). Returns 0 or MB_ENOMEM. */
int mb__change_paired(const double *old_r, const double *new_r, size_t r, const mb_settings *s,
                      mb_change *out);

/* The change between two sides measured in parts (docs/comparing.md): the ratio of the
 * geometric means of their parts' medians, the Welch t interval of the difference of their
 * mean logarithms, its variance increased by 2 s->run_offset^2 (each run's shared offset),
 * and its two-sided p-value (parts set); verdict left inconclusive until
 * mb__change_verdicts. Parts without a positive median are left out; fewer than 2 on a side:
 * no change (MB_VERDICT_NONE). Returns 0 or MB_ENOMEM. */
/* Which of k parts' medians (k >= 3) came from a process disturbed as a whole: the one
 * farthest from their median in log terms, when it is more than 10 % away and more than 4
 * times the parts' robust spread (1.4826 x the median absolute deviation of the logs); -1
 * when none is, or k < 3, or a median is not positive and finite. */
long mb__disturbed_part(const double *medians, size_t k);

int mb__change_parts(const double *old_m, size_t k_old, const double *new_m, size_t k_new,
                     const mb_settings *s, mb_change *out);
/* The same for two benchmarks measured in the same k parts (a group's members): the paired t
 * interval of the parts' log ratios. */
int mb__change_parts_paired(const double *old_m, const double *new_m, size_t k,
                            const mb_settings *s, mb_change *out);
/* Whether a group member's comparison with its base, from the k parts they share, is settled:
 * its paired interval lies wholly outside the noise threshold or wholly inside it, or there is
 * nothing more parts could decide (fewer than 2 usable parts). 1 settled, 0 not (the interval
 * straddles the threshold: more parts may settle it), MB_ENOMEM. */
int mb__paired_settled(const double *base_m, const double *member_m, size_t k,
                       const mb_settings *s);

/* Group member `member`'s change against the group's baseline member `base` from their
 * paired samples (sample i of both was taken in round i): mb__change_paired of their
 * per-iteration times over the rounds both have. */
int mb__change_of_member(const mb_result *base, const mb_result *member, const mb_settings *s,
                         mb_change *out);

/* How old's plan differs from r's (mb_plan_difference bits; docs/statistics.md, "What the
 * median estimates"): --quick on one side only, else another warm-up, budget per part or
 * sample counts; parts in fresh processes, in one process, or one part. The plan's kind and
 * step are not compared: each part calibrates them from its warm-up's estimate, which varies
 * between runs of the same settings. What a side did not record is never a difference. */
unsigned mb__plan_differences(const mb_result *r, const mb_result *old);

/* The comparison of a run's results with a baseline, by the rules of docs/comparing.md:
 * for each results[i] whose olds[i] is not NULL, the instruction-count change (exact: the
 * ratio is its own interval, s->instructions_threshold alone decides) and, when both sides
 * have samples, the change of the per-iteration times: the ratio of medians with its
 * bootstrap interval (s->resamples at s->confidence, seeded from s->seed and the benchmark's
 * name), widened by s->run_noise, and the p-value of that widened interval (mb__interval_p).
 * Then the verdicts, with
 * Holm's correction over the results compared (mb__change_verdicts), and the unstable rule:
 * a result that carries MB_WARN_UNSTABLE claims neither regressed nor improved
 * (inconclusive). Each change records how the plans differ (mb__plan_differences). Results
 * without an old one keep MB_VERDICT_NONE. Returns 0 or MB_ENOMEM. */
int mb__compare_results(mb_result *results, size_t n, const mb_result *const *olds,
                        const mb_settings *s);

/* The verdicts of the paired changes of BENCH_GROUP members among results (those whose
 * paired verdict is not MB_VERDICT_NONE), a family of its own for Holm's correction. Returns
 * 0 or MB_ENOMEM. */
int mb__group_verdicts(mb_result *results, size_t n, const mb_settings *s);

#endif
