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
int mb__isolate(mb__measure_fn fn, void *arg, double timeout_s, const volatile sig_atomic_t *stop,
                mb__measurement *m);

#endif
