/*
 * libFuzzer target for lib/results/json_read.c. Each input is parsed; an accepted document is
 * walked whole, its invariants checked (finite numbers, strings that are valid UTF-8 with strlen
 * equal to their length, unique keys, lookups that find every member, sane positions), and
 * it is written back canonically and parsed again, which must give the same tree bit for
 * bit; a document that is a single number must read as strtod reads it. Every input is also parsed
 * once more with an allocator that fails after a few allocations (chosen by the input), which must
 * give MB_ENOMEM or the same verdict, and leak nothing. A broken invariant aborts, which libFuzzer
 * reports with the input.
 */
#include "json_read.h"
#include "microbe.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond)                                                                              \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_json_read: %s:%d: %s\n", __FILE__, __LINE__, #cond);             \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* Inputs above this are refused by the parser's size check, which is then exercised too. */
#define FUZZ_MAX_BYTES ((size_t)1 << 20)

/* ---- Invariants ---------------------------------------------------------------------- */

/* Whether s[0, len) is valid UTF-8, checked by decoding each code point (an approach
 * independent of the parser's table-driven check). */
static int valid_utf8(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned long cp;
        size_t n;
        if (s[i] < 0x80) {
            cp = s[i];
            n = 1;
        } else if ((s[i] & 0xE0) == 0xC0) {
            cp = s[i] & 0x1Fu;
            n = 2;
        } else if ((s[i] & 0xF0) == 0xE0) {
            cp = s[i] & 0x0Fu;
            n = 3;
        } else if ((s[i] & 0xF8) == 0xF0) {
            cp = s[i] & 0x07u;
            n = 4;
        } else {
            return 0;
        }
        if (len - i < n)
            return 0;
        for (size_t k = 1; k < n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i + k] & 0x3Fu);
        }
        static const unsigned long min_for_length[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min_for_length[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += n;
    }
    return 1;
}

static void check_string(const char *s, uint32_t len)
{
    REQUIRE(s != NULL);
    REQUIRE(strlen(s) == len);
    REQUIRE(valid_utf8((const unsigned char *)s, len));
}

static void walk(const mb__json_value *v, int depth)
{
    REQUIRE(depth <= MB__JSON_MAX_DEPTH);
    REQUIRE(v->line >= 1 && v->column >= 1);
    double d;
    uint64_t u;
    switch (v->kind) {
    case MB__JSON_NULL:
        REQUIRE(mb__json_as_number_or_null(v, "null", &d, NULL) == 0 && isnan(d));
        break;
    case MB__JSON_BOOL: REQUIRE(v->u.boolean == 0 || v->u.boolean == 1); break;
    case MB__JSON_NUMBER:
        REQUIRE(isfinite(v->u.number));
        if (mb__json_as_uint(v, "number", &u, NULL) == 0)
            REQUIRE((double)u == v->u.number);
        break;
    case MB__JSON_STRING: check_string(v->u.string, v->len); break;
    case MB__JSON_ARRAY:
        REQUIRE(v->len == 0 || v->u.items != NULL);
        for (uint32_t i = 0; i < v->len; i++) {
            REQUIRE(mb__json_at(v, i) == &v->u.items[i]);
            walk(&v->u.items[i], depth + 1);
        }
        REQUIRE(mb__json_at(v, v->len) == NULL);
        break;
    case MB__JSON_OBJECT:
        REQUIRE(v->len == 0 || v->u.members != NULL);
        for (uint32_t i = 0; i < v->len; i++) {
            const mb__json_member *m = &v->u.members[i];
            check_string(m->key, m->key_len);
            /* Lookups and uniqueness are quadratic: check the first members only. */
            if (i < 64) {
                REQUIRE(mb__json_get(v, m->key) == &m->value);
                for (uint32_t j = 0; j < i; j++)
                    REQUIRE(m->key_len != v->u.members[j].key_len ||
                            memcmp(m->key, v->u.members[j].key, m->key_len) != 0);
            }
            walk(&m->value, depth + 1);
        }
        break;
    default: REQUIRE(!"unknown kind");
    }
}

/* A document that is one number (with whitespace around it) must read as the C library's
 * strtod reads it: a correctly rounded reference, independent of the reader's fast path. */
static void check_number(const uint8_t *data, size_t size, double parsed)
{
    char *text = malloc(size + 1);
    REQUIRE(text != NULL);
    memcpy(text, data, size);
    text[size] = '\0';
    double expected = strtod(text, NULL);
    REQUIRE(memcmp(&expected, &parsed, sizeof parsed) == 0);
    free(text);
}

/* ---- Writing a tree back ------------------------------------------------------------- */

typedef struct buffer {
    char *text;
    size_t len, cap;
} buffer;

static void put(buffer *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->text = realloc(b->text, cap);
        REQUIRE(b->text != NULL);
        b->cap = cap;
    }
    memcpy(b->text + b->len, s, n);
    b->len += n;
}

static void put_string(buffer *b, const char *s, uint32_t len)
{
    put(b, "\"", 1);
    for (uint32_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        if (c < 0x20 || c == '"' || c == '\\') {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            put(b, esc, 6);
        } else {
            put(b, &s[i], 1);
        }
    }
    put(b, "\"", 1);
}

/* Canonical JSON with %.17g numbers (the fuzzer runs in the C locale). */
static void write_value(buffer *b, const mb__json_value *v)
{
    char num[40];
    switch (v->kind) {
    case MB__JSON_NULL: put(b, "null", 4); break;
    case MB__JSON_BOOL: v->u.boolean ? put(b, "true", 4) : put(b, "false", 5); break;
    case MB__JSON_NUMBER:
        put(b, num, (size_t)snprintf(num, sizeof num, "%.17g", v->u.number));
        break;
    case MB__JSON_STRING: put_string(b, v->u.string, v->len); break;
    case MB__JSON_ARRAY:
        put(b, "[", 1);
        for (uint32_t i = 0; i < v->len; i++) {
            if (i)
                put(b, ",", 1);
            write_value(b, &v->u.items[i]);
        }
        put(b, "]", 1);
        break;
    case MB__JSON_OBJECT:
        put(b, "{", 1);
        for (uint32_t i = 0; i < v->len; i++) {
            if (i)
                put(b, ",", 1);
            put_string(b, v->u.members[i].key, v->u.members[i].key_len);
            put(b, ":", 1);
            write_value(b, &v->u.members[i].value);
        }
        put(b, "}", 1);
        break;
    }
}

static int same_tree(const mb__json_value *a, const mb__json_value *b)
{
    if (a->kind != b->kind || a->len != b->len)
        return 0;
    switch (a->kind) {
    case MB__JSON_NULL: return 1;
    case MB__JSON_BOOL: return a->u.boolean == b->u.boolean;
    case MB__JSON_NUMBER: return memcmp(&a->u.number, &b->u.number, sizeof(double)) == 0;
    case MB__JSON_STRING: return memcmp(a->u.string, b->u.string, a->len + 1) == 0;
    case MB__JSON_ARRAY:
        for (uint32_t i = 0; i < a->len; i++)
            if (!same_tree(&a->u.items[i], &b->u.items[i]))
                return 0;
        return 1;
    case MB__JSON_OBJECT:
        for (uint32_t i = 0; i < a->len; i++) {
            const mb__json_member *ma = &a->u.members[i], *mb = &b->u.members[i];
            if (ma->key_len != mb->key_len || memcmp(ma->key, mb->key, ma->key_len) != 0 ||
                !same_tree(&ma->value, &mb->value))
                return 0;
        }
        return 1;
    }
    return 0;
}

/* ---- An allocator that fails ---------------------------------------------------------- */

typedef struct failing_allocator {
    int allocations_left;
    long live; /* blocks allocated and not freed */
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

/* ---- Entry point --------------------------------------------------------------------- */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mb__json_options opt;
    mb__json_options_init(&opt);
    opt.max_bytes = FUZZ_MAX_BYTES;
    mb__json_doc *doc;
    mb__json_error err;
    int rc = mb__json_parse((const char *)data, size, &opt, &doc, &err);
    REQUIRE(rc == 0 || rc == MB_EINVAL);
    if (rc < 0) {
        REQUIRE(doc == NULL && err.code == rc && strchr(err.message, '\n') == NULL);
        REQUIRE(err.line > 0 || size > FUZZ_MAX_BYTES);
    } else {
        walk(mb__json_root(doc), 0);
        if (mb__json_root(doc)->kind == MB__JSON_NUMBER)
            check_number(data, size, mb__json_root(doc)->u.number);
        buffer out = {0};
        write_value(&out, mb__json_root(doc));
        mb__json_doc *again;
        int rc2 = mb__json_parse(out.text, out.len, &opt, &again, &err);
        if (rc2 != 0 && out.len <= FUZZ_MAX_BYTES) {
            fprintf(stderr, "canonical form rejected: %s\n", err.message);
            REQUIRE(rc2 == 0);
        }
        if (rc2 == 0) {
            REQUIRE(same_tree(mb__json_root(doc), mb__json_root(again)));
            mb__json_free(again);
        }
        free(out.text);
        mb__json_free(doc);
    }

    failing_allocator fa = {size ? data[size - 1] % 16 : 0, 0};
    opt.realloc_fn = failing_realloc;
    opt.alloc_user = &fa;
    int rc3 = mb__json_parse((const char *)data, size, &opt, &doc, &err);
    REQUIRE(rc3 == rc || rc3 == MB_ENOMEM);
    REQUIRE((rc3 == 0) == (doc != NULL));
    mb__json_free(doc);
    REQUIRE(fa.live == 0);
    return 0;
}
