/*
 * Bencher Metric Format (https://bencher.dev/docs/reference/bencher-metric-format/): one
 * object keyed by benchmark name, each with a "latency" measure whose value is the median
 * time per iteration in ns and whose lower_value and upper_value are its confidence
 * interval (left out when not computable); throughput, instructions, counters, the
 * percentiles of latency results ("p50" ... "p99.9", ns) and user counters are measures of
 * their own. Failed benchmarks are left out: BMF has no way to say that a benchmark failed,
 * and a made-up value would be tracked as a measurement.
 */
#include "emit.h"

#include <math.h>
#include <stdlib.h>

typedef struct bmf_emitter {
    FILE *out;
    size_t n_written;
} bmf_emitter;

static int bmf_begin(void *user, const mb_run_info *info)
{
    bmf_emitter *b = user;
    (void)info;
    b->n_written = 0; /* a context may run again */
    fputc('{', b->out);
    return ferror(b->out) ? MB_EIO : 0;
}

/* A measure: its value, and its bounds when both are known. */
static void measure(FILE *out, const char *name, double value, double low, double high)
{
    fputs(",\n    ", out);
    mb__json_string(out, name);
    fputs(": {\n      \"value\": ", out);
    mb__json_number(out, value);
    if (isfinite(low) && isfinite(high)) {
        fputs(",\n      \"lower_value\": ", out);
        mb__json_number(out, low);
        fputs(",\n      \"upper_value\": ", out);
        mb__json_number(out, high);
    }
    fputs("\n    }", out);
}

static int bmf_result(void *user, const mb_run_info *info, const mb_result *r)
{
    bmf_emitter *b = user;
    FILE *out = b->out;
    (void)info;
    if (r->status != MB_STATUS_OK || !isfinite(r->median.point))
        return 0;
    fputs(b->n_written ? ",\n  " : "\n  ", out);
    mb__json_string(out, r->name);
    fputs(": {\n    \"latency\": {\n      \"value\": ", out);
    mb__json_number(out, r->median.point);
    if (isfinite(r->median.low) && isfinite(r->median.high)) {
        fputs(",\n      \"lower_value\": ", out);
        mb__json_number(out, r->median.low);
        fputs(",\n      \"upper_value\": ", out);
        mb__json_number(out, r->median.high);
    }
    fputs("\n    }", out);
    if (r->bytes_per_s.per_iter > 0 && isfinite(r->bytes_per_s.point)) {
        fputs(",\n    \"throughput\": {\n      \"value\": ", out);
        mb__json_number(out, r->bytes_per_s.point);
        fputs(",\n      \"lower_value\": ", out);
        mb__json_number(out, r->bytes_per_s.low);
        fputs(",\n      \"upper_value\": ", out);
        mb__json_number(out, r->bytes_per_s.high);
        fputs("\n    }", out);
    }
    if (isfinite(r->instructions_per_iter)) {
        fputs(",\n    \"instructions\": {\n      \"value\": ", out);
        mb__json_number(out, r->instructions_per_iter);
        fputs("\n    }", out);
    }
    /* Each counted counter as a measure of its own, per iteration. */
    for (size_t i = 0; i < r->n_counters && r->counters; i++) {
        const mb_counter *c = &r->counters[i];
        if (c->available && isfinite(c->per_iter.point))
            measure(out, c->name, c->per_iter.point, c->per_iter.low, c->per_iter.high);
    }
    /* Per-invocation percentiles of latency and cold results, in ns. */
    for (int i = 0; r->latency.n && i < MB_PERCENTILES; i++) {
        const mb_percentile *p = &r->latency.percentiles[i];
        char name[32];
        mb__percentile_name(name, sizeof name, p->p);
        if (isfinite(p->ns))
            measure(out, name, p->ns, p->low, p->high);
    }
    /* User counters, each a measure named after it, in the unit its kind gives. */
    for (size_t i = 0; i < r->n_user_counters && r->user_counters; i++) {
        const mb_user_counter *c = &r->user_counters[i];
        if (isfinite(c->value.point))
            measure(out, c->name, c->value.point, c->value.low, c->value.high);
    }
    fputs("\n  }", out);
    b->n_written++;
    return ferror(out) ? MB_EIO : 0;
}

static int bmf_end(void *user, const mb_run_info *info)
{
    bmf_emitter *b = user;
    (void)info;
    fputs(b->n_written ? "\n}\n" : "}\n", b->out);
    fflush(b->out);
    return ferror(b->out) ? MB_EIO : 0;
}

static void bmf_destroy(void *user)
{
    free(user);
}

int mb__emitter_bmf(mb_emitter *e, FILE *out)
{
    bmf_emitter *b = calloc(1, sizeof *b);
    if (!b)
        return MB_ENOMEM;
    b->out = out;
    *e = (mb_emitter){b, bmf_begin, bmf_result, bmf_end, bmf_destroy};
    return 0;
}
