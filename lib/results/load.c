/*
 * Results files read back (mb_results_read): a document of the JSON format
 * (docs/formats.md), checked strictly by json_read.c, becomes a set of mb_result and the run's
 * mb_run_info, with every field the format records. Members are optional, so that files of
 * older versions of the format still read (a missing one keeps an empty result's value), but
 * a member that is present must have its type; a result must have a name, a status and its
 * raw samples, whose arrays must agree. Members this version does not know are ignored, as
 * version 1 may gain fields; a newer schema_version is refused, saying so.
 *
 * The reader keeps its first error and turns every later call into a no-op, so that a
 * function reads a whole object in a list of calls and checks once.
 */
#define _POSIX_C_SOURCE 200809L

#include "names.h"
#include "baseline.h"
#include "emit.h"
#include "json_read.h"
#include "set.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The largest results file read: a run of tens of thousands of benchmarks with their raw
 * samples writes about 100 MB (docs/performance.md, "Scale"); reading one takes about 2.5
 * times its size in memory at the peak. */
#define MB__RESULTS_MAX_BYTES ((size_t)256 << 20)

typedef struct reader {
    mb_results *set; /* what is being read, and owns what is kept */
    mb__json_error *je;
    int rc;           /* the first error, or 0 */
    double version;   /* the document's schema_version, when it is not 1 */
    int has_settings; /* the document records its run's settings */
} reader;

typedef const mb__json_value json;

/* The member key of obj, or NULL when it is absent or null (or after an error). */
static json *member(const reader *rd, json *obj, const char *key)
{
    json *v = rd->rc ? NULL : mb__json_get(obj, key);
    return v && v->kind != MB__JSON_NULL ? v : NULL;
}

/* An error at v's position. */
static void problem(reader *rd, json *v, const char *what, const char *key)
{
    rd->je->line = v->line;
    rd->je->column = v->column;
    snprintf(rd->je->message, sizeof rd->je->message, "line %u, column %u: member \"%s\" %s",
             v->line, v->column, key, what);
    rd->rc = MB_EINVAL;
}

static void *keep(reader *rd, size_t size)
{
    void *block = rd->rc ? NULL : mb__results_keep(rd->set, size);
    if (!block && !rd->rc)
        rd->rc = MB_ENOMEM;
    return block;
}

static json *object(reader *rd, json *obj, const char *key)
{
    json *v = member(rd, obj, key);
    if (v && (rd->rc = mb__json_get_object(obj, key, &v, rd->je)) < 0)
        return NULL;
    return v;
}

/* An array of at most max items. */
static json *array(reader *rd, json *obj, const char *key, size_t max)
{
    json *v = member(rd, obj, key);
    if (v && (rd->rc = mb__json_get_array(obj, key, &v, rd->je)) < 0)
        return NULL;
    if (v && v->len > max) {
        problem(rd, v, "has too many items", key);
        return NULL;
    }
    return v;
}

/* A number, NAN for null; *out unchanged when absent. */
static void number(reader *rd, json *obj, const char *key, double *out)
{
    if (!rd->rc && mb__json_get(obj, key))
        rd->rc = mb__json_get_number_or_null(obj, key, out, rd->je);
}

static void uint64(reader *rd, json *obj, const char *key, uint64_t *out)
{
    if (member(rd, obj, key))
        rd->rc = mb__json_get_uint(obj, key, out, rd->je);
}

static void uint32(reader *rd, json *obj, const char *key, uint32_t *out)
{
    uint64_t v = *out;
    uint64(rd, obj, key, &v);
    if (v > UINT32_MAX)
        problem(rd, mb__json_get(obj, key), "is too large", key);
    *out = (uint32_t)v;
}

/* An integer, possibly negative; *out unchanged when absent or null. */
static void integer(reader *rd, json *obj, const char *key, long long *out)
{
    double v = NAN;
    number(rd, obj, key, &v);
    if (isnan(v) || rd->rc)
        return;
    if (v != floor(v) || fabs(v) > 9007199254740992.0)
        problem(rd, mb__json_get(obj, key), "must be an integer", key);
    else
        *out = (long long)v;
}

static void integer_int(reader *rd, json *obj, const char *key, int *out)
{
    long long v = *out;
    integer(rd, obj, key, &v);
    *out = v >= INT32_MIN && v <= INT32_MAX ? (int)v : *out;
}

/* true 1, false 0, null -1. */
static void tristate(reader *rd, json *obj, const char *key, int *out)
{
    json *v = rd->rc ? NULL : mb__json_get(obj, key);
    if (v && v->kind == MB__JSON_NULL)
        *out = -1;
    else if (v)
        rd->rc = mb__json_get_bool(obj, key, out, rd->je);
}

/* A string kept by the set; NULL for null; *out unchanged when absent. */
static void string(reader *rd, json *obj, const char *key, const char **out)
{
    json *v = rd->rc ? NULL : mb__json_get(obj, key);
    const char *s = NULL;
    if (!v || (v->kind != MB__JSON_NULL && (rd->rc = mb__json_get_string(obj, key, &s, rd->je))))
        return;
    *out = s ? mb__results_keep_string(rd->set, s) : NULL;
    if (s && !*out)
        rd->rc = MB_ENOMEM;
}

/* The index of a name among count that name_of gives, into *out; absent or null: unchanged. */
static void enum_name(reader *rd, json *obj, const char *key, const char *(*name_of)(int),
                      int count, int *out)
{
    json *v = member(rd, obj, key);
    const char *s;
    if (!v || (rd->rc = mb__json_get_string(obj, key, &s, rd->je)) < 0)
        return;
    for (int i = 0; i < count; i++)
        if (strcmp(name_of(i), s) == 0) {
            *out = i;
            return;
        }
    problem(rd, v, "has an unknown value", key);
}

static const char *status_name(int v)
{
    return mb_status_name((mb_status)v);
}
static const char *mode_name(int v)
{
    return mb_mode_name((mb_mode)v);
}
static const char *plan_name(int v)
{
    return mb_plan_name((mb_plan_kind)v);
}
static const char *stop_name(int v)
{
    return mb_stop_name((mb_stop_reason)v);
}
static const char *verdict_name(int v)
{
    return mb_verdict_name((mb_verdict)v);
}
static const char *reason_name(int v)
{
    return mb_reason_name((mb_reason)v);
}
static const char *effect_name(int v)
{
    return mb__effect_name((mb_outlier_effect)v);
}
static const char *kind_name(int v)
{
    return mb__counter_kind_name((mb_counter_kind)v);
}

/* "0x6d6963726f626521": a seed as the JSON writes it. */
static void seed(reader *rd, json *obj, const char *key, uint64_t *out)
{
    const char *s = NULL;
    json *v = member(rd, obj, key);
    if (!v || (rd->rc = mb__json_get_string(obj, key, &s, rd->je)) < 0)
        return;
    uint64_t x = 0;
    size_t len = strlen(s), i = 2;
    for (; len > 2 && len <= 18 && s[0] == '0' && s[1] == 'x' && i < len; i++) {
        const char *digits = "0123456789abcdef", *d = strchr(digits, s[i]);
        if (!d || !*d)
            break;
        x = x << 4 | (uint64_t)(d - digits);
    }
    if (len <= 2 || i != len)
        problem(rd, v, "must be a hexadecimal string \"0x...\" of at most 16 digits", key);
    else
        *out = x;
}

/* ---- The run ----------------------------------------------------------------------------- */

static void caches(reader *rd, json *ctx)
{
    json *list = array(rd, ctx, "caches", 64);
    mb_cache *c = list && list->len ? keep(rd, list->len * sizeof *c) : NULL;
    for (size_t i = 0; c && i < list->len && !rd->rc; i++) {
        json *item = &list->u.items[i];
        rd->rc = mb__json_expect(item, MB__JSON_OBJECT, "item of \"caches\"", rd->je);
        c[i].type = "";
        integer_int(rd, item, "level", &c[i].level);
        string(rd, item, "type", &c[i].type);
        uint64(rd, item, "size_bytes", &c[i].size_bytes);
        integer_int(rd, item, "shared_by", &c[i].shared_by);
    }
    if (c) {
        rd->set->env.caches = c;
        rd->set->env.n_caches = list->len;
    }
}

/* "user": {"key": "value"} as settings.context's "key=value" strings. */
static void user_context(reader *rd, json *ctx)
{
    json *user = object(rd, ctx, "user");
    const char **entries = user && user->len ? keep(rd, user->len * sizeof *entries) : NULL;
    for (size_t i = 0; entries && i < user->len && !rd->rc; i++) {
        const mb__json_member *m = &user->u.members[i];
        if ((rd->rc = mb__json_expect(&m->value, MB__JSON_STRING, "a context value", rd->je)))
            return;
        char *entry = keep(rd, strlen(m->key) + m->value.len + 2);
        if (entry)
            snprintf(entry, strlen(m->key) + m->value.len + 2, "%s=%s", m->key, m->value.u.string);
        entries[i] = entry;
    }
    if (entries && !rd->rc) {
        rd->set->settings.context = entries;
        rd->set->settings.n_context = user->len;
    }
}

static void environment(reader *rd, json *ctx)
{
    mb_environment *env = &rd->set->env;
    mb_run_info *info = &rd->set->info;
    long long start = 0;
    string(rd, ctx, "date", &env->date);
    integer(rd, ctx, "start_time_unix_s", &start);
    info->start_time_unix = start;
    string(rd, ctx, "host", &env->host);
    string(rd, ctx, "executable", &env->executable);
    string(rd, ctx, "os", &env->os);
    string(rd, ctx, "cpu_model", &env->cpu_model);
    integer_int(rd, ctx, "logical_cpus", &env->logical_cpus);
    caches(rd, ctx);
    json *load = array(rd, ctx, "load_avg", 3);
    for (size_t i = 0; load && i < load->len && !rd->rc; i++)
        rd->rc = mb__json_as_number_or_null(&load->u.items[i], "item of \"load_avg\"",
                                            &env->load_avg[i], rd->je);
    integer_int(rd, ctx, "aslr", &env->aslr);
    string(rd, ctx, "timer", &info->timer);
    number(rd, ctx, "timer_resolution_ns", &info->timer_resolution_ns);
    number(rd, ctx, "timer_cost_ns", &info->timer_cost_ns);
    number(rd, ctx, "min_sample_ns", &info->min_sample_ns);
    number(rd, ctx, "loop_overhead_ns", &info->loop_overhead_ns);
    seed(rd, ctx, "seed", &info->seed);
    string(rd, ctx, "library_version", &info->library_version);
    string(rd, ctx, "build_type", &env->build_type);
    string(rd, ctx, "compiler", &env->compiler);
    string(rd, ctx, "governor", &env->governor);
    tristate(rd, ctx, "boost", &env->boost);
    tristate(rd, ctx, "smt", &env->smt);
    string(rd, ctx, "isolated_cpus", &env->isolated_cpus);
    tristate(rd, ctx, "virtualized", &env->virtualized);
    number(rd, ctx, "perf_event_paranoid", &env->perf_event_paranoid);
    user_context(rd, ctx);
    /* The strings of an environment are never NULL. */
    const char **strings[] = {
        &env->date,          &env->host,       &env->executable,      &env->os,
        &env->cpu_model,     &env->build_type, &env->compiler,        &env->governor,
        &env->isolated_cpus, &info->timer,     &info->library_version};
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        if (!*strings[i])
            *strings[i] = "";
}

static void settings(reader *rd, json *obj)
{
    mb_settings *s = &rd->set->settings;
    number(rd, obj, "warm_up_time_s", &s->warm_up_time_s);
    number(rd, obj, "measurement_time_s", &s->measurement_time_s);
    uint32(rd, obj, "min_samples", &s->min_samples);
    uint32(rd, obj, "max_samples", &s->max_samples);
    number(rd, obj, "precision", &s->precision);
    number(rd, obj, "confidence", &s->confidence);
    uint32(rd, obj, "resamples", &s->resamples);
    seed(rd, obj, "seed", &s->seed);
    string(rd, obj, "filter", &s->filter);
    integer_int(rd, obj, "log_level", &s->log_level);
    tristate(rd, obj, "smoke", &s->smoke);
    number(rd, obj, "profile_time_s", &s->profile_time_s);
    /* Files written before parts have neither: they were measured in one part. */
    s->forks = 0;
    s->rounds = 1;
    if (mb__json_get(obj, "forks"))
        uint32(rd, obj, "forks", &s->forks);
    if (mb__json_get(obj, "rounds"))
        uint32(rd, obj, "rounds", &s->rounds);
    s->quick = -1; /* unknown in files written before it was recorded */
    tristate(rd, obj, "quick", &s->quick);
    rd->has_settings = 1;
}

static void complexity(reader *rd, json *root)
{
    json *list = array(rd, root, "complexity", 100000);
    mb_complexity *out = list && list->len ? keep(rd, list->len * sizeof *out) : NULL;
    for (size_t i = 0; out && i < list->len && !rd->rc; i++) {
        json *c = &list->u.items[i];
        rd->rc = mb__json_expect(c, MB__JSON_OBJECT, "item of \"complexity\"", rd->je);
        string(rd, c, "benchmark", &out[i].benchmark);
        string(rd, c, "parameter", &out[i].parameter);
        uint64_t points = 0;
        uint64(rd, c, "points", &points);
        out[i].n_points = (size_t)points;
        json *fits = array(rd, c, "fits", MB_COMPLEXITY_MODELS + 1);
        for (size_t m = 0; fits && m < fits->len && !rd->rc; m++) {
            json *f = &fits->u.items[m];
            mb_complexity_fit *fit = &out[i].fits[m];
            int user = 0;
            rd->rc = mb__json_expect(f, MB__JSON_OBJECT, "item of \"fits\"", rd->je);
            string(rd, f, "model", &fit->name);
            tristate(rd, f, "user", &user);
            fit->intercept_ns = 0; /* files written before intercepts have none */
            number(rd, f, "intercept_ns", &fit->intercept_ns);
            number(rd, f, "coefficient_ns", &fit->coefficient_ns);
            number(rd, f, "rms", &fit->rms);
            fit->model = MB_O_USER;
            for (int k = 0; user != 1 && fit->name && k < MB_COMPLEXITY_MODELS; k++)
                if (strcmp(fit->name, mb_complexity_name((mb_complexity_model)k)) == 0)
                    fit->model = (mb_complexity_model)k;
        }
        out[i].n_fits = fits ? fits->len : 0;
    }
    if (out && !rd->rc) {
        rd->set->info.complexity = out;
        rd->set->info.n_complexity = list->len;
    }
}

/* ---- One benchmark ----------------------------------------------------------------------- */

/* An empty result: what a member missing from the file leaves. */
static void empty_result(mb_result *r)
{
    *r = (mb_result){0};
    mb_estimate *e[] = {&r->median, &r->mean, &r->std_dev, &r->mad, &r->min, &r->slope};
    for (size_t i = 0; i < sizeof e / sizeof e[0]; i++)
        *e[i] = (mb_estimate){NAN, NAN, NAN, NAN};
    double *d[] = {&r->warm_up_ns,
                   &r->wall_time_s,
                   &r->confidence,
                   &r->intercept_ns,
                   &r->r_squared,
                   &r->median_level,
                   &r->median_boot_low,
                   &r->median_boot_high,
                   &r->q1,
                   &r->q3,
                   &r->iqr,
                   &r->cv,
                   &r->mdape,
                   &r->rel_half_width,
                   &r->drift_tau,
                   &r->drift_p,
                   &r->drift,
                   &r->lag1_autocorr,
                   &r->instructions_per_iter};
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
        *d[i] = NAN;
    r->ratios = (mb_counter_ratios){NAN, NAN, NAN};
    r->bytes_per_s = r->items_per_s = (mb_rate){0, NAN, NAN, NAN};
    r->threads = 1;
}

static void build(reader *rd, json *b, mb_result *r)
{
    json *obj = object(rd, b, "build");
    if (!obj)
        return;
    int optimized = -1, ndebug = -1;
    const char *optimization = NULL;
    string(rd, obj, "compiler", &r->compiler);
    tristate(rd, obj, "optimized", &optimized);
    string(rd, obj, "optimization", &optimization);
    tristate(rd, obj, "ndebug", &ndebug);
    if (optimized < 0)
        return; /* a descriptor filled by hand: unknown */
    r->build = MB_BUILD_KNOWN | (optimized ? MB_BUILD_OPTIMIZED : 0u) |
               (ndebug == 1 ? MB_BUILD_NDEBUG : 0u) |
               (optimization && strcmp(optimization, "-Os") == 0 ? MB_BUILD_OPTIMIZE_SIZE : 0u);
    json *list = array(rd, obj, "sanitizers", 16);
    for (size_t i = 0; list && i < list->len && !rd->rc; i++) {
        json *item = &list->u.items[i];
        rd->rc = mb__json_expect(item, MB__JSON_STRING, "item of \"sanitizers\"", rd->je);
        for (size_t k = 0; !rd->rc && k < MB__SANITIZERS; k++)
            if (strcmp(item->u.string, mb__sanitizers[k].name) == 0)
                r->build |= mb__sanitizers[k].bit;
    }
}

/* "parameters": {"n": 64, "load": 0.5, "kind": "hit"}: integers, doubles and strings. */
static void parameters(reader *rd, json *b, mb_result *r)
{
    json *obj = object(rd, b, "parameters");
    mb_param_value *v = obj && obj->len ? keep(rd, obj->len * sizeof *v) : NULL;
    for (size_t i = 0; v && i < obj->len && !rd->rc; i++) {
        const mb__json_member *m = &obj->u.members[i];
        double d = m->value.kind == MB__JSON_NUMBER ? m->value.u.number : 0;
        v[i].name = mb__results_keep_string(rd->set, m->key);
        if (m->value.kind == MB__JSON_STRING) {
            v[i].kind = MB_PARAM_STRING;
            v[i].s = mb__results_keep_string(rd->set, m->value.u.string);
        } else if (m->value.kind == MB__JSON_NULL) {
            v[i].kind = MB_PARAM_INT;
            v[i].i = INT64_MIN;
        } else if (m->value.kind == MB__JSON_NUMBER && d == floor(d) && fabs(d) < 9.2e18) {
            v[i].kind = strcmp(m->key, "threads") == 0 ? MB_PARAM_THREADS : MB_PARAM_INT;
            v[i].i = (int64_t)d;
        } else if (m->value.kind == MB__JSON_NUMBER) {
            v[i].kind = MB_PARAM_DOUBLE;
            v[i].d = d;
        } else {
            problem(rd, &m->value, "must be a number or a string", m->key);
        }
        if (!rd->rc && (!v[i].name || (v[i].kind == MB_PARAM_STRING && !v[i].s)))
            rd->rc = MB_ENOMEM;
    }
    if (v) {
        r->params = v;
        r->n_params = obj->len;
    }
}

/* {"point_ns", "low_ns", "high_ns", "std_error_ns"}, the estimate's object (or NULL). */
static json *estimate(reader *rd, json *obj, const char *key, mb_estimate *e)
{
    json *v = object(rd, obj, key);
    number(rd, v, "point_ns", &e->point);
    number(rd, v, "low_ns", &e->low);
    number(rd, v, "high_ns", &e->high);
    number(rd, v, "std_error_ns", &e->std_error);
    return v;
}

static void estimates(reader *rd, json *b, mb_result *r)
{
    json *obj = object(rd, b, "estimates");
    if (!obj)
        return;
    json *median = estimate(rd, obj, "median", &r->median);
    number(rd, median, "level", &r->median_level);
    number(rd, median, "bootstrap_low_ns", &r->median_boot_low);
    number(rd, median, "bootstrap_high_ns", &r->median_boot_high);
    estimate(rd, obj, "mean", &r->mean);
    json *slope = estimate(rd, obj, "slope", &r->slope);
    number(rd, slope, "r_squared", &r->r_squared);
    number(rd, slope, "intercept_ns", &r->intercept_ns);
    estimate(rd, obj, "std_dev", &r->std_dev);
    estimate(rd, obj, "mad", &r->mad);
    estimate(rd, obj, "min", &r->min);
}

static void spread(reader *rd, json *b, mb_result *r)
{
    json *d = object(rd, b, "distribution");
    number(rd, d, "q1_ns", &r->q1);
    number(rd, d, "q3_ns", &r->q3);
    number(rd, d, "iqr_ns", &r->iqr);
    number(rd, d, "cv", &r->cv);
    number(rd, d, "mdape", &r->mdape);
    number(rd, d, "rel_half_width", &r->rel_half_width);
    json *o = object(rd, b, "outliers");
    mb_outliers *out = &r->outliers;
    number(rd, o, "low_severe_fence_ns", &out->low_severe_fence);
    number(rd, o, "low_mild_fence_ns", &out->low_mild_fence);
    number(rd, o, "high_mild_fence_ns", &out->high_mild_fence);
    number(rd, o, "high_severe_fence_ns", &out->high_severe_fence);
    uint32(rd, o, "low_severe", &out->low_severe);
    uint32(rd, o, "low_mild", &out->low_mild);
    uint32(rd, o, "high_mild", &out->high_mild);
    uint32(rd, o, "high_severe", &out->high_severe);
    number(rd, o, "variance_fraction", &out->variance_fraction);
    int effect = (int)out->effect;
    enum_name(rd, o, "effect", effect_name, 4, &effect);
    out->effect = (mb_outlier_effect)effect;
    json *diag = object(rd, b, "diagnostics");
    number(rd, diag, "drift_tau", &r->drift_tau);
    number(rd, diag, "drift_p", &r->drift_p);
    number(rd, diag, "drift", &r->drift);
    number(rd, diag, "lag1_autocorr", &r->lag1_autocorr);
}

static void latency(reader *rd, json *b, mb_result *r)
{
    static const double p[MB_PERCENTILES] = {0.5, 0.9, 0.95, 0.99, 0.999};
    json *obj = object(rd, b, "latency");
    if (!obj)
        return;
    mb_latency *l = &r->latency;
    uint64(rd, obj, "n", &l->n);
    number(rd, obj, "threshold_ns", &l->threshold_ns);
    number(rd, obj, "relative_resolution", &l->relative_resolution);
    number(rd, obj, "min_ns", &l->min_ns);
    number(rd, obj, "max_ns", &l->max_ns);
    number(rd, obj, "mean_ns", &l->mean_ns);
    l->serial = l->timer_cost_ns = l->timer_resolution_ns = NAN;
    number(rd, obj, "serial", &l->serial);
    tristate(rd, obj, "resolution_limited", &l->resolution_limited);
    l->resolution_limited = l->resolution_limited > 0;
    number(rd, obj, "timer_cost_ns", &l->timer_cost_ns);
    number(rd, obj, "timer_resolution_ns", &l->timer_resolution_ns);
    json *percentiles = object(rd, obj, "percentiles");
    for (int i = 0; i < MB_PERCENTILES; i++) {
        char name[32];
        mb__percentile_name(name, sizeof name, p[i]);
        json *v = object(rd, percentiles, name);
        mb_percentile *q = &l->percentiles[i];
        *q = (mb_percentile){p[i], NAN, NAN, NAN};
        number(rd, v, "ns", &q->ns);
        number(rd, v, "low_ns", &q->low);
        number(rd, v, "high_ns", &q->high);
    }
}

/* An amount per iteration and its rate: "bytes_per_iteration", "bytes_per_second". */
static void rate(reader *rd, json *obj, const char *amount, const char *key, mb_rate *out)
{
    double per_iter = NAN;
    number(rd, obj, amount, &per_iter);
    out->per_iter = isnan(per_iter) ? 0 : per_iter;
    json *v = object(rd, obj, key);
    number(rd, v, "point", &out->point);
    number(rd, v, "low", &out->low);
    number(rd, v, "high", &out->high);
}

/* {"point", "low", "high"} into an estimate whose std_error is not given. */
static void point_low_high(reader *rd, json *obj, const char *key, mb_estimate *e)
{
    json *v = object(rd, obj, key);
    *e = (mb_estimate){NAN, NAN, NAN, NAN};
    number(rd, v, "point", &e->point);
    number(rd, v, "low", &e->low);
    number(rd, v, "high", &e->high);
}

/* The formats key objects by counter names, so a file that repeats one cannot be written back
 * (found by fuzz_results_read): a name equal to an earlier item's is an error at item. */
static void repeated_name(reader *rd, json *item, int repeated)
{
    if (repeated && !rd->rc)
        problem(rd, item, "repeats the name of an earlier item", "name");
}

/* The counters, in a new array (NULL without counters) that r points to. */
static mb_counter *counters(reader *rd, json *b, mb_result *r)
{
    json *list = array(rd, b, "counters", 1024);
    mb_counter *c = list && list->len ? keep(rd, list->len * sizeof *c) : NULL;
    for (size_t i = 0; c && i < list->len && !rd->rc; i++) {
        json *item = &list->u.items[i];
        rd->rc = mb__json_expect(item, MB__JSON_OBJECT, "item of \"counters\"", rd->je);
        c[i].unit = "count";
        c[i].coverage = c[i].mean_per_iter = NAN;
        string(rd, item, "name", &c[i].name);
        string(rd, item, "unit", &c[i].unit);
        tristate(rd, item, "available", &c[i].available);
        string(rd, item, "reason", &c[i].reason);
        tristate(rd, item, "user_only", &c[i].user_only);
        number(rd, item, "coverage", &c[i].coverage);
        point_low_high(rd, item, "per_iteration", &c[i].per_iter);
        number(rd, item, "mean_per_iteration", &c[i].mean_per_iter);
        if (!c[i].name)
            c[i].name = "";
        for (size_t j = 0; j < i; j++)
            repeated_name(rd, item, strcmp(c[j].name, c[i].name) == 0);
    }
    if (c) {
        r->counters = c;
        r->n_counters = list->len;
    }
    json *ratios = object(rd, b, "counter_ratios");
    number(rd, ratios, "ipc", &r->ratios.ipc);
    number(rd, ratios, "branch_miss_rate", &r->ratios.branch_miss_rate);
    number(rd, ratios, "cache_miss_rate", &r->ratios.cache_miss_rate);
    return c;
}

static void user_counters(reader *rd, json *b, mb_result *r)
{
    json *list = array(rd, b, "user_counters", MB_USER_COUNTERS_MAX);
    mb_user_counter *c = list && list->len ? keep(rd, list->len * sizeof *c) : NULL;
    for (size_t i = 0; c && i < list->len && !rd->rc; i++) {
        json *item = &list->u.items[i];
        int kind = 0;
        rd->rc = mb__json_expect(item, MB__JSON_OBJECT, "item of \"user_counters\"", rd->je);
        string(rd, item, "name", &c[i].name);
        for (size_t j = 0; j < i && c[i].name; j++)
            repeated_name(rd, item, c[j].name && strcmp(c[j].name, c[i].name) == 0);
        enum_name(rd, item, "kind", kind_name, 3, &kind);
        c[i].kind = (mb_counter_kind)kind;
        point_low_high(rd, item, "value", &c[i].value);
        c[i].mean = NAN;
        number(rd, item, "mean", &c[i].mean);
    }
    if (c) {
        r->user_counters = c;
        r->n_user_counters = list->len;
    }
}

static void warnings(reader *rd, json *b, mb_result *r)
{
    json *list = array(rd, b, "warnings", 1024);
    for (size_t i = 0; list && i < list->len && !rd->rc; i++) {
        json *item = &list->u.items[i];
        const char *name = NULL;
        rd->rc = mb__json_expect(item, MB__JSON_OBJECT, "item of \"warnings\"", rd->je);
        string(rd, item, "name", &name);
        /* A warning this version does not know is left out. */
        for (unsigned k = 0; name && k < MB_WARN_COUNT; k++)
            if (strcmp(name, mb_warning_name(1u << k)) == 0)
                r->warnings |= 1u << k;
    }
}

/* A change's "plan_differs": the names of mb_plan_difference bits (absent when the plans
 * agree; a name this version does not know is ignored). */
static unsigned plan_differences(reader *rd, json *obj)
{
    json *names = array(rd, obj, "plan_differs", 64);
    unsigned bits = 0;
    for (size_t i = 0; names && i < names->len && !rd->rc; i++) {
        json *item = &names->u.items[i];
        rd->rc = mb__json_expect(item, MB__JSON_STRING, "item of \"plan_differs\"", rd->je);
        for (int k = 0; !rd->rc && k < MB_PLAN_DIFF_COUNT; k++)
            if (strcmp(item->u.string, mb_plan_difference_name(1u << k)) == 0)
                bits |= 1u << k;
    }
    return bits;
}

/* A change object ("change", "paired"); its baseline's name into *baseline. */
static void change(reader *rd, json *b, const char *key, mb_change *c, const char **baseline)
{
    json *obj = object(rd, b, key);
    if (!obj)
        return;
    mb_settings *s = &rd->set->settings;
    int verdict = MB_VERDICT_NONE;
    uint64_t n = 0;
    *c = (mb_change){MB_VERDICT_NONE, NAN, NAN, NAN, NAN, NAN, NAN, 0, 0, NAN, MB_REASON_NONE, 0};
    string(rd, obj, "baseline", baseline);
    enum_name(rd, obj, "verdict", verdict_name, 5, &verdict);
    number(rd, obj, "baseline_median_ns", &c->baseline_median_ns);
    uint64(rd, obj, strcmp(key, "paired") == 0 ? "rounds" : "baseline_samples", &n);
    number(rd, obj, "ratio", &c->ratio);
    number(rd, obj, "ratio_low", &c->low);
    number(rd, obj, "ratio_high", &c->high);
    number(rd, obj, "p_value", &c->p_value);
    number(rd, obj, "p_adjusted", &c->p_adjusted);
    number(rd, obj, "noise_threshold", &s->noise_threshold);
    number(rd, obj, "significance", &s->significance);
    number(rd, obj, "run_noise", &s->run_noise);
    number(rd, obj, "run_offset", &s->run_offset);
    uint64_t parts = 0;
    if (mb__json_get(obj, "parts"))
        uint64(rd, obj, "parts", &parts);
    int reason = MB_REASON_NONE; /* optional: absent before reasons were recorded */
    enum_name(rd, obj, "reason", reason_name, 6, &reason);
    c->plan_differs = plan_differences(rd, obj);
    c->reason = (mb_reason)reason;
    c->verdict = (mb_verdict)verdict;
    c->baseline_samples = (size_t)n;
    c->parts = (size_t)parts;
}

/* The settings a result's plan was made by: its own, or in files written before they were
 * recorded with it, its run's; unknown (max_samples 0) when the file has neither. */
static void plan_rule(reader *rd, json *b, mb_result *r)
{
    const mb_settings *s = &rd->set->settings;
    mb_plan_rule *p = &r->plan_rule;
    if (!mb__json_get(b, "plan_rule")) {
        if (rd->has_settings)
            *p = (mb_plan_rule){s->quick,       s->warm_up_time_s, s->measurement_time_s,
                                s->min_samples, s->max_samples,    s->precision,
                                s->forks,       s->rounds};
        return;
    }
    json *obj = object(rd, b, "plan_rule");
    if (!obj)
        return; /* null: unknown */
    p->quick = -1;
    tristate(rd, obj, "quick", &p->quick);
    number(rd, obj, "warm_up_time_s", &p->warm_up_time_s);
    number(rd, obj, "measurement_time_s", &p->measurement_time_s);
    uint32(rd, obj, "min_samples", &p->min_samples);
    uint32(rd, obj, "max_samples", &p->max_samples);
    number(rd, obj, "precision", &p->precision);
    uint32(rd, obj, "forks", &p->forks);
    uint32(rd, obj, "rounds", &p->rounds);
}

/* The parts a result was measured in (optional: files written before parts have none, and
 * read as one part). */
static void parts_of(reader *rd, json *b, mb_result *r)
{
    r->n_parts = 1;
    r->part_log_sd = NAN;
    if (!mb__json_get(b, "parts"))
        return;
    json *obj = object(rd, b, "parts");
    uint64_t count = 1;
    uint64(rd, obj, "count", &count);
    json *medians = array(rd, obj, "medians_ns", MB__SAVED_MAX_SAMPLES);
    number(rd, obj, "log_sd", &r->part_log_sd);
    uint64_t redone = 0;
    if (mb__json_get(obj, "redone"))
        uint64(rd, obj, "redone", &redone);
    r->parts_redone = redone < 1000 ? (unsigned)redone : 1000;
    uint64_t dropped = 0;
    if (mb__json_get(obj, "dropped"))
        uint64(rd, obj, "dropped", &dropped);
    r->parts_dropped = dropped < 1000 ? (unsigned)dropped : 1000;
    if (rd->rc || !medians)
        return;
    size_t n = medians->len;
    double *m = keep(rd, (n + 1) * sizeof *m);
    for (size_t i = 0; m && i < n && !rd->rc; i++)
        rd->rc = mb__json_as_number(&medians->u.items[i], "item of \"medians_ns\"", &m[i], rd->je);
    if (!m || rd->rc)
        return;
    if (n != count && n != 0) {
        snprintf(rd->je->message, sizeof rd->je->message,
                 "line %u, column %u: parts must hold count medians", obj->line, obj->column);
        rd->rc = MB_EINVAL;
        return;
    }
    r->n_parts = (size_t)count;
    r->part_medians = n ? m : NULL;
}

static void instructions(reader *rd, json *b, mb_result *r)
{
    number(rd, b, "instructions_per_iteration", &r->instructions_per_iter);
    json *obj = object(rd, b, "instructions_change");
    if (!obj)
        return;
    mb_change *c = &r->instructions_change;
    int verdict = MB_VERDICT_NONE;
    *c = (mb_change){MB_VERDICT_NONE, NAN, NAN, NAN, NAN, NAN, NAN, 1, 0, 1.0, MB_REASON_NONE, 0};
    string(rd, obj, "baseline", &rd->set->settings.baseline);
    enum_name(rd, obj, "verdict", verdict_name, 5, &verdict);
    number(rd, obj, "baseline_instructions_per_iteration", &c->baseline_median_ns);
    number(rd, obj, "ratio", &c->ratio);
    number(rd, obj, "threshold", &rd->set->settings.instructions_threshold);
    c->verdict = (mb_verdict)verdict;
    c->low = c->high = c->ratio;
}

/* The outlier class of every sample ("none", "high-mild", ...; null: none). */
static void outlier_classes(reader *rd, json *raw, size_t n, unsigned char *cls)
{
    json *list = array(rd, raw, "outlier", n);
    for (size_t i = 0; list && i < list->len && !rd->rc; i++) {
        json *item = &list->u.items[i];
        if (item->kind == MB__JSON_NULL)
            continue;
        rd->rc = mb__json_expect(item, MB__JSON_STRING, "item of \"outlier\"", rd->je);
        for (int k = 0; !rd->rc && k <= MB_OUTLIER_HIGH_SEVERE; k++)
            if (strcmp(item->u.string, mb__outlier_class_name((mb_outlier_class)k)) == 0)
                cls[i] = (unsigned char)k;
    }
}

/* Each counter's total per sample: "raw_samples": {"counters": {"name": [...] | null}}. */
static void counter_samples(reader *rd, json *raw, size_t n, mb_counter *counters, size_t count)
{
    json *obj = object(rd, raw, "counters");
    for (size_t c = 0; obj && c < count && !rd->rc; c++) {
        json *list = array(rd, obj, counters[c].name, n);
        if (!list || list->len != n || n == 0)
            continue;
        double *v = keep(rd, n * sizeof *v);
        for (size_t i = 0; v && i < n && !rd->rc; i++)
            rd->rc = mb__json_as_number_or_null(&list->u.items[i], "item of a counter's samples",
                                                &v[i], rd->je);
        counters[c].sample_values = v;
    }
}

/* The raw samples: iterations and times of the same length; for a measured benchmark, every
 * sample with iterations and time above 0. */
static void raw_samples(reader *rd, json *b, mb_result *r, mb_counter *counters)
{
    json *raw = NULL, *iters = NULL, *ns = NULL;
    if ((rd->rc = mb__json_get_object(b, "raw_samples", &raw, rd->je)) < 0 ||
        (rd->rc = mb__json_get_array(raw, "iters", &iters, rd->je)) < 0 ||
        (rd->rc = mb__json_get_array(raw, "time_ns", &ns, rd->je)) < 0)
        return;
    size_t n = iters->len;
    if (n != ns->len || n > MB__SAVED_MAX_SAMPLES) {
        rd->je->line = raw->line;
        rd->je->column = raw->column;
        snprintf(rd->je->message, sizeof rd->je->message,
                 "line %u, column %u: raw_samples must hold iters and time_ns of the same "
                 "length, at most %u",
                 raw->line, raw->column, MB__SAVED_MAX_SAMPLES);
        rd->rc = MB_EINVAL;
        return;
    }
    unsigned char *block = keep(rd, n * (sizeof(uint64_t) + sizeof(double) + 1));
    uint64_t *k = (uint64_t *)(void *)block;
    double *t = (double *)(void *)(block + n * sizeof(uint64_t));
    unsigned char *cls = block + n * (sizeof(uint64_t) + sizeof(double));
    for (size_t i = 0; block && i < n && !rd->rc; i++) {
        if ((rd->rc = mb__json_as_uint(&iters->u.items[i], "item of \"iters\"", &k[i], rd->je)) ||
            (rd->rc = mb__json_as_number(&ns->u.items[i], "item of \"time_ns\"", &t[i], rd->je)))
            break;
        if (r->status == MB_STATUS_OK && !(k[i] > 0 && t[i] > 0 && isfinite(t[i] / (double)k[i]))) {
            snprintf(rd->je->message, sizeof rd->je->message,
                     "line %u, column %u: sample %zu must have iters > 0 and time_ns > 0",
                     ns->u.items[i].line, ns->u.items[i].column, i);
            rd->rc = MB_EINVAL;
        }
    }
    if (!block || rd->rc)
        return;
    r->n_samples = n;
    r->sample_iters = k;
    r->sample_ns = t;
    r->sample_outlier = cls;
    outlier_classes(rd, raw, n, cls);
    counter_samples(rd, raw, n, counters, r->n_counters);
}

static void result(reader *rd, json *b, mb_result *r)
{
    empty_result(r);
    int status = 0, mode = 0, plan = 0, stop = 0;
    uint64_t threads = 1;
    long long line = 0;
    const char *name, *status_text; /* both required */
    if ((rd->rc = mb__json_expect(b, MB__JSON_OBJECT, "a benchmark", rd->je)) < 0 ||
        (rd->rc = mb__json_get_string(b, "name", &name, rd->je)) < 0 ||
        (rd->rc = mb__json_get_string(b, "status", &status_text, rd->je)) < 0)
        return;
    enum_name(rd, b, "status", status_name, 3, &status);
    r->status = (mb_status)status;
    r->name = mb__results_keep_string(rd->set, name);
    if (!rd->rc && !r->name)
        rd->rc = MB_ENOMEM;
    string(rd, b, "file", &r->file);
    integer(rd, b, "line", &line);
    r->line = line >= INT32_MIN && line <= INT32_MAX ? (int)line : 0;
    build(rd, b, r);
    parameters(rd, b, r);
    string(rd, b, "message", &r->message);
    enum_name(rd, b, "mode", mode_name, 3, &mode);
    uint64(rd, b, "threads", &threads);
    r->threads = threads <= UINT32_MAX ? (unsigned)threads : 1;
    enum_name(rd, b, "plan", plan_name, 2, &plan);
    enum_name(rd, b, "stop_reason", stop_name, 4, &stop);
    r->mode = (mb_mode)mode;
    r->plan = (mb_plan_kind)plan;
    r->stop = (mb_stop_reason)stop;
    uint64(rd, b, "iters_step", &r->iters_step);
    plan_rule(rd, b, r);
    uint64(rd, b, "warm_up_iters", &r->warm_up_iters);
    number(rd, b, "warm_up_ns", &r->warm_up_ns);
    number(rd, b, "wall_time_s", &r->wall_time_s);
    uint64(rd, b, "total_iters", &r->total_iters);
    number(rd, b, "confidence", &r->confidence);
    uint32(rd, b, "resamples", &r->resamples);
    estimates(rd, b, r);
    parts_of(rd, b, r);
    spread(rd, b, r);
    latency(rd, b, r);
    json *throughput = object(rd, b, "throughput");
    rate(rd, throughput, "bytes_per_iteration", "bytes_per_second", &r->bytes_per_s);
    rate(rd, throughput, "items_per_iteration", "items_per_second", &r->items_per_s);
    mb_counter *c = counters(rd, b, r);
    user_counters(rd, b, r);
    instructions(rd, b, r);
    warnings(rd, b, r);
    change(rd, b, "change", &r->change, &rd->set->settings.baseline);
    string(rd, b, "group", &r->group);
    change(rd, b, "paired", &r->paired, &r->group_baseline);
    if (!rd->rc)
        raw_samples(rd, b, r, c);
}

/* A group's baseline member has no "paired" object to name it: its fellow members do. */
static void group_baselines(mb_results *set)
{
    for (size_t i = 0; i < set->n; i++) {
        mb_result *r = &set->results[i];
        for (size_t j = 0; r->group && !r->group_baseline && j < set->n; j++)
            if (set->results[j].group && strcmp(set->results[j].group, r->group) == 0)
                r->group_baseline = set->results[j].group_baseline;
    }
}

/* The whole document into set. */
static void document(reader *rd, json *root)
{
    const char *library;
    double version;
    json *benches;
    if ((rd->rc = mb__json_expect(root, MB__JSON_OBJECT, "the document", rd->je)) < 0 ||
        (rd->rc = mb__json_get_string(root, "library", &library, rd->je)) < 0 ||
        (rd->rc = mb__json_get_number(root, "schema_version", &version, rd->je)) < 0 ||
        (rd->rc = mb__json_get_array(root, "benchmarks", &benches, rd->je)) < 0)
        return;
    if (strcmp(library, "microbe") != 0 || version != 1) {
        /* Said by the caller: 2 for a newer major version, 1 for anything else. */
        rd->rc = strcmp(library, "microbe") == 0 && version > 1 && version < 1e6 &&
                         version == floor(version)
                     ? 2
                     : 1;
        rd->version = version;
        return;
    }
    json *ctx = object(rd, root, "context");
    if (ctx)
        environment(rd, ctx);
    json *s = object(rd, root, "settings");
    if (s)
        settings(rd, s);
    for (size_t i = 0; i < benches->len && !rd->rc; i++) {
        mb_result r;
        result(rd, &benches->u.items[i], &r);
        if (!rd->rc)
            rd->rc = mb__results_add(rd->set, &r);
    }
    complexity(rd, root);
    tristate(rd, root, "interrupted", &rd->set->info.interrupted);
    group_baselines(rd->set);
}

int mb_results_read(const char *path, mb_results **set, char *message, size_t size)
{
    char none[1];
    if (!message || !size) {
        message = none;
        size = sizeof none;
    }
    mb__json_doc *doc;
    mb__json_error je = {0};
    mb__json_options opt;
    mb__json_options_init(&opt);
    opt.max_bytes = MB__RESULTS_MAX_BYTES;
    int rc = mb__json_parse_file(path, &opt, &doc, &je);
    if (rc) {
        snprintf(message, size, "%s", je.message);
        return rc;
    }
    mb_results *fresh = mb__results_new();
    reader rd = {fresh, &je, fresh ? 0 : MB_ENOMEM, 1, 0};
    if (fresh)
        fresh->source = mb__results_keep_string(fresh, path);
    if (fresh && !fresh->source)
        rd.rc = MB_ENOMEM;
    if (!rd.rc)
        document(&rd, mb__json_root(doc));
    mb__json_free(doc);
    rc = rd.rc;
    if (rc == 0 && *set)
        rc = mb__results_merge(*set, fresh);
    else if (rc == 0)
        *set = fresh;
    if (rc == 0)
        return 0;
    mb_results_free(fresh);
    if (rc == 2)
        snprintf(message, size,
                 "%s: schema version %.0f is newer than this microbe (%s) reads (1): read it "
                 "with a newer microbe",
                 path, rd.version, mb_version());
    else if (rc == 1)
        snprintf(message, size, "%s: not a microbe results file of schema version 1", path);
    else if (rc == MB_ENOMEM)
        snprintf(message, size, "%s: out of memory", path);
    else
        snprintf(message, size, "%s: %s", path, je.message);
    return rc == 1 || rc == 2 ? MB_EINVAL : rc;
}
