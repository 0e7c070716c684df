/*
 * Process isolation (--isolate): one benchmark in a forked child that sends its result back
 * through a pipe. The parent waits with a deadline, so a body that crashes or never returns
 * fails alone and the suite goes on. POSIX only (fork, pipe, poll, waitpid).
 *
 * The child is a copy of the parent, so every pointer in its mb_result that points into the
 * program image or the registry (name, file, compiler, static failure messages) is valid in
 * the parent as it is; only the sample arrays, which live on the child's heap, travel as data.
 */
#define _POSIX_C_SOURCE 200809L

#include "microbe_internal.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAGIC 0x6d62726cu /* "mbrl" */

/* What the child writes first; n_samples * (iters, ns, class) follow, then for each of
 * n_counters counters its mb_counter and, when it has them, its n_samples sample totals, then
 * for each user counter its mb_user_counter and its name in MB__USER_NAME_MAX bytes. */
typedef struct header {
    uint32_t magic;
    int32_t err;
    mb_result result;
    char message[256]; /* a copy of result.message: it may live on the child's heap */
} header;

#define SAMPLE_BYTES (sizeof(uint64_t) + sizeof(double) + 1)

static int write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t k = write(fd, p, len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        p += k;
        len -= (size_t)k;
    }
    return 0;
}

/* In the child: computes the result and writes it. Never returns. */
static void child(int fd, mb__result_fn fn, void *arg)
{
    header h = {MAGIC, 0, {0}, {0}};
    void *storage[4] = {NULL, NULL, NULL, NULL};
    h.err = fn(arg, &h.result, storage);
    if (h.result.message)
        snprintf(h.message, sizeof h.message, "%s", h.result.message);
    int bad = write_all(fd, &h, sizeof h);
    const mb_result *r = &h.result;
    for (size_t i = 0; !bad && h.err == 0 && i < r->n_samples; i++) {
        unsigned char sample[SAMPLE_BYTES];
        memcpy(sample, &r->sample_iters[i], sizeof(uint64_t));
        memcpy(sample + sizeof(uint64_t), &r->sample_ns[i], sizeof(double));
        sample[SAMPLE_BYTES - 1] = r->sample_outlier ? r->sample_outlier[i] : 0;
        bad = write_all(fd, sample, sizeof sample);
    }
    for (size_t c = 0; !bad && h.err == 0 && c < r->n_counters; c++) {
        const mb_counter *k = &r->counters[c];
        bad = write_all(fd, k, sizeof *k);
        if (!bad && k->sample_values)
            bad = write_all(fd, k->sample_values, r->n_samples * sizeof(double));
    }
    for (size_t c = 0; !bad && h.err == 0 && c < r->n_user_counters; c++) {
        char name[MB__USER_NAME_MAX] = {0};
        snprintf(name, sizeof name, "%s", r->user_counters[c].name);
        bad = write_all(fd, &r->user_counters[c], sizeof(mb_user_counter)) ||
              write_all(fd, name, sizeof name);
    }
    /* _exit: the parent's stdio buffers and atexit handlers are not the child's to run. */
    _exit(bad ? 3 : 0);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct buffer {
    unsigned char *data;
    size_t len, cap;
} buffer;

/* Reads what is available; returns 1 at end of file, 0 for more to come, -1 on error. */
static int read_some(int fd, buffer *b)
{
    if (b->cap - b->len < 65536) {
        size_t cap = b->cap ? 2 * b->cap : 65536 + sizeof(header);
        unsigned char *grown = realloc(b->data, cap);
        if (!grown)
            return -1;
        b->data = grown;
        b->cap = cap;
    }
    ssize_t k = read(fd, b->data + b->len, b->cap - b->len);
    if (k < 0)
        return errno == EINTR || errno == EAGAIN ? 0 : -1;
    b->len += (size_t)k;
    return k == 0;
}

enum outcome { DONE, TIMED_OUT, INTERRUPTED, FAILED };

/* Collects the child's output until end of file, the deadline or an interruption. */
static enum outcome collect(int fd, double timeout_s, const volatile sig_atomic_t *stop, buffer *b)
{
    double deadline = timeout_s > 0 ? now_s() + timeout_s : 0;
    for (;;) {
        if (stop && *stop)
            return INTERRUPTED;
        int wait_ms = -1;
        if (deadline > 0) {
            double left = deadline - now_s();
            if (left <= 0)
                return TIMED_OUT;
            wait_ms = left > 3600 ? 3600000 : (int)(left * 1000) + 1;
        }
        struct pollfd p = {fd, POLLIN, 0};
        int ready = poll(&p, 1, wait_ms);
        if (ready < 0 && errno != EINTR)
            return FAILED;
        if (ready <= 0)
            continue;
        int end = read_some(fd, b);
        if (end < 0)
            return FAILED;
        if (end)
            return DONE;
    }
}

/* Rebuilds the child's result, with its samples in one new block. */
static int unpack(const buffer *b, mb_result *r, void **storage)
{
    header h;
    memcpy(&h, b->data, sizeof h);
    size_t n = h.result.n_samples;
    if (h.magic != MAGIC)
        return MB_EIO;
    if (h.err)
        return h.err;
    size_t nc = h.result.n_counters, nu = h.result.n_user_counters;
    if (b->len < sizeof h + n * SAMPLE_BYTES + nc * sizeof(mb_counter) || nc > 64 ||
        nu > MB_USER_COUNTERS_MAX)
        return MB_EIO;
    /* One block: the user counters, the counters, their sample totals, then iters, ns and
     * classes, the message and the user counters' names. */
    size_t users = nu * sizeof(mb_user_counter);
    size_t head = users + nc * sizeof(mb_counter) + nc * n * sizeof(double);
    char *block = malloc(head + n * SAMPLE_BYTES + sizeof h.message + nu * MB__USER_NAME_MAX);
    if (!block)
        return MB_ENOMEM;
    *r = h.result;
    mb_user_counter *user = (mb_user_counter *)(void *)block;
    char *user_names = block + head + n * SAMPLE_BYTES + sizeof h.message;
    mb_counter *counters = (mb_counter *)(void *)(block + users);
    double *totals = (double *)(void *)(block + users + nc * sizeof(mb_counter));
    uint64_t *iters = (uint64_t *)(void *)(block + head);
    double *ns = (double *)(void *)(block + head + n * sizeof(uint64_t));
    unsigned char *cls = (unsigned char *)block + head + n * (sizeof(uint64_t) + sizeof(double));
    const unsigned char *in = b->data + sizeof h, *end = b->data + b->len;
    for (size_t i = 0; i < n; i++, in += SAMPLE_BYTES) {
        memcpy(&iters[i], in, sizeof(uint64_t));
        memcpy(&ns[i], in + sizeof(uint64_t), sizeof(double));
        cls[i] = in[SAMPLE_BYTES - 1];
    }
    r->sample_iters = n ? iters : NULL;
    r->sample_ns = n ? ns : NULL;
    r->sample_outlier = n && h.result.sample_outlier ? cls : NULL;
    for (size_t c = 0; c < nc; c++) {
        if ((size_t)(end - in) < sizeof(mb_counter))
            break;
        memcpy(&counters[c], in, sizeof(mb_counter));
        in += sizeof(mb_counter);
        if (counters[c].sample_values) {
            if ((size_t)(end - in) < n * sizeof(double))
                break;
            memcpy(totals + c * n, in, n * sizeof(double));
            in += n * sizeof(double);
            counters[c].sample_values = totals + c * n;
        }
    }
    for (size_t c = 0; c < nu; c++) {
        if ((size_t)(end - in) < sizeof(mb_user_counter) + MB__USER_NAME_MAX)
            break;
        memcpy(&user[c], in, sizeof(mb_user_counter));
        memcpy(user_names + c * MB__USER_NAME_MAX, in + sizeof(mb_user_counter), MB__USER_NAME_MAX);
        user_names[(c + 1) * MB__USER_NAME_MAX - 1] = '\0';
        user[c].name = user_names + c * MB__USER_NAME_MAX;
        in += sizeof(mb_user_counter) + MB__USER_NAME_MAX;
    }
    if (in != end) {
        free(block);
        return MB_EIO;
    }
    r->counters = nc ? counters : NULL;
    r->user_counters = nu ? user : NULL;
    if (r->message) {
        char *message = block + head + n * SAMPLE_BYTES;
        memcpy(message, h.message, sizeof h.message);
        message[sizeof h.message - 1] = '\0';
        r->message = message;
    }
    *storage = block;
    return 0;
}

/* A failed result for bench whose message lives in a new block *storage. */
static int failure(const mb_bench *bench, mb_result *r, void **storage, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static int failure(const mb_bench *bench, mb_result *r, void **storage, const char *fmt, ...)
{
    /* The caller recognises a failure of the child process by its message living in *storage. */
    char *message = malloc(160);
    if (!message)
        return MB_ENOMEM;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, 160, fmt, ap);
    va_end(ap);
    *r = (mb_result){0};
    mb__result_identify(r, bench);
    r->status = MB_STATUS_FAILED;
    r->message = message;
    r->median = r->mean = r->std_dev = r->mad = r->min = r->slope =
        (mb_estimate){NAN, NAN, NAN, NAN};
    *storage = message;
    return 0;
}

int mb__isolate(const mb_bench *bench, mb__result_fn fn, void *arg, double timeout_s,
                const volatile sig_atomic_t *stop, mb_result *r, void **storage)
{
    int fds[2];
    if (pipe(fds) != 0)
        return MB_EIO;
    fflush(NULL); /* or the child's copies of unwritten output could be written twice */
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return MB_EIO;
    }
    if (pid == 0) {
        close(fds[0]);
        child(fds[1], fn, arg);
    }
    close(fds[1]);
    buffer b = {0};
    enum outcome outcome = collect(fds[0], timeout_s, stop, &b);
    close(fds[0]);
    if (outcome != DONE)
        kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;

    int err;
    if (outcome == INTERRUPTED)
        err = MB_EINTR;
    else if (outcome == TIMED_OUT)
        err = failure(bench, r, storage, "timed out after %g s (--timeout)", timeout_s);
    else if (outcome == FAILED)
        err = MB_EIO;
    else if (WIFSIGNALED(status))
        err = failure(bench, r, storage, "crashed: signal %d (%s)", WTERMSIG(status),
                      strsignal(WTERMSIG(status)));
    else if (b.len < sizeof(header) || WEXITSTATUS(status) != 0)
        err = failure(bench, r, storage, "the process exited with status %d before reporting",
                      WEXITSTATUS(status));
    else
        err = unpack(&b, r, storage);
    free(b.data);
    return err;
}
