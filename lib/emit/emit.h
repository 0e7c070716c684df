/*
 * What the built-in emitters share: locale-independent number formatting, JSON and CSV
 * escaping, and the names of the public enums. The emitters read results only through the
 * public structures of microbe.h, as a user's emitter would.
 */
#ifndef MB_EMIT_H
#define MB_EMIT_H

#include "microbe.h"

#include <stdio.h>

#include "numbers.h"

/* Human-readable cells shared by the text and markdown reports; "-" when not computable.
 * Times are scaled to ns, `micro` (text: "us", markdown: "µs"), ms or s with four significant
 * digits; an interval is "[low, high] unit" in its point's unit with one more decimal; a
 * count gets a k/M/G/T/P suffix. */
void mb__format_time(char *buf, size_t size, double ns, const char *micro);
void mb__format_interval(char *buf, size_t size, const mb_estimate *e, const char *micro);
void mb__format_count(char *buf, size_t size, double count);
/* Scales *v by powers of 1000 to below 1000 (up to peta) and returns its decimal prefix:
 * "", "k", "M", "G", "T" or "P". */
const char *mb__si_prefix(double *v);
/* The outliers cell: "3", or "3 (severe)" when the spread is material (CV above 1 %: with a
 * CV of 0.1 % a single outlier "explains" most of a negligible variance). */
void mb__format_outliers(char *buf, size_t size, const mb_result *r);

/* JSON: a number, or null when v is not finite; a string with quotes and escapes (control
 * characters as \u00XX; bytes >= 0x80 pass through, so UTF-8 stays UTF-8). */
void mb__json_number(FILE *out, double v);
void mb__json_string(FILE *out, const char *s);

/* CSV (RFC 4180): a field quoted when it holds a comma, quote, CR or LF, quotes doubled; a
 * number, empty when not finite. */
void mb__csv_string(FILE *out, const char *s);
void mb__csv_number(FILE *out, double v);

/* The run's environment, or one where everything is unknown when info->env is NULL (an
 * embedder calling an emitter by hand). */
const mb_environment *mb__environment(const mb_run_info *info);

/* Stable lower-case names of the public enums, as they appear in every format. */
const char *mb__effect_name(mb_outlier_effect effect);
const char *mb__outlier_class_name(mb_outlier_class cls);
/* What an inconclusive verdict's reason means, for the note beside it in the text and
 * markdown reports ("unstable run"); NULL for MB_REASON_NONE or an unknown reason. */
const char *mb__reason_text(mb_reason reason);
/* The results whose baseline was measured under another plan, by kind of difference
 * (mb_plan_difference): how many, and copies of the first few names, so that the text and
 * markdown reports name them in one line per kind however many there are. */
#define MB__PLAN_NAMES_SHOWN 3
typedef struct mb__plan_notes {
    size_t count[MB_PLAN_DIFF_COUNT];
    char names[MB_PLAN_DIFF_COUNT][MB__PLAN_NAMES_SHOWN][128];
} mb__plan_notes;
/* Counts name under each bit of differs. */
void mb__plan_notes_add(mb__plan_notes *notes, const char *name, unsigned differs);
/* Whether any result was counted. */
int mb__plan_notes_any(const mb__plan_notes *notes);

/* "+10.2%": a ratio new/old as a signed percentage change; "-" when not finite. */
void mb__format_change(char *buf, size_t size, double ratio);

/* "per_iter", "per_second" or "per_call", as JSON writes a user counter's kind. */
const char *mb__counter_kind_name(mb_counter_kind kind);
/* "/iter", "/s" or "/call": the unit after a user counter's value in the reports. */
const char *mb__counter_kind_unit(mb_counter_kind kind);
/* "p50", "p99.9": the name of the percentile p (0.5, 0.999) in every format. */
void mb__percentile_name(char *buf, size_t size, double p);

/* A result's thread count: 1 unless threaded; results made before mb_result.threads existed
 * have 0, read as 1. */
unsigned mb__threads(const mb_result *r);
/* How many of c->fits are valid: n_fits, at most the array's size; a struct made before
 * n_fits existed (0) holds the built-in models. */
size_t mb__fit_count(const mb_complexity *c);
/* A fit's model name: its own ("n_sqrt_n" for a user model), else the built-in model's
 * ("O(n log n)"), else "user" for a user model without a name. */
const char *mb__fit_name(const mb_complexity_fit *fit);
/* A fit's formula in report units: "120 ns + 3.357 ns x f(n)" (times the multiplication
 * sign, micro the sign for micro; without "a +" when a is 0), or the constant alone for O(1):
 * "900 ns". */
void mb__fit_formula(char *buf, size_t size, const mb_complexity_fit *fit, const char *parameter,
                     const char *times, const char *micro);

/* Report cells for the latency and user-counter sections: "12.30 us [12.10, 12.50]", a time
 * and its interval in the time's unit and decimals (the bounds left out when not computable;
 * "-" without a time); "1.234 k", "12.5": a number to four significant digits with a decimal
 * SI prefix. */
void mb__format_time_bounds(char *buf, size_t size, double ns, double low, double high,
                            const char *micro);
void mb__format_si(char *buf, size_t size, double v);

/* "-O0" (no __OPTIMIZE__), "-Os" (size) or "-O1+" from mb_build_flag bits. */
const char *mb__optimization_name(unsigned build);

/* Constructors of the built-in emitters (out stays the caller's). */
int mb__emitter_json(mb_emitter *e, FILE *out);
int mb__emitter_csv(mb_emitter *e, FILE *out);
int mb__emitter_csv_samples(mb_emitter *e, FILE *out);
int mb__emitter_markdown(mb_emitter *e, FILE *out);
int mb__emitter_gbench(mb_emitter *e, FILE *out);
int mb__emitter_bmf(mb_emitter *e, FILE *out);

#endif
