/*
 * Process isolation (--isolate): one measurement in a forked child that sends it back through
 * a pipe (measurement.c), to be analysed by the parent. The parent waits with a deadline, so a
 * body that crashes or never returns fails alone and the suite goes on; the deadline covers
 * the measuring, and once the child starts sending, its record is read whole (it sends it in
 * one go and exits). POSIX only (fork, pipe, poll, waitpid).
 */
#define _POSIX_C_SOURCE 200809L

#include "microbe_internal.h"
#include "isolate.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* In the child: measures and sends the measurement. Never returns. */
static void child(int fd, mb__measure_fn fn, void *arg)
{
    mb__measurement m = {0};
    int status = fn(arg, &m);
    /* _exit: the parent's stdio buffers and atexit handlers are not the child's to run. */
    _exit(mb__measurement_write(fd, &m, status) == 0 ? 0 : 3);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

mb__outcome mb__wait_readable(int fd, double timeout_s, const volatile sig_atomic_t *stop)
{
    double deadline = timeout_s > 0 ? now_s() + timeout_s : 0;
    for (;;) {
        if (stop && *stop)
            return MB__INTERRUPTED;
        int wait_ms = -1;
        if (deadline > 0) {
            double left = deadline - now_s();
            if (left <= 0)
                return MB__TIMED_OUT;
            wait_ms = left > 3600 ? 3600000 : (int)(left * 1000) + 1;
        }
        struct pollfd p = {fd, POLLIN, 0};
        int ready = poll(&p, 1, wait_ms);
        if (ready < 0 && errno != EINTR)
            return MB__FAILED;
        if (ready > 0)
            return MB__READABLE;
    }
}

int mb__describe_end(mb__measurement *m, mb__outcome outcome, int status, double timeout_s)
{
    char text[160];
    if (outcome == MB__TIMED_OUT)
        snprintf(text, sizeof text, "timed out after %g s (--timeout)", timeout_s);
    else if (WIFSIGNALED(status))
        snprintf(text, sizeof text, "crashed: signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    else
        snprintf(text, sizeof text, "the process exited with status %d before reporting",
                 WEXITSTATUS(status));
    return mb__measurement_fail(m, text);
}

int mb__isolate(mb__measure_fn fn, void *arg, double timeout_s, const volatile sig_atomic_t *stop,
                mb__measurement *m)
{
    int fds[2];
    if (pipe(fds) != 0)
        return MB_EIO;
    fflush(NULL); /* or the child's copies of unwritten output could be written twice */
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return MB_EIO;
    }
    if (pid == 0) {
        close(fds[0]);
        child(fds[1], fn, arg);
    }
    close(fds[1]);
    mb__outcome outcome = mb__wait_readable(fds[0], timeout_s, stop);
    mb__measurement sent = {0};
    int sent_status = 0, got = MB_EIO;
    if (outcome == MB__READABLE)
        got = mb__measurement_read(fds[0], &sent, &sent_status);
    close(fds[0]); /* a child still writing then dies of SIGPIPE */
    if (outcome != MB__READABLE)
        kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;

    int err = outcome == MB__INTERRUPTED ? MB_EINTR
              : outcome == MB__FAILED    ? MB_EIO
              : got == MB_ENOMEM         ? MB_ENOMEM
                                         : 0;
    /* Whether the child ended without sending a whole measurement. */
    int ended =
        outcome == MB__TIMED_OUT || got != 0 || WIFSIGNALED(status) || WEXITSTATUS(status) != 0;
    if (!err && !ended && sent_status == 0) {
        *m = sent;
        return 0;
    }
    mb__measurement_free(&sent);
    if (!err)
        err = ended ? mb__describe_end(m, outcome, status, timeout_s) : sent_status;
    if (err)
        *m = (mb__measurement){0};
    return err;
}
