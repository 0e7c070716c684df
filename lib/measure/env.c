/*
 * Capture of the environment a run happens in: date, host, executable, OS, CPU model, logical
 * CPUs, caches, load average, ASLR, and how the library was built. Linux facts come from
 * /proc and /sys; where those files do not exist the fields are simply unknown, so the same
 * code serves every POSIX system without conditional compilation.
 */
#define _POSIX_C_SOURCE 200809L

#include "microbe_internal.h"
#include "numbers.h"
#include "env.h"
#include "pin.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#ifndef MB_BUILD_TYPE
#define MB_BUILD_TYPE "unknown"
#endif
#ifndef MB_COMPILER
#define MB_COMPILER "unknown"
#endif

/* Reads the first line of a small file into buf without its newline; 0 on success. */
static int read_line(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char *got = fgets(buf, (int)size, f);
    fclose(f);
    if (!got)
        return -1;
    buf[strcspn(buf, "\n")] = '\0';
    return 0;
}

static void cpu_model(char *buf, size_t size)
{
    buf[0] = '\0';
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        /* x86: "model name"; arm64 kernels say little, but some give "Model" or "Hardware". */
        if (strncmp(line, "model name", 10) == 0 || strncmp(line, "Model", 5) == 0 ||
            strncmp(line, "Hardware", 8) == 0) {
            const char *colon = strchr(line, ':');
            if (colon) {
                colon += 1 + (colon[1] == ' ');
                snprintf(buf, size, "%s", colon);
                buf[strcspn(buf, "\n")] = '\0';
                break;
            }
        }
    }
    fclose(f);
}

/* A number such as /proc writes it ("12.34"), read whatever the C locale; returns the text
 * after it and its blanks, or NULL (value left NAN) on anything else. */
static const char *parse_fixed(const char *s, double *out)
{
    size_t used = mb__read_double(s, out, NULL);
    if (!used)
        return NULL;
    for (s += used; *s == ' ';)
        s++;
    return s;
}

/* A whole number such as /proc writes it ("2", "-1"), with nothing but blanks after it: 0 and
 * *out, or -1 (unlike atoi, garbage is not read as 0). */
static int parse_int(const char *s, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    while (*end == ' ' || *end == '\t')
        end++;
    if (end == s || *end != '\0' || errno == ERANGE || v < INT_MIN || v > INT_MAX)
        return -1;
    *out = (int)v;
    return 0;
}

/* "32K", "1024K", "8M" -> bytes. */
static uint64_t parse_size(const char *s)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end == 'K')
        v <<= 10;
    else if (*end == 'M')
        v <<= 20;
    else if (*end == 'G')
        v <<= 30;
    return v;
}

/* "0-3,8" -> 5 CPUs. */
static int count_cpu_list(const char *s)
{
    int count = 0;
    while (*s) {
        char *end;
        long a = strtol(s, &end, 10), b = a;
        if (end == s)
            break;
        if (*end == '-')
            b = strtol(end + 1, &end, 10);
        count += (int)(b - a + 1);
        s = *end == ',' ? end + 1 : end;
    }
    return count;
}

static void caches(mb__env *env)
{
    env->pub.n_caches = 0;
    for (int i = 0; i < MB__MAX_CACHES; i++) {
        char path[128], level[16], type[sizeof env->cache_type[0]], size[32], shared[256];
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/level", i);
        if (read_line(path, level, sizeof level) != 0)
            break;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/type", i);
        if (read_line(path, type, sizeof type) != 0)
            continue;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
        if (read_line(path, size, sizeof size) != 0)
            continue;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/shared_cpu_list",
                 i);
        size_t k = env->pub.n_caches++;
        memcpy(env->cache_type[k], type, sizeof type);
        int level_number;
        if (parse_int(level, &level_number) != 0)
            level_number = 0;
        env->cache[k] =
            (mb_cache){level_number, env->cache_type[k], parse_size(size),
                       read_line(path, shared, sizeof shared) == 0 ? count_cpu_list(shared) : 0};
    }
    env->pub.caches = env->cache;
}

/* A file holding one integer, or `unknown` when it cannot be read. */
static int read_int(const char *path, int unknown)
{
    char line[32];
    int v;
    return read_line(path, line, sizeof line) == 0 && parse_int(line, &v) == 0 ? v : unknown;
}

/* Whether /proc/cpuinfo's flags include "hypervisor" (x86 guests): 1, 0, or -1 when there
 * is no flags line to read. */
static int hypervisor_flag(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return -1;
    char line[4096];
    int found = -1;
    while (found < 0 && fgets(line, sizeof line, f))
        if (strncmp(line, "flags", 5) == 0)
            found = strstr(line, " hypervisor") != NULL;
    fclose(f);
    return found;
}

void mb__env_governor(const char *sysfs_root, const int *cpus, size_t n, char *buf, size_t size)
{
    static const int cpu0[1] = {0};
    if (n == 0) { /* the CPUs this process may run on are unknown: CPU 0 stands for them */
        cpus = cpu0;
        n = 1;
    }
    char list[256] = ""; /* the distinct governors, each followed by a comma */
    int distinct = 0;
    for (size_t i = 0; i < n; i++) {
        char path[256], name[64], seen[sizeof list + 1], item[sizeof name + 2];
        snprintf(path, sizeof path, "%s/devices/system/cpu/cpu%d/cpufreq/scaling_governor",
                 sysfs_root, cpus[i]);
        if (read_line(path, name, sizeof name) != 0 || name[0] == '\0')
            continue;
        snprintf(seen, sizeof seen, ",%s", list);
        snprintf(item, sizeof item, ",%s,", name);
        size_t used = strlen(list), add = strlen(item + 1);
        if (strstr(seen, item) || used + add + 1 > sizeof list)
            continue;
        memcpy(list + used, item + 1, add + 1);
        distinct++;
    }
    size_t len = strlen(list);
    if (len > 0)
        list[len - 1] = '\0';
    snprintf(buf, size, "%s%s", distinct > 1 ? "mixed: " : "", list);
}

static void machine_state(mb__env *env)
{
    mb_environment *e = &env->pub;
    int cpus[MB__ENV_MAX_CPUS];
    size_t n = mb__affinity_cpus(cpus, MB__ENV_MAX_CPUS);
    mb__env_governor("/sys", cpus, n, env->governor, sizeof env->governor);
    e->governor = env->governor;
    /* acpi-cpufreq says "boost"; intel_pstate says the opposite, "no_turbo". */
    e->boost = read_int("/sys/devices/system/cpu/cpufreq/boost", -1);
    if (e->boost < 0) {
        int no_turbo = read_int("/sys/devices/system/cpu/intel_pstate/no_turbo", -1);
        e->boost = no_turbo < 0 ? -1 : !no_turbo;
    }
    e->smt = read_int("/sys/devices/system/cpu/smt/active", -1);
    if (read_line("/sys/devices/system/cpu/isolated", env->isolated_cpus,
                  sizeof env->isolated_cpus) != 0)
        env->isolated_cpus[0] = '\0';
    e->isolated_cpus = env->isolated_cpus;
    e->virtualized = hypervisor_flag();
    int paranoid = read_int("/proc/sys/kernel/perf_event_paranoid", INT_MIN);
    e->perf_event_paranoid = paranoid == INT_MIN ? NAN : (double)paranoid;
}

void mb__env_capture(mb__env *env, int64_t start_time_unix)
{
    memset(env, 0, sizeof *env);
    mb_environment *e = &env->pub;

    time_t start = (time_t)start_time_unix;
    struct tm utc;
    if (gmtime_r(&start, &utc))
        strftime(env->date, sizeof env->date, "%Y-%m-%dT%H:%M:%SZ", &utc);
    if (gethostname(env->host, sizeof env->host) != 0)
        env->host[0] = '\0';
    env->host[sizeof env->host - 1] = '\0';
    ssize_t n = readlink("/proc/self/exe", env->executable, sizeof env->executable - 1);
    env->executable[n > 0 ? n : 0] = '\0';
    struct utsname u;
    if (uname(&u) == 0)
        snprintf(env->os, sizeof env->os, "%s %s %s", u.sysname, u.release, u.machine);
    cpu_model(env->cpu_model, sizeof env->cpu_model);

    e->date = env->date;
    e->host = env->host;
    e->executable = env->executable;
    e->os = env->os;
    e->cpu_model = env->cpu_model;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    e->logical_cpus = cpus > 0 ? (int)cpus : -1;
    caches(env);

    char line[128];
    e->load_avg[0] = e->load_avg[1] = e->load_avg[2] = NAN;
    if (read_line("/proc/loadavg", line, sizeof line) == 0) {
        const char *p = line;
        for (int i = 0; i < 3 && p; i++)
            p = parse_fixed(p, &e->load_avg[i]);
    }
    e->aslr = read_int("/proc/sys/kernel/randomize_va_space", -1);
    e->build_type = MB_BUILD_TYPE;
    e->compiler = MB_COMPILER;
    machine_state(env);
}
