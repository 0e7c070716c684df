/* A suite with benchmarks that crash, hang, exit or sleep, for --isolate, --timeout and
 * interruption tests (tests/test_running.py). */
#define _POSIX_C_SOURCE 200809L

#include <microbe.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

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

int main(int argc, char **argv)
{
    return mb_main(argc, argv);
}
