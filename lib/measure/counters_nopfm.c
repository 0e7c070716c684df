/*
 * No external event library in this build (meson did not find libpfm4, or it was disabled):
 * only the built-in names of counters.c are known.
 */
#include "counters.h"
#include "microbe_internal.h"

const char *mb__counters_external_library(void)
{
    return NULL;
}

int mb__counters_encode_external(const char *name, mb__counter_encoding *enc, const char **why)
{
    (void)name;
    (void)enc;
    *why = "no event library in this build";
    return MB_EINVAL;
}
