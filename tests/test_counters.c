/*
 * Tests of lib/counters*.c: parsing, ratios, and on Linux real software events (page faults
 * of freshly touched pages, task-clock against the thread's CPU clock). Hardware events may
 * or may not exist (VMs have none), and perf_event_open may be forbidden altogether (paranoid
 * 3, seccomp, valgrind): such checks are skipped with the reason printed, never failed.
 */
#define _GNU_SOURCE

#include "check.h"
#include "counters.h"
#include "microbe_internal.h"

#include <stdlib.h>
#include <time.h>
#ifdef __linux__
#include <sys/mman.h>
#include <unistd.h>
#endif

static char message[1024];

static mb__counters *parse_ok(const char *list)
{
    mb__counters *set = NULL;
    int err = mb__counters_parse(list, &set, message, sizeof message);
    CHECK_INT(err, ==, 0);
    CHECK_STR(message, "");
    CHECK(set != NULL);
    return set;
}

static void parse_fails(const char *list, const char *expected_start)
{
    static char sentinel;
    mb__counters *set = (mb__counters *)(void *)&sentinel; /* must be reset to NULL */
    int err = mb__counters_parse(list, &set, message, sizeof message);
    CHECK_INT(err, ==, MB_EINVAL);
    CHECK(set == NULL);
    if (strncmp(message, expected_start, strlen(expected_start)) != 0) {
        fprintf(stderr, "parse of '%s': expected a message starting '%s', got '%s'\n",
                list ? list : "(null)", expected_start, message);
        CHECK(0);
    }
}

static void test_parse_valid(void)
{
    mb__counters *set = parse_ok("cycles,instructions,task-clock,page-faults");
    CHECK_INT(mb__counters_count(set), ==, 4);
    CHECK_STR(mb__counter_name(set, 0), "cycles");
    CHECK_STR(mb__counter_name(set, 3), "page-faults");
    CHECK_STR(mb__counter_unit(set, 0), "count");
    CHECK_STR(mb__counter_unit(set, 2), "ns");
    CHECK_INT(mb__counter_kind_of(set, 1), ==, MB__COUNTER_HARDWARE);
    CHECK_INT(mb__counter_kind_of(set, 3), ==, MB__COUNTER_SOFTWARE);
    CHECK_INT(mb__counter_available(set, 0), ==, 0);
    CHECK_STR(mb__counter_reason(set, 0), "not opened");
    mb__counters_free(set);

    /* Every built-in name parses alone; the first 16 together fill a set exactly. */
    size_t n_known = 0;
    const mb__counter_def *known = mb__counters_known(&n_known);
    CHECK(n_known > MB__COUNTERS_MAX);
    char list[1024] = "";
    for (size_t i = 0; i < n_known; i++) {
        set = parse_ok(known[i].name);
        CHECK_INT(mb__counters_count(set), ==, 1);
        CHECK_STR(mb__counter_unit(set, 0), known[i].unit);
        mb__counters_free(set);
        if (i < MB__COUNTERS_MAX) {
            strcat(strcat(list, i ? "," : ""), known[i].name);
        }
    }
    set = parse_ok(list);
    CHECK_INT(mb__counters_count(set), ==, MB__COUNTERS_MAX);
    mb__counters_free(set);
    strcat(strcat(list, ","), known[MB__COUNTERS_MAX].name);
    parse_fails(list, "too many counters at '");

    mb__counters_free(NULL);
    mb__counters_close(NULL);
    CHECK_INT(mb__counters_count(NULL), ==, 0);
    CHECK_INT(mb__counters_open(NULL, 0), ==, MB_EINVAL);
}

static void test_parse_errors(void)
{
    parse_fails("no-such-event", "unknown counter 'no-such-event' (known: cycles, instructions, "
                                 "branches, branch-misses, cache-references, cache-misses, ");
    CHECK(strstr(message, "task-clock, ") != NULL);
    CHECK(strstr(message, "context-switches, ") != NULL);
    if (mb__counters_external_library()) {
        CHECK(strstr(message, "libpfm4 event name") != NULL);
    }
    parse_fails("cycles,bogus", "unknown counter 'bogus'");
    parse_fails(" cycles", "unknown counter ' cycles'"); /* nothing is trimmed */
    parse_fails("cycles ", "unknown counter 'cycles '");
    parse_fails("", "empty counter list");
    parse_fails(NULL, "no counter list");
    parse_fails("cycles,,task-clock", "empty item 2 in the counter list");
    parse_fails("cycles,", "empty item 2 in the counter list");
    parse_fails(",cycles", "empty item 1 in the counter list");
    parse_fails("cycles,task-clock,cycles", "duplicate counter 'cycles'");

    /* A short buffer truncates; no buffer at all is fine. */
    mb__counters *set = NULL;
    char small[8];
    CHECK_INT(mb__counters_parse("nope", &set, small, sizeof small), ==, MB_EINVAL);
    CHECK_STR(small, "unknown");
    CHECK_INT(mb__counters_parse("nope", &set, NULL, 0), ==, MB_EINVAL);
    CHECK_INT(mb__counters_parse("cycles", NULL, NULL, 0), ==, MB_EINVAL);
}

static void test_ratios(void)
{
    mb__counters *set =
        parse_ok("branches,cycles,cache-misses,instructions,branch-misses,cache-references");
    double values[6] = {400, 1000, 25, 2500, 20, 100};
    mb__counter_ratios r;
    mb__counters_ratios(set, values, &r);
    CHECK_NEAR(r.ipc, 2.5, 1e-15, 0);
    CHECK_NEAR(r.branch_miss_rate, 0.05, 1e-15, 0);
    CHECK_NEAR(r.cache_miss_rate, 0.25, 1e-15, 0);
    values[1] = NAN; /* cycles unavailable */
    values[0] = 0;   /* no branches */
    mb__counters_ratios(set, values, &r);
    CHECK(isnan(r.ipc));
    CHECK(isnan(r.branch_miss_rate));
    CHECK_NEAR(r.cache_miss_rate, 0.25, 1e-15, 0);
    mb__counters_free(set);

    set = parse_ok("instructions,task-clock");
    double two[2] = {1000, 500};
    mb__counters_ratios(set, two, &r);
    CHECK(isnan(r.ipc) && isnan(r.branch_miss_rate) && isnan(r.cache_miss_rate));
    mb__counters_free(set);
}

#ifdef __linux__

/* Says why event i is unavailable (and which check is skipped, if any); an unavailable event
 * always has a reason. */
static int usable(const mb__counters *set, size_t i, const char *check)
{
    if (mb__counter_available(set, i)) {
        CHECK(mb__counter_reason(set, i) == NULL);
        return 1;
    }
    const char *reason = mb__counter_reason(set, i);
    CHECK(reason != NULL && reason[0] != '\0');
    fprintf(stderr, "%s%s%s%s is unavailable: %s\n", check ? "skipping " : "", check ? check : "",
            check ? ": " : "", mb__counter_name(set, i), reason ? reason : "(null)");
    return 0;
}

static double thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static volatile uint64_t sink;

static void busy(double cpu_ns)
{
    double end = thread_cpu_ns() + cpu_ns;
    uint64_t x = 1;
    while (thread_cpu_ns() < end) {
        for (int i = 0; i < 1000; i++) {
            x = x * 6364136223846793005u + 1442695040888963407u;
        }
        sink = x;
    }
}

enum { FRESH_PAGES = 256 };

/* Touching FRESH_PAGES never-touched anonymous pages costs one minor fault each. */
static void check_page_faults(const char *list, size_t index, unsigned flags)
{
    mb__counters *set = parse_ok(list);
    CHECK_INT(mb__counters_open(set, flags), ==, 0);
    size_t n = mb__counters_count(set);
    for (size_t i = 0; i < n; i++) {
        usable(set, i, NULL);
    }
    if (!usable(set, index, "the page-fault check")) {
        mb__counters_free(set);
        return;
    }
    double values[MB__COUNTERS_MAX], coverage[MB__COUNTERS_MAX];
    /* Nothing was enabled since open: nothing to report. */
    CHECK_INT(mb__counters_read(set, values, coverage), ==, 0);
    CHECK(isnan(values[index]) && isnan(coverage[index]));

    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t size = FRESH_PAGES * page;
    unsigned char *region =
        mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(region != MAP_FAILED);
    if (region == MAP_FAILED) {
        mb__counters_free(set);
        return;
    }
    madvise(region, size, MADV_NOHUGEPAGE); /* one huge page would be one fault */

    CHECK_INT(mb__counters_start(set), ==, 0);
    for (size_t p = 0; p < FRESH_PAGES; p++) {
        region[p * page] = 1;
    }
    CHECK_INT(mb__counters_stop(set), ==, 0);
    CHECK_INT(mb__counters_read(set, values, coverage), ==, 0);
    fprintf(stderr, "%s (flags %u): %.0f faults for %d fresh pages, coverage %.3f%s\n", list, flags,
            values[index], FRESH_PAGES, coverage[index],
            mb__counter_user_only(set, index) ? ", user space only" : "");
    CHECK(values[index] >= 0.9 * FRESH_PAGES);
    CHECK(values[index] <= 1.5 * FRESH_PAGES);
    CHECK_NEAR(coverage[index], 1.0, 0, 0.01); /* software events never multiplex */

    /* The next interval counts from zero again: the same pages, now present, do not fault. */
    CHECK_INT(mb__counters_start(set), ==, 0);
    for (size_t p = 0; p < FRESH_PAGES; p++) {
        region[p * page] = 2;
    }
    CHECK_INT(mb__counters_stop(set), ==, 0);
    CHECK_INT(mb__counters_read(set, values, NULL), ==, 0);
    CHECK(values[index] >= 0 && values[index] < 0.25 * FRESH_PAGES);
    munmap(region, size);

    /* Closed: every event unavailable and NAN. Reopening works. */
    mb__counters_close(set);
    CHECK_INT(mb__counter_available(set, index), ==, 0);
    CHECK_INT(mb__counters_read(set, values, coverage), ==, 0);
    CHECK(isnan(values[index]));
    CHECK_INT(mb__counters_open(set, flags), ==, 0);
    CHECK_INT(mb__counters_open(set, flags), ==, 0);
    CHECK_INT(mb__counter_available(set, index), ==, 1);
    mb__counters_free(set);
}

static void test_task_clock(void)
{
    mb__counters *set = parse_ok("context-switches,task-clock");
    CHECK_INT(mb__counters_open(set, 0), ==, 0);
    if (!usable(set, 1, "the task-clock check")) {
        mb__counters_free(set);
        return;
    }
    double values[2], coverage[2];
    CHECK_INT(mb__counters_start(set), ==, 0);
    double t0 = thread_cpu_ns();
    busy(20e6);
    double cpu_ns = thread_cpu_ns() - t0;
    CHECK_INT(mb__counters_stop(set), ==, 0);
    CHECK_INT(mb__counters_read(set, values, coverage), ==, 0);
    fprintf(stderr, "task-clock: %.0f ns, thread CPU clock: %.0f ns\n", values[1], cpu_ns);
    CHECK(values[1] > 0);
    /* A unit check (nanoseconds, not ticks or microseconds), not a timing claim: both clocks
     * count this thread's CPU time over the same busy loop, and neither runs while the thread
     * waits for a CPU, so a busy machine moves them together. */
    CHECK(values[1] >= 0.5 * cpu_ns && values[1] <= 2 * cpu_ns);
    CHECK_NEAR(coverage[1], 1.0, 0, 0.01);
    mb__counters_free(set);
}

/* Hardware events either count or say why not, and never take the software ones down. */
static void test_hardware(void)
{
    mb__counters *set = parse_ok("cycles,instructions,task-clock,branches,branch-misses");
    CHECK_INT(mb__counters_open(set, 0), ==, 0);
    double values[5], coverage[5];
    CHECK_INT(mb__counters_start(set), ==, 0);
    busy(5e6);
    CHECK_INT(mb__counters_stop(set), ==, 0);
    CHECK_INT(mb__counters_read(set, values, coverage), ==, 0);
    for (size_t i = 0; i < 5; i++) {
        if (!usable(set, i, "its count")) {
            CHECK(isnan(values[i]) && isnan(coverage[i]));
        } else {
            fprintf(stderr, "%s: %.0f (coverage %.3f)\n", mb__counter_name(set, i), values[i],
                    coverage[i]);
            CHECK(coverage[i] >= 0 && coverage[i] <= 1);
        }
    }
    if (mb__counter_available(set, 1) && coverage[1] > 0) {
        CHECK(values[1] > 0);
    }
    mb__counter_ratios r;
    mb__counters_ratios(set, values, &r);
    if (!mb__counter_available(set, 0) || !mb__counter_available(set, 1)) {
        CHECK(isnan(r.ipc));
    }
    mb__counters_free(set);
}

#endif

/* libpfm4's names, when it is compiled in; plain unknown names otherwise. */
static void test_external(void)
{
    const char *library = mb__counters_external_library();
    if (!library) {
        parse_fails("perf::PERF_COUNT_SW_PAGE_FAULTS",
                    "unknown counter 'perf::PERF_COUNT_SW_PAGE_FAULTS'");
        return;
    }
    CHECK_STR(library, "libpfm4");
    mb__counters *set = parse_ok("perf::PERF_COUNT_SW_PAGE_FAULTS,perf::PERF_COUNT_SW_TASK_CLOCK");
    CHECK_INT(mb__counter_kind_of(set, 0), ==, MB__COUNTER_SOFTWARE);
    CHECK_STR(mb__counter_unit(set, 0), "count");
    CHECK_STR(mb__counter_unit(set, 1), "ns");
    mb__counters_free(set);
    parse_fails("page-faults,perf::PERF_COUNT_SW_PAGE_FAULTS",
                "duplicate counter 'perf::PERF_COUNT_SW_PAGE_FAULTS' (the same event as "
                "'page-faults')");
    parse_fails("perf::NO_SUCH_EVENT", "unknown counter 'perf::NO_SUCH_EVENT'");
    CHECK(strstr(message, "libpfm4 says: ") != NULL);
#ifdef __linux__
    check_page_faults("task-clock,perf::PERF_COUNT_SW_PAGE_FAULTS", 1, 0);
#endif
}

static void test_platform(void)
{
#ifdef __linux__
    check_page_faults("task-clock,page-faults,context-switches,cpu-migrations", 1, 0);
    check_page_faults("task-clock,page-faults,context-switches,cpu-migrations", 1,
                      MB__COUNTERS_SEPARATE);
    check_page_faults("minor-faults", 0, 0);
    test_task_clock();
    test_hardware();
#else
    mb__counters *set = parse_ok("cycles,task-clock");
    CHECK_INT(mb__counters_open(set, 0), ==, 0);
    CHECK_STR(mb__counter_reason(set, 1), "not supported on this platform");
    double values[2];
    CHECK_INT(mb__counters_read(set, values, NULL), ==, 0);
    CHECK(isnan(values[0]) && isnan(values[1]));
    mb__counters_free(set);
#endif
}

/* Multiplex scaling with synthetic times: counted a quarter of the time, 1000 counts stand for
 * 4000; never scheduled gives no value; always scheduled is exact. */
static void test_scale(void)
{
    double v, c;
    mb__counter_scale(1000, 4000000, 1000000, &v, &c);
    CHECK_NEAR(v, 4000, 1e-12, 0);
    CHECK_NEAR(c, 0.25, 1e-12, 0);
    mb__counter_scale(1000, 2000000, 2000000, &v, &c);
    CHECK_NEAR(v, 1000, 0, 0);
    CHECK_NEAR(c, 1, 0, 0);
    mb__counter_scale(0, 3000000, 0, &v, &c);
    CHECK(isnan(v));
    CHECK_NEAR(c, 0, 0, 0);
    mb__counter_scale(7, 0, 0, &v, &c);
    CHECK(isnan(v) && isnan(c));
    /* Large counts stay exact enough: 2^40 counts at 3/4 coverage. */
    mb__counter_scale(UINT64_C(1) << 40, 4, 3, &v, &c);
    CHECK_NEAR(v, (double)(UINT64_C(1) << 40) * 4 / 3, 1e-15, 0);
}

int main(void)
{
    test_scale();
    test_parse_valid();
    test_parse_errors();
    test_ratios();
    test_external();
    test_platform();
    return CHECK_DONE();
}
