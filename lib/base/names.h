/*
 * What names.c holds besides the public name tables. Internal.
 */
#ifndef MB_NAMES_H
#define MB_NAMES_H

#include "microbe.h"

/* An environment of which nothing is known: "" for strings, -1 for integers, NAN for
 * numbers (an emitter called without one, a results file that recorded none). */
extern const mb_environment mb__env_unknown;

#endif
