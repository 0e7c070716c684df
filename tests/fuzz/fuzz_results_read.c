/*
 * libFuzzer target for the results loader: mb_results_read in lib/results/load.c (with the
 * JSON reader under it), which turns result files and baselines into mb_results. The input is
 * the file: it is handed to mb_results_read through an anonymous in-memory file
 * (/proc/self/fd/N), so nothing touches the disk.
 *
 * Checked on every input: no crash, no read or write out of bounds, no leak; the call returns
 * 0 with a set, or MB_EINVAL, MB_ENOMEM or MB_EIO with no set and a one-line, NUL-terminated
 * message within the buffer (of 1 to 256 bytes, chosen by the input's last byte and allocated
 * to size so that ASan sees any write past it). An accepted set is walked whole (every
 * result's name found by mb_results_find, its samples and parameters read), rendered by every
 * built-in emitter, and written back as JSON, which must read again with the same names in
 * the same order. A broken invariant aborts, which libFuzzer reports with the input.
 */
#define _GNU_SOURCE /* memfd_create */

#include "microbe.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond)                                                                              \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_results_read: %s:%d: %s\n", __FILE__, __LINE__, #cond);          \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static FILE *sink; /* /dev/null, for the emitters */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    sink = fopen("/dev/null", "w");
    REQUIRE(sink != NULL);
    return 0;
}

/* An in-memory file holding size bytes of data, rewound; its path in path. */
static FILE *memory_file(const void *data, size_t size, char *path, size_t path_size)
{
    int fd = memfd_create("fuzz_results_read", 0);
    REQUIRE(fd >= 0);
    FILE *f = fdopen(fd, "w+");
    REQUIRE(f != NULL);
    REQUIRE(size == 0 || fwrite(data, 1, size, f) == size);
    REQUIRE(fflush(f) == 0);
    rewind(f);
    snprintf(path, path_size, "/proc/self/fd/%d", fd);
    return f;
}

/* Reads every field a consumer reads, so that ASan sees a bad pointer or length. */
static void walk(const mb_results *set)
{
    size_t n = mb_results_count(set);
    REQUIRE(mb_results_get(set, n) == NULL);
    REQUIRE(mb_results_info(set) != NULL);
    for (size_t i = 0; i < n; i++) {
        const mb_result *r = mb_results_get(set, i);
        REQUIRE(r != NULL && r->name != NULL);
        REQUIRE(mb_results_find(set, r->name) != NULL);
        volatile double sum = 0;
        for (size_t k = 0; k < r->n_samples; k++)
            sum += r->sample_ns[k] + (double)r->sample_iters[k] + r->sample_outlier[k];
        for (size_t k = 0; k < r->n_params; k++)
            REQUIRE(r->params[k].name != NULL &&
                    (r->params[k].kind != MB_PARAM_STRING || r->params[k].s != NULL));
        (void)sum;
    }
}

static void emit_all(const mb_results *set)
{
    for (const char *const *format = mb_emitter_formats(); *format; format++) {
        mb_emitter e;
        REQUIRE(mb_emitter_new(&e, *format, sink) == 0);
        int rc = mb_results_emit(set, &e);
        REQUIRE(rc == 0 || rc == MB_ENOMEM);
        if (e.destroy)
            e.destroy(e.user);
    }
}

/* Writes set as JSON and reads it back: the same names in the same order. */
static void round_trip(const mb_results *set)
{
    char path[64];
    FILE *f = memory_file(NULL, 0, path, sizeof path);
    mb_emitter e;
    REQUIRE(mb_emitter_new(&e, "json", f) == 0);
    REQUIRE(mb_results_emit(set, &e) == 0);
    if (e.destroy)
        e.destroy(e.user);
    REQUIRE(fflush(f) == 0);
    mb_results *again = NULL;
    char message[256];
    int rc = mb_results_read(path, &again, message, sizeof message);
    if (rc != 0)
        fprintf(stderr, "fuzz_results_read: written back, not read again: %s\n", message);
    REQUIRE(rc == 0);
    REQUIRE(mb_results_count(again) == mb_results_count(set));
    for (size_t i = 0; i < mb_results_count(set); i++)
        REQUIRE(strcmp(mb_results_get(again, i)->name, mb_results_get(set, i)->name) == 0);
    mb_results_free(again);
    fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t message_size = size ? 1 + data[size - 1] % 256 : 64;
    char path[64];
    FILE *f = memory_file(data, size, path, sizeof path);
    char *message = malloc(message_size);
    REQUIRE(message != NULL);
    memset(message, 0xA5, message_size);
    mb_results *set = NULL;
    int rc = mb_results_read(path, &set, message, message_size);
    fclose(f);
    if (rc == 0) {
        REQUIRE(set != NULL);
        walk(set);
        emit_all(set);
        round_trip(set);
        mb_results_free(set);
    } else {
        REQUIRE(set == NULL);
        REQUIRE(rc == MB_EINVAL || rc == MB_ENOMEM || rc == MB_EIO);
        REQUIRE(memchr(message, '\0', message_size) != NULL);
        REQUIRE(message_size == 1 || message[0] != '\0');
        REQUIRE(strchr(message, '\n') == NULL);
    }
    free(message);
    return 0;
}
