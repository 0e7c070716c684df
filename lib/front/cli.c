/*
 * The command line: argv and MICROBE_* variables to settings, the help and version text,
 * mb_main(), the front end every bench executable runs, and the same parsing for a host
 * program that keeps its own arguments (mb_settings_from_args) with its stderr log. The options,
 * their variables, help, syntax and ranges are the settings table's (lib/base/settings.c); this
 * file adds the checks the table cannot make (counter lists, baseline names, formats) and what only
 * the command line has: outputs, colour, pinning. Command-line values win over the environment;
 * --quick applies first so that an explicit value always wins over the profile.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* TIOCGWINSZ and struct winsize */

#include "baseline.h"
#include "counters.h"
#include "ctx.h"
#include "log.h"
#include "microbe_internal.h"
#include "numbers.h"
#include "settings.h"
#include "pin.h"

#include <signal.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* The most --output or --context options one command line may give. */
#define MAX_REPEATS 16

typedef struct mb__cli {
    mb_settings settings;
    int flag[MB__OPT_COUNT];           /* boolean options given */
    const char *value[MB__OPT_COUNT];  /* value options given (argv or environment) */
    const char *source[MB__OPT_COUNT]; /* "--name" or "MICROBE_NAME", for messages */
    char source_buf[MB__OPT_COUNT][40];
    const char *outputs[MAX_REPEATS]; /* --output values in order (or MICROBE_OUTPUT) */
    int n_outputs;
    int pin_cpu;                       /* -1: not pinned */
    const char *contexts[MAX_REPEATS]; /* --context values (or MICROBE_CONTEXT) */
    int n_contexts;
    /* mb_settings_from_args: room for argc words, the host's, which it keeps (NULL for
     * mb_main). Only the options of settings fields are then microbe's. */
    char **kept;
    int n_kept;
} mb__cli;

int mb__cli_parse(int argc, char **argv, mb__cli *cli, char *err, size_t err_size);

/* Whether a host program's arguments may set row (mb_settings_from_args): the rows of settings
 * fields, and --quick; the front end's own options are the host's to give or not. */
static int embedded_row(const mb__setting *row)
{
    return row->has_field || row == &mb__settings_table[MB__OPT_QUICK];
}

static int read_environment(mb__cli *cli, char *err, size_t size)
{
    for (int i = 0; i < MB__OPT_COUNT; i++) {
        const mb__setting *row = &mb__settings_table[i];
        if (cli->kept && !embedded_row(row))
            continue;
        const char *text = row->env ? getenv(row->env) : NULL;
        if (!text)
            continue;
        cli->source[i] = row->env;
        mb__setting_value on;
        if (row->kind != MB__KIND_SWITCH)
            cli->value[i] = text;
        else if (mb__setting_parse(row, row->env, text, &on, err, size) != 0)
            return -1;
        else
            cli->flag[i] = on.whole != 0;
    }
    return 0;
}

/* Reads the value option at argv[*i] (row's; eq: its "=value" or NULL), taking the next word
 * as its value when it has no "=". Returns 0, or -1 with a message in err. */
static int read_value(mb__cli *cli, const mb__setting *row, const char *eq, int argc, char **argv,
                      int *i, char *err, size_t size)
{
    int id = (int)(row - mb__settings_table);
    if (!eq && *i + 1 >= argc)
        return mb__fail(err, size, "option --%s needs a value (%s)", row->flag, row->arg);
    const char *v = eq ? eq + 1 : argv[++*i];
    if (id == MB__OPT_OUTPUT) {
        if (cli->n_outputs == MAX_REPEATS)
            return mb__fail(err, size, "--output: at most %d outputs", MAX_REPEATS);
        cli->outputs[cli->n_outputs++] = v;
    }
    if (id == MB__OPT_CONTEXT) {
        if (cli->n_contexts == MAX_REPEATS)
            return mb__fail(err, size, "--context: at most %d entries", MAX_REPEATS);
        cli->contexts[cli->n_contexts++] = v;
    }
    cli->value[id] = v;
    return 0;
}

/* Reads the option word argv[*i] (and its separate value). Returns 0 when it was read, 1 when
 * it is not microbe's (embedded: the host's, to keep), or -1 with a message in err. */
static int read_option(mb__cli *cli, int argc, char **argv, int *i, char *err, size_t size)
{
    const char *arg = argv[*i];
    if (strcmp(arg, "-h") == 0 && !cli->kept) {
        cli->flag[MB__OPT_HELP] = 1;
        return 0;
    }
    const char *name = arg + 2, *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const mb__setting *row = arg[1] == '-' ? mb__setting_find(name, len) : NULL;
    if (cli->kept && (!row || !embedded_row(row)))
        return 1;
    if (arg[1] != '-')
        return mb__fail(err, size, "unknown option '%s' (see --help)", arg);
    if (!row)
        return mb__fail(err, size, "unknown option '--%.*s' (see --help)", (int)len, name);
    int id = (int)(row - mb__settings_table);
    snprintf(cli->source_buf[id], sizeof cli->source_buf[id], "--%s", row->flag);
    cli->source[id] = cli->source_buf[id];
    if (row->arg)
        return read_value(cli, row, eq, argc, argv, i, err, size);
    if (eq)
        return mb__fail(err, size, "option --%s takes no value", row->flag);
    cli->flag[id] = 1;
    return 0;
}

/* The options of argv, and mb_main's FILTER. Embedded, every word that is not microbe's goes
 * to cli->kept in order, and "--" ends the options: it and every word after it are
 * kept as they are. */
static int read_arguments(int argc, char **argv, mb__cli *cli, char *err, size_t size)
{
    int positionals = 0, options_done = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (cli->kept && strcmp(arg, "--") == 0) {
            while (i < argc)
                cli->kept[cli->n_kept++] = argv[i++];
            break;
        }
        if (!options_done && strcmp(arg, "--") == 0) {
            options_done = 1;
            continue;
        }
        int rc = !options_done && arg[0] == '-' && arg[1] != '\0'
                     ? read_option(cli, argc, argv, &i, err, size)
                     : 1;
        if (rc < 0)
            return -1;
        if (rc == 0)
            continue;
        if (cli->kept) {
            cli->kept[cli->n_kept++] = argv[i];
            continue;
        }
        if (positionals++)
            return mb__fail(err, size, "unexpected argument '%s' (one FILTER at most)", arg);
        cli->value[MB__OPT_FILTER] = arg;
        cli->source[MB__OPT_FILTER] = "FILTER";
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

/* The checks of one value that the settings table leaves to the command line: counter lists
 * and baseline names (higher stages than the table's), and the front end's own values. */
static int check_value(mb__cli *cli, int id, mb__setting_value v, char *err, size_t size)
{
    const char *text = cli->value[id], *src = cli->source[id];
    switch (id) {
    case MB__OPT_COUNTERS: {
        mb__counters *set;
        char why[400];
        if (mb__counters_parse(text, &set, why, sizeof why) != 0)
            return mb__fail(err, size, "%s: %s", src, why);
        mb__counters_free(set);
        return 0;
    }
    case MB__OPT_SAVE_BASELINE:
    case MB__OPT_BASELINE:
        if (mb__baseline_name_problem(text))
            return mb__fail(err, size, "%s: '%s': %s", src, text, mb__baseline_name_problem(text));
        return 0;
    case MB__OPT_BASELINE_DIR:
        return text[0] ? 0 : mb__fail(err, size, "%s: the directory name is empty", src);
    case MB__OPT_TIMEOUT: cli->settings.isolate = 1; return 0;
    case MB__OPT_PIN: cli->pin_cpu = (int)v.whole; return 0;
    case MB__OPT_FORMAT:
        if (!known_format(text, strlen(text)))
            return mb__fail(err, size, "%s: unknown format '%s' (%s)", src, text, format_list());
        return 0;
    case MB__OPT_COLOR:
        if (strcmp(text, "auto") != 0 && strcmp(text, "always") != 0 && strcmp(text, "never") != 0)
            return mb__fail(err, size, "%s: '%s' is not auto, always or never", src, text);
        return 0;
    default: return 0;
    }
}

static int apply_values(mb__cli *cli, char *err, size_t size)
{
    mb_settings *s = &cli->settings;
    for (int i = 0; i < MB__OPT_COUNT; i++) {
        const mb__setting *row = &mb__settings_table[i];
        mb__setting_value v;
        if (!cli->value[i])
            continue;
        if (mb__setting_parse(row, cli->source[i], cli->value[i], &v, err, size) != 0 ||
            check_value(cli, i, v, err, size) != 0)
            return -1;
        mb__setting_store(row, s, v);
    }
    /* MICROBE_OUTPUT counts only when the command line gives no --output. */
    if (cli->n_outputs == 0 && cli->value[MB__OPT_OUTPUT])
        cli->outputs[cli->n_outputs++] = cli->value[MB__OPT_OUTPUT];
    for (int i = 0; i < cli->n_outputs; i++) {
        const char *colon = strchr(cli->outputs[i], ':');
        const char *src = cli->source[MB__OPT_OUTPUT];
        if (!colon || colon[1] == '\0')
            return mb__fail(err, size, "%s: '%s' is not FORMAT:PATH", src, cli->outputs[i]);
        if (!known_format(cli->outputs[i], (size_t)(colon - cli->outputs[i])))
            return mb__fail(err, size, "%s: unknown format '%.*s' (%s)", src,
                            (int)(colon - cli->outputs[i]), cli->outputs[i], format_list());
    }
    if (cli->n_contexts == 0 && cli->value[MB__OPT_CONTEXT])
        cli->contexts[cli->n_contexts++] = cli->value[MB__OPT_CONTEXT];
    if (!cli->kept) {
        s->context = cli->contexts;
        s->n_context = (size_t)cli->n_contexts;
    }
    const char *problem;
    if (mb_settings_validate(s, &problem) != 0)
        return strncmp(problem, "context", 7) == 0
                   ? mb__fail(err, size, "%s: %s", cli->source[MB__OPT_CONTEXT], problem)
                   : mb__fail(err, size, "%s", problem);
    return 0;
}

/* The one path of mb_main and mb_settings_from_args: cli->settings and cli->kept are set,
 * the rest zero. The environment first, then argv (which wins), --quick before the values so
 * that an explicit one wins over the profile; a switch or value neither gives is left as it
 * was. Returns 0, or -1 with a one-line message in err. */
static int parse(mb__cli *cli, int argc, char **argv, char *err, size_t size)
{
    cli->pin_cpu = -1;
    if (read_environment(cli, err, size) != 0 || read_arguments(argc, argv, cli, err, size) != 0)
        return -1;
    if (cli->flag[MB__OPT_QUICK])
        mb_settings_quick(&cli->settings);
    for (int i = 0; i < MB__OPT_COUNT; i++)
        if (mb__settings_table[i].kind == MB__KIND_SWITCH && cli->source[i])
            mb__setting_store(&mb__settings_table[i], &cli->settings,
                              (mb__setting_value){.whole = (uint64_t)cli->flag[i]});
    if (apply_values(cli, err, size) != 0)
        return -1;
    /* Only a change against a baseline can regress: without one the gate could never fail,
     * and a CI job that forgot --baseline would pass forever. */
    int runs = !cli->flag[MB__OPT_LIST] && !cli->flag[MB__OPT_HELP] && !cli->flag[MB__OPT_VERSION];
    if (runs && cli->flag[MB__OPT_FAIL_ON_REGRESSION] && !cli->settings.baseline)
        return mb__fail(err, size, "%s: nothing to compare against: give --baseline NAME",
                        cli->source[MB__OPT_FAIL_ON_REGRESSION]);
    return 0;
}

int mb__cli_parse(int argc, char **argv, mb__cli *cli, char *err, size_t err_size)
{
    memset(cli, 0, sizeof *cli);
    mb_settings_init(&cli->settings);
    return parse(cli, argc, argv, err, err_size);
}

int mb_settings_from_args(mb_settings *s, int *argc, char **argv, char *message, size_t size)
{
    if (!s || !argc || *argc < 1 || !argv) {
        mb__fail(message, size, "mb_settings_from_args: no settings or no arguments");
        return MB_EINVAL;
    }
    mb__cli *cli = calloc(1, sizeof *cli);
    char **kept = malloc((size_t)*argc * sizeof *kept);
    if (!cli || !kept) {
        free(cli);
        free(kept);
        mb__fail(message, size, "%s", mb_strerror(MB_ENOMEM));
        return MB_ENOMEM;
    }
    cli->settings = *s;
    cli->kept = kept;
    int rc = parse(cli, *argc, argv, message, size) != 0 ? MB_EINVAL : 0;
    if (rc == 0) {
        *s = cli->settings;
        memcpy(argv + 1, kept, (size_t)cli->n_kept * sizeof *kept);
        if (cli->n_kept + 1 < *argc)
            argv[cli->n_kept + 1] = NULL;
        *argc = cli->n_kept + 1;
    }
    free(kept);
    free(cli);
    return rc;
}

static void print_help(FILE *out, const char *prog)
{
    fprintf(out,
            "Usage: %s [options] [FILTER]\n"
            "Runs the benchmarks registered with BENCH() and reports the time per iteration.\n\n"
            "Options (--name=value and --name value both work):\n",
            prog);
    for (int i = 0; i < MB__OPT_COUNT; i++) {
        const mb__setting *row = &mb__settings_table[i];
        char left[48], help[160];
        if (!row->flag)
            continue;
        snprintf(left, sizeof left, "--%s%s%s", row->flag, row->arg ? " " : "",
                 row->arg ? row->arg : "");
        mb__setting_help(row, help, sizeof help);
        fprintf(out, "  %-26s %s\n", left, help);
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

void mb_log_stderr(void *user, mb_log_level level, const char *message)
{
    if (progress_shown)
        fputs("\r\033[K", stderr);
    const char *prefix = level <= MB_LOG_ERROR  ? "error"
                         : level == MB_LOG_WARN ? "warning"
                                                : "note";
    fprintf(stderr, "%s: %s: %s\n", user ? (const char *)user : "microbe", prefix, message);
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

/* argv[0] without its directory, or NULL. */
static char *program_name(char **argv)
{
    char *slash = argv && argv[0] ? strrchr(argv[0], '/') : NULL;
    return slash ? slash + 1 : argv ? argv[0] : NULL;
}

/* Colour for the text report on stdout: --color, else NO_COLOR, else whether stdout is a
 * terminal that is not "dumb". */
static int use_color(const mb__cli *cli)
{
    const char *when = cli->value[MB__OPT_COLOR] ? cli->value[MB__OPT_COLOR] : "auto";
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
    const char *format = cli->value[MB__OPT_FORMAT] ? cli->value[MB__OPT_FORMAT] : "text";
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
            fprintf(stderr, "%s: error: %s: cannot write '%s': %s\n", prog,
                    cli->source[MB__OPT_OUTPUT], colon + 1,
                    rc == MB_EIO && errno ? strerror(errno) : mb_strerror(rc));
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

/* A finished run's exit code: 1 when a benchmark failed, 3 when one regressed and the gate
 * was asked for, else 0. */
static int exit_code_of(const mb_ctx *ctx, int fail_on_regression)
{
    int failed = 0, regressed = 0;
    for (size_t i = 0; i < mb_ctx_result_count(ctx); i++) {
        const mb_result *r = mb_ctx_result(ctx, i);
        failed |= r->status == MB_STATUS_FAILED;
        regressed |= r->change.verdict == MB_VERDICT_REGRESSED;
    }
    return failed ? 1 : regressed && fail_on_regression ? 3 : 0;
}

int mb_main(int argc, char **argv)
{
    char *prog_name = program_name(argv);
    const char *prog = prog_name ? prog_name : "microbe";
    char err[512];
    mb__cli cli;
    if (mb__cli_parse(argc, argv, &cli, err, sizeof err) != 0) {
        fprintf(stderr, "%s: error: %s\n", prog, err);
        return 2;
    }
    if (cli.flag[MB__OPT_HELP]) {
        print_help(stdout, prog);
        return 0;
    }
    if (cli.flag[MB__OPT_VERSION]) {
        printf("microbe %s\n", mb_version());
        return 0;
    }
    mb_settings *s = &cli.settings;
    s->log = mb_log_stderr;
    s->log_user = prog_name;
    if (!cli.flag[MB__OPT_QUIET] && isatty(STDERR_FILENO))
        s->progress = progress_line;

    mb_ctx *ctx;
    int rc = mb_ctx_new(&ctx, s);
    if (rc == MB_EREGEX) {
        fprintf(stderr, "%s: error: %s: '%s' is not a valid POSIX extended regular expression\n",
                prog, cli.source[MB__OPT_FILTER], s->filter);
        return 2;
    }
    if (rc != 0) {
        fprintf(stderr, "%s: error: %s\n", prog, mb_strerror(rc));
        return 2;
    }

    mb_ctx_set_program(ctx, argv);
    if (mb__ctx_part_request()) {
        /* Started by mb_run to measure parts: no outputs, no listing; mb_run does not return. */
        rc = mb_run(ctx);
        mb_ctx_free(ctx);
        return rc ? 1 : 0;
    }

    size_t selected = 0;
    rc = mb_ctx_list(ctx, cli.flag[MB__OPT_LIST] ? print_bench_name : count_bench, &selected);
    int exit_code = 0;
    if (rc != 0 || cli.flag[MB__OPT_LIST]) {
        exit_code = rc != 0 ? 1 : 0;
    } else if (selected == 0 && s->filter) {
        fprintf(stderr, "%s: error: %s: no benchmark matches '%s' (see --list)\n", prog,
                cli.source[MB__OPT_FILTER], s->filter);
        exit_code = 2;
    } else if (selected == 0) {
        fprintf(stderr, "%s: note: no benchmarks are registered\n", prog);
    } else if (add_outputs(ctx, &cli, prog) != 0) {
        exit_code = 2;
    } else if (cli.pin_cpu >= 0 && (errno = 0, mb__pin_cpu(cli.pin_cpu)) != 0) {
        fprintf(stderr, "%s: error: %s: cannot pin to CPU %d: %s\n", prog, cli.source[MB__OPT_PIN],
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
        exit_code = exit_code_of(ctx, cli.flag[MB__OPT_FAIL_ON_REGRESSION]);
    }
    mb_ctx_free(ctx);
    return exit_code;
}
