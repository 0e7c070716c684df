/*
 * The names of a BENCH_P instance (instance_name.c): the suffix its values add to the
 * benchmark's name, and the parameter form "base/p:v/q:v" that filters and baseline matching
 * also accept. Internal.
 */
#ifndef MB_INSTANCE_NAME_H
#define MB_INSTANCE_NAME_H

#include "microbe.h"

#include <stddef.h>

/* The suffix the values v[0..n) add to a benchmark's name: "/v" when exactly one of them is
 * not a thread count, else "/p:v" for each; with full, "/p:v" for each whatever their number
 * (the parameter form). A thread count is always "/threads:N". Written to buf (size bytes,
 * truncated and terminated like snprintf; buf may be NULL when size is 0). Returns the
 * length of the whole suffix. */
size_t mb__param_suffix(char *buf, size_t size, const mb_param_value *v, size_t n, int full);

/* The length of the benchmark's own name in name, the name of an instance with values
 * v[0..n): strlen(name) less the suffix they add. strlen(name) when n is 0; (size_t)-1 when
 * name does not end with that suffix (it was not made from these values). */
size_t mb__base_name_len(const char *name, const mb_param_value *v, size_t n);

/* The parameter form of an instance's name: its benchmark's name, then "/p:v" for each
 * value. A new string to free(); NULL when n is 0, when it equals name (nothing to add),
 * when name was not made from these values, or when memory runs out. */
char *mb__param_form(const char *name, const mb_param_value *v, size_t n);

/* Whether the values a[0..na) and b[0..nb) agree: every parameter they both have holds the
 * same value (as names write it), and the parameters of one of them are all among the
 * other's. */
int mb__params_agree(const mb_param_value *a, size_t na, const mb_param_value *b, size_t nb);

#endif
