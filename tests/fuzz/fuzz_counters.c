/*
 * libFuzzer target for the --counters list syntax: mb__counters_parse in lib/measure/counters.c,
 * with the external event library of the build (libpfm4 when meson found it) encoding the names the
 * built-in table does not know. Only parsing runs: no event is opened.
 *
 * The input, up to its first NUL byte, is the list. It is parsed three times: with a roomy
 * message buffer, with one of 1 to 64 bytes allocated to size (so that ASan sees any write
 * past it) and with none; all three must agree. Checked on every input: no crash, no read or
 * write out of bounds, no leak; on success a set of 1 to MB__COUNTERS_MAX events whose names,
 * joined with commas, give back the list exactly (names are taken as written), all distinct,
 * none opened yet; on failure MB_EINVAL or MB_ENOMEM, no set, and a non-empty NUL-terminated
 * message within the buffer, of one line unless the list itself holds a line break (the
 * message quotes the offending item). A broken invariant aborts, which libFuzzer reports with
 * the input.
 */
#include "counters.h"
#include "microbe.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond)                                                                              \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_counters: %s:%d: %s\n", __FILE__, __LINE__, #cond);              \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static void check_set(const mb__counters *set, const char *list)
{
    size_t n = mb__counters_count(set);
    REQUIRE(n >= 1 && n <= MB__COUNTERS_MAX);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        const char *name = mb__counter_name(set, i);
        size_t len = strlen(name);
        REQUIRE(len > 0 && strchr(name, ',') == NULL);
        REQUIRE(strncmp(list + at, name, len) == 0);
        at += len;
        REQUIRE(list[at] == (i + 1 < n ? ',' : '\0'));
        at++;
        for (size_t j = 0; j < i; j++)
            REQUIRE(strcmp(name, mb__counter_name(set, j)) != 0);
        const char *unit = mb__counter_unit(set, i);
        REQUIRE(strcmp(unit, "count") == 0 || strcmp(unit, "ns") == 0);
        REQUIRE(!mb__counter_available(set, i));
        REQUIRE(strcmp(mb__counter_reason(set, i), "not opened") == 0);
    }
    /* Nothing was read: every ratio is unknown. */
    double values[MB__COUNTERS_MAX];
    for (size_t i = 0; i < n; i++)
        values[i] = NAN;
    mb__counter_ratios ratios;
    mb__counters_ratios(set, values, &ratios);
    REQUIRE(isnan(ratios.ipc) && isnan(ratios.branch_miss_rate) && isnan(ratios.cache_miss_rate));
}

static void check_message(const char *message, size_t size, const char *list)
{
    REQUIRE(memchr(message, '\0', size) != NULL);
    REQUIRE(size == 1 || message[0] != '\0');
    if (!strchr(list, '\n') && !strchr(list, '\r'))
        REQUIRE(strchr(message, '\n') == NULL && strchr(message, '\r') == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *list = malloc(size + 1);
    REQUIRE(list != NULL);
    memcpy(list, data, size);
    list[size] = '\0';

    char roomy[1024];
    mb__counters *set = NULL;
    int rc = mb__counters_parse(list, &set, roomy, sizeof roomy);
    if (rc == 0) {
        REQUIRE(set != NULL);
        check_set(set, list);
        mb__counters_free(set);
    } else {
        REQUIRE(rc == MB_EINVAL || rc == MB_ENOMEM);
        REQUIRE(set == NULL);
        check_message(roomy, sizeof roomy, list);
    }

    size_t small_size = 1 + size % 64;
    char *small = malloc(small_size);
    REQUIRE(small != NULL);
    memset(small, 0xA5, small_size);
    int rc_small = mb__counters_parse(list, &set, small, small_size);
    REQUIRE(rc_small == rc);
    if (rc_small == 0) {
        mb__counters_free(set);
    } else {
        REQUIRE(set == NULL);
        check_message(small, small_size, list);
        /* A truncated message is a prefix of the whole one. */
        REQUIRE(strncmp(small, roomy, strlen(small)) == 0);
    }
    free(small);

    int rc_none = mb__counters_parse(list, &set, NULL, 0);
    REQUIRE(rc_none == rc);
    mb__counters_free(set);

    free(list);
    return 0;
}
