/*
 * microbe-compare: the change of every benchmark between two result files, or between two
 * bench executables run alternately (docs/comparing.md). Built on the public API alone: it
 * reads the files with mb_results_read, compares them with mb_results_compare (the rules a run
 * applies against its baseline) or mb_results_pair (the rounds of --exec), and writes the
 * comparison with the library's emitters.
 *
 *   microbe-compare [options] OLD.json NEW.json
 *   microbe-compare [options] --exec OLD_EXE NEW_EXE [-- ARGS...]
 *
 * Files: each benchmark of NEW is compared with the one of the same name in OLD (else of the
 * same parameters) exactly as the run that wrote NEW would have compared it with a baseline
 * holding OLD: the same resamples,
 * confidence and seed (NEW's, unless given), the same thresholds, the unstable rule.
 * Executables: a pair runs the whole selected suite once in each executable, briefly and in
 * that process (--forks 0), one right after the other, OLD first in even pairs and NEW first
 * in odd ones (ABBA); each pair gives every benchmark one (old, new) couple of medians, so
 * drift common to a pair cancels and the spread between pairs, not within one run, makes the
 * interval. From --min-rounds pairs on, it stops as soon as every verdict is settled, or when
 * the --budget would be overrun, or after --rounds pairs; the report says which.
 */
#define _POSIX_C_SOURCE 200809L

#include <microbe.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The comparison settings a flag gave (the others come from NEW, or the defaults). */
enum {
    GIVEN_NOISE = 1 << 0,
    GIVEN_SIGNIFICANCE = 1 << 1,
    GIVEN_RUN_NOISE = 1 << 2,
    GIVEN_CONFIDENCE = 1 << 3,
    GIVEN_RESAMPLES = 1 << 4,
    GIVEN_SEED = 1 << 5,
    GIVEN_RUN_OFFSET = 1 << 6
};

typedef struct options {
    mb_settings flags; /* the values of the flags in `given` */
    unsigned given;
    const char *format;
    int exec;
    uint64_t rounds, min_rounds; /* --exec: the most pairs; the fewest before a settled stop */
    double budget;               /* --exec: seconds for the whole comparison */
    int fail_on_regression;
    const char *filter;
    const char *old_path, *new_path;
    char **child_args; /* after "--" */
    int n_child_args;
} options;

static const char *prog = "microbe-compare";

static void usage(FILE *out)
{
    fprintf(
        out,
        "usage: %s [options] OLD.json NEW.json\n"
        "       %s [options] --exec OLD_EXE NEW_EXE [-- ARGS...]\n"
        "\n"
        "Compares every benchmark of NEW with the one of the same name (or parameters)\n"
        "in OLD, as a run compares with its baseline: the ratio of medians new/old with\n"
        "its interval, a p-value (Holm-corrected over the benchmarks) and a verdict.\n"
        "\n"
        "options:\n"
        "  --exec                run two bench executables in pairs, ABBA, until every\n"
        "                        verdict is settled or the budget is spent\n"
        "  --budget TIME         --exec: wall time of the whole comparison (default 60s)\n"
        "  --rounds N            --exec: the most pairs (default 200; 2 to 1000)\n"
        "  --min-rounds N        --exec: pairs before a settled verdict stops (default 6)\n"
        "  --filter REGEX        only benchmarks whose name (or parameter form, size:64)\n"
        "                        matches (POSIX extended)\n"
        "  --format FMT          text (default), markdown, json, or another of the\n"
        "                        library's formats (csv, gbench-json, bmf, ...)\n"
        "  --noise-threshold P   changes within +/-P count as none (default 2%%)\n"
        "  --significance P      significance level (default 0.05)\n"
        "  --run-noise P         run-to-run offset added to one-part comparisons (default 2%%)\n"
        "  --run-offset P        whole-run offset added to comparisons of parts (default "
        "0.5%%)\n"
        "  --confidence C        confidence level of intervals (default 95%%)\n"
        "  --resamples N         bootstrap resamples for files (default 10000)\n"
        "  --seed N              bootstrap seed\n"
        "  --fail-on-regression  exit 3 when a benchmark regressed\n"
        "  --help, --version\n"
        "Files: settings not given are NEW's own (those of the run that wrote it).\n"
        "ARGS after -- go to both executables (e.g. -- --quick).\n"
        "exit: 0 done, 1 an executable failed, 2 bad usage or input, 3 regression (asked)\n",
        prog, prog);
}

static int usage_error(const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: error: ", prog);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 2;
}

/* A whole number, decimal or 0x hexadecimal, in [min, max]; 0, or 2 after saying why not. */
static int parse_uint(const char *name, const char *text, uint64_t min, uint64_t max, uint64_t *out)
{
    int base = text[0] == '0' && (text[1] == 'x' || text[1] == 'X') ? 16 : 10;
    const char *digits = base == 16 ? text + 2 : text;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(digits, &end, base);
    if (!*digits || *end || !strchr("0123456789abcdefABCDEF", digits[0]))
        return usage_error("%s: '%s' is not a whole number", name, text);
    if (errno == ERANGE)
        return usage_error("%s: '%s' is too large", name, text);
    if (v < min || v > max)
        return usage_error("%s: %s is out of range (%llu to %llu)", name, text,
                           (unsigned long long)min, (unsigned long long)max);
    *out = v;
    return 0;
}

/* A fraction written as "0.95" or "95%", in (0, 1), or [0, 1) when zero_ok; 0, or 2 after
 * saying why not. This program never changes the C locale, so strtod reads '.' whatever the
 * environment's; the characters are checked first, so that "nan", "inf" and hexadecimal are
 * refused. */
static int parse_fraction(const char *name, const char *text, int zero_ok, double *out)
{
    size_t len = strspn(text, "0123456789.eE+-");
    char *end;
    double v = len ? strtod(text, &end) : 0;
    int percent = text[len] == '%' && text[len + 1] == '\0';
    if (!len || end != text + len || (text[len] && !percent) || !strpbrk(text, "0123456789"))
        return usage_error("%s: '%s' is not a number or a percentage", name, text);
    v = percent ? v / 100 : v;
    if (!((zero_ok ? v >= 0 : v > 0) && v < 1))
        return usage_error("%s: %s is out of range %s0, 1)", name, text, zero_ok ? "[" : "(");
    *out = v;
    return 0;
}

/* A time in seconds, optionally with a unit as the bench executables take it ("60", "1.5s",
 * "500ms", "50us"), in (0, 1e6]; 0, or 2 after saying why not. */
static int parse_seconds(const char *name, const char *text, double *out)
{
    size_t len = strspn(text, "0123456789.eE+-");
    char *end;
    double v = len ? strtod(text, &end) : 0;
    const char *unit = text + len;
    double scale = !*unit || strcmp(unit, "s") == 0 ? 1
                   : strcmp(unit, "ms") == 0        ? 1e-3
                   : strcmp(unit, "us") == 0        ? 1e-6
                                                    : 0;
    if (!len || end != unit || !scale || !strpbrk(text, "0123456789"))
        return usage_error("%s: '%s' is not a time (e.g. 60, 1.5s, 500ms)", name, text);
    v *= scale;
    if (!(v > 0 && v <= 1e6))
        return usage_error("%s: %s is out of range (more than 0, at most 1e6 s)", name, text);
    *out = v;
    return 0;
}

/* An executable that --exec can run: 0, or exit code 2 after saying why not. */
static int check_executable(const char *which, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return usage_error("%s: cannot run '%s': %s", which, path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return usage_error("%s: cannot run '%s': not a regular file", which, path);
    if (access(path, X_OK) != 0)
        return usage_error("%s: cannot run '%s': %s", which, path, strerror(errno));
    return 0;
}

static int known_format(const char *format)
{
    for (const char *const *f = mb_emitter_formats(); *f; f++)
        if (strcmp(*f, format) == 0)
            return 1;
    return 0;
}

/* One option with a value; 0, or the exit code after saying what is wrong. */
static int parse_value(options *o, const char *name, const char *v)
{
    mb_settings *f = &o->flags;
    uint64_t u = f->resamples;
    int rc = 0;
    if (strcmp(name, "--rounds") == 0)
        return parse_uint(name, v, 2, 1000, &o->rounds);
    if (strcmp(name, "--min-rounds") == 0)
        return parse_uint(name, v, 2, 1000, &o->min_rounds);
    if (strcmp(name, "--budget") == 0)
        return parse_seconds(name, v, &o->budget);
    if (strcmp(name, "--filter") == 0) {
        o->filter = v;
    } else if (strcmp(name, "--format") == 0) {
        if (!known_format(v))
            return usage_error("--format: unknown format '%s' (text, markdown, json, ...)", v);
        o->format = v;
    } else if (strcmp(name, "--noise-threshold") == 0) {
        rc = parse_fraction(name, v, 1, &f->noise_threshold);
        o->given |= GIVEN_NOISE;
    } else if (strcmp(name, "--significance") == 0) {
        rc = parse_fraction(name, v, 0, &f->significance);
        o->given |= GIVEN_SIGNIFICANCE;
    } else if (strcmp(name, "--run-noise") == 0) {
        rc = parse_fraction(name, v, 1, &f->run_noise);
        o->given |= GIVEN_RUN_NOISE;
    } else if (strcmp(name, "--run-offset") == 0) {
        rc = parse_fraction(name, v, 1, &f->run_offset);
        o->given |= GIVEN_RUN_OFFSET;
    } else if (strcmp(name, "--confidence") == 0) {
        rc = parse_fraction(name, v, 0, &f->confidence);
        o->given |= GIVEN_CONFIDENCE;
    } else if (strcmp(name, "--resamples") == 0) {
        rc = parse_uint(name, v, 100, 1000000, &u);
        f->resamples = (uint32_t)u;
        o->given |= GIVEN_RESAMPLES;
    } else if (strcmp(name, "--seed") == 0) {
        rc = parse_uint(name, v, 0, UINT64_MAX, &f->seed);
        o->given |= GIVEN_SEED;
    } else {
        return usage_error("unknown option '%s' (see --help)", name);
    }
    return rc;
}

/* Returns -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, options *o)
{
    mb_settings_init(&o->flags);
    o->rounds = 200;
    o->min_rounds = 6;
    o->budget = 60;
    o->format = "text";
    const char *paths[2];
    int n_paths = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            o->child_args = argv + i + 1;
            o->n_child_args = argc - i - 1;
            break;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(a, "--version") == 0) {
            printf("microbe-compare %s\n", mb_version());
            return 0;
        }
        if (strcmp(a, "--exec") == 0 || strcmp(a, "--fail-on-regression") == 0) {
            *(a[2] == 'e' ? &o->exec : &o->fail_on_regression) = 1;
            continue;
        }
        if (a[0] != '-' || a[1] == '\0') {
            if (n_paths == 2)
                return usage_error("unexpected argument '%s' (two inputs at most)", a);
            paths[n_paths++] = a;
            continue;
        }
        const char *eq = strchr(a, '=');
        size_t len = eq ? (size_t)(eq - a) : strlen(a);
        const char *v = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
        char name[40];
        snprintf(name, sizeof name, "%.*s", (int)(len < 39 ? len : 39), a);
        if (!v)
            return usage_error("option %s needs a value", name);
        int rc = parse_value(o, name, v);
        if (rc)
            return rc;
    }
    if (n_paths != 2)
        return usage_error("expected two inputs, OLD and NEW (see --help)");
    if (o->n_child_args && !o->exec)
        return usage_error("arguments after -- need --exec");
    o->old_path = paths[0];
    o->new_path = paths[1];
    if (o->exec && (check_executable("OLD", o->old_path) || check_executable("NEW", o->new_path)))
        return 2;
    return -1;
}

/* The library's warnings (benchmarks without a baseline, those matched by parameters, saved
 * results that no benchmark matches), held until the comparison is known to stand: when
 * nothing could be compared, the one error line says so alone. */
static char held[4][512];
static int n_held;

static void hold_warning(void *user, mb_log_level level, const char *message)
{
    (void)user;
    (void)level;
    if (n_held < 4)
        snprintf(held[n_held++], sizeof held[0], "%s", message);
}

/* The settings of the comparison: from (NEW's settings, or the defaults), the flags given on
 * top, old as the baseline's name in the reports. */
static mb_settings comparison_settings(const options *o, const mb_settings *from)
{
    mb_settings s;
    mb_settings_init(&s);
    if (from) {
        s.confidence = from->confidence;
        s.resamples = from->resamples;
        s.seed = from->seed;
        s.noise_threshold = from->noise_threshold;
        s.significance = from->significance;
        s.run_noise = from->run_noise;
        s.run_offset = from->run_offset;
        s.instructions_threshold = from->instructions_threshold;
    }
    const mb_settings *f = &o->flags;
    s.noise_threshold = o->given & GIVEN_NOISE ? f->noise_threshold : s.noise_threshold;
    s.significance = o->given & GIVEN_SIGNIFICANCE ? f->significance : s.significance;
    s.run_noise = o->given & GIVEN_RUN_NOISE ? f->run_noise : s.run_noise;
    s.run_offset = o->given & GIVEN_RUN_OFFSET ? f->run_offset : s.run_offset;
    s.confidence = o->given & GIVEN_CONFIDENCE ? f->confidence : s.confidence;
    s.resamples = o->given & GIVEN_RESAMPLES ? f->resamples : s.resamples;
    s.seed = o->given & GIVEN_SEED ? f->seed : s.seed;
    s.baseline = o->old_path;
    s.log = hold_warning;
    s.log_level = MB_LOG_WARN;
    return s;
}

/* ---- Files --------------------------------------------------------------------------- */

/* NEW compared with OLD into *out; 0 or the exit code after saying why not. */
static int compare_files(const options *o, mb_results **out)
{
    mb_results *old = NULL, *new = NULL;
    char err[600];
    int rc = mb_results_read(o->old_path, &old, err, sizeof err);
    if (rc == 0)
        rc = mb_results_read(o->new_path, &new, err, sizeof err);
    if (rc) {
        fprintf(stderr, "%s: error: %s\n", prog, rc == MB_ENOMEM ? mb_strerror(rc) : err);
        mb_results_free(old);
        return rc == MB_ENOMEM ? 1 : 2;
    }
    rc = mb_results_filter(new, o->filter);
    if (rc == MB_EREGEX) {
        mb_results_free(old);
        mb_results_free(new);
        return usage_error("--filter: '%s' is not a valid POSIX extended regular expression",
                           o->filter);
    }
    mb_settings s = comparison_settings(o, mb_results_info(new)->settings);
    if (rc == 0)
        rc = mb_results_compare(new, old, &s);
    mb_results_free(old);
    *out = new;
    if (rc)
        fprintf(stderr, "%s: error: %s\n", prog, mb_strerror(rc));
    return rc ? 1 : 0;
}

/* ---- Executables --------------------------------------------------------------------- */

/* Runs exe with args, stdout to /dev/null. Returns the exit status, or -1 when it could not
 * run or died by a signal (reported). */
static int run_child(const char *exe, const char **args)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0)
            dup2(fd, STDOUT_FILENO);
        char *const *argv_exec; /* execv's prototype predates const */
        memcpy(&argv_exec, &args, sizeof args);
        execv(exe, argv_exec);
        fprintf(stderr, "%s: error: cannot run %s: %s\n", prog, exe, strerror(errno));
        _exit(127);
    }
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) < 0) {
        fprintf(stderr, "%s: error: cannot run %s: %s\n", prog, exe, strerror(errno));
        return -1;
    }
    if (WIFSIGNALED(status)) {
        fprintf(stderr, "%s: error: %s died by signal %d\n", prog, exe, WTERMSIG(status));
        return -1;
    }
    return WEXITSTATUS(status);
}

/* The time since an arbitrary start, in seconds. */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* One run of the whole selected suite in exe, measured in that process (--forks 0; the
 * user's ARGS may override it), its results read from tmp: a new set, or NULL (reported). */
static mb_results *run_suite(const options *o, const char *exe, const char *tmp)
{
    char output[4200];
    snprintf(output, sizeof output, "json:%s", tmp);
    const char **args = calloc((size_t)o->n_child_args + 10, sizeof *args);
    if (!args)
        return NULL;
    int k = 0;
    args[k++] = exe;
    args[k++] = "--forks";
    args[k++] = "0";
    for (int i = 0; i < o->n_child_args; i++)
        args[k++] = o->child_args[i];
    args[k++] = "--quiet";
    if (o->filter) {
        args[k++] = "--filter";
        args[k++] = o->filter;
    }
    args[k++] = "--output";
    args[k++] = output;
    args[k] = NULL;
    int status = run_child(exe, args);
    free(args);
    if (status != 0) {
        if (status > 0)
            fprintf(stderr, "%s: error: %s exited with status %d\n", prog, exe, status);
        return NULL;
    }
    mb_results *set = NULL;
    char err[600];
    if (mb_results_read(tmp, &set, err, sizeof err) != 0) {
        fprintf(stderr, "%s: error: %s\n", prog, err);
        return NULL;
    }
    return set;
}

/* The pairs of --exec so far: every compared benchmark's medians, old and new, pair by pair. */
typedef struct pairing {
    const options *o;
    char tmp[64];          /* the results file of each run */
    mb_results *set;       /* NEW's first run: the benchmarks reported, in its order */
    size_t n, max;         /* set's results; the most pairs */
    double *medians;       /* result i: old at [2 i max + p], new at [(2 i + 1) max + p] */
    const double **old_of; /* per result: its old medians, or NULL when it is not compared */
    const double **new_of;
    size_t pairs;
} pairing;

/* The median of the benchmark named `name` in set, or 0 when it has none. */
static double median_of(const mb_results *set, const char *name)
{
    const mb_result *r = mb_results_find(set, name);
    return r && r->status == MB_STATUS_OK && r->median.point > 0 ? r->median.point : 0;
}

/* The first pair: NEW's set becomes the report; the benchmarks measured by both are compared
 * from now on. 0, or 1 when memory ran out. */
static int first_pair(pairing *pg, mb_results *old, mb_results *new)
{
    pg->set = new;
    pg->n = mb_results_count(new);
    pg->medians = calloc(2 * pg->max * pg->n + 1, sizeof *pg->medians);
    pg->old_of = calloc(pg->n + 1, sizeof *pg->old_of);
    pg->new_of = calloc(pg->n + 1, sizeof *pg->new_of);
    if (!pg->medians || !pg->old_of || !pg->new_of)
        return 1;
    for (size_t i = 0; i < pg->n; i++) {
        const char *name = mb_results_get(new, i)->name;
        if (median_of(old, name) > 0 && median_of(new, name) > 0) {
            pg->old_of[i] = pg->medians + 2 * i * pg->max;
            pg->new_of[i] = pg->medians + (2 * i + 1) * pg->max;
        }
    }
    return 0;
}

/* One pair of runs, OLD then NEW when even, NEW then OLD when odd (ABBA: neither always runs
 * first, on a warmer or a colder machine), into the medians; 0, or 1 after saying why not. */
static int run_pair(pairing *pg)
{
    const options *o = pg->o;
    int new_first = pg->pairs % 2 == 1;
    mb_results *first = run_suite(o, new_first ? o->new_path : o->old_path, pg->tmp);
    mb_results *second =
        first ? run_suite(o, new_first ? o->old_path : o->new_path, pg->tmp) : NULL;
    mb_results *old = new_first ? second : first, *new = new_first ? first : second;
    int status = old && new ? 0 : 1, keep_new = status == 0 && pg->pairs == 0;
    if (keep_new)
        status = first_pair(pg, old, new);
    for (size_t i = 0; status == 0 && i < pg->n; i++) {
        const char *name = mb_results_get(pg->set, i)->name;
        double m_old = median_of(old, name), m_new = median_of(new, name);
        if (pg->old_of[i] && (!(m_old > 0) || !(m_new > 0))) {
            fprintf(stderr, "%s: error: %s reported no measurement for %s\n", prog,
                    m_old > 0 ? o->new_path : o->old_path, name);
            status = 1;
        }
        pg->medians[2 * i * pg->max + pg->pairs] = m_old;
        pg->medians[(2 * i + 1) * pg->max + pg->pairs] = m_new;
    }
    mb_results_free(old);
    if (!keep_new)
        mb_results_free(new);
    pg->pairs += status == 0;
    return status;
}

/* How many compared benchmarks have no settled verdict yet (regressed, improved, unchanged). */
static size_t unsettled(const pairing *pg)
{
    size_t k = 0;
    for (size_t i = 0; i < pg->n; i++) {
        mb_verdict v = mb_results_get(pg->set, i)->change.verdict;
        k += pg->old_of[i] && v != MB_VERDICT_REGRESSED && v != MB_VERDICT_IMPROVED &&
             v != MB_VERDICT_UNCHANGED;
    }
    return k;
}

/* After each pair: why to stop ("settled", "budget", "maximum"), or NULL to go on. Every
 * benchmark's change is computed afresh from all the pairs so far. 0 or 1 in *status. */
static const char *stop_reason(pairing *pg, double start, int *status)
{
    const options *o = pg->o;
    size_t compared = 0;
    for (size_t i = 0; i < pg->n; i++)
        compared += pg->old_of[i] != NULL;
    if (compared == 0)
        return "settled"; /* nothing to compare: main() says so */
    if (pg->pairs < 2)
        return NULL; /* a paired interval needs two pairs */
    mb_settings s = comparison_settings(o, NULL);
    if (mb_results_pair(pg->set, pg->old_of, pg->new_of, pg->pairs, &s) != 0) {
        fprintf(stderr, "%s: error: %s\n", prog, mb_strerror(MB_ENOMEM));
        *status = 1;
        return NULL;
    }
    double spent = now_s() - start, per_pair = spent / (double)pg->pairs;
    size_t left = unsettled(pg), min = o->min_rounds < o->rounds ? o->min_rounds : o->rounds;
    if (strcmp(o->format, "text") == 0 && isatty(STDERR_FILENO))
        fprintf(stderr, "\r%zu pairs, %zu benchmarks unsettled, %.0f s of %g s left\033[K",
                pg->pairs, left, spent < o->budget ? o->budget - spent : 0.0, o->budget);
    if (pg->pairs >= min && left == 0)
        return "settled";
    if (pg->pairs >= o->rounds)
        return "maximum";
    if (spent + per_pair > o->budget) /* the next pair would overrun it */
        return "budget";
    return NULL;
}

/* The two executables, pair by pair until stop_reason() says, paired into *out (NEW's first
 * run); 0 or the exit code after saying why not. */
static int compare_exec(const options *o, mb_results **out)
{
    pairing pg = {.o = o, .max = (size_t)o->rounds};
    char dir_template[] = "/tmp/microbe-compare.XXXXXX";
    char *dir = mkdtemp(dir_template);
    if (!dir) {
        fprintf(stderr, "%s: error: cannot create a temporary directory: %s\n", prog,
                strerror(errno));
        return 1;
    }
    snprintf(pg.tmp, sizeof pg.tmp, "%s/run.json", dir);
    double start = now_s();
    const char *reason = NULL;
    int status = 0;
    while (!reason && status == 0) {
        status = run_pair(&pg);
        if (status == 0)
            reason = stop_reason(&pg, start, &status);
    }
    if (strcmp(o->format, "text") == 0 && isatty(STDERR_FILENO))
        fputs("\r\033[K", stderr);
    unlink(pg.tmp);
    rmdir(dir);
    if (status == 0 && mb_results_set_stop(pg.set, reason) != 0)
        status = 1;
    free(pg.medians);
    free(pg.old_of);
    free(pg.new_of);
    *out = pg.set;
    return status;
}

/* ---- Output -------------------------------------------------------------------------- */

int main(int argc, char **argv)
{
    options o = {0};
    int code = parse_args(argc, argv, &o);
    if (code >= 0)
        return code;
    mb_results *set = NULL;
    code = o.exec ? compare_exec(&o, &set) : compare_files(&o, &set);
    size_t n = set ? mb_results_count(set) : 0, compared = 0;
    int regressed = 0;
    for (size_t i = 0; i < n; i++) {
        const mb_result *r = mb_results_get(set, i);
        compared += r->change.verdict != MB_VERDICT_NONE;
        regressed |= r->change.verdict == MB_VERDICT_REGRESSED;
    }
    if (code == 0 && compared == 0) {
        fprintf(stderr, "%s: error: no benchmark is in both %s and %s%s\n", prog, o.old_path,
                o.new_path, o.filter ? " (with the filter)" : "");
        code = 2;
    }
    for (int i = 0; code == 0 && i < n_held; i++)
        fprintf(stderr, "%s: warning: %s\n", prog, held[i]);
    mb_emitter e;
    if (code == 0 && mb_emitter_new(&e, o.format, stdout) != 0)
        code = 1;
    if (code == 0) {
        int rc = mb_results_emit(set, &e);
        e.destroy(e.user);
        if (rc) {
            fprintf(stderr, "%s: error: %s\n", prog, mb_strerror(rc));
            code = 1;
        }
    }
    if (code == 0 && regressed && o.fail_on_regression)
        code = 3;
    mb_results_free(set);
    fflush(stdout);
    return code;
}
