/*
 * Tests of the locale-free number module (lib/base/numbers.c): the reader's syntax, its
 * agreement with strtod bit for bit (the fast path and the slow one), range reports, the
 * option values with their messages, and writing that reads back exactly; first in the C
 * locale, then in a German one (decimal comma) and under a thread locale of its own.
 */
#define _POSIX_C_SOURCE 200809L

#include "check.h"
#include "numbers.h"

#include <errno.h>
#include <float.h>
#include <locale.h>
#include <stdlib.h>

/* strtod in the "C" numeric locale whatever the test's: the reference. Sets c_erange. */
static int c_erange;

static double c_strtod(const char *text)
{
    locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    locale_t before = uselocale(c);
    errno = 0;
    double v = strtod(text, NULL);
    c_erange = errno == ERANGE;
    uselocale(before);
    freelocale(c);
    return v;
}

/* Reads text, expecting used characters read and, when used, the value (and the range
 * report) strtod gives for those characters in the C locale. */
static void check_read_range(const char *text, size_t used, double expected, int erange)
{
    double v = -12345;
    int range = -1;
    CHECK_INT(mb__read_double(text, &v, &range), ==, used);
    if (used) {
        CHECK(memcmp(&v, &expected, sizeof v) == 0);
        CHECK_INT(range, ==, erange);
    } else {
        CHECK_NEAR(v, -12345, 0, 0); /* untouched */
    }
}

static void check_read(const char *text, size_t used, double expected)
{
    check_read_range(text, used, expected, 0);
}

static void test_syntax(void)
{
    check_read("0", 1, 0);
    check_read("-0", 2, -0.0);
    check_read("+3", 2, 3);
    check_read("12.5", 4, 12.5);
    check_read(".5", 2, 0.5);
    check_read("5.", 2, 5);
    check_read("1e3", 3, 1000);
    check_read("1E+3", 4, 1000);
    check_read("25e-1", 5, 2.5);
    check_read("1e", 1, 1);     /* an exponent needs a digit */
    check_read("1e-", 1, 1);    /* likewise */
    check_read("0x10", 1, 0);   /* no hexadecimal: the 0 alone */
    check_read("1.5s", 3, 1.5); /* stops at a unit */
    check_read("0.52 0.58", 4, 0.52);
    check_read("1,5", 1, 1); /* ',' is never a decimal point */
    check_read("", 0, 0);
    check_read(".", 0, 0);
    check_read("-", 0, 0);
    check_read("e5", 0, 0);
    check_read(" 1", 0, 0);
    check_read("nan", 0, 0);
    check_read("inf", 0, 0);
    check_read("-infinity", 0, 0);
}

/* Values on both sides of the fast path (15 significant digits, exponent within 22), long
 * mantissas and long texts: each as strtod reads it in the C locale, bit for bit. */
static void test_agrees_with_strtod(void)
{
    static const char *const texts[] = {
        "0.1",
        "0.3",
        "123456789012345",
        "1234567890123456",
        "12345678901234567890",
        "9007199254740993",
        "1e22",
        "1e23",
        "1.7976931348623157e308",
        "2.2250738585072014e-308",
        "4.9406564584124654e-324",
        "0.000001234567890123456789",
        "3.141592653589793238462643",
        "2498000",
        "12.5478125",
        "0.95",
        "1e-7",
        "100000000000000000000000000000000000000000001",
        "0.00000000000000000000000000000000000000000000000000000000000000000000000000000001234",
        "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017"
        "977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273"
        "854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704"
        "342711559699508093042880177904174497791"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        double expected = c_strtod(texts[i]);
        check_read_range(texts[i], strlen(texts[i]), expected, c_erange);
        char negative[1024];
        snprintf(negative, sizeof negative, "-%s", texts[i]);
        expected = c_strtod(negative);
        check_read_range(negative, strlen(negative), expected, c_erange);
    }
    /* Random doubles written with 17 digits ('.' whatever the locale) read back exactly. */
    srand(1);
    for (int i = 0; i < 2000; i++) {
        double v = ((double)rand() / RAND_MAX) * pow(10, rand() % 40 - 20);
        char text[40];
        mb__fmt(text, sizeof text, "%.17g", v);
        check_read(text, strlen(text), v);
    }
}

static void test_range(void)
{
    double v;
    int range = 0;
    CHECK_INT(mb__read_double("1e999", &v, &range), ==, 5);
    CHECK(range == 1 && isinf(v) && v > 0);
    CHECK_INT(mb__read_double("-1e400", &v, &range), ==, 6);
    CHECK(range == 1 && isinf(v) && v < 0);
    CHECK_INT(mb__read_double("1e-400", &v, &range), ==, 6);
    CHECK(range == 1 && v == 0);
    CHECK_INT(mb__read_double("1e300", &v, &range), ==, 5);
    CHECK_INT(range, ==, 0);
    CHECK_INT(mb__read_double("1e999", &v, NULL), ==, 5); /* range may be NULL */
}

static void check_option_error(int rc, const char *err, const char *expected)
{
    CHECK_INT(rc, ==, -1);
    CHECK_STR(err, expected);
}

static void test_options(void)
{
    char err[128];
    double v = 0;
    uint64_t u = 0;
    CHECK_INT(mb__parse_fraction("--p", "95%", &v, err, sizeof err), ==, 0);
    CHECK_NEAR(v, 0.95, 1e-15, 0);
    CHECK_INT(mb__parse_fraction("--p", "0.5", &v, err, sizeof err), ==, 0);
    CHECK_NEAR(v, 0.5, 0, 0);
    CHECK_INT(mb__parse_fraction("--p", "-1%", &v, err, sizeof err), ==, 0);
    CHECK_NEAR(v, -0.01, 0, 0);
    check_option_error(mb__parse_fraction("--p", "0,5", &v, err, sizeof err), err,
                       "--p: '0,5' is not a number or a percentage");
    check_option_error(mb__parse_fraction("--p", "1e999", &v, err, sizeof err), err,
                       "--p: '1e999' is not a number or a percentage");
    check_option_error(mb__parse_fraction("--p", "50%x", &v, err, sizeof err), err,
                       "--p: '50%x' is not a number or a percentage");

    CHECK_INT(mb__parse_seconds("--t", "300ms", &v, err, sizeof err), ==, 0);
    CHECK_NEAR(v, 0.3, 1e-15, 0);
    CHECK_INT(mb__parse_seconds("--t", "2", &v, err, sizeof err), ==, 0);
    CHECK_NEAR(v, 2, 0, 0);
    CHECK_INT(mb__parse_seconds("--t", "50us", &v, err, sizeof err), ==, 0);
    CHECK_NEAR(v, 50e-6, 1e-15, 0);
    CHECK_INT(mb__parse_seconds("--t", "-1ns", &v, err, sizeof err), ==, 0);
    CHECK_NEAR(v, -1e-9, 1e-15, 0);
    check_option_error(mb__parse_seconds("--t", "2h", &v, err, sizeof err), err,
                       "--t: '2h' is not a time (examples: 2, 0.5s, 300ms)");
    check_option_error(mb__parse_seconds("--t", "1e-400", &v, err, sizeof err), err,
                       "--t: '1e-400' is not a time (examples: 2, 0.5s, 300ms)");

    CHECK_INT(mb__parse_uint("--n", "0x2A", 0, 100, &u, err, sizeof err), ==, 0);
    CHECK_INT(u, ==, 42);
    CHECK_INT(mb__parse_uint("--n", "18446744073709551615", 0, UINT64_MAX, &u, err, sizeof err), ==,
              0);
    CHECK(u == UINT64_MAX);
    check_option_error(
        mb__parse_uint("--n", "18446744073709551616", 0, UINT64_MAX, &u, err, sizeof err), err,
        "--n: '18446744073709551616' is too large");
    check_option_error(mb__parse_uint("--n", "101", 0, 100, &u, err, sizeof err), err,
                       "--n: 101 is out of range (0 to 100)");
    check_option_error(mb__parse_uint("--n", "1e3", 0, 100, &u, err, sizeof err), err,
                       "--n: '1e3' is not a whole number");
    /* A value with a newline still makes a message of one line. */
    check_option_error(mb__parse_uint("--n", "1\n2", 0, 100, &u, err, sizeof err), err,
                       "--n: '1?2' is not a whole number");
}

static void test_writing(void)
{
    char buf[64];
    mb__fmt_double(buf, sizeof buf, 0.1);
    CHECK_STR(buf, "0.1");
    mb__fmt_double(buf, sizeof buf, 2498000);
    CHECK_STR(buf, "2498000");
    mb__fmt_double(buf, sizeof buf, 12.5478125);
    CHECK_STR(buf, "12.5478125");
    mb__fmt(buf, sizeof buf, "%.2f|%g", 3.14159, 0.5);
    CHECK_STR(buf, "3.14|0.5");
    /* What is written reads back exactly. */
    double values[] = {1.0 / 3, 2.0 / 3, 1e-300, 6.02214076e23, DBL_MAX, DBL_MIN, 5e-324};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        double back = 0;
        mb__fmt_double(buf, sizeof buf, values[i]);
        CHECK_INT(mb__read_double(buf, &back, NULL), ==, strlen(buf));
        CHECK(back == values[i]);
    }
}

static void run_all(void)
{
    test_syntax();
    test_agrees_with_strtod();
    test_range();
    test_options();
    test_writing();
}

int main(void)
{
    run_all();
    if (!setlocale(LC_ALL, "de_DE.UTF-8")) {
        int code = CHECK_DONE();
        if (code != 0)
            return code;
        fprintf(stderr, "skipped the locale checks: the de_DE.UTF-8 locale is not installed "
                        "(generate it with locale-gen)\n");
        return 77;
    }
    CHECK_STR(localeconv()->decimal_point, ",");
    run_all();
    /* A thread locale of its own is honoured and restored too. */
    setlocale(LC_ALL, "C");
    locale_t german = newlocale(LC_ALL_MASK, "de_DE.UTF-8", (locale_t)0);
    CHECK(german != (locale_t)0);
    if (german) {
        locale_t before = uselocale(german);
        run_all();
        CHECK(uselocale((locale_t)0) == german);
        uselocale(before);
        freelocale(german);
    }
    return CHECK_DONE();
}
