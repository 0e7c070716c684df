/*
 * The strict JSON reader of json_read.h: an iterative parser that builds the tree in an
 * arena, the file reader, and the validating accessors.
 *
 * The parser keeps an explicit stack of open arrays and objects (at most MB__JSON_MAX_DEPTH)
 * instead of recursing. The children of every open container wait on one of two growable
 * stacks (items for arrays, member slots for objects); when a container closes, its children
 * are copied into the arena as one contiguous array and popped. So the tree is exact-sized
 * and indexable, and the stacks hold only the children of the containers still open.
 *
 * Positions are computed on demand from byte offsets by a cursor that only moves forward
 * while parsing (values start in input order), so they cost one pass over the input in all;
 * an error before the cursor rescans from the start, once.
 */
#define _POSIX_C_SOURCE 200809L

#include "json_read.h"
#include "microbe.h"
#include "numbers.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif

/* ---- Errors -------------------------------------------------------------------------- */

static int set_error(mb__json_error *err, int code, uint32_t line, uint32_t column, const char *fmt,
                     ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* Fills err (when not NULL) and returns code; with a line, the message starts with it. */
static int set_error(mb__json_error *err, int code, uint32_t line, uint32_t column, const char *fmt,
                     ...)
{
    if (!err)
        return code;
    err->code = code;
    err->line = line;
    err->column = column;
    size_t used = 0;
    if (line) {
        int n = snprintf(err->message, sizeof err->message,
                         "line %lu, column %lu: ", (unsigned long)line, (unsigned long)column);
        used = n > 0 ? (size_t)n : 0;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message + used, sizeof err->message - used, fmt, ap);
    va_end(ap);
    return code;
}

/* Puts "path: " in front of err's message, keeping what fits. */
static void prefix_path(mb__json_error *err, const char *path)
{
    if (!err)
        return;
    char rest[sizeof err->message];
    memcpy(rest, err->message, sizeof rest);
    int n = snprintf(err->message, sizeof err->message, "%s: ", path);
    if (n < 0 || (size_t)n >= sizeof err->message)
        return;
    size_t room = sizeof err->message - (size_t)n - 1;
    size_t len = strlen(rest) < room ? strlen(rest) : room;
    memcpy(err->message + n, rest, len);
    err->message[(size_t)n + len] = '\0';
}

/* ---- The arena ----------------------------------------------------------------------- */

/* Blocks grow from 4 KiB to 1 MiB so that small documents stay small and large ones need
 * few blocks. A request above a quarter of the next block's size gets a block of its own,
 * linked behind the current one, so that at most a quarter of any block is wasted. */
#define ARENA_FIRST_BLOCK_BYTES ((size_t)4 << 10)
#define ARENA_MAX_BLOCK_BYTES ((size_t)1 << 20)

typedef struct arena_block {
    struct arena_block *next;
    size_t size; /* bytes of data */
    size_t used;
    max_align_t data[]; /* aligned for anything */
} arena_block;

struct mb__json_doc {
    mb__json_value root;
    arena_block *blocks; /* the first one is the one allocations come from */
    size_t next_block_bytes;
    void *(*realloc_fn)(void *user, void *ptr, size_t size);
    void *alloc_user;
};

static void *default_realloc(void *user, void *ptr, size_t size)
{
    (void)user;
    if (size == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, size);
}

static arena_block *new_block(mb__json_doc *doc, size_t size)
{
    if (size > SIZE_MAX - sizeof(arena_block))
        return NULL;
    arena_block *b = doc->realloc_fn(doc->alloc_user, NULL, sizeof(arena_block) + size);
    if (b) {
        b->next = NULL;
        b->size = size;
        b->used = 0;
    }
    return b;
}

/* size bytes aligned to align (a power of two no larger than max_align_t's), or NULL. */
static void *arena_alloc(mb__json_doc *doc, size_t size, size_t align)
{
    arena_block *b = doc->blocks;
    if (b) {
        size_t start = (b->used + align - 1) & ~(align - 1);
        if (start <= b->size && size <= b->size - start) {
            b->used = start + size;
            return (char *)b->data + start;
        }
    }
    if (size > doc->next_block_bytes / 4) {
        arena_block *own = new_block(doc, size);
        if (!own)
            return NULL;
        own->used = size;
        if (b) {
            own->next = b->next;
            b->next = own;
        } else {
            doc->blocks = own;
        }
        return own->data;
    }
    arena_block *fresh = new_block(doc, doc->next_block_bytes);
    if (!fresh)
        return NULL;
    if (doc->next_block_bytes < ARENA_MAX_BLOCK_BYTES)
        doc->next_block_bytes *= 2;
    fresh->next = b;
    fresh->used = size;
    doc->blocks = fresh;
    return fresh->data;
}

/* Gives back the end of the latest allocation (ptr, old_size) beyond new_size, when it is
 * still the last thing in the current block; otherwise the bytes stay unused. */
static void arena_shrink(mb__json_doc *doc, void *ptr, size_t old_size, size_t new_size)
{
    arena_block *b = doc->blocks;
    if (b && (char *)ptr + old_size == (char *)b->data + b->used)
        b->used -= old_size - new_size;
}

void mb__json_free(mb__json_doc *doc)
{
    if (!doc)
        return;
    arena_block *b = doc->blocks;
    while (b) {
        arena_block *next = b->next;
        doc->realloc_fn(doc->alloc_user, b, 0);
        b = next;
    }
    doc->realloc_fn(doc->alloc_user, doc, 0);
}

const mb__json_value *mb__json_root(const mb__json_doc *doc)
{
    return &doc->root;
}

/* ---- The parser's state -------------------------------------------------------------- */

/* An open array or object. */
typedef struct frame {
    mb__json_kind kind;
    uint32_t line, column; /* of its opening bracket */
    size_t first;          /* index of its first child on the items or slots stack */
} frame;

/* An object member being built, with where its key starts (for a duplicate's message). */
typedef struct member_slot {
    mb__json_member member;
    size_t key_offset;
} member_slot;

typedef struct parser {
    const unsigned char *begin, *p, *end;
    mb__json_doc *doc;
    mb__json_error *err;
    /* The position cursor: line and column of byte offset pos_offset. */
    size_t pos_offset;
    uint32_t pos_line, pos_column;
    frame frames[MB__JSON_MAX_DEPTH];
    int depth;
    mb__json_value *items;
    size_t n_items, cap_items;
    member_slot *slots;
    size_t n_slots, cap_slots;
    void *scratch; /* long numbers, and the sort of the duplicate-key check */
    size_t cap_scratch;
} parser;

static void *parser_realloc(parser *P, void *ptr, size_t size)
{
    return P->doc->realloc_fn(P->doc->alloc_user, ptr, size);
}

/* Makes room for one more element on a stack: *cap doubles (from 16). Returns the stack,
 * possibly moved, or NULL (the old one still valid) when out of memory. */
static void *grow_stack(parser *P, void *stack, size_t *cap, size_t elem_size)
{
    size_t new_cap = *cap ? *cap * 2 : 16;
    if (new_cap > SIZE_MAX / elem_size)
        return NULL;
    void *moved = parser_realloc(P, stack, new_cap * elem_size);
    if (moved)
        *cap = new_cap;
    return moved;
}

static void *scratch(parser *P, size_t size)
{
    if (size > P->cap_scratch) {
        void *moved = parser_realloc(P, P->scratch, size);
        if (!moved)
            return NULL;
        P->scratch = moved;
        P->cap_scratch = size;
    }
    return P->scratch;
}

/* Moves the cursor to offset (restarting from the beginning if it is already past it). */
static void position_at(parser *P, size_t offset, uint32_t *line, uint32_t *column)
{
    if (offset < P->pos_offset) {
        P->pos_offset = 0;
        P->pos_line = 1;
        P->pos_column = 1;
    }
    uint32_t l = P->pos_line, c = P->pos_column;
    for (const unsigned char *s = P->begin + P->pos_offset, *e = P->begin + offset; s < e; s++) {
        if (*s == '\n') {
            l++;
            c = 1;
        } else if ((*s & 0xC0) != 0x80) {
            c++; /* continuation bytes belong to the character before */
        }
    }
    P->pos_offset = offset;
    P->pos_line = l;
    P->pos_column = c;
    *line = l;
    *column = c;
}

static int fail_at(parser *P, const unsigned char *at, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Reports invalid input at byte at; returns MB_EINVAL. */
static int fail_at(parser *P, const unsigned char *at, const char *fmt, ...)
{
    uint32_t line, column;
    position_at(P, (size_t)(at - P->begin), &line, &column);
    char text[sizeof P->err->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return set_error(P->err, MB_EINVAL, line, column, "%s", text);
}

static int fail_nomem(parser *P)
{
    return set_error(P->err, MB_ENOMEM, 0, 0, "out of memory");
}

/* What stands at byte at, for "found ..." in messages. */
static const char *describe(const parser *P, const unsigned char *at, char buf[16])
{
    if (at >= P->end)
        return "end of input";
    if (*at > 0x20 && *at < 0x7f)
        snprintf(buf, 16, "'%c'", *at);
    else
        snprintf(buf, 16, "byte 0x%02x", *at);
    return buf;
}

static void skip_whitespace(parser *P)
{
    const unsigned char *s = P->p;
    while (s < P->end && (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r'))
        s++;
    P->p = s;
}

/* Whether the next byte is c (without consuming it). */
static int next_is(const parser *P, unsigned char c)
{
    return P->p < P->end && *P->p == c;
}

/* ---- Strings ------------------------------------------------------------------------- */

/* The length of the well-formed UTF-8 sequence at s (Unicode table 3-7: no overlong forms,
 * no surrogates, nothing above U+10FFFF) that ends before limit, or 0. */
static int utf8_sequence_length(const unsigned char *s, const unsigned char *limit)
{
    unsigned char lead = s[0], low = 0x80, high = 0xBF;
    int n;
    if (lead >= 0xC2 && lead <= 0xDF) {
        n = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        n = 3;
        low = lead == 0xE0 ? 0xA0 : 0x80;
        high = lead == 0xED ? 0x9F : 0xBF;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        n = 4;
        low = lead == 0xF0 ? 0x90 : 0x80;
        high = lead == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }
    if (limit - s < n || s[1] < low || s[1] > high)
        return 0;
    for (int i = 2; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return n;
}

/* The four hexadecimal digits at h (before limit) as a number, or -1. */
static long hex4(const unsigned char *h, const unsigned char *limit)
{
    if (limit - h < 4)
        return -1;
    long v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char c = h[i];
        int digit;
        if (c >= '0' && c <= '9')
            digit = c - '0';
        else if (c >= 'a' && c <= 'f')
            digit = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            digit = c - 'A' + 10;
        else
            return -1;
        v = v * 16 + digit;
    }
    return v;
}

static char *put_utf8(char *o, unsigned long cp)
{
    if (cp < 0x80) {
        *o++ = (char)cp;
    } else if (cp < 0x800) {
        *o++ = (char)(0xC0 | (cp >> 6));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *o++ = (char)(0xE0 | (cp >> 12));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *o++ = (char)(0xF0 | (cp >> 18));
        *o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    }
    return o;
}

/* Decodes the escape at s (a backslash, before limit) to o; returns the bytes of input used,
 * or a negative MB_E* code. */
static long decode_escape(parser *P, const unsigned char *s, const unsigned char *limit, char **o)
{
    static const char plain_from[] = "\"\\/bfnrt", plain_to[] = "\"\\/\b\f\n\r\t";
    const char *plain = s + 1 < limit ? strchr(plain_from, s[1]) : NULL;
    if (plain && *plain) {
        *(*o)++ = plain_to[plain - plain_from];
        return 2;
    }
    if (s + 1 >= limit || s[1] != 'u') {
        char buf[16];
        return fail_at(P, s, "invalid escape sequence: '\\' followed by %s",
                       describe(P, s + 1 < limit ? s + 1 : P->end, buf));
    }
    long cp = hex4(s + 2, limit);
    if (cp < 0)
        return fail_at(P, s, "invalid \\u escape: expected four hexadecimal digits");
    if (cp == 0)
        return fail_at(P, s, "\\u0000 is not allowed in strings");
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return fail_at(P, s, "unpaired surrogate \\u%04lX in string", cp);
    if (cp < 0xD800 || cp > 0xDBFF) {
        *o = put_utf8(*o, (unsigned long)cp);
        return 6;
    }
    long low = limit - s >= 12 && s[6] == '\\' && s[7] == 'u' ? hex4(s + 8, limit) : -1;
    if (low < 0xDC00 || low > 0xDFFF)
        return fail_at(P, s, "unpaired surrogate \\u%04lX in string", cp);
    *o = put_utf8(*o,
                  0x10000 + (((unsigned long)cp - 0xD800) << 10) + ((unsigned long)low - 0xDC00));
    return 12;
}

/* Reads the string whose opening quote is at P->p into the arena: *out (NUL-terminated) and
 * *len. Decoding never lengthens a string, so the raw length is enough room. */
static int parse_string(parser *P, const char **out, uint32_t *len)
{
    const unsigned char *open = P->p, *close = open + 1;
    for (;;) {
        if (close >= P->end || (*close == '\\' && P->end - close < 2))
            return fail_at(P, open, "unterminated string");
        if (*close == '"')
            break;
        close += *close == '\\' ? 2 : 1;
    }

    size_t room = (size_t)(close - open); /* the raw bytes and a NUL */
    char *buf = arena_alloc(P->doc, room, 1), *o = buf;
    if (!buf)
        return fail_nomem(P);
    for (const unsigned char *s = open + 1; s < close;) {
        if (*s == '\\') {
            long used = decode_escape(P, s, close, &o);
            if (used < 0)
                return (int)used;
            s += used;
        } else if (*s < 0x20) {
            return fail_at(P, s, "control character 0x%02x must be escaped in strings", *s);
        } else if (*s < 0x80) {
            *o++ = (char)*s++;
        } else {
            int n = utf8_sequence_length(s, close);
            if (n == 0)
                return fail_at(P, s, "invalid UTF-8 in string (byte 0x%02x)", *s);
            memcpy(o, s, (size_t)n);
            o += n;
            s += n;
        }
    }
    *o = '\0';
    size_t decoded = (size_t)(o - buf);
    arena_shrink(P->doc, buf, room, decoded + 1);
    *out = buf;
    *len = (uint32_t)decoded;
    P->p = close + 1;
    return 0;
}

/* ---- Numbers and literals ------------------------------------------------------------ */

static int is_digit(const parser *P, const unsigned char *s)
{
    return s < P->end && *s >= '0' && *s <= '9';
}

/* The digits at s (one at least, already checked); returns where they end. */
static const unsigned char *skip_digits(const parser *P, const unsigned char *s)
{
    while (is_digit(P, s))
        s++;
    return s;
}

/* Checks the JSON number grammar at P->p, then converts with the locale-free reader of
 * numbers.h, which gets a NUL-terminated copy (the input may end right after the number). */
static int parse_number(parser *P, double *out)
{
    const unsigned char *start = P->p, *s = start;
    char buf[16];
    if (*s == '-')
        s++;
    if (!is_digit(P, s))
        return fail_at(P, s, "expected a digit after '-', found %s", describe(P, s, buf));
    if (*s == '0' && is_digit(P, s + 1))
        return fail_at(P, start, "leading zeros are not allowed in numbers");
    s = skip_digits(P, s);
    if (s < P->end && *s == '.') {
        s++;
        if (!is_digit(P, s))
            return fail_at(P, s, "expected a digit after the decimal point, found %s",
                           describe(P, s, buf));
        s = skip_digits(P, s);
    }
    if (s < P->end && (*s == 'e' || *s == 'E')) {
        s++;
        if (s < P->end && (*s == '+' || *s == '-'))
            s++;
        if (!is_digit(P, s))
            return fail_at(P, s, "expected a digit in the exponent, found %s", describe(P, s, buf));
        s = skip_digits(P, s);
    }
    P->p = s;

    size_t n = (size_t)(s - start);
    char small[64];
    char *text = n < sizeof small ? small : scratch(P, n + 1);
    if (!text)
        return fail_nomem(P);
    memcpy(text, start, n);
    text[n] = '\0';
    int range;
    if (mb__read_double(text, out, &range) != n)
        return fail_at(P, start, "number not understood: no memory for the \"C\" locale");
    if (range && isinf(*out))
        return fail_at(P, start, "number out of range: its magnitude is too large for a double");
    return 0;
}

static int parse_literal(parser *P, const char *word, size_t n)
{
    if ((size_t)(P->end - P->p) < n || memcmp(P->p, word, n) != 0)
        return fail_at(P, P->p, "invalid literal: expected '%s'", word);
    P->p += n;
    return 0;
}

/* ---- Containers ---------------------------------------------------------------------- */

static int same_key(const mb__json_member *a, const mb__json_member *b)
{
    return a->key_len == b->key_len && memcmp(a->key, b->key, a->key_len) == 0;
}

/* Orders slots by key, then by position, so that equal keys are adjacent in input order. */
static int compare_slots(const void *pa, const void *pb)
{
    const member_slot *a = *(const member_slot *const *)pa;
    const member_slot *b = *(const member_slot *const *)pb;
    if (a->member.key_len != b->member.key_len)
        return a->member.key_len < b->member.key_len ? -1 : 1;
    int c = memcmp(a->member.key, b->member.key, a->member.key_len);
    if (c != 0)
        return c;
    return a < b ? -1 : a > b;
}

/* The key for a message: quotes and backslashes escaped, control characters as '?', cut
 * at a character boundary after about 40 bytes. */
static void quote_key(char *buf, size_t size, const mb__json_member *m)
{
    size_t o = 0, i = 0;
    for (; i < m->key_len && o + 8 < size && i < 40; i++) {
        unsigned char c = (unsigned char)m->key[i];
        if (c == '"' || c == '\\')
            buf[o++] = '\\';
        buf[o++] = (char)(c < 0x20 || c == 0x7f ? '?' : c);
    }
    while (i < m->key_len && o > 0 && ((unsigned char)m->key[i] & 0xC0) == 0x80) {
        i--; /* do not cut a character in two */
        o--;
    }
    if (i < m->key_len) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o] = '\0';
}

/* Rejects an object whose members slots[first, first + n) repeat a key, naming the earliest
 * repetition. Small objects compare every pair; larger ones sort, so that a hostile object
 * with many members costs O(n log n), not O(n^2). */
static int check_duplicate_keys(parser *P, size_t first, size_t n)
{
    if (n < 2)
        return 0;
    const member_slot *s = P->slots + first;
    size_t dup = SIZE_MAX;
    if (n <= 16) {
        for (size_t j = 1; j < n && dup == SIZE_MAX; j++)
            for (size_t i = 0; i < j; i++)
                if (same_key(&s[i].member, &s[j].member)) {
                    dup = j;
                    break;
                }
    } else {
        if (n > SIZE_MAX / sizeof(member_slot *))
            return fail_nomem(P);
        /* An array of pointers: sizeof *sorted is meant to be a pointer's size. */
        const member_slot **sorted =
            scratch(P, n * sizeof *sorted); /* NOLINT(bugprone-sizeof-expression) */
        if (!sorted)
            return fail_nomem(P);
        for (size_t i = 0; i < n; i++)
            sorted[i] = &s[i];
        qsort(sorted, n, sizeof *sorted, compare_slots); /* NOLINT(bugprone-sizeof-expression) */
        for (size_t k = 1; k < n; k++) {
            size_t later = (size_t)(sorted[k] - s);
            if (later < dup && same_key(&sorted[k - 1]->member, &sorted[k]->member))
                dup = later;
        }
    }
    if (dup == SIZE_MAX)
        return 0;
    char key[64];
    quote_key(key, sizeof key, &s[dup].member);
    return fail_at(P, P->begin + s[dup].key_offset, "duplicate key \"%s\" in object", key);
}

/* Closes the innermost container (its closing bracket already consumed) into *v. */
static int close_container(parser *P, mb__json_value *v)
{
    const frame *f = &P->frames[P->depth - 1];
    *v = (mb__json_value){.kind = f->kind, .line = f->line, .column = f->column};
    if (f->kind == MB__JSON_ARRAY) {
        size_t n = P->n_items - f->first;
        if (n > 0) {
            mb__json_value *items =
                arena_alloc(P->doc, n * sizeof *items, _Alignof(mb__json_value));
            if (!items)
                return fail_nomem(P);
            memcpy(items, P->items + f->first, n * sizeof *items);
            v->u.items = items;
        }
        v->len = (uint32_t)n;
        P->n_items = f->first;
    } else {
        size_t n = P->n_slots - f->first;
        int rc = check_duplicate_keys(P, f->first, n);
        if (rc < 0)
            return rc;
        if (n > 0) {
            mb__json_member *members =
                arena_alloc(P->doc, n * sizeof *members, _Alignof(mb__json_member));
            if (!members)
                return fail_nomem(P);
            for (size_t i = 0; i < n; i++)
                members[i] = P->slots[f->first + i].member;
            v->u.members = members;
        }
        v->len = (uint32_t)n;
        P->n_slots = f->first;
    }
    P->depth--;
    return 0;
}

/* Reads an object key and its colon (P->p after whitespace), pushing a member slot. */
static int parse_key(parser *P)
{
    char buf[16];
    if (!next_is(P, '"'))
        return fail_at(P, P->p, "expected a string as object key, found %s",
                       describe(P, P->p, buf));
    if (P->n_slots == P->cap_slots) {
        member_slot *moved = grow_stack(P, P->slots, &P->cap_slots, sizeof *moved);
        if (!moved)
            return fail_nomem(P);
        P->slots = moved;
    }
    member_slot *slot = &P->slots[P->n_slots];
    slot->key_offset = (size_t)(P->p - P->begin);
    int rc = parse_string(P, &slot->member.key, &slot->member.key_len);
    if (rc < 0)
        return rc;
    P->n_slots++;
    skip_whitespace(P);
    if (!next_is(P, ':'))
        return fail_at(P, P->p, "expected ':' after object key, found %s", describe(P, P->p, buf));
    P->p++;
    return 0;
}

/* Opens the array or object at P->p. Returns 1 when it now waits for its first item (or
 * member's value), 0 when it was empty and is already closed into *v, or an error. */
static int open_container(parser *P, mb__json_value *v)
{
    if (P->depth == MB__JSON_MAX_DEPTH)
        return fail_at(P, P->p, "nesting deeper than %d levels of arrays and objects",
                       MB__JSON_MAX_DEPTH);
    frame *f = &P->frames[P->depth++];
    f->kind = *P->p == '[' ? MB__JSON_ARRAY : MB__JSON_OBJECT;
    f->line = v->line;
    f->column = v->column;
    f->first = f->kind == MB__JSON_ARRAY ? P->n_items : P->n_slots;
    P->p++;
    skip_whitespace(P);
    if (next_is(P, f->kind == MB__JSON_ARRAY ? ']' : '}')) {
        P->p++;
        return close_container(P, v);
    }
    if (f->kind == MB__JSON_OBJECT) {
        int rc = parse_key(P);
        if (rc < 0)
            return rc;
    }
    return 1;
}

/* Reads a value at P->p (after whitespace). Returns 0 with a complete value in *v, 1 when
 * it opened a container that now waits for its first child, or an error. */
static int parse_value(parser *P, mb__json_value *v)
{
    char buf[16];
    skip_whitespace(P);
    *v = (mb__json_value){.kind = MB__JSON_NULL};
    position_at(P, (size_t)(P->p - P->begin), &v->line, &v->column);
    if (P->p == P->end)
        return fail_at(P, P->p, "expected a value, found end of input");
    switch (*P->p) {
    case '[':
    case '{': return open_container(P, v);
    case '"': v->kind = MB__JSON_STRING; return parse_string(P, &v->u.string, &v->len);
    case 't':
        v->kind = MB__JSON_BOOL;
        v->u.boolean = 1;
        return parse_literal(P, "true", 4);
    case 'f': v->kind = MB__JSON_BOOL; return parse_literal(P, "false", 5);
    case 'n': return parse_literal(P, "null", 4);
    default:
        if (*P->p == '-' || (*P->p >= '0' && *P->p <= '9')) {
            v->kind = MB__JSON_NUMBER;
            return parse_number(P, &v->u.number);
        }
        return fail_at(P, P->p, "expected a value, found %s", describe(P, P->p, buf));
    }
}

/* Adds the complete value *v to the innermost container and reads what follows it. Returns
 * 0 when the container waits for its next child, 1 when the container closed (and *v is
 * now the container), or an error. */
static int attach(parser *P, mb__json_value *v)
{
    char buf[16];
    frame *f = &P->frames[P->depth - 1];
    if (f->kind == MB__JSON_ARRAY) {
        if (P->n_items == P->cap_items) {
            mb__json_value *moved = grow_stack(P, P->items, &P->cap_items, sizeof *moved);
            if (!moved)
                return fail_nomem(P);
            P->items = moved;
        }
        P->items[P->n_items++] = *v;
    } else {
        P->slots[P->n_slots - 1].member.value = *v;
    }
    char closing = f->kind == MB__JSON_ARRAY ? ']' : '}';
    skip_whitespace(P);
    if (next_is(P, ',')) {
        P->p++;
        skip_whitespace(P);
        if (next_is(P, closing))
            return fail_at(P, P->p, "trailing comma before '%c'", closing);
        return f->kind == MB__JSON_OBJECT ? parse_key(P) : 0;
    }
    if (next_is(P, closing)) {
        P->p++;
        int rc = close_container(P, v);
        return rc < 0 ? rc : 1;
    }
    if (f->kind == MB__JSON_ARRAY)
        return fail_at(P, P->p, "expected ',' or ']' after array item, found %s",
                       describe(P, P->p, buf));
    return fail_at(P, P->p, "expected ',' or '}' after object member, found %s",
                   describe(P, P->p, buf));
}

static int parse_document(parser *P)
{
    char buf[16];
    if (P->end - P->p >= 3 && memcmp(P->p, "\xEF\xBB\xBF", 3) == 0)
        return fail_at(P, P->p, "byte order mark at the start of the input (not allowed)");
    for (;;) {
        mb__json_value v;
        int rc = parse_value(P, &v);
        if (rc < 0)
            return rc;
        if (rc == 1)
            continue; /* a container opened: read its first child */
        /* A complete value: attach it, and every container it completes in turn. */
        do {
            if (P->depth == 0) {
                P->doc->root = v;
                skip_whitespace(P);
                if (P->p != P->end)
                    return fail_at(P, P->p, "expected end of input after the value, found %s",
                                   describe(P, P->p, buf));
                return 0;
            }
            rc = attach(P, &v);
            if (rc < 0)
                return rc;
        } while (rc == 1);
    }
}

void mb__json_options_init(mb__json_options *opt)
{
    *opt = (mb__json_options){0};
}

static size_t effective_max_bytes(size_t max_bytes)
{
    if (max_bytes == 0)
        return MB__JSON_DEFAULT_MAX_BYTES;
    return max_bytes < MB__JSON_MAX_BYTES_LIMIT ? max_bytes : MB__JSON_MAX_BYTES_LIMIT;
}

int mb__json_parse(const char *text, size_t len, const mb__json_options *opt, mb__json_doc **out,
                   mb__json_error *err)
{
    mb__json_options defaults;
    if (!opt) {
        mb__json_options_init(&defaults);
        opt = &defaults;
    }
    *out = NULL;
    size_t max_bytes = effective_max_bytes(opt->max_bytes);
    if (!text && len > 0)
        return set_error(err, MB_EINVAL, 0, 0, "no input text");
    if (len > max_bytes)
        return set_error(err, MB_EINVAL, 0, 0,
                         "input is %zu bytes, more than the limit of %zu bytes", len, max_bytes);

    void *(*realloc_fn)(void *, void *, size_t) =
        opt->realloc_fn ? opt->realloc_fn : default_realloc;
    mb__json_doc *doc = realloc_fn(opt->alloc_user, NULL, sizeof *doc);
    if (!doc)
        return set_error(err, MB_ENOMEM, 0, 0, "out of memory");
    *doc = (mb__json_doc){.next_block_bytes = ARENA_FIRST_BLOCK_BYTES,
                          .realloc_fn = realloc_fn,
                          .alloc_user = opt->alloc_user};

    mb__json_error ignored = {0};
    parser *P = realloc_fn(opt->alloc_user, NULL, sizeof *P);
    int rc;
    if (P) {
        const unsigned char *begin = (const unsigned char *)(text ? text : "");
        *P = (parser){.begin = begin,
                      .p = begin,
                      .end = begin + len,
                      .doc = doc,
                      .err = err ? err : &ignored,
                      .pos_line = 1,
                      .pos_column = 1};
        rc = parse_document(P);
        realloc_fn(opt->alloc_user, P->items, 0);
        realloc_fn(opt->alloc_user, P->slots, 0);
        realloc_fn(opt->alloc_user, P->scratch, 0);
        realloc_fn(opt->alloc_user, P, 0);
    } else {
        rc = set_error(err, MB_ENOMEM, 0, 0, "out of memory");
    }

    if (rc < 0) {
        mb__json_free(doc);
        return rc;
    }
    if (err)
        *err = (mb__json_error){0};
    *out = doc;
    return 0;
}

/* ---- Files --------------------------------------------------------------------------- */

static int file_error(mb__json_error *err, int code, const char *path, const char *what, int errnum)
{
    set_error(err, code, 0, 0, "%s: %s: %s", path, what, strerror(errnum));
    errno = errnum;
    return code;
}

static int too_large(mb__json_error *err, const char *path, size_t max_bytes)
{
    return set_error(err, MB_EINVAL, 0, 0, "%s: file is larger than the limit of %zu bytes", path,
                     max_bytes);
}

/* Reads fd to its end into *text, refusing more than max_bytes. */
static int read_all(int fd, const struct stat *st, const char *path, size_t max_bytes, char **text,
                    size_t *len, mb__json_error *err)
{
    /* Room for a regular file's whole size and one more byte, so that its end is seen
     * without growing; other files (pipes, /proc with its size 0) grow from 64 KiB. Never beyond
     * max_bytes + 1: reading that many proves the file too large. */
    size_t cap = 65536;
    if (S_ISREG(st->st_mode) && st->st_size > 0) {
        if ((uintmax_t)st->st_size > max_bytes)
            return too_large(err, path, max_bytes);
        cap = (size_t)st->st_size + 1;
    }
    if (cap > max_bytes + 1)
        cap = max_bytes + 1;
    char *buf = malloc(cap + 1);
    if (!buf)
        return set_error(err, MB_ENOMEM, 0, 0, "%s: out of memory", path);
    size_t used = 0;
    for (;;) {
        if (used == cap) {
            if (used > max_bytes) {
                free(buf);
                return too_large(err, path, max_bytes);
            }
            size_t new_cap = cap <= (max_bytes + 1) / 2 ? cap * 2 : max_bytes + 1;
            char *moved = realloc(buf, new_cap + 1);
            if (!moved) {
                free(buf);
                return set_error(err, MB_ENOMEM, 0, 0, "%s: out of memory", path);
            }
            buf = moved;
            cap = new_cap;
        }
        ssize_t n = read(fd, buf + used, cap - used);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int errnum = errno;
            free(buf);
            return file_error(err, MB_EIO, path, "cannot read", errnum);
        }
        if (n == 0)
            break;
        used += (size_t)n;
    }
    if (used > max_bytes) {
        free(buf);
        return too_large(err, path, max_bytes);
    }
    buf[used] = '\0';
    *text = buf;
    *len = used;
    return 0;
}

int mb__json_read_file(const char *path, size_t max_bytes, char **text, size_t *len,
                       mb__json_error *err)
{
    *text = NULL;
    *len = 0;
    if (!path)
        return set_error(err, MB_EINVAL, 0, 0, "no file name");
    max_bytes = effective_max_bytes(max_bytes);
    int fd;
    do
        fd = open(path, O_RDONLY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return file_error(err, MB_EIO, path, "cannot open", errno);
    struct stat st;
    int rc;
    if (fstat(fd, &st) != 0)
        rc = file_error(err, MB_EIO, path, "cannot read", errno);
    else if (S_ISDIR(st.st_mode))
        rc = file_error(err, MB_EIO, path, "cannot read", EISDIR);
    else
        rc = read_all(fd, &st, path, max_bytes, text, len, err);
    int saved_errno = errno;
    close(fd);
    errno = saved_errno;
    return rc;
}

int mb__json_parse_file(const char *path, const mb__json_options *opt, mb__json_doc **out,
                        mb__json_error *err)
{
    char *text;
    size_t len;
    *out = NULL;
    int rc = mb__json_read_file(path, opt ? opt->max_bytes : 0, &text, &len, err);
    if (rc < 0)
        return rc;
    rc = mb__json_parse(text, len, opt, out, err);
    free(text);
    if (rc < 0)
        prefix_path(err, path);
    return rc;
}

/* ---- Looking things up --------------------------------------------------------------- */

const char *mb__json_kind_name(mb__json_kind kind)
{
    switch (kind) {
    case MB__JSON_NULL: return "null";
    case MB__JSON_BOOL: return "a boolean";
    case MB__JSON_NUMBER: return "a number";
    case MB__JSON_STRING: return "a string";
    case MB__JSON_ARRAY: return "an array";
    case MB__JSON_OBJECT: return "an object";
    }
    return "an unknown kind of value";
}

const mb__json_value *mb__json_get(const mb__json_value *obj, const char *key)
{
    if (!obj || obj->kind != MB__JSON_OBJECT || !key)
        return NULL;
    size_t key_len = strlen(key);
    for (uint32_t i = 0; i < obj->len; i++) {
        const mb__json_member *m = &obj->u.members[i];
        if (m->key_len == key_len && memcmp(m->key, key, key_len) == 0)
            return &m->value;
    }
    return NULL;
}

const mb__json_value *mb__json_at(const mb__json_value *arr, size_t index)
{
    if (!arr || arr->kind != MB__JSON_ARRAY || index >= arr->len)
        return NULL;
    return &arr->u.items[index];
}

static int wrong_kind(const mb__json_value *v, const char *what, const char *expected,
                      mb__json_error *err)
{
    /* MB_EINVAL returned here, not through set_error: the analyzer does not follow a variadic
     * call, and callers rely on the result being negative. */
    set_error(err, MB_EINVAL, v->line, v->column, "%s must be %s, not %s", what ? what : "value",
              expected, mb__json_kind_name(v->kind));
    return MB_EINVAL;
}

static int missing(const char *what, mb__json_error *err)
{
    set_error(err, MB_EINVAL, 0, 0, "missing %s", what ? what : "value");
    return MB_EINVAL;
}

int mb__json_expect(const mb__json_value *v, mb__json_kind kind, const char *what,
                    mb__json_error *err)
{
    if (!v)
        return missing(what, err);
    if (v->kind != kind)
        return wrong_kind(v, what, mb__json_kind_name(kind), err);
    return 0;
}

int mb__json_as_number(const mb__json_value *v, const char *what, double *out, mb__json_error *err)
{
    int rc = mb__json_expect(v, MB__JSON_NUMBER, what, err);
    if (rc == 0)
        *out = v->u.number;
    return rc;
}

int mb__json_as_number_or_null(const mb__json_value *v, const char *what, double *out,
                               mb__json_error *err)
{
    if (v && v->kind == MB__JSON_NULL) {
        *out = NAN;
        return 0;
    }
    if (v && v->kind != MB__JSON_NUMBER)
        return wrong_kind(v, what, "a number or null", err);
    return mb__json_as_number(v, what, out, err);
}

/* 2^53: from here on, not every integer is a double. */
#define EXACT_LIMIT 9007199254740992.0

int mb__json_as_uint(const mb__json_value *v, const char *what, uint64_t *out, mb__json_error *err)
{
    double d = 0;
    int rc = mb__json_as_number(v, what, &d, err);
    if (rc < 0)
        return rc;
    if (!(d >= 0 && d < EXACT_LIMIT && d == floor(d)))
        return set_error(err, MB_EINVAL, v->line, v->column,
                         "%s must be an integer from 0 to 2^53 - 1", what ? what : "value");
    *out = (uint64_t)d;
    return 0;
}

/* "member \"key\"" for messages, cut to fit buf. */
static const char *member_name(char *buf, size_t size, const char *key)
{
    snprintf(buf, size, "member \"%s\"", key ? key : "(null)");
    return buf;
}

int mb__json_get_member(const mb__json_value *obj, const char *key, const mb__json_value **out,
                        mb__json_error *err)
{
    char name[96];
    *out = NULL; /* on every failure */
    member_name(name, sizeof name, key);
    if (!obj)
        return missing(name, err);
    if (obj->kind != MB__JSON_OBJECT)
        return set_error(err, MB_EINVAL, obj->line, obj->column,
                         "expected an object with %s, found %s", name,
                         mb__json_kind_name(obj->kind));
    const mb__json_value *v = mb__json_get(obj, key);
    if (!v)
        return set_error(err, MB_EINVAL, obj->line, obj->column, "missing %s", name);
    *out = v;
    return 0;
}

/* Looks key up in obj and checks the kind of its value. */
static int get_kind(const mb__json_value *obj, const char *key, mb__json_kind kind,
                    const mb__json_value **v, mb__json_error *err)
{
    char name[96];
    int rc = mb__json_get_member(obj, key, v, err);
    return rc < 0 ? rc : mb__json_expect(*v, kind, member_name(name, sizeof name, key), err);
}

int mb__json_get_number(const mb__json_value *obj, const char *key, double *out,
                        mb__json_error *err)
{
    const mb__json_value *v;
    char name[96];
    int rc = mb__json_get_member(obj, key, &v, err);
    return rc < 0 ? rc : mb__json_as_number(v, member_name(name, sizeof name, key), out, err);
}

int mb__json_get_number_or_null(const mb__json_value *obj, const char *key, double *out,
                                mb__json_error *err)
{
    const mb__json_value *v;
    char name[96];
    int rc = mb__json_get_member(obj, key, &v, err);
    return rc < 0 ? rc
                  : mb__json_as_number_or_null(v, member_name(name, sizeof name, key), out, err);
}

int mb__json_get_uint(const mb__json_value *obj, const char *key, uint64_t *out,
                      mb__json_error *err)
{
    const mb__json_value *v;
    char name[96];
    int rc = mb__json_get_member(obj, key, &v, err);
    return rc < 0 ? rc : mb__json_as_uint(v, member_name(name, sizeof name, key), out, err);
}

int mb__json_get_bool(const mb__json_value *obj, const char *key, int *out, mb__json_error *err)
{
    const mb__json_value *v;
    int rc = get_kind(obj, key, MB__JSON_BOOL, &v, err);
    if (rc == 0)
        *out = v->u.boolean;
    return rc;
}

int mb__json_get_string(const mb__json_value *obj, const char *key, const char **out,
                        mb__json_error *err)
{
    const mb__json_value *v;
    int rc = get_kind(obj, key, MB__JSON_STRING, &v, err);
    if (rc == 0)
        *out = v->u.string;
    return rc;
}

int mb__json_get_array(const mb__json_value *obj, const char *key, const mb__json_value **out,
                       mb__json_error *err)
{
    const mb__json_value *v;
    int rc = get_kind(obj, key, MB__JSON_ARRAY, &v, err);
    if (rc == 0)
        *out = v;
    return rc;
}

int mb__json_get_object(const mb__json_value *obj, const char *key, const mb__json_value **out,
                        mb__json_error *err)
{
    const mb__json_value *v;
    int rc = get_kind(obj, key, MB__JSON_OBJECT, &v, err);
    if (rc == 0)
        *out = v;
    return rc;
}
