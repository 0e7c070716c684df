/*
 * Baselines on disk: what --baseline and --save-baseline store and read back. Internal.
 *
 * A baseline NAME lives in DIR/NAME/ as one complete results document (our JSON, raw samples
 * included) per benchmark, in a file named after the benchmark. Saving therefore merges per
 * benchmark by construction (a filtered run rewrites only its own benchmarks), and each file
 * is replaced whole by rename(). A run saves all its files at once under an exclusive lock
 * (DIR/.NAME.lock), and reading takes it shared: two runs saving at once leave one run's
 * files whole, and a reader sees a baseline before or after a save, not in the middle.
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

/* NULL when name is a valid baseline name (1 to 100 of A-Z a-z 0-9 . _ -, not starting with
 * '.'), else a static description of the problem. */
const char *mb__baseline_name_problem(const char *name);

/* Creates dir and dir/name unless they exist. Returns 0, MB_EINVAL with a message in err when
 * something else is in the way, MB_EIO (errno says why) or MB_ENOMEM. */
int mb__baseline_prepare(const char *dir, const char *name, char *err, size_t err_size);

/* Prepares baseline name in dir (mb__baseline_prepare), waits for its exclusive lock, and
 * removes the temporary files of saves that were killed. Returns the lock (a descriptor, for
 * mb__baseline_unlock) or, with a message in err, MB_EINVAL, MB_EIO or MB_ENOMEM. */
int mb__baseline_lock(const char *dir, const char *name, char *err, size_t err_size);
void mb__baseline_unlock(int lock);

/* Saves r (with the run's info) as benchmark r->name of baseline name in dir, which
 * mb__baseline_lock prepared and locked. Results without samples (failed, smoke or profile
 * runs) are not saved: returns 1 for those. Returns 0 when saved, MB_EIO with a message in
 * err (errno says why) or MB_ENOMEM. */
int mb__baseline_save(const char *dir, const char *name, const mb_run_info *info,
                      const mb_result *r, char *err, size_t err_size);

/* The directory of baselines: settings.baseline_dir, or ".microbe". */
const char *mb__baseline_dir(const mb_settings *s);

/* settings.baseline read back for a run, into *out (NULL when the run compares with none:
 * no baseline, or a smoke or profile run, which still reads it to refuse a bad one). Returns
 * 0, MB_EINVAL when it cannot be read (logged through the settings with its details: bad
 * input) or MB_ENOMEM. */
int mb__baseline_load(const mb_settings *s, mb_results **out);

/* Reads every benchmark of baseline name in dir into *set (a new set when *set is NULL; on
 * failure the caller frees what *set holds). MB_EINVAL with a message when the baseline does
 * not exist or a file in it is not a valid results document; MB_EIO, MB_ENOMEM. */
int mb__baseline_read(const char *dir, const char *name, mb_results **set, char *err,
                      size_t err_size);

#endif
