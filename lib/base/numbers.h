/*
 * Numbers as text, whatever the C locale (numbers.c): '.' is always the decimal point.
 */
#ifndef MB_NUMBERS_H
#define MB_NUMBERS_H

#include <stddef.h>
#include <stdint.h>

/* ---- Writing ------------------------------------------------------------------------- */

/* The shortest decimal that reads back as exactly v (printf's %g at 1 to 17 digits), with '.'
 * as the decimal point whatever the C locale. v must be finite. */
void mb__fmt_double(char *buf, size_t size, double v);

/* snprintf, with the locale's decimal point replaced by '.'. */
int mb__fmt(char *buf, size_t size, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* ---- Reading ------------------------------------------------------------------------- */

/* Reads the decimal number at the start of text (a C string): an optional sign, digits with at
 * most one '.' among them (one digit at least), and an optional exponent: 'e' or 'E', an
 * optional sign and one digit at least ("1e" reads as "1", leaving the "e"). No blanks,
 * hexadecimal, inf or nan. *out receives the nearest double: by Clinger's fast path when that
 * is exact, else by the C library's strtod under the "C" numeric locale. Returns the number of
 * characters read: 0 when text does not start with a number, or when, with no memory for the
 * "C" locale, the number cannot be handed to strtod (over 70 characters). When range is not
 * NULL, *range is 1 if the magnitude is out of the range of doubles (strtod's ERANGE: *out is
 * then +-HUGE_VAL, or a subnormal or zero), else 0. Thread-safe. */
size_t mb__read_double(const char *text, double *out, int *range);

/* The values of options, each read whole (no blanks, nothing after it). src names the value
 * in messages ("--samples: 'abc' is not a whole number"). Each returns 0, or -1 with a
 * one-line message in err. */

/* A whole number, decimal or 0x hexadecimal, in [min, max]. */
int mb__parse_uint(const char *src, const char *text, uint64_t min, uint64_t max, uint64_t *out,
                   char *err, size_t size);
/* A fraction written as "0.95" or "95%": finite, any sign; the caller checks its range. */
int mb__parse_fraction(const char *src, const char *text, double *out, char *err, size_t size);
/* Seconds, optionally with a unit: "2", "0.5s", "300ms", "50us", "100ns". Finite, any sign;
 * the caller checks its range. */
int mb__parse_seconds(const char *src, const char *text, double *out, char *err, size_t size);

#endif
