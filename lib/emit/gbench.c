/*
 * Google Benchmark's JSON layout (as its JSON reporter writes it, version 1.7), so that its
 * tools (compare.py) and CI actions that read it accept our results. Each benchmark becomes
 * one "iteration" run whose real_time and cpu_time are both the median time per iteration in
 * ns: microbe measures wall-clock time only. A failed benchmark carries error_occurred and
 * error_message, with zero times, as Google Benchmark writes a run that called
 * SkipWithError. User counters and the percentiles of latency results become numeric fields,
 * as Google Benchmark writes its counters; threads is the instance's thread count. Everything
 * else microbe knows (intervals, samples, diagnostics) is left out: the json format has it.
 */
#include "emit.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>

typedef struct gbench_emitter {
    FILE *out;
    uint64_t n_results; /* the family_index of the next benchmark */
} gbench_emitter;

static void context(FILE *out, const mb_run_info *info)
{
    const mb_environment *env = mb__environment(info);
    fputs("{\n  \"context\": {\n    \"date\": ", out);
    mb__json_string(out, env->date);
    fputs(",\n    \"host_name\": ", out);
    mb__json_string(out, env->host);
    fputs(",\n    \"executable\": ", out);
    mb__json_string(out, env->executable);
    fprintf(out, ",\n    \"num_cpus\": %d", env->logical_cpus > 0 ? env->logical_cpus : 0);
    /* The clock frequency is not captured; 0 is what Google Benchmark reports when unknown.
     * Frequency scaling is not detected either: false, as it reports when it cannot tell. */
    fputs(",\n    \"mhz_per_cpu\": 0,\n    \"cpu_scaling_enabled\": false", out);
    fputs(",\n    \"caches\": [", out);
    for (size_t i = 0; i < env->n_caches && env->caches; i++) {
        const mb_cache *c = &env->caches[i];
        fputs(i ? ",\n      {\n" : "\n      {\n", out);
        fputs("        \"type\": ", out);
        mb__json_string(out, c->type);
        fprintf(out,
                ",\n        \"level\": %d,\n        \"size\": %" PRIu64
                ",\n        \"num_sharing\": %d\n      }",
                c->level, c->size_bytes, c->shared_by > 0 ? c->shared_by : 0);
    }
    fputs(env->n_caches && env->caches ? "\n    ],\n" : "],\n", out);
    /* Google Benchmark writes an empty list when the load is unknown. */
    int load_known =
        isfinite(env->load_avg[0]) && isfinite(env->load_avg[1]) && isfinite(env->load_avg[2]);
    fputs("    \"load_avg\": [", out);
    for (int i = 0; load_known && i < 3; i++) {
        fputs(i ? "," : "", out);
        mb__json_number(out, env->load_avg[i]);
    }
    fputs("],\n    \"library_build_type\": ", out);
    mb__json_string(out, env->build_type);
    fputs("\n  },\n  \"benchmarks\": [", out);
}

static int gbench_begin(void *user, const mb_run_info *info)
{
    gbench_emitter *g = user;
    g->n_results = 0; /* a context may run again */
    context(g->out, info);
    return ferror(g->out) ? MB_EIO : 0;
}

static void key_number(FILE *out, const char *name, double v)
{
    fprintf(out, ",\n      \"%s\": ", name);
    mb__json_number(out, v);
}

static int gbench_result(void *user, const mb_run_info *info, const mb_result *r)
{
    gbench_emitter *g = user;
    FILE *out = g->out;
    (void)info;
    fputs(g->n_results ? ",\n    {\n      \"name\": " : "\n    {\n      \"name\": ", out);
    mb__json_string(out, r->name);
    fprintf(out, ",\n      \"family_index\": %" PRIu64, g->n_results);
    fputs(",\n      \"per_family_instance_index\": 0,\n      \"run_name\": ", out);
    mb__json_string(out, r->name);
    fprintf(out,
            ",\n      \"run_type\": \"iteration\",\n      \"repetitions\": 1,\n"
            "      \"repetition_index\": 0,\n      \"threads\": %u",
            mb__threads(r));
    double time_ns = r->median.point;
    if (r->status != MB_STATUS_OK) {
        fputs(",\n      \"error_occurred\": true,\n      \"error_message\": ", out);
        mb__json_string(out, r->message ? r->message : "unknown failure");
        time_ns = 0;
    }
    fprintf(out, ",\n      \"iterations\": %" PRIu64, r->total_iters);
    /* compare.py needs both times as numbers; a median that could not be computed is 0. */
    if (!isfinite(time_ns))
        time_ns = 0;
    key_number(out, "real_time", time_ns);
    key_number(out, "cpu_time", time_ns);
    /* Google Benchmark's own throughput fields. */
    if (r->bytes_per_s.per_iter > 0 && isfinite(r->bytes_per_s.point))
        key_number(out, "bytes_per_second", r->bytes_per_s.point);
    if (r->items_per_s.per_iter > 0 && isfinite(r->items_per_s.point))
        key_number(out, "items_per_second", r->items_per_s.point);
    if (isfinite(r->instructions_per_iter))
        key_number(out, "instructions_callgrind", r->instructions_per_iter);
    /* Counters per iteration, as Google Benchmark writes its user counters (null when
     * unavailable). */
    for (size_t i = 0; i < r->n_counters && r->counters; i++) {
        fputs(",\n      ", out);
        mb__json_string(out, r->counters[i].name);
        fputs(": ", out);
        mb__json_number(out, r->counters[i].per_iter.point);
    }
    /* User counters, as Google Benchmark writes its own: the number alone, by name. */
    for (size_t i = 0; i < r->n_user_counters && r->user_counters; i++) {
        fputs(",\n      ", out);
        mb__json_string(out, r->user_counters[i].name);
        fputs(": ", out);
        mb__json_number(out, r->user_counters[i].value.point);
    }
    /* Per-invocation percentiles of latency and cold results, in ns. */
    for (int i = 0; r->latency.n && i < MB_PERCENTILES; i++) {
        char p[32], name[40];
        mb__percentile_name(p, sizeof p, r->latency.percentiles[i].p);
        snprintf(name, sizeof name, "%s_ns", p);
        key_number(out, name, r->latency.percentiles[i].ns);
    }
    if (r->latency.n)
        key_number(out, "max_ns", r->latency.max_ns);
    fputs(",\n      \"time_unit\": \"ns\"\n    }", out);
    g->n_results++;
    return ferror(out) ? MB_EIO : 0;
}

static int gbench_end(void *user, const mb_run_info *info)
{
    gbench_emitter *g = user;
    (void)info;
    fputs(g->n_results ? "\n  ]\n}\n" : "]\n}\n", g->out);
    fflush(g->out);
    return ferror(g->out) ? MB_EIO : 0;
}

static void gbench_destroy(void *user)
{
    free(user);
}

int mb__emitter_gbench(mb_emitter *e, FILE *out)
{
    gbench_emitter *g = calloc(1, sizeof *g);
    if (!g)
        return MB_ENOMEM;
    g->out = out;
    *e = (mb_emitter){g, gbench_begin, gbench_result, gbench_end, gbench_destroy};
    return 0;
}
