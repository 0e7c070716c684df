/*
 * Locale-free numbers (numbers.c).
 */
#ifndef MB_NUMBERS_H
#define MB_NUMBERS_H

#include <stddef.h>

/* The shortest decimal that reads back as exactly v (printf's %g at 1 to 17 digits), with '.'
 * as the decimal point whatever the C locale. v must be finite. */
void mb__fmt_double(char *buf, size_t size, double v);

/* snprintf, with the locale's decimal point replaced by '.'. */
int mb__fmt(char *buf, size_t size, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif
