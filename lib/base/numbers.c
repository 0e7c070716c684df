/*
 * Locale-free numbers: writing a double as the shortest text that reads back exactly, and
 * printf-style formatting, always with '.' as the decimal point. printf and strtod run with
 * the "C" numeric locale installed for the calling thread (POSIX uselocale); if that locale
 * object cannot be made (out of memory), the locale's decimal point is replaced after the
 * fact. Used by the emitters, the parameter names and the readers of numbers.
 */
#define _POSIX_C_SOURCE 200809L

#include "numbers.h"

#include <locale.h>
#include <math.h>
#include <stdarg.h>
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

/* Installs the "C" numeric locale for this thread; *saved receives what to restore. */
static locale_t enter_c_locale(locale_t *saved)
{
    locale_t c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    *saved = c_locale ? uselocale(c_locale) : (locale_t)0;
    return c_locale;
}

static void leave_c_locale(locale_t c_locale, locale_t saved, char *buf)
{
    if (c_locale) {
        uselocale(saved);
        freelocale(c_locale);
    } else {
        fix_decimal_point(buf);
    }
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
