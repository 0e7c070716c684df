/*
 * Saved results read back, and the change of a benchmark against them: what --baseline,
 * --save-baseline and microbe-compare share. Internal.
 *
 * A baseline NAME lives in DIR/NAME/ as one complete results document (our JSON, raw samples
 * included) per benchmark, in a file named after the benchmark. Saving therefore merges per
 * benchmark by construction (a filtered run rewrites only its own benchmarks), and each file
 * is replaced whole by rename(), so two runs saving at once can only race on the same
 * benchmark, where the last one wins whole.
 */
#ifndef MB_BASELINE_H
#define MB_BASELINE_H

#include "microbe.h"

#include <stddef.h>
#include <stdint.h>

/* The longest baseline name. */
#define MB__BASELINE_NAME_MAX 100
/* The most samples one saved benchmark may have (the settings allow no more). */
#define MB__SAVED_MAX_SAMPLES 10000u

/* One benchmark read back from a results file. */
typedef struct mb__saved {
    char *name;
    double *t; /* n per-iteration times in ns, in run order */
    size_t n;
    double median_ns;             /* of t */
    double instructions_per_iter; /* callgrind's count, NAN when the file has none */
} mb__saved;

typedef struct mb__saved_set {
    mb__saved *items;
    size_t n;
} mb__saved_set;

/* NULL when name is a valid baseline name (1 to 100 of A-Z a-z 0-9 . _ -, not starting with
 * '.'), else a static description of the problem. */
const char *mb__baseline_name_problem(const char *name);

/* Creates dir and dir/name unless they exist. Returns 0, MB_EINVAL with a message in err when
 * something else is in the way, MB_EIO (errno says why) or MB_ENOMEM. */
int mb__baseline_prepare(const char *dir, const char *name, char *err, size_t err_size);

/* Saves r (with the run's info) as benchmark r->name of baseline name in dir, creating dir and
 * dir/name as needed. Results without samples (failed, smoke or profile runs) are not saved:
 * returns 1 for those. Returns 0 when saved, MB_EINVAL with a message in err for a bad
 * directory (e.g. a file in the way), MB_EIO (errno says why) or MB_ENOMEM. */
int mb__baseline_save(const char *dir, const char *name, const mb_run_info *info,
                      const mb_result *r, char *err, size_t err_size);

/* Appends every measured benchmark of the results document at path to set (failed
 * benchmarks and those without samples are skipped). A later benchmark of the same name
 * replaces an earlier one. Returns 0, or MB_EIO / MB_EINVAL / MB_ENOMEM with a one-line
 * message in err naming the file and the problem. */
int mb__results_read(const char *path, mb__saved_set *set, char *err, size_t err_size);

/* Reads every benchmark of baseline name in dir. MB_EINVAL with a message when the baseline
 * does not exist or a file in it is not a valid results document. */
int mb__baseline_read(const char *dir, const char *name, mb__saved_set *set, char *err,
                      size_t err_size);

const mb__saved *mb__saved_find(const mb__saved_set *set, const char *name);
void mb__saved_free(mb__saved_set *set);

/* The change new/old of one benchmark's per-iteration times: the ratio of medians with its
 * bootstrap interval (independent resamples, s->resamples of them at s->confidence, seeded
 * with seed), widened by s->run_noise (mb__widen_interval), and the two-sided Mann-Whitney
 * p-value. The verdict is left to mb__change_verdicts. Returns 0, MB_EINVAL for unusable
 * times or MB_ENOMEM. */
int mb__change_compute(const double *old_t, size_t n_old, const double *new_t, size_t n_new,
                       const mb_settings *s, uint64_t seed, mb_change *out);

/* Holm-adjusts the p-values of the n changes (each one a comparison: the family is the suite)
 * and sets every verdict from its interval, adjusted p-value, s->noise_threshold and
 * s->significance. Returns 0 or MB_ENOMEM. */
int mb__change_verdicts(mb_change *const *changes, size_t n, const mb_settings *s);

/* The per-iteration times of a result's samples, in a new array of r->n_samples (NULL when it
 * has none or memory runs out). */
double *mb__result_times(const mb_result *r);

#endif
