/*
 * The text report: a header line about the timer, one aligned row per benchmark (the median
 * time per iteration with its interval, the interval's relative half-width, mean, MAD,
 * samples, iterations, outliers), then sections under the table (per-invocation percentiles,
 * changes, throughput, counters, user counters, complexity) and the warnings. Units are
 * scaled per value to four significant digits; numbers use '.' whatever the locale. With a
 * width limit, the least important columns are dropped until a row fits and the lines of the
 * percentile and user-counter sections wrap; with colour, ANSI escapes mark the header, the
 * medians, failures and warnings. Reads only the public result structures.
 */
#include "emit.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The columns, in display order; a column with a higher `drop` goes first when a row is too
 * wide (0: never dropped). */
enum {
    COL_NAME,
    COL_MEDIAN,
    COL_CI,
    COL_REL,
    COL_MEAN,
    COL_MAD,
    COL_SAMPLES,
    COL_ITERS,
    COL_OUTLIERS,
    COL_COUNT
};

static const struct column {
    const char *header;
    int width; /* 0: computed (the name column) */
    int left;  /* left-aligned */
    int drop;
} columns[COL_COUNT] = {
    [COL_NAME] = {"benchmark", 0, 1, 0},
    [COL_MEDIAN] = {"median", 10, 0, 0},
    [COL_CI] = {"CI", 24, 1, 0},
    [COL_REL] = {"+/-", 6, 0, 0},
    [COL_MEAN] = {"mean", 10, 0, 4},
    [COL_MAD] = {"MAD", 10, 0, 5},
    [COL_SAMPLES] = {"samples", 7, 0, 3},
    [COL_ITERS] = {"iters", 7, 0, 6},
    [COL_OUTLIERS] = {"outliers", 14, 1, 7},
};

#define BOLD "\033[1m"
#define RED "\033[31m"
#define YELLOW "\033[33m"
#define GREEN "\033[32m"
#define RESET "\033[0m"

typedef struct lines {
    char *text;
    size_t len;
} lines;

typedef struct text_emitter {
    FILE *out;
    mb_text_options options;
    int shown[COL_COUNT]; /* columns that fit the width */
    int name_width;
    lines warnings; /* collected for after the table */
    lines changes;  /* against the baseline, also after the table */
    lines pairs;    /* group members against their group's baseline member */
    lines counters; /* per iteration, one line per benchmark */
    lines rates;    /* throughput, one line per benchmark that declared it */
    lines latency;  /* per-invocation percentiles of latency and cold results */
    lines user;     /* user counters, one line per benchmark that set any */
    int any_inconclusive;
    mb__plan_notes plans; /* results whose baseline was measured under another plan */
    size_t n_failed;
    double wall_s;
} text_emitter;

static int add_line(lines *to, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static int add_line(lines *to, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): started on the line above */
    int len = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (len < 0)
        return MB_EIO;
    size_t n = (size_t)len < sizeof line ? (size_t)len : sizeof line - 1;
    char *grown = realloc(to->text, to->len + n + 2);
    if (!grown)
        return MB_ENOMEM;
    memcpy(grown + to->len, line, n);
    grown[to->len + n] = '\n';
    grown[to->len + n + 1] = '\0';
    to->text = grown;
    to->len += n + 1;
    return 0;
}

static int column_width(const text_emitter *t, int col)
{
    return col == COL_NAME ? t->name_width : columns[col].width;
}

/* Chooses the columns that fit options.width: drops the highest `drop` first. */
static void fit_columns(text_emitter *t)
{
    for (int c = 0; c < COL_COUNT; c++)
        t->shown[c] = 1;
    for (;;) {
        int total = -2, worst = -1;
        for (int c = 0; c < COL_COUNT; c++) {
            if (!t->shown[c])
                continue;
            total += column_width(t, c) + 2;
            if (columns[c].drop && (worst < 0 || columns[c].drop > columns[worst].drop))
                worst = c;
        }
        if (t->options.width <= 0 || total <= t->options.width || worst < 0)
            return;
        t->shown[worst] = 0;
    }
}

/* One row: the cells of the shown columns, padded to their widths; with colour, the
 * `emphasised` column in bold (every column when it is COL_COUNT). */
static void print_row(text_emitter *t, const char *const cell[COL_COUNT], int emphasised)
{
    int first = 1;
    for (int c = 0; c < COL_COUNT; c++) {
        if (!t->shown[c])
            continue;
        int width = column_width(t, c), last = 1;
        for (int k = c + 1; k < COL_COUNT; k++)
            last &= !t->shown[k];
        int bold = t->options.color && (c == emphasised || emphasised == COL_COUNT);
        fprintf(t->out, "%s%s", first ? "" : "  ", bold ? BOLD : "");
        if (columns[c].left && last)
            fputs(cell[c], t->out); /* no trailing blanks */
        else if (columns[c].left)
            fprintf(t->out, "%-*s", width, cell[c]);
        else
            fprintf(t->out, "%*s", width, cell[c]);
        fputs(bold ? RESET : "", t->out);
        first = 0;
    }
    fputc('\n', t->out);
}

/* "32 KiB", "1.25 MiB": a cache size. */
static void format_size(char *buf, size_t size, uint64_t bytes)
{
    if (bytes >= (UINT64_C(1) << 20) && bytes % (UINT64_C(64) << 10) == 0)
        mb__fmt(buf, size, "%g MiB", (double)bytes / (1024.0 * 1024.0));
    else
        mb__fmt(buf, size, "%g KiB", (double)bytes / 1024.0);
}

/* The machine in one line (what is known of it), then its hygiene notes with remedies. */
static void environment(text_emitter *t, const mb_environment *env)
{
    const char *sep = "";
    if (env->host[0])
        fprintf(t->out, "%shost %s", sep, env->host), sep = " | ";
    if (env->os[0])
        fprintf(t->out, "%s%s", sep, env->os), sep = " | ";
    if (env->cpu_model[0])
        fprintf(t->out, "%s%s", sep, env->cpu_model), sep = " | ";
    if (env->logical_cpus > 0)
        fprintf(t->out, "%s%d CPUs", sep, env->logical_cpus), sep = " | ";
    for (size_t i = 0; i < env->n_caches && env->caches; i++) {
        const mb_cache *c = &env->caches[i];
        char bytes[32];
        format_size(bytes, sizeof bytes, c->size_bytes);
        fprintf(t->out, "%sL%d%s %s", i ? ", " : sep, c->level,
                strcmp(c->type, "Data") == 0          ? "d"
                : strcmp(c->type, "Instruction") == 0 ? "i"
                                                      : "",
                bytes);
        sep = " | ";
    }
    if (isfinite(env->load_avg[0])) {
        char load[48];
        mb__fmt(load, sizeof load, "load %.2f %.2f %.2f", env->load_avg[0], env->load_avg[1],
                env->load_avg[2]);
        fprintf(t->out, "%s%s", sep, load), sep = " | ";
    }
    if (*sep)
        fputc('\n', t->out);
    unsigned hygiene = mb_hygiene(env);
    for (int i = 0; i < MB_HYGIENE_COUNT; i++) {
        unsigned bit = 1u << i;
        if (hygiene & bit)
            fprintf(t->out, "%snote%s: %s: %s\n", t->options.color ? YELLOW : "",
                    t->options.color ? RESET : "", mb_hygiene_name(bit), mb_hygiene_advice(bit));
    }
}

/* How the run measured: its parts, or the limit of measuring in one. */
static void parts_line(text_emitter *t, const mb_run_info *info)
{
    const mb_settings *s = info->settings;
    if (!s || s->smoke || s->profile_time_s > 0 || info->pairs)
        return;
    unsigned forks = info->forks_used, rounds = s->rounds;
    if (forks > 0)
        fprintf(t->out,
                "parts: %u fresh processes x %u round%s; intervals hold the spread "
                "between them\n",
                forks, rounds, rounds == 1 ? "" : "s");
    else if (rounds > 1)
        fprintf(t->out,
                "parts: %u rounds in this process; intervals hold the spread between "
                "them, not between processes\n",
                rounds);
    else
        fprintf(t->out, "parts: one, in this process: intervals hold the noise within this run "
                        "only, and comparisons assume --run-noise for the rest\n");
}

/* s as the text report shows it, into buf: each control character (a line break, a tab, an
 * escape sequence) written as a C escape, so that no name or message can break a line or
 * drive the terminal. */
static const char *shown(char *buf, size_t size, const char *s)
{
    size_t len = 0;
    for (; s && *s && len + 5 < size; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c != 0x7f)
            buf[len++] = (char)c;
        else if (c == '\n' || c == '\r' || c == '\t')
            len += (size_t)snprintf(buf + len, size - len, "\\%c",
                                    c == '\n'   ? 'n'
                                    : c == '\r' ? 'r'
                                                : 't');
        else
            len += (size_t)snprintf(buf + len, size - len, "\\x%02x", c);
    }
    buf[len] = '\0';
    return s ? buf : NULL;
}

/* Whether s holds a control character (which the report must show escaped). */
static int has_control(const char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 1;
    return 0;
}

static int text_begin(void *user, const mb_run_info *info)
{
    text_emitter *t = user;
    memset(&t->plans, 0, sizeof t->plans);
    t->name_width = (int)strlen("benchmark");
    for (size_t i = 0; i < info->n_benchmarks; i++) {
        char name[1024];
        int len = (int)strlen(shown(name, sizeof name, info->names[i]));
        if (len > t->name_width)
            t->name_width = len;
    }
    fit_columns(t);
    char line[256];
    mb__fmt(line, sizeof line,
            "microbe %s | %s: resolution %.0f ns, cost %.1f ns | empty loop %.3f ns/iter | "
            "seed 0x%016llx",
            info->library_version, info->timer, info->timer_resolution_ns, info->timer_cost_ns,
            info->loop_overhead_ns, (unsigned long long)info->seed);
    fprintf(t->out, "%s\n", line);
    parts_line(t, info);
    environment(t, mb__environment(info));
    const mb_settings *s = info->settings;
    for (size_t i = 0; i < s->n_context; i++)
        fprintf(t->out, "%s%s", i ? ", " : "context: ", s->context[i]);
    fputs(s->n_context ? "\n\n" : "\n", t->out);

    char ci_head[32];
    mb__fmt(ci_head, sizeof ci_head, "%g%% CI", 100 * info->settings->confidence);
    const char *head[COL_COUNT];
    for (int c = 0; c < COL_COUNT; c++)
        head[c] = c == COL_CI ? ci_head : columns[c].header;
    print_row(t, head, COL_COUNT);
    return ferror(t->out) ? MB_EIO : 0;
}

/* One line of a change section: name, the baseline's median and the new one (the baseline's
 * times the ratio), change, interval, adjusted p, verdict. */
static int change_row(text_emitter *t, lines *to, const char *name, const mb_change *c)
{
    char old_ns[32], new_ns[32], ratio[24], low[24], high[24], p[24];
    mb__format_time(old_ns, sizeof old_ns, c->baseline_median_ns, "us");
    mb__format_time(new_ns, sizeof new_ns, c->baseline_median_ns * c->ratio, "us");
    mb__format_change(ratio, sizeof ratio, c->ratio);
    mb__format_change(low, sizeof low, c->low);
    mb__format_change(high, sizeof high, c->high);
    if (isfinite(c->p_adjusted))
        mb__fmt(p, sizeof p, "%.2g", c->p_adjusted);
    else
        snprintf(p, sizeof p, "-");
    const char *color = !t->options.color                    ? ""
                        : c->verdict == MB_VERDICT_REGRESSED ? RED
                        : c->verdict == MB_VERDICT_IMPROVED  ? GREEN
                                                             : "";
    t->any_inconclusive |= c->verdict == MB_VERDICT_INCONCLUSIVE;
    char interval[56];
    snprintf(interval, sizeof interval, "[%s, %s]", low, high);
    const char *why = c->verdict == MB_VERDICT_INCONCLUSIVE ? mb__reason_text(c->reason) : NULL;
    return add_line(to, "  %-*s  %10s -> %-10s  %7s  %-18s  p %-7s  %s%s%s%s%s%s", t->name_width,
                    name, old_ns, new_ns, ratio, interval, p, color, mb_verdict_name(c->verdict),
                    *color ? RESET : "", why ? " (" : "", why ? why : "", why ? ")" : "");
}

/* The result's lines of the change sections: against the baseline, within its group. */
static int change_line(text_emitter *t, const mb_run_info *info, const mb_result *r)
{
    const mb_settings *s = info->settings;
    if (r->paired.verdict != MB_VERDICT_NONE) {
        int err = change_row(t, &t->pairs, r->name, &r->paired);
        if (err)
            return err;
    } else if (r->group && r->group_baseline && strcmp(r->name, r->group_baseline) == 0 &&
               r->n_samples) {
        int err =
            add_line(&t->pairs, "  %-*s  (baseline of group %s)", t->name_width, r->name, r->group);
        if (err)
            return err;
    }
    if (!s || !s->baseline || r->n_samples == 0)
        return 0;
    if (r->change.verdict == MB_VERDICT_NONE)
        return add_line(&t->changes, "  %-*s  not in the baseline", t->name_width, r->name);
    mb__plan_notes_add(&t->plans, r->name, r->change.plan_differs);
    int err = change_row(t, &t->changes, r->name, &r->change);
    if (err || r->instructions_change.verdict == MB_VERDICT_NONE)
        return err;
    /* The instruction count is exact: its change has no interval and no p-value. */
    char ratio[24], old_count[24], new_count[24];
    mb__format_change(ratio, sizeof ratio, r->instructions_change.ratio);
    mb__format_count(old_count, sizeof old_count, r->instructions_change.baseline_median_ns);
    mb__format_count(new_count, sizeof new_count, r->instructions_per_iter);
    return add_line(&t->changes, "  %-*s  %10s -> %-10s  %7s  %-18s  %-9s  %s", t->name_width, "",
                    old_count, new_count, ratio, "(instructions)", "",
                    mb_verdict_name(r->instructions_change.verdict));
}

/* "1.000" or "8.831 ns": a counter's value per iteration in its unit. */
static void counter_value(char *buf, size_t size, const mb_counter *c, double v)
{
    if (!isfinite(v))
        snprintf(buf, size, "-");
    else if (strcmp(c->unit, "ns") == 0)
        mb__format_time(buf, size, v, "us");
    else
        mb__fmt(buf, size, "%.4g", v);
}

/* The result's line of the counters section: each counter's median per iteration with its
 * interval, or why it is unavailable; the derived ratios. */
static int counter_line(text_emitter *t, const mb_result *r)
{
    int has_instructions = isfinite(r->instructions_per_iter);
    if ((!r->n_counters || !r->counters) && !has_instructions)
        return 0;
    if (r->n_samples == 0)
        return 0;
    char line[1024];
    size_t len = (size_t)snprintf(line, sizeof line, "  %-*s", t->name_width, r->name);
    for (size_t i = 0; r->counters && i < r->n_counters && len < sizeof line; i++) {
        const mb_counter *c = &r->counters[i];
        char v[32], lo[32], hi[32];
        if (!c->available) {
            len += (size_t)snprintf(line + len, sizeof line - len, "  %s unavailable", c->name);
            continue;
        }
        counter_value(v, sizeof v, c, c->per_iter.point);
        counter_value(lo, sizeof lo, c, c->per_iter.low);
        counter_value(hi, sizeof hi, c, c->per_iter.high);
        len += (size_t)snprintf(line + len, sizeof line - len, "  %s %s [%s, %s]%s", c->name, v, lo,
                                hi, c->coverage < 0.999 ? " (multiplexed)" : "");
    }
    if (has_instructions && len < sizeof line) {
        char v[40];
        mb__fmt(v, sizeof v, "%.6g", r->instructions_per_iter);
        len += (size_t)snprintf(line + len, sizeof line - len, "  instructions %s (callgrind)", v);
    }
    const double ratio[3] = {r->ratios.ipc, r->ratios.branch_miss_rate, r->ratios.cache_miss_rate};
    const char *ratio_name[3] = {"IPC", "branch-miss rate", "cache-miss rate"};
    for (int i = 0; i < 3 && len < sizeof line; i++)
        if (isfinite(ratio[i])) {
            char v[32];
            mb__fmt(v, sizeof v, "%.3g", ratio[i]);
            len += (size_t)snprintf(line + len, sizeof line - len, "  %s %s", ratio_name[i], v);
        }
    return add_line(&t->counters, "%s", line);
}

/* "1.234 GB/s": a rate per second with a decimal SI prefix. */
static void format_rate(char *buf, size_t size, double per_s, const char *unit)
{
    const char *prefix = mb__si_prefix(&per_s);
    mb__fmt(buf, size, "%.4g %s%s/s", per_s, prefix, unit);
}

/* The result's line of the throughput section. */
static int rate_line(text_emitter *t, const mb_result *r)
{
    const mb_rate *rates[2] = {&r->bytes_per_s, &r->items_per_s};
    const char *units[2] = {"B", "items"};
    char line[512];
    size_t len = (size_t)snprintf(line, sizeof line, "  %-*s", t->name_width, r->name);
    int any = 0;
    for (int i = 0; i < 2; i++) {
        if (!(rates[i]->per_iter > 0) || !isfinite(rates[i]->point))
            continue;
        char v[48], lo[48], hi[48];
        format_rate(v, sizeof v, rates[i]->point, units[i]);
        format_rate(lo, sizeof lo, rates[i]->low, units[i]);
        format_rate(hi, sizeof hi, rates[i]->high, units[i]);
        len += (size_t)snprintf(line + len, sizeof line - len, "  %s [%s, %s]", v, lo, hi);
        any = 1;
    }
    /* The times are per thread, the rates all threads' work: say so where it applies. */
    if (any && mb__threads(r) > 1 && len < sizeof line)
        snprintf(line + len, sizeof line - len, "  (all %u threads)", mb__threads(r));
    return any ? add_line(&t->rates, "%s", line) : 0;
}

/* A result's line in a section after the table: its name, then each item after two spaces.
 * With a width limit, an item that would pass it starts a continuation line, indented to the
 * first item (every line keeps at least one item). */
static int item_lines(text_emitter *t, lines *to, const char *name, const char *const *items,
                      size_t n)
{
    char line[512];
    int indent = 2 + t->name_width;
    size_t len = (size_t)snprintf(line, sizeof line, "  %-*s", t->name_width, name);
    for (size_t i = 0; i < n; i++) {
        size_t need = 2 + strlen(items[i]);
        if (t->options.width > 0 && i > 0 && len + need > (size_t)t->options.width) {
            int err = add_line(to, "%s", line);
            if (err)
                return err;
            len = (size_t)snprintf(line, sizeof line, "%*s", indent, "");
        }
        if (len < sizeof line)
            len += (size_t)snprintf(line + len, sizeof line - len, "  %s", items[i]);
    }
    return add_line(to, "%s", line);
}

/* Whether the latency p50's interval and the table's median's are apart (a missing bound
 * taken as its point): the two then say different things, and the report says which one the
 * throughput uses. */
static int p50_apart(const mb_result *r)
{
    const mb_percentile *p = &r->latency.percentiles[0];
    const mb_estimate *m = &r->median;
    double lo = isnan(p->low) ? p->ns : p->low, hi = isnan(p->high) ? p->ns : p->high;
    double m_lo = isnan(m->low) ? m->point : m->low, m_hi = isnan(m->high) ? m->point : m->high;
    return r->n_samples > 0 && (hi < m_lo || lo > m_hi);
}

/* The result's lines of the latency section: each percentile of the time per invocation with
 * its interval, the slowest invocation, how many were timed, and whether the clock limits
 * them; then, when p50 and the table's median disagree, which one the throughput uses. */
static int latency_line(text_emitter *t, const mb_result *r)
{
    const mb_latency *l = &r->latency;
    if (l->n == 0)
        return 0;
    char text[MB_PERCENTILES + 3][120];
    const char *items[MB_PERCENTILES + 3];
    for (int i = 0; i < MB_PERCENTILES; i++) {
        const mb_percentile *p = &l->percentiles[i];
        char name[32], value[64];
        mb__percentile_name(name, sizeof name, p->p);
        mb__format_time_bounds(value, sizeof value, p->ns, p->low, p->high, "us");
        snprintf(text[i], sizeof text[i], "%s %s", name, value);
        items[i] = text[i];
    }
    char max[32];
    mb__format_time(max, sizeof max, l->max_ns, "us");
    snprintf(text[MB_PERCENTILES], sizeof text[0], "max %s", max);
    snprintf(text[MB_PERCENTILES + 1], sizeof text[0], "(n = %llu%s)", (unsigned long long)l->n,
             r->mode == MB_MODE_COLD ? ", cold caches" : "");
    size_t n = MB_PERCENTILES + 2;
    if (l->resolution_limited) {
        char cost[32], res[32];
        mb__format_time(cost, sizeof cost, l->timer_cost_ns, "us");
        mb__format_time(res, sizeof res, l->timer_resolution_ns, "us");
        snprintf(text[n++], sizeof text[0],
                 "resolution-limited: clock read %s subtracted, resolution %s", cost, res);
    }
    for (size_t i = MB_PERCENTILES; i < n; i++)
        items[i] = text[i];
    int err = item_lines(t, &t->latency, r->name, items, n);
    if (err || !p50_apart(r))
        return err;
    char median[64], says[160];
    mb__format_time_bounds(median, sizeof median, r->median.point, r->median.low, r->median.high,
                           "us");
    snprintf(says, sizeof says, "the table and throughput use the median %s, not p50", median);
    const char *note[] = {says, "(each sample's time over its invocations, slow ones included)"};
    return item_lines(t, &t->latency, "", note, 2);
}

/* The result's lines of the user-counter section: "nodes: 1.234 k/iter [1.22 k, 1.24 k]". */
static int user_counter_line(text_emitter *t, const mb_result *r)
{
    size_t n = r->user_counters ? r->n_user_counters : 0;
    if (n == 0 || r->n_samples == 0)
        return 0;
    if (n > MB_USER_COUNTERS_MAX)
        n = MB_USER_COUNTERS_MAX;
    char text[MB_USER_COUNTERS_MAX][160];
    const char *items[MB_USER_COUNTERS_MAX];
    for (size_t i = 0; i < n; i++) {
        const mb_user_counter *c = &r->user_counters[i];
        char v[32], lo[32], hi[32];
        mb__format_si(v, sizeof v, c->value.point);
        mb__format_si(lo, sizeof lo, c->value.low);
        mb__format_si(hi, sizeof hi, c->value.high);
        const char *name = c->name ? c->name : "";
        if (isfinite(c->value.low) && isfinite(c->value.high))
            snprintf(text[i], sizeof text[i], "%s: %s%s [%s, %s]", name, v,
                     mb__counter_kind_unit(c->kind), lo, hi);
        else
            snprintf(text[i], sizeof text[i], "%s: %s%s", name, v, mb__counter_kind_unit(c->kind));
        items[i] = text[i];
    }
    return item_lines(t, &t->user, r->name, items, n);
}

static int text_result_shown(text_emitter *t, const mb_run_info *info, const mb_result *r)
{
    t->wall_s += r->wall_time_s;
    if (r->status == MB_STATUS_SKIPPED) {
        fprintf(t->out, "%-*s  skipped: %s\n", t->name_width, r->name,
                r->message ? r->message : "");
        return ferror(t->out) ? MB_EIO : 0;
    }
    if (r->status != MB_STATUS_OK) {
        t->n_failed++;
        fprintf(t->out, "%-*s  %sFAILED%s: %s\n", t->name_width, r->name,
                t->options.color ? RED : "", t->options.color ? RESET : "",
                r->message ? r->message : "unknown failure");
        return ferror(t->out) ? MB_EIO : 0;
    }
    if (r->n_samples == 0) { /* --smoke or --profile-time: nothing was measured */
        fprintf(t->out, "%-*s  ok (%s run: not measured)\n", t->name_width, r->name,
                info->settings->smoke ? "smoke" : "profile");
        return ferror(t->out) ? MB_EIO : 0;
    }
    char median[32], ci[64], rel[16], mean[32], mad[32], samples[24], iters[16], outliers[32];
    mb__format_time(median, sizeof median, r->median.point, "us");
    mb__format_interval(ci, sizeof ci, &r->median, "us");
    if (isfinite(r->rel_half_width))
        mb__fmt(rel, sizeof rel, "%.1f%%", 100 * r->rel_half_width);
    else
        snprintf(rel, sizeof rel, "-");
    mb__format_time(mean, sizeof mean, r->mean.point, "us");
    mb__format_time(mad, sizeof mad, r->mad.point, "us");
    snprintf(samples, sizeof samples, "%zu", r->n_samples);
    mb__format_count(iters, sizeof iters, (double)r->total_iters);
    mb__format_outliers(outliers, sizeof outliers, r);
    const char *cell[COL_COUNT] = {r->name, median, ci, rel, mean, mad, samples, iters, outliers};
    print_row(t, cell, COL_MEDIAN);

    for (int i = 0; i < MB_WARN_COUNT; i++) {
        unsigned bit = 1u << i;
        if (!(r->warnings & bit))
            continue;
        int err =
            add_line(&t->warnings, "  %s: %s%s%s: %s", r->name, t->options.color ? YELLOW : "",
                     mb_warning_name(bit), t->options.color ? RESET : "", mb_warning_advice(bit));
        if (err)
            return err;
    }
    int err = change_line(t, info, r);
    if (!err)
        err = counter_line(t, r);
    if (!err)
        err = rate_line(t, r);
    if (!err)
        err = latency_line(t, r);
    if (!err)
        err = user_counter_line(t, r);
    if (err)
        return err;
    return ferror(t->out) ? MB_EIO : 0;
}

static int text_result(void *user, const mb_run_info *info, const mb_result *r)
{
    text_emitter *t = user;
    int control = has_control(r->name) || has_control(r->group) || has_control(r->group_baseline) ||
                  has_control(r->message);
    for (size_t i = 0; r->user_counters && i < r->n_user_counters; i++)
        control |= has_control(r->user_counters[i].name);
    if (!control || r->n_user_counters > MB_USER_COUNTERS_MAX)
        return text_result_shown(t, info, r);
    /* A copy that shows every string escaped. */
    char text[4][1024], user_names[MB_USER_COUNTERS_MAX][256];
    mb_user_counter users[MB_USER_COUNTERS_MAX];
    mb_result copy = *r;
    copy.name = shown(text[0], sizeof text[0], r->name);
    copy.group = shown(text[1], sizeof text[1], r->group);
    copy.group_baseline = shown(text[2], sizeof text[2], r->group_baseline);
    copy.message = shown(text[3], sizeof text[3], r->message);
    for (size_t i = 0; r->user_counters && i < r->n_user_counters; i++) {
        users[i] = r->user_counters[i];
        users[i].name = shown(user_names[i], sizeof user_names[i], users[i].name);
    }
    copy.user_counters = r->user_counters ? users : NULL;
    return text_result_shown(t, info, &copy);
}

/* Under the change section, when a baseline was measured under another plan: one line per
 * kind of difference, naming the first few benchmarks. */
static void plan_lines(text_emitter *t)
{
    if (!mb__plan_notes_any(&t->plans))
        return;
    fprintf(t->out,
            "  %swarning%s: the baseline's plan differs, so a change may come from the plans "
            "(docs/statistics.md, \"What the median estimates\"):\n",
            t->options.color ? YELLOW : "", t->options.color ? RESET : "");
    for (int i = 0; i < MB_PLAN_DIFF_COUNT; i++) {
        size_t n = t->plans.count[i];
        if (!n)
            continue;
        fprintf(t->out, "    %s: ", mb_plan_difference_name(1u << i));
        for (size_t k = 0; k < n && k < MB__PLAN_NAMES_SHOWN; k++)
            fprintf(t->out, "%s%s", k ? ", " : "", t->plans.names[i][k]);
        if (n > MB__PLAN_NAMES_SHOWN)
            fprintf(t->out, " and %zu more", n - MB__PLAN_NAMES_SHOWN);
        fprintf(t->out, ": %s\n", mb_plan_difference_text(1u << i));
    }
}

static int text_end(void *user, const mb_run_info *info)
{
    text_emitter *t = user;
    const mb_settings *s = info->settings;
    char ci[32]; /* "95% CI", with '.' whatever the locale */
    mb__fmt(ci, sizeof ci, "%g%% CI", 100 * (s ? s->confidence : 0.95));
    if (t->latency.len)
        fprintf(t->out, "\nlatency per invocation (percentile [%s]):\n%s", ci, t->latency.text);
    if (t->changes.len && s) {
        char head[160], how[80];
        if (info->pairs)
            snprintf(how, sizeof how, "%zu pairs, stopped: %s", info->pairs,
                     info->pairs_stop ? info->pairs_stop : "-");
        else
            mb__fmt(how, sizeof how, "run noise %g%%", 100 * s->run_noise);
        mb__fmt(head, sizeof head,
                "change against baseline '%s' (noise threshold %g%%, %s):", s->baseline,
                100 * s->noise_threshold, how);
        fprintf(t->out, "\n%s\n%s", head, t->changes.text);
        if (t->any_inconclusive)
            fputs("  (inconclusive, for the reason beside it: measure longer with "
                  "--measurement-time, or compare two builds interleaved with microbe-compare "
                  "--exec)\n",
                  t->out);
        plan_lines(t);
    }
    if (t->rates.len)
        fprintf(t->out, "\nthroughput (from the median [%s]):\n%s", ci, t->rates.text);
    if (t->counters.len)
        fprintf(t->out, "\ncounters per iteration (median [%s]):\n%s", ci, t->counters.text);
    if (t->user.len)
        fprintf(t->out, "\nuser counters (median [%s]):\n%s", ci, t->user.text);
    if (t->pairs.len)
        fprintf(t->out,
                "\npaired within groups (members interleaved in this run, ratio to the group's "
                "first member):\n%s",
                t->pairs.text);
    for (size_t i = 0; i < info->n_complexity && info->complexity; i++) {
        const mb_complexity *c = &info->complexity[i];
        char line[400], formula[128];
        mb__fit_formula(formula, sizeof formula, &c->fits[0], c->parameter, "x", "us");
        size_t len = (size_t)mb__fmt(line, sizeof line, "  %s: %s, %s, rms %.1f%%", c->benchmark,
                                     mb__fit_name(&c->fits[0]), formula, 100 * c->fits[0].rms);
        if (len < sizeof line && mb__fit_count(c) > 1)
            mb__fmt(line + len, sizeof line - len, " (next: %s, %.1f%%)", mb__fit_name(&c->fits[1]),
                    100 * c->fits[1].rms);
        fprintf(t->out, "%s%s\n", i ? "" : "\ncomplexity (median time per iteration, best fit):\n",
                line);
    }
    if (t->warnings.len)
        fprintf(t->out, "\nwarnings:\n%s", t->warnings.text);
    fprintf(t->out, "\n%zu benchmark%s", info->n_benchmarks, info->n_benchmarks == 1 ? "" : "s");
    if (t->n_failed)
        fprintf(t->out, ", %zu failed", t->n_failed);
    char wall[32];
    mb__fmt(wall, sizeof wall, "%.2f", t->wall_s);
    fprintf(t->out, " in %s s%s\n", wall,
            info->interrupted ? " (interrupted: the rest not run)" : "");
    fflush(t->out);
    return ferror(t->out) ? MB_EIO : 0;
}

static void text_destroy(void *user)
{
    text_emitter *t = user;
    free(t->warnings.text);
    free(t->changes.text);
    free(t->pairs.text);
    free(t->counters.text);
    free(t->rates.text);
    free(t->latency.text);
    free(t->user.text);
    free(t);
}

int mb_emitter_text(mb_emitter *emitter, FILE *out)
{
    return mb_emitter_text_opts(emitter, out, NULL);
}

int mb_emitter_text_opts(mb_emitter *emitter, FILE *out, const mb_text_options *options)
{
    text_emitter *t = calloc(1, sizeof *t);
    if (!t)
        return MB_ENOMEM;
    t->out = out;
    if (options)
        t->options = *options;
    *emitter = (mb_emitter){t, text_begin, text_result, text_end, text_destroy};
    return 0;
}
