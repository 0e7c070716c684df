/*
 * Opening and reading the counters on Linux with perf_event_open(2), called through syscall()
 * since libc has no wrapper. Chosen by meson for Linux hosts; lib/counters_none.c serves the
 * others.
 *
 * Every event counts the calling thread on any CPU (pid 0, cpu -1), starts disabled and reads
 * with PERF_FORMAT_GROUP | ID | TOTAL_TIME_ENABLED | TOTAL_TIME_RUNNING, so one read() per
 * group returns every member's count and the group's two times. Grouping (see counters.h):
 * hardware events in one group, software events in another. The kernel refuses a group the
 * PMU could never hold (EINVAL); such an event is opened alone instead. A group that the PMU
 * could hold but never schedules (a counter taken by the NMI watchdog, say) is found by a
 * probe at open time and reopened as separate events.
 *
 * Counts are never reset: each read returns the difference from the previous read, counts
 * and times alike, so scaling uses the times of the same interval (PERF_EVENT_IOC_RESET
 * would zero the counts but not the times).
 */
#define _GNU_SOURCE

#include "counters.h"
#include "microbe_internal.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The portable table in counters.c uses the perf ABI's numbers. */
_Static_assert(PERF_TYPE_HARDWARE == MB__PERF_TYPE_HARDWARE, "perf type");
_Static_assert(PERF_TYPE_SOFTWARE == MB__PERF_TYPE_SOFTWARE, "perf type");
_Static_assert(PERF_TYPE_TRACEPOINT == MB__PERF_TYPE_TRACEPOINT, "perf type");
_Static_assert(PERF_TYPE_HW_CACHE == MB__PERF_TYPE_HW_CACHE, "perf type");
_Static_assert(PERF_TYPE_RAW == MB__PERF_TYPE_RAW, "perf type");
_Static_assert(PERF_TYPE_BREAKPOINT == MB__PERF_TYPE_BREAKPOINT, "perf type");
_Static_assert(PERF_COUNT_HW_CPU_CYCLES == 0 && PERF_COUNT_HW_INSTRUCTIONS == 1 &&
                   PERF_COUNT_HW_CACHE_REFERENCES == 2 && PERF_COUNT_HW_CACHE_MISSES == 3 &&
                   PERF_COUNT_HW_BRANCH_INSTRUCTIONS == 4 && PERF_COUNT_HW_BRANCH_MISSES == 5 &&
                   PERF_COUNT_HW_BUS_CYCLES == 6 && PERF_COUNT_HW_STALLED_CYCLES_FRONTEND == 7 &&
                   PERF_COUNT_HW_STALLED_CYCLES_BACKEND == 8 && PERF_COUNT_HW_REF_CPU_CYCLES == 9,
               "perf hardware event numbers");
_Static_assert(PERF_COUNT_SW_CPU_CLOCK == 0 && PERF_COUNT_SW_TASK_CLOCK == 1 &&
                   PERF_COUNT_SW_PAGE_FAULTS == 2 && PERF_COUNT_SW_CONTEXT_SWITCHES == 3 &&
                   PERF_COUNT_SW_CPU_MIGRATIONS == 4 && PERF_COUNT_SW_PAGE_FAULTS_MIN == 5 &&
                   PERF_COUNT_SW_PAGE_FAULTS_MAJ == 6 && PERF_COUNT_SW_ALIGNMENT_FAULTS == 7 &&
                   PERF_COUNT_SW_EMULATION_FAULTS == 8,
               "perf software event numbers");

/* A group read: nr, time enabled, time running, then {value, id} per member. */
enum { READ_HEADER = 3, READ_WORDS = READ_HEADER + 2 * MB__COUNTERS_MAX };

/* The kernel's perf_event_paranoid level, or -100 when it cannot be read. */
static int read_paranoid(void)
{
    FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
    int level = -100; /* unknown */
    if (f) {
        char line[32];
        if (fgets(line, sizeof line, f)) {
            char *end;
            errno = 0;
            long v = strtol(line, &end, 10);
            if (end != line && (*end == '\n' || *end == '\0') && errno == 0 && v >= -100 &&
                v <= 100) {
                level = (int)v;
            }
        }
        fclose(f);
    }
    return level;
}

static void describe_failure(mb__counter *c, int err, int paranoid)
{
    char *r = c->reason;
    size_t size = sizeof c->reason;
    switch (err) {
    case ENOENT:
    case ENODEV:
    case EOPNOTSUPP: snprintf(r, size, "not supported by this CPU or VM"); break;
    case EACCES:
    case EPERM:
        if (paranoid != -100) {
            snprintf(r, size, "not permitted (perf_event_paranoid = %d)", paranoid);
        } else {
            snprintf(r, size, "not permitted");
        }
        break;
    case ENOSYS: snprintf(r, size, "perf_event_open is not available (ENOSYS)"); break;
    case EINVAL: snprintf(r, size, "rejected by the kernel as invalid (EINVAL)"); break;
    case EMFILE:
    case ENFILE: snprintf(r, size, "too many open files"); break;
    case EBUSY: snprintf(r, size, "in exclusive use by another process"); break;
    case ENOSPC: snprintf(r, size, "no free counter for it"); break;
    case E2BIG: snprintf(r, size, "the kernel is older than this perf_event_attr (E2BIG)"); break;
    default: snprintf(r, size, "perf_event_open failed (errno %d)", err); break;
    }
}

/* Opens one event into group_fd's group (-1: a new group, disabled). When the system forbids
 * counting the kernel, retries for user space only. Returns the fd, or -1 with errno set. */
static int open_event(mb__counter *c, int group_fd)
{
    struct perf_event_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.size = sizeof attr;
    attr.type = c->enc.type;
    attr.config = c->enc.config;
    attr.config1 = c->enc.config1;
    attr.config2 = c->enc.config2;
    /* A leader starts disabled and its members follow it: the kernel does not reliably enable
     * members that were created disabled, even with PERF_IOC_FLAG_GROUP. */
    attr.disabled = group_fd < 0;
    attr.exclude_user = c->enc.exclude_user ? 1 : 0;
    attr.exclude_kernel = c->enc.exclude_kernel ? 1 : 0;
    attr.exclude_hv = c->enc.exclude_hv ? 1 : 0;
    attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING |
                       PERF_FORMAT_ID | PERF_FORMAT_GROUP;
    c->user_only = 0;
    long fd = syscall(SYS_perf_event_open, &attr, 0, -1, group_fd, PERF_FLAG_FD_CLOEXEC);
    if (fd < 0 && (errno == EACCES || errno == EPERM) &&
        !(attr.exclude_kernel && attr.exclude_hv)) {
        attr.exclude_kernel = 1;
        attr.exclude_hv = 1;
        fd = syscall(SYS_perf_event_open, &attr, 0, -1, group_fd, PERF_FLAG_FD_CLOEXEC);
        c->user_only = fd >= 0 && !c->enc.exclude_kernel;
    }
    return (int)fd;
}

/* Adds open event i to group g, creating the group when g == set->n_groups. */
static void join(mb__counters *set, size_t i, size_t g, int fd)
{
    mb__counter *c = &set->counter[i];
    mb__counter_group *group = &set->group[g];
    if (g == set->n_groups) {
        memset(group, 0, sizeof *group);
        group->leader_fd = fd;
        set->n_groups++;
    }
    group->member[group->n++] = (int)i;
    c->fd = fd;
    c->group = (int)g;
    c->last_raw = 0;
    c->reason[0] = '\0';
}

/* Opens every event of one kind; grouped unless separate. */
static void open_kind(mb__counters *set, mb__counter_kind kind, int separate, int paranoid)
{
    size_t shared = SIZE_MAX; /* the kind's group, once it has a leader */
    for (size_t i = 0; i < set->n; i++) {
        mb__counter *c = &set->counter[i];
        if (c->kind != kind) {
            continue;
        }
        int leader = shared != SIZE_MAX ? set->group[shared].leader_fd : -1;
        int fd = open_event(c, leader);
        int alone = leader < 0;
        if (fd < 0 && leader >= 0 && errno == EINVAL) {
            /* The group would not fit the PMU, or mixes PMUs: count this one on its own. */
            fd = open_event(c, -1);
            alone = 1;
        }
        if (fd < 0) {
            describe_failure(c, errno, paranoid);
            continue;
        }
        if (ioctl(fd, PERF_EVENT_IOC_ID, &c->id) != 0) {
            describe_failure(c, errno, paranoid);
            close(fd);
            continue;
        }
        if (!alone) {
            join(set, i, shared, fd);
            continue;
        }
        if (!separate && shared == SIZE_MAX) {
            shared = set->n_groups;
        }
        join(set, i, set->n_groups, fd);
    }
}

/* Reads group g and stores the interval since the previous read into values and coverage
 * (either may be NULL, as for setting the baseline). */
static int read_group(mb__counters *set, size_t g, double *values, double *coverage)
{
    mb__counter_group *group = &set->group[g];
    uint64_t buf[READ_WORDS];
    size_t want = (READ_HEADER + 2 * group->n) * sizeof buf[0];
    ssize_t got = read(group->leader_fd, buf, sizeof buf);
    if (got < (ssize_t)want || buf[0] != group->n) {
        return MB_EIO; /* the members keep the NANs set by the caller */
    }
    uint64_t enabled = buf[1] - group->last_enabled_ns;
    uint64_t running = buf[2] - group->last_running_ns;
    group->last_enabled_ns = buf[1];
    group->last_running_ns = buf[2];
    for (size_t j = 0; j < group->n; j++) {
        int i = group->member[j];
        mb__counter *c = &set->counter[i];
        size_t k = j; /* the kernel reports members in the order they joined */
        if (buf[READ_HEADER + 2 * k + 1] != c->id) {
            for (k = 0; k < group->n && buf[READ_HEADER + 2 * k + 1] != c->id; k++) {
            }
            if (k == group->n) {
                continue;
            }
        }
        uint64_t raw = buf[READ_HEADER + 2 * k];
        uint64_t delta = raw - c->last_raw;
        c->last_raw = raw;
        double value, covered;
        mb__counter_scale(delta, enabled, running, &value, &covered);
        if (values) {
            values[i] = value;
        }
        if (coverage) {
            coverage[i] = covered;
        }
    }
    return 0;
}

/* Enables and disables the group once: a group the PMU never schedules shows time enabled
 * without time running. */
static int never_scheduled(const mb__counter_group *group)
{
    uint64_t buf[READ_WORDS];
    if (ioctl(group->leader_fd, PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP) != 0 ||
        ioctl(group->leader_fd, PERF_EVENT_IOC_DISABLE, PERF_IOC_FLAG_GROUP) != 0 ||
        read(group->leader_fd, buf, sizeof buf) < (ssize_t)(READ_HEADER * sizeof buf[0])) {
        return 0;
    }
    return buf[1] > 0 && buf[2] == 0;
}

int mb__counters_open(mb__counters *set, unsigned flags)
{
    if (!set) {
        return MB_EINVAL;
    }
    mb__counters_close(set);
    int paranoid = read_paranoid();
    int separate = (flags & MB__COUNTERS_SEPARATE) != 0;
    /* Hardware first: only its groups exist when the probe decides to reopen them. */
    open_kind(set, MB__COUNTER_HARDWARE, separate, paranoid);
    int reopen = 0;
    for (size_t g = 0; g < set->n_groups; g++) {
        reopen |= set->group[g].n > 1 && never_scheduled(&set->group[g]);
    }
    if (reopen) {
        mb__counters_close(set);
        open_kind(set, MB__COUNTER_HARDWARE, 1, paranoid);
    }
    /* Software events each on their own: they never multiplex, so a group buys nothing, and
     * grouped they lost counts (page-faults beside task-clock read 0 to 70 % of the true
     * count on Linux 6.18, alone exactly the pages touched: tests/test_counters_run.py). */
    open_kind(set, MB__COUNTER_SOFTWARE, 1, paranoid);
    for (size_t g = 0; g < set->n_groups; g++) {
        read_group(set, g, NULL, NULL);
    }
    return 0;
}

/* Software groups come after hardware ones: start enables them first and stop disables them
 * last, so the hardware counts hug the timed region. */
int mb__counters_start(mb__counters *set)
{
    int err = 0;
    for (size_t g = set->n_groups; g-- > 0;) {
        if (ioctl(set->group[g].leader_fd, PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP) != 0) {
            err = MB_EIO;
        }
    }
    return err;
}

int mb__counters_stop(mb__counters *set)
{
    int err = 0;
    for (size_t g = 0; g < set->n_groups; g++) {
        if (ioctl(set->group[g].leader_fd, PERF_EVENT_IOC_DISABLE, PERF_IOC_FLAG_GROUP) != 0) {
            err = MB_EIO;
        }
    }
    return err;
}

int mb__counters_read(mb__counters *set, double *values, double *coverage)
{
    for (size_t i = 0; i < set->n; i++) {
        values[i] = NAN;
        if (coverage) {
            coverage[i] = NAN;
        }
    }
    int err = 0;
    for (size_t g = 0; g < set->n_groups; g++) {
        if (read_group(set, g, values, coverage) != 0) {
            err = MB_EIO;
        }
    }
    return err;
}

void mb__counters_close(mb__counters *set)
{
    if (!set) {
        return;
    }
    /* Members before leaders is not required: closing a leader detaches its siblings. */
    for (size_t i = 0; i < set->n; i++) {
        if (set->counter[i].fd >= 0) {
            close(set->counter[i].fd);
        }
    }
    mb__counters_mark_all(set, "not opened");
}

void mb__counters_free(mb__counters *set)
{
    if (set) {
        mb__counters_close(set);
    }
    mb__counters_release(set);
}
