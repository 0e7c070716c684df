/*
 * Process isolation (isolate.c). Internal.
 */
#ifndef MB_ISOLATE_H
#define MB_ISOLATE_H

#include "microbe_internal.h"

#include <signal.h>

/* Measures into m; what mb__isolate runs in the child. Returns 0 or MB_E*. */
typedef int (*mb__measure_fn)(void *arg, mb__measurement *m);

/* Runs fn in a forked child, which sends its measurement back (mb__measurement_write); the
 * parent analyses it, so isolation knows nothing of results. On entry *m holds what to report
 * should no measurement come (scalars only, such as the benchmark's mode). Returns 0 with *m the
 * child's measurement (free it with mb__measurement_free). A child that dies by a signal, exits
 * without sending a whole measurement, or is still running timeout_s seconds after it started (0:
 * no limit; it is then killed) leaves *m as it was on entry, with failure saying what happened
 * ("crashed: signal 11
 * (...)"), and still returns 0: the benchmark failed, the run goes on. Returns the
 * child's own error, MB_EINTR when *stop was raised (the child is killed), or MB_ENOMEM /
 * MB_EIO (no pipe or no fork: errno says why); *m is then empty. */
/* How waiting for a child's record ended. */
typedef enum mb__outcome { MB__READABLE, MB__TIMED_OUT, MB__INTERRUPTED, MB__FAILED } mb__outcome;

/* Waits until fd has something to read (data, or the end when the child is gone), timeout_s
 * seconds pass (0: no limit) or *stop (when not NULL) is raised. */
mb__outcome mb__wait_readable(int fd, double timeout_s, const volatile sig_atomic_t *stop);

/* Sets m's failure to say how a child (waitpid status) ended without sending a whole record:
 * "timed out after ...", "crashed: signal ...", "the process exited with status ...". Returns
 * 0 or MB_ENOMEM. */
int mb__describe_end(mb__measurement *m, mb__outcome outcome, int status, double timeout_s);

int mb__isolate(mb__measure_fn fn, void *arg, double timeout_s, const volatile sig_atomic_t *stop,
                mb__measurement *m);

#endif
