/*
 * The text report: a header line about the timer, one aligned row per benchmark (the median
 * time per iteration with its interval, the interval's relative half-width, mean, MAD,
 * samples, iterations, outliers), then the warnings under the table. Units are scaled per
 * value to four significant digits. Uses only the public header, like a user's emitter.
 */
#include "microbe.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The outliers' effect on the variance is shown only when the spread itself is material: with
 * a CV of 0.1 % a single outlier "explains" most of a negligible variance. */
#define MATERIAL_CV 0.01

typedef struct text_emitter {
    FILE *out;
    int name_width;
    char *warnings; /* lines collected for after the table */
    size_t warnings_len;
    size_t n_failed;
    double wall_s;
} text_emitter;

/* The unit for a time in ns, and the value in that unit. */
static const char *scale_time(double ns, double *scaled)
{
    double a = fabs(ns);
    if (a < 1e3) {
        *scaled = ns;
        return "ns";
    }
    if (a < 1e6) {
        *scaled = ns / 1e3;
        return "us";
    }
    if (a < 1e9) {
        *scaled = ns / 1e6;
        return "ms";
    }
    *scaled = ns / 1e9;
    return "s";
}

/* Decimals that give four significant digits for a value already scaled to [0, 1000). */
static int decimals_for(double v)
{
    double a = fabs(v);
    return a < 10 ? 3 : a < 100 ? 2 : a < 1000 ? 1 : 0;
}

static void format_time(char *buf, size_t size, double ns)
{
    if (!isfinite(ns)) {
        snprintf(buf, size, "-");
        return;
    }
    double v;
    const char *unit = scale_time(ns, &v);
    snprintf(buf, size, "%.*f %s", decimals_for(v), v, unit);
}

/* "[low, high] unit" in the unit of the point estimate, one more decimal than the point. */
static void format_interval(char *buf, size_t size, double point, double low, double high)
{
    if (!isfinite(point) || !isfinite(low) || !isfinite(high)) {
        snprintf(buf, size, "-");
        return;
    }
    double v;
    const char *unit = scale_time(point, &v);
    double factor = v / point;
    int d = decimals_for(v) + 1;
    snprintf(buf, size, "[%.*f, %.*f] %s", d, low * factor, d, high * factor, unit);
}

static void format_count(char *buf, size_t size, double count)
{
    static const char suffix[] = {0, 'k', 'M', 'G', 'T', 'P'};
    int i = 0;
    while (count >= 1000 && i < 5) {
        count /= 1000;
        i++;
    }
    if (i == 0)
        snprintf(buf, size, "%.0f", count);
    else
        snprintf(buf, size, "%.*f%c", decimals_for(count) > 1 ? 1 : 0, count, suffix[i]);
}

static int add_warning(text_emitter *t, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static int add_warning(text_emitter *t, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (len < 0)
        return MB_EIO;
    size_t n = (size_t)len < sizeof line ? (size_t)len : sizeof line - 1;
    char *grown = realloc(t->warnings, t->warnings_len + n + 2);
    if (!grown)
        return MB_ENOMEM;
    memcpy(grown + t->warnings_len, line, n);
    grown[t->warnings_len + n] = '\n';
    grown[t->warnings_len + n + 1] = '\0';
    t->warnings = grown;
    t->warnings_len += n + 1;
    return 0;
}

static int text_begin(void *user, const mb_run_info *info)
{
    text_emitter *t = user;
    t->name_width = (int)strlen("benchmark");
    for (size_t i = 0; i < info->n_benchmarks; i++) {
        int len = (int)strlen(info->names[i]);
        if (len > t->name_width)
            t->name_width = len;
    }
    fprintf(t->out,
            "microbe %s | %s: resolution %.0f ns, cost %.1f ns | empty loop %.3f ns/iter | "
            "seed 0x%016llx\n\n",
            info->library_version, info->timer, info->timer_resolution_ns, info->timer_cost_ns,
            info->loop_overhead_ns, (unsigned long long)info->seed);
    char ci_head[32];
    snprintf(ci_head, sizeof ci_head, "%g%% CI", 100 * info->settings->confidence);
    fprintf(t->out, "%-*s  %10s  %-24s  %6s  %10s  %10s  %7s  %7s  %s\n", t->name_width,
            "benchmark", "median", ci_head, "+/-", "mean", "MAD", "samples", "iters", "outliers");
    return ferror(t->out) ? MB_EIO : 0;
}

static const char *effect_name(mb_outlier_effect e)
{
    switch (e) {
    case MB_OUTLIER_EFFECT_SLIGHT: return " (slight)";
    case MB_OUTLIER_EFFECT_MODERATE: return " (moderate)";
    case MB_OUTLIER_EFFECT_SEVERE: return " (severe)";
    default: return "";
    }
}

static int text_result(void *user, const mb_run_info *info, const mb_result *r)
{
    text_emitter *t = user;
    (void)info;
    t->wall_s += r->wall_time_s;
    if (r->status != MB_STATUS_OK) {
        t->n_failed++;
        fprintf(t->out, "%-*s  FAILED: %s\n", t->name_width, r->name,
                r->message ? r->message : "unknown failure");
        return ferror(t->out) ? MB_EIO : 0;
    }
    char median[32], ci[64], mean[32], mad[32], iters[16], rel[16];
    format_time(median, sizeof median, r->median.point);
    format_interval(ci, sizeof ci, r->median.point, r->median.low, r->median.high);
    format_time(mean, sizeof mean, r->mean.point);
    format_time(mad, sizeof mad, r->mad.point);
    format_count(iters, sizeof iters, (double)r->total_iters);
    if (isfinite(r->rel_half_width))
        snprintf(rel, sizeof rel, "%.1f%%", 100 * r->rel_half_width);
    else
        snprintf(rel, sizeof rel, "-");
    const mb_outliers *o = &r->outliers;
    unsigned n_outliers = o->low_severe + o->low_mild + o->high_mild + o->high_severe;
    fprintf(t->out, "%-*s  %10s  %-24s  %6s  %10s  %10s  %7zu  %7s  %u%s\n", t->name_width, r->name,
            median, ci, rel, mean, mad, r->n_samples, iters, n_outliers,
            r->cv > MATERIAL_CV ? effect_name(o->effect) : "");

    for (int i = 0; i < MB_WARN_COUNT; i++) {
        unsigned bit = 1u << i;
        if (!(r->warnings & bit))
            continue;
        int err =
            add_warning(t, "  %s: %s: %s", r->name, mb_warning_name(bit), mb_warning_advice(bit));
        if (err)
            return err;
    }
    return ferror(t->out) ? MB_EIO : 0;
}

static int text_end(void *user, const mb_run_info *info)
{
    text_emitter *t = user;
    if (t->warnings_len)
        fprintf(t->out, "\nwarnings:\n%s", t->warnings);
    fprintf(t->out, "\n%zu benchmark%s", info->n_benchmarks, info->n_benchmarks == 1 ? "" : "s");
    if (t->n_failed)
        fprintf(t->out, ", %zu failed", t->n_failed);
    fprintf(t->out, " in %.2f s\n", t->wall_s);
    fflush(t->out);
    return ferror(t->out) ? MB_EIO : 0;
}

static void text_destroy(void *user)
{
    text_emitter *t = user;
    free(t->warnings);
    free(t);
}

int mb_emitter_text(mb_emitter *emitter, FILE *out)
{
    text_emitter *t = calloc(1, sizeof *t);
    if (!t)
        return MB_ENOMEM;
    t->out = out;
    *emitter = (mb_emitter){t, text_begin, text_result, text_end, text_destroy};
    return 0;
}
