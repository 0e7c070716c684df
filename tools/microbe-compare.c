/*
 * microbe-compare: the change of every benchmark between two result files, or between two
 * bench executables run alternately (docs/comparing.md).
 *
 *   microbe-compare [options] OLD.json NEW.json
 *   microbe-compare [options] --exec OLD_EXE NEW_EXE [-- ARGS...]
 *
 * Files: each benchmark's per-iteration times are compared as a run compares with its
 * baseline (ratio of medians, bootstrap interval widened by --run-noise, Mann-Whitney U, Holm).
 * Executables: each round runs every benchmark once in each executable, in alternating order,
 * each run a fresh process; the rounds are paired, so drift and placement effects common to a
 * round cancel and the spread between rounds, not within one run, makes the interval.
 */
#define _POSIX_C_SOURCE 200809L

#include "baseline.h"
#include "compare.h"
#include "emit/emit.h"
#include "microbe_internal.h"
#include "stats.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum format { FORMAT_TEXT, FORMAT_MARKDOWN, FORMAT_JSON };

typedef struct options {
    mb_settings s; /* confidence, resamples, seed, threshold, significance, run noise */
    enum format format;
    int exec;
    uint64_t rounds;
    int fail_on_regression;
    const char *filter;
    const char *old_path, *new_path;
    char **child_args; /* after "--" */
    int n_child_args;
} options;

/* One benchmark in both. */
typedef struct row {
    char *name;
    double old_ns, new_ns; /* medians (exec: medians of the rounds' medians) */
    double old_spread;     /* exec: sd of log(old round medians): the run-to-run noise */
    mb_change change;
} row;

static const char *prog = "microbe-compare";

static void usage(FILE *out)
{
    fprintf(out,
            "usage: %s [options] OLD.json NEW.json\n"
            "       %s [options] --exec OLD_EXE NEW_EXE [-- ARGS...]\n"
            "\n"
            "Compares every benchmark present in both: the ratio of medians new/old with its\n"
            "interval, a p-value (Holm-corrected over the benchmarks) and a verdict.\n"
            "\n"
            "options:\n"
            "  --exec                run two bench executables alternately, round by round\n"
            "  --rounds N            rounds of --exec (default 10; 2 to 1000)\n"
            "  --filter REGEX        only benchmarks whose name matches (POSIX extended)\n"
            "  --format FMT          text (default), markdown or json\n"
            "  --noise-threshold P   changes within +/-P count as none (default 2%%)\n"
            "  --significance P      significance level (default 0.05)\n"
            "  --run-noise P         run-to-run offset added to file comparisons (default 2%%)\n"
            "  --confidence C        confidence level of intervals (default 95%%)\n"
            "  --resamples N         bootstrap resamples for files (default 10000)\n"
            "  --seed N              bootstrap seed\n"
            "  --fail-on-regression  exit 3 when a benchmark regressed\n"
            "  --help, --version\n"
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

/* A fraction option's value in its range, (0, 1) or [0, 1) when zero_ok; 0 or -1 with err. */
static int parse_fraction_in(const char *name, const char *text, int zero_ok, double *out,
                             char *err, size_t size)
{
    double v;
    if (mb__parse_fraction(name, text, &v, err, size) != 0)
        return -1;
    if (!((zero_ok ? v >= 0 : v > 0) && v < 1)) {
        snprintf(err, size, "%s: %s is out of range %s0, 1)", name, text, zero_ok ? "[" : "(");
        return -1;
    }
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

/* Returns -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, options *o)
{
    mb_settings_init(&o->s);
    o->rounds = 10;
    const char *paths[2];
    int n_paths = 0;
    char err[256];
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
        if (strcmp(a, "--exec") == 0) {
            o->exec = 1;
            continue;
        }
        if (strcmp(a, "--fail-on-regression") == 0) {
            o->fail_on_regression = 1;
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
        uint64_t u;
        int rc = 0;
        if (strcmp(name, "--rounds") == 0)
            rc = mb__parse_uint(name, v, 2, 1000, &o->rounds, err, sizeof err);
        else if (strcmp(name, "--filter") == 0)
            o->filter = v;
        else if (strcmp(name, "--format") == 0) {
            if (strcmp(v, "text") == 0)
                o->format = FORMAT_TEXT;
            else if (strcmp(v, "markdown") == 0)
                o->format = FORMAT_MARKDOWN;
            else if (strcmp(v, "json") == 0)
                o->format = FORMAT_JSON;
            else
                return usage_error("--format: unknown format '%s'%s (text, markdown, json)", v, "");
        } else if (strcmp(name, "--noise-threshold") == 0)
            rc = parse_fraction_in(name, v, 1, &o->s.noise_threshold, err, sizeof err);
        else if (strcmp(name, "--significance") == 0)
            rc = parse_fraction_in(name, v, 0, &o->s.significance, err, sizeof err);
        else if (strcmp(name, "--run-noise") == 0)
            rc = parse_fraction_in(name, v, 1, &o->s.run_noise, err, sizeof err);
        else if (strcmp(name, "--confidence") == 0)
            rc = parse_fraction_in(name, v, 0, &o->s.confidence, err, sizeof err);
        else if (strcmp(name, "--resamples") == 0) {
            rc = mb__parse_uint(name, v, 100, 1000000, &u, err, sizeof err);
            if (rc == 0)
                o->s.resamples = (uint32_t)u;
        } else if (strcmp(name, "--seed") == 0)
            rc = mb__parse_uint(name, v, 0, UINT64_MAX, &o->s.seed, err, sizeof err);
        else
            return usage_error("unknown option '%s' (see --help)", name);
        if (rc)
            return usage_error("%s", err);
    }
    const char *problem;
    if (mb_settings_validate(&o->s, &problem) != 0)
        return usage_error("%s", problem);
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

/* ---- Files --------------------------------------------------------------------------- */

static int compare_files(const options *o, row **rows, size_t *n_rows)
{
    regex_t re;
    if (o->filter && regcomp(&re, o->filter, REG_EXTENDED | REG_NOSUB) != 0)
        return usage_error("--filter: '%s' is not a valid POSIX extended regular expression",
                           o->filter);
    mb__saved_set old = {0}, new = {0};
    char err[600];
    int rc = mb__results_read(o->old_path, &old, err, sizeof err);
    if (rc == 0)
        rc = mb__results_read(o->new_path, &new, err, sizeof err);
    if (rc) {
        fprintf(stderr, "%s: error: %s\n", prog, err);
        mb__saved_free(&old);
        mb__saved_free(&new);
        if (o->filter)
            regfree(&re);
        return 2;
    }
    *rows = calloc(new.n + 1, sizeof **rows);
    size_t k = 0;
    for (size_t i = 0; *rows && i < new.n &&rc == 0; i++) {
        const mb__saved *b = &new.items[i], *a = mb__saved_find(&old, b->name);
        if (!a || (o->filter && regexec(&re, b->name, 0, NULL, 0) != 0))
            continue;
        row *r = &(*rows)[k++];
        r->name = strdup(b->name);
        r->old_ns = a->median_ns;
        r->new_ns = b->median_ns;
        r->old_spread = NAN;
        uint64_t seed = mb__bench_seed(o->s.seed, b->name) + 2;
        rc = r->name ? mb__change_compute(a->t, a->n, b->t, b->n, &o->s, seed, &r->change)
                     : MB_ENOMEM;
    }
    if (o->filter)
        regfree(&re);
    mb__saved_free(&old);
    mb__saved_free(&new);
    *n_rows = k;
    if (!*rows || rc) {
        fprintf(stderr, "%s: error: %s\n", prog, mb_strerror(rc ? rc : MB_ENOMEM));
        return 1;
    }
    return 0;
}

/* ---- Executables --------------------------------------------------------------------- */

/* Runs exe with args, stdout into *out (NULL: /dev/null). Returns the exit status, or -1 when
 * it could not run or died by a signal (reported). */
static int run_child(const char *exe, const char **args, char **out)
{
    int fds[2] = {-1, -1};
    if (out && pipe(fds) != 0)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = out ? fds[1] : open("/dev/null", O_WRONLY);
        dup2(fd, STDOUT_FILENO);
        if (out)
            close(fds[0]);
        char *const *argv_exec; /* execv's prototype predates const */
        memcpy(&argv_exec, &args, sizeof args);
        execv(exe, argv_exec);
        fprintf(stderr, "%s: error: cannot run %s: %s\n", prog, exe, strerror(errno));
        _exit(127);
    }
    if (out) {
        size_t len = 0, cap = 0;
        char *text = NULL;
        close(fds[1]);
        for (;;) {
            if (len + 4096 + 1 > cap) {
                cap = cap ? 2 * cap : 8192;
                char *grown = realloc(text, cap);
                if (!grown)
                    break;
                text = grown;
            }
            ssize_t k = read(fds[0], text + len, cap - len - 1);
            if (k < 0 && errno == EINTR)
                continue;
            if (k <= 0)
                break;
            len += (size_t)k;
        }
        close(fds[0]);
        if (text)
            text[len] = '\0';
        *out = text;
    }
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) < 0)
        return -1;
    if (WIFSIGNALED(status)) {
        fprintf(stderr, "%s: error: %s died by signal %d\n", prog, exe, WTERMSIG(status));
        return -1;
    }
    return WEXITSTATUS(status);
}

/* The benchmark names exe lists (with the filter), one per line, in a new array. */
static char **list_names(const options *o, const char *exe, size_t *n)
{
    const char *args[6] = {exe, "--list", NULL};
    if (o->filter) {
        args[2] = "--filter";
        args[3] = o->filter;
        args[4] = NULL;
    }
    char *text = NULL;
    int status = run_child(exe, args, &text);
    if (status != 0 || !text) {
        if (status > 0)
            fprintf(stderr, "%s: error: %s --list exited with status %d\n", prog, exe, status);
        free(text);
        return NULL;
    }
    size_t count = 0;
    for (char *p = text; *p; p++)
        count += *p == '\n';
    char **names = calloc(count + 1, sizeof *names);
    size_t k = 0;
    char *rest = NULL;
    for (char *line = strtok_r(text, "\n", &rest); names && line;
         line = strtok_r(NULL, "\n", &rest))
        names[k++] = strdup(line);
    free(text);
    *n = k;
    return names;
}

/* One run of one benchmark in exe: its median time per iteration, or NAN (reported). */
static double run_once(const options *o, const char *exe, const char *name, const char *tmp)
{
    char *filter = mb__exact_filter(name);
    char output[4200];
    snprintf(output, sizeof output, "json:%s", tmp);
    const char **args = calloc((size_t)o->n_child_args + 8, sizeof *args);
    if (!filter || !args) {
        free(filter);
        free(args);
        return NAN;
    }
    int k = 0;
    args[k++] = exe;
    for (int i = 0; i < o->n_child_args; i++)
        args[k++] = o->child_args[i];
    args[k++] = "--quiet";
    args[k++] = "--filter";
    args[k++] = filter;
    args[k++] = "--output";
    args[k++] = output;
    args[k] = NULL;
    int status = run_child(exe, args, NULL);
    free(filter);
    free(args);
    if (status != 0) {
        if (status > 0)
            fprintf(stderr, "%s: error: %s exited with status %d running %s\n", prog, exe, status,
                    name);
        return NAN;
    }
    mb__saved_set set = {0};
    char err[600];
    double median = NAN;
    if (mb__results_read(tmp, &set, err, sizeof err) != 0)
        fprintf(stderr, "%s: error: %s\n", prog, err);
    else if (set.n == 1)
        median = set.items[0].median_ns;
    else
        fprintf(stderr, "%s: error: %s reported no measurement for %s\n", prog, exe, name);
    mb__saved_free(&set);
    return median;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; names && i < n; i++)
        free(names[i]);
    free(names);
}

static int compare_exec(const options *o, row **rows, size_t *n_rows)
{
    size_t n_old = 0, n_new = 0;
    char **old_names = list_names(o, o->old_path, &n_old);
    char **new_names = old_names ? list_names(o, o->new_path, &n_new) : NULL;
    if (!old_names || !new_names) {
        free_names(old_names, n_old);
        return 1;
    }
    *rows = calloc(n_old + 1, sizeof **rows);
    size_t k = 0;
    for (size_t i = 0; *rows && i < n_old; i++)
        for (size_t j = 0; j < n_new; j++)
            if (strcmp(old_names[i], new_names[j]) == 0)
                (*rows)[k++].name = strdup(old_names[i]);
    free_names(old_names, n_old);
    free_names(new_names, n_new);
    *n_rows = k;
    if (!*rows)
        return 1;

    char dir_template[] = "/tmp/microbe-compare.XXXXXX";
    char *dir = mkdtemp(dir_template);
    if (!dir) {
        fprintf(stderr, "%s: error: cannot create a temporary directory: %s\n", prog,
                strerror(errno));
        return 1;
    }
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%s/run.json", dir);
    size_t rounds = (size_t)o->rounds;
    double *old_r = malloc(rounds * sizeof *old_r), *new_r = malloc(rounds * sizeof *new_r);
    int status = old_r && new_r ? 0 : 1;
    for (size_t b = 0; b < k && status == 0; b++) {
        row *r = &(*rows)[b];
        for (size_t round = 0; round < rounds && status == 0; round++) {
            /* Alternate which goes first, so that neither always runs on a warmer machine. */
            int new_first = (round + b) % 2 == 1;
            double first = run_once(o, new_first ? o->new_path : o->old_path, r->name, tmp);
            double second = isfinite(first)
                                ? run_once(o, new_first ? o->old_path : o->new_path, r->name, tmp)
                                : NAN;
            old_r[round] = new_first ? second : first;
            new_r[round] = new_first ? first : second;
            if (!(old_r[round] > 0) || !(new_r[round] > 0))
                status = 1;
            if (o->format == FORMAT_TEXT && isatty(STDERR_FILENO))
                fprintf(stderr, "\r[%zu/%zu] %s: round %zu of %zu\033[K", b + 1, k, r->name,
                        round + 1, rounds);
        }
        if (status)
            break;
        mb__paired paired;
        if (mb__paired_ratio(old_r, new_r, rounds, o->s.confidence, &paired) != 0) {
            status = 1;
            break;
        }
        double *log_old = malloc(rounds * sizeof *log_old);
        for (size_t i = 0; log_old && i < rounds; i++)
            log_old[i] = log(old_r[i]);
        r->old_spread = log_old ? mb__std_dev(log_old, rounds) : NAN;
        free(log_old);
        double *scratch = malloc(rounds * sizeof *scratch);
        r->old_ns = scratch ? mb__median(old_r, rounds, scratch) : NAN;
        r->new_ns = scratch ? mb__median(new_r, rounds, scratch) : NAN;
        free(scratch);
        r->change = (mb_change){MB_VERDICT_INCONCLUSIVE,
                                r->old_ns,
                                paired.point,
                                paired.low,
                                paired.high,
                                paired.p,
                                NAN,
                                rounds};
    }
    if (o->format == FORMAT_TEXT && isatty(STDERR_FILENO))
        fputs("\r\033[K", stderr);
    free(old_r);
    free(new_r);
    unlink(tmp);
    rmdir(dir);
    return status;
}

/* ---- Output -------------------------------------------------------------------------- */

static void print_table(const options *o, const row *rows, size_t n)
{
    int md = o->format == FORMAT_MARKDOWN, width = 9;
    for (size_t i = 0; i < n; i++)
        if ((int)strlen(rows[i].name) > width)
            width = (int)strlen(rows[i].name);
    if (md)
        printf("| benchmark | old | new | change | interval | p | verdict |\n"
               "|---|---:|---:|---:|---|---:|---|\n");
    else
        printf("%-*s  %10s  %10s  %7s  %-18s  %-7s  %s\n", width, "benchmark", "old", "new",
               "change", "interval", "p", "verdict");
    for (size_t i = 0; i < n; i++) {
        const row *r = &rows[i];
        char old_ns[32], new_ns[32], ratio[24], low[24], high[24], interval[56], p[24];
        mb__format_time(old_ns, sizeof old_ns, r->old_ns, md ? "µs" : "us");
        mb__format_time(new_ns, sizeof new_ns, r->new_ns, md ? "µs" : "us");
        mb__format_change(ratio, sizeof ratio, r->change.ratio);
        mb__format_change(low, sizeof low, r->change.low);
        mb__format_change(high, sizeof high, r->change.high);
        snprintf(interval, sizeof interval, "[%s, %s]", low, high);
        if (isfinite(r->change.p_adjusted))
            mb__fmt(p, sizeof p, "%.2g", r->change.p_adjusted);
        else
            snprintf(p, sizeof p, "-");
        const char *verdict = mb_verdict_name(r->change.verdict);
        if (md)
            printf("| `%s` | %s | %s | %s | %s | %s | %s%s%s |\n", r->name, old_ns, new_ns, ratio,
                   interval, p, r->change.verdict == MB_VERDICT_REGRESSED ? "**" : "", verdict,
                   r->change.verdict == MB_VERDICT_REGRESSED ? "**" : "");
        else
            printf("%-*s  %10s  %10s  %7s  %-18s  %-7s  %s\n", width, r->name, old_ns, new_ns,
                   ratio, interval, p, verdict);
    }
    char line[200];
    if (o->exec)
        mb__fmt(line, sizeof line,
                "%llu paired rounds; interval of the median ratio; sign test, Holm-corrected; "
                "noise threshold %g%%",
                (unsigned long long)o->rounds, 100 * o->s.noise_threshold);
    else
        mb__fmt(line, sizeof line,
                "interval: bootstrap, widened by run noise %g%%; Mann-Whitney U, "
                "Holm-corrected; noise threshold %g%%",
                100 * o->s.run_noise, 100 * o->s.noise_threshold);
    printf(md ? "\n_%s_\n" : "\n%s\n", line);
    if (o->exec && !md) {
        printf("spread of OLD between runs (sd of log median; a value for --run-noise):");
        for (size_t i = 0; i < n; i++) {
            char spread[24];
            mb__fmt(spread, sizeof spread, "%.2f%%", 100 * rows[i].old_spread);
            printf("%s %s %s", i ? "," : "", rows[i].name, spread);
        }
        putchar('\n');
    }
}

static void json_number(const char *key, double v, int last)
{
    printf("      \"%s\": ", key);
    mb__json_number(stdout, v);
    puts(last ? "" : ",");
}

static void print_json(const options *o, const row *rows, size_t n)
{
    printf("{\n  \"tool\": \"microbe-compare\",\n  \"version\": ");
    mb__json_string(stdout, mb_version());
    printf(",\n  \"mode\": \"%s\",\n  \"old\": ", o->exec ? "exec" : "files");
    mb__json_string(stdout, o->old_path);
    printf(",\n  \"new\": ");
    mb__json_string(stdout, o->new_path);
    printf(",\n  \"rounds\": ");
    if (o->exec)
        printf("%llu", (unsigned long long)o->rounds);
    else
        fputs("null", stdout);
    printf(",\n  \"noise_threshold\": ");
    mb__json_number(stdout, o->s.noise_threshold);
    printf(",\n  \"significance\": ");
    mb__json_number(stdout, o->s.significance);
    printf(",\n  \"run_noise\": ");
    mb__json_number(stdout, o->exec ? NAN : o->s.run_noise);
    printf(",\n  \"benchmarks\": [");
    for (size_t i = 0; i < n; i++) {
        const row *r = &rows[i];
        printf("%s\n    {\n      \"name\": ", i ? "," : "");
        mb__json_string(stdout, r->name);
        printf(",\n      \"verdict\": \"%s\",\n", mb_verdict_name(r->change.verdict));
        json_number("old_median_ns", r->old_ns, 0);
        json_number("new_median_ns", r->new_ns, 0);
        json_number("ratio", r->change.ratio, 0);
        json_number("ratio_low", r->change.low, 0);
        json_number("ratio_high", r->change.high, 0);
        json_number("p_value", r->change.p_value, 0);
        json_number("p_adjusted", r->change.p_adjusted, 0);
        json_number("old_run_spread", r->old_spread, 1);
        printf("    }");
    }
    printf("%s]\n}\n", n ? "\n  " : "");
}

int main(int argc, char **argv)
{
    options o = {0};
    int code = parse_args(argc, argv, &o);
    if (code >= 0)
        return code;
    row *rows = NULL;
    size_t n = 0;
    code = o.exec ? compare_exec(&o, &rows, &n) : compare_files(&o, &rows, &n);
    if (code == 0 && n == 0) {
        fprintf(stderr, "%s: error: no benchmark is in both %s and %s%s\n", prog, o.old_path,
                o.new_path, o.filter ? " (with the filter)" : "");
        code = 2;
    }
    if (code == 0) {
        /* An array of pointers: sizeof *changes is meant to be a pointer's size. */
        mb_change **changes = malloc(n * sizeof *changes); /* NOLINT(bugprone-sizeof-expression) */
        for (size_t i = 0; changes && i < n; i++)
            changes[i] = &rows[i].change;
        if (!changes || mb__change_verdicts(changes, n, &o.s) != 0)
            code = 1;
        free(changes);
    }
    if (code == 0) {
        if (o.format == FORMAT_JSON)
            print_json(&o, rows, n);
        else
            print_table(&o, rows, n);
        for (size_t i = 0; i < n; i++)
            if (o.fail_on_regression && rows[i].change.verdict == MB_VERDICT_REGRESSED)
                code = 3;
    }
    for (size_t i = 0; i < n; i++)
        free(rows[i].name);
    free(rows);
    fflush(stdout);
    return code;
}
