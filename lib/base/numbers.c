/*
 * Numbers as text, whatever the C locale: '.' is always the decimal point. The writing side
 * (the shortest text that reads back exactly, printf-style formatting) serves the emitters and
 * parameter names; the reading side (one decimal syntax, correctly rounded) serves the JSON
 * reader, the command line and /proc, and so do the values of options (whole numbers,
 * fractions and times, with their messages). printf and strtod run with the "C" numeric locale
 * installed for the calling thread (POSIX uselocale; one locale object, made once); if it
 * cannot be made (out of memory), the locale's own decimal point is swapped in or out instead.
 */
#define _POSIX_C_SOURCE 200809L

#include "numbers.h"

#include "log.h"

#include <errno.h>
#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Replaces the locale's decimal point (possibly several bytes) by '.', in place. */
static void fix_decimal_point(char *buf)
{
    const char *point = localeconv()->decimal_point;
    if (!point || !point[0] || strcmp(point, ".") == 0)
        return;
    size_t len = strlen(point);
    char *p = strstr(buf, point);
    if (!p)
        return;
    *p = '.';
    memmove(p + 1, p + len, strlen(p + len) + 1);
}

/* The "C" numeric locale, made on first use and kept for the life of the process: a locale
 * object never changes, and any thread may install it (POSIX uselocale). (locale_t)0 when it
 * cannot be made (out of memory); a later call tries again. */
static locale_t c_numeric_locale(void)
{
    static _Atomic(locale_t) made;
    locale_t c_locale = atomic_load_explicit(&made, memory_order_acquire);
    if (c_locale)
        return c_locale;
    c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    locale_t first = (locale_t)0;
    if (c_locale && !atomic_compare_exchange_strong_explicit(
                        &made, &first, c_locale, memory_order_acq_rel, memory_order_acquire)) {
        freelocale(c_locale); /* another thread made it first */
        c_locale = first;
    }
    return c_locale;
}

/* Installs the "C" numeric locale for this thread; *saved receives what to restore. Returns
 * (locale_t)0 when there is none (see c_numeric_locale). */
static locale_t enter_c_locale(locale_t *saved)
{
    locale_t c_locale = c_numeric_locale();
    *saved = c_locale ? uselocale(c_locale) : (locale_t)0;
    return c_locale;
}

/* Puts back the thread's locale, or, without the "C" one, makes buf's decimal point '.'. */
static void leave_c_locale(locale_t c_locale, locale_t saved, char *buf)
{
    if (c_locale)
        uselocale(saved);
    else if (buf)
        fix_decimal_point(buf);
}

/* Integers up to 2^53 are exact in a double: written without exponent or point. */
#define EXACT_INTEGER 9007199254740992.0

void mb__fmt_double(char *buf, size_t size, double v)
{
    /* 17 significant digits, sign, point and exponent fit in 32 bytes. */
    char tmp[32];
    locale_t saved, c_locale = enter_c_locale(&saved);
    if (v == floor(v) && fabs(v) <= EXACT_INTEGER) {
        snprintf(tmp, sizeof tmp, "%.0f", v);
    } else {
        for (int digits = 1; digits <= 17; digits++) {
            snprintf(tmp, sizeof tmp, "%.*g", digits, v);
            if (strtod(tmp, NULL) == v)
                break;
        }
    }
    leave_c_locale(c_locale, saved, tmp);
    snprintf(buf, size, "%s", tmp);
}

int mb__fmt(char *buf, size_t size, const char *fmt, ...)
{
    locale_t saved, c_locale = enter_c_locale(&saved);
    va_list ap;
    va_start(ap, fmt);
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): started on the line above */
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    leave_c_locale(c_locale, saved, buf);
    return n;
}

/* ---- Reading ------------------------------------------------------------------------- */

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* What the scan learns on the way, for the fast path. */
typedef struct decimal {
    int negative;
    uint64_t mantissa; /* the first 19 significant digits as an integer */
    long digits;       /* significant digits in all (leading zeros excluded) */
    long exponent;     /* the value is mantissa * 10^exponent, when digits <= 19 */
    size_t all_digits; /* digits of the mantissa, leading zeros included */
} decimal;

static const double powers_of_ten[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Clinger's fast path (Clinger 1990, "How to read floating point numbers accurately"): when
 * the mantissa and 10^|e| are both exact doubles (mantissa < 2^53, |e| <= 22), one IEEE
 * multiplication or division gives the correctly rounded result. Only where double
 * arithmetic is not carried out in a wider format (FLT_EVAL_METHOD 0: SSE2, AArch64, ...),
 * since double rounding would break it. Returns 1 with *out set, or 0 for strtod. */
static int fast_path(const decimal *d, double *out)
{
#if FLT_EVAL_METHOD == 0
    if (d->digits > 15 || d->exponent < -22 || d->exponent > 22)
        return 0;
    double v = (double)d->mantissa;
    v = d->exponent < 0 ? v / powers_of_ten[-d->exponent] : v * powers_of_ten[d->exponent];
    *out = d->negative ? -v : v;
    return 1;
#else
    (void)d;
    (void)out;
    return 0;
#endif
}

/* Adds the digits at s to d; returns where they end. */
static const char *scan_digits(const char *s, decimal *d, int after_point)
{
    for (; is_digit(*s); s++) {
        d->all_digits++;
        d->exponent -= after_point;
        if (d->digits == 0 && *s == '0')
            continue; /* a leading zero: only its place counts */
        if (d->digits < 19)
            d->mantissa = d->mantissa * 10 + (uint64_t)(*s - '0');
        d->digits++;
    }
    return s;
}

/* The end of the number's syntax at text (mb__read_double's), with d filled; text when there
 * is no number there. */
static const char *scan_number(const char *text, decimal *d)
{
    const char *s = text;
    if (*s == '+' || *s == '-')
        d->negative = *s++ == '-';
    s = scan_digits(s, d, 0);
    if (*s == '.')
        s = scan_digits(s + 1, d, 1);
    if (d->all_digits == 0)
        return text;
    if ((*s == 'e' || *s == 'E') &&
        (is_digit(s[1]) || ((s[1] == '+' || s[1] == '-') && is_digit(s[2])))) {
        int negative = *++s == '-';
        if (*s == '+' || *s == '-')
            s++;
        long e = 0;
        for (; is_digit(*s); s++)
            if (e < 100000) /* beyond any double either way; the fast path will not apply */
                e = e * 10 + (*s - '0');
        d->exponent += negative ? -e : e;
    }
    return s;
}

/* The n characters at text as a C string with '.' replaced by point, in buf; NULL when they
 * do not fit. */
static const char *copy_number(const char *text, size_t n, const char *point, char *buf,
                               size_t size)
{
    size_t k = 0, point_len = strlen(point);
    for (size_t i = 0; i < n; i++) {
        if (k + point_len + 1 >= size)
            return NULL;
        if (text[i] == '.') {
            memcpy(buf + k, point, point_len);
            k += point_len;
        } else {
            buf[k++] = text[i];
        }
    }
    buf[k] = '\0';
    return buf;
}

/* strtod on the n characters at text, which hold a number of mb__read_double's syntax: 0 with
 * *out and *range set, or -1 when they cannot be converted (see mb__read_double). */
static int convert(const char *text, size_t n, double *out, int *range)
{
    char buf[72];
    locale_t saved, c_locale = enter_c_locale(&saved);
    const char *point = ".";
    if (!c_locale) {
        /* strtod then reads the locale's decimal point: give it that one. */
        point = localeconv()->decimal_point;
        if (!point || !point[0])
            point = ".";
    }
    /* strtod would read on past our syntax ("0x10" is 16 to it, 0 then "x10" to us): it gets
     * exactly the number, as a copy unless the text ends right after it anyway. */
    const char *c_text = text[n] == '\0' && strcmp(point, ".") == 0
                             ? text
                             : copy_number(text, n, point, buf, sizeof buf);
    int rc = -1;
    if (c_text) {
        char *end;
        errno = 0;
        double v = strtod(c_text, &end);
        if (*end == '\0') {
            *out = v;
            *range = errno == ERANGE;
            rc = 0;
        }
    }
    leave_c_locale(c_locale, saved, NULL);
    return rc;
}

size_t mb__read_double(const char *text, double *out, int *range)
{
    decimal d = {0};
    int ignored = 0;
    range = range ? range : &ignored;
    *range = 0;
    size_t n = (size_t)(scan_number(text, &d) - text);
    if (n == 0)
        return 0;
    if (fast_path(&d, out))
        return n;
    return convert(text, n, out, range) == 0 ? n : 0;
}

int mb__parse_uint(const char *src, const char *text, uint64_t min, uint64_t max, uint64_t *out,
                   char *err, size_t size)
{
    int base = 10;
    const char *p = text;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    if (!*p)
        return mb__fail(err, size, "%s: '%s' is not a whole number", src, text);
    uint64_t v = 0;
    for (; *p; p++) {
        int digit;
        if (is_digit(*p))
            digit = *p - '0';
        else if (base == 16 && *p >= 'a' && *p <= 'f')
            digit = *p - 'a' + 10;
        else if (base == 16 && *p >= 'A' && *p <= 'F')
            digit = *p - 'A' + 10;
        else
            return mb__fail(err, size, "%s: '%s' is not a whole number", src, text);
        if (v > (UINT64_MAX - (uint64_t)digit) / (uint64_t)base)
            return mb__fail(err, size, "%s: '%s' is too large", src, text);
        v = v * (uint64_t)base + (uint64_t)digit;
    }
    if (v < min || v > max)
        return mb__fail(err, size, "%s: %s is out of range (%llu to %llu)", src, text,
                        (unsigned long long)min, (unsigned long long)max);
    *out = v;
    return 0;
}

/* A number for an option: all of mb__read_double's syntax, finite and within the range of
 * doubles (neither too large nor too small). Returns the characters read, or 0. */
static size_t read_option_number(const char *text, double *out)
{
    int range;
    size_t used = mb__read_double(text, out, &range);
    return used && !range && isfinite(*out) ? used : 0;
}

int mb__parse_fraction(const char *src, const char *text, double *out, char *err, size_t size)
{
    double v;
    size_t used = read_option_number(text, &v);
    if (used && text[used] == '%' && text[used + 1] == '\0')
        v /= 100;
    else if (!used || text[used] != '\0')
        return mb__fail(err, size, "%s: '%s' is not a number or a percentage", src, text);
    *out = v;
    return 0;
}

int mb__parse_seconds(const char *src, const char *text, double *out, char *err, size_t size)
{
    static const struct {
        const char *unit;
        double seconds;
    } units[] = {{"", 1}, {"s", 1}, {"ms", 1e-3}, {"us", 1e-6}, {"ns", 1e-9}};
    double v;
    size_t used = read_option_number(text, &v);
    for (size_t i = 0; used && i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(text + used, units[i].unit) == 0) {
            *out = v * units[i].seconds;
            return 0;
        }
    }
    return mb__fail(err, size, "%s: '%s' is not a time (examples: 2, 0.5s, 300ms)", src, text);
}
