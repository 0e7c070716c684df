/*
 * What names.c holds besides the public name tables. Internal.
 */
#ifndef MB_NAMES_H
#define MB_NAMES_H

#include "microbe.h"

/* An environment of which nothing is known: "" for strings, -1 for integers, NAN for
 * numbers (an emitter called without one, a results file that recorded none). */
extern const mb_environment mb__env_unknown;

/* The sanitizer bits of mb_build_flag and their names in the JSON format's "sanitizers". */
#define MB__SANITIZERS 4
typedef struct mb__named_bit {
    unsigned bit;
    const char *name;
} mb__named_bit;
extern const mb__named_bit mb__sanitizers[MB__SANITIZERS];

#endif
