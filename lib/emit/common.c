/*
 * Formatting shared by the emitters. Numbers never depend on the C locale: they are written
 * by numbers.c (mb__fmt, and the shortest text that reads back exactly: mb__fmt_double).
 */
#define _POSIX_C_SOURCE 200809L

#include "emit.h"
#include "names.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void mb__json_number(FILE *out, double v)
{
    if (!isfinite(v)) {
        fputs("null", out);
        return;
    }
    char buf[40];
    mb__fmt_double(buf, sizeof buf, v);
    fputs(buf, out);
}

void mb__json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                fprintf(out, "\\u%04x", *p);
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

void mb__csv_string(FILE *out, const char *s)
{
    s = s ? s : "";
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

void mb__csv_number(FILE *out, double v)
{
    if (!isfinite(v))
        return;
    char buf[40];
    mb__fmt_double(buf, sizeof buf, v);
    fputs(buf, out);
}

const char *mb__effect_name(mb_outlier_effect effect)
{
    switch (effect) {
    case MB_OUTLIER_EFFECT_UNAFFECTED: return "unaffected";
    case MB_OUTLIER_EFFECT_SLIGHT: return "slight";
    case MB_OUTLIER_EFFECT_MODERATE: return "moderate";
    case MB_OUTLIER_EFFECT_SEVERE: return "severe";
    }
    return "unknown";
}

const char *mb__outlier_class_name(mb_outlier_class cls)
{
    switch (cls) {
    case MB_OUTLIER_NONE: return "none";
    case MB_OUTLIER_LOW_SEVERE: return "low-severe";
    case MB_OUTLIER_LOW_MILD: return "low-mild";
    case MB_OUTLIER_HIGH_MILD: return "high-mild";
    case MB_OUTLIER_HIGH_SEVERE: return "high-severe";
    }
    return "unknown";
}

const mb_environment *mb__environment(const mb_run_info *info)
{
    return info->env ? info->env : &mb__env_unknown;
}

/* The unit for a time in ns, and the factor that converts ns to it. */
static const char *time_unit(double ns, const char *micro, double *factor)
{
    double a = fabs(ns);
    *factor = a < 1e3 ? 1 : a < 1e6 ? 1e-3 : a < 1e9 ? 1e-6 : 1e-9;
    return a < 1e3 ? "ns" : a < 1e6 ? micro : a < 1e9 ? "ms" : "s";
}

/* Decimals that give four significant digits for a value already scaled to [0, 1000). */
static int decimals_for(double v)
{
    double a = fabs(v);
    return a < 10 ? 3 : a < 100 ? 2 : a < 1000 ? 1 : 0;
}

void mb__format_time(char *buf, size_t size, double ns, const char *micro)
{
    if (!isfinite(ns)) {
        snprintf(buf, size, "-");
        return;
    }
    double factor;
    const char *unit = time_unit(ns, micro, &factor);
    mb__fmt(buf, size, "%.*f %s", decimals_for(ns * factor), ns * factor, unit);
}

void mb__format_interval(char *buf, size_t size, const mb_estimate *e, const char *micro)
{
    if (!isfinite(e->point) || !isfinite(e->low) || !isfinite(e->high)) {
        snprintf(buf, size, "-");
        return;
    }
    double factor;
    const char *unit = time_unit(e->point, micro, &factor);
    int d = decimals_for(e->point * factor) + 1;
    mb__fmt(buf, size, "[%.*f, %.*f] %s", d, e->low * factor, d, e->high * factor, unit);
}

const char *mb__si_prefix(double *v)
{
    static const char *const prefix[] = {"", "k", "M", "G", "T", "P"};
    int i = 0;
    while (fabs(*v) >= 1000 && i < 5) {
        *v /= 1000;
        i++;
    }
    return prefix[i];
}

void mb__format_count(char *buf, size_t size, double count)
{
    const char *prefix = mb__si_prefix(&count);
    mb__fmt(buf, size, "%.*f%s", !*prefix ? 0 : decimals_for(count) > 1 ? 1 : 0, count, prefix);
}

#define MATERIAL_CV 0.01

void mb__format_outliers(char *buf, size_t size, const mb_result *r)
{
    const mb_outliers *o = &r->outliers;
    unsigned long n = (unsigned long)o->low_severe + o->low_mild + o->high_mild + o->high_severe;
    int show = r->cv > MATERIAL_CV && o->effect != MB_OUTLIER_EFFECT_UNAFFECTED;
    snprintf(buf, size, "%lu%s%s%s", n, show ? " (" : "", show ? mb__effect_name(o->effect) : "",
             show ? ")" : "");
}

const char *mb__optimization_name(unsigned build)
{
    if (!(build & MB_BUILD_OPTIMIZED))
        return "-O0";
    return build & MB_BUILD_OPTIMIZE_SIZE ? "-Os" : "-O1+";
}

void mb__plan_notes_add(mb__plan_notes *notes, const char *name, unsigned differs)
{
    for (int i = 0; i < MB_PLAN_DIFF_COUNT; i++) {
        if (!(differs & (1u << i)))
            continue;
        size_t k = notes->count[i]++;
        if (k < MB__PLAN_NAMES_SHOWN)
            snprintf(notes->names[i][k], sizeof notes->names[i][k], "%s", name ? name : "");
    }
}

int mb__plan_notes_any(const mb__plan_notes *notes)
{
    for (int i = 0; i < MB_PLAN_DIFF_COUNT; i++)
        if (notes->count[i])
            return 1;
    return 0;
}

const char *mb__reason_text(mb_reason reason)
{
    switch (reason) {
    case MB_REASON_STRADDLES: return "interval straddles the threshold";
    case MB_REASON_UNSTABLE: return "unstable run";
    case MB_REASON_LOW_LEVEL: return "too few rounds for the confidence";
    case MB_REASON_NOT_SIGNIFICANT: return "not significant after Holm";
    case MB_REASON_NO_INTERVAL: return "no interval";
    default: return NULL;
    }
}

void mb__format_change(char *buf, size_t size, double ratio)
{
    if (isfinite(ratio))
        mb__fmt(buf, size, "%+.1f%%", 100 * (ratio - 1));
    else
        snprintf(buf, size, "-");
}

const char *mb__counter_kind_name(mb_counter_kind kind)
{
    switch (kind) {
    case MB_PER_ITER: return "per_iter";
    case MB_PER_SECOND: return "per_second";
    case MB_PER_CALL: return "per_call";
    }
    return "unknown";
}

const char *mb__counter_kind_unit(mb_counter_kind kind)
{
    switch (kind) {
    case MB_PER_ITER: return "/iter";
    case MB_PER_SECOND: return "/s";
    case MB_PER_CALL: return "/call";
    }
    return "";
}

void mb__percentile_name(char *buf, size_t size, double p)
{
    /* %g keeps six significant digits: 0.999 * 100 prints as 99.9, not 99.899999999999991. */
    mb__fmt(buf, size, "p%g", 100 * p);
}

unsigned mb__threads(const mb_result *r)
{
    return r->threads ? r->threads : 1;
}

size_t mb__fit_count(const mb_complexity *c)
{
    size_t room = sizeof c->fits / sizeof c->fits[0];
    if (c->n_fits == 0)
        return MB_COMPLEXITY_MODELS;
    return c->n_fits < room ? c->n_fits : room;
}

const char *mb__fit_name(const mb_complexity_fit *fit)
{
    if (fit->name)
        return fit->name;
    const char *name = mb_complexity_name(fit->model);
    return name ? name : "user";
}

void mb__fit_formula(char *buf, size_t size, const mb_complexity_fit *fit, const char *parameter,
                     const char *times, const char *micro)
{
    char a[32], c[32];
    if (fit->model == MB_O_1) { /* a file from before intercepts holds O(1) in c */
        mb__format_time(buf, size, fit->intercept_ns + fit->coefficient_ns, micro);
        return;
    }
    mb__format_time(a, sizeof a, fit->intercept_ns, micro);
    mb__format_time(c, sizeof c, fit->coefficient_ns, micro);
    if (fit->intercept_ns == 0) /* none, or none in the file */
        mb__fmt(buf, size, "%s %s f(%s)", c, times, parameter);
    else
        mb__fmt(buf, size, "%s + %s %s f(%s)", a, c, times, parameter);
}

void mb__format_time_bounds(char *buf, size_t size, double ns, double low, double high,
                            const char *micro)
{
    if (!isfinite(ns)) {
        snprintf(buf, size, "-");
        return;
    }
    double factor;
    const char *unit = time_unit(ns, micro, &factor);
    int d = decimals_for(ns * factor);
    if (isfinite(low) && isfinite(high))
        mb__fmt(buf, size, "%.*f %s [%.*f, %.*f]", d, ns * factor, unit, d, low * factor, d,
                high * factor);
    else
        mb__fmt(buf, size, "%.*f %s", d, ns * factor, unit);
}

void mb__format_si(char *buf, size_t size, double v)
{
    if (!isfinite(v)) {
        snprintf(buf, size, "-");
        return;
    }
    const char *prefix = mb__si_prefix(&v);
    mb__fmt(buf, size, "%.4g%s%s", v, *prefix ? " " : "", prefix);
}
