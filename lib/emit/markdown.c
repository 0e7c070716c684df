/*
 * The Markdown report, for a pull-request comment: a GitHub-flavoured table with one row per
 * benchmark (median, its interval, the interval's relative half-width, mean, MAD, samples,
 * iterations, outliers) with units scaled per value to four significant digits, failed
 * benchmarks shown as such; then a table of per-invocation percentiles when a result has
 * them, lists of counters and user counters, the warnings, and a line about the run. Names are
 * code spans; free text is escaped so that no character of it can break the table or start
 * Markdown markup.
 */
#include "emit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A growable string; once an allocation fails it stays failed and ignores further text. */
typedef struct strbuf {
    char *data;
    size_t len, cap;
    int failed;
} strbuf;

static void sb_append(strbuf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *grown = realloc(b->data, cap);
        if (!grown) {
            b->failed = 1;
            return;
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void sb_puts(strbuf *b, const char *s)
{
    sb_append(b, s, strlen(s));
}

/* Writes the buffer's text and empties it; MB_ENOMEM if it lost text, MB_EIO if out fails. */
static int sb_flush(strbuf *b, FILE *out)
{
    if (b->failed)
        return MB_ENOMEM;
    if (b->len)
        fwrite(b->data, 1, b->len, out);
    b->len = 0;
    return ferror(out) ? MB_EIO : 0;
}

/* Free text in a table cell or list item: every character Markdown could read as markup or
 * as a cell boundary gets a backslash; line breaks become spaces. */
static void sb_text(strbuf *b, const char *s)
{
    for (s = s ? s : ""; *s; s++) {
        if (*s == '\n' || *s == '\r') {
            sb_puts(b, " ");
            continue;
        }
        if (strchr("\\`*_[]<>|~&#!", *s))
            sb_puts(b, "\\");
        sb_append(b, s, 1);
    }
}

/* A name as a code span: fenced by one more backtick than its longest run of backticks,
 * padded when it starts or ends with one; '|' escaped, which GFM tables require even inside
 * code. */
static void sb_code(strbuf *b, const char *s)
{
    s = s ? s : "";
    size_t longest = 0, run = 0;
    for (const char *p = s; *p; p++) {
        run = *p == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    size_t len = strlen(s);
    int pad = len && (s[0] == '`' || s[len - 1] == '`');
    for (size_t i = 0; i <= longest; i++)
        sb_puts(b, "`");
    if (pad)
        sb_puts(b, " ");
    for (const char *p = s; *p; p++) {
        if (*p == '|')
            sb_puts(b, "\\|");
        else if (*p == '\n' || *p == '\r')
            sb_puts(b, " ");
        else
            sb_append(b, p, 1);
    }
    if (pad)
        sb_puts(b, " ");
    for (size_t i = 0; i <= longest; i++)
        sb_puts(b, "`");
}

/* One cell formatted by the shared helpers. */
static void sb_cell(strbuf *b, const char *cell)
{
    sb_puts(b, " | ");
    sb_puts(b, cell);
}

typedef struct markdown_emitter {
    FILE *out;
    strbuf row;
    strbuf warnings;      /* list items collected for after the table */
    strbuf changes;       /* rows of the change table, also after it */
    strbuf pairs;         /* rows of the table of paired group members */
    strbuf counters;      /* list items: counters per iteration */
    strbuf latency;       /* rows of the table of per-invocation percentiles */
    strbuf user;          /* list items: user counters */
    mb__plan_notes plans; /* results whose baseline was measured under another plan */
} markdown_emitter;

static int md_begin(void *user, const mb_run_info *info)
{
    markdown_emitter *m = user;
    char ci[64];
    /* A context may run again, possibly after a run that stopped early. */
    strbuf *bufs[] = {&m->row,      &m->warnings, &m->changes, &m->pairs,
                      &m->counters, &m->latency,  &m->user};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++) {
        bufs[i]->len = 0;
        bufs[i]->failed = 0;
    }
    memset(&m->plans, 0, sizeof m->plans);
    mb__fmt(ci, sizeof ci, "%g%% CI", 100 * (info->settings ? info->settings->confidence : 0.95));
    fprintf(m->out,
            "| benchmark | median | %s | ± | mean | MAD | samples | iters | outliers |\n"
            "|:---|---:|:---|---:|---:|---:|---:|---:|:---|\n",
            ci);
    return ferror(m->out) ? MB_EIO : 0;
}

static void ok_row(strbuf *b, const mb_result *r)
{
    char cell[64];
    mb__format_time(cell, sizeof cell, r->median.point, "µs");
    sb_cell(b, cell);
    mb__format_interval(cell, sizeof cell, &r->median, "µs");
    sb_cell(b, cell);
    if (isfinite(r->rel_half_width))
        mb__fmt(cell, sizeof cell, "%.1f%%", 100 * r->rel_half_width);
    else
        snprintf(cell, sizeof cell, "-");
    sb_cell(b, cell);
    mb__format_time(cell, sizeof cell, r->mean.point, "µs");
    sb_cell(b, cell);
    mb__format_time(cell, sizeof cell, r->mad.point, "µs");
    sb_cell(b, cell);
    snprintf(cell, sizeof cell, "%zu", r->n_samples);
    sb_cell(b, cell);
    mb__format_count(cell, sizeof cell, (double)r->total_iters);
    sb_cell(b, cell);
    mb__format_outliers(cell, sizeof cell, r);
    sb_cell(b, cell);
    sb_puts(b, " |\n");
}

/* A row of a change table: name, the baseline's median and the new one (the baseline's times
 * the ratio), change, interval, adjusted p, verdict. */
static void change_cells(strbuf *b, const char *name, const mb_change *c)
{
    sb_puts(b, "| ");
    sb_code(b, name);
    char ratio[24], low[24], high[24], cell[64];
    mb__format_time(cell, sizeof cell, c->baseline_median_ns, "µs");
    sb_cell(b, cell);
    mb__format_time(cell, sizeof cell, c->baseline_median_ns * c->ratio, "µs");
    sb_cell(b, cell);
    mb__format_change(ratio, sizeof ratio, c->ratio);
    sb_cell(b, ratio);
    mb__format_change(low, sizeof low, c->low);
    mb__format_change(high, sizeof high, c->high);
    snprintf(cell, sizeof cell, "[%s, %s]", low, high);
    sb_cell(b, cell);
    if (isfinite(c->p_adjusted))
        mb__fmt(cell, sizeof cell, "%.2g", c->p_adjusted);
    else
        snprintf(cell, sizeof cell, "-");
    sb_cell(b, cell);
    int bold = c->verdict == MB_VERDICT_REGRESSED;
    sb_puts(b, bold ? " | **" : " | ");
    sb_puts(b, mb_verdict_name(c->verdict));
    const char *why = c->verdict == MB_VERDICT_INCONCLUSIVE ? mb__reason_text(c->reason) : NULL;
    if (why) {
        sb_puts(b, " (");
        sb_puts(b, why);
        sb_puts(b, ")");
    }
    sb_puts(b, bold ? "** |\n" : " |\n");
}

/* The result's rows of the change tables: against the baseline, within its group. */
static void change_rows(markdown_emitter *m, const mb_run_info *info, const mb_result *r)
{
    if (r->paired.verdict != MB_VERDICT_NONE)
        change_cells(&m->pairs, r->name, &r->paired);
    if (!info->settings || !info->settings->baseline || r->n_samples == 0)
        return;
    if (r->change.verdict != MB_VERDICT_NONE) {
        change_cells(&m->changes, r->name, &r->change);
        mb__plan_notes_add(&m->plans, r->name, r->change.plan_differs);
        return;
    }
    sb_puts(&m->changes, "| ");
    sb_code(&m->changes, r->name);
    sb_puts(&m->changes, " | | | | | | not in the baseline |\n");
}

/* The result's counters per iteration as one list item: "- `name`: task-clock 8.8 ns
 * [8.7 ns, 8.9 ns], cycles unavailable". */
static void counter_item(strbuf *b, const mb_result *r)
{
    int has_instructions = isfinite(r->instructions_per_iter);
    int has_rates = r->bytes_per_s.per_iter > 0 || r->items_per_s.per_iter > 0;
    if (((!r->n_counters || !r->counters) && !has_instructions && !has_rates) || r->n_samples == 0)
        return;
    sb_puts(b, "- ");
    sb_code(b, r->name);
    sb_puts(b, ":");
    const char *sep = " ";
    for (size_t i = 0; r->counters && i < r->n_counters; i++, sep = ", ") {
        const mb_counter *c = &r->counters[i];
        sb_puts(b, sep);
        sb_text(b, c->name);
        if (!c->available || !isfinite(c->per_iter.point)) {
            sb_puts(b, " unavailable");
            continue;
        }
        char v[40], lo[40], hi[40], cell[128];
        int ns = strcmp(c->unit, "ns") == 0;
        if (ns) {
            mb__format_time(v, sizeof v, c->per_iter.point, "µs");
            mb__format_time(lo, sizeof lo, c->per_iter.low, "µs");
            mb__format_time(hi, sizeof hi, c->per_iter.high, "µs");
        } else {
            mb__fmt(v, sizeof v, "%.4g", c->per_iter.point);
            mb__fmt(lo, sizeof lo, "%.4g", c->per_iter.low);
            mb__fmt(hi, sizeof hi, "%.4g", c->per_iter.high);
        }
        snprintf(cell, sizeof cell, " %s [%s, %s]", v, lo, hi);
        sb_puts(b, cell);
    }
    const mb_rate *rates[2] = {&r->bytes_per_s, &r->items_per_s};
    const char *units[2] = {"bytes/s", "items/s"};
    for (int i = 0; i < 2; i++)
        if (rates[i]->per_iter > 0 && isfinite(rates[i]->point)) {
            char cell[128];
            mb__fmt(cell, sizeof cell, "%sthroughput %.4g %s [%.4g, %.4g]", sep, rates[i]->point,
                    units[i], rates[i]->low, rates[i]->high);
            sb_puts(b, cell);
            sep = ", ";
            /* The times are per thread, the rates all threads' work. */
            if (mb__threads(r) > 1) {
                snprintf(cell, sizeof cell, " (all %u threads)", mb__threads(r));
                sb_puts(b, cell);
            }
        }
    if (has_instructions) {
        char cell[64];
        mb__fmt(cell, sizeof cell, "%sinstructions %.6g (callgrind)", sep,
                r->instructions_per_iter);
        sb_puts(b, cell);
    }
    sb_puts(b, "\n");
}

/* The result's row of the latency table: each percentile of the time per invocation with
 * its interval, the slowest invocation, how many were timed; the mode says when the clock
 * limits the times (latency.resolution_limited). */
static void latency_row(strbuf *b, const mb_result *r)
{
    const mb_latency *l = &r->latency;
    if (l->n == 0 || r->status != MB_STATUS_OK)
        return;
    sb_puts(b, "| ");
    sb_code(b, r->name);
    sb_cell(b, l->resolution_limited ? "latency, resolution-limited" : mb_mode_name(r->mode));
    char cell[96];
    for (int i = 0; i < MB_PERCENTILES; i++) {
        const mb_percentile *p = &l->percentiles[i];
        mb__format_time_bounds(cell, sizeof cell, p->ns, p->low, p->high, "µs");
        sb_cell(b, cell);
    }
    mb__format_time(cell, sizeof cell, l->max_ns, "µs");
    sb_cell(b, cell);
    snprintf(cell, sizeof cell, "%llu", (unsigned long long)l->n);
    sb_cell(b, cell);
    sb_puts(b, " |\n");
}

/* The result's user counters as one list item: "- `bfs`: nodes 1.234 k/iter [1.22 k, 1.24 k],
 * depth 12/call [12, 12]". */
static void user_item(strbuf *b, const mb_result *r)
{
    if (!r->n_user_counters || !r->user_counters || r->n_samples == 0)
        return;
    sb_puts(b, "- ");
    sb_code(b, r->name);
    sb_puts(b, ":");
    for (size_t i = 0; i < r->n_user_counters; i++) {
        const mb_user_counter *c = &r->user_counters[i];
        char v[32], lo[32], hi[32], cell[128];
        sb_puts(b, i ? ", " : " ");
        sb_text(b, c->name);
        mb__format_si(v, sizeof v, c->value.point);
        mb__format_si(lo, sizeof lo, c->value.low);
        mb__format_si(hi, sizeof hi, c->value.high);
        if (isfinite(c->value.low) && isfinite(c->value.high))
            snprintf(cell, sizeof cell, " %s%s [%s, %s]", v, mb__counter_kind_unit(c->kind), lo,
                     hi);
        else
            snprintf(cell, sizeof cell, " %s%s", v, mb__counter_kind_unit(c->kind));
        sb_puts(b, cell);
    }
    sb_puts(b, "\n");
}

static int md_result(void *user, const mb_run_info *info, const mb_result *r)
{
    markdown_emitter *m = user;
    change_rows(m, info, r);
    counter_item(&m->counters, r);
    latency_row(&m->latency, r);
    user_item(&m->user, r);
    sb_puts(&m->row, "| ");
    sb_code(&m->row, r->name);
    if (r->status == MB_STATUS_OK) {
        ok_row(&m->row, r);
    } else {
        sb_puts(&m->row, r->status == MB_STATUS_SKIPPED ? " | **skipped**: " : " | **failed**: ");
        sb_text(&m->row, r->message ? r->message : "unknown failure");
        sb_puts(&m->row, " | | | | | | | |\n");
    }
    for (int i = 0; i < MB_WARN_COUNT; i++) {
        unsigned bit = 1u << i;
        if (!(r->warnings & bit))
            continue;
        sb_puts(&m->warnings, "- ");
        sb_code(&m->warnings, r->name);
        sb_puts(&m->warnings, ": **");
        sb_text(&m->warnings, mb_warning_name(bit));
        sb_puts(&m->warnings, "**: ");
        sb_text(&m->warnings, mb_warning_advice(bit));
        sb_puts(&m->warnings, "\n");
    }
    if (m->warnings.failed || m->changes.failed || m->pairs.failed || m->counters.failed ||
        m->latency.failed || m->user.failed)
        return MB_ENOMEM;
    return sb_flush(&m->row, m->out);
}

/* A change table: its title (with the baseline's name as code when there is one; a path from
 * microbe-compare may need escaping), the header, the rows. */
static int change_table(FILE *out, const char *title, const char *name, const mb_run_info *pairs,
                        strbuf *rows)
{
    strbuf head = {0};
    sb_puts(&head, title);
    if (name)
        sb_code(&head, name);
    if (pairs && pairs->pairs) {
        char how[80];
        snprintf(how, sizeof how, " (%zu pairs, stopped: ", pairs->pairs);
        sb_puts(&head, how);
        sb_text(&head, pairs->pairs_stop ? pairs->pairs_stop : "-");
        sb_puts(&head, ")");
    }
    sb_puts(&head, "\n\n| benchmark | old | new | change | interval | p | verdict |\n"
                   "|:---|---:|---:|---:|:---|---:|:---|\n");
    int err = sb_flush(&head, out);
    free(head.data);
    return err ? err : sb_flush(rows, out);
}

/* Under the change table, when a baseline was measured under another plan: one list item per
 * kind of difference, naming the first few benchmarks. */
static int plan_list(FILE *out, const mb__plan_notes *plans)
{
    if (!mb__plan_notes_any(plans))
        return 0;
    strbuf b = {0};
    sb_puts(&b, "\n**Warning**: the baseline's plan differs, so a change may come from the "
                "plans (docs/statistics.md, \"What the median estimates\"):\n\n");
    for (int i = 0; i < MB_PLAN_DIFF_COUNT; i++) {
        size_t n = plans->count[i];
        if (!n)
            continue;
        sb_puts(&b, "- **");
        sb_puts(&b, mb_plan_difference_name(1u << i));
        sb_puts(&b, "**: ");
        for (size_t k = 0; k < n && k < MB__PLAN_NAMES_SHOWN; k++) {
            sb_puts(&b, k ? ", " : "");
            sb_code(&b, plans->names[i][k]);
        }
        char more[48] = "";
        if (n > MB__PLAN_NAMES_SHOWN)
            snprintf(more, sizeof more, " and %zu more", n - MB__PLAN_NAMES_SHOWN);
        sb_puts(&b, more);
        sb_puts(&b, ": ");
        sb_text(&b, mb_plan_difference_text(1u << i));
        sb_puts(&b, "\n");
    }
    int err = sb_flush(&b, out);
    free(b.data);
    return err;
}

/* The best complexity fit of each parameterised benchmark, as a list. */
static int complexity_list(FILE *out, const mb_run_info *info)
{
    for (size_t i = 0; i < info->n_complexity && info->complexity; i++) {
        const mb_complexity *c = &info->complexity[i];
        char formula[128], line[200];
        mb__fit_formula(formula, sizeof formula, &c->fits[0], "n", "×", "µs");
        mb__fmt(line, sizeof line, ", %s, rms %.1f %%\n", formula, 100 * c->fits[0].rms);
        fputs(i ? "- " : "\n**Complexity**\n\n- ", out);
        strbuf name = {0};
        sb_code(&name, c->benchmark);
        sb_puts(&name, ": **");
        sb_text(&name, mb__fit_name(&c->fits[0]));
        sb_puts(&name, "**");
        int err = sb_flush(&name, out);
        free(name.data);
        if (err)
            return err;
        fputs(line, out);
    }
    return 0;
}

/* A line about the run, with whatever of the environment is known, into row. */
static void run_line(strbuf *row, const mb_run_info *info)
{
    char seed[32];
    snprintf(seed, sizeof seed, "seed 0x%016llx", (unsigned long long)info->seed);
    sb_puts(row, "\nmicrobe ");
    sb_text(row, info->library_version);
    const mb_environment *env = info->env;
    const char *parts[] = {env ? env->os : NULL, env ? env->cpu_model : NULL};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (parts[i] && parts[i][0]) {
            sb_puts(row, " · ");
            sb_text(row, parts[i]);
        }
    }
    sb_puts(row, " · ");
    sb_puts(row, seed);
    sb_puts(row, "\n");
}

static int md_end(void *user, const mb_run_info *info)
{
    markdown_emitter *m = user;
    if (m->latency.len) {
        char ci[64];
        mb__fmt(ci, sizeof ci, "%g%% CI",
                100 * (info->settings ? info->settings->confidence : 0.95));
        fprintf(m->out,
                "\n**Latency per invocation** (percentile [%s])\n\n"
                "| benchmark | mode | p50 | p90 | p95 | p99 | p99.9 | max | invocations |\n"
                "|:---|:---|---:|---:|---:|---:|---:|---:|---:|\n",
                ci);
        int err = sb_flush(&m->latency, m->out);
        if (err)
            return err;
    }
    if (m->changes.len && info->settings) {
        int err = change_table(m->out, "\n**Change against baseline** ", info->settings->baseline,
                               info, &m->changes);
        if (!err)
            err = plan_list(m->out, &m->plans);
        if (err)
            return err;
    }
    if (m->counters.len) {
        fputs("\n**Counters per iteration** (median [interval])\n\n", m->out);
        int err = sb_flush(&m->counters, m->out);
        if (err)
            return err;
    }
    if (m->user.len) {
        fputs("\n**User counters** (median [interval])\n\n", m->out);
        int err = sb_flush(&m->user, m->out);
        if (err)
            return err;
    }
    if (m->pairs.len) {
        int err = change_table(m->out,
                               "\n**Paired within groups** (interleaved in this run; ratio to the "
                               "group's first member)",
                               NULL, NULL, &m->pairs);
        if (err)
            return err;
    }
    int err = complexity_list(m->out, info);
    if (err)
        return err;
    if (m->warnings.len) {
        fputs("\n**Warnings**\n\n", m->out);
        err = sb_flush(&m->warnings, m->out);
        if (err)
            return err;
    }
    run_line(&m->row, info);
    err = sb_flush(&m->row, m->out);
    fflush(m->out);
    return err ? err : ferror(m->out) ? MB_EIO : 0;
}

static void md_destroy(void *user)
{
    markdown_emitter *m = user;
    free(m->row.data);
    free(m->warnings.data);
    free(m->changes.data);
    free(m->pairs.data);
    free(m->counters.data);
    free(m->latency.data);
    free(m->user.data);
    free(m);
}

int mb__emitter_markdown(mb_emitter *e, FILE *out)
{
    markdown_emitter *m = calloc(1, sizeof *m);
    if (!m)
        return MB_ENOMEM;
    m->out = out;
    *e = (mb_emitter){m, md_begin, md_result, md_end, md_destroy};
    return 0;
}
