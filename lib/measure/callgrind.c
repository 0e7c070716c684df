/*
 * --instructions: exact instruction counts per iteration under valgrind's callgrind. The
 * program runs itself under `valgrind --tool=callgrind --collect-atstart=no`, as a child that
 * calls one benchmark once with a fixed iteration count; the client request
 * CALLGRIND_TOGGLE_COLLECT (from <valgrind/callgrind.h>, when meson found it) switches
 * collection on right after the loop's first clock read and off right before its last, so
 * the counts are those of the loop alone. Two children, with N and 2N iterations, cancel
 * whatever a call costs besides its iterations. POSIX (fork, exec, waitpid, setenv).
 *
 * The request reaches the child in its environment, not on its command line: a program that
 * embeds microbe may ignore its arguments, or reject ours, but its mb_run() answers
 * whatever its main() looks like.
 */
#define _POSIX_C_SOURCE 200809L

#include "callgrind.h"

#include "microbe.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef MB_HAVE_CALLGRIND
#include <valgrind/callgrind.h>
#endif

int mb__callgrind_built_in(void)
{
#ifdef MB_HAVE_CALLGRIND
    return 1;
#else
    return 0;
#endif
}

void mb__callgrind_toggle(void)
{
#ifdef MB_HAVE_CALLGRIND
    CALLGRIND_TOGGLE_COLLECT;
#endif
}

/* The child's request: the iteration count of its one call ("0" once answered), and the name
 * of the benchmark to call. */
#define ITERS_ENV "MICROBE_INTERNAL_CALLGRIND_ITERS"
#define BENCH_ENV "MICROBE_INTERNAL_CALLGRIND_BENCH"
/* The most iterations one child call may be asked for. */
#define MAX_ITERS ((uint64_t)1 << 40)

/* Runs argv (argv[0] looked up in PATH) with stdout and stderr to /dev/null, with the request
 * to call benchmark `name` with `iters` iterations in its environment when iters is not NULL.
 * Returns the exit status, 127 when it could not be run, or -1 when it died by a signal or
 * could not be started. */
static int run_quietly(char *const argv[], const char *iters, const char *name)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0) {
            dup2(null, STDOUT_FILENO);
            dup2(null, STDERR_FILENO);
        }
        if (iters && (setenv(ITERS_ENV, iters, 1) != 0 || setenv(BENCH_ENV, name, 1) != 0))
            _exit(127);
        execvp(argv[0], argv);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int mb__callgrind_check(char *err, size_t size)
{
    if (!mb__callgrind_built_in()) {
        snprintf(err, size,
                 "--instructions: this microbe was built without valgrind's "
                 "headers (valgrind/callgrind.h); install valgrind and rebuild");
        return MB_EINVAL;
    }
    char *argv[] = {"valgrind", "--version", NULL};
    if (run_quietly(argv, NULL, NULL) != 0) {
        snprintf(err, size,
                 "--instructions: valgrind is not installed or cannot run "
                 "(Debian: apt-get install valgrind)");
        return MB_EINVAL;
    }
    return 0;
}

/* The total of the first event (Ir: instructions) in a callgrind output file: its "totals:"
 * line, or "summary:" in older formats. Returns 0, or -1. */
static int read_total(const char *path, double *total)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[512];
    int found = -1;
    while (fgets(line, sizeof line, f)) {
        const char *v = NULL;
        if (strncmp(line, "totals:", 7) == 0)
            v = line + 7;
        else if (strncmp(line, "summary:", 8) == 0 && found < 0)
            v = line + 8;
        if (!v)
            continue;
        char *end;
        unsigned long long n = strtoull(v, &end, 10);
        if (end != v) {
            *total = (double)n;
            found = 0;
        }
    }
    fclose(f);
    return found;
}

/* One child under callgrind calling benchmark `name` with iters iterations; its total
 * instruction count. */
static int one_run(const char *exe, const char *name, uint64_t iters, const char *out_path,
                   double *total, char *err, size_t size)
{
    char out_arg[4200], iters_arg[32];
    snprintf(out_arg, sizeof out_arg, "--callgrind-out-file=%s", out_path);
    snprintf(iters_arg, sizeof iters_arg, "%" PRIu64, iters);
    /* execvp's prototype predates const: the strings are only read. */
    char *exe_arg;
    memcpy(&exe_arg, &exe, sizeof exe_arg);
    char *argv[] = {"valgrind", "--tool=callgrind", "--collect-atstart=no", out_arg, exe_arg, NULL};
    int status = run_quietly(argv, iters_arg, name);
    if (status != 0) {
        snprintf(err, size, "callgrind run of %s exited with status %d", exe, status);
        return MB_EIO;
    }
    if (read_total(out_path, total) != 0) {
        snprintf(err, size, "cannot read callgrind's output %s", out_path);
        return MB_EIO;
    }
    return 0;
}

int mb__callgrind_measure(const char *exe, const char *name, uint64_t iters, double *per_iter,
                          char *err, size_t size)
{
    char dir_template[] = "/tmp/microbe-callgrind.XXXXXX";
    char *dir = mkdtemp(dir_template);
    if (!dir) {
        snprintf(err, size, "cannot create a temporary directory: %s", strerror(errno));
        return MB_EIO;
    }
    char path[64];
    snprintf(path, sizeof path, "%s/callgrind.out", dir);
    double once, twice;
    int rc = one_run(exe, name, iters, path, &once, err, size);
    unlink(path);
    if (rc == 0)
        rc = one_run(exe, name, 2 * iters, path, &twice, err, size);
    unlink(path);
    rmdir(dir);
    if (rc == 0 && !(twice > once)) {
        /* Every iteration costs instructions: none counted means nothing was called. */
        snprintf(err, size,
                 "callgrind counted no instruction of %s's loop: %s exited without its "
                 "mb_run() calling it",
                 name, exe);
        rc = MB_EIO;
    }
    if (rc == 0)
        *per_iter = (twice - once) / (double)iters;
    return rc;
}

int mb__callgrind_child(const char **name, uint64_t *iters)
{
    const char *text = getenv(ITERS_ENV);
    if (!text)
        return 0;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(text, &end, 10);
    *name = getenv(BENCH_ENV);
    *iters = n;
    if (end == text || *end || errno || n > MAX_ITERS || !*name)
        return MB_EINVAL;
    if (n == 0)
        *name = NULL; /* answered */
    return 1;
}

void mb__callgrind_answered(void)
{
    setenv(ITERS_ENV, "0", 1);
}
