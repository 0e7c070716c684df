/*
 * Baselines on disk (DIR/NAME/<benchmark>.json, see baseline.h), results files read back
 * strictly, and the change of one benchmark against its saved self: the ratio of medians
 * with a bootstrap interval widened by the run-to-run noise, a rank test, Holm's correction
 * over the suite and the verdict (the statistics are in compare.c).
 */
#define _POSIX_C_SOURCE 200809L

#include "baseline.h"

#include "compare.h"
#include "json_read.h"
#include "microbe_internal.h"
#include "stats.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int fail(char *err, size_t size, int code, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static int fail(char *err, size_t size, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (err && size)
        vsnprintf(err, size, fmt, ap);
    va_end(ap);
    return code;
}

static int name_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

const char *mb__baseline_name_problem(const char *name)
{
    size_t len = name ? strlen(name) : 0;
    if (len == 0 || len > MB__BASELINE_NAME_MAX)
        return "a baseline name has 1 to 100 characters";
    if (name[0] == '.')
        return "a baseline name may not start with '.'";
    for (size_t i = 0; i < len; i++)
        if (!name_char((unsigned char)name[i]))
            return "a baseline name may hold only letters, digits, '.', '_' and '-'";
    return NULL;
}

/* dir/name/<benchmark>.json, the benchmark's name with every byte outside [A-Za-z0-9._-]
 * (and a leading '.') written as %XX, so that any name maps to one plain file name. */
static char *bench_path(const char *dir, const char *name, const char *bench)
{
    size_t size = strlen(dir) + strlen(name) + 3 * strlen(bench) + 16;
    char *path = malloc(size);
    if (!path)
        return NULL;
    int len = snprintf(path, size, "%s/%s/", dir, name);
    char *p = path + len;
    for (const unsigned char *c = (const unsigned char *)bench; *c; c++) {
        if (name_char(*c) && !(c == (const unsigned char *)bench && *c == '.'))
            *p++ = (char)*c;
        else
            p += sprintf(p, "%%%02X", *c);
    }
    memcpy(p, ".json", sizeof ".json");
    return path;
}

/* mkdir that accepts an existing directory and names anything else in the way. */
static int make_dir(const char *path, char *err, size_t size)
{
    if (mkdir(path, 0777) == 0)
        return 0;
    int saved = errno;
    struct stat st;
    if (saved == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return 0;
    if (saved == EEXIST)
        return fail(err, size, MB_EINVAL, "%s exists and is not a directory", path);
    return fail(err, size, MB_EIO, "cannot create directory %s: %s", path, strerror(saved));
}

int mb__baseline_prepare(const char *dir, const char *name, char *err, size_t err_size)
{
    size_t size = strlen(dir) + strlen(name) + 2;
    char *sub = malloc(size);
    if (!sub)
        return MB_ENOMEM;
    snprintf(sub, size, "%s/%s", dir, name);
    int rc = make_dir(dir, err, err_size);
    if (rc == 0)
        rc = make_dir(sub, err, err_size);
    free(sub);
    return rc;
}

int mb__baseline_save(const char *dir, const char *name, const mb_run_info *info,
                      const mb_result *r, char *err, size_t err_size)
{
    if (r->status != MB_STATUS_OK || r->n_samples == 0)
        return 1;
    int rc = mb__baseline_prepare(dir, name, err, err_size);
    if (rc)
        return rc;
    char *path = bench_path(dir, name, r->name);
    if (!path)
        return MB_ENOMEM;
    /* The benchmark's own document: the run's context and settings, this one result. */
    mb_run_info one = *info;
    one.n_benchmarks = 1;
    one.names = &r->name;
    one.interrupted = 0;
    mb_emitter e;
    rc = mb_emitter_open(&e, "json", path);
    if (rc == 0) {
        rc = e.begin(e.user, &one);
        if (rc == 0)
            rc = e.result(e.user, &one, r);
        if (rc == 0)
            rc = e.end(e.user, &one);
        e.destroy(e.user);
    }
    if (rc)
        rc = fail(err, err_size, rc, "cannot write %s: %s", path,
                  rc == MB_EIO && errno ? strerror(errno) : mb_strerror(rc));
    free(path);
    return rc;
}

/* ---- Reading ------------------------------------------------------------------------- */

static int add_saved(mb__saved_set *set, mb__saved *item)
{
    for (size_t i = 0; i < set->n; i++)
        if (strcmp(set->items[i].name, item->name) == 0) {
            free(set->items[i].name);
            free(set->items[i].t);
            set->items[i] = *item;
            return 0;
        }
    mb__saved *grown = realloc(set->items, (set->n + 1) * sizeof *grown);
    if (!grown)
        return MB_ENOMEM;
    set->items = grown;
    set->items[set->n++] = *item;
    return 0;
}

/* One benchmark object of a results document: *item filled, or 1 when it has nothing to
 * compare (failed, no samples). */
static int read_bench(const mb__json_value *b, mb__saved *item, mb__json_error *je)
{
    const char *name, *status;
    const mb__json_value *raw, *iters, *ns;
    int rc;
    if ((rc = mb__json_get_string(b, "name", &name, je)) < 0 ||
        (rc = mb__json_get_string(b, "status", &status, je)) < 0 ||
        (rc = mb__json_get_object(b, "raw_samples", &raw, je)) < 0 ||
        (rc = mb__json_get_array(raw, "iters", &iters, je)) < 0 ||
        (rc = mb__json_get_array(raw, "time_ns", &ns, je)) < 0)
        return rc;
    if (strcmp(status, "ok") != 0 || iters->len == 0)
        return 1;
    if (iters->len != ns->len || iters->len > MB__SAVED_MAX_SAMPLES) {
        je->line = raw->line;
        je->column = raw->column;
        snprintf(je->message, sizeof je->message,
                 "line %u, column %u: raw_samples must hold iters and time_ns of the same "
                 "length, at most %u",
                 raw->line, raw->column, MB__SAVED_MAX_SAMPLES);
        return MB_EINVAL;
    }
    double *t = malloc(iters->len * sizeof *t);
    char *copy = strdup(name);
    if (!t || !copy) {
        free(t);
        free(copy);
        return MB_ENOMEM;
    }
    for (size_t i = 0; i < iters->len; i++) {
        uint64_t k;
        double total;
        if ((rc = mb__json_as_uint(&iters->u.items[i], "item of \"iters\"", &k, je)) < 0 ||
            (rc = mb__json_as_number(&ns->u.items[i], "item of \"time_ns\"", &total, je)) < 0)
            break;
        t[i] = total / (double)k;
        if (k == 0 || !(total > 0) || !isfinite(t[i])) {
            snprintf(je->message, sizeof je->message,
                     "line %u, column %u: sample %zu must have iters > 0 and time_ns > 0",
                     ns->u.items[i].line, ns->u.items[i].column, i);
            rc = MB_EINVAL;
            break;
        }
    }
    if (rc < 0) {
        free(t);
        free(copy);
        return rc;
    }
    double *scratch = malloc(iters->len * sizeof *scratch);
    if (!scratch) {
        free(t);
        free(copy);
        return MB_ENOMEM;
    }
    double instructions = NAN; /* optional: files from runs without --instructions */
    const mb__json_value *ins = mb__json_get(b, "instructions_per_iteration");
    if (ins && (rc = mb__json_as_number_or_null(ins, "\"instructions_per_iteration\"",
                                                &instructions, je)) < 0) {
        free(scratch);
        free(t);
        free(copy);
        return rc;
    }
    *item = (mb__saved){copy, t, iters->len, mb__median(t, iters->len, scratch), instructions};
    free(scratch);
    return 0;
}

int mb__results_read(const char *path, mb__saved_set *set, char *err, size_t err_size)
{
    mb__json_doc *doc;
    mb__json_error je = {0};
    int rc = mb__json_parse_file(path, NULL, &doc, &je);
    if (rc)
        return fail(err, err_size, rc, "%s", je.message);
    const mb__json_value *root = mb__json_root(doc), *benches;
    const char *library;
    double version;
    if ((rc = mb__json_expect(root, MB__JSON_OBJECT, "the document", &je)) < 0 ||
        (rc = mb__json_get_string(root, "library", &library, &je)) < 0 ||
        (rc = mb__json_get_number(root, "schema_version", &version, &je)) < 0 ||
        (rc = mb__json_get_array(root, "benchmarks", &benches, &je)) < 0) {
        mb__json_free(doc);
        return fail(err, err_size, rc, "%s: %s", path, je.message);
    }
    if (strcmp(library, "microbe") != 0 || version != 1) {
        mb__json_free(doc);
        return fail(err, err_size, MB_EINVAL, "%s: not a microbe results file of schema version 1",
                    path);
    }
    for (size_t i = 0; i < benches->len && rc >= 0; i++) {
        mb__saved item;
        rc = read_bench(&benches->u.items[i], &item, &je);
        if (rc == 0 && (rc = add_saved(set, &item)) != 0) {
            free(item.name);
            free(item.t);
        }
    }
    mb__json_free(doc);
    if (rc == MB_ENOMEM)
        return fail(err, err_size, rc, "%s: out of memory", path);
    if (rc < 0)
        return fail(err, err_size, rc, "%s: %s", path, je.message);
    return 0;
}

int mb__baseline_read(const char *dir, const char *name, mb__saved_set *set, char *err,
                      size_t err_size)
{
    size_t size = strlen(dir) + strlen(name) + 2;
    char *sub = malloc(size);
    if (!sub)
        return MB_ENOMEM;
    snprintf(sub, size, "%s/%s", dir, name);
    DIR *d = opendir(sub);
    if (!d) {
        int saved = errno;
        int rc = fail(err, err_size, MB_EINVAL,
                      "baseline '%s' not found in %s (%s); save one "
                      "with --save-baseline %s",
                      name, dir, strerror(saved), name);
        free(sub);
        return rc;
    }
    int rc = 0;
    struct dirent *entry;
    while (rc == 0 && (entry = readdir(d)) != NULL) {
        size_t len = strlen(entry->d_name);
        if (entry->d_name[0] == '.' || len < 6 || strcmp(entry->d_name + len - 5, ".json") != 0)
            continue; /* ., .., and the temporary files of a save in progress */
        char *path = malloc(size + len + 1);
        if (!path) {
            rc = MB_ENOMEM;
            break;
        }
        snprintf(path, size + len + 1, "%s/%s", sub, entry->d_name);
        rc = mb__results_read(path, set, err, err_size);
        free(path);
    }
    closedir(d);
    free(sub);
    return rc;
}

const mb__saved *mb__saved_find(const mb__saved_set *set, const char *name)
{
    for (size_t i = 0; i < set->n; i++)
        if (strcmp(set->items[i].name, name) == 0)
            return &set->items[i];
    return NULL;
}

void mb__saved_free(mb__saved_set *set)
{
    for (size_t i = 0; i < set->n; i++) {
        free(set->items[i].name);
        free(set->items[i].t);
    }
    free(set->items);
    set->items = NULL;
    set->n = 0;
}

/* ---- Changes ------------------------------------------------------------------------- */

double *mb__result_times(const mb_result *r)
{
    if (!r->n_samples || !r->sample_iters || !r->sample_ns)
        return NULL;
    double *t = malloc(r->n_samples * sizeof *t);
    for (size_t i = 0; t && i < r->n_samples; i++)
        t[i] = r->sample_ns[i] / (double)r->sample_iters[i];
    return t;
}

int mb__change_compute(const double *old_t, size_t n_old, const double *new_t, size_t n_new,
                       const mb_settings *s, uint64_t seed, mb_change *out)
{
    *out = (mb_change){MB_VERDICT_INCONCLUSIVE, NAN, NAN, NAN, NAN, NAN, NAN, n_old};
    mb__ratio ratio;
    int rc =
        mb__ratio_bootstrap(old_t, n_old, new_t, n_new, s->resamples, s->confidence, seed, &ratio);
    if (rc == -2)
        return MB_ENOMEM;
    if (rc != 0)
        return MB_EINVAL;
    mb__mwu mwu;
    rc = mb__mann_whitney(old_t, n_old, new_t, n_new, &mwu);
    if (rc == -2)
        return MB_ENOMEM;
    double low, high;
    mb__widen_interval(log(ratio.point), log(ratio.low), log(ratio.high), s->run_noise,
                       s->confidence, &low, &high);
    double *scratch = malloc(n_old * sizeof *scratch);
    if (!scratch)
        return MB_ENOMEM;
    out->baseline_median_ns = mb__median(old_t, n_old, scratch);
    free(scratch);
    out->ratio = ratio.point;
    out->low = exp(low);
    out->high = exp(high);
    out->p_value = rc == 0 ? mwu.p : NAN;
    return 0;
}

int mb__change_verdicts(mb_change *const *changes, size_t n, const mb_settings *s)
{
    if (n == 0)
        return 0;
    double *p = malloc(n * sizeof *p);
    if (!p)
        return MB_ENOMEM;
    for (size_t i = 0; i < n; i++)
        p[i] = changes[i]->p_value;
    if (mb__holm(p, n, p) == -2) {
        free(p);
        return MB_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        mb_change *c = changes[i];
        c->p_adjusted = p[i];
        switch (mb__verdict_of(c->low, c->high, p[i], s->noise_threshold, s->significance)) {
        case MB__VERDICT_UNCHANGED: c->verdict = MB_VERDICT_UNCHANGED; break;
        case MB__VERDICT_IMPROVED: c->verdict = MB_VERDICT_IMPROVED; break;
        case MB__VERDICT_REGRESSED: c->verdict = MB_VERDICT_REGRESSED; break;
        default: c->verdict = MB_VERDICT_INCONCLUSIVE; break;
        }
    }
    free(p);
    return 0;
}
