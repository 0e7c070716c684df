/*
 * --instructions (callgrind.c): exact instruction counts per iteration, from the program run
 * again under valgrind's callgrind as a child that calls one benchmark once. Both sides are
 * here: the parent's runs of the child, and the child's request, which mb_run() answers
 * (lib/run/ctx.c) so that any program calling it, not only mb_main(), can be a child.
 */
#ifndef MB_CALLGRIND_H
#define MB_CALLGRIND_H

#include <stddef.h>
#include <stdint.h>

/* Whether this build can switch callgrind's collection on around MB_LOOP. */
int mb__callgrind_built_in(void);
/* Switches callgrind's collection on or off (no-op outside valgrind or without support). */
void mb__callgrind_toggle(void);
/* Checks that valgrind can be run; 0, or MB_EINVAL with a message in err. */
int mb__callgrind_check(char *err, size_t size);

/* Instructions per iteration of benchmark `name` of executable exe: two runs of it under
 * callgrind as a child (mb__callgrind_child), with iters and 2 iters iterations, collection
 * on only inside MB_LOOP; the difference of their totals over iters cancels what a call
 * costs besides its iterations. The child gets no arguments: its request is in its
 * environment. Returns 0, or MB_EIO with a message in err (also when the child counted no
 * instruction: its mb_run() never called the benchmark). */
int mb__callgrind_measure(const char *exe, const char *name, uint64_t iters, double *per_iter,
                          char *err, size_t size);

/* Whether this process is such a child: 0 when not; 1 when it is, with the name of the
 * benchmark to call once and that call's iteration count, or *name NULL once an earlier run
 * of the process has answered (mb__callgrind_answered); MB_EINVAL when the request is
 * malformed. */
int mb__callgrind_child(const char **name, uint64_t *iters);
/* Marks the request answered, so that a program that runs more than once (several contexts,
 * or mb_run() again) calls the benchmark only once and its count stays right. */
void mb__callgrind_answered(void);

#endif
