/*
 * The settings table: one row per setting with its option, MICROBE_* variable, help text,
 * kind, range, default and quick-profile value, and where it lives in mb_settings. The
 * defaults (mb_settings_init), the quick profile (mb_settings_quick), the range checks of
 * mb_settings_validate, the command line's parsing, its variables and its --help all read it,
 * so that each range and default is stated once.
 */
#include "settings.h"

#include "log.h"
#include "numbers.h"

#include <stdio.h>
#include <string.h>

/* Upper limits that keep the planner's arithmetic and the analysis's time and memory sane:
 * the trend test is quadratic in the samples, the bootstrap linear in samples x resamples. */
#define MAX_SECONDS 1e6
#define MIN_SAMPLES 2
#define MAX_SAMPLES 10000

/* "microbe" in ASCII: a fixed default so that runs are reproducible unless asked otherwise. */
#define DEFAULT_SEED UINT64_C(0x6d6963726f626521)

#define STR_(x) #x
#define STR(x) STR_(x)

/* The row builders: each states a range once, for the parser, the checks and the messages
 * of both. */
/* clang-format off */
/* A field of mb_settings, and its kind. */
#define FIELD(kind_, f) .kind = (kind_), .has_field = 1, .field = offsetof(mb_settings, f)
/* Seconds in [0, MAX_SECONDS]; a positive time in (0, MAX_SECONDS]. */
#define TIME(f, name, default_)                                                                    \
    FIELD(MB__KIND_SECONDS, f), .def = {.real = (default_)},                                         \
    .max = MAX_SECONDS, .max_text = STR(MAX_SECONDS),                                              \
    .problem = name " must be between 0 and " STR(MAX_SECONDS) " seconds"
#define POSITIVE_TIME(f, name, default_)                                                           \
    FIELD(MB__KIND_SECONDS, f), .def = {.real = (default_)},                                         \
    .min_open = 1, .max = MAX_SECONDS, .max_text = STR(MAX_SECONDS),                               \
    .problem = name " must be above 0 and at most " STR(MAX_SECONDS) " seconds"
/* A fraction in [0, 1); a positive one in (0, 1). */
#define FRACTION(f, name, default_)                                                                \
    FIELD(MB__KIND_FRACTION, f), .def = {.real = (default_)},                                        \
    .max = 1, .max_open = 1, .range_text = "[0, 1)",                                               \
    .problem = name " must be in [0, 1)"
#define POSITIVE_FRACTION(f, name, default_)                                                       \
    FIELD(MB__KIND_FRACTION, f), .def = {.real = (default_)},                                        \
    .min_open = 1, .max = 1, .max_open = 1, .range_text = "(0, 1)",                                \
    .problem = name " must be in (0, 1)"
/* A count in [lo, hi]. */
#define COUNT(f, name, lo, hi, default_)                                                           \
    FIELD(MB__KIND_COUNT, f), .def = {.whole = (default_)},                                          \
    .min = (lo), .max = (hi),                                                                          \
    .problem = name " must be between " #lo " and " #hi
/* min_samples or max_samples: one message for both, and for their order. */
#define SAMPLES(f, default_)                                                                       \
    FIELD(MB__KIND_COUNT, f), .def = {.whole = (default_)},                                          \
    .min = MIN_SAMPLES, .max = MAX_SAMPLES,                                                        \
    .problem = "samples must satisfy " STR(MIN_SAMPLES) " <= min_samples <= max_samples <= "       \
               STR(MAX_SAMPLES)
/* What --quick does to it: SET or CAP, to value (a real or a whole value). */
#define QUICK(rule, member, value) .quick = MB__QUICK_##rule, .quick_value = {.member = (value)}
/* clang-format on */

const mb__setting mb__settings_table[MB__OPT_COUNT] = {
    [MB__OPT_HELP] = {"help", NULL, NULL, "show this help and exit", .kind = MB__KIND_SWITCH},
    [MB__OPT_VERSION] = {"version", NULL, NULL, "show the library version and exit",
                         .kind = MB__KIND_SWITCH},
    [MB__OPT_LIST] = {"list", NULL, NULL, "list the selected benchmarks and exit",
                      .kind = MB__KIND_SWITCH},
    [MB__OPT_FILTER] = {"filter", "MICROBE_FILTER", "REGEX",
                        "run benchmarks whose name matches REGEX (POSIX extended)",
                        FIELD(MB__KIND_TEXT, filter)},
    [MB__OPT_WARM_UP_TIME] = {"warm-up-time", "MICROBE_WARM_UP_TIME", "TIME",
                              "warm-up per benchmark in each part (default %s)",
                              TIME(warm_up_time_s, "warm-up time", 0.005), QUICK(SET, real, 0.002)},
    [MB__OPT_MEASUREMENT_TIME] = {"measurement-time", "MICROBE_MEASUREMENT_TIME", "TIME",
                                  "measurement budget per benchmark in each part (default %s)",
                                  POSITIVE_TIME(measurement_time_s, "measurement time", 0.02),
                                  QUICK(SET, real, 0.01)},
    [MB__OPT_SAMPLES] = {"samples", "MICROBE_SAMPLES", "N",
                         "take exactly N samples (default: %s, until precise)",
                         SAMPLES(min_samples, 10), .also = offsetof(mb_settings, max_samples)},
    [MB__OPT_PRECISION] = {"precision", "MICROBE_PRECISION", "P",
                           "stop when the median's interval is within +/-P (default %s; 0: never)",
                           FRACTION(precision, "precision", 0.01), .percent = 1},
    [MB__OPT_CONFIDENCE] = {"confidence", "MICROBE_CONFIDENCE", "C",
                            "confidence level of intervals (default %s)",
                            POSITIVE_FRACTION(confidence, "confidence", 0.95), .percent = 1},
    [MB__OPT_RESAMPLES] = {"resamples", "MICROBE_RESAMPLES", "N",
                           "bootstrap resamples (default %s)",
                           COUNT(resamples, "resamples", 100, 1000000, 10000),
                           QUICK(CAP, whole, 2000)},
    [MB__OPT_SEED] = {"seed", "MICROBE_SEED", "N",
                      "seed for sample order and bootstrap (decimal or 0x hex)",
                      FIELD(MB__KIND_SEED, seed), .def = {.whole = DEFAULT_SEED}},
    [MB__OPT_QUICK] = {"quick", "MICROBE_QUICK", NULL,
                       "short runs for development (%s warm-up, %s budget)",
                       .kind = MB__KIND_SWITCH},
    [MB__OPT_QUIET] = {"quiet", "MICROBE_QUIET", NULL, "no notices on stderr; errors only",
                       FIELD(MB__KIND_SWITCH, log_level), .def = {.whole = MB_LOG_WARN},
                       .on = MB_LOG_ERROR},
    [MB__OPT_FORMAT] = {"format", "MICROBE_FORMAT", "FMT",
                        "format on stdout: text (default), json, csv, csv-samples, markdown, "
                        "gbench-json, bmf",
                        .kind = MB__KIND_TEXT},
    [MB__OPT_OUTPUT] = {"output", "MICROBE_OUTPUT", "FMT:PATH",
                        "also write format FMT to PATH, whole or not at all (repeatable)",
                        .kind = MB__KIND_TEXT},
    [MB__OPT_COLOR] = {"color", "MICROBE_COLOR", "WHEN",
                       "colour in the text report: auto (default), always, never",
                       .kind = MB__KIND_TEXT},
    [MB__OPT_SMOKE] = {"smoke", "MICROBE_SMOKE", NULL,
                       "run each benchmark once, one iteration, no timing (a test that they work)",
                       FIELD(MB__KIND_SWITCH, smoke), .on = 1},
    [MB__OPT_PROFILE_TIME] = {"profile-time", "MICROBE_PROFILE_TIME", "TIME",
                              "run each selected loop for TIME, no analysis (for perf record)",
                              TIME(profile_time_s, "profile time", 0), .zero_is_off = 1},
    [MB__OPT_PIN] = {"pin", "MICROBE_PIN", "CPU",
                     "pin the measuring thread to logical CPU number CPU", .kind = MB__KIND_COUNT,
                     .min = 0, .max = 4095},
    [MB__OPT_CONTEXT] = {"context", "MICROBE_CONTEXT", "KEY=VALUE",
                         "record a fact of your own with the results (repeatable)",
                         .kind = MB__KIND_TEXT},
    [MB__OPT_ISOLATE] = {"isolate", "MICROBE_ISOLATE", NULL,
                         "run each benchmark in a child process: a crash fails only that one",
                         FIELD(MB__KIND_SWITCH, isolate), .on = 1},
    [MB__OPT_TIMEOUT] = {"timeout", "MICROBE_TIMEOUT", "TIME",
                         "fail a benchmark still running after TIME (implies --isolate)",
                         TIME(timeout_s, "timeout", 0), .zero_is_off = 1},
    [MB__OPT_SAVE_BASELINE] = {"save-baseline", "MICROBE_SAVE_BASELINE", "NAME",
                               "save the results as baseline NAME (merged per benchmark)",
                               FIELD(MB__KIND_TEXT, save_baseline)},
    [MB__OPT_BASELINE] = {"baseline", "MICROBE_BASELINE", "NAME",
                          "compare the results with baseline NAME: change, interval, verdict",
                          FIELD(MB__KIND_TEXT, baseline)},
    [MB__OPT_BASELINE_DIR] = {"baseline-dir", "MICROBE_BASELINE_DIR", "DIR",
                              "where baselines live (default .microbe)",
                              FIELD(MB__KIND_TEXT, baseline_dir)},
    [MB__OPT_NOISE_THRESHOLD] = {"noise-threshold", "MICROBE_NOISE_THRESHOLD", "P",
                                 "changes within +/-P count as none (default %s)",
                                 FRACTION(noise_threshold, "noise threshold", 0.02), .percent = 1},
    [MB__OPT_SIGNIFICANCE] = {"significance", "MICROBE_SIGNIFICANCE", "P",
                              "significance level of the change test (default %s)",
                              POSITIVE_FRACTION(significance, "significance", 0.05)},
    [MB__OPT_RUN_NOISE] = {"run-noise", "MICROBE_RUN_NOISE", "P",
                           "typical offset between two runs of the same binary (default %s)",
                           FRACTION(run_noise, "run noise", 0.02), .percent = 1},
    [MB__OPT_RUN_OFFSET] = {"run-offset", "MICROBE_RUN_OFFSET", "P",
                            "offset a whole run shares, unseen by its parts (default %s)",
                            FRACTION(run_offset, "run offset", 0.005), .percent = 1},
    [MB__OPT_FAIL_ON_REGRESSION] = {"fail-on-regression", "MICROBE_FAIL_ON_REGRESSION", NULL,
                                    "exit 3 when a benchmark regressed against --baseline",
                                    .kind = MB__KIND_SWITCH},
    [MB__OPT_COUNTERS] = {"counters", "MICROBE_COUNTERS", "LIST",
                          "read performance counters around every sample "
                          "(task-clock,page-faults,...)",
                          FIELD(MB__KIND_TEXT, counters)},
    [MB__OPT_INSTRUCTIONS] =
        {"instructions", "MICROBE_INSTRUCTIONS", NULL,
         "count instructions per iteration exactly, under valgrind's callgrind",
         FIELD(MB__KIND_SWITCH, instructions), .on = 1},
    [MB__OPT_INSTRUCTIONS_THRESHOLD] =
        {"instructions-threshold", "MICROBE_INSTRUCTIONS_THRESHOLD", "P",
         "instruction-count changes within +/-P count as none (default %s)",
         FRACTION(instructions_threshold, "instructions threshold", 0.002), .percent = 1},
    [MB__OPT_FORKS] = {"forks", "MICROBE_FORKS", "N",
                       "measure in N fresh processes of this program (default %s; 0: in this one)",
                       COUNT(forks, "forks", 0, 1000, 5), QUICK(CAP, whole, 3)},
    [MB__OPT_ROUNDS] = {"rounds", "MICROBE_ROUNDS", "N",
                        "parts measured in each process (default %s)",
                        COUNT(rounds, "rounds", 1, 1000, 1)},
    [MB__OPT_MAX_SAMPLES] = {NULL, NULL, NULL, NULL, SAMPLES(max_samples, 100),
                             QUICK(CAP, whole, 50)},
};

/* The settings' value as a number, for ranges and caps. */
static double number_in(const mb__setting *row, const mb_settings *s)
{
    const char *p = (const char *)s + row->field;
    switch (row->kind) {
    case MB__KIND_SECONDS:
    case MB__KIND_FRACTION: return *(const double *)(const void *)p;
    case MB__KIND_COUNT: return *(const uint32_t *)(const void *)p;
    default: return 0;
    }
}

static int in_range(const mb__setting *row, double v)
{
    /* Written so that NaN is out of every range. */
    return (row->min_open ? v > row->min : v >= row->min) &&
           (row->max_open ? v < row->max : v <= row->max);
}

static void put(const mb__setting *row, mb_settings *s, size_t field, mb__setting_value v)
{
    void *p = (char *)s + field;
    switch (row->kind) {
    case MB__KIND_SWITCH: *(int *)p = (int)v.whole; break;
    case MB__KIND_TEXT: *(const char **)p = v.text; break;
    case MB__KIND_SECONDS:
    case MB__KIND_FRACTION: *(double *)p = v.real; break;
    case MB__KIND_COUNT: *(uint32_t *)p = (uint32_t)v.whole; break;
    case MB__KIND_SEED: *(uint64_t *)p = v.whole; break;
    }
}

void mb__setting_store(const mb__setting *row, mb_settings *s, mb__setting_value v)
{
    if (!row->has_field)
        return;
    if (row->kind == MB__KIND_SWITCH)
        v.whole = v.whole ? (uint64_t)row->on : row->def.whole;
    put(row, s, row->field, v);
    if (row->also)
        put(row, s, row->also, v);
}

void mb_settings_init(mb_settings *s)
{
    *s = (mb_settings){0};
    for (int i = 0; i < MB__OPT_COUNT; i++) {
        const mb__setting *row = &mb__settings_table[i];
        if (row->has_field)
            put(row, s, row->field, row->def);
    }
}

void mb_settings_quick(mb_settings *s)
{
    for (int i = 0; i < MB__OPT_COUNT; i++) {
        const mb__setting *row = &mb__settings_table[i];
        mb__setting_value q = row->quick_value;
        double quick = row->kind == MB__KIND_COUNT ? (double)q.whole : q.real;
        if (row->quick == MB__QUICK_SET ||
            (row->quick == MB__QUICK_CAP && number_in(row, s) > quick))
            put(row, s, row->field, q);
    }
    if (s->min_samples > s->max_samples)
        s->min_samples = s->max_samples;
    s->quick = 1;
}

/* Each context entry is "key=value" with a non-empty key, and keys are unique. */
static const char *context_problem(const mb_settings *s)
{
    if (s->n_context && !s->context)
        return "context is NULL but n_context is not 0";
    for (size_t i = 0; i < s->n_context; i++) {
        const char *eq = s->context[i] ? strchr(s->context[i], '=') : NULL;
        if (!eq || eq == s->context[i] || eq - s->context[i] > 200)
            return "context entries must be key=value with a key of 1 to 200 characters";
        size_t len = (size_t)(eq - s->context[i]);
        for (size_t j = 0; j < i; j++)
            if (strncmp(s->context[j], s->context[i], len + 1) == 0)
                return "context keys must be unique";
    }
    return NULL;
}

const char *mb__settings_problem(const mb_settings *s)
{
    for (int i = 0; i < MB__OPT_COUNT; i++) {
        const mb__setting *row = &mb__settings_table[i];
        if (row->has_field && row->problem && !in_range(row, number_in(row, s)))
            return row->problem;
    }
    if (s->max_samples < s->min_samples)
        return mb__settings_table[MB__OPT_SAMPLES].problem;
    return context_problem(s);
}

const mb__setting *mb__setting_find(const char *name, size_t len)
{
    for (int i = 0; i < MB__OPT_COUNT; i++) {
        const char *flag = mb__settings_table[i].flag;
        if (flag && strlen(flag) == len && strncmp(flag, name, len) == 0)
            return &mb__settings_table[i];
    }
    return NULL;
}

static int parse_switch(const char *src, const char *text, uint64_t *out, char *err, size_t size)
{
    static const char *const yes[] = {"1", "true", "yes", "on"};
    static const char *const no[] = {"", "0", "false", "no", "off"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        if (strcmp(text, yes[i]) == 0)
            return *out = 1, 0;
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        if (strcmp(text, no[i]) == 0)
            return *out = 0, 0;
    return mb__fail(err, size, "%s: '%s' is not a boolean (1/0, true/false, yes/no)", src, text);
}

static int parse_seconds(const mb__setting *row, const char *src, const char *text, double *out,
                         char *err, size_t size)
{
    if (mb__parse_seconds(src, text, out, err, size) != 0)
        return -1;
    if (*out < row->min)
        return mb__fail(err, size, "%s: '%s' is negative", src, text);
    if (*out > row->max)
        return mb__fail(err, size, "%s: '%s' is out of range (at most %s seconds)", src, text,
                        row->max_text);
    if (*out <= row->min && (row->min_open || row->zero_is_off))
        return mb__fail(err, size, "%s: must be above 0", src);
    return 0;
}

int mb__setting_parse(const mb__setting *row, const char *src, const char *text,
                      mb__setting_value *out, char *err, size_t size)
{
    switch (row->kind) {
    case MB__KIND_SWITCH: return parse_switch(src, text, &out->whole, err, size);
    case MB__KIND_TEXT: out->text = text; return 0;
    case MB__KIND_SECONDS: return parse_seconds(row, src, text, &out->real, err, size);
    case MB__KIND_FRACTION:
        if (mb__parse_fraction(src, text, &out->real, err, size) != 0)
            return -1;
        if (!in_range(row, out->real))
            return mb__fail(err, size, "%s: %s is out of range %s", src, text, row->range_text);
        return 0;
    case MB__KIND_COUNT:
        return mb__parse_uint(src, text, (uint64_t)row->min, (uint64_t)row->max, &out->whole, err,
                              size);
    case MB__KIND_SEED: return mb__parse_uint(src, text, 0, UINT64_MAX, &out->whole, err, size);
    }
    return mb__fail(err, size, "%s: unknown kind of setting", src);
}

void mb__setting_value_text(const mb__setting *row, mb__setting_value v, char *buf, size_t size)
{
    switch (row->kind) {
    case MB__KIND_SECONDS: mb__fmt(buf, size, "%gs", v.real); break;
    case MB__KIND_FRACTION:
        mb__fmt(buf, size, row->percent ? "%g%%" : "%g", row->percent ? 100 * v.real : v.real);
        break;
    case MB__KIND_SEED: snprintf(buf, size, "0x%016llx", (unsigned long long)v.whole); break;
    case MB__KIND_TEXT: snprintf(buf, size, "%s", v.text ? v.text : ""); break;
    default: snprintf(buf, size, "%llu", (unsigned long long)v.whole); break;
    }
}

void mb__setting_help(const mb__setting *row, char *buf, size_t size)
{
    const mb__setting *table = mb__settings_table;
    char fill[2][32] = {"", ""};
    if (row == &table[MB__OPT_QUICK]) {
        /* What the profile sets: the warm-up and the budget. */
        const mb__setting *warm_up = &table[MB__OPT_WARM_UP_TIME];
        const mb__setting *budget = &table[MB__OPT_MEASUREMENT_TIME];
        mb__setting_value_text(warm_up, warm_up->quick_value, fill[0], sizeof fill[0]);
        mb__setting_value_text(budget, budget->quick_value, fill[1], sizeof fill[1]);
    } else if (row == &table[MB__OPT_SAMPLES]) {
        /* --samples sets min_samples and max_samples: "10 to 100". */
        const mb__setting *max = &table[MB__OPT_MAX_SAMPLES];
        char max_text[16];
        mb__setting_value_text(max, max->def, max_text, sizeof max_text);
        mb__setting_value_text(row, row->def, fill[0], sizeof fill[0]);
        snprintf(fill[0] + strlen(fill[0]), sizeof fill[0] - strlen(fill[0]), " to %s", max_text);
    } else {
        mb__setting_value_text(row, row->def, fill[0], sizeof fill[0]);
    }
    /* The help text with each "%s" replaced, in turn, by fill[0] and fill[1]. */
    size_t k = 0, n_fill = 0;
    for (const char *h = row->help; *h && k + 1 < size; h++) {
        if (h[0] == '%' && h[1] == 's' && n_fill < 2) {
            int n = snprintf(buf + k, size - k, "%s", fill[n_fill++]);
            k = (size_t)n < size - k ? k + (size_t)n : size - 1;
            h++;
        } else {
            buf[k++] = *h;
        }
    }
    if (size)
        buf[k] = '\0';
}
