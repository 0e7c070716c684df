/*
 * A small, strict JSON reader (RFC 8259) for the files microbe writes itself, above all saved
 * results read back as baselines. Internal: never installed, symbols hidden from the shared
 * library. Depends on the C library, POSIX (open/read) and numbers.h for reading numbers.
 *
 * What it accepts: exactly one JSON value, with optional whitespace around it, in UTF-8.
 * What it rejects, each with a one-line message and the line:column of the problem:
 *
 * - anything outside the grammar: trailing commas, comments, single quotes, unquoted keys,
 *   leading zeros, "+1", ".5", "1.", hexadecimal, NaN and Infinity, trailing characters after
 *   the value;
 * - a leading byte order mark (U+FEFF): RFC 8259 forbids writing one and our emitter never
 *   does, so one is a sign the file was not written by us;
 * - numbers whose magnitude overflows a double (JSON has no infinity). Numbers too small for
 *   a double round, as strtod does, to the nearest subnormal or to zero of the same sign;
 * - in strings: invalid UTF-8 (overlong forms, encoded surrogates, beyond U+10FFFF,
 *   truncated sequences), unescaped control characters (U+0000 to U+001F), invalid escapes,
 *   unpaired surrogates in \uXXXX escapes, and the escape \u0000, so that every decoded
 *   string is a C string whose strlen is its length;
 * - duplicate keys in one object (compared after decoding, so "a" and "\u0061" are equal);
 * - nesting deeper than MB__JSON_MAX_DEPTH arrays and objects (the parser is iterative: the
 *   limit protects consumers that recurse, not the parser's own stack);
 * - inputs longer than the caller's limit.
 *
 * Numbers are read independently of the C locale and correctly rounded, by mb__read_double
 * (numbers.h): Clinger's fast path when it is exact, else strtod under a "C" LC_NUMERIC locale
 * installed for the calling thread only during the conversion. So the shortest round-trip
 * output of our emitter reads back bit for bit.
 *
 * The tree lives in one arena owned by an mb__json_doc and is freed with one mb__json_free.
 * Memory: a value takes 24 bytes and an object member 40 on a 64-bit machine. A result file
 * (17-digit samples) needs about twice its size; a hostile document (an array of
 * one-digit numbers) 12 times its size for the tree and, during the parse, about as much
 * again for its largest array (1.6 GB at the peak for 64 MiB of "[0,0,..."). Choose
 * max_bytes accordingly.
 *
 * Thread-safety: documents are independent; a parsed document may be read from several
 * threads at once. Parsing changes only the calling thread's locale, briefly, and restores it.
 */
#ifndef MB_JSON_READ_H
#define MB_JSON_READ_H

#include <stddef.h>
#include <stdint.h>

/* ---- Limits -------------------------------------------------------------------------- */

/* Deepest nesting of arrays and objects accepted: "[[1]]" has depth 2. */
#define MB__JSON_MAX_DEPTH 64
/* The default input limit (64 MiB), used when max_bytes is 0. */
#define MB__JSON_DEFAULT_MAX_BYTES ((size_t)64 << 20)
/* No input may be longer than this (1 GiB), whatever max_bytes says: lengths and positions
 * are stored in 32 bits. */
#define MB__JSON_MAX_BYTES_LIMIT ((size_t)1 << 30)

/* ---- Values -------------------------------------------------------------------------- */

/* Explicit values: the kind is part of the (internal) API that consumers switch on. */
typedef enum mb__json_kind {
    MB__JSON_NULL = 0,
    MB__JSON_BOOL = 1,
    MB__JSON_NUMBER = 2,
    MB__JSON_STRING = 3,
    MB__JSON_ARRAY = 4,
    MB__JSON_OBJECT = 5
} mb__json_kind;

typedef struct mb__json_value mb__json_value;
typedef struct mb__json_member mb__json_member;

/* One value of the tree. Read the field of the union that the kind names; everything is
 * owned by the document and lives until mb__json_free. */
struct mb__json_value {
    mb__json_kind kind;
    uint32_t line;   /* where the value starts in the input, from 1 */
    uint32_t column; /* from 1, counted in characters (UTF-8 code points), a tab being one */
    uint32_t len;    /* string: bytes without the NUL; array: items; object: members; else 0 */
    union {
        int boolean;        /* MB__JSON_BOOL: 0 or 1 */
        double number;      /* MB__JSON_NUMBER: always finite */
        const char *string; /* MB__JSON_STRING: valid UTF-8, NUL-terminated, no NUL inside */
        const mb__json_value *items;    /* MB__JSON_ARRAY: len items, NULL when empty */
        const mb__json_member *members; /* MB__JSON_OBJECT: in input order, NULL when empty */
    } u;
};

struct mb__json_member {
    const char *key;  /* decoded like a string value: UTF-8, NUL-terminated */
    uint32_t key_len; /* bytes without the NUL */
    mb__json_value value;
};

/* A parsed document: the root value and the arena that holds the tree. Opaque. */
typedef struct mb__json_doc mb__json_doc;

/* ---- Errors -------------------------------------------------------------------------- */

/* What went wrong, for a person: every failing function below fills one when given one. */
typedef struct mb__json_error {
    int code;        /* the negative MB_E* code the function returned */
    uint32_t line;   /* position of the problem (as in mb__json_value); 0 when it has none, */
    uint32_t column; /* e.g. a file that cannot be opened or an input over the size limit */
    /* One line without a newline, NUL-terminated, possibly truncated. With a position it
     * starts with it: "line 3, column 14: expected ',' or '}' after object member, found
     * ']'"; from the _file functions it starts with the path: "base.json: line 3, ...". */
    char message[512];
} mb__json_error;

/* ---- Parsing ------------------------------------------------------------------------- */

typedef struct mb__json_options {
    /* The longest input accepted, in bytes; 0 means MB__JSON_DEFAULT_MAX_BYTES. Values above
     * MB__JSON_MAX_BYTES_LIMIT act as that limit. */
    size_t max_bytes;
    /* Every allocation of the parse and of the document goes through realloc_fn, called as
     * realloc_fn(alloc_user, ptr, size): like realloc(ptr, size) for size > 0, and like
     * free(ptr) (returning NULL) for size 0. NULL means the C library's realloc and free.
     * The C library may still allocate on its own (the "C" locale object). */
    void *(*realloc_fn)(void *alloc_user, void *ptr, size_t size);
    void *alloc_user;
} mb__json_options;

/* Sets the defaults: max_bytes 0 (64 MiB), the C library's allocator. */
void mb__json_options_init(mb__json_options *opt);

/* Parses text[0, len) (not necessarily NUL-terminated; never read beyond len) as one JSON
 * document. opt may be NULL for the defaults; err may be NULL. text is only borrowed: the
 * document keeps no pointer into it. On success *out receives a document to free with
 * mb__json_free and 0 is returned. Otherwise *out is NULL, *err describes the first problem
 * found, and the return value is MB_EINVAL (invalid input, input over the limit, or text
 * NULL with len > 0) or MB_ENOMEM. */
int mb__json_parse(const char *text, size_t len, const mb__json_options *opt, mb__json_doc **out,
                   mb__json_error *err);

/* The root value of a document; never NULL for a document mb__json_parse returned. */
const mb__json_value *mb__json_root(const mb__json_doc *doc);

/* Frees a document and every value in it. mb__json_free(NULL) does nothing. */
void mb__json_free(mb__json_doc *doc);

/* ---- Files --------------------------------------------------------------------------- */

/* Reads the whole file at path into a new buffer: *text receives it (NUL-terminated for
 * convenience, the NUL not counted in *len) to release with free(). max_bytes as in
 * mb__json_options (0: 64 MiB). Returns 0; MB_EIO when the file cannot be opened or read
 * (errno says why and the message quotes strerror: "base.json: cannot open: No such file
 * or directory"); MB_EINVAL when it is larger than max_bytes ("base.json: file is larger
 * than the limit of 67108864 bytes") or path is NULL; MB_ENOMEM. On failure *text is NULL
 * and *len 0. err may be NULL. */
int mb__json_read_file(const char *path, size_t max_bytes, char **text, size_t *len,
                       mb__json_error *err);

/* mb__json_read_file then mb__json_parse (opt may be NULL): the document in *out, or an
 * error whose message starts with the path. The file's bytes are freed before returning. */
int mb__json_parse_file(const char *path, const mb__json_options *opt, mb__json_doc **out,
                        mb__json_error *err);

/* ---- Looking things up --------------------------------------------------------------- */

/* "null", "a boolean", "a number", "a string", "an array", "an object": for messages. */
const char *mb__json_kind_name(mb__json_kind kind);

/* The value of obj's member key, or NULL when obj is NULL, not an object, or has no such
 * member. A linear search, O(members). */
const mb__json_value *mb__json_get(const mb__json_value *obj, const char *key);

/* Item index of arr, or NULL when arr is NULL, not an array, or index >= arr->len. */
const mb__json_value *mb__json_at(const mb__json_value *arr, size_t index);

/*
 * Validating accessors, so that a consumer can check a document in a few lines:
 *
 *     if ((rc = mb__json_get_number(bench, "median_ns", &median, err)) < 0 ||
 *         (rc = mb__json_get_array(bench, "sample_ns", &ns, err)) < 0)
 *         return rc;
 *
 * Each returns 0 and sets *out, or returns MB_EINVAL, leaves *out alone and fills err (may be
 * NULL) with a message positioned at the offending value, e.g. "line 40, column 20: member
 * \"median_ns\" must be a number, not a string", or at the object that lacks the member:
 * "line 31, column 5: missing member \"median_ns\"". A NULL v or obj is reported as missing.
 *
 * The _as_ forms check a value already in hand (an array item, say); what names it in the
 * message ("item 3 of \"sample_ns\""; NULL means "value"). The _get_ forms look up member key
 * of obj first.
 */
int mb__json_expect(const mb__json_value *v, mb__json_kind kind, const char *what,
                    mb__json_error *err);
int mb__json_as_number(const mb__json_value *v, const char *what, double *out, mb__json_error *err);
/* A number, or null read as NAN: our emitter writes null for what it could not compute. */
int mb__json_as_number_or_null(const mb__json_value *v, const char *what, double *out,
                               mb__json_error *err);
/* A number that is an integer from 0 to 2^53 - 1, the range where a double is exact (larger
 * literals may have been rounded, so they are rejected rather than trusted). */
int mb__json_as_uint(const mb__json_value *v, const char *what, uint64_t *out, mb__json_error *err);

int mb__json_get_member(const mb__json_value *obj, const char *key, const mb__json_value **out,
                        mb__json_error *err);
int mb__json_get_number(const mb__json_value *obj, const char *key, double *out,
                        mb__json_error *err);
int mb__json_get_number_or_null(const mb__json_value *obj, const char *key, double *out,
                                mb__json_error *err);
int mb__json_get_uint(const mb__json_value *obj, const char *key, uint64_t *out,
                      mb__json_error *err);
int mb__json_get_bool(const mb__json_value *obj, const char *key, int *out, mb__json_error *err);
/* *out points into the document (NUL-terminated UTF-8). */
int mb__json_get_string(const mb__json_value *obj, const char *key, const char **out,
                        mb__json_error *err);
int mb__json_get_array(const mb__json_value *obj, const char *key, const mb__json_value **out,
                       mb__json_error *err);
int mb__json_get_object(const mb__json_value *obj, const char *key, const mb__json_value **out,
                        mb__json_error *err);

#endif
