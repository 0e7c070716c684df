/*
 * The name tables of the public API: the version, error strings, and the stable names (and
 * remedies) of verdicts, warnings, plan differences, hygiene flags, complexity models,
 * statuses, plans, stop reasons and modes, as every format spells them. Also mb_hygiene(),
 * the judgement those hygiene names describe. Pure data; depends on nothing but microbe.h.
 */
#include "names.h"

#include <math.h>
#include <string.h>

const char *mb_version(void)
{
    return MB_VERSION_STRING;
}

const char *mb_strerror(int err)
{
    switch (err) {
    case MB_OK: return "success";
    case MB_ENOMEM: return "out of memory";
    case MB_EINVAL: return "invalid argument";
    case MB_EIO: return "output error";
    case MB_EREGEX: return "invalid regular expression";
    case MB_EDUP: return "duplicate benchmark name";
    case MB_EUSAGE: return "benchmark misused the API";
    case MB_EINTR: return "interrupted";
    default: return "unknown error";
    }
}

static const struct {
    const char *name;
    const char *advice;
} warning_text[MB_WARN_COUNT] = {
    {"unstable", "per-iteration times vary widely; close other programs, pin the process "
                 "(taskset) or lengthen --measurement-time"},
    {"drift", "times trend up or down during the run (frequency scaling, thermal throttling "
              "or background load); fix the CPU frequency or rerun on a quiet machine"},
    {"optimized-away", "no slower than an empty MB_LOOP: the compiler probably removed "
                       "the body; pass its inputs and results to mb_black_box()"},
    {"precision", "the precision target was not reached within the budget; raise "
                  "--measurement-time or relax --precision"},
    {"low-r2", "time does not grow linearly with iterations (R^2 < 0.9); the body may "
               "depend on state left by earlier iterations, or the machine is noisy"},
    {"outliers", "more than 1 in 10 samples are outliers and they explain at least half of "
                 "the variance; look for interference (interrupts, other processes) or a body "
                 "with rare slow paths"},
    {"few-samples", "one iteration is so long that fewer samples than --samples fit the "
                    "budget; intervals are wide; raise --measurement-time"},
    {"serial", "successive samples are correlated; results depend on run order (caches, "
               "frequency); rerun on a quiet machine"},
    {"unoptimized", "its source file was compiled without optimisation (no __OPTIMIZE__: -O0); "
                    "times say little about optimised code; build with -O2 (meson "
                    "--buildtype=release)"},
    {"sanitized", "its source file was compiled with a sanitizer, which slows code several "
                  "times over; benchmark a build without -fsanitize"},
    {"latency-short", "invocations this short are timed alone only to within the clock's cost "
                      "and resolution: the samples were measured normally, the percentiles "
                      "are resolution-limited (the clock's read cost subtracted); batch several "
                      "calls into one invocation for exact percentiles"},
};

/* The index of a single bit among the first count, or -1 for anything else. */
static int bit_index(unsigned bit, int count)
{
    for (int i = 0; i < count; i++)
        if (bit == 1u << i)
            return i;
    return -1;
}

const char *mb_verdict_name(mb_verdict verdict)
{
    switch (verdict) {
    case MB_VERDICT_NONE: return "none";
    case MB_VERDICT_UNCHANGED: return "unchanged";
    case MB_VERDICT_IMPROVED: return "improved";
    case MB_VERDICT_REGRESSED: return "regressed";
    case MB_VERDICT_INCONCLUSIVE: return "inconclusive";
    default: return NULL;
    }
}

const char *mb_reason_name(mb_reason reason)
{
    switch (reason) {
    case MB_REASON_NONE: return "none";
    case MB_REASON_STRADDLES: return "straddles";
    case MB_REASON_UNSTABLE: return "unstable";
    case MB_REASON_LOW_LEVEL: return "low-level";
    case MB_REASON_NOT_SIGNIFICANT: return "not-significant";
    case MB_REASON_NO_INTERVAL: return "no-interval";
    default: return NULL;
    }
}

const char *mb_warning_name(unsigned warning)
{
    int i = bit_index(warning, MB_WARN_COUNT);
    return i < 0 ? NULL : warning_text[i].name;
}

const char *mb_warning_advice(unsigned warning)
{
    int i = bit_index(warning, MB_WARN_COUNT);
    return i < 0 ? NULL : warning_text[i].advice;
}

static const struct {
    const char *name;
    const char *text;
} plan_difference_text[MB_PLAN_DIFF_COUNT] = {
    {"quick", "one side was measured with --quick and the other not: shorter parts with fewer "
              "and shorter samples"},
    {"rule", "the warm-up, the budget per part or the sample counts differ (--warm-up-time, "
             "--measurement-time, --samples), so the samples differ in length"},
    {"parts", "the sides were measured in parts of different kinds (in fresh processes, in one "
              "process, or in one part), so their medians and intervals hold different noise"},
};

const char *mb_plan_difference_name(unsigned difference)
{
    int i = bit_index(difference, MB_PLAN_DIFF_COUNT);
    return i < 0 ? NULL : plan_difference_text[i].name;
}

const char *mb_plan_difference_text(unsigned difference)
{
    int i = bit_index(difference, MB_PLAN_DIFF_COUNT);
    return i < 0 ? NULL : plan_difference_text[i].text;
}

static const struct {
    const char *name;
    const char *advice;
} hygiene_text[MB_HYGIENE_COUNT] = {
    {"governor", "the CPU frequency governor is not 'performance', so the clock rate changes "
                 "under the benchmark; as root: cpupower frequency-set -g performance"},
    {"boost", "turbo boost is on, so the clock rate depends on temperature and on other "
              "cores; as root: echo 0 > /sys/devices/system/cpu/cpufreq/boost (or 1 > "
              "/sys/devices/system/cpu/intel_pstate/no_turbo)"},
    {"load", "the machine is busy (load average above half the CPUs); other processes take "
             "CPU time and caches from the benchmark: stop them or rerun when it is quiet"},
    {"vm", "running in a virtual machine: other guests share the hardware and timings vary "
           "between runs: keep the default forks, whose intervals hold that spread, and pair "
           "builds with microbe-compare --exec"},
};

unsigned mb_hygiene(const mb_environment *env)
{
    unsigned bits = 0;
    if (env->governor && env->governor[0] && strcmp(env->governor, "performance") != 0)
        bits |= MB_HYGIENE_GOVERNOR;
    if (env->boost == 1)
        bits |= MB_HYGIENE_BOOST;
    /* This process adds up to 1 to the load once it runs: the threshold leaves room for it. */
    if (env->logical_cpus > 0 && env->load_avg[0] > 0.5 * env->logical_cpus + 0.5)
        bits |= MB_HYGIENE_LOAD;
    if (env->virtualized == 1)
        bits |= MB_HYGIENE_VM;
    return bits;
}

const char *mb_hygiene_name(unsigned flag)
{
    int i = bit_index(flag, MB_HYGIENE_COUNT);
    return i < 0 ? NULL : hygiene_text[i].name;
}

const char *mb_hygiene_advice(unsigned flag)
{
    int i = bit_index(flag, MB_HYGIENE_COUNT);
    return i < 0 ? NULL : hygiene_text[i].advice;
}

const char *mb_complexity_name(mb_complexity_model model)
{
    static const char *const names[MB_COMPLEXITY_MODELS] = {"O(1)",       "O(log n)", "O(n)",
                                                            "O(n log n)", "O(n^2)",   "O(n^3)"};
    return (unsigned)model < MB_COMPLEXITY_MODELS ? names[model] : NULL;
}

const char *mb_status_name(mb_status status)
{
    switch (status) {
    case MB_STATUS_OK: return "ok";
    case MB_STATUS_FAILED: return "failed";
    case MB_STATUS_SKIPPED: return "skipped";
    }
    return "unknown";
}

const char *mb_plan_name(mb_plan_kind plan)
{
    switch (plan) {
    case MB_PLAN_LINEAR: return "linear";
    case MB_PLAN_FLAT: return "flat";
    }
    return "unknown";
}

const char *mb_stop_name(mb_stop_reason stop)
{
    switch (stop) {
    case MB_STOP_PRECISION: return "precision";
    case MB_STOP_BUDGET: return "budget";
    case MB_STOP_SAMPLES: return "samples";
    case MB_STOP_LONG: return "long";
    }
    return "unknown";
}

const char *mb_mode_name(mb_mode mode)
{
    switch (mode) {
    case MB_MODE_NORMAL: return "normal";
    case MB_MODE_LATENCY: return "latency";
    case MB_MODE_COLD: return "cold";
    }
    return "unknown";
}

const mb_environment mb__env_unknown = {
    .date = "",
    .host = "",
    .executable = "",
    .os = "",
    .cpu_model = "",
    .logical_cpus = -1,
    .load_avg = {NAN, NAN, NAN},
    .aslr = -1,
    .build_type = "",
    .compiler = "",
    .governor = "",
    .boost = -1,
    .smt = -1,
    .isolated_cpus = "",
    .virtualized = -1,
    .perf_event_paranoid = NAN,
};

const mb__named_bit mb__sanitizers[MB__SANITIZERS] = {{MB_BUILD_ASAN, "address"},
                                                      {MB_BUILD_UBSAN, "undefined"},
                                                      {MB_BUILD_TSAN, "thread"},
                                                      {MB_BUILD_MSAN, "memory"}};
