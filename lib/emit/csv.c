/*
 * The two CSV formats, both RFC 4180: fields quoted only when they hold a comma, a quote, CR
 * or LF; quotes doubled; every record, the header included, ends with CRLF; nothing before
 * the header. "csv" has one row per benchmark (a failed one keeps its name, status and
 * message and leaves every numeric field empty); "csv-samples" has one row per raw sample in
 * run order. The columns are fixed: docs/formats.md lists them.
 */
#include "emit.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EOL "\r\n"

typedef struct csv_emitter {
    FILE *out;
} csv_emitter;

static const char summary_header[] =
    "name,status,message,samples,total_iters,confidence,median_ns,median_low_ns,"
    "median_high_ns,rel_half_width,mean_ns,mean_low_ns,mean_high_ns,std_dev_ns,mad_ns,min_ns,"
    "slope_ns,slope_low_ns,slope_high_ns,r_squared,cv,outliers,outlier_effect,warnings,"
    "verdict,change_ratio,change_low,change_high,change_p,change_reason,group,paired_verdict,"
    "paired_ratio,paired_low,paired_high,paired_p,paired_reason,counters,instructions_per_iter,"
    "instructions_verdict,bytes_per_second,items_per_second,mode,threads,invocations,p50_ns,"
    "p50_low_ns,p50_high_ns,p90_ns,p90_low_ns,p90_high_ns,p95_ns,p95_low_ns,p95_high_ns,p99_ns,"
    "p99_low_ns,p99_high_ns,p99.9_ns,p99.9_low_ns,p99.9_high_ns,max_ns,user_counters" EOL;

/* The columns after message, all numeric or derived from numbers. */
#define SUMMARY_NUMERIC_COLUMNS 59

static const char samples_header[] = "name,sample,iters,time_ns,ns_per_iter,outlier" EOL;

static int csv_begin_summary(void *user, const mb_run_info *info)
{
    csv_emitter *c = user;
    (void)info;
    fputs(summary_header, c->out);
    return ferror(c->out) ? MB_EIO : 0;
}

static int csv_begin_samples(void *user, const mb_run_info *info)
{
    csv_emitter *c = user;
    (void)info;
    fputs(samples_header, c->out);
    return ferror(c->out) ? MB_EIO : 0;
}

/* ",v" for each number of an estimate's point and interval. */
static void interval(FILE *out, const mb_estimate *e)
{
    fputc(',', out);
    mb__csv_number(out, e->point);
    fputc(',', out);
    mb__csv_number(out, e->low);
    fputc(',', out);
    mb__csv_number(out, e->high);
}

static void number(FILE *out, double v)
{
    fputc(',', out);
    mb__csv_number(out, v);
}

/* The warning names joined with ';' (none contains a separator, so no quoting is needed). */
static void warning_names(FILE *out, unsigned bits)
{
    const char *sep = "";
    for (int i = 0; i < MB_WARN_COUNT; i++) {
        unsigned bit = 1u << i;
        if (bits & bit) {
            fprintf(out, "%s%s", sep, mb_warning_name(bit));
            sep = ";";
        }
    }
}

/* A change's verdict, ratio, interval, adjusted p-value and, beside an inconclusive verdict,
 * its reason; empty without one. */
static void change_columns(FILE *out, const mb_change *ch)
{
    int compared = ch->verdict != MB_VERDICT_NONE;
    fprintf(out, ",%s", compared ? mb_verdict_name(ch->verdict) : "");
    number(out, compared ? ch->ratio : NAN);
    number(out, compared ? ch->low : NAN);
    number(out, compared ? ch->high : NAN);
    number(out, compared ? ch->p_adjusted : NAN);
    const char *why = ch->verdict == MB_VERDICT_INCONCLUSIVE ? mb_reason_name(ch->reason) : NULL;
    fprintf(out, ",%s", why ? why : "");
}

/* The counters' medians per iteration as "name=value;name=value" (empty value when
 * unavailable); counter names hold no ';' or '=', and the field is quoted if needed. */
static void counter_column(FILE *out, const mb_result *r)
{
    char field[1024];
    size_t len = 0;
    field[0] = '\0';
    for (size_t i = 0; i < r->n_counters && r->counters && len < sizeof field; i++) {
        char v[40] = "";
        if (isfinite(r->counters[i].per_iter.point))
            mb__fmt_double(v, sizeof v, r->counters[i].per_iter.point);
        len += (size_t)snprintf(field + len, sizeof field - len, "%s%s=%s", i ? ";" : "",
                                r->counters[i].name, v);
    }
    fputc(',', out);
    mb__csv_string(out, field);
}

/* The mode, the thread count, and the per-invocation percentiles with their intervals and
 * the maximum (empty for results without them). The header names the percentiles of
 * mb_latency in their fixed order. */
static void latency_columns(FILE *out, const mb_result *r)
{
    const mb_latency *l = &r->latency;
    fprintf(out, ",%s,%u,", mb_mode_name(r->mode), mb__threads(r));
    if (l->n)
        fprintf(out, "%" PRIu64, l->n);
    for (int i = 0; i < MB_PERCENTILES; i++) {
        number(out, l->n ? l->percentiles[i].ns : NAN);
        number(out, l->n ? l->percentiles[i].low : NAN);
        number(out, l->n ? l->percentiles[i].high : NAN);
    }
    number(out, l->n ? l->max_ns : NAN);
}

/* Appends s to field at *len, with '%', ';', '=' and control characters percent-encoded so
 * that a name cannot break "name=value;name=value" apart. Returns 0, or -1 (nothing
 * appended) when it does not fit. */
static int append_encoded(char *field, size_t size, size_t *len, const char *s)
{
    size_t at = *len;
    if (at >= size)
        return -1;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        int encode = *p == '%' || *p == ';' || *p == '=' || *p < 0x20 || *p == 0x7f;
        if (at + 4 > size)
            return -1;
        if (encode)
            at += (size_t)snprintf(field + at, size - at, "%%%02X", *p);
        else
            field[at++] = (char)*p;
    }
    field[at] = '\0';
    *len = at;
    return 0;
}

/* The user counters' medians as "name=value;name=value" in the order the body set them
 * (empty value when not computable). A counter that no longer fits the field is left out
 * whole; with at most MB_USER_COUNTERS_MAX names of 63 bytes none is. */
static void user_counter_column(FILE *out, const mb_result *r)
{
    char field[4096];
    size_t len = 0;
    field[0] = '\0';
    for (size_t i = 0; i < r->n_user_counters && r->user_counters; i++) {
        const mb_user_counter *c = &r->user_counters[i];
        char v[40] = "";
        if (isfinite(c->value.point))
            mb__fmt_double(v, sizeof v, c->value.point);
        size_t before = len;
        if (i && len + 2 <= sizeof field)
            field[len++] = ';';
        if (append_encoded(field, sizeof field, &len, c->name ? c->name : "") != 0 ||
            len + 1 + strlen(v) + 1 > sizeof field) {
            field[before] = '\0';
            len = before;
            break;
        }
        len += (size_t)snprintf(field + len, sizeof field - len, "=%s", v);
    }
    fputc(',', out);
    mb__csv_string(out, field);
}

static int csv_result_summary(void *user, const mb_run_info *info, const mb_result *r)
{
    csv_emitter *c = user;
    FILE *out = c->out;
    (void)info;
    mb__csv_string(out, r->name);
    fputc(',', out);
    mb__csv_string(out, mb_status_name(r->status));
    fputc(',', out);
    mb__csv_string(out, r->message);
    if (r->status != MB_STATUS_OK) {
        for (int i = 0; i < SUMMARY_NUMERIC_COLUMNS; i++)
            fputc(',', out);
        fputs(EOL, out);
        return ferror(out) ? MB_EIO : 0;
    }
    const mb_outliers *o = &r->outliers;
    uint64_t n_outliers = (uint64_t)o->low_severe + o->low_mild + o->high_mild + o->high_severe;
    fprintf(out, ",%zu,%" PRIu64, r->n_samples, r->total_iters);
    number(out, r->confidence);
    interval(out, &r->median);
    number(out, r->rel_half_width);
    interval(out, &r->mean);
    number(out, r->std_dev.point);
    number(out, r->mad.point);
    number(out, r->min.point);
    interval(out, &r->slope);
    number(out, r->r_squared);
    number(out, r->cv);
    fprintf(out, ",%" PRIu64 ",%s,", n_outliers, mb__effect_name(o->effect));
    warning_names(out, r->warnings);
    change_columns(out, &r->change);
    fputc(',', out);
    mb__csv_string(out, r->group);
    change_columns(out, &r->paired);
    counter_column(out, r);
    number(out, r->instructions_per_iter);
    fprintf(out, ",%s",
            r->instructions_change.verdict != MB_VERDICT_NONE
                ? mb_verdict_name(r->instructions_change.verdict)
                : "");
    number(out, r->bytes_per_s.per_iter > 0 ? r->bytes_per_s.point : NAN);
    number(out, r->items_per_s.per_iter > 0 ? r->items_per_s.point : NAN);
    latency_columns(out, r);
    user_counter_column(out, r);
    fputs(EOL, out);
    return ferror(out) ? MB_EIO : 0;
}

static int csv_result_samples(void *user, const mb_run_info *info, const mb_result *r)
{
    csv_emitter *c = user;
    FILE *out = c->out;
    (void)info;
    size_t n = r->sample_iters && r->sample_ns ? r->n_samples : 0;
    for (size_t i = 0; i < n; i++) {
        mb__csv_string(out, r->name);
        fprintf(out, ",%zu,%" PRIu64, i, r->sample_iters[i]);
        number(out, r->sample_ns[i]);
        number(out, r->sample_iters[i] ? r->sample_ns[i] / (double)r->sample_iters[i] : NAN);
        fputc(',', out);
        if (r->sample_outlier)
            fputs(mb__outlier_class_name(r->sample_outlier[i]), out);
        fputs(EOL, out);
    }
    return ferror(out) ? MB_EIO : 0;
}

static int csv_end(void *user, const mb_run_info *info)
{
    csv_emitter *c = user;
    (void)info;
    fflush(c->out);
    return ferror(c->out) ? MB_EIO : 0;
}

static void csv_destroy(void *user)
{
    free(user);
}

static int make(mb_emitter *e, FILE *out, int (*begin)(void *, const mb_run_info *),
                int (*result)(void *, const mb_run_info *, const mb_result *))
{
    csv_emitter *c = calloc(1, sizeof *c);
    if (!c)
        return MB_ENOMEM;
    c->out = out;
    *e = (mb_emitter){c, begin, result, csv_end, csv_destroy};
    return 0;
}

int mb__emitter_csv(mb_emitter *e, FILE *out)
{
    return make(e, out, csv_begin_summary, csv_result_summary);
}

int mb__emitter_csv_samples(mb_emitter *e, FILE *out)
{
    return make(e, out, csv_begin_samples, csv_result_samples);
}
