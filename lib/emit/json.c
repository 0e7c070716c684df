/*
 * The canonical JSON results (schema_version 1, described field by field in
 * docs/schema/microbe-results-v1.schema.json): the context of the run, the settings, and per
 * benchmark its estimates with intervals, dispersion, outliers, diagnostics, per-invocation
 * percentiles, user counters, warnings and raw samples. Pretty-printed with two-space
 * indentation; arrays of numbers stay on one line. Streamed: begin writes the context and
 * opens the benchmarks array, each result appends one object, end closes the document.
 */
#include "names.h"
#include "emit.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SCHEMA_VERSION 1

/* Where the writer is: how deep, and whether the innermost object or array is still empty
 * (no comma before its first member). Closing a container makes its parent non-empty. */
typedef struct json_emitter {
    FILE *out;
    int depth;
    int empty;
} json_emitter;

static void newline(json_emitter *j)
{
    fputc('\n', j->out);
    for (int i = 0; i < j->depth; i++)
        fputs("  ", j->out);
}

/* Starts a member of the current container: a separator, a new line, the indentation. */
static void member(json_emitter *j)
{
    if (!j->empty)
        fputc(',', j->out);
    j->empty = 0;
    newline(j);
}

static void key(json_emitter *j, const char *name)
{
    member(j);
    mb__json_string(j->out, name);
    fputs(": ", j->out);
}

static void open_container(json_emitter *j, char bracket)
{
    fputc(bracket, j->out);
    j->depth++;
    j->empty = 1;
}

static void close_container(json_emitter *j, char bracket)
{
    j->depth--;
    if (!j->empty)
        newline(j);
    fputc(bracket, j->out);
    j->empty = 0;
}

static void open_key(json_emitter *j, const char *name, char bracket)
{
    key(j, name);
    open_container(j, bracket);
}

static void number(json_emitter *j, const char *name, double v)
{
    key(j, name);
    mb__json_number(j->out, v);
}

static void unsigned64(json_emitter *j, const char *name, uint64_t v)
{
    key(j, name);
    fprintf(j->out, "%" PRIu64, v);
}

/* An integer, or null when it is unknown (below min). */
static void integer(json_emitter *j, const char *name, long long v, long long min)
{
    key(j, name);
    if (v < min)
        fputs("null", j->out);
    else
        fprintf(j->out, "%lld", v);
}

/* true, false, or null for an unknown (negative) value. */
static void tristate(json_emitter *j, const char *name, int v)
{
    key(j, name);
    fputs(v < 0 ? "null" : v ? "true" : "false", j->out);
}

/* A string, or null for NULL. */
static void string(json_emitter *j, const char *name, const char *s)
{
    key(j, name);
    if (s)
        mb__json_string(j->out, s);
    else
        fputs("null", j->out);
}

/* The 64-bit seed as a "0x" hex string: exact in every JSON reader (doubles are not above
 * 2^53) and the syntax --seed accepts. */
static void seed(json_emitter *j, const char *name, uint64_t v)
{
    key(j, name);
    fprintf(j->out, "\"0x%016" PRIx64 "\"", v);
}

static void context(json_emitter *j, const mb_run_info *info, const mb_environment *env)
{
    open_key(j, "context", '{');
    string(j, "date", env->date);
    integer(j, "start_time_unix_s", info->start_time_unix, INT64_MIN);
    string(j, "host", env->host);
    string(j, "executable", env->executable);
    string(j, "os", env->os);
    string(j, "cpu_model", env->cpu_model);
    integer(j, "logical_cpus", env->logical_cpus, 1);
    open_key(j, "caches", '[');
    for (size_t i = 0; i < env->n_caches && env->caches; i++) {
        const mb_cache *c = &env->caches[i];
        member(j);
        open_container(j, '{');
        integer(j, "level", c->level, 1);
        string(j, "type", c->type);
        unsigned64(j, "size_bytes", c->size_bytes);
        integer(j, "shared_by", c->shared_by, 1);
        close_container(j, '}');
    }
    close_container(j, ']');
    key(j, "load_avg");
    fputc('[', j->out);
    for (int i = 0; i < 3; i++) {
        fputs(i ? ", " : "", j->out);
        mb__json_number(j->out, env->load_avg[i]);
    }
    fputc(']', j->out);
    integer(j, "aslr", env->aslr, 0);
    string(j, "timer", info->timer);
    number(j, "timer_resolution_ns", info->timer_resolution_ns);
    number(j, "timer_cost_ns", info->timer_cost_ns);
    number(j, "min_sample_ns", info->min_sample_ns);
    number(j, "loop_overhead_ns", info->loop_overhead_ns);
    seed(j, "seed", info->seed);
    string(j, "library_version", info->library_version);
    string(j, "build_type", env->build_type);
    string(j, "compiler", env->compiler);
    string(j, "governor", env->governor);
    tristate(j, "boost", env->boost);
    tristate(j, "smt", env->smt);
    string(j, "isolated_cpus", env->isolated_cpus);
    tristate(j, "virtualized", env->virtualized);
    number(j, "perf_event_paranoid", env->perf_event_paranoid);
    open_key(j, "hygiene", '[');
    unsigned hygiene = mb_hygiene(env);
    for (int i = 0; i < MB_HYGIENE_COUNT; i++) {
        unsigned bit = 1u << i;
        if (!(hygiene & bit))
            continue;
        member(j);
        open_container(j, '{');
        string(j, "name", mb_hygiene_name(bit));
        string(j, "advice", mb_hygiene_advice(bit));
        close_container(j, '}');
    }
    close_container(j, ']');
    const mb_settings *s = info->settings;
    open_key(j, "user", '{');
    for (size_t i = 0; s && i < s->n_context; i++) {
        const char *entry = s->context[i], *eq = strchr(entry, '=');
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(eq - entry), entry);
        string(j, name, eq + 1);
    }
    close_container(j, '}');
    close_container(j, '}');
}

static void settings(json_emitter *j, const mb_settings *s)
{
    open_key(j, "settings", '{');
    number(j, "warm_up_time_s", s->warm_up_time_s);
    number(j, "measurement_time_s", s->measurement_time_s);
    unsigned64(j, "min_samples", s->min_samples);
    unsigned64(j, "max_samples", s->max_samples);
    number(j, "precision", s->precision);
    number(j, "confidence", s->confidence);
    unsigned64(j, "resamples", s->resamples);
    seed(j, "seed", s->seed);
    string(j, "filter", s->filter);
    integer(j, "log_level", s->log_level, INT32_MIN);
    key(j, "smoke");
    fputs(s->smoke ? "true" : "false", j->out);
    number(j, "profile_time_s", s->profile_time_s);
    unsigned64(j, "forks", s->forks);
    unsigned64(j, "rounds", s->rounds);
    tristate(j, "quick", s->quick);
    close_container(j, '}');
}

static int json_begin(void *user, const mb_run_info *info)
{
    json_emitter *j = user;
    mb_settings defaults;
    mb_settings_init(&defaults);
    /* A context may run again: each run writes a document of its own. */
    j->depth = 0;
    j->empty = 1;
    open_container(j, '{');
    integer(j, "schema_version", SCHEMA_VERSION, 0);
    string(j, "library", "microbe");
    context(j, info, mb__environment(info));
    settings(j, info->settings ? info->settings : &defaults);
    open_key(j, "benchmarks", '[');
    return ferror(j->out) ? MB_EIO : 0;
}

/* An estimate's four numbers; the caller may add members before closing it. */
static void estimate(json_emitter *j, const char *name, const mb_estimate *e)
{
    open_key(j, name, '{');
    number(j, "point_ns", e->point);
    number(j, "low_ns", e->low);
    number(j, "high_ns", e->high);
    number(j, "std_error_ns", e->std_error);
}

static void estimates(json_emitter *j, const mb_result *r)
{
    open_key(j, "estimates", '{');
    estimate(j, "median", &r->median);
    number(j, "level", r->median_level);
    number(j, "bootstrap_low_ns", r->median_boot_low);
    number(j, "bootstrap_high_ns", r->median_boot_high);
    close_container(j, '}');
    estimate(j, "mean", &r->mean);
    close_container(j, '}');
    estimate(j, "slope", &r->slope);
    number(j, "r_squared", r->r_squared);
    number(j, "intercept_ns", r->intercept_ns);
    close_container(j, '}');
    estimate(j, "std_dev", &r->std_dev);
    close_container(j, '}');
    estimate(j, "mad", &r->mad);
    close_container(j, '}');
    estimate(j, "min", &r->min);
    close_container(j, '}');
    /* Threaded: the median over all threads' work, time per iteration of any thread. */
    double n = (double)mb__threads(r);
    mb_estimate all = {r->median.point / n, r->median.low / n, r->median.high / n,
                       r->median.std_error / n};
    estimate(j, "median_all_threads", &all);
    close_container(j, '}');
    close_container(j, '}');
}

static void outliers(json_emitter *j, const mb_outliers *o)
{
    open_key(j, "outliers", '{');
    number(j, "low_severe_fence_ns", o->low_severe_fence);
    number(j, "low_mild_fence_ns", o->low_mild_fence);
    number(j, "high_mild_fence_ns", o->high_mild_fence);
    number(j, "high_severe_fence_ns", o->high_severe_fence);
    unsigned64(j, "low_severe", o->low_severe);
    unsigned64(j, "low_mild", o->low_mild);
    unsigned64(j, "high_mild", o->high_mild);
    unsigned64(j, "high_severe", o->high_severe);
    unsigned64(j, "total", (uint64_t)o->low_severe + o->low_mild + o->high_mild + o->high_severe);
    number(j, "variance_fraction", o->variance_fraction);
    string(j, "effect", mb__effect_name(o->effect));
    close_container(j, '}');
}

static void warnings(json_emitter *j, unsigned bits)
{
    open_key(j, "warnings", '[');
    for (int i = 0; i < MB_WARN_COUNT; i++) {
        unsigned bit = 1u << i;
        if (!(bits & bit))
            continue;
        member(j);
        open_container(j, '{');
        string(j, "name", mb_warning_name(bit));
        string(j, "advice", mb_warning_advice(bit));
        close_container(j, '}');
    }
    close_container(j, ']');
}

/* The counters per iteration, with units, and their ratios. */
static void counters(json_emitter *j, const mb_result *r)
{
    open_key(j, "counters", '[');
    for (size_t i = 0; i < r->n_counters && r->counters; i++) {
        const mb_counter *c = &r->counters[i];
        member(j);
        open_container(j, '{');
        string(j, "name", c->name);
        string(j, "unit", c->unit);
        key(j, "available");
        fputs(c->available ? "true" : "false", j->out);
        string(j, "reason", c->reason);
        key(j, "user_only");
        fputs(c->user_only ? "true" : "false", j->out);
        number(j, "coverage", c->coverage);
        open_key(j, "per_iteration", '{');
        number(j, "point", c->per_iter.point);
        number(j, "low", c->per_iter.low);
        number(j, "high", c->per_iter.high);
        close_container(j, '}');
        number(j, "mean_per_iteration", c->mean_per_iter);
        close_container(j, '}');
    }
    close_container(j, ']');
    open_key(j, "counter_ratios", '{');
    number(j, "ipc", r->n_counters ? r->ratios.ipc : NAN);
    number(j, "branch_miss_rate", r->n_counters ? r->ratios.branch_miss_rate : NAN);
    number(j, "cache_miss_rate", r->n_counters ? r->ratios.cache_miss_rate : NAN);
    close_container(j, '}');
}

/* Per-invocation times of a latency or cold result, or null when there are none (normal
 * results). */
static void latency(json_emitter *j, const mb_latency *l)
{
    if (l->n == 0) {
        string(j, "latency", NULL); /* null */
        return;
    }
    open_key(j, "latency", '{');
    unsigned64(j, "n", l->n);
    number(j, "threshold_ns", l->threshold_ns);
    number(j, "relative_resolution", l->relative_resolution);
    number(j, "min_ns", l->min_ns);
    number(j, "max_ns", l->max_ns);
    number(j, "mean_ns", l->mean_ns);
    number(j, "serial", l->serial);
    tristate(j, "resolution_limited", l->resolution_limited != 0);
    number(j, "timer_cost_ns", l->timer_cost_ns);
    number(j, "timer_resolution_ns", l->timer_resolution_ns);
    open_key(j, "percentiles", '{');
    for (int i = 0; i < MB_PERCENTILES; i++) {
        const mb_percentile *p = &l->percentiles[i];
        char name[32];
        mb__percentile_name(name, sizeof name, p->p);
        open_key(j, name, '{');
        number(j, "ns", p->ns);
        number(j, "low_ns", p->low);
        number(j, "high_ns", p->high);
        close_container(j, '}');
    }
    close_container(j, '}');
    close_container(j, '}');
}

/* mb_set_counter()'s counters, in the order the body first set them. */
static void user_counters(json_emitter *j, const mb_result *r)
{
    open_key(j, "user_counters", '[');
    for (size_t i = 0; i < r->n_user_counters && r->user_counters; i++) {
        const mb_user_counter *c = &r->user_counters[i];
        member(j);
        open_container(j, '{');
        string(j, "name", c->name);
        string(j, "kind", mb__counter_kind_name(c->kind));
        open_key(j, "value", '{');
        number(j, "point", c->value.point);
        number(j, "low", c->value.low);
        number(j, "high", c->value.high);
        close_container(j, '}');
        number(j, "mean", c->mean);
        close_container(j, '}');
    }
    close_container(j, ']');
}

/* Throughput: an amount per iteration and its rate per second, or null. */
static void rate(json_emitter *j, const char *amount, const char *name, const mb_rate *r)
{
    if (!(r->per_iter > 0)) {
        string(j, amount, NULL); /* null */
        string(j, name, NULL);   /* null */
        return;
    }
    number(j, amount, r->per_iter);
    open_key(j, name, '{');
    number(j, "point", r->point);
    number(j, "low", r->low);
    number(j, "high", r->high);
    close_container(j, '}');
}

/* Callgrind's instructions per iteration and their change against the baseline. */
static void instructions(json_emitter *j, const mb_run_info *info, const mb_result *r)
{
    number(j, "instructions_per_iteration", r->instructions_per_iter);
    const mb_change *c = &r->instructions_change;
    const mb_settings *s = info->settings;
    key(j, "instructions_change");
    if (c->verdict == MB_VERDICT_NONE || !s || !s->baseline) {
        fputs("null", j->out);
        return;
    }
    open_container(j, '{');
    string(j, "baseline", s->baseline);
    string(j, "verdict", mb_verdict_name(c->verdict));
    number(j, "baseline_instructions_per_iteration", c->baseline_median_ns);
    number(j, "ratio", c->ratio);
    number(j, "threshold", s->instructions_threshold);
    close_container(j, '}');
}

/* The settings the result's plan was made by; null when unknown (read from a file that
 * recorded neither them nor its run's settings). */
static void plan_rule(json_emitter *j, const mb_plan_rule *p)
{
    if (p->max_samples == 0) {
        string(j, "plan_rule", NULL); /* null */
        return;
    }
    open_key(j, "plan_rule", '{');
    tristate(j, "quick", p->quick);
    number(j, "warm_up_time_s", p->warm_up_time_s);
    number(j, "measurement_time_s", p->measurement_time_s);
    unsigned64(j, "min_samples", p->min_samples);
    unsigned64(j, "max_samples", p->max_samples);
    number(j, "precision", p->precision);
    unsigned64(j, "forks", p->forks);
    unsigned64(j, "rounds", p->rounds);
    close_container(j, '}');
}

/* The parts the result was measured in: their count, medians and spread. */
static void parts(json_emitter *j, const mb_result *r)
{
    size_t n = r->part_medians ? r->n_parts : 0;
    open_key(j, "parts", '{');
    unsigned64(j, "count", r->n_parts);
    key(j, "medians_ns");
    fputc('[', j->out);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ", " : "", j->out);
        mb__json_number(j->out, r->part_medians[i]);
    }
    fputc(']', j->out);
    number(j, "log_sd", r->part_log_sd);
    unsigned64(j, "redone", r->parts_redone);
    unsigned64(j, "dropped", r->parts_dropped);
    close_container(j, '}');
}

/* Three parallel arrays in run order, each on one line. */
static void raw_samples(json_emitter *j, const mb_result *r)
{
    size_t n = r->sample_iters && r->sample_ns ? r->n_samples : 0;
    open_key(j, "raw_samples", '{');
    key(j, "iters");
    fputc('[', j->out);
    for (size_t i = 0; i < n; i++)
        fprintf(j->out, "%s%" PRIu64, i ? ", " : "", r->sample_iters[i]);
    fputc(']', j->out);
    key(j, "time_ns");
    fputc('[', j->out);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ", " : "", j->out);
        mb__json_number(j->out, r->sample_ns[i]);
    }
    fputc(']', j->out);
    key(j, "outlier");
    fputc('[', j->out);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ", " : "", j->out);
        if (r->sample_outlier)
            mb__json_string(j->out, mb__outlier_class_name(r->sample_outlier[i]));
        else
            fputs("null", j->out);
    }
    fputc(']', j->out);
    /* Each counter's total per sample (null for an unavailable one). */
    open_key(j, "counters", '{');
    for (size_t c = 0; c < r->n_counters && r->counters; c++) {
        key(j, r->counters[c].name);
        if (!r->counters[c].sample_values || n == 0) {
            fputs("null", j->out);
            continue;
        }
        fputc('[', j->out);
        for (size_t i = 0; i < n; i++) {
            fputs(i ? ", " : "", j->out);
            mb__json_number(j->out, r->counters[c].sample_values[i]);
        }
        fputc(']', j->out);
    }
    close_container(j, '}');
    close_container(j, '}');
}

/* How the benchmark's translation unit was compiled; every member null when unknown (a
 * descriptor filled by hand). */
static void build(json_emitter *j, const mb_result *r)
{
    int known = (r->build & MB_BUILD_KNOWN) != 0;
    open_key(j, "build", '{');
    string(j, "compiler", r->compiler);
    tristate(j, "optimized", known ? (r->build & MB_BUILD_OPTIMIZED) != 0 : -1);
    string(j, "optimization", known ? mb__optimization_name(r->build) : NULL);
    tristate(j, "ndebug", known ? (r->build & MB_BUILD_NDEBUG) != 0 : -1);
    key(j, "sanitizers");
    if (!known) {
        fputs("null", j->out);
    } else {
        fputc('[', j->out);
        int first = 1;
        for (size_t i = 0; i < MB__SANITIZERS; i++)
            if (r->build & mb__sanitizers[i].bit) {
                fputs(first ? "" : ", ", j->out);
                mb__json_string(j->out, mb__sanitizers[i].name);
                first = 0;
            }
        fputc(']', j->out);
    }
    close_container(j, '}');
}

/* A change (against the baseline: "change"; against the group's baseline member: "paired"),
 * or null when there is none. */
static void change(json_emitter *j, const char *name, const char *baseline, const mb_change *c,
                   const mb_run_info *info)
{
    const mb_settings *s = info->settings;
    if (c->verdict == MB_VERDICT_NONE || !s || !baseline) {
        string(j, name, NULL); /* null */
        return;
    }
    int paired = strcmp(name, "paired") == 0;
    open_key(j, name, '{');
    string(j, "baseline", baseline);
    string(j, "verdict", mb_verdict_name(c->verdict));
    number(j, "baseline_median_ns", c->baseline_median_ns);
    unsigned64(j, paired ? "rounds" : "baseline_samples", c->baseline_samples);
    unsigned64(j, "parts", c->parts);
    if (c->verdict == MB_VERDICT_INCONCLUSIVE && mb_reason_name(c->reason))
        string(j, "reason", mb_reason_name(c->reason));
    if (c->plan_differs) {
        key(j, "plan_differs");
        const char *sep = "[";
        for (int i = 0; i < MB_PLAN_DIFF_COUNT; i++)
            if (c->plan_differs & (1u << i)) {
                fputs(sep, j->out);
                mb__json_string(j->out, mb_plan_difference_name(1u << i));
                sep = ", ";
            }
        fputc(']', j->out);
    }
    number(j, "ratio", c->ratio);
    number(j, "ratio_low", c->low);
    number(j, "ratio_high", c->high);
    number(j, "p_value", c->p_value);
    number(j, "p_adjusted", c->p_adjusted);
    number(j, "noise_threshold", s->noise_threshold);
    number(j, "significance", s->significance);
    if (!paired)
        number(j, "run_noise", s->run_noise);
    if (!paired && c->parts > 0)
        number(j, "run_offset", s->run_offset);
    if (!paired && info->pairs_stop)
        string(j, "stop", info->pairs_stop);
    close_container(j, '}');
}

static int json_result(void *user, const mb_run_info *info, const mb_result *r)
{
    json_emitter *j = user;
    member(j);
    open_container(j, '{');
    string(j, "name", r->name);
    string(j, "file", r->file);
    integer(j, "line", r->line, INT32_MIN);
    build(j, r);
    open_key(j, "parameters", '{');
    for (size_t i = 0; i < r->n_params && r->params; i++) {
        const mb_param_value *v = &r->params[i];
        if (v->kind == MB_PARAM_INT || v->kind == MB_PARAM_THREADS)
            integer(j, v->name, v->i, INT64_MIN);
        else if (v->kind == MB_PARAM_DOUBLE)
            number(j, v->name, v->d);
        else
            string(j, v->name, v->s);
    }
    close_container(j, '}');
    string(j, "status", mb_status_name(r->status));
    string(j, "message", r->message);
    string(j, "mode", mb_mode_name(r->mode));
    unsigned64(j, "threads", mb__threads(r));
    string(j, "plan", mb_plan_name(r->plan));
    string(j, "stop_reason", mb_stop_name(r->stop));
    unsigned64(j, "iters_step", r->iters_step);
    plan_rule(j, &r->plan_rule);
    unsigned64(j, "warm_up_iters", r->warm_up_iters);
    number(j, "warm_up_ns", r->warm_up_ns);
    number(j, "wall_time_s", r->wall_time_s);
    unsigned64(j, "samples", r->n_samples);
    unsigned64(j, "total_iters", r->total_iters);
    number(j, "confidence", r->confidence);
    unsigned64(j, "resamples", r->resamples);
    estimates(j, r);
    parts(j, r);

    open_key(j, "distribution", '{');
    number(j, "q1_ns", r->q1);
    number(j, "q3_ns", r->q3);
    number(j, "iqr_ns", r->iqr);
    number(j, "cv", r->cv);
    number(j, "mdape", r->mdape);
    number(j, "rel_half_width", r->rel_half_width);
    close_container(j, '}');

    outliers(j, &r->outliers);

    open_key(j, "diagnostics", '{');
    number(j, "drift_tau", r->drift_tau);
    number(j, "drift_p", r->drift_p);
    number(j, "drift", r->drift);
    number(j, "lag1_autocorr", r->lag1_autocorr);
    close_container(j, '}');

    latency(j, &r->latency);

    open_key(j, "throughput", '{');
    rate(j, "bytes_per_iteration", "bytes_per_second", &r->bytes_per_s);
    rate(j, "items_per_iteration", "items_per_second", &r->items_per_s);
    close_container(j, '}');
    counters(j, r);
    user_counters(j, r);
    instructions(j, info, r);
    warnings(j, r->warnings);
    change(j, "change", info->settings ? info->settings->baseline : NULL, &r->change, info);
    string(j, "group", r->group);
    change(j, "paired", r->group_baseline, &r->paired, info);
    raw_samples(j, r);
    close_container(j, '}');
    return ferror(j->out) ? MB_EIO : 0;
}

static int json_end(void *user, const mb_run_info *info)
{
    json_emitter *j = user;
    close_container(j, ']');
    open_key(j, "complexity", '[');
    for (size_t i = 0; i < info->n_complexity && info->complexity; i++) {
        const mb_complexity *c = &info->complexity[i];
        member(j);
        open_container(j, '{');
        string(j, "benchmark", c->benchmark);
        string(j, "parameter", c->parameter);
        unsigned64(j, "points", c->n_points);
        size_t n_fits = mb__fit_count(c);
        string(j, "best", mb__fit_name(&c->fits[0]));
        open_key(j, "fits", '[');
        for (size_t m = 0; m < n_fits; m++) {
            const mb_complexity_fit *f = &c->fits[m];
            member(j);
            open_container(j, '{');
            string(j, "model", mb__fit_name(f));
            key(j, "user");
            fputs(f->model == MB_O_USER ? "true" : "false", j->out);
            number(j, "intercept_ns", f->intercept_ns);
            number(j, "coefficient_ns", f->coefficient_ns);
            number(j, "rms", f->rms);
            close_container(j, '}');
        }
        close_container(j, ']');
        close_container(j, '}');
    }
    close_container(j, ']');
    key(j, "interrupted");
    fputs(info->interrupted ? "true" : "false", j->out);
    close_container(j, '}');
    fputc('\n', j->out);
    fflush(j->out);
    return ferror(j->out) ? MB_EIO : 0;
}

static void json_destroy(void *user)
{
    free(user);
}

int mb__emitter_json(mb_emitter *e, FILE *out)
{
    json_emitter *j = calloc(1, sizeof *j);
    if (!j)
        return MB_ENOMEM;
    j->out = out;
    *e = (mb_emitter){j, json_begin, json_result, json_end, json_destroy};
    return 0;
}
