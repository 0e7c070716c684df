/* A suite with benchmarks that crash, hang, exit or sleep, for --isolate, --timeout and
 * interruption tests (tests/test_running.py). */
#define _POSIX_C_SOURCE 200809L

#include <microbe.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

BENCH(good_sum)
{
    unsigned sum = 1;
    MB_LOOP(state) {
        for (int i = 0; i < 16; i++)
            sum = sum * 33 + 7;
        mb_black_box(&sum);
    }
}

/* Sends SIGINT (or SIGTERM when MB_TEST_SIGNAL=TERM) to its process group once, mid-loop:
 * a Ctrl-C at a known moment. Run the executable in a process group of its own. */
BENCH(interrupts_itself)
{
    static int sent;
    const char *which = getenv("MB_TEST_SIGNAL");
    MB_LOOP(state) {
        if (!sent) {
            sent = 1;
            kill(0, which && strcmp(which, "TERM") == 0 ? SIGTERM : SIGINT);
        }
    }
}

BENCH(crash_segv)
{
    MB_LOOP(state) {
        raise(SIGSEGV);
    }
}

BENCH(hang_forever)
{
    volatile int spin = 1;
    while (spin)
        ;
    MB_LOOP(state) {
    }
}

BENCH(exits_early)
{
    exit(0);
}

/* About 50 ms per call: slow enough that a signal arrives mid-benchmark. */
BENCH(sleepy)
{
    MB_LOOP(state) {
        struct timespec ts = {0, 50000000};
        nanosleep(&ts, NULL);
    }
}

/* Declares its own outcome instead of measuring. */
BENCH(skips_itself)
{
    char why[64];
    snprintf(why, sizeof why, "needs %s, which this machine lacks", "a feature");
    mb_skip(state, why); /* copied: the buffer goes away */
}

BENCH(fails_itself)
{
    mb_fail(state, "input file missing");
}

/* Throughput: 4096 bytes and 64 items per iteration. */
BENCH(copy_throughput)
{
    static unsigned char src[4096], dst[4096];
    mb_set_bytes_per_iter(state, sizeof src);
    mb_set_items_per_iter(state, 64);
    MB_LOOP(state) {
        mb_black_box(src);
        memcpy(dst, src, sizeof src);
        mb_black_box(dst);
    }
}

/* Parameters: two instances, and an instance asking for a parameter it does not have. */
BENCH_P(param_sum, MB_INTS(n, 16, 32), MB_STRINGS(mode, "ok", "wrong-name"))
{
    int64_t n = mb_param_int(state, "n");
    if (strcmp(mb_param_string(state, "mode"), "wrong-name") == 0)
        (void)mb_param_int(state, "no_such_parameter");
    MB_LOOP(state) {
        int64_t sum = 0;
        for (int64_t i = 0; i < n; i++)
            sum += i;
        mb_black_box(&sum);
    }
}

int main(int argc, char **argv)
{
    return mb_main(argc, argv);
}

/* Twenty times slower in the first process that measures it (the one that creates the file
 * MB_TEST_SLOW_FILE names): a part disturbed as a whole, which the run measures again. Its
 * samples carry the user counter slow = 1, the others 0: the result's mean of it says exactly
 * whether any sample of the slow process was kept. */
#define MB_TEST_STEPS 200
BENCH(slow_in_one_process)
{
    static int slow = -1;
    if (slow < 0) {
        const char *path = getenv("MB_TEST_SLOW_FILE");
        int fd = path ? open(path, O_CREAT | O_EXCL | O_WRONLY, 0600) : -1;
        slow = fd >= 0;
        if (fd >= 0)
            close(fd);
    }
    int steps = slow ? 20 * MB_TEST_STEPS : MB_TEST_STEPS;
    uint64_t x = 1;
    MB_LOOP(state) {
        for (int i = 0; i < steps; i++) {
            x = x * 6364136223846793005u + 1442695040888963407u;
            mb_black_box(&x);
        }
    }
    mb_set_counter(state, "slow", slow, MB_PER_CALL);
}
