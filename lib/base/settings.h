/*
 * The settings table (settings.c): one row per setting, which mb_settings_init,
 * mb_settings_quick, mb_settings_validate, the command line, its MICROBE_* variables and its
 * --help text all read.
 */
#ifndef MB_SETTINGS_H
#define MB_SETTINGS_H

#include "microbe.h"

#include <stddef.h>
#include <stdint.h>

/* The rows, in --help's order; the last ones have no option of their own. */
typedef enum mb__option {
    MB__OPT_HELP,
    MB__OPT_VERSION,
    MB__OPT_LIST,
    MB__OPT_FILTER,
    MB__OPT_WARM_UP_TIME,
    MB__OPT_MEASUREMENT_TIME,
    MB__OPT_SAMPLES,
    MB__OPT_PRECISION,
    MB__OPT_CONFIDENCE,
    MB__OPT_RESAMPLES,
    MB__OPT_SEED,
    MB__OPT_QUICK,
    MB__OPT_QUIET,
    MB__OPT_FORMAT,
    MB__OPT_OUTPUT,
    MB__OPT_COLOR,
    MB__OPT_SMOKE,
    MB__OPT_PROFILE_TIME,
    MB__OPT_PIN,
    MB__OPT_CONTEXT,
    MB__OPT_ISOLATE,
    MB__OPT_TIMEOUT,
    MB__OPT_SAVE_BASELINE,
    MB__OPT_BASELINE,
    MB__OPT_BASELINE_DIR,
    MB__OPT_NOISE_THRESHOLD,
    MB__OPT_SIGNIFICANCE,
    MB__OPT_RUN_NOISE,
    MB__OPT_RUN_OFFSET,
    MB__OPT_FAIL_ON_REGRESSION,
    MB__OPT_COUNTERS,
    MB__OPT_INSTRUCTIONS,
    MB__OPT_INSTRUCTIONS_THRESHOLD,
    MB__OPT_FORKS,
    MB__OPT_ROUNDS,
    MB__OPT_MAX_SAMPLES, /* no option: --samples sets it together with min_samples */
    MB__OPT_COUNT
} mb__option;

/* What a value is, and the C type of its field. */
typedef enum mb__setting_kind {
    MB__KIND_SWITCH,   /* int: an option without value; 1/0, true/false, ... in the variable */
    MB__KIND_TEXT,     /* const char *, borrowed as given */
    MB__KIND_SECONDS,  /* double: seconds, with an optional unit (mb__parse_seconds) */
    MB__KIND_FRACTION, /* double: "0.95" or "95%" (mb__parse_fraction) */
    MB__KIND_COUNT,    /* uint32_t: a whole number in the row's range (mb__parse_uint) */
    MB__KIND_SEED      /* uint64_t: any 64-bit whole number */
} mb__setting_kind;

typedef union mb__setting_value {
    double real;      /* seconds and fractions */
    uint64_t whole;   /* counts, the seed, and a switch's int */
    const char *text; /* text */
} mb__setting_value;

/* How --quick changes a setting. */
typedef enum mb__quick_rule {
    MB__QUICK_NONE,
    MB__QUICK_SET, /* to the quick value */
    MB__QUICK_CAP  /* to the quick value when it is above */
} mb__quick_rule;

typedef struct mb__setting {
    const char *flag; /* the option --flag, or NULL */
    const char *env;  /* its MICROBE_* variable, or NULL: command line only */
    const char *arg;  /* what --help calls its value ("TIME"); NULL for a switch */
    const char *help; /* --help's line; a "%s" in it stands for the default */
    mb__setting_kind kind;
    int has_field;         /* whether it lives in mb_settings; else the command line keeps it */
    size_t field;          /* offsetof(mb_settings, ...) */
    size_t also;           /* nonzero: a second field that takes the same value (--samples) */
    mb__setting_value def; /* the default (mb_settings_init); a switch's value when off */
    int on;                /* a switch's value when on */
    double min, max;       /* numbers: the range, closed unless min_open / max_open */
    unsigned char min_open, max_open;
    unsigned char zero_is_off; /* 0 means off in the field: an option's value must be above 0 */
    const char *max_text;      /* seconds: max as messages write it ("1e6") */
    const char *range_text;    /* fractions: the range as messages write it ("[0, 1)") */
    const char *problem;       /* mb_settings_validate's message for a field out of range */
    unsigned char percent;     /* --help writes the default as a percentage */
    mb__quick_rule quick;
    mb__setting_value quick_value;
} mb__setting;

extern const mb__setting mb__settings_table[MB__OPT_COUNT];

/* The row of option --name, where name has len characters, or NULL. */
const mb__setting *mb__setting_find(const char *name, size_t len);

/* Reads text as a value of row, with its syntax and range (a switch: 1/0, true/false, yes/no,
 * on/off, or empty; *out->whole is then 1 or 0); text as such for text rows. The checks that
 * need a higher stage (counter lists, baseline names) are the caller's. src names the value
 * in messages. Returns 0, or -1 with a one-line message in err. */
int mb__setting_parse(const mb__setting *row, const char *src, const char *text,
                      mb__setting_value *out, char *err, size_t size);

/* Stores v in row's field(s) of s; nothing for a row without field. A switch stores row->on
 * when v.whole is nonzero, else its default. */
void mb__setting_store(const mb__setting *row, mb_settings *s, mb__setting_value v);

/* The checks of mb_settings_validate that need nothing above this stage: every range of the
 * table, min_samples <= max_samples, and the context entries. NULL, or a static message. */
const char *mb__settings_problem(const mb_settings *s);

/* A value of row as --help and docs/cli.md write it: "0.2s", "1%", "0.05", "10000",
 * "0x6d6963726f626521". */
void mb__setting_value_text(const mb__setting *row, mb__setting_value v, char *buf, size_t size);

/* Row's line of --help: its help text with the default written in place of "%s" (--quick:
 * the warm-up and budget it sets; --samples: "10 to 100", min_samples' and max_samples'). */
void mb__setting_help(const mb__setting *row, char *buf, size_t size);

#endif
