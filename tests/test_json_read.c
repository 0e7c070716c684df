/*
 * Tests of lib/results/json_read.c: documents of every kind with their positions; numbers (edge
 * cases, correct rounding, bit-exact round trips of random doubles printed by %.17g and by
 * our emitter's shortest form, agreement with the C library on random decimal strings);
 * strings (escapes, surrogates, UTF-8); every class of error with its exact message and
 * position; truncation of valid documents at every byte; nesting limits; size limits; files;
 * the validating accessors; allocation failure at every allocation; and a German locale,
 * whose decimal comma must not matter.
 */
#define _POSIX_C_SOURCE 200809L

#include "check.h"
#include "emit/emit.h"
#include "json_read.h"
#include "microbe.h"
#include "stats.h"

#include <errno.h>
#include <locale.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Literal text with its length, so that inputs may hold NUL bytes. */
#define LIT(s) s, sizeof(s) - 1

static mb__json_doc *parse_text(const char *text, size_t len, mb__json_error *err)
{
    mb__json_doc *doc;
    int rc = mb__json_parse(text, len, NULL, &doc, err);
    CHECK_INT(rc, ==, 0);
    if (rc != 0)
        fprintf(stderr, "  parse failed: %s\n", err->message);
    return doc;
}

static mb__json_doc *parse_ok(const char *text)
{
    mb__json_error err;
    return parse_text(text, strlen(text), &err);
}

/* Parsing text must fail with MB_EINVAL at line:column with exactly this message (after the
 * "line L, column C: " prefix). */
static void expect_error_at(int caller, const char *text, size_t len, uint32_t line,
                            uint32_t column, const char *message)
{
    int before = check_failures;
    mb__json_doc *doc = (mb__json_doc *)&doc; /* must be reset to NULL */
    mb__json_error err;
    char full[600];
    int rc = mb__json_parse(text, len, NULL, &doc, &err);
    CHECK_INT(rc, ==, MB_EINVAL);
    CHECK(doc == NULL);
    if (rc == 0)
        mb__json_free(doc);
    CHECK_INT(err.code, ==, MB_EINVAL);
    CHECK_INT(err.line, ==, line);
    CHECK_INT(err.column, ==, column);
    snprintf(full, sizeof full, "line %lu, column %lu: %s", (unsigned long)line,
             (unsigned long)column, message);
    CHECK_STR(err.message, full);
    if (check_failures > before)
        fprintf(stderr, "  (expect_error from line %d)\n", caller);
}

#define EXPECT_ERROR(text, line, column, message)                                                  \
    expect_error_at(__LINE__, LIT(text), line, column, message)

/* ---- Valid documents ----------------------------------------------------------------- */

static void test_scalars(void)
{
    static const struct {
        const char *text;
        mb__json_kind kind;
    } cases[] = {
        {"null", MB__JSON_NULL},         {"true", MB__JSON_BOOL},     {" false ", MB__JSON_BOOL},
        {"\t\r\n42\n", MB__JSON_NUMBER}, {"\"hi\"", MB__JSON_STRING}, {"[]", MB__JSON_ARRAY},
        {"{}", MB__JSON_OBJECT},         {" [ ] ", MB__JSON_ARRAY},   {"{ \n }", MB__JSON_OBJECT},
    };
    for (size_t i = 0; i < COUNT_OF(cases); i++) {
        mb__json_doc *doc = parse_ok(cases[i].text);
        if (!doc)
            continue;
        const mb__json_value *root = mb__json_root(doc);
        CHECK_INT(root->kind, ==, cases[i].kind);
        CHECK_INT(root->len, ==, root->kind == MB__JSON_STRING ? 2 : 0);
        mb__json_free(doc);
    }
    mb__json_doc *doc = parse_ok("true");
    CHECK_INT(mb__json_root(doc)->u.boolean, ==, 1);
    mb__json_free(doc);
    doc = parse_ok("false");
    CHECK_INT(mb__json_root(doc)->u.boolean, ==, 0);
    mb__json_free(doc);
    mb__json_free(NULL);
}

static const char nested_doc[] = "{\n"
                                 "  \"name\": \"sort\",\n"
                                 "  \"n\": [1, 2.5, -3e2],\n"
                                 "  \"ok\": true,\n"
                                 "  \"nested\": {\"a\": {\"b\": [null, {}, []]}},\n"
                                 "  \"\xc3\xa9t\xc3\xa9\": [\"\xc3\xbc\", 7],\n"
                                 "  \"empty\": \"\"\n"
                                 "}\n";

static void test_nested(void)
{
    mb__json_doc *doc = parse_ok(nested_doc);
    if (!doc)
        return;
    const mb__json_value *root = mb__json_root(doc);
    CHECK_INT(root->kind, ==, MB__JSON_OBJECT);
    CHECK_INT(root->len, ==, 6);
    static const char *const keys[] = {"name", "n", "ok", "nested", "\xc3\xa9t\xc3\xa9", "empty"};
    for (size_t i = 0; i < COUNT_OF(keys) && i < root->len; i++) {
        CHECK_STR(root->u.members[i].key, keys[i]); /* input order is kept */
        CHECK_INT(root->u.members[i].key_len, ==, strlen(keys[i]));
        CHECK(mb__json_get(root, keys[i]) == &root->u.members[i].value);
    }
    CHECK_INT(root->line, ==, 1);
    CHECK_INT(root->column, ==, 1);

    const mb__json_value *n = mb__json_get(root, "n");
    CHECK_INT(n->kind, ==, MB__JSON_ARRAY);
    CHECK_INT(n->len, ==, 3);
    CHECK_INT(n->line, ==, 3);
    CHECK_INT(n->column, ==, 8);
    CHECK_NEAR(mb__json_at(n, 0)->u.number, 1, 0, 0);
    CHECK_NEAR(mb__json_at(n, 1)->u.number, 2.5, 0, 0);
    CHECK_NEAR(mb__json_at(n, 2)->u.number, -300, 0, 0);
    CHECK_INT(mb__json_at(n, 2)->column, ==, 17);
    CHECK(mb__json_at(n, 3) == NULL);
    CHECK(mb__json_at(root, 0) == NULL); /* not an array */

    const mb__json_value *b = mb__json_get(mb__json_get(mb__json_get(root, "nested"), "a"), "b");
    CHECK(b != NULL && b->kind == MB__JSON_ARRAY && b->len == 3);
    if (b && b->len == 3) {
        CHECK_INT(b->u.items[0].kind, ==, MB__JSON_NULL);
        CHECK_INT(b->u.items[1].kind, ==, MB__JSON_OBJECT);
        CHECK_INT(b->u.items[1].len, ==, 0);
        CHECK(b->u.items[1].u.members == NULL);
        CHECK_INT(b->u.items[2].kind, ==, MB__JSON_ARRAY);
        CHECK_INT(b->u.items[2].column, ==, 36);
    }

    /* Columns count characters: the two-byte letters count one each. */
    const mb__json_value *accented = mb__json_get(root, "\xc3\xa9t\xc3\xa9");
    CHECK(accented != NULL && accented->len == 2);
    if (accented && accented->len == 2) {
        CHECK_INT(accented->line, ==, 6);
        CHECK_INT(accented->column, ==, 10);
        CHECK_STR(accented->u.items[0].u.string, "\xc3\xbc");
        CHECK_INT(accented->u.items[1].column, ==, 16);
    }
    const mb__json_value *empty = mb__json_get(root, "empty");
    CHECK(empty && empty->kind == MB__JSON_STRING && empty->len == 0);
    CHECK_STR(empty ? empty->u.string : NULL, "");
    CHECK(mb__json_get(root, "missing") == NULL);
    CHECK(mb__json_get(root, "nam") == NULL);
    CHECK(mb__json_get(n, "name") == NULL); /* not an object */
    CHECK(mb__json_get(NULL, "name") == NULL);
    mb__json_free(doc);
}

/* ---- Numbers ------------------------------------------------------------------------- */

static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* text must parse to exactly expected (bit for bit: -0 is not 0). */
static void expect_number_at(int caller, const char *text, double expected)
{
    mb__json_error err;
    mb__json_doc *doc;
    int rc = mb__json_parse(text, strlen(text), NULL, &doc, &err);
    CHECK_INT(rc, ==, 0);
    if (rc != 0) {
        fprintf(stderr, "  (line %d) \"%s\": %s\n", caller, text, err.message);
        return;
    }
    const mb__json_value *v = mb__json_root(doc);
    CHECK_INT(v->kind, ==, MB__JSON_NUMBER);
    CHECK(same_bits(v->u.number, expected));
    if (!same_bits(v->u.number, expected))
        fprintf(stderr, "  (line %d) \"%s\" read as %a, expected %a\n", caller, text, v->u.number,
                expected);
    mb__json_free(doc);
}

#define EXPECT_NUMBER(text, expected) expect_number_at(__LINE__, text, expected)

static void test_number_values(void)
{
    EXPECT_NUMBER("0", 0.0);
    EXPECT_NUMBER("-0", -0.0);
    EXPECT_NUMBER("-0.0e5", -0.0);
    EXPECT_NUMBER("1", 1.0);
    EXPECT_NUMBER("-1", -1.0);
    EXPECT_NUMBER("0.1", 0.1);
    EXPECT_NUMBER("0.30000000000000004", 0.30000000000000004);
    EXPECT_NUMBER("1E2", 100.0);
    EXPECT_NUMBER("1e+2", 100.0);
    EXPECT_NUMBER("1e-2", 0.01);
    EXPECT_NUMBER("100000000000000000000000e-23", 1.0);
    EXPECT_NUMBER("1e308", 1e308);
    EXPECT_NUMBER("1.7976931348623157e308", 1.7976931348623157e308);
    /* Below the midpoint between the largest double and 2^1024: rounds down, no overflow. */
    EXPECT_NUMBER("1.7976931348623158e308", 1.7976931348623157e308);
    EXPECT_NUMBER("2.2250738585072014e-308", 2.2250738585072014e-308);
    /* Subnormals, correctly rounded. */
    EXPECT_NUMBER("1e-320", 1e-320);
    EXPECT_NUMBER("4.9406564584124654e-324", 0x1p-1074);
    EXPECT_NUMBER("5e-324", 0x1p-1074);
    EXPECT_NUMBER("2.4703282292062328e-324", 0x1p-1074); /* just above half the smallest */
    EXPECT_NUMBER("2.4703282292062327e-324", 0.0);       /* just below it */
    /* Underflow rounds to zero of the same sign. */
    EXPECT_NUMBER("1e-400", 0.0);
    EXPECT_NUMBER("-1e-400", -0.0);
    EXPECT_NUMBER("1e-99999999999999999999", 0.0);
    /* Ties to even, more digits than a double holds. */
    EXPECT_NUMBER("9007199254740993", 9007199254740992.0);
    EXPECT_NUMBER("9007199254740995", 9007199254740996.0);
    EXPECT_NUMBER("123456789012345678901234567890", 1.2345678901234568e29);
    EXPECT_NUMBER("1.000000000000000000000000000000000000000001", 1.0);

    /* Around the limits of the exact fast path (15 digits, exponents up to 22). */
    EXPECT_NUMBER("123456789012345", 123456789012345.0);
    EXPECT_NUMBER("123456789012345e-22", 123456789012345e-22);
    EXPECT_NUMBER("0.000123456789012345e22", 0.000123456789012345e22);
    EXPECT_NUMBER("1234567890123456e-23", 1234567890123456e-23);
    EXPECT_NUMBER("1e22", 1e22);
    EXPECT_NUMBER("1e23", 1e23);
    EXPECT_NUMBER("-7e-23", -7e-23);
    EXPECT_NUMBER("3.0e-5", 3.0e-5);
    EXPECT_NUMBER("0.0000000000000000000000000000001e31", 1.0);

    /* A number longer than any fixed buffer: 0.(399 zeros)1e400 is exactly 1. */
    char long_number[512] = "0.";
    memset(long_number + 2, '0', 399);
    strcpy(long_number + 401, "1e400");
    EXPECT_NUMBER(long_number, 1.0);
}

static void test_number_errors(void)
{
    static const char range[] = "number out of range: its magnitude is too large for a double";
    EXPECT_ERROR("1e309", 1, 1, range);
    EXPECT_ERROR("-1e309", 1, 1, range);
    EXPECT_ERROR("1.7976931348623159e308", 1, 1, range);
    EXPECT_ERROR("[0, 1e99999999999999999999]", 1, 5, range);
    EXPECT_ERROR("01", 1, 1, "leading zeros are not allowed in numbers");
    EXPECT_ERROR("[-00]", 1, 2, "leading zeros are not allowed in numbers");
    EXPECT_ERROR("-", 1, 2, "expected a digit after '-', found end of input");
    EXPECT_ERROR("-a", 1, 2, "expected a digit after '-', found 'a'");
    EXPECT_ERROR("-Infinity", 1, 2, "expected a digit after '-', found 'I'");
    EXPECT_ERROR("1.", 1, 3, "expected a digit after the decimal point, found end of input");
    EXPECT_ERROR("[1.e5]", 1, 4, "expected a digit after the decimal point, found 'e'");
    EXPECT_ERROR("1e", 1, 3, "expected a digit in the exponent, found end of input");
    EXPECT_ERROR("1e+", 1, 4, "expected a digit in the exponent, found end of input");
    EXPECT_ERROR("1E-x", 1, 4, "expected a digit in the exponent, found 'x'");
    EXPECT_ERROR(".5", 1, 1, "expected a value, found '.'");
    EXPECT_ERROR("+1", 1, 1, "expected a value, found '+'");
    EXPECT_ERROR("NaN", 1, 1, "expected a value, found 'N'");
    EXPECT_ERROR("Infinity", 1, 1, "expected a value, found 'I'");
    EXPECT_ERROR("0x10", 1, 2, "expected end of input after the value, found 'x'");
    EXPECT_ERROR("1.5.2", 1, 4, "expected end of input after the value, found '.'");
}

/* Random doubles (random bits: every binade, subnormals included) printed with %.17g and in
 * our emitter's shortest form read back bit for bit; random decimal strings of up to 30
 * digits and any exponent read as the C library's strtod reads them (glibc's is correctly
 * rounded). */
static void test_number_round_trips(void)
{
    mb__rng rng;
    mb__rng_seed(&rng, 20261126);
    int bad = 0;
    for (int i = 0; i < 200000; i++) {
        uint64_t bits = mb__rng_next(&rng);
        double v;
        memcpy(&v, &bits, sizeof v);
        if (!isfinite(v))
            continue;
        char text[64];
        if (i % 2)
            snprintf(text, sizeof text, "%.17g", v); /* the C locale, at this point */
        else
            mb__fmt_double(text, sizeof text, v);
        mb__json_doc *doc;
        mb__json_error err;
        if (mb__json_parse(text, strlen(text), NULL, &doc, &err) != 0 ||
            !same_bits(mb__json_root(doc)->u.number, v)) {
            if (bad++ < 5)
                fprintf(stderr, "  round trip of %a through \"%s\" failed\n", v, text);
        }
        mb__json_free(doc);
    }
    CHECK_INT(bad, ==, 0);

    bad = 0;
    for (int i = 0; i < 100000; i++) {
        char text[64];
        size_t o = 0;
        if (mb__rng_below(&rng, 2))
            text[o++] = '-';
        int digits = 1 + (int)mb__rng_below(&rng, 30);
        int point = (int)mb__rng_below(&rng, (uint64_t)digits + 1);
        text[o++] = (char)('1' + mb__rng_below(&rng, 9));
        for (int d = 1; d < digits; d++) {
            if (d == point)
                text[o++] = '.';
            text[o++] = (char)('0' + mb__rng_below(&rng, 10));
        }
        /* Half the time a small exponent (or none), where the reader's fast path applies. */
        if (i % 2)
            snprintf(text + o, sizeof text - o, "e%d", (int)mb__rng_below(&rng, 680) - 350);
        else if (i % 4)
            snprintf(text + o, sizeof text - o, "E%+d", (int)mb__rng_below(&rng, 61) - 30);
        else
            text[o] = '\0';
        double expected = strtod(text, NULL);
        mb__json_doc *doc;
        mb__json_error err;
        int rc = mb__json_parse(text, strlen(text), NULL, &doc, &err);
        if (isinf(expected)) {
            if (rc != MB_EINVAL && bad++ < 5)
                fprintf(stderr, "  \"%s\" overflows but was accepted\n", text);
        } else if (rc != 0 || !same_bits(mb__json_root(doc)->u.number, expected)) {
            if (bad++ < 5)
                fprintf(stderr, "  \"%s\": expected %a\n", text, expected);
        }
        mb__json_free(doc);
    }
    CHECK_INT(bad, ==, 0);
}

/* ---- Strings ------------------------------------------------------------------------- */

static void expect_string_at(int caller, const char *json, const char *expected)
{
    mb__json_error err;
    mb__json_doc *doc = parse_text(json, strlen(json), &err);
    if (!doc) {
        fprintf(stderr, "  (line %d)\n", caller);
        return;
    }
    const mb__json_value *v = mb__json_root(doc);
    CHECK_INT(v->kind, ==, MB__JSON_STRING);
    CHECK_STR(v->u.string, expected);
    CHECK_INT(v->len, ==, strlen(expected));
    mb__json_free(doc);
}

#define EXPECT_STRING(json, expected) expect_string_at(__LINE__, json, expected)

static void test_strings(void)
{
    EXPECT_STRING("\"plain\"", "plain");
    EXPECT_STRING("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t");
    EXPECT_STRING("\"\\u0041\\u00e9\\u20AC\"", "A\xc3\xa9\xe2\x82\xac");
    EXPECT_STRING("\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80"); /* a surrogate pair */
    EXPECT_STRING("\"\\uDBFF\\uDFFF\"", "\xf4\x8f\xbf\xbf"); /* U+10FFFF */
    EXPECT_STRING("\"\\uD800\\uDC00\"", "\xf0\x90\x80\x80"); /* U+10000 */
    EXPECT_STRING("\"\\u007f\x7f\"", "\x7f\x7f");            /* DEL needs no escape */
    EXPECT_STRING("\"h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"",
                  "h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
    EXPECT_STRING("\"\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf\"",
                  "\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf");

    EXPECT_ERROR("\"abc", 1, 1, "unterminated string");
    EXPECT_ERROR("[\"abc\\\"]", 1, 2, "unterminated string");
    EXPECT_ERROR("\"abc\\", 1, 1, "unterminated string");
    EXPECT_ERROR("\"a\\x\"", 1, 3, "invalid escape sequence: '\\' followed by 'x'");
    EXPECT_ERROR("\"a\\\xc3\xa9\"", 1, 3, "invalid escape sequence: '\\' followed by byte 0xc3");
    EXPECT_ERROR("\"\\u12G4\"", 1, 2, "invalid \\u escape: expected four hexadecimal digits");
    EXPECT_ERROR("\"\\u12\"", 1, 2, "invalid \\u escape: expected four hexadecimal digits");
    EXPECT_ERROR("\"\\u0000\"", 1, 2, "\\u0000 is not allowed in strings");
    EXPECT_ERROR("\"\\ud800\"", 1, 2, "unpaired surrogate \\uD800 in string");
    EXPECT_ERROR("\"\\ud800x\"", 1, 2, "unpaired surrogate \\uD800 in string");
    EXPECT_ERROR("\"\\ud800\\u0041\"", 1, 2, "unpaired surrogate \\uD800 in string");
    EXPECT_ERROR("\"\\ud800\\ud800\"", 1, 2, "unpaired surrogate \\uD800 in string");
    EXPECT_ERROR("\"ab\\udc00\"", 1, 4, "unpaired surrogate \\uDC00 in string");
    EXPECT_ERROR("\"a\x01\"", 1, 3, "control character 0x01 must be escaped in strings");
    EXPECT_ERROR("\"a\tb\"", 1, 3, "control character 0x09 must be escaped in strings");
    EXPECT_ERROR("\"a\nb\"", 1, 3, "control character 0x0a must be escaped in strings");
    EXPECT_ERROR("\"a\0b\"", 1, 3, "control character 0x00 must be escaped in strings");
    /* Columns count characters: the control character is the fourth. */
    EXPECT_ERROR("\"\xc3\xa9\xc3\xa9\x1f\"", 1, 4,
                 "control character 0x1f must be escaped in strings");

    static const struct {
        const char *text;
        const char *message;
    } utf8[] = {
        {"\"\xc0\x80\"", "invalid UTF-8 in string (byte 0xc0)"},         /* overlong NUL */
        {"\"\xc1\xbf\"", "invalid UTF-8 in string (byte 0xc1)"},         /* overlong */
        {"\"\xe0\x80\x80\"", "invalid UTF-8 in string (byte 0xe0)"},     /* overlong */
        {"\"\xf0\x8f\xbf\xbf\"", "invalid UTF-8 in string (byte 0xf0)"}, /* overlong */
        {"\"\xed\xa0\x80\"", "invalid UTF-8 in string (byte 0xed)"},     /* surrogate D800 */
        {"\"\xed\xbf\xbf\"", "invalid UTF-8 in string (byte 0xed)"},     /* surrogate DFFF */
        {"\"\xf4\x90\x80\x80\"", "invalid UTF-8 in string (byte 0xf4)"}, /* above U+10FFFF */
        {"\"\xf5\x80\x80\x80\"", "invalid UTF-8 in string (byte 0xf5)"},
        {"\"\xff\"", "invalid UTF-8 in string (byte 0xff)"},
        {"\"\x80\"", "invalid UTF-8 in string (byte 0x80)"}, /* lone continuation */
        {"\"\xc3\"", "invalid UTF-8 in string (byte 0xc3)"}, /* cut by the quote */
        {"\"\xe2\x82\"", "invalid UTF-8 in string (byte 0xe2)"},
        {"\"\xe2\x82x\"", "invalid UTF-8 in string (byte 0xe2)"},
        {"\"\xf0\x9f\x98\"", "invalid UTF-8 in string (byte 0xf0)"},
    };
    for (size_t i = 0; i < COUNT_OF(utf8); i++)
        expect_error_at(__LINE__, utf8[i].text, strlen(utf8[i].text), 1, 2, utf8[i].message);

    /* Keys are decoded and checked like strings. */
    EXPECT_ERROR("{\"k\\q\": 1}", 1, 4, "invalid escape sequence: '\\' followed by 'q'");
    mb__json_doc *doc = parse_ok("{\"\\u00e9\\n\": 1}");
    if (doc) {
        CHECK_STR(mb__json_root(doc)->u.members[0].key, "\xc3\xa9\n");
        CHECK_INT(mb__json_root(doc)->u.members[0].key_len, ==, 3);
        mb__json_free(doc);
    }
}

/* ---- Structural errors --------------------------------------------------------------- */

static void test_structure_errors(void)
{
    EXPECT_ERROR("", 1, 1, "expected a value, found end of input");
    EXPECT_ERROR("   \n  ", 2, 3, "expected a value, found end of input");
    EXPECT_ERROR("]", 1, 1, "expected a value, found ']'");
    EXPECT_ERROR("[", 1, 2, "expected a value, found end of input");
    EXPECT_ERROR("[1", 1, 3, "expected ',' or ']' after array item, found end of input");
    EXPECT_ERROR("[1 2]", 1, 4, "expected ',' or ']' after array item, found '2'");
    EXPECT_ERROR("[1,]", 1, 4, "trailing comma before ']'");
    EXPECT_ERROR("[1,,2]", 1, 4, "expected a value, found ','");
    EXPECT_ERROR("[\x01]", 1, 2, "expected a value, found byte 0x01");
    EXPECT_ERROR("[\xc3\xa9]", 1, 2, "expected a value, found byte 0xc3");
    EXPECT_ERROR("{", 1, 2, "expected a string as object key, found end of input");
    EXPECT_ERROR("{1:2}", 1, 2, "expected a string as object key, found '1'");
    EXPECT_ERROR("{a:2}", 1, 2, "expected a string as object key, found 'a'");
    EXPECT_ERROR("{'a':2}", 1, 2, "expected a string as object key, found '''");
    EXPECT_ERROR("{\"a\"", 1, 5, "expected ':' after object key, found end of input");
    EXPECT_ERROR("{\"a\" 1}", 1, 6, "expected ':' after object key, found '1'");
    EXPECT_ERROR("{\"a\":}", 1, 6, "expected a value, found '}'");
    EXPECT_ERROR("{\"a\":1 \"b\":2}", 1, 8, "expected ',' or '}' after object member, found '\"'");
    EXPECT_ERROR("{\"a\":1]", 1, 7, "expected ',' or '}' after object member, found ']'");
    EXPECT_ERROR("{\"a\":1,}", 1, 8, "trailing comma before '}'");
    EXPECT_ERROR("{\"a\":1,\n  }", 2, 3, "trailing comma before '}'");
    EXPECT_ERROR("[1] 2", 1, 5, "expected end of input after the value, found '2'");
    EXPECT_ERROR("[1]\n\n  x", 3, 3, "expected end of input after the value, found 'x'");
    EXPECT_ERROR("[1]\0", 1, 4, "expected end of input after the value, found byte 0x00");
    EXPECT_ERROR("{}{}", 1, 3, "expected end of input after the value, found '{'");
    EXPECT_ERROR("\xef\xbb\xbf{}", 1, 1, "byte order mark at the start of the input (not allowed)");
    EXPECT_ERROR("tru", 1, 1, "invalid literal: expected 'true'");
    EXPECT_ERROR("[tRue]", 1, 2, "invalid literal: expected 'true'");
    EXPECT_ERROR("[nul]", 1, 2, "invalid literal: expected 'null'");
    EXPECT_ERROR("fals", 1, 1, "invalid literal: expected 'false'");
    EXPECT_ERROR("truex", 1, 5, "expected end of input after the value, found 'x'");
    EXPECT_ERROR("// note\n1", 1, 1, "expected a value, found '/'");
    EXPECT_ERROR("\r\n\r\n  [1,\r\n 2,,", 4, 4, "expected a value, found ','");
}

static void test_duplicate_keys(void)
{
    EXPECT_ERROR("{\"a\":1,\"a\":2}", 1, 8, "duplicate key \"a\" in object");
    EXPECT_ERROR("{\"a\":1,\"\\u0061\":2}", 1, 8, "duplicate key \"a\" in object");
    EXPECT_ERROR("{\"a\":1,\"b\":{\"a\":2,\"b\":3},\"c\":4,\"b\":5}", 1, 32,
                 "duplicate key \"b\" in object");
    /* The earliest repetition is reported, not the first key repeated. */
    EXPECT_ERROR("{\"x\":1,\"y\":2,\"y\":3,\"x\":4}", 1, 14, "duplicate key \"y\" in object");
    EXPECT_ERROR("{\"q\\\"\\\\\\n\":1,\"q\\\"\\\\\\n\":2}", 1, 14,
                 "duplicate key \"q\\\"\\\\?\" in object");
    /* Keys differing only in length or in their last byte are distinct. */
    mb__json_doc *doc = parse_ok("{\"a\":1,\"aa\":2,\"ab\":3,\"\":4}");
    CHECK(doc != NULL);
    mb__json_free(doc);

    /* Large objects take the sorting path; the earliest repetition is still the one named. */
    char distinct[2048], text[2100];
    size_t o = (size_t)snprintf(distinct, sizeof distinct, "{");
    for (int i = 0; i < 100; i++)
        o +=
            (size_t)snprintf(distinct + o, sizeof distinct - o, "%s\"k%d\":%d", i ? "," : "", i, i);
    snprintf(text, sizeof text, "%s}", distinct);
    doc = parse_ok(text);
    CHECK(doc != NULL && mb__json_root(doc)->len == 100);
    if (doc) {
        CHECK_STR(mb__json_root(doc)->u.members[99].key, "k99");
        CHECK_NEAR(mb__json_get(mb__json_root(doc), "k63")->u.number, 63, 0, 0);
    }
    mb__json_free(doc);
    snprintf(text, sizeof text, "%s,\"k50\":0,\"k10\":0,\"k50\":1}", distinct);
    expect_error_at(__LINE__, text, strlen(text), 1, (uint32_t)o + 2,
                    "duplicate key \"k50\" in object");

    /* A long key is cut in the message after about 40 bytes, never inside a character: the
     * key is "a" and 29 two-byte letters, so byte 40 is the first of the 20th letter. */
    char long_key[200], expected[200];
    o = 0;
    long_key[o++] = '{';
    for (int copy = 0; copy < 2; copy++) {
        long_key[o++] = '"';
        long_key[o++] = 'a';
        for (int i = 0; i < 29; i++) {
            long_key[o++] = (char)0xc3;
            long_key[o++] = (char)0xa9;
        }
        memcpy(long_key + o, "\":1", 3);
        o += 3;
        long_key[o++] = copy ? '}' : ',';
    }
    size_t e = (size_t)snprintf(expected, sizeof expected, "duplicate key \"a");
    for (int i = 0; i < 19; i++)
        e += (size_t)snprintf(expected + e, sizeof expected - e, "\xc3\xa9");
    snprintf(expected + e, sizeof expected - e, "...\" in object");
    expect_error_at(__LINE__, long_key, o, 1, 37, expected);
}

/* ---- Limits -------------------------------------------------------------------------- */

static char *nested_arrays(size_t depth, int closed)
{
    char *text = malloc(2 * depth + 1);
    if (!text)
        return NULL;
    memset(text, '[', depth);
    memset(text + depth, closed ? ']' : '\0', closed ? depth : 1);
    text[closed ? 2 * depth : depth] = '\0';
    return text;
}

static void test_depth(void)
{
    char *text = nested_arrays(MB__JSON_MAX_DEPTH, 1);
    mb__json_doc *doc = parse_ok(text);
    const mb__json_value *v = doc ? mb__json_root(doc) : NULL;
    int depth = 0;
    for (; v && v->kind == MB__JSON_ARRAY; depth++)
        v = v->len ? &v->u.items[0] : NULL;
    CHECK_INT(depth, ==, MB__JSON_MAX_DEPTH);
    mb__json_free(doc);
    free(text);

    static const char too_deep[] = "nesting deeper than 64 levels of arrays and objects";
    text = nested_arrays(MB__JSON_MAX_DEPTH + 1, 1);
    expect_error_at(__LINE__, text, strlen(text), 1, MB__JSON_MAX_DEPTH + 1, too_deep);
    free(text);

    /* A million open brackets: refused at the limit, without recursion. */
    text = nested_arrays(1000000, 0);
    expect_error_at(__LINE__, text, strlen(text), 1, MB__JSON_MAX_DEPTH + 1, too_deep);
    free(text);

    /* Objects count as levels too. */
    char objects[1024] = "";
    for (int i = 0; i < MB__JSON_MAX_DEPTH; i++)
        strcat(objects, "{\"a\":");
    strcat(objects, "[1]");
    expect_error_at(__LINE__, objects, strlen(objects), 1, 5 * MB__JSON_MAX_DEPTH + 1, too_deep);
    objects[5 * MB__JSON_MAX_DEPTH] = '1';
    objects[5 * MB__JSON_MAX_DEPTH + 1] = '\0';
    for (int i = 0; i < MB__JSON_MAX_DEPTH; i++)
        strcat(objects, "}");
    doc = parse_ok(objects);
    CHECK(doc != NULL);
    mb__json_free(doc);
}

static void test_size_limit(void)
{
    mb__json_options opt;
    mb__json_options_init(&opt);
    CHECK_INT(opt.max_bytes, ==, 0);
    CHECK(opt.realloc_fn == NULL);
    opt.max_bytes = 4;
    mb__json_doc *doc = (mb__json_doc *)&doc;
    mb__json_error err;
    CHECK_INT(mb__json_parse("[1,2]", 5, &opt, &doc, &err), ==, MB_EINVAL);
    CHECK(doc == NULL);
    CHECK_INT(err.line, ==, 0);
    CHECK_STR(err.message, "input is 5 bytes, more than the limit of 4 bytes");
    opt.max_bytes = 5;
    CHECK_INT(mb__json_parse("[1,2]", 5, &opt, &doc, &err), ==, 0);
    mb__json_free(doc);

    /* Without an opt, or with max_bytes 0: 64 MiB. */
    CHECK_INT(mb__json_parse("[]", MB__JSON_DEFAULT_MAX_BYTES + 1, NULL, &doc, &err), ==,
              MB_EINVAL);
    CHECK_STR(err.message, "input is 67108865 bytes, more than the limit of 67108864 bytes");

    /* The input is never read beyond len, NUL or not. */
    CHECK_INT(mb__json_parse("[1,2]garbage", 5, NULL, &doc, &err), ==, 0);
    mb__json_free(doc);
    CHECK_INT(mb__json_parse(NULL, 0, NULL, &doc, &err), ==, MB_EINVAL);
    CHECK_STR(err.message, "line 1, column 1: expected a value, found end of input");
    CHECK_INT(mb__json_parse(NULL, 3, NULL, &doc, &err), ==, MB_EINVAL);
    CHECK_STR(err.message, "no input text");
    CHECK_INT(mb__json_parse("1", 1, NULL, &doc, NULL), ==, 0); /* err may be NULL */
    mb__json_free(doc);
    CHECK_INT(mb__json_parse("[", 1, NULL, &doc, NULL), ==, MB_EINVAL);
}

/* ---- Truncation ---------------------------------------------------------------------- */

/* Every proper prefix of a document (short of its trailing whitespace) must be refused with
 * a message about its end, never crash or read beyond it (each prefix is copied to a buffer
 * of exactly its length, so that ASan and valgrind catch any overread). */
static void check_truncations(const char *name, const char *text, size_t len)
{
    size_t content = len;
    while (content > 0 && strchr(" \t\r\n", text[content - 1]))
        content--;
    int bad = 0;
    for (size_t k = 0; k <= len; k++) {
        char *prefix = malloc(k ? k : 1);
        if (!prefix) {
            CHECK(!"out of memory");
            return;
        }
        memcpy(prefix, text, k);
        mb__json_doc *doc;
        mb__json_error err;
        int rc = mb__json_parse(prefix, k, NULL, &doc, &err);
        int ok;
        if (k < content)
            ok = rc == MB_EINVAL && err.line > 0 &&
                 (strstr(err.message, "end of input") ||
                  strstr(err.message, "unterminated string") ||
                  strstr(err.message, "invalid literal"));
        else
            ok = rc == 0;
        if (!ok && bad++ < 5)
            fprintf(stderr, "  %s cut at %zu: rc %d, %s\n", name, k, rc,
                    rc ? err.message : "accepted");
        mb__json_free(doc);
        free(prefix);
    }
    CHECK_INT(bad, ==, 0);
}

static char *read_source_file(const char *relative, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", MB_TEST_SOURCE_DIR, relative);
    char *text;
    mb__json_error err;
    int rc = mb__json_read_file(path, 0, &text, len, &err);
    CHECK_INT(rc, ==, 0);
    if (rc < 0)
        fprintf(stderr, "  %s\n", err.message);
    return text;
}

static void test_truncation(void)
{
    check_truncations("nested_doc", nested_doc, strlen(nested_doc));
    static const char escapes[] = "[\"\\u00e9\\ud83d\\ude00\\n\xc3\xa9\xf0\x9f\x98\x80\", "
                                  "-12.5e-3, true, false, null, {\"k\": [0]}]";
    check_truncations("escapes", escapes, strlen(escapes));
    size_t len;
    char *golden = read_source_file("golden/emit_json.txt", &len);
    if (golden)
        check_truncations("golden/emit_json.txt", golden, len);
    free(golden);
}

/* ---- A real result file -------------------------------------------------------------- */

/* The emitter's golden output read back through the validating accessors, as a baseline
 * reader would. */
static void test_result_file(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/golden/emit_json.txt", MB_TEST_SOURCE_DIR);
    mb__json_doc *doc;
    mb__json_error err;
    int rc = mb__json_parse_file(path, NULL, &doc, &err);
    CHECK_INT(rc, ==, 0);
    if (rc < 0) {
        fprintf(stderr, "  %s\n", err.message);
        return;
    }
    const mb__json_value *root = mb__json_root(doc), *benchmarks, *bench, *raw, *iters, *ns;
    uint64_t version, samples;
    const char *library, *name;
    CHECK_INT(mb__json_get_uint(root, "schema_version", &version, &err), ==, 0);
    CHECK_INT(version, ==, 1);
    CHECK_INT(mb__json_get_string(root, "library", &library, &err), ==, 0);
    CHECK_STR(library, "microbe");
    CHECK_INT(mb__json_get_array(root, "benchmarks", &benchmarks, &err), ==, 0);
    CHECK(benchmarks->len >= 3);
    for (uint32_t b = 0; b < benchmarks->len; b++) {
        bench = mb__json_at(benchmarks, b);
        rc = mb__json_expect(bench, MB__JSON_OBJECT, "benchmark", &err);
        rc = rc ? rc : mb__json_get_string(bench, "name", &name, &err);
        rc = rc ? rc : mb__json_get_uint(bench, "samples", &samples, &err);
        rc = rc ? rc : mb__json_get_object(bench, "raw_samples", &raw, &err);
        rc = rc ? rc : mb__json_get_array(raw, "iters", &iters, &err);
        rc = rc ? rc : mb__json_get_array(raw, "time_ns", &ns, &err);
        CHECK_INT(rc, ==, 0);
        if (rc < 0) {
            fprintf(stderr, "  %s\n", err.message);
            break;
        }
        CHECK_INT(iters->len, ==, samples);
        CHECK_INT(ns->len, ==, samples);
        for (uint32_t i = 0; i < ns->len; i++) {
            double t;
            uint64_t n;
            CHECK_INT(mb__json_as_number(mb__json_at(ns, i), "sample", &t, &err), ==, 0);
            CHECK_INT(mb__json_as_uint(mb__json_at(iters, i), "iters", &n, &err), ==, 0);
        }
        if (b == 0) {
            CHECK_STR(name, "sort_linear");
            CHECK_NEAR(mb__json_at(ns, 0)->u.number, 37680.25, 0, 0);
            CHECK_INT(mb__json_at(iters, 3)->u.number, ==, 12000);
        }
    }
    mb__json_free(doc);
}

/* ---- Files --------------------------------------------------------------------------- */

static void write_file(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f) {
        CHECK_INT(fwrite(text, 1, len, f), ==, len);
        fclose(f);
    }
}

static void test_files(void)
{
    char dir[] = "/tmp/mb_json_read_XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(!"mkdtemp failed");
        return;
    }
    char path[256], expected[600];
    char *text = (char *)&text;
    size_t len = 1;
    mb__json_error err;

    snprintf(path, sizeof path, "%s/missing.json", dir);
    errno = 0;
    CHECK_INT(mb__json_read_file(path, 0, &text, &len, &err), ==, MB_EIO);
    CHECK_INT(errno, ==, ENOENT);
    CHECK(text == NULL && len == 0);
    snprintf(expected, sizeof expected, "%s: cannot open: %s", path, strerror(ENOENT));
    CHECK_STR(err.message, expected);
    CHECK_INT(err.line, ==, 0);
    CHECK_INT(err.code, ==, MB_EIO);

    CHECK_INT(mb__json_read_file(dir, 0, &text, &len, &err), ==, MB_EIO);
    snprintf(expected, sizeof expected, "%s: cannot read: %s", dir, strerror(EISDIR));
    CHECK_STR(err.message, expected);

    CHECK_INT(mb__json_read_file(NULL, 0, &text, &len, &err), ==, MB_EINVAL);
    CHECK_STR(err.message, "no file name");

    snprintf(path, sizeof path, "%s/hundred.json", dir);
    char hundred[100];
    memset(hundred, ' ', sizeof hundred);
    hundred[50] = '0';
    write_file(path, hundred, sizeof hundred);
    CHECK_INT(mb__json_read_file(path, 99, &text, &len, &err), ==, MB_EINVAL);
    snprintf(expected, sizeof expected, "%s: file is larger than the limit of 99 bytes", path);
    CHECK_STR(err.message, expected);
    CHECK(text == NULL);
    CHECK_INT(mb__json_read_file(path, 100, &text, &len, &err), ==, 0);
    CHECK_INT(len, ==, 100);
    CHECK(text && memcmp(text, hundred, 100) == 0 && text[100] == '\0');
    free(text);

    mb__json_options opt;
    mb__json_options_init(&opt);
    opt.max_bytes = 99;
    mb__json_doc *doc;
    CHECK_INT(mb__json_parse_file(path, &opt, &doc, &err), ==, MB_EINVAL);
    CHECK_STR(err.message, expected);
    CHECK_INT(mb__json_parse_file(path, NULL, &doc, &err), ==, 0);
    CHECK_NEAR(doc ? mb__json_root(doc)->u.number : -1, 0, 0, 0);
    mb__json_free(doc);

    snprintf(path, sizeof path, "%s/empty.json", dir);
    write_file(path, "", 0);
    CHECK_INT(mb__json_read_file(path, 0, &text, &len, &err), ==, 0);
    CHECK(text && len == 0 && text[0] == '\0');
    free(text);

    snprintf(path, sizeof path, "%s/bad.json", dir);
    write_file(path, LIT("{\n  \"a\": 1\n  \"b\": 2\n}\n"));
    CHECK_INT(mb__json_parse_file(path, NULL, &doc, &err), ==, MB_EINVAL);
    snprintf(expected, sizeof expected,
             "%s: line 3, column 3: expected ',' or '}' after object member, found '\"'", path);
    CHECK_STR(err.message, expected);
    CHECK_INT(err.line, ==, 3);
    CHECK_INT(err.column, ==, 3);
    CHECK(doc == NULL);
    remove(path);

    /* Files whose size stat does not know: a device, and /proc where present. */
    CHECK_INT(mb__json_read_file("/dev/null", 0, &text, &len, &err), ==, 0);
    CHECK(text && len == 0);
    free(text);
    if (access("/proc/self/maps", R_OK) == 0) {
        CHECK_INT(mb__json_read_file("/proc/self/maps", 0, &text, &len, &err), ==, 0);
        CHECK(len > 100 && strlen(text) == len);
        free(text);
        CHECK_INT(mb__json_read_file("/proc/self/maps", 100, &text, &len, &err), ==, MB_EINVAL);
        CHECK_STR(err.message, "/proc/self/maps: file is larger than the limit of 100 bytes");
    }

    snprintf(path, sizeof path, "%s/hundred.json", dir);
    remove(path);
    snprintf(path, sizeof path, "%s/empty.json", dir);
    remove(path);
    CHECK_INT(rmdir(dir), ==, 0);
}

/* ---- Accessors ----------------------------------------------------------------------- */

static void test_accessors(void)
{
    static const char text[] = "{\"n\": 1.5, \"i\": 42, \"big\": 9007199254740992, \"neg\": -1,"
                               " \"frac\": 2.5, \"s\": \"x\", \"b\": true, \"nul\": null,"
                               " \"a\": [1, \"two\"], \"o\": {}, \"max\": 9007199254740991}";
    mb__json_doc *doc = parse_ok(text);
    if (!doc)
        return;
    const mb__json_value *root = mb__json_root(doc), *v;
    mb__json_error err;
    double d = 0;
    uint64_t u = 0;
    int flag = 0;
    const char *s = NULL;

    CHECK_INT(mb__json_get_number(root, "n", &d, &err), ==, 0);
    CHECK_NEAR(d, 1.5, 0, 0);
    CHECK_INT(mb__json_get_number(root, "s", &d, &err), ==, MB_EINVAL);
    CHECK_STR(err.message, "line 1, column 75: member \"s\" must be a number, not a string");
    CHECK_INT(err.line, ==, 1);
    CHECK_INT(err.column, ==, 75);
    CHECK_NEAR(d, 1.5, 0, 0); /* left alone */
    CHECK_INT(mb__json_get_number(root, "zzz", &d, &err), ==, MB_EINVAL);
    CHECK_STR(err.message, "line 1, column 1: missing member \"zzz\"");
    CHECK_INT(mb__json_get_number_or_null(root, "nul", &d, &err), ==, 0);
    CHECK(isnan(d));
    CHECK_INT(mb__json_get_number_or_null(root, "n", &d, &err), ==, 0);
    CHECK_NEAR(d, 1.5, 0, 0);
    CHECK_INT(mb__json_get_number_or_null(root, "b", &d, &err), ==, MB_EINVAL);
    CHECK_STR(err.message,
              "line 1, column 85: member \"b\" must be a number or null, not a boolean");

    CHECK_INT(mb__json_get_uint(root, "i", &u, &err), ==, 0);
    CHECK_INT(u, ==, 42);
    CHECK_INT(mb__json_get_uint(root, "max", &u, &err), ==, 0);
    CHECK(u == 9007199254740991u);
    static const char *const not_uint[] = {"big", "neg", "frac"};
    for (size_t i = 0; i < COUNT_OF(not_uint); i++) {
        char expected[128];
        CHECK_INT(mb__json_get_uint(root, not_uint[i], &u, &err), ==, MB_EINVAL);
        snprintf(expected, sizeof expected, "member \"%s\" must be an integer from 0 to 2^53 - 1",
                 not_uint[i]);
        CHECK(strstr(err.message, expected) != NULL);
    }
    CHECK_INT(mb__json_get_uint(root, "s", &u, &err), ==, MB_EINVAL);
    CHECK(strstr(err.message, "member \"s\" must be a number, not a string") != NULL);

    CHECK_INT(mb__json_get_bool(root, "b", &flag, &err), ==, 0);
    CHECK_INT(flag, ==, 1);
    CHECK_INT(mb__json_get_bool(root, "nul", &flag, &err), ==, MB_EINVAL);
    CHECK(strstr(err.message, ": member \"nul\" must be a boolean, not null") != NULL);
    CHECK_INT(mb__json_get_string(root, "s", &s, &err), ==, 0);
    CHECK_STR(s, "x");
    CHECK_INT(mb__json_get_string(root, "a", &s, &err), ==, MB_EINVAL);
    CHECK(strstr(err.message, "member \"a\" must be a string, not an array") != NULL);
    CHECK_INT(mb__json_get_array(root, "a", &v, &err), ==, 0);
    CHECK_INT(v->len, ==, 2);
    CHECK_INT(mb__json_as_number(mb__json_at(v, 0), "item 0 of \"a\"", &d, &err), ==, 0);
    CHECK_NEAR(d, 1, 0, 0);
    CHECK_INT(mb__json_as_number(mb__json_at(v, 1), "item 1 of \"a\"", &d, &err), ==, MB_EINVAL);
    CHECK_STR(err.message, "line 1, column 113: item 1 of \"a\" must be a number, not a string");
    CHECK_INT(mb__json_as_number(mb__json_at(v, 2), "item 2 of \"a\"", &d, &err), ==, MB_EINVAL);
    CHECK_STR(err.message, "missing item 2 of \"a\"");
    CHECK_INT(err.line, ==, 0);
    CHECK_INT(mb__json_as_number(mb__json_at(v, 1), NULL, &d, &err), ==, MB_EINVAL);
    CHECK_STR(err.message, "line 1, column 113: value must be a number, not a string");
    CHECK_INT(mb__json_get_object(root, "o", &v, &err), ==, 0);
    CHECK_INT(v->kind, ==, MB__JSON_OBJECT);
    CHECK_INT(mb__json_get_object(root, "a", &v, &err), ==, MB_EINVAL);
    CHECK(strstr(err.message, "member \"a\" must be an object, not an array") != NULL);

    CHECK_INT(mb__json_get_member(root, "o", &v, &err), ==, 0);
    CHECK(v == mb__json_get(root, "o"));
    CHECK_INT(mb__json_get_member(mb__json_get(root, "a"), "x", &v, &err), ==, MB_EINVAL);
    CHECK_STR(err.message,
              "line 1, column 109: expected an object with member \"x\", found an array");
    CHECK_INT(mb__json_get_number(NULL, "x", &d, &err), ==, MB_EINVAL);
    CHECK_STR(err.message, "missing member \"x\"");
    CHECK_INT(mb__json_get_number(root, "s", &d, NULL), ==, MB_EINVAL); /* err may be NULL */
    CHECK_INT(mb__json_expect(root, MB__JSON_OBJECT, "root", &err), ==, 0);
    CHECK_INT(mb__json_expect(root, MB__JSON_ARRAY, "the document", &err), ==, MB_EINVAL);
    CHECK_STR(err.message, "line 1, column 1: the document must be an array, not an object");

    CHECK_STR(mb__json_kind_name(MB__JSON_NULL), "null");
    CHECK_STR(mb__json_kind_name(MB__JSON_BOOL), "a boolean");
    CHECK_STR(mb__json_kind_name(MB__JSON_NUMBER), "a number");
    CHECK_STR(mb__json_kind_name(MB__JSON_STRING), "a string");
    CHECK_STR(mb__json_kind_name(MB__JSON_ARRAY), "an array");
    CHECK_STR(mb__json_kind_name(MB__JSON_OBJECT), "an object");
    mb__json_free(doc);
}

/* ---- Allocation failure -------------------------------------------------------------- */

typedef struct failing_allocator {
    int allocations_left;
    long live;
} failing_allocator;

static void *failing_realloc(void *user, void *ptr, size_t size)
{
    failing_allocator *a = user;
    if (size == 0) {
        if (ptr)
            a->live--;
        free(ptr);
        return NULL;
    }
    if (a->allocations_left-- <= 0)
        return NULL;
    void *moved = realloc(ptr, size);
    if (moved && !ptr)
        a->live++;
    return moved;
}

/* The k-th allocation fails, for every k until the parse needs no more: MB_ENOMEM each time,
 * and nothing leaks. */
static void test_out_of_memory(void)
{
    size_t len;
    char *golden = read_source_file("golden/emit_json.txt", &len);
    if (!golden)
        return;
    mb__json_options opt;
    mb__json_options_init(&opt);
    opt.realloc_fn = failing_realloc;
    int k, bad = 0;
    for (k = 0; k < 10000; k++) {
        failing_allocator a = {k, 0};
        opt.alloc_user = &a;
        mb__json_doc *doc;
        mb__json_error err;
        int rc = mb__json_parse(golden, len, &opt, &doc, &err);
        if (rc == 0) {
            CHECK(doc != NULL && mb__json_root(doc)->kind == MB__JSON_OBJECT);
            mb__json_free(doc);
            CHECK_INT(a.live, ==, 0);
            break;
        }
        if (rc != MB_ENOMEM || doc != NULL || a.live != 0 || strcmp(err.message, "out of memory"))
            bad++;
    }
    CHECK_INT(bad, ==, 0);
    CHECK(k > 3 && k < 10000); /* the document, the parser, stacks, arena blocks */
    free(golden);
}

/* ---- Locale -------------------------------------------------------------------------- */

/* Under a German locale strtod would stop at the '.' of "0.5"; the reader must not care, and
 * must leave the caller's locale as it found it, global or per thread. */
static void test_locale(void)
{
    if (!setlocale(LC_ALL, "de_DE.UTF-8")) {
        fprintf(stderr, "locale: de_DE.UTF-8 not installed, skipped\n");
        return;
    }
    CHECK_STR(localeconv()->decimal_point, ",");
    CHECK_NEAR(strtod("0.5", NULL), 0, 0, 0); /* the trap the reader avoids */
    EXPECT_NUMBER("0.5", 0.5);
    EXPECT_NUMBER("-1.25e-3", -1.25e-3);
    EXPECT_NUMBER("2.4703282292062328e-324", 0x1p-1074);
    mb__json_doc *doc = parse_ok("[1.5, 2.25, {\"x\": 0.125}]");
    if (doc) {
        CHECK_NEAR(mb__json_at(mb__json_root(doc), 1)->u.number, 2.25, 0, 0);
        mb__json_free(doc);
    }
    EXPECT_ERROR("1,5", 1, 2, "expected end of input after the value, found ','");
    CHECK_STR(localeconv()->decimal_point, ",");

    /* A thread locale installed with uselocale is restored too. */
    locale_t german = newlocale(LC_ALL_MASK, "de_DE.UTF-8", (locale_t)0);
    CHECK(german != (locale_t)0);
    if (german) {
        setlocale(LC_ALL, "C");
        locale_t before = uselocale(german);
        EXPECT_NUMBER("0.75", 0.75);
        CHECK(uselocale((locale_t)0) == german);
        CHECK_STR(localeconv()->decimal_point, ",");
        uselocale(before);
        freelocale(german);
    }
    setlocale(LC_ALL, "C");
}

int main(void)
{
    test_scalars();
    test_nested();
    test_number_values();
    test_number_errors();
    test_number_round_trips();
    test_strings();
    test_structure_errors();
    test_duplicate_keys();
    test_depth();
    test_size_limit();
    test_truncation();
    test_result_file();
    test_files();
    test_accessors();
    test_out_of_memory();
    test_locale(); /* last: the tests above print with the C locale */
    return CHECK_DONE();
}
