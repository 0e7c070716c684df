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
 * Files: each benchmark of NEW is compared with the one of the same name in OLD exactly as the
 * run that wrote NEW would have compared it with a baseline holding OLD: the same resamples,
 * confidence and seed (NEW's, unless given), the same thresholds, the unstable rule.
 * Executables: each round runs every benchmark once in each executable, in alternating order,
 * each run a fresh process; the rounds are paired, so drift and placement effects common to a
 * round cancel and the spread between rounds, not within one run, makes the interval.
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
#include <unistd.h>

/* The comparison settings a flag gave (the others come from NEW, or the defaults). */
enum {
    GIVEN_NOISE = 1 << 0,
    GIVEN_SIGNIFICANCE = 1 << 1,
    GIVEN_RUN_NOISE = 1 << 2,
    GIVEN_CONFIDENCE = 1 << 3,
    GIVEN_RESAMPLES = 1 << 4,
    GIVEN_SEED = 1 << 5
};

typedef struct options {
    mb_settings flags; /* the values of the flags in `given` */
    unsigned given;
    const char *format;
    int exec;
    uint64_t rounds;
    int fail_on_regression;
    const char *filter;
    const char *old_path, *new_path;
    char **child_args; /* after "--" */
    int n_child_args;
} options;

static const char *prog = "microbe-compare";

static void usage(FILE *out)
{
    fprintf(out,
            "usage: %s [options] OLD.json NEW.json\n"
            "       %s [options] --exec OLD_EXE NEW_EXE [-- ARGS...]\n"
            "\n"
            "Compares every benchmark of NEW with the one of the same name in OLD, as a run\n"
            "compares with its baseline: the ratio of medians new/old with its interval, a\n"
            "p-value (Holm-corrected over the benchmarks) and a verdict.\n"
            "\n"
            "options:\n"
            "  --exec                run two bench executables alternately, round by round\n"
            "  --rounds N            rounds of --exec (default 10; 2 to 1000)\n"
            "  --filter REGEX        only benchmarks whose name matches (POSIX extended)\n"
            "  --format FMT          text (default), markdown, json, or another of the\n"
            "                        library's formats (csv, gbench-json, bmf, ...)\n"
            "  --noise-threshold P   changes within +/-P count as none (default 2%%)\n"
            "  --significance P      significance level (default 0.05)\n"
            "  --run-noise P         run-to-run offset added to file comparisons (default 2%%)\n"
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
    o->rounds = 10;
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
        s.instructions_threshold = from->instructions_threshold;
    }
    const mb_settings *f = &o->flags;
    s.noise_threshold = o->given & GIVEN_NOISE ? f->noise_threshold : s.noise_threshold;
    s.significance = o->given & GIVEN_SIGNIFICANCE ? f->significance : s.significance;
    s.run_noise = o->given & GIVEN_RUN_NOISE ? f->run_noise : s.run_noise;
    s.confidence = o->given & GIVEN_CONFIDENCE ? f->confidence : s.confidence;
    s.resamples = o->given & GIVEN_RESAMPLES ? f->resamples : s.resamples;
    s.seed = o->given & GIVEN_SEED ? f->seed : s.seed;
    s.baseline = o->old_path;
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

/* "^name$" with every character special to a POSIX extended regular expression escaped: the
 * --filter that selects exactly the benchmark `name`. A new string, or NULL. */
static char *exact_filter(const char *name)
{
    char *f = malloc(2 * strlen(name) + 3), *p = f;
    if (!f)
        return NULL;
    *p++ = '^';
    for (; *name; name++) {
        if (strchr("\\^$.[]|()*+?{}", *name))
            *p++ = '\\';
        *p++ = *name;
    }
    *p++ = '$';
    *p = '\0';
    return f;
}

/* One run of benchmark `name` in exe, its results read from tmp into *set (a new set when
 * *set is NULL, replacing the earlier round otherwise): its median time per iteration, or
 * -1 (reported). */
static double run_once(const options *o, const char *exe, const char *name, const char *tmp,
                       mb_results **set)
{
    char *filter = exact_filter(name);
    char output[4200];
    snprintf(output, sizeof output, "json:%s", tmp);
    const char **args = calloc((size_t)o->n_child_args + 8, sizeof *args);
    if (!filter || !args) {
        free(filter);
        free(args);
        return -1;
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
        return -1;
    }
    char err[600];
    if (mb_results_read(tmp, set, err, sizeof err) != 0) {
        fprintf(stderr, "%s: error: %s\n", prog, err);
        return -1;
    }
    const mb_result *r = mb_results_find(*set, name);
    if (!r || r->status != MB_STATUS_OK || !(r->median.point > 0)) {
        fprintf(stderr, "%s: error: %s reported no measurement for %s\n", prog, exe, name);
        return -1;
    }
    return r->median.point;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; names && i < n; i++)
        free(names[i]);
    free(names);
}

/* The benchmarks listed by both executables, in OLD's order; NULL after saying why not. */
static char **common_names(const options *o, size_t *n)
{
    size_t n_old = 0, n_new = 0, k = 0;
    char **old_names = list_names(o, o->old_path, &n_old);
    char **new_names = old_names ? list_names(o, o->new_path, &n_new) : NULL;
    char **names = new_names ? calloc(n_old + 1, sizeof *names) : NULL;
    for (size_t i = 0; names && i < n_old; i++)
        for (size_t j = 0; j < n_new; j++)
            if (strcmp(old_names[i], new_names[j]) == 0) {
                names[k++] = old_names[i];
                old_names[i] = NULL;
                break;
            }
    free_names(old_names, n_old);
    free_names(new_names, n_new);
    *n = k;
    return names;
}

/* The rounds of one benchmark into old_r and new_r (NEW's runs read into *set); 0 or 1. */
static int run_rounds(const options *o, const char *name, size_t b, size_t k, const char *tmp,
                      double *old_r, double *new_r, mb_results **set)
{
    size_t rounds = (size_t)o->rounds;
    for (size_t round = 0; round < rounds; round++) {
        /* Alternate which goes first, so that neither always runs on a warmer machine. */
        int new_first = (round + b) % 2 == 1;
        mb_results *old_set = NULL;
        for (int side = 0; side < 2; side++) {
            int is_new = side == 0 ? new_first : !new_first;
            double m =
                run_once(o, is_new ? o->new_path : o->old_path, name, tmp, is_new ? set : &old_set);
            *(is_new ? &new_r[round] : &old_r[round]) = m;
            if (!(m > 0))
                break;
        }
        mb_results_free(old_set);
        if (!(old_r[round] > 0) || !(new_r[round] > 0))
            return 1;
        if (strcmp(o->format, "text") == 0 && isatty(STDERR_FILENO))
            fprintf(stderr, "\r[%zu/%zu] %s: round %zu of %zu\033[K", b + 1, k, name, round + 1,
                    rounds);
    }
    return 0;
}

/* The two executables, round by round, paired into *out (NEW's last runs); 0 or the exit
 * code after saying why not. */
static int compare_exec(const options *o, mb_results **out)
{
    size_t k = 0, rounds = (size_t)o->rounds;
    char **names = common_names(o, &k);
    if (!names)
        return 1;
    char dir_template[] = "/tmp/microbe-compare.XXXXXX";
    char *dir = mkdtemp(dir_template);
    if (!dir) {
        fprintf(stderr, "%s: error: cannot create a temporary directory: %s\n", prog,
                strerror(errno));
        free_names(names, k);
        return 1;
    }
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%s/run.json", dir);
    double *r = calloc(2 * rounds * (k + 1), sizeof *r);
    int status = r ? 0 : 1;
    for (size_t b = 0; b < k && status == 0; b++)
        status = run_rounds(o, names[b], b, k, tmp, r + 2 * rounds * b, r + 2 * rounds * b + rounds,
                            out);
    if (strcmp(o->format, "text") == 0 && isatty(STDERR_FILENO))
        fputs("\r\033[K", stderr);
    unlink(tmp);
    rmdir(dir);
    size_t n = status == 0 && *out ? mb_results_count(*out) : 0;
    const double **rounds_of = calloc(2 * n + 1, sizeof *rounds_of);
    for (size_t i = 0; rounds_of && i < n; i++)
        for (size_t b = 0; b < k; b++)
            if (strcmp(mb_results_get(*out, i)->name, names[b]) == 0) {
                rounds_of[i] = r + 2 * rounds * b;
                rounds_of[n + i] = r + 2 * rounds * b + rounds;
            }
    if (status == 0 && n > 0) {
        mb_settings s = comparison_settings(o, NULL);
        if (!rounds_of || mb_results_pair(*out, rounds_of, rounds_of + n, rounds, &s) != 0)
            status = 1;
    }
    free(rounds_of);
    free(r);
    free_names(names, k);
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
