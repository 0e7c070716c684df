/*
 * libFuzzer target for the command line of bench executables: mb__cli_parse in lib/front/cli.c,
 * which reads argv and the MICROBE_* environment into settings (every value syntax: times,
 * fractions, whole numbers, booleans, FMT:PATH outputs, KEY=VALUE contexts, counter lists,
 * baseline names). Only parsing runs: nothing is measured and no file is opened.
 *
 * Input: strings separated by NUL bytes. A string "MICROBE_NAME=value" sets that environment
 * variable for the call; every other string is the next argv entry. The last byte also
 * chooses the size of the message buffer (1 to 512 bytes, allocated to size so that ASan
 * sees any write past it).
 *
 * Checked on every input: no crash, no read or write out of bounds, no leak; the call returns
 * 0 with settings that mb_settings_validate accepts, or -1 with a non-empty NUL-terminated
 * message within the buffer that is one line (see one_line_expected). The same words then go
 * through mb_settings_from_args (the same parser, for a host's argv): it returns 0 with valid
 * settings and argv[0] followed by a subsequence of the other words, in order, NULL after,
 * and "--" with every word after it kept; or MB_EINVAL with such a message and argv unchanged.
 * A broken invariant aborts, which libFuzzer reports with the input.
 */
#define _XOPEN_SOURCE 700 /* putenv */

#include "microbe.h"

#include <sanitizer/asan_interface.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The parser's result type, struct mb__cli, is private to cli.c (which is compiled into this
 * target and may not be edited for it). It is declared incomplete here and the call gets
 * storage that is large and aligned enough for any struct: a union with max_align_t. 64 KiB
 * is far more than the struct needs (a few KiB); LLVMFuzzerInitialize measures the real size
 * once (the parser starts by zeroing the whole struct) and poisons the rest for ASan, so an
 * access past the struct is still caught. */
struct mb__cli;
int mb__cli_parse(int argc, char **argv, struct mb__cli *cli, char *err, size_t err_size);

static union {
    max_align_t align;
    unsigned char bytes[1 << 16];
} cli_storage;

#define FILL 0xA5 /* what unwritten bytes hold */

#define REQUIRE(cond)                                                                              \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_cli: %s:%d: %s\n", __FILE__, __LINE__, #cond);                   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#define MAX_STRINGS 64

static char program_name[] = "fuzz_cli";

static struct mb__cli *cli_object(void)
{
    return (struct mb__cli *)(void *)cli_storage.bytes;
}

/* How many bytes of the storage a parse of no arguments leaves other than fill. */
static size_t bytes_written(unsigned char fill)
{
    memset(cli_storage.bytes, fill, sizeof cli_storage.bytes);
    char *args[] = {program_name, NULL};
    char err[256];
    REQUIRE(mb__cli_parse(1, args, cli_object(), err, sizeof err) == 0);
    size_t used = sizeof cli_storage.bytes;
    while (used > 0 && cli_storage.bytes[used - 1] == fill)
        used--;
    return used;
}

/* Removes every MICROBE_* variable of the fuzzer's own environment, so that each input
 * starts from none. */
static void clear_microbe_environment(void)
{
    extern char **environ;
    for (;;) {
        char name[256] = "";
        for (char **e = environ; *e; e++) {
            const char *eq = strchr(*e, '=');
            if (strncmp(*e, "MICROBE_", 8) == 0 && eq && (size_t)(eq - *e) < sizeof name) {
                memcpy(name, *e, (size_t)(eq - *e));
                name[eq - *e] = '\0';
                break;
            }
        }
        if (!name[0])
            return;
        REQUIRE(unsetenv(name) == 0);
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    clear_microbe_environment();
    /* The struct's size: the parser first zeroes all of it (padding included), so its last
     * byte ends up with the same value whatever the storage held before, and that value
     * differs from at least one of two fills; nothing past the struct is written. */
    size_t a = bytes_written(FILL), b = bytes_written((unsigned char)~FILL);
    size_t used = a > b ? a : b;
    REQUIRE(used > 0 && used < sizeof cli_storage.bytes / 2);
    size_t align = _Alignof(max_align_t);
    size_t keep = (used + align - 1) / align * align;
    ASAN_POISON_MEMORY_REGION(cli_storage.bytes + keep, sizeof cli_storage.bytes - keep);
    return 0;
}

/* The parser quotes values in its messages: a value holding a newline makes a message of two
 * lines. That is a known defect of cli.c (reported; values should be quoted with control
 * characters escaped); until it is fixed, a newline is accepted only when an input string
 * holds one. */
static int one_line_expected(char *const *strings, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strchr(strings[i], '\n') || strchr(strings[i], '\r'))
            return 0;
    return 1;
}

/* mb_settings_from_args on a copy of argv: the invariants in the head comment. */
static void check_embedded(int argc, char **argv, char *err, size_t err_size, int one_line)
{
    char *words[MAX_STRINGS + 2];
    memcpy(words, argv, (size_t)(argc + 1) * sizeof *words);
    int n = argc;
    mb_settings s;
    mb_settings_init(&s);
    memset(err, FILL, err_size);
    int rc = mb_settings_from_args(&s, &n, words, err, err_size);
    if (rc != 0) {
        REQUIRE(rc == MB_EINVAL && n == argc);
        REQUIRE(memcmp(words, argv, (size_t)(argc + 1) * sizeof *words) == 0);
        REQUIRE(memchr(err, '\0', err_size) != NULL);
        REQUIRE(err_size == 1 || err[0] != '\0');
        if (one_line)
            REQUIRE(strchr(err, '\n') == NULL && strchr(err, '\r') == NULL);
        return;
    }
    const char *problem = NULL;
    REQUIRE(mb_settings_validate(&s, &problem) == 0);
    REQUIRE(n >= 1 && n <= argc && words[0] == argv[0] && words[n] == NULL);
    int at = 1, rest = 0; /* rest: "--" was kept, so every later word must be too */
    for (int k = 1; k < n; k++) {
        while (at < argc && argv[at] != words[k]) {
            REQUIRE(!rest);
            at++;
        }
        REQUIRE(at < argc);
        rest |= strcmp(argv[at++], "--") == 0;
    }
    REQUIRE(!rest || at == argc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t err_size = size ? 1 + data[size - 1] % 512 : 64;

    /* Split into NUL-terminated copies. */
    char *text = malloc(size + 1);
    REQUIRE(text != NULL);
    memcpy(text, data, size);
    text[size] = '\0';
    char *strings[MAX_STRINGS];
    size_t n_strings = 0;
    for (size_t at = 0; at <= size && n_strings < MAX_STRINGS;) {
        strings[n_strings++] = text + at;
        at += strlen(text + at) + 1;
    }

    char *argv[MAX_STRINGS + 2];
    int argc = 0;
    argv[argc++] = program_name;
    /* putenv, not setenv: glibc's setenv keeps every value it was ever given, which a
     * fuzzer's millions of values turn into a leak; putenv uses the input's own string,
     * removed again by unsetenv before it is freed. */
    char *env_names[MAX_STRINGS];
    size_t n_env = 0;
    for (size_t i = 0; i < n_strings; i++) {
        const char *eq = strchr(strings[i], '=');
        if (strncmp(strings[i], "MICROBE_", 8) == 0 && eq) {
            char *name = strndup(strings[i], (size_t)(eq - strings[i]));
            REQUIRE(name != NULL);
            REQUIRE(putenv(strings[i]) == 0);
            env_names[n_env++] = name;
            continue;
        }
        argv[argc++] = strings[i];
    }
    argv[argc] = NULL;

    char *err = malloc(err_size);
    REQUIRE(err != NULL);
    memset(err, FILL, err_size);
    int rc = mb__cli_parse(argc, argv, cli_object(), err, err_size);
    if (rc == 0) {
        /* mb_settings is the struct's first member (cli.c). */
        const mb_settings *s = (const mb_settings *)(const void *)cli_storage.bytes;
        const char *problem = NULL;
        REQUIRE(mb_settings_validate(s, &problem) == 0);
    } else {
        REQUIRE(rc == -1);
        REQUIRE(memchr(err, '\0', err_size) != NULL);
        REQUIRE(err_size == 1 || err[0] != '\0');
        if (one_line_expected(strings, n_strings))
            REQUIRE(strchr(err, '\n') == NULL && strchr(err, '\r') == NULL);
    }
    check_embedded(argc, argv, err, err_size, one_line_expected(strings, n_strings));
    free(err);

    for (size_t i = 0; i < n_env; i++) {
        REQUIRE(unsetenv(env_names[i]) == 0);
        free(env_names[i]);
    }
    free(text);
    return 0;
}
