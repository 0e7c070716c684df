/*
 * The command line: argv and MICROBE_* variables to settings, the help and version text, and
 * mb_main(), the front end every bench executable runs. Command-line values win over the
 * environment; --quick applies first so that an explicit value always wins over the profile.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* TIOCGWINSZ and struct winsize */

#include "baseline.h"
#include "counters.h"
#include "log.h"
#include "microbe_internal.h"
#include "numbers.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

enum opt_id {
    OPT_HELP,
    OPT_VERSION,
    OPT_LIST,
    OPT_FILTER,
    OPT_WARM_UP_TIME,
    OPT_MEASUREMENT_TIME,
    OPT_SAMPLES,
    OPT_PRECISION,
    OPT_CONFIDENCE,
    OPT_RESAMPLES,
    OPT_SEED,
    OPT_QUICK,
    OPT_QUIET,
    OPT_FORMAT,
    OPT_OUTPUT,
    OPT_COLOR,
    OPT_SMOKE,
    OPT_PROFILE_TIME,
    OPT_PIN,
    OPT_CONTEXT,
    OPT_ISOLATE,
    OPT_TIMEOUT,
    OPT_SAVE_BASELINE,
    OPT_BASELINE,
    OPT_BASELINE_DIR,
    OPT_NOISE_THRESHOLD,
    OPT_SIGNIFICANCE,
    OPT_RUN_NOISE,
    OPT_FAIL_ON_REGRESSION,
    OPT_COUNTERS,
    OPT_INSTRUCTIONS,
    OPT_INSTRUCTIONS_THRESHOLD,
    OPT_COUNT
};

enum { TAKES_NONE = 0, TAKES_VALUE = 1 };

static const struct option_spec {
    const char *name;
    int takes;
    const char *env; /* NULL: command line only */
    const char *arg;
    const char *help;
} options[OPT_COUNT] = {
    [OPT_HELP] = {"help", TAKES_NONE, NULL, NULL, "show this help and exit"},
    [OPT_VERSION] = {"version", TAKES_NONE, NULL, NULL, "show the library version and exit"},
    [OPT_LIST] = {"list", TAKES_NONE, NULL, NULL, "list the selected benchmarks and exit"},
    [OPT_FILTER] = {"filter", TAKES_VALUE, "MICROBE_FILTER", "REGEX",
                    "run benchmarks whose name matches REGEX (POSIX extended)"},
    [OPT_WARM_UP_TIME] = {"warm-up-time", TAKES_VALUE, "MICROBE_WARM_UP_TIME", "TIME",
                          "warm-up per benchmark (default 0.2s)"},
    [OPT_MEASUREMENT_TIME] = {"measurement-time", TAKES_VALUE, "MICROBE_MEASUREMENT_TIME", "TIME",
                              "measurement budget per benchmark (default 2s)"},
    [OPT_SAMPLES] = {"samples", TAKES_VALUE, "MICROBE_SAMPLES", "N",
                     "take exactly N samples (default: 10 to 100, until precise)"},
    [OPT_PRECISION] = {"precision", TAKES_VALUE, "MICROBE_PRECISION", "P",
                       "stop when the median's interval is within +/-P (default 1%; 0: never)"},
    [OPT_CONFIDENCE] = {"confidence", TAKES_VALUE, "MICROBE_CONFIDENCE", "C",
                        "confidence level of intervals (default 95%)"},
    [OPT_RESAMPLES] = {"resamples", TAKES_VALUE, "MICROBE_RESAMPLES", "N",
                       "bootstrap resamples (default 10000)"},
    [OPT_SEED] = {"seed", TAKES_VALUE, "MICROBE_SEED", "N",
                  "seed for sample order and bootstrap (decimal or 0x hex)"},
    [OPT_QUICK] = {"quick", TAKES_NONE, "MICROBE_QUICK", NULL,
                   "short runs for development (0.05s warm-up, 0.3s budget)"},
    [OPT_QUIET] = {"quiet", TAKES_NONE, "MICROBE_QUIET", NULL, "no notices on stderr; errors only"},
    [OPT_FORMAT] = {"format", TAKES_VALUE, "MICROBE_FORMAT", "FMT",
                    "format on stdout: text (default), json, csv, csv-samples, markdown, "
                    "gbench-json, bmf"},
    [OPT_OUTPUT] = {"output", TAKES_VALUE, "MICROBE_OUTPUT", "FMT:PATH",
                    "also write format FMT to PATH, whole or not at all (repeatable)"},
    [OPT_SMOKE] = {"smoke", TAKES_NONE, "MICROBE_SMOKE", NULL,
                   "run each benchmark once, one iteration, no timing (a test that they work)"},
    [OPT_PROFILE_TIME] = {"profile-time", TAKES_VALUE, "MICROBE_PROFILE_TIME", "TIME",
                          "run each selected loop for TIME, no analysis (for perf record)"},
    [OPT_PIN] = {"pin", TAKES_VALUE, "MICROBE_PIN", "CPU",
                 "pin the measuring thread to logical CPU number CPU"},
    [OPT_CONTEXT] = {"context", TAKES_VALUE, "MICROBE_CONTEXT", "KEY=VALUE",
                     "record a fact of your own with the results (repeatable)"},
    [OPT_ISOLATE] = {"isolate", TAKES_NONE, "MICROBE_ISOLATE", NULL,
                     "run each benchmark in a child process: a crash fails only that one"},
    [OPT_TIMEOUT] = {"timeout", TAKES_VALUE, "MICROBE_TIMEOUT", "TIME",
                     "fail a benchmark still running after TIME (implies --isolate)"},
    [OPT_SAVE_BASELINE] = {"save-baseline", TAKES_VALUE, "MICROBE_SAVE_BASELINE", "NAME",
                           "save the results as baseline NAME (merged per benchmark)"},
    [OPT_BASELINE] = {"baseline", TAKES_VALUE, "MICROBE_BASELINE", "NAME",
                      "compare the results with baseline NAME: change, interval, verdict"},
    [OPT_BASELINE_DIR] = {"baseline-dir", TAKES_VALUE, "MICROBE_BASELINE_DIR", "DIR",
                          "where baselines live (default .microbe)"},
    [OPT_NOISE_THRESHOLD] = {"noise-threshold", TAKES_VALUE, "MICROBE_NOISE_THRESHOLD", "P",
                             "changes within +/-P count as none (default 2%)"},
    [OPT_SIGNIFICANCE] = {"significance", TAKES_VALUE, "MICROBE_SIGNIFICANCE", "P",
                          "significance level of the change test (default 0.05)"},
    [OPT_RUN_NOISE] = {"run-noise", TAKES_VALUE, "MICROBE_RUN_NOISE", "P",
                       "typical offset between two runs of the same binary (default 2%)"},
    [OPT_FAIL_ON_REGRESSION] = {"fail-on-regression", TAKES_NONE, "MICROBE_FAIL_ON_REGRESSION",
                                NULL, "exit 3 when a benchmark regressed against --baseline"},
    [OPT_COUNTERS] = {"counters", TAKES_VALUE, "MICROBE_COUNTERS", "LIST",
                      "read performance counters around every sample (task-clock,page-faults,...)"},
    [OPT_INSTRUCTIONS] = {"instructions", TAKES_NONE, "MICROBE_INSTRUCTIONS", NULL,
                          "count instructions per iteration exactly, under valgrind's callgrind"},
    [OPT_INSTRUCTIONS_THRESHOLD] = {"instructions-threshold", TAKES_VALUE,
                                    "MICROBE_INSTRUCTIONS_THRESHOLD", "P",
                                    "instruction-count changes within +/-P count as none "
                                    "(default 0.2%)"},
    [OPT_COLOR] = {"color", TAKES_VALUE, "MICROBE_COLOR", "WHEN",
                   "colour in the text report: auto (default), always, never"},
};

/* The most --output or --context options one command line may give. */
#define MAX_REPEATS 16

typedef struct mb__cli {
    mb_settings settings;
    int flag[OPT_COUNT];           /* boolean options given */
    const char *value[OPT_COUNT];  /* value options given (argv or environment) */
    const char *source[OPT_COUNT]; /* "--name" or "MICROBE_NAME", for messages */
    char source_buf[OPT_COUNT][40];
    const char *outputs[MAX_REPEATS]; /* --output values in order (or MICROBE_OUTPUT) */
    int n_outputs;
    int pin_cpu;                       /* -1: not pinned */
    const char *contexts[MAX_REPEATS]; /* --context values (or MICROBE_CONTEXT) */
    int n_contexts;
} mb__cli;

int mb__cli_parse(int argc, char **argv, mb__cli *cli, char *err, size_t err_size);

/* Seconds in [0, 1e6], with the messages of a time. */
static int parse_seconds(const char *src, const char *text, double *out, char *err, size_t size)
{
    double v;
    if (mb__parse_seconds(src, text, &v, err, size) != 0)
        return -1;
    if (v < 0)
        return mb__fail(err, size, "%s: '%s' is negative", src, text);
    if (v > 1e6)
        return mb__fail(err, size, "%s: '%s' is out of range (at most 1e6 seconds)", src, text);
    *out = v;
    return 0;
}

static int parse_bool(const char *src, const char *text, int *out, char *err, size_t size)
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

static int find_option(const char *name, size_t len)
{
    for (int i = 0; i < OPT_COUNT; i++)
        if (strlen(options[i].name) == len && strncmp(options[i].name, name, len) == 0)
            return i;
    return -1;
}

static int read_environment(mb__cli *cli, char *err, size_t size)
{
    for (int i = 0; i < OPT_COUNT; i++) {
        if (!options[i].env)
            continue;
        const char *text = getenv(options[i].env);
        if (!text)
            continue;
        cli->source[i] = options[i].env;
        if (options[i].takes == TAKES_VALUE) {
            cli->value[i] = text;
        } else if (parse_bool(options[i].env, text, &cli->flag[i], err, size) != 0) {
            return -1;
        }
    }
    return 0;
}

static int read_arguments(int argc, char **argv, mb__cli *cli, char *err, size_t size)
{
    int positional_done = 0, options_done = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (options_done || arg[0] != '-' || arg[1] == '\0') {
            if (positional_done)
                return mb__fail(err, size, "unexpected argument '%s' (one FILTER at most)", arg);
            positional_done = 1;
            cli->value[OPT_FILTER] = arg;
            cli->source[OPT_FILTER] = "FILTER";
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            options_done = 1;
            continue;
        }
        if (strcmp(arg, "-h") == 0) {
            cli->flag[OPT_HELP] = 1;
            continue;
        }
        if (arg[1] != '-')
            return mb__fail(err, size, "unknown option '%s' (see --help)", arg);
        const char *name = arg + 2, *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        int id = find_option(name, len);
        if (id < 0)
            return mb__fail(err, size, "unknown option '--%.*s' (see --help)", (int)len, name);
        snprintf(cli->source_buf[id], sizeof cli->source_buf[id], "--%s", options[id].name);
        cli->source[id] = cli->source_buf[id];
        if (options[id].takes == TAKES_NONE) {
            if (eq)
                return mb__fail(err, size, "option --%s takes no value", options[id].name);
            cli->flag[id] = 1;
        } else {
            if (!eq && i + 1 >= argc)
                return mb__fail(err, size, "option --%s needs a value (%s)", options[id].name,
                                options[id].arg);
            const char *v = eq ? eq + 1 : argv[++i];
            if (id == OPT_OUTPUT) {
                if (cli->n_outputs == MAX_REPEATS)
                    return mb__fail(err, size, "--output: at most %d outputs", MAX_REPEATS);
                cli->outputs[cli->n_outputs++] = v;
            }
            if (id == OPT_CONTEXT) {
                if (cli->n_contexts == MAX_REPEATS)
                    return mb__fail(err, size, "--context: at most %d entries", MAX_REPEATS);
                cli->contexts[cli->n_contexts++] = v;
            }
            cli->value[id] = v;
        }
    }
    return 0;
}

/* ", 12 s left" with the time rounded up to a whole second (minutes past 100 s). */
static void progress_eta(char *buf, size_t size, double eta_s)
{
    if (eta_s < 100)
        snprintf(buf, size, ", %.0f s left", ceil(eta_s));
    else
        snprintf(buf, size, ", %.0f min left", ceil(eta_s / 60));
}

static int known_format(const char *name, size_t len)
{
    for (const char *const *f = mb_emitter_formats(); *f; f++)
        if (strlen(*f) == len && strncmp(*f, name, len) == 0)
            return 1;
    return 0;
}

/* "text, json, ..." for messages. */
static const char *format_list(void)
{
    static char list[128];
    if (!list[0])
        for (const char *const *f = mb_emitter_formats(); *f; f++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
                     f == mb_emitter_formats() ? "formats: " : ", ", *f);
    return list;
}

static int apply_values(mb__cli *cli, char *err, size_t size)
{
    mb_settings *s = &cli->settings;
    uint64_t u;
    for (int i = 0; i < OPT_COUNT; i++) {
        const char *v = cli->value[i], *src = cli->source[i];
        if (!v)
            continue;
        switch (i) {
        case OPT_FILTER: s->filter = v; break;
        case OPT_WARM_UP_TIME:
            if (parse_seconds(src, v, &s->warm_up_time_s, err, size) != 0)
                return -1;
            break;
        case OPT_MEASUREMENT_TIME:
            if (parse_seconds(src, v, &s->measurement_time_s, err, size) != 0)
                return -1;
            if (s->measurement_time_s <= 0)
                return mb__fail(err, size, "%s: must be above 0", src);
            break;
        case OPT_SAMPLES:
            if (mb__parse_uint(src, v, 2, 10000, &u, err, size) != 0)
                return -1;
            s->min_samples = s->max_samples = (uint32_t)u;
            break;
        case OPT_PRECISION:
            if (mb__parse_fraction(src, v, &s->precision, err, size) != 0)
                return -1;
            if (!(s->precision >= 0 && s->precision < 1))
                return mb__fail(err, size, "%s: %s is out of range [0, 1)", src, v);
            break;
        case OPT_CONFIDENCE:
            if (mb__parse_fraction(src, v, &s->confidence, err, size) != 0)
                return -1;
            if (!(s->confidence > 0 && s->confidence < 1))
                return mb__fail(err, size, "%s: %s is out of range (0, 1)", src, v);
            break;
        case OPT_RESAMPLES:
            if (mb__parse_uint(src, v, 100, 1000000, &u, err, size) != 0)
                return -1;
            s->resamples = (uint32_t)u;
            break;
        case OPT_SEED:
            if (mb__parse_uint(src, v, 0, UINT64_MAX, &s->seed, err, size) != 0)
                return -1;
            break;
        case OPT_PROFILE_TIME:
            if (parse_seconds(src, v, &s->profile_time_s, err, size) != 0)
                return -1;
            if (s->profile_time_s <= 0)
                return mb__fail(err, size, "%s: must be above 0", src);
            break;
        case OPT_COUNTERS: {
            mb__counters *set;
            char why[400];
            if (mb__counters_parse(v, &set, why, sizeof why) != 0)
                return mb__fail(err, size, "%s: %s", src, why);
            mb__counters_free(set);
            s->counters = v;
            break;
        }
        case OPT_SAVE_BASELINE:
        case OPT_BASELINE:
            if (mb__baseline_name_problem(v))
                return mb__fail(err, size, "%s: '%s': %s", src, v, mb__baseline_name_problem(v));
            *(i == OPT_BASELINE ? &s->baseline : &s->save_baseline) = v;
            break;
        case OPT_BASELINE_DIR:
            if (!v[0])
                return mb__fail(err, size, "%s: the directory name is empty", src);
            s->baseline_dir = v;
            break;
        case OPT_NOISE_THRESHOLD:
            if (mb__parse_fraction(src, v, &s->noise_threshold, err, size) != 0)
                return -1;
            if (!(s->noise_threshold >= 0 && s->noise_threshold < 1))
                return mb__fail(err, size, "%s: %s is out of range [0, 1)", src, v);
            break;
        case OPT_SIGNIFICANCE:
            if (mb__parse_fraction(src, v, &s->significance, err, size) != 0)
                return -1;
            if (!(s->significance > 0 && s->significance < 1))
                return mb__fail(err, size, "%s: %s is out of range (0, 1)", src, v);
            break;
        case OPT_INSTRUCTIONS_THRESHOLD:
            if (mb__parse_fraction(src, v, &s->instructions_threshold, err, size) != 0)
                return -1;
            if (!(s->instructions_threshold >= 0 && s->instructions_threshold < 1))
                return mb__fail(err, size, "%s: %s is out of range [0, 1)", src, v);
            break;
        case OPT_RUN_NOISE:
            if (mb__parse_fraction(src, v, &s->run_noise, err, size) != 0)
                return -1;
            if (!(s->run_noise >= 0 && s->run_noise < 1))
                return mb__fail(err, size, "%s: %s is out of range [0, 1)", src, v);
            break;
        case OPT_TIMEOUT:
            if (parse_seconds(src, v, &s->timeout_s, err, size) != 0)
                return -1;
            if (s->timeout_s <= 0)
                return mb__fail(err, size, "%s: must be above 0", src);
            s->isolate = 1;
            break;
        case OPT_PIN:
            if (mb__parse_uint(src, v, 0, 4095, &u, err, size) != 0)
                return -1;
            cli->pin_cpu = (int)u;
            break;
        case OPT_CONTEXT: break;
        case OPT_FORMAT:
            if (!known_format(v, strlen(v)))
                return mb__fail(err, size, "%s: unknown format '%s' (%s)", src, v, format_list());
            break;
        case OPT_COLOR:
            if (strcmp(v, "auto") != 0 && strcmp(v, "always") != 0 && strcmp(v, "never") != 0)
                return mb__fail(err, size, "%s: '%s' is not auto, always or never", src, v);
            break;
        default: break;
        }
    }
    /* MICROBE_OUTPUT counts only when the command line gives no --output. */
    if (cli->n_outputs == 0 && cli->value[OPT_OUTPUT])
        cli->outputs[cli->n_outputs++] = cli->value[OPT_OUTPUT];
    for (int i = 0; i < cli->n_outputs; i++) {
        const char *colon = strchr(cli->outputs[i], ':');
        const char *src = cli->source[OPT_OUTPUT];
        if (!colon || colon[1] == '\0')
            return mb__fail(err, size, "%s: '%s' is not FORMAT:PATH", src, cli->outputs[i]);
        if (!known_format(cli->outputs[i], (size_t)(colon - cli->outputs[i])))
            return mb__fail(err, size, "%s: unknown format '%.*s' (%s)", src,
                            (int)(colon - cli->outputs[i]), cli->outputs[i], format_list());
    }
    if (cli->n_contexts == 0 && cli->value[OPT_CONTEXT])
        cli->contexts[cli->n_contexts++] = cli->value[OPT_CONTEXT];
    s->context = cli->contexts;
    s->n_context = (size_t)cli->n_contexts;
    const char *problem;
    if (mb_settings_validate(s, &problem) != 0)
        return strncmp(problem, "context", 7) == 0
                   ? mb__fail(err, size, "%s: %s", cli->source[OPT_CONTEXT], problem)
                   : mb__fail(err, size, "%s", problem);
    return 0;
}

int mb__cli_parse(int argc, char **argv, mb__cli *cli, char *err, size_t err_size)
{
    memset(cli, 0, sizeof *cli);
    cli->pin_cpu = -1;
    mb_settings_init(&cli->settings);
    if (read_environment(cli, err, err_size) != 0 ||
        read_arguments(argc, argv, cli, err, err_size) != 0)
        return -1;
    if (cli->flag[OPT_QUICK])
        mb_settings_quick(&cli->settings);
    cli->settings.smoke = cli->flag[OPT_SMOKE];
    cli->settings.isolate |= cli->flag[OPT_ISOLATE];
    cli->settings.instructions = cli->flag[OPT_INSTRUCTIONS];
    return apply_values(cli, err, err_size);
}

static void print_help(FILE *out, const char *prog)
{
    fprintf(out,
            "Usage: %s [options] [FILTER]\n"
            "Runs the benchmarks registered with BENCH() and reports the time per iteration.\n\n"
            "Options (--name=value and --name value both work):\n",
            prog);
    for (int i = 0; i < OPT_COUNT; i++) {
        char left[48];
        snprintf(left, sizeof left, "--%s%s%s", options[i].name, options[i].arg ? " " : "",
                 options[i].arg ? options[i].arg : "");
        fprintf(out, "  %-26s %s\n", left, options[i].help);
    }
    fprintf(out, "\nTIME is seconds, optionally with a unit: 2, 0.5s, 300ms, 50us.\n"
                 "P and C are fractions or percentages: 0.01 or 1%%, 0.95 or 95%%.\n"
                 "Every option except --help, --version and --list can also be set through the\n"
                 "environment variable named in docs/cli.md (e.g. MICROBE_MEASUREMENT_TIME=1s);\n"
                 "the command line wins.\n\n"
                 "Exit status: 0 success, 1 a benchmark failed, 2 bad usage.\n");
}

/* The progress line on stderr, when it is a terminal: "[2/5] name: measuring, 3 s left",
 * redrawn in place and erased between benchmarks, so the report on stdout and messages on
 * stderr never run into it. */
static int progress_shown;

static void progress_line(void *user, const mb_progress *p)
{
    (void)user;
    fputs("\r\033[K", stderr);
    progress_shown = p->name != NULL;
    if (p->name) {
        char eta[32];
        progress_eta(eta, sizeof eta, p->eta_s);
        fprintf(stderr, "[%zu/%zu] %s: %s%s", p->index + 1, p->count, p->name, p->phase, eta);
    }
    fflush(stderr);
}

static void log_to_stderr(void *user, mb_log_level level, const char *message)
{
    if (progress_shown)
        fputs("\r\033[K", stderr);
    static const char *const prefix[] = {"error", "warning", "note"};
    fprintf(stderr, "%s: %s: %s\n", *(const char *const *)user, prefix[level], message);
}

static void print_bench_name(void *user, const mb_bench *bench)
{
    size_t *count = user;
    (*count)++;
    printf("%s\n", bench->name);
}

static void count_bench(void *user, const mb_bench *bench)
{
    (void)bench;
    (*(size_t *)user)++;
}

static const char *program_name(char **argv)
{
    const char *name = argv && argv[0] ? argv[0] : "microbe";
    const char *slash = strrchr(name, '/');
    return slash ? slash + 1 : name;
}

/* Colour for the text report on stdout: --color, else NO_COLOR, else whether stdout is a
 * terminal that is not "dumb". */
static int use_color(const mb__cli *cli)
{
    const char *when = cli->value[OPT_COLOR] ? cli->value[OPT_COLOR] : "auto";
    if (strcmp(when, "auto") != 0)
        return strcmp(when, "always") == 0;
    const char *no_color = getenv("NO_COLOR"), *term = getenv("TERM");
    if (no_color && no_color[0])
        return 0;
    return isatty(STDOUT_FILENO) && !(term && strcmp(term, "dumb") == 0);
}

/* The terminal's width when stdout is one, else 0 (no limit: files and pipes get every
 * column). */
static int terminal_width(void)
{
    struct winsize ws;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return 0;
}

/* The emitter on stdout and one per --output, whose files are created now so that a bad
 * path stops the run before anything is measured. Returns 0, or -1 after printing why. */
static int add_outputs(mb_ctx *ctx, const mb__cli *cli, const char *prog)
{
    const char *format = cli->value[OPT_FORMAT] ? cli->value[OPT_FORMAT] : "text";
    mb_emitter e;
    int rc;
    if (strcmp(format, "text") == 0) {
        mb_text_options text = {0};
        text.color = use_color(cli);
        text.width = terminal_width();
        rc = mb_emitter_text_opts(&e, stdout, &text);
    } else {
        rc = mb_emitter_new(&e, format, stdout);
    }
    if (rc == 0)
        rc = mb_ctx_add_emitter(ctx, &e);
    if (rc != 0) {
        fprintf(stderr, "%s: error: %s\n", prog, mb_strerror(rc));
        return -1;
    }
    for (int i = 0; i < cli->n_outputs; i++) {
        const char *spec = cli->outputs[i], *colon = strchr(spec, ':');
        char name[32];
        snprintf(name, sizeof name, "%.*s", (int)(colon - spec), spec);
        errno = 0;
        rc = mb_emitter_open(&e, name, colon + 1);
        if (rc == 0)
            rc = mb_ctx_add_emitter(ctx, &e);
        if (rc != 0) {
            fprintf(stderr, "%s: error: %s: cannot write '%s': %s\n", prog, cli->source[OPT_OUTPUT],
                    colon + 1, rc == MB_EIO && errno ? strerror(errno) : mb_strerror(rc));
            return -1;
        }
    }
    return 0;
}

/* The context that SIGINT and SIGTERM interrupt while mb_main runs it. */
static mb_ctx *volatile running;

static void on_signal(int sig)
{
    /* A second signal ends the process the usual way: the first one may be stuck in a body
     * that never returns (without --isolate). */
    signal(sig, SIG_DFL);
    if (running)
        mb_ctx_interrupt(running);
}

/* mb_run with SIGINT and SIGTERM turned into an orderly stop; the previous handlers are put
 * back afterwards. */
static int run_interruptible(mb_ctx *ctx)
{
    struct sigaction action, old_int, old_term;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    running = ctx;
    sigaction(SIGINT, &action, &old_int);
    sigaction(SIGTERM, &action, &old_term);
    int rc = mb_run(ctx);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    running = NULL;
    return rc;
}

int mb_main(int argc, char **argv)
{
    const char *prog = program_name(argv);
    char err[512];
    mb__cli cli;
    if (mb__cli_parse(argc, argv, &cli, err, sizeof err) != 0) {
        fprintf(stderr, "%s: error: %s\n", prog, err);
        return 2;
    }
    if (cli.flag[OPT_HELP]) {
        print_help(stdout, prog);
        return 0;
    }
    if (cli.flag[OPT_VERSION]) {
        printf("microbe %s\n", mb_version());
        return 0;
    }
    mb_settings *s = &cli.settings;
    s->log = log_to_stderr;
    s->log_user = &prog;
    s->log_level = cli.flag[OPT_QUIET] ? MB_LOG_ERROR : MB_LOG_WARN;
    if (!cli.flag[OPT_QUIET] && isatty(STDERR_FILENO))
        s->progress = progress_line;

    mb_ctx *ctx;
    int rc = mb_ctx_new(&ctx, s);
    if (rc == MB_EREGEX) {
        fprintf(stderr, "%s: error: %s: '%s' is not a valid POSIX extended regular expression\n",
                prog, cli.source[OPT_FILTER], s->filter);
        return 2;
    }
    if (rc != 0) {
        fprintf(stderr, "%s: error: %s\n", prog, mb_strerror(rc));
        return 2;
    }

    size_t selected = 0;
    rc = mb_ctx_list(ctx, cli.flag[OPT_LIST] ? print_bench_name : count_bench, &selected);
    int exit_code = 0;
    if (rc != 0 || cli.flag[OPT_LIST]) {
        exit_code = rc != 0 ? 1 : 0;
    } else if (selected == 0 && s->filter) {
        fprintf(stderr, "%s: error: %s: no benchmark matches '%s' (see --list)\n", prog,
                cli.source[OPT_FILTER], s->filter);
        exit_code = 2;
    } else if (selected == 0) {
        fprintf(stderr, "%s: note: no benchmarks are registered\n", prog);
    } else if (add_outputs(ctx, &cli, prog) != 0) {
        exit_code = 2;
    } else if (cli.pin_cpu >= 0 && (errno = 0, mb__pin_cpu(cli.pin_cpu)) != 0) {
        fprintf(stderr, "%s: error: %s: cannot pin to CPU %d: %s\n", prog, cli.source[OPT_PIN],
                cli.pin_cpu, strerror(errno));
        exit_code = 2;
    } else if ((rc = run_interruptible(ctx)) == MB_EINTR) {
        fprintf(stderr, "%s: interrupted: reported the %zu benchmark%s finished\n", prog,
                mb_ctx_result_count(ctx), mb_ctx_result_count(ctx) == 1 ? "" : "s");
        exit_code = 130;
    } else if (rc != 0) {
        /* Duplicate names and a bad baseline were logged with their details: bad input. */
        int bad_input = rc == MB_EDUP || rc == MB_EINVAL;
        if (rc == MB_EIO && errno)
            fprintf(stderr, "%s: error: %s: %s\n", prog, mb_strerror(rc), strerror(errno));
        else if (!bad_input)
            fprintf(stderr, "%s: error: %s\n", prog, mb_strerror(rc));
        exit_code = bad_input ? 2 : 1;
    } else {
        int regressed = 0;
        for (size_t i = 0; i < mb_ctx_result_count(ctx); i++) {
            const mb_result *r = mb_ctx_result(ctx, i);
            if (r->status == MB_STATUS_FAILED)
                exit_code = 1;
            regressed |= r->change.verdict == MB_VERDICT_REGRESSED;
        }
        if (exit_code == 0 && regressed && cli.flag[OPT_FAIL_ON_REGRESSION])
            exit_code = 3;
    }
    mb_ctx_free(ctx);
    return exit_code;
}
