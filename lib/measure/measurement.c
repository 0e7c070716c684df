/*
 * The raw measurement as a value: freeing it, and sending it to another process and reading
 * it back. A child process (--isolate) measures and writes what it measured to a pipe; its
 * parent reads it and analyses it as if it had measured itself.
 *
 * The wire format is one record: a header of the measurement's scalars with the record's
 * length, then its arrays (iters, ns, counter totals and coverage, user counter values, the
 * packed per-invocation histogram) and the failure's text. Both ends are the same executable, so
 * numbers travel in its own byte order and struct layout. A record that ends early (the writer died
 * mid-write) or does not add up is no measurement.
 */
#define _POSIX_C_SOURCE 200809L

#include "counters.h"
#include "histogram.h"
#include "stats.h"
#include "microbe_internal.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAGIC 0x6d626d73u /* "mbms" */

/* Every scalar of an mb__measurement; the arrays and the failure's text follow it. When a
 * field is added to mb__measurement, it is added here. */
typedef struct header {
    uint32_t magic;
    int32_t status;       /* the writer's own return code: 0 or MB_E* */
    uint64_t bytes;       /* the whole record, this header included */
    uint64_t n;           /* samples */
    uint64_t n_counters;  /* counter totals and coverage: n * n_counters each */
    uint64_t failure_len; /* bytes of the failure's text, without a terminator */
    uint64_t hist_words;  /* the packed histogram's words */
    int32_t has_failure;
    int32_t has_user; /* user counter values: n * MB_USER_COUNTERS_MAX */
    int32_t plan, stop, mode, latency_short;
    uint64_t iters_step, warm_up_iters, serial_pairs;
    double warm_up_ns;
    mb_latency latency;
    mb__body_report report;
} header;

void mb__measurement_free(mb__measurement *m)
{
    free(m->user_values);
    free(m->iters);
    free(m->ns);
    free(m->counter_values);
    free(m->counter_coverage);
    if (m->failure == m->failure_text)
        m->failure = NULL;
    free(m->failure_text);
    free(m->hist);
    m->user_values = m->counter_values = m->counter_coverage = m->ns = NULL;
    m->iters = m->hist = NULL;
    m->hist_words = 0;
    m->failure_text = NULL;
    m->n = 0;
}

int mb__measurement_fail(mb__measurement *m, const char *text)
{
    size_t len = strlen(text);
    char *copy = malloc(len + 1);
    if (!copy)
        return MB_ENOMEM;
    memcpy(copy, text, len + 1);
    free(m->failure_text);
    m->failure_text = copy;
    m->failure = copy;
    return 0;
}

int mb__write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t k = write(fd, p, len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return MB_EIO;
        p += k;
        len -= (size_t)k;
    }
    return 0;
}

/* More samples than any plan takes (settings allow 10000), and more words than a packed
 * histogram has (2 per bucket, 15 104 buckets): a header that claims more is garbled. */
#define MAX_SAMPLES ((uint64_t)1 << 24)
#define MAX_HIST_WORDS ((uint64_t)1 << 16)

/* Bytes of the arrays that follow a header, or SIZE_MAX when they cannot be that many. */
static size_t array_bytes(const header *h)
{
    uint64_t per_sample = 2 * sizeof(double) * (1 + h->n_counters) +
                          (h->has_user ? MB_USER_COUNTERS_MAX * sizeof(double) : 0);
    if (h->n_counters > MB__COUNTERS_MAX || h->n > MAX_SAMPLES ||
        h->n > SIZE_MAX / 4 / per_sample || h->hist_words > MAX_HIST_WORDS)
        return SIZE_MAX;
    return (size_t)(h->n * per_sample + h->hist_words * sizeof(uint64_t));
}

int mb__measurement_write(int fd, const mb__measurement *m, int status)
{
    header h;
    memset(&h, 0, sizeof h); /* padding too: the record is written whole */
    h.magic = MAGIC;
    h.status = status;
    h.n = m->n;
    h.n_counters = m->n_counters;
    h.has_failure = m->failure != NULL;
    h.failure_len = m->failure ? strlen(m->failure) : 0;
    h.has_user = m->user_values != NULL;
    h.plan = (int32_t)m->plan;
    h.stop = (int32_t)m->stop;
    h.mode = (int32_t)m->mode;
    h.latency_short = m->latency_short;
    h.hist_words = m->hist ? m->hist_words : 0;
    h.iters_step = m->iters_step;
    h.serial_pairs = m->serial_pairs;
    h.warm_up_iters = m->warm_up_iters;
    h.warm_up_ns = m->warm_up_ns;
    h.latency = m->latency;
    h.report = m->report;
    size_t n = m->n, nc = m->n_counters;
    h.bytes = sizeof h + array_bytes(&h) + h.failure_len;
    int err = mb__write_all(fd, &h, sizeof h);
    if (!err)
        err = mb__write_all(fd, m->iters, n * sizeof *m->iters);
    if (!err)
        err = mb__write_all(fd, m->ns, n * sizeof *m->ns);
    if (!err)
        err = mb__write_all(fd, m->counter_values, n * nc * sizeof *m->counter_values);
    if (!err)
        err = mb__write_all(fd, m->counter_coverage, n * nc * sizeof *m->counter_coverage);
    if (!err && m->user_values)
        err = mb__write_all(fd, m->user_values, n * MB_USER_COUNTERS_MAX * sizeof *m->user_values);
    if (!err)
        err = mb__write_all(fd, m->hist, h.hist_words * sizeof *m->hist);
    if (!err)
        err = mb__write_all(fd, m->failure, h.failure_len);
    return err;
}

/* Reads exactly len bytes. Returns 0, or MB_EIO when the input ends first or fails. */
int mb__read_all(int fd, void *data, size_t len)
{
    char *p = data;
    while (len > 0) {
        ssize_t k = read(fd, p, len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return MB_EIO;
        p += k;
        len -= (size_t)k;
    }
    return 0;
}

/* A new array of count elements of size bytes (room for one at least), read from fd. */
static int read_array(int fd, size_t count, size_t size, void **out)
{
    *out = malloc(count ? count * size : 1);
    if (!*out)
        return MB_ENOMEM;
    return mb__read_all(fd, *out, count * size);
}

/* The measurement of a header whose arrays are still to be read: its scalars, with the
 * strings the writer sent made safe to read whatever they held. */
static void scalars(const header *h, mb__measurement *m)
{
    *m = (mb__measurement){0};
    m->plan = (mb_plan_kind)h->plan;
    m->stop = (mb_stop_reason)h->stop;
    m->mode = (mb_mode)h->mode;
    m->latency_short = h->latency_short;
    m->iters_step = h->iters_step;
    m->serial_pairs = (size_t)h->serial_pairs;
    m->warm_up_iters = h->warm_up_iters;
    m->warm_up_ns = h->warm_up_ns;
    m->latency = h->latency;
    m->report = h->report;
    m->report.message[sizeof m->report.message - 1] = '\0';
    if (m->report.n_user > MB_USER_COUNTERS_MAX)
        m->report.n_user = MB_USER_COUNTERS_MAX;
    for (size_t c = 0; c < MB_USER_COUNTERS_MAX; c++)
        m->report.user_name[c][MB__USER_NAME_MAX - 1] = '\0';
    m->n = (size_t)h->n;
    m->n_counters = (size_t)h->n_counters;
}

/* The arrays and the failure's text that follow header h. */
static int read_arrays(int fd, const header *h, mb__measurement *m)
{
    size_t n = m->n, nc = m->n_counters;
    void *p[6] = {NULL, NULL, NULL, NULL, NULL, NULL};
    int err = read_array(fd, n, sizeof(uint64_t), &p[0]);
    if (!err)
        err = read_array(fd, n, sizeof(double), &p[1]);
    if (!err && nc)
        err = read_array(fd, n * nc, sizeof(double), &p[2]);
    if (!err && nc)
        err = read_array(fd, n * nc, sizeof(double), &p[3]);
    if (!err && h->has_user)
        err = read_array(fd, n * MB_USER_COUNTERS_MAX, sizeof(double), &p[4]);
    if (!err && h->hist_words)
        err = read_array(fd, (size_t)h->hist_words, sizeof(uint64_t), &p[5]);
    m->iters = p[0];
    m->ns = p[1];
    m->counter_values = p[2];
    m->counter_coverage = p[3];
    m->user_values = p[4];
    m->hist = p[5];
    m->hist_words = p[5] ? (size_t)h->hist_words : 0;
    if (err || !h->has_failure)
        return err;
    char *text = malloc((size_t)h->failure_len + 1);
    if (!text)
        return MB_ENOMEM;
    m->failure_text = text;
    err = mb__read_all(fd, text, (size_t)h->failure_len);
    text[h->failure_len] = '\0';
    m->failure = text;
    return err;
}

int mb__measurement_read(int fd, mb__measurement *m, int *status)
{
    header h;
    *m = (mb__measurement){0};
    *status = 0;
    if (mb__read_all(fd, &h, sizeof h) != 0)
        return MB_EIO;
    size_t arrays = array_bytes(&h);
    if (h.magic != MAGIC || arrays == SIZE_MAX || h.failure_len > 65536 ||
        h.bytes != sizeof h + arrays + h.failure_len)
        return MB_EIO;
    scalars(&h, m);
    int err = read_arrays(fd, &h, m);
    if (err) {
        mb__measurement_free(m);
        return err;
    }
    *status = h.status;
    return 0;
}

/* ---- Parts ------------------------------------------------------------------------------ */

/* Concatenates the k arrays of `width` elements per sample of the parts (NULL when a part
 * has none: its entries are NAN, or 0 for iteration counts) into one new array. */
static void *concat(const mb__measurement *parts, size_t k, size_t n, size_t offset, size_t size,
                    size_t width)
{
    char *out = malloc((n * width + 1) * size);
    size_t at = 0;
    for (size_t p = 0; out && p < k; p++) {
        const void *src = *(void *const *)(const void *)((const char *)&parts[p] + offset);
        size_t bytes = parts[p].n * width * size;
        if (src)
            memcpy(out + at, src, bytes);
        else
            for (size_t i = 0; i < parts[p].n * width; i++)
                memcpy(out + at + i * size, &(double){NAN}, size);
        at += bytes;
    }
    return out;
}

/* The latency of the parts together (out: the first part's, as merged so far): their
 * histograms added up, with intervals that hold the spread between parts, the mean of their
 * serial dependence and of their clock's cost. A body near the threshold can be timed alone
 * in one process and found too short in another (a disturbed warm-up): when any part was
 * resolution-limited, only those parts count, so that every time has the clock's cost
 * subtracted alike, and the benchmark is latency_short. Parts without a histogram (failed)
 * are left out; with none, out keeps the first part's latency. Returns 0 or MB_ENOMEM. */
static int merged_latency(const mb__measurement *parts, size_t k, double conf, mb__measurement *out)
{
    mb__histogram *pooled = NULL;
    const uint64_t **packed = malloc((k + 1) * sizeof *packed);
    if (!packed || mb__hist_new(&pooled) != 0) {
        free(packed);
        return MB_ENOMEM;
    }
    int limited = 0;
    for (size_t p = 0; p < k; p++) {
        limited |= parts[p].hist && parts[p].latency.resolution_limited;
        out->latency_short |= parts[p].latency_short;
    }
    size_t used = 0, n_pairs = 0, with_serial = 0;
    double serial = 0, cost = 0;
    for (size_t p = 0; p < k; p++) {
        const mb__measurement *m = &parts[p];
        if (!m->hist || m->latency.resolution_limited != limited ||
            mb__hist_add_packed(pooled, m->hist, m->hist_words) != 0)
            continue;
        packed[used++] = m->hist;
        cost += m->latency.timer_cost_ns;
        if (!isnan(m->latency.serial)) {
            serial += m->latency.serial;
            with_serial++;
            n_pairs += m->serial_pairs;
        }
    }
    if (used > 0) {
        mb__hist_latency_parts(pooled, packed, used,
                               with_serial ? serial / (double)with_serial : NAN,
                               with_serial ? n_pairs / with_serial : 0, conf, &out->latency);
        out->latency.resolution_limited = limited;
        out->latency.timer_cost_ns = cost / (double)used;
    }
    mb__hist_free(pooled);
    free(packed);
    return 0;
}

int mb__measurement_merge(mb__measurement *parts, size_t k, double conf, size_t *part_ends,
                          mb__measurement *out)
{
    size_t n = 0, nc = parts[0].n_counters;
    for (size_t p = 0; p < k; p++) {
        n += parts[p].n;
        part_ends[p] = n;
    }
    *out = parts[0];
    out->n = n;
    out->failure = NULL;
    out->failure_text = NULL;
    out->hist = NULL;
    out->hist_words = 0;
    out->iters = concat(parts, k, n, offsetof(mb__measurement, iters), sizeof(uint64_t), 1);
    out->ns = concat(parts, k, n, offsetof(mb__measurement, ns), sizeof(double), 1);
    out->counter_values =
        nc ? concat(parts, k, n, offsetof(mb__measurement, counter_values), sizeof(double), nc)
           : NULL;
    out->counter_coverage =
        nc ? concat(parts, k, n, offsetof(mb__measurement, counter_coverage), sizeof(double), nc)
           : NULL;
    out->user_values = concat(parts, k, n, offsetof(mb__measurement, user_values), sizeof(double),
                              MB_USER_COUNTERS_MAX);
    int err = out->iters && out->ns && out->user_values && (!nc || out->counter_values) &&
                      (!nc || out->counter_coverage)
                  ? 0
                  : MB_ENOMEM;
    if (!err)
        err = merged_latency(parts, k, conf, out);
    /* The first failure, skip or stop reason other than a reached precision tells. */
    for (size_t p = 0; p < k && !err; p++) {
        if (parts[p].report.outcome && !out->report.outcome)
            out->report = parts[p].report;
        if (parts[p].failure && !out->failure)
            err = mb__measurement_fail(out, parts[p].failure);
        if (parts[p].stop != MB_STOP_PRECISION)
            out->stop = parts[p].stop;
    }
    if (err)
        mb__measurement_free(out);
    return err;
}
