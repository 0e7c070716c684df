/*
 * microbe: an embeddable C micro-benchmark library.
 *
 * This header is the manual. Sections, in order:
 *   1. Version and export macros
 *   2. Errors
 *   3. Registration: BENCH(), mb_register()
 *   4. The timed loop: MB_LOOP(), mb_black_box(), mb_clobber()
 *   5. Settings
 *   6. Results
 *   7. Emitters
 *   8. Running: the context, mb_run(), mb_main()
 *   9. Result files: loading, comparing and emitting saved results
 *
 * Conventions: every public symbol starts with mb_ or MB_ (BENCH is the one exception);
 * functions that can fail return 0 or a negative MB_E* code; outputs go through
 * out-parameters; the library never exits, aborts or prints on its own (it logs through
 * the callback in mb_settings and writes results through emitters).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MICROBE_H
#define MICROBE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
#include <initializer_list> /* BENCH_P's value lists in C++ */
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------
 * 1. Version and export macros
 * ------------------------------------------------------------------------------------- */

#define MB_VERSION_MAJOR 0
#define MB_VERSION_MINOR 1
#define MB_VERSION_PATCH 0
#define MB_VERSION_STRING "0.1.0"

#if defined(_WIN32) && defined(MB_BUILDING_DLL)
#define MB_API __declspec(dllexport)
#elif defined(__GNUC__) && defined(MB_BUILDING)
#define MB_API __attribute__((visibility("default")))
#else
#define MB_API
#endif

/* The library's version string, e.g. "0.1.0". Compare with MB_VERSION_STRING to detect a
 * header/library mismatch. */
MB_API const char *mb_version(void);

/* ---------------------------------------------------------------------------------------
 * 2. Errors
 * ------------------------------------------------------------------------------------- */

enum {
    MB_OK = 0,
    MB_ENOMEM = -1, /* an allocation failed */
    MB_EINVAL = -2, /* an invalid argument or setting */
    MB_EIO = -3,    /* an output could not be written */
    MB_EREGEX = -4, /* the filter is not a valid POSIX extended regular expression */
    MB_EDUP = -5,   /* two registered benchmarks share a name */
    MB_EUSAGE = -6, /* a benchmark misused the API (e.g. entered MB_LOOP twice) */
    MB_EINTR = -7   /* the run was interrupted by mb_ctx_interrupt() */
};

/* A static, human-readable description of an MB_E* code ("unknown error" otherwise). */
MB_API const char *mb_strerror(int err);

/* ---------------------------------------------------------------------------------------
 * 3. Registration
 * ------------------------------------------------------------------------------------- */

/* Opaque: passed to every benchmark body; valid only during that call. */
typedef struct mb_state mb_state;

typedef void (*mb_bench_fn)(mb_state *state);

/* A parameter of a parameterised benchmark (BENCH_P): a name and its values, either a list
 * (MB_INTS, MB_DOUBLES, MB_STRINGS) or an integer range (MB_RANGE: geometric, MB_DENSE:
 * arithmetic). The benchmark runs once per combination of the values of all its parameters.
 * Fill it through the macros. */
typedef enum mb_param_kind {
    MB_PARAM_INT = 0,
    MB_PARAM_DOUBLE = 1,
    MB_PARAM_STRING = 2,
    MB_PARAM_THREADS = 3, /* MB_THREADS: integer thread counts, named "threads" */
    /* Options of BENCH_P that are not parameters (no values, no part in the name): */
    MB_OPTION_FIXTURE = 4,    /* MB_FIXTURE(setup, teardown) */
    MB_OPTION_MODE = 5,       /* MB_LATENCY, MB_COLD */
    MB_OPTION_COMPLEXITY = 6, /* MB_FIT_COMPLEXITY, MB_COMPLEXITY(f) */
    MB_OPTION_TIME = 7        /* MB_MEASUREMENT_TIME(seconds): doubles[0] */
} mb_param_kind;

/* How a benchmark's iterations are timed (docs/authoring.md):
 *   MB_MODE_NORMAL   samples of many iterations, each timed as a whole (the default);
 *   MB_MODE_LATENCY  every invocation timed alone, for tail latency: percentiles from a
 *                    log-linear histogram of per-invocation times;
 *   MB_MODE_COLD     every invocation timed alone right after the CPU caches were evicted:
 *                    first-touch cost, single shot. */
typedef enum mb_mode { MB_MODE_NORMAL = 0, MB_MODE_LATENCY = 1, MB_MODE_COLD = 2 } mb_mode;

/* A fixture (MB_FIXTURE): setup runs once per benchmark run, before its warm-up, and returns
 * the data the body reads with mb_fixture(); teardown runs once after the last sample with
 * that data. Neither is timed. setup may call mb_param_*(), mb_skip() and mb_fail(); when it
 * skips or fails, the body never runs and teardown still does. */
typedef void *(*mb_setup_fn)(mb_state *state);
typedef void (*mb_teardown_fn)(mb_state *state, void *data);

/* A user complexity model f(n) for MB_COMPLEXITY: the fit is t = a + c f(n). */
typedef double (*mb_complexity_fn)(double n);

/* Any function, as MB_FUNCTIONS stores it: cast it back to its own type to call it (C and
 * C++ allow the round trip through this type, and compilers do not warn about it). */
typedef void (*mb_fn)(void);

typedef struct mb_param {
    const char *name;
    mb_param_kind kind;
    size_t n_values; /* of the list below; 0 for a range */
    const int64_t *ints;
    const double *doubles;
    const char *const *strings;
    int64_t range_low, range_high, range_step; /* range: low to high, both included */
    int range_geometric;                       /* 1: multiply by step; 0: add step */
    mb_setup_fn setup;                         /* MB_OPTION_FIXTURE */
    mb_teardown_fn teardown;
    mb_mode mode;                /* MB_OPTION_MODE */
    mb_complexity_fn complexity; /* MB_OPTION_COMPLEXITY: the user model (name: the
                                    function's), or NULL (MB_FIT_COMPLEXITY) */
    const mb_fn *functions;      /* MB_FUNCTIONS: one per string, or NULL */
} mb_param;

/* One parameter's value in one instance of a parameterised benchmark. */
typedef struct mb_param_value {
    const char *name;
    mb_param_kind kind;
    int64_t i;     /* MB_PARAM_INT and MB_PARAM_THREADS */
    double d;      /* MB_PARAM_DOUBLE */
    const char *s; /* MB_PARAM_STRING */
    mb_fn fn;      /* MB_FUNCTIONS: the function named s (mb_param_function) */
} mb_param_value;

/* A benchmark descriptor. BENCH() defines one with static storage; a program that cannot use
 * constructors fills one itself and passes it to mb_register(). The registry links
 * descriptors through mb__next and never copies or frees them, so a descriptor must outlive
 * every run. */
typedef struct mb_bench {
    const char *name; /* unique among registered benchmarks */
    mb_bench_fn fn;   /* the body */
    const char *file; /* where it was defined (may be NULL) */
    int line;
    unsigned build;       /* how its translation unit was compiled: mb_build_flag bits */
    const char *compiler; /* the compiler of that translation unit (may be NULL) */
    const char *group;    /* comparison group (BENCH_GROUP), or NULL */
    int mb__registered;   /* managed by the registry: leave 0 */
    struct mb_bench *mb__next;
    const mb_param *params; /* BENCH_P: its parameters (NULL otherwise) */
    size_t n_params;
    /* Set only in the instances a run makes of a parameterised benchmark (mb_ctx_list and
     * mb_run see those, named "name/64" or "name/keys:1024/hit:1"): their values, one per
     * parameter (options are not parameters). */
    const mb_param_value *values;
    size_t n_values;
} mb_bench;

/* How the translation unit that defined a benchmark was compiled, recorded by BENCH() from
 * the predefined macros as they stand where microbe.h is included. A descriptor filled by hand
 * has build 0 (unknown) unless it sets MB_BUILD_FLAGS and MB_BUILD_COMPILER itself. */
typedef enum mb_build_flag {
    MB_BUILD_KNOWN = 1u << 0,         /* the other bits are meaningful */
    MB_BUILD_OPTIMIZED = 1u << 1,     /* __OPTIMIZE__: -O1 or higher (also -Og and -Os) */
    MB_BUILD_OPTIMIZE_SIZE = 1u << 2, /* __OPTIMIZE_SIZE__: -Os or -Oz */
    MB_BUILD_NDEBUG = 1u << 3,        /* NDEBUG: assert() compiled out */
    MB_BUILD_ASAN = 1u << 4,          /* AddressSanitizer */
    MB_BUILD_TSAN = 1u << 5,          /* ThreadSanitizer */
    MB_BUILD_MSAN = 1u << 6,          /* MemorySanitizer (clang) */
    MB_BUILD_UBSAN = 1u << 7 /* UndefinedBehaviorSanitizer (clang only: gcc says nothing) */
} mb_build_flag;

#define MB__STR2(x) #x
#define MB__STR(x) MB__STR2(x)
#ifdef __OPTIMIZE__
#define MB__BUILD_OPT MB_BUILD_OPTIMIZED
#else
#define MB__BUILD_OPT 0
#endif
#ifdef __OPTIMIZE_SIZE__
#define MB__BUILD_OPT_SIZE MB_BUILD_OPTIMIZE_SIZE
#else
#define MB__BUILD_OPT_SIZE 0
#endif
#ifdef NDEBUG
#define MB__BUILD_NDEBUG MB_BUILD_NDEBUG
#else
#define MB__BUILD_NDEBUG 0
#endif
#define MB__BUILD_ASAN 0
#define MB__BUILD_TSAN 0
#define MB__BUILD_MSAN 0
#define MB__BUILD_UBSAN 0
#if defined(__SANITIZE_ADDRESS__)
#undef MB__BUILD_ASAN
#define MB__BUILD_ASAN MB_BUILD_ASAN
#endif
#if defined(__SANITIZE_THREAD__)
#undef MB__BUILD_TSAN
#define MB__BUILD_TSAN MB_BUILD_TSAN
#endif
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#undef MB__BUILD_ASAN
#define MB__BUILD_ASAN MB_BUILD_ASAN
#endif
#if __has_feature(thread_sanitizer)
#undef MB__BUILD_TSAN
#define MB__BUILD_TSAN MB_BUILD_TSAN
#endif
#if __has_feature(memory_sanitizer)
#undef MB__BUILD_MSAN
#define MB__BUILD_MSAN MB_BUILD_MSAN
#endif
#if __has_feature(undefined_behavior_sanitizer)
#undef MB__BUILD_UBSAN
#define MB__BUILD_UBSAN MB_BUILD_UBSAN
#endif
#endif

/* This translation unit's build, for mb_bench.build and mb_bench.compiler. */
#define MB_BUILD_FLAGS                                                                             \
    (MB_BUILD_KNOWN | MB__BUILD_OPT | MB__BUILD_OPT_SIZE | MB__BUILD_NDEBUG | MB__BUILD_ASAN |     \
     MB__BUILD_TSAN | MB__BUILD_MSAN | MB__BUILD_UBSAN)
#if defined(__clang__)
#define MB_BUILD_COMPILER                                                                          \
    "clang " MB__STR(__clang_major__) "." MB__STR(__clang_minor__) "." MB__STR(__clang_patchlevel__)
#elif defined(__GNUC__)
#define MB_BUILD_COMPILER                                                                          \
    "gcc " MB__STR(__GNUC__) "." MB__STR(__GNUC_MINOR__) "." MB__STR(__GNUC_PATCHLEVEL__)
#elif defined(_MSC_VER)
#define MB_BUILD_COMPILER "msvc " MB__STR(_MSC_VER)
#else
#define MB_BUILD_COMPILER "unknown"
#endif

/* Adds a descriptor to the global registry. Never allocates; safe to call from a
 * constructor before main(). Registering the same descriptor twice is a no-op that returns
 * 0. Returns MB_EINVAL when bench, its name or its fn is NULL. Not thread-safe: register
 * before running. Duplicate names are reported by mb_run(), not here. */
MB_API int mb_register(mb_bench *bench);

#if defined(__GNUC__) || defined(__clang__)
#define MB__UNUSED __attribute__((unused))
#define MB__CONSTRUCTOR(fn)                                                                        \
    static void fn(void) __attribute__((constructor));                                             \
    static void fn(void)
#else
#define MB__UNUSED
#endif

/* BENCH(name) { body }: defines and registers a benchmark. name must be a C identifier; the
 * body receives `mb_state *state` and should contain exactly one MB_LOOP(state). Code before
 * and after the loop (setup, teardown) is not timed; the body is called once per sample.
 * Without constructor support, define MB_NO_CONSTRUCTORS and call
 * mb_register(&MB_BENCH_DESC(name)) yourself.
 *
 * With MICROBE_DISABLE defined before this header is included (e.g. -DMICROBE_DISABLE for a
 * release build), BENCH, BENCH_P and BENCH_GROUP still compile their bodies, so that they keep
 * type-checking, but register nothing and leave no code, no descriptor and no constructor in
 * the object file: a program that holds only such benchmarks links without libmicrobe. */
/* The descriptor fields of every BENCH form, in mb_bench's order. */
// clang-format off
#define MB__BENCH_FIELDS(name, group, params, n_params) \
    #name, mb__bench_fn_##name, __FILE__, __LINE__, MB_BUILD_FLAGS, MB_BUILD_COMPILER, group, 0, \
    NULL, params, n_params, NULL, 0
// clang-format on
#if defined(MICROBE_DISABLE)
/* Compiled out (MICROBE_DISABLE): the body is an unused static inline function, so it still
 * type-checks but emits no code, no descriptor and no constructor, and references nothing of
 * the library. */
#define MB__BENCH(name, group, params, n_params)                                                   \
    MB__UNUSED static inline void mb__bench_fn_##name(mb_state *state MB__UNUSED)
/* The parameters live in an unused function of their own, so that a fixture's functions are
 * referenced (no unused-function warning) but not kept. */
#define BENCH_P(name, ...)                                                                         \
    MB__UNUSED static inline void mb__bench_params_##name(void)                                    \
    {                                                                                              \
        const mb_param params[] = {__VA_ARGS__};                                                   \
        (void)params;                                                                              \
    }                                                                                              \
    MB__BENCH(name, NULL, NULL, 0)
#define BENCH_GROUP_P(group, name, ...) BENCH_P(name, __VA_ARGS__)
#elif defined(MB__CONSTRUCTOR) && !defined(MB_NO_CONSTRUCTORS)
#define MB__BENCH(name, group, params, n_params)                                                   \
    static void mb__bench_fn_##name(mb_state *state MB__UNUSED);                                   \
    static mb_bench mb__bench_desc_##name = {MB__BENCH_FIELDS(name, group, params, n_params)};     \
    MB__CONSTRUCTOR(mb__bench_reg_##name)                                                          \
    {                                                                                              \
        mb_register(&mb__bench_desc_##name);                                                       \
    }                                                                                              \
    static void mb__bench_fn_##name(mb_state *state MB__UNUSED)
#else
#define MB__BENCH(name, group, params, n_params)                                                   \
    static void mb__bench_fn_##name(mb_state *state);                                              \
    mb_bench mb__bench_desc_##name = {MB__BENCH_FIELDS(name, group, params, n_params)};            \
    static void mb__bench_fn_##name(mb_state *state)
#endif
#define BENCH(name) MB__BENCH(name, NULL, NULL, 0)

/* BENCH_P(name, options...) { body }: a benchmark with parameters and options. It runs once
 * per combination of its parameters' values, each instance reported as "name/value" (one
 * parameter) or "name/p:value/q:value"; the body reads its values with mb_param_int(),
 * mb_param_double(), mb_param_string(). Options (MB_THREADS, MB_FIXTURE, MB_LATENCY, MB_COLD,
 * MB_FIT_COMPLEXITY, MB_COMPLEXITY) say how each instance runs or is reported; MB_THREADS is
 * also a parameter, always named "threads:N".
 *
 *     BENCH_P(sort, MB_RANGE(n, 8, 4096, 8)) { int64_t n = mb_param_int(state, "n"); ... }
 *     BENCH_P(lookup, MB_INTS(keys, 16, 1024), MB_STRINGS(kind, "hit", "miss")) { ... }
 *     BENCH_P(queue_push, MB_THREADS(1, 2, 4), MB_FIXTURE(make_queue, free_queue)) { ... }
 *     BENCH_P(request, MB_LATENCY) { ... }
 *     BENCH_P(sort, MB_RANGE(n, 8, 4096, 8), MB_FIT_COMPLEXITY) { ... }
 *
 * Every parameter and option works in C11 and in C++17 alike (docs/authoring.md#c). */
#ifndef MICROBE_DISABLE
#define BENCH_P(name, ...)                                                                         \
    static const mb_param mb__bench_params_##name[] = {__VA_ARGS__};                               \
    MB__BENCH(name, NULL, mb__bench_params_##name,                                                 \
              sizeof mb__bench_params_##name / sizeof mb__bench_params_##name[0])
#endif

/* clang-format would break these initializers before their #name. */
// clang-format off
#define MB__NO_OPTIONS NULL, NULL, MB_MODE_NORMAL, NULL, NULL
/* Integers low, low*m, low*m^2, ... below high, then high itself: MB_RANGE(n, 8, 4096, 8)
 * gives 8, 64, 512, 4096. m >= 2. */
#define MB_RANGE(name, low, high, m) \
    {#name, MB_PARAM_INT, 0, NULL, NULL, NULL, low, high, m, 1, MB__NO_OPTIONS}
/* Integers low, low+step, ... up to high: MB_DENSE(size, 1, 4, 1) gives 1, 2, 3, 4. */
#define MB_DENSE(name, low, high, step) \
    {#name, MB_PARAM_INT, 0, NULL, NULL, NULL, low, high, step, 0, MB__NO_OPTIONS}
/* A fixture: setup and teardown once per benchmark run, outside timing (mb_setup_fn). */
#define MB_FIXTURE(setup, teardown) \
    {"fixture", MB_OPTION_FIXTURE, 0, NULL, NULL, NULL, 0, 0, 0, 0, setup, teardown, \
     MB_MODE_NORMAL, NULL, NULL}
/* Latency mode: every invocation timed alone; percentiles p50..p99.9 and max. */
#define MB_LATENCY \
    {"mode", MB_OPTION_MODE, 0, NULL, NULL, NULL, 0, 0, 0, 0, NULL, NULL, MB_MODE_LATENCY, NULL, \
     NULL}
/* Cold mode: every invocation timed alone after evicting the CPU caches. */
#define MB_COLD \
    {"mode", MB_OPTION_MODE, 0, NULL, NULL, NULL, 0, 0, 0, 0, NULL, NULL, MB_MODE_COLD, NULL, NULL}
/* Complexity fits (docs/authoring.md#complexity): the run fits t = a + c f(n) for O(1) ...
 * O(n^3) to the median times of a BENCH_P with exactly one integer parameter and at least
 * three measured instances, and reports the best. Without this option (or MB_COMPLEXITY)
 * there is no fit. */
#define MB_FIT_COMPLEXITY \
    {"complexity", MB_OPTION_COMPLEXITY, 0, NULL, NULL, NULL, 0, 0, 0, 0, NULL, NULL, \
     MB_MODE_NORMAL, NULL, NULL}
/* As MB_FIT_COMPLEXITY, with a user model f (mb_complexity_fn) fitted and ranked with the
 * built-in ones. */
#define MB_COMPLEXITY(f) \
    {#f, MB_OPTION_COMPLEXITY, 0, NULL, NULL, NULL, 0, 0, 0, 0, NULL, NULL, MB_MODE_NORMAL, f, NULL}
/* This benchmark's measurement time in seconds (> 0), for each of its instances, in place of
 * the run's (--measurement-time); --quick keeps the shorter of the two, and comparison group
 * members keep the run's (docs/authoring.md#per-benchmark-measurement-time). */
#define MB_MEASUREMENT_TIME(seconds) \
    {"measurement_time", MB_OPTION_TIME, 1, NULL, MB__ARRAY_OF(double, seconds), NULL, 0, 0, 0, \
     0, MB__NO_OPTIONS}
typedef const char *mb__string; /* so that `const mb__string` has no duplicate const */
#if !defined(__cplusplus)
/* The count of a list of values, and a pointer to an array of them with static storage:
 * compound literals in C; in C++ (17), an initializer_list's size and a lambda's static
 * array. */
#define MB__COUNT_OF(type, ...) (sizeof((const type[]){__VA_ARGS__}) / sizeof(type))
#define MB__ARRAY_OF(type, ...) ((const type[]){__VA_ARGS__})
#else
#define MB__COUNT_OF(type, ...) (std::initializer_list<type>{__VA_ARGS__}.size())
#define MB__ARRAY_OF(type, ...) \
    ([]() -> const type * { static const type values[] = {__VA_ARGS__}; return values; }())
#endif
/* A list of integer values: MB_INTS(n, 8, 64, 512). */
#define MB_INTS(name, ...) \
    {#name, MB_PARAM_INT, MB__COUNT_OF(int64_t, __VA_ARGS__), \
     MB__ARRAY_OF(int64_t, __VA_ARGS__), NULL, NULL, 0, 0, 0, 0, MB__NO_OPTIONS}
/* A list of doubles: MB_DOUBLES(load, 0.25, 0.5, 0.9). */
#define MB_DOUBLES(name, ...) \
    {#name, MB_PARAM_DOUBLE, MB__COUNT_OF(double, __VA_ARGS__), NULL, \
     MB__ARRAY_OF(double, __VA_ARGS__), NULL, 0, 0, 0, 0, MB__NO_OPTIONS}
/* A list of strings: MB_STRINGS(kind, "hit", "miss"). */
#define MB_STRINGS(name, ...) \
    {#name, MB_PARAM_STRING, MB__COUNT_OF(mb__string, __VA_ARGS__), NULL, NULL, \
     MB__ARRAY_OF(mb__string, __VA_ARGS__), 0, 0, 0, 0, MB__NO_OPTIONS}
/* Functions, each an instance named after it: MB_FUNCTIONS(fn, fnv1a, sum64) makes the
 * instances name/fnv1a and name/sum64 (a string parameter whose values are the functions'
 * names), and the body calls the function through mb_param_function() cast to its type. Up to
 * 8 functions (identifiers) in one list. */
#define MB_FUNCTIONS(name, ...) \
    {#name, MB_PARAM_STRING, MB__COUNT_OF(mb__string, MB__MAP(MB__NAME_OF, __VA_ARGS__)), NULL, \
     NULL, MB__ARRAY_OF(mb__string, MB__MAP(MB__NAME_OF, __VA_ARGS__)), 0, 0, 0, 0, \
     NULL, NULL, MB_MODE_NORMAL, NULL, MB__ARRAY_OF(mb_fn, MB__MAP(MB__FN_OF, __VA_ARGS__))}
#define MB__NAME_OF(f) #f
#define MB__FN_OF(f) (mb_fn)(f)
#define MB__NARGS(...) MB__NARGS_(__VA_ARGS__, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define MB__NARGS_(a1, a2, a3, a4, a5, a6, a7, a8, n, ...) n
#define MB__CAT(a, b) MB__CAT_(a, b)
#define MB__CAT_(a, b) a##b
#define MB__MAP(m, ...) MB__CAT(MB__MAP, MB__NARGS(__VA_ARGS__))(m, __VA_ARGS__)
#define MB__MAP1(m, a) m(a)
#define MB__MAP2(m, a, ...) m(a), MB__MAP1(m, __VA_ARGS__)
#define MB__MAP3(m, a, ...) m(a), MB__MAP2(m, __VA_ARGS__)
#define MB__MAP4(m, a, ...) m(a), MB__MAP3(m, __VA_ARGS__)
#define MB__MAP5(m, a, ...) m(a), MB__MAP4(m, __VA_ARGS__)
#define MB__MAP6(m, a, ...) m(a), MB__MAP5(m, __VA_ARGS__)
#define MB__MAP7(m, a, ...) m(a), MB__MAP6(m, __VA_ARGS__)
#define MB__MAP8(m, a, ...) m(a), MB__MAP7(m, __VA_ARGS__)
/* Thread counts: each instance runs its body on that many threads at once, all starting the
 * timed loop together; named "name/threads:N" (docs/authoring.md#threads). */
#define MB_THREADS(...) \
    {"threads", MB_PARAM_THREADS, MB__COUNT_OF(int64_t, __VA_ARGS__), \
     MB__ARRAY_OF(int64_t, __VA_ARGS__), NULL, NULL, 0, 0, 0, 0, MB__NO_OPTIONS}
// clang-format on

/* A parameter's value in the running instance (the body of a BENCH_P). An unknown name, or one
 * of another kind, fails the benchmark with a message saying so, and gives 0, 0.0 or "". */
MB_API int64_t mb_param_int(mb_state *state, const char *name);
MB_API double mb_param_double(mb_state *state, const char *name);
MB_API const char *mb_param_string(mb_state *state, const char *name);
/* The function of an MB_FUNCTIONS parameter in the running instance, to cast back to its type:
 *     uint64_t (*hash)(const void *, size_t) =
 *         (uint64_t (*)(const void *, size_t))mb_param_function(state, "fn");
 * An unknown name, or a parameter that is not MB_FUNCTIONS, fails the benchmark and gives
 * NULL. */
MB_API mb_fn mb_param_function(mb_state *state, const char *name);

/* The data the fixture's setup returned (MB_FIXTURE), or NULL without a fixture. */
MB_API void *mb_fixture(mb_state *state);

/* In a threaded instance (MB_THREADS): this thread's index, 0 to count - 1, and the count.
 * Without threads: 0 and 1. Every thread runs the body with its own state; the fixture's data
 * is shared. */
MB_API unsigned mb_thread_index(const mb_state *state);
MB_API unsigned mb_thread_count(const mb_state *state);

/* BENCH_GROUP(group, name) { body }: a benchmark like BENCH(name) that belongs to comparison
 * group `group` (an identifier). The members of a group are measured together, interleaved
 * sample by sample in balanced order, and every member is reported as a ratio to the group's
 * baseline, its first member in source order, with an interval from the paired samples and a
 * verdict (docs/comparing.md#paired-groups). Drift and noise common to neighbouring samples
 * cancel in the ratios, so small differences are resolved that two separate runs could not. */
#define BENCH_GROUP(group, name) MB__BENCH(name, #group, NULL, 0)

/* BENCH_GROUP_P(group, name, parameters...) { body }: one body that compares several things
 * over further parameters. Its instances (as BENCH_P's) that share the values of every
 * parameter but the first form one comparison group, named "group/p:v/...", whose members
 * are the first parameter's values in order, the first of them the baseline:
 *
 *     BENCH_GROUP_P(hashes, hash, MB_STRINGS(fn, "fnv1a", "djb2"), MB_RANGE(size, 64, 4096, 4))
 *
 * makes groups hashes/size:64 ... hashes/size:4096, each comparing hash/fn:djb2/size:N to
 * hash/fn:fnv1a/size:N. With the first parameter alone, all instances are one group named
 * `group`. Members take parameters only: a fixture, threads or a mode fails them. */
#ifndef MICROBE_DISABLE
#define BENCH_GROUP_P(group, name, ...)                                                            \
    static const mb_param mb__bench_params_##name[] = {__VA_ARGS__};                               \
    MB__BENCH(name, #group, mb__bench_params_##name,                                               \
              sizeof mb__bench_params_##name / sizeof mb__bench_params_##name[0])
#endif

/* The descriptor BENCH(name) defined, for mb_register() under MB_NO_CONSTRUCTORS (declare it
 * with `extern mb_bench MB_BENCH_DESC(name);` in the file that registers). */
#define MB_BENCH_DESC(name) mb__bench_desc_##name

/* ---------------------------------------------------------------------------------------
 * 4. The timed loop
 * ------------------------------------------------------------------------------------- */

/* Used by MB_LOOP; not for direct use. mb__loop_start() returns the iteration count of this
 * sample and reads the clock last; mb__loop_end() reads the clock first and returns 0. */
MB_API uint64_t mb__loop_start(mb_state *state);
MB_API int mb__loop_end(mb_state *state);

/* MB_LOOP(state) { body }: runs the body the number of times the harness asks for, timing the
 * whole loop with one clock read before and one after. Per iteration the harness costs one
 * decrement and one branch: no clock read, no call, no allocation. Do not leave the loop with
 * break, return or goto: the sample would not be recorded and the benchmark fails with a
 * message saying so. */
#define MB_LOOP(state)                                                                             \
    for (uint64_t mb__iters_left = mb__loop_start(state);                                          \
         mb__iters_left != 0 || mb__loop_end(state); --mb__iters_left)

#if defined(__GNUC__) || defined(__clang__)
/* Makes the compiler assume that the object at p is read and may be modified, and that all
 * memory may have changed: results written through p cannot be optimised away. Costs no
 * instruction beyond keeping the value in memory. */
static inline void mb_black_box(const void *p)
{
    __asm__ __volatile__("" : : "r"(p) : "memory");
}

/* A compiler barrier: all memory is assumed read and written here. */
static inline void mb_clobber(void)
{
    __asm__ __volatile__("" : : : "memory");
}
#else
/* Compilers without GNU inline asm: an out-of-line call through a volatile pointer. */
MB_API void mb__sink(const void *p);
static inline void mb_black_box(const void *p)
{
    mb__sink(p);
}
static inline void mb_clobber(void)
{
    mb__sink(NULL);
}
#endif

/* From inside a body, outside MB_LOOP (before it, or instead of it):
 * mb_skip() reports the benchmark as skipped with message (e.g. "needs AVX2"), mb_fail() as
 * failed with message; either way the body should return without entering MB_LOOP, and the
 * benchmark is not measured further. message is copied (up to 255 bytes). A failure makes
 * mb_main exit 1; a skip does not. */
MB_API void mb_skip(mb_state *state, const char *message);
MB_API void mb_fail(mb_state *state, const char *message);

/* Throughput: how many bytes or items one iteration processes. Call from the body, outside
 * MB_LOOP; the last value given counts. The reports add rates per second, with intervals,
 * derived from the median time per iteration and its interval. */
MB_API void mb_set_bytes_per_iter(mb_state *state, double bytes);
MB_API void mb_set_items_per_iter(mb_state *state, double items);

/* Per-iteration setup excluded from timing, without a clock read per iteration (criterion's
 * iter_batched): instead of MB_LOOP, the body calls mb_iter_batched() once. The harness runs
 * the iterations in batches: for each batch it calls setup on every input of the batch
 * (untimed), then runs routine over the batch's inputs between two clock reads, then
 * teardown on every input (untimed). Only the routine loops are timed. The batch size is
 * chosen from input_size and the estimated routine time: the inputs of one batch fit in half
 * of the largest per-core cache when they can, and a batch lasts long enough that its two
 * clock reads cost under 1 % (docs/authoring.md#batched-setup). */
typedef struct mb_batch {
    size_t input_size;                         /* bytes of one input (> 0) */
    void (*setup)(void *input, void *user);    /* prepares one input (may be NULL) */
    void (*routine)(void *input, void *user);  /* the timed work on one input */
    void (*teardown)(void *input, void *user); /* releases one input (may be NULL) */
    void *user;
} mb_batch;

MB_API void mb_iter_batched(mb_state *state, const mb_batch *batch);

/* Inside MB_LOOP: stop and restart the clock around work that must not count. Each pair reads
 * the clock twice and leaves a residual cost per pause in the time (measured in
 * docs/authoring.md#pause-and-resume); prefer mb_iter_batched() for per-iteration setup. */
MB_API void mb_pause(mb_state *state);
MB_API void mb_resume(mb_state *state);

/* Manual timing: adds ns nanoseconds of work timed by the body itself (e.g. on another
 * device, or from timestamps of work done elsewhere) to the current call. A call that adds
 * any reports the sum of what it added as its loop's time instead of the clock's reading;
 * call it inside MB_LOOP once per iteration, or once after the loop with the total. */
MB_API void mb_add_manual_time(mb_state *state, double ns);

/* User counters: what a body counts besides time. kind says how value, the total over this
 * call's loop, is reported:
 *   MB_PER_ITER    divided by the loop's iterations (an average per iteration)
 *   MB_PER_SECOND  divided by the loop's time in seconds (a rate)
 *   MB_PER_CALL    as given (a quantity per call of the body: sizes, depths, hit ratios)
 * Call after MB_LOOP in every call (up to MB_USER_COUNTERS_MAX names, each up to 63 bytes);
 * in threaded instances the threads' values are summed. Each counter is reported as the
 * median over the samples with its interval, in every format. */
typedef enum mb_counter_kind {
    MB_PER_ITER = 0,
    MB_PER_SECOND = 1,
    MB_PER_CALL = 2
} mb_counter_kind;
#define MB_USER_COUNTERS_MAX 16

MB_API void mb_set_counter(mb_state *state, const char *name, double value, mb_counter_kind kind);

#ifdef MICROBE_DISABLE
/* Compiled out: what a body (or a fixture, or a helper it calls) uses from the library gives a
 * fixed value instead, so that code outside the BENCH macros links without libmicrobe too, at
 * any optimisation level. Each call stays in sizeof, never evaluated, so that it still
 * type-checks against its prototype. MB_LOOP runs no iteration. */
#define MB__OFF(call, value) ((void)sizeof((call), 0), value)
#define mb_param_int(s, n) MB__OFF(mb_param_int(s, n), (int64_t)0)
#define mb_param_double(s, n) MB__OFF(mb_param_double(s, n), 0.0)
#define mb_param_string(s, n) MB__OFF(mb_param_string(s, n), "")
#define mb_param_function(s, n) MB__OFF(mb_param_function(s, n), (mb_fn)0)
#define mb_fixture(s) MB__OFF(mb_fixture(s), (void *)0)
#define mb_thread_index(s) MB__OFF(mb_thread_index(s), 0u)
#define mb_thread_count(s) MB__OFF(mb_thread_count(s), 1u)
#define mb__loop_start(s) MB__OFF(mb__loop_start(s), (uint64_t)0)
#define mb__loop_end(s) MB__OFF(mb__loop_end(s), 0)
#define mb_skip(s, m) MB__OFF(mb_skip(s, m), (void)0)
#define mb_fail(s, m) MB__OFF(mb_fail(s, m), (void)0)
#define mb_set_bytes_per_iter(s, x) MB__OFF(mb_set_bytes_per_iter(s, x), (void)0)
#define mb_set_items_per_iter(s, x) MB__OFF(mb_set_items_per_iter(s, x), (void)0)
#define mb_add_manual_time(s, x) MB__OFF(mb_add_manual_time(s, x), (void)0)
#define mb_iter_batched(s, b) MB__OFF(mb_iter_batched(s, b), (void)0)
#define mb_pause(s) MB__OFF(mb_pause(s), (void)0)
#define mb_resume(s) MB__OFF(mb_resume(s), (void)0)
#define mb_set_counter(s, n, v, k) MB__OFF(mb_set_counter(s, n, v, k), (void)0)
#endif

/* ---------------------------------------------------------------------------------------
 * 5. Settings
 * ------------------------------------------------------------------------------------- */

typedef enum mb_log_level { MB_LOG_ERROR = 0, MB_LOG_WARN = 1, MB_LOG_INFO = 2 } mb_log_level;

/* A log sink: one complete message per call, without a trailing newline. */
typedef void (*mb_log_fn)(void *user, mb_log_level level, const char *message);

/* A ready log sink: writes "PROGRAM: error: message" (or "warning", "note") as one line to
 * stderr, the lines mb_main() prints. user is the PROGRAM to name, a NUL-terminated string
 * (borrowed), or NULL for "microbe". Set settings.log = mb_log_stderr and settings.log_user
 * to your program's name; without a log, the library's messages are dropped. Thread-safe as
 * far as stdio is. */
MB_API void mb_log_stderr(void *user, mb_log_level level, const char *message);

/* Where a run is, for a progress display. */
typedef struct mb_progress {
    size_t index;      /* the benchmark being run, 0-based */
    size_t count;      /* benchmarks in the run */
    const char *name;  /* NULL: between benchmarks and at the end (clear any display) */
    const char *phase; /* "measuring" or "analysing" */
    double elapsed_s;  /* since the run started */
    double eta_s;      /* estimated time left in the run (docs/cli.md says how) */
} mb_progress;

/* A progress sink: called from the running thread, never inside a timed loop. */
typedef void (*mb_progress_fn)(void *user, const mb_progress *progress);

/* Run settings. Always start from mb_settings_init(); fields added later take space from
 * reserved, so code compiled against an older header keeps working. */
typedef struct mb_settings {
    double warm_up_time_s;     /* warm-up per benchmark in each part (default 0.005) */
    double measurement_time_s; /* measurement budget per benchmark in each part (0.02) */
    uint32_t min_samples;      /* samples before the precision rule may stop (default 10) */
    uint32_t max_samples;      /* samples planned; the most taken (default 100, <= 10000) */
    double precision;          /* target relative half-width of the median's interval (0.01) */
    double confidence;         /* confidence level of every interval (0.95) */
    uint32_t resamples;        /* bootstrap resamples (10000; 100 to 1000000) */
    uint64_t seed;             /* seeds sample order and bootstrap (fixed default) */
    const char *filter;        /* POSIX ERE on benchmark names, or NULL for all (borrowed); a
                                  BENCH_P instance also matches by its parameter form, each
                                  parameter "name:value" ("sort/n:64" for "sort/64") */
    mb_log_fn log;             /* NULL: messages are dropped */
    void *log_user;
    int log_level;           /* highest mb_log_level passed to log (default MB_LOG_WARN) */
    int smoke;               /* nonzero: run each body once, one iteration, no timing analysis: a
                                test that every benchmark works (results have no samples) */
    double profile_time_s;   /* > 0: run each body's loop for this long, no timing analysis,
                                for perf record and flame graphs (results have no samples) */
    mb_progress_fn progress; /* NULL: no progress reports */
    void *progress_user;
    const char *const *context; /* n_context "key=value" strings recorded with the results
                                   (--context); borrowed, unique keys */
    size_t n_context;
    int isolate;      /* nonzero: each benchmark runs in a forked child process (POSIX), so a
                         crash or a hang fails that benchmark only (see timeout_s) */
    double timeout_s; /* > 0: with isolate, a child still running after this long is killed
                         and its benchmark fails (0: no limit) */
    /* Baselines (docs/comparing.md). Strings are borrowed. */
    const char *baseline_dir;      /* where baselines live (NULL: ".microbe") */
    const char *save_baseline;     /* save each measured result under this name (NULL: no) */
    const char *baseline;          /* compare each result with this saved baseline (NULL: no) */
    double noise_threshold;        /* changes within +-this fraction count as none (0.02) */
    double significance;           /* alpha of the Holm-corrected rank test (0.05) */
    double run_noise;              /* log-scale sd of a whole run's offset between runs of the same
                                      binary, added to every change's interval (0.02) */
    const char *counters;          /* comma-separated performance counters read around every
                                      sample ("task-clock,page-faults"; docs/counters.md), or NULL */
    int instructions;              /* nonzero: also count each benchmark's instructions per
                                      iteration exactly, under valgrind's callgrind (POSIX): the
                                      program runs itself again, see mb_run() */
    double instructions_threshold; /* instruction-count changes within +-this fraction count as
                                      none (0.002: the count is deterministic) */
    /* Parts (docs/measurement.md): each benchmark is measured in forks x rounds short parts,
     * and its interval comes from the spread between them. forks > 0: the parts run in fresh
     * processes of the program (it runs itself again, like instructions), which mb_run can
     * do only after mb_main() or mb_ctx_set_program(); otherwise it measures as with forks 0:
     * `rounds` parts in this process, one by default, whose interval sees only the noise
     * within this run. */
    uint32_t forks;    /* fresh processes per run (default 5; 0: measure in this process) */
    uint32_t rounds;   /* parts in each process (default 1) */
    double run_offset; /* log-scale sd of the offset a whole run shares, which its parts cannot
                          see (drift between runs minutes apart), added to every change from
                          parts (0.005; docs/comparing.md) */
    int quick;         /* 1 once mb_settings_quick() applied the --quick profile, 0 otherwise
                          (-1 in a set read from a file that did not record it); recorded with
                          each result's plan_rule */
} mb_settings;

/* Fills s with the defaults above. */
MB_API void mb_settings_init(mb_settings *s);

/* Applies the --quick profile on top of s: warm-up 0.002 s, budget 0.01 s per part, at most 3
 * forks, 50 samples and 2000 resamples, and sets s->quick. For development runs; the
 * precision target is unchanged. */
MB_API void mb_settings_quick(mb_settings *s);

/* Checks a settings struct. Returns 0, or MB_EINVAL and, when message is not NULL, a static
 * string naming the offending field. */
MB_API int mb_settings_validate(const mb_settings *s, const char **message);

/* For a host program with arguments of its own (a test binary): applies the MICROBE_*
 * variables, then the microbe options in argv (which win), to *s, exactly as mb_main() does,
 * and removes those options and their values from argv. What is left keeps its order from
 * argv[1] on, *argc is its new count and argv[*argc] becomes NULL when anything was removed.
 * Values are checked as mb_main() checks them; settings neither gives keep their value in *s,
 * so set your defaults (log, smoke, ...) before the call.
 *
 * The rules (docs/running.md, "Embedding in a test binary"):
 *   - microbe takes "--NAME" and "--NAME=VALUE" for the options that set an mb_settings field
 *     (--filter, --smoke, --baseline, --seed, ...) and --quick; a NAME that takes a value
 *     without "=" takes the next word as its value, whatever it is ("--filter -x");
 *   - every other word stays, in order: unknown options, positional words (mb_main's FILTER
 *     included), single-dash options, and the front end's own options that no settings field
 *     holds: --help, -h, --version, --list, --format, --output, --color, --pin, --context,
 *     --fail-on-regression (their MICROBE_* variables are ignored too);
 *   - "--" ends microbe's options: it and every word after it stay as they are, so a host can
 *     pass a word that looks like a microbe option after "--";
 *   - a value given to a host option as a separate word is the host's when it does not start
 *     with "--NAME" of a microbe option: "--my-flag --seed" gives --seed to microbe; write
 *     "--my-flag=VALUE" to be sure.
 * Strings in *s then point into argv's words and the environment (borrowed: keep them).
 * Returns 0; MB_EINVAL with a one-line message in message (size bytes; NULL and 0 for none)
 * naming the option or variable and the bad value, *s and argv unchanged; or MB_ENOMEM. */
MB_API int mb_settings_from_args(mb_settings *s, int *argc, char **argv, char *message,
                                 size_t size);

/* ---------------------------------------------------------------------------------------
 * 6. Results
 * ------------------------------------------------------------------------------------- */

typedef enum mb_status {
    MB_STATUS_OK = 0,
    MB_STATUS_FAILED = 1, /* misused the API, crashed, timed out, or called mb_fail() */
    MB_STATUS_SKIPPED = 2 /* called mb_skip(): message says why */
} mb_status;

/* A rate per second derived from a per-iteration amount and the median time per iteration:
 * point = amount / median, low = amount / high end of the median's interval, and so on. */
typedef struct mb_rate {
    double per_iter;  /* the amount per iteration the body declared; 0 when it declared none */
    double point;     /* per second; NAN without an amount */
    double low, high; /* interval, from the median's */
} mb_rate;

/* How the samples were sized. Linear: sample k runs k*d iterations (a regression of time
 * on iterations is possible). Flat: every sample runs the same count (long bodies). */
typedef enum mb_plan_kind { MB_PLAN_LINEAR = 0, MB_PLAN_FLAT = 1 } mb_plan_kind;

/* Why sampling stopped. */
typedef enum mb_stop_reason {
    MB_STOP_PRECISION = 0, /* the median's interval reached the precision target */
    MB_STOP_BUDGET = 1,    /* the measurement budget was spent first */
    MB_STOP_SAMPLES = 2,   /* every planned sample was taken first */
    MB_STOP_LONG = 3       /* one iteration is so long that only a few samples fit */
} mb_stop_reason;

/* The stable lower-case names that every format writes, for a user's emitter to spell them
 * alike: "ok", "failed", "skipped"; "linear", "flat"; "precision", "budget", "samples",
 * "long"; "normal", "latency", "cold". "unknown" for a value outside the enum. Static
 * strings. */
MB_API const char *mb_status_name(mb_status status);
MB_API const char *mb_plan_name(mb_plan_kind plan);
MB_API const char *mb_stop_name(mb_stop_reason stop);
MB_API const char *mb_mode_name(mb_mode mode);

/* Warnings raised by the diagnostics; a result carries a bit set of them. */
typedef enum mb_warning {
    MB_WARN_UNSTABLE = 1u << 0,       /* per-iteration times vary widely (MdAPE or CV) */
    MB_WARN_DRIFT = 1u << 1,          /* a significant trend over time order */
    MB_WARN_OPTIMIZED_AWAY = 1u << 2, /* no slower than an empty loop: optimised away? */
    MB_WARN_PRECISION = 1u << 3,      /* the precision target was not reached */
    MB_WARN_LOW_R2 = 1u << 4,         /* time is not linear in iterations (R^2 < 0.9) */
    MB_WARN_OUTLIERS = 1u << 5,       /* outliers explain much of the variance */
    MB_WARN_FEW_SAMPLES = 1u << 6,    /* long benchmark: few samples, weak intervals */
    MB_WARN_SERIAL = 1u << 7,         /* successive samples are correlated */
    MB_WARN_UNOPTIMIZED = 1u << 8,    /* its translation unit was built without optimisation */
    MB_WARN_SANITIZED = 1u << 9,      /* its translation unit was built with a sanitizer */
    MB_WARN_LATENCY_SHORT = 1u << 10  /* latency mode: invocations too short to time well alone */
} mb_warning;

#define MB_WARN_COUNT 11

/* A short name ("unstable", "drift", ...) and a one-sentence explanation with a remedy for
 * one warning bit; NULL for anything else. Static strings. */
MB_API const char *mb_warning_name(unsigned warning);
MB_API const char *mb_warning_advice(unsigned warning);

/* A point estimate with its confidence interval and bootstrap standard error, all in
 * nanoseconds per iteration unless stated. Non-finite when not computable (e.g. n < 2). */
typedef struct mb_estimate {
    double point;
    double low;
    double high;
    double std_error;
} mb_estimate;

typedef enum mb_outlier_effect {
    MB_OUTLIER_EFFECT_UNAFFECTED = 0, /* outliers explain < 1 % of the variance */
    MB_OUTLIER_EFFECT_SLIGHT = 1,     /* < 10 % */
    MB_OUTLIER_EFFECT_MODERATE = 2,   /* < 50 % */
    MB_OUTLIER_EFFECT_SEVERE = 3      /* >= 50 % */
} mb_outlier_effect;

/* Per-sample outlier labels (Tukey fences on per-iteration times). */
typedef enum mb_outlier_class {
    MB_OUTLIER_NONE = 0,
    MB_OUTLIER_LOW_SEVERE = 1,
    MB_OUTLIER_LOW_MILD = 2,
    MB_OUTLIER_HIGH_MILD = 3,
    MB_OUTLIER_HIGH_SEVERE = 4
} mb_outlier_class;

typedef struct mb_outliers {
    double low_severe_fence;  /* q1 - 3 iqr */
    double low_mild_fence;    /* q1 - 1.5 iqr */
    double high_mild_fence;   /* q3 + 1.5 iqr */
    double high_severe_fence; /* q3 + 3 iqr */
    uint32_t low_severe, low_mild, high_mild, high_severe;
    double variance_fraction; /* 1 - var(inliers) / var(all), in [0, 1] */
    mb_outlier_effect effect;
} mb_outliers;

/* The verdict on a change against a baseline (docs/comparing.md). */
typedef enum mb_verdict {
    MB_VERDICT_NONE = 0,        /* no comparison: no baseline, or the benchmark is not in it */
    MB_VERDICT_UNCHANGED = 1,   /* the whole interval lies within +-noise_threshold */
    MB_VERDICT_IMPROVED = 2,    /* faster: the whole interval below -threshold, and significant */
    MB_VERDICT_REGRESSED = 3,   /* slower: the whole interval above +threshold, and significant */
    MB_VERDICT_INCONCLUSIVE = 4 /* none of these: measure longer or compare interleaved */
} mb_verdict;

/* "none", "unchanged", "improved", "regressed", "inconclusive"; NULL when unknown. */
MB_API const char *mb_verdict_name(mb_verdict verdict);

/* Why a verdict is inconclusive (docs/comparing.md, "The verdict"). */
typedef enum mb_reason {
    MB_REASON_NONE = 0,            /* the verdict is not inconclusive */
    MB_REASON_STRADDLES = 1,       /* the interval reaches both within and beyond the threshold */
    MB_REASON_UNSTABLE = 2,        /* regressed or improved, but the run was unstable and the
                                      change comes from one part on a side */
    MB_REASON_LOW_LEVEL = 3,       /* the interval's real level is below the confidence (too few
                                      paired rounds: [min, max] of 2 to 5 rounds) */
    MB_REASON_NOT_SIGNIFICANT = 4, /* the interval lies beyond the threshold, but the
                                      Holm-adjusted p-value is not below the significance */
    MB_REASON_NO_INTERVAL = 5      /* the interval or the p-value could not be computed */
} mb_reason;

/* "none", "straddles", "unstable", "low-level", "not-significant", "no-interval"; NULL when
 * unknown. */
MB_API const char *mb_reason_name(mb_reason reason);

/* How the plan of a result differs from its baseline's, so that the two medians may estimate
 * different things and a change between them may come from the plans (docs/statistics.md,
 * "What the median estimates"; docs/comparing.md, "When the plans differ"). Bits of
 * mb_change.plan_differs. Only the settings a plan is made by are compared, not what the
 * calibration made of them (plan kind, step), which varies between runs of one setting. */
typedef enum mb_plan_difference {
    MB_PLAN_DIFF_QUICK = 1u << 0, /* one side was measured with --quick, the other not */
    MB_PLAN_DIFF_RULE = 1u << 1,  /* the warm-up, the budget per part or the sample counts differ
                                     (reported only when QUICK is not) */
    MB_PLAN_DIFF_PARTS = 1u << 2  /* the sides were measured in parts of different kinds: in
                                     fresh processes, in one process, or in one part */
} mb_plan_difference;
#define MB_PLAN_DIFF_COUNT 3

/* A plan difference bit's short stable name ("quick", "rule", "parts") and one
 * sentence saying what differs; NULL for anything but a single known bit. Static strings. */
MB_API const char *mb_plan_difference_name(unsigned difference);
MB_API const char *mb_plan_difference_text(unsigned difference);

/* A result against its baseline. Times: higher is slower, so a ratio above 1 is a slowdown. */
typedef struct mb_change {
    mb_verdict verdict;
    double baseline_median_ns; /* the baseline's median time per iteration */
    double ratio;              /* median(new) / median(old) */
    double low, high;          /* its interval at the run's confidence, run noise included */
    double p_value;            /* two-sided, from the same noise model as [low, high]: with
                                  parts, Welch's t (below); with one part on a side, the normal
                                  test that inverts the widened interval, run noise included;
                                  for paired rounds, the sign test */
    double p_adjusted;         /* Holm-adjusted over the suite's comparisons */
    size_t baseline_samples;
    /* The parts behind the interval, the fewer of the two sides' (docs/comparing.md): with 2
     * or more, the interval and p_value come from the spread between parts (Welch's t on
     * their logarithms; paired t for group members), with nothing assumed; 0 when a side had
     * one part: the samples' bootstrap interval widened by the assumed settings.run_noise,
     * and the p-value that interval implies. */
    size_t parts;
    double level;          /* the real coverage of [low, high]: the run's confidence, or less when
                              too few paired rounds cannot reach it (the verdict is then
                              inconclusive); not recorded in files (NAN when read back) */
    mb_reason reason;      /* why the verdict is inconclusive; MB_REASON_NONE otherwise */
    unsigned plan_differs; /* against a baseline: mb_plan_difference bits, how the baseline's
                              plan differs from this result's (0: the same plan) */
} mb_change;

/* One performance counter of a result, normalised per iteration and analysed like time. */
typedef struct mb_counter {
    const char *name;     /* as given in settings.counters */
    const char *unit;     /* "count", or "ns" for task-clock and cpu-clock */
    int available;        /* 0: not counted (reason says why); the numbers are then NAN */
    const char *reason;   /* why it is unavailable, or NULL */
    int user_only;        /* the system allowed counting user space only */
    double coverage;      /* mean time running / time enabled over the samples: below 1 when
                             the kernel multiplexed the event (values are scaled for it) */
    mb_estimate per_iter; /* median per iteration with its order-statistic interval; mean in
                             std_error's place is not given: std_error is NAN */
    double mean_per_iter;
    const double *sample_values; /* n_samples totals, one per sample (NULL when unavailable) */
} mb_counter;

/* Ratios of counters of one result, when both of their events were counted (else NAN). */
typedef struct mb_counter_ratios {
    double ipc;              /* instructions / cycles */
    double branch_miss_rate; /* branch-misses / branches */
    double cache_miss_rate;  /* cache-misses / cache-references */
} mb_counter_ratios;

/* One user counter of a result (mb_set_counter): the median over the samples of its value
 * as its kind says, with the median's order-statistic interval (std_error NAN). */
typedef struct mb_user_counter {
    const char *name;
    mb_counter_kind kind;
    mb_estimate value;
    double mean;
} mb_user_counter;

/* A percentile of per-invocation times (latency and cold modes), in ns, with its
 * distribution-free order-statistic interval (NAN bounds when too few invocations). */
typedef struct mb_percentile {
    double p; /* 0.5, 0.9, 0.95, 0.99, 0.999 */
    double ns, low, high;
} mb_percentile;
#define MB_PERCENTILES 5

/* Per-invocation times of a latency or cold result (n is 0 for normal results). The values
 * come from a log-linear histogram whose buckets are at most relative_resolution wide: every
 * percentile is exact to within that fraction, and its bounds lie on bucket edges (the
 * smallest and largest value the buckets of its order statistics hold), so they hold those
 * order statistics exactly. The intervals allow for dependence between consecutive
 * invocations (serial) and, over parts, for the spread between parts. */
typedef struct mb_latency {
    uint64_t n;                 /* invocations timed */
    double threshold_ns;        /* the shortest invocation latency mode times alone */
    double relative_resolution; /* bucket width over value, at most */
    mb_percentile percentiles[MB_PERCENTILES];
    double min_ns, max_ns, mean_ns;
    /* Spearman's correlation of each invocation's time with the one before (the mean over
     * parts); NAN when unknown. */
    double serial;
    /* Invocations shorter than threshold_ns (MB_WARN_LATENCY_SHORT) are timed alone all the
     * same, with timer_cost_ns subtracted from each: resolution_limited is then 1 and their
     * times are uncertain by about the timer's resolution and the spread of its cost, which
     * a percentile's interval does not hold. */
    int resolution_limited;
    double timer_cost_ns;       /* the clock's cost per read (NAN when unknown) */
    double timer_resolution_ns; /* the clock's resolution (NAN when unknown) */
} mb_latency;

/* The rule a result's plan was made by: the settings that sized its samples and its parts,
 * recorded with it (a baseline directory keeps each benchmark's own) so that a comparison can
 * tell when the two sides were measured under different plans (mb_change.plan_differs). Read
 * from a file that did not record it: its run's settings, or unknown (max_samples 0) when the
 * file has none either. */
typedef struct mb_plan_rule {
    int quick;                 /* measured with --quick: 1, 0, or -1 when unknown */
    double warm_up_time_s;     /* warm-up in each part */
    double measurement_time_s; /* measurement budget in each part */
    uint32_t min_samples, max_samples;
    double precision; /* the stopping rule's target */
    uint32_t forks;   /* fresh processes the parts ran in; 0: in the measuring process */
    uint32_t rounds;  /* parts in each process */
} mb_plan_rule;

/* One benchmark's result. Owned by the context; valid until mb_ctx_free() or the next
 * mb_run(). Times are nanoseconds per iteration unless a name says otherwise. */
typedef struct mb_result {
    const char *name;
    const char *file;
    int line;
    unsigned build;       /* mb_build_flag bits of the benchmark's translation unit */
    const char *compiler; /* its compiler, or NULL when unknown */
    mb_status status;
    const char *message; /* why it failed, or NULL */

    /* How it was measured. */
    mb_plan_kind plan;
    mb_stop_reason stop;
    uint64_t iters_step;    /* d: linear sample k runs k*d; flat samples run d */
    uint64_t warm_up_iters; /* iterations run during warm-up */
    double warm_up_ns;      /* warm-up estimate of the time per iteration */
    double wall_time_s;     /* warm-up + measurement + analysis, by the clock */

    /* Raw samples in run order: sample_iters[i] iterations took sample_ns[i] ns in all. */
    size_t n_samples;
    const uint64_t *sample_iters;
    const double *sample_ns;
    const unsigned char *sample_outlier; /* mb_outlier_class per sample */
    uint64_t total_iters;

    /* Estimates of the time per iteration. The median's interval is the distribution-free
     * interpolated order-statistic interval (see docs/statistics.md);
     * percentile bootstrap intervals for MAD and min; BCa for mean, std_dev and slope. Every
     * std_error is the standard deviation of the bootstrap replicates. */
    double confidence;
    uint32_t resamples;
    mb_estimate median; /* the primary estimate */
    mb_estimate mean;
    mb_estimate std_dev;
    mb_estimate mad; /* scaled by 1.4826 to estimate sigma for normal data */
    mb_estimate min;
    mb_estimate slope;   /* OLS slope of sample time on iterations (linear plan only) */
    double intercept_ns; /* OLS intercept, ns per sample */
    double r_squared;
    double median_level;    /* coverage of the median's interval: the confidence, or the
                               lower exact level of [min, max] when n is too small */
    double median_boot_low; /* percentile bootstrap interval of the median (cross-check) */
    double median_boot_high;
    double q1, q3, iqr;    /* type-7 quartiles */
    double cv;             /* std_dev / mean */
    double mdape;          /* median |t - median| / median */
    double rel_half_width; /* (high - low) / 2 / point of the median's interval */

    mb_outliers outliers;
    double drift_tau; /* Kendall's tau of time per iteration against run order */
    double drift_p;   /* its two-sided p-value */
    double drift;     /* the change over the run relative to the median: OLS slope of time
                         per iteration on run order, times (n - 1), over the median */
    double lag1_autocorr;
    unsigned warnings; /* bit set of mb_warning */
    mb_change change;  /* against settings.baseline; verdict MB_VERDICT_NONE without one */

    /* BENCH_GROUP members: the group, its baseline member, and this member's ratio to it from
     * the paired samples (verdict MB_VERDICT_NONE for the baseline member itself and outside
     * groups; p_value is the exact sign test of the paired log ratios). */
    const char *group;
    const char *group_baseline;
    mb_change paired;

    /* A BENCH_P instance's parameter values (n_params is 0 otherwise). */
    size_t n_params;
    const mb_param_value *params;

    /* Throughput (mb_set_bytes_per_iter, mb_set_items_per_iter). */
    mb_rate bytes_per_s;
    mb_rate items_per_s;

    /* settings.instructions: instructions per iteration counted by callgrind, exact and
     * repeatable (NAN when not counted), and their change against the baseline (ratio and
     * interval equal; p-values NAN; verdict by settings.instructions_threshold alone). */
    double instructions_per_iter;
    mb_change instructions_change;

    /* settings.counters, in their order (n_counters is 0 without them). */
    size_t n_counters;
    const mb_counter *counters;
    mb_counter_ratios ratios; /* from the per-iteration medians */

    /* How it was timed; latency and cold results also carry per-invocation percentiles. A
     * latency benchmark whose invocations are shorter than latency.threshold_ns is measured
     * normally for its samples (the median and the rest), with warning
     * MB_WARN_LATENCY_SHORT, and its invocations are then timed alone for the percentiles,
     * less the clock's cost (latency.resolution_limited). */
    mb_mode mode;
    mb_latency latency;

    /* Threaded instances (MB_THREADS): the thread count (1 otherwise). The times above are per
     * thread: the wall time from the common start of a sample to its last thread's end, over
     * one thread's iterations. The rates are aggregate: all threads' work per second. */
    unsigned threads;

    /* mb_set_counter(), in the order the body first set them. */
    size_t n_user_counters;
    const mb_user_counter *user_counters;

    /* The parts it was measured in (settings forks and rounds; docs/measurement.md): their
     * count, each part's median time per iteration (in the order measured), and the standard
     * deviation of their logarithms: the spread between parts. With n_parts >= 2 the median
     * above is the geometric mean of the parts' medians, and its interval the Student t
     * interval of their logarithms, so that it holds the noise between processes; the samples
     * above are all parts' together. n_parts 1: one part, whose interval sees only the noise
     * within it (part_log_sd NAN). */
    size_t n_parts;
    const double *part_medians;
    double part_log_sd;
    unsigned parts_redone;  /* parts measured again: their process was disturbed as a whole (a
                               part 10 % and 4 robust spreads away from the others) */
    unsigned parts_dropped; /* 1 when a part was still disturbed after 3 new measurements and
                               was left out: n_parts counts the others */
    mb_plan_rule plan_rule; /* the settings its plan (plan, iters_step) was made by */
} mb_result;

/* One CPU cache as the operating system describes it. */
typedef struct mb_cache {
    int level;        /* 1, 2, 3, ... */
    const char *type; /* "Data", "Instruction" or "Unified" */
    uint64_t size_bytes;
    int shared_by; /* logical CPUs sharing it; 0 when unknown */
} mb_cache;

/* The conditions of a run, captured when it starts. Strings are never NULL ("" when
 * unknown); numbers are -1 (integers) or NAN (doubles) when unknown. */
typedef struct mb_environment {
    const char *date; /* start of the run, ISO 8601 UTC: "2026-11-26T04:59:43Z" */
    const char *host;
    const char *executable; /* absolute path of the running program where readable */
    const char *os;         /* kernel name, release and machine: "Linux 6.1.0-26 x86_64" */
    const char *cpu_model;
    int logical_cpus; /* online logical CPUs */
    size_t n_caches;
    const mb_cache *caches; /* of the first CPU, by level then type */
    double load_avg[3];     /* 1, 5 and 15 minute load averages */
    int aslr;               /* Linux randomize_va_space: 0 off, 1 partial, 2 full; -1 */
    const char *build_type; /* how the library was built: "release", "debug", ... */
    const char *compiler;   /* the compiler that built the library */
    /* What most often makes timings drift or differ between runs (Linux sysfs/procfs): */
    const char *governor;       /* the frequency governor of the CPUs this process may run on
                                   (the pinned one with --pin): "performance", "powersave";
                                   "mixed: a,b" when they differ; "" unknown */
    int boost;                  /* turbo/boost: 1 on, 0 off, -1 unknown */
    int smt;                    /* simultaneous multithreading active: 1, 0, -1 unknown */
    const char *isolated_cpus;  /* kernel's isolated CPU list ("" when none or unknown) */
    int virtualized;            /* the CPU reports a hypervisor: 1, 0, -1 unknown */
    double perf_event_paranoid; /* /proc/sys/kernel/perf_event_paranoid; NAN when unknown */
} mb_environment;

/* Conditions of the machine that make timings noisy or unrepresentative; bits of
 * mb_hygiene(). */
typedef enum mb_hygiene_flag {
    MB_HYGIENE_GOVERNOR = 1u << 0, /* the frequency governor is known and not "performance" */
    MB_HYGIENE_BOOST = 1u << 1,    /* turbo/boost is on: the clock rate follows temperature */
    MB_HYGIENE_LOAD = 1u << 2,     /* the 1-minute load average exceeds half the CPUs + 0.5 */
    MB_HYGIENE_VM = 1u << 3        /* a virtual machine: neighbours share the hardware */
} mb_hygiene_flag;
#define MB_HYGIENE_COUNT 4

/* The hygiene problems of an environment (mb_hygiene_flag bits); unknown facts never count. */
MB_API unsigned mb_hygiene(const mb_environment *env);
/* A hygiene bit's short stable name ("governor", "boost", "load", "vm") and one sentence with
 * the remedy, or NULL for anything but a single known bit. */
MB_API const char *mb_hygiene_name(unsigned flag);
MB_API const char *mb_hygiene_advice(unsigned flag);

/* Complexity: the growth of a parameterised benchmark's median time with its one integer
 * parameter, fitted as t = a + c f(n) with a, c >= 0 for each model below, and t = a for O(1)
 * (docs/authoring.md#complexity). Only for a BENCH_P with MB_FIT_COMPLEXITY or
 * MB_COMPLEXITY(f). */
typedef enum mb_complexity_model {
    MB_O_1 = 0,
    MB_O_LOG_N = 1,
    MB_O_N = 2,
    MB_O_N_LOG_N = 3,
    MB_O_N2 = 4,
    MB_O_N3 = 5,
    MB_O_USER = 6 /* the benchmark's own model, MB_COMPLEXITY(f) */
} mb_complexity_model;
#define MB_COMPLEXITY_MODELS 6 /* the built-in ones */

/* "O(1)", "O(log n)", "O(n)", "O(n log n)", "O(n^2)", "O(n^3)"; NULL for anything else
 * (MB_O_USER's name is its function's, in mb_complexity_fit.name). */
MB_API const char *mb_complexity_name(mb_complexity_model model);

typedef struct mb_complexity_fit {
    mb_complexity_model model;
    double coefficient_ns; /* c in t = a + c f(n), f with log base 2; 0 for O(1) */
    double rms;            /* root mean square of the relative residuals (t - a - c f) / t */
    const char *name;      /* "O(n log n)", or the user function's name */
    double intercept_ns;   /* a: the fixed cost per iteration; 0 when read from a file
                              written before fits had one (O(1) is then coefficient_ns) */
} mb_complexity_fit;

typedef struct mb_complexity {
    const char *benchmark; /* the BENCH_P's name (without its parameter) */
    const char *parameter;
    size_t n_points; /* instances fitted: at least 3 */
    size_t n_fits;   /* MB_COMPLEXITY_MODELS, plus one with MB_COMPLEXITY(f) */
    /* Best first, by BIC, k ln(RSS / k) + p ln k on the relative residuals: by rms between
     * models with both a and c (p = 2), O(1) (p = 1) charged one parameter less. */
    mb_complexity_fit fits[MB_COMPLEXITY_MODELS + 1];
} mb_complexity;

/* About the whole run; passed to emitters. */
typedef struct mb_run_info {
    const char *library_version;
    const char *timer;          /* clock name */
    double timer_resolution_ns; /* smallest positive difference of back-to-back reads */
    double timer_cost_ns;       /* median cost of one read */
    double min_sample_ns;       /* T_min: the shortest sample the planner will run */
    double loop_overhead_ns;    /* an empty MB_LOOP's time per iteration */
    uint64_t seed;
    const mb_settings *settings;
    size_t n_benchmarks;      /* how many are selected for this run */
    const char *const *names; /* their names, in run order */
    int64_t start_time_unix;  /* seconds since the epoch */
    const mb_environment *env;
    int interrupted;     /* set before end() when mb_ctx_interrupt() cut the run short:
                            n_benchmarks then counts only the results emitted */
    size_t n_complexity; /* set before end(): a fit per BENCH_P that asked for one */
    const mb_complexity *complexity;
    size_t pairs;           /* a set compared by mb_results_pair(): its rounds (pairs of runs,
                               old and new); 0 otherwise */
    const char *pairs_stop; /* why those rounds stopped (mb_results_set_stop()), or NULL */
    uint32_t forks_used;    /* fresh processes the parts ran in (settings.forks), or 0 when the
                               run measured in this process (--forks 0, no program to start again
                               (mb_ctx_set_program), smoke and profile runs) */
} mb_run_info;

/* ---------------------------------------------------------------------------------------
 * 7. Emitters
 * ------------------------------------------------------------------------------------- */

/* An output: a struct of callbacks with a user pointer. Any callback may be NULL. Each
 * returns 0 or a negative MB_E* code; a failing emitter stops the run with that code. The
 * pointers passed are borrowed for the duration of the call. destroy() is called once, by
 * mb_ctx_free(), for emitters added to a context. */
typedef struct mb_emitter {
    void *user;
    int (*begin)(void *user, const mb_run_info *info);
    int (*result)(void *user, const mb_run_info *info, const mb_result *result);
    int (*end)(void *user, const mb_run_info *info);
    void (*destroy)(void *user);
} mb_emitter;

/* The text report: one aligned row per benchmark; below the table, the sections that apply
 * (latency percentiles, throughput, user counters, counters, complexity, changes) and the
 * warnings. out stays the caller's (never closed). No colour, no width limit. Returns 0 or
 * MB_ENOMEM. */
MB_API int mb_emitter_text(mb_emitter *emitter, FILE *out);

typedef struct mb_text_options {
    int color; /* nonzero: ANSI colours (the CLI decides: terminal, NO_COLOR, --color) */
    int width; /* the widest a line may be; columns are dropped to fit; 0: no limit */
    unsigned char reserved[32];
} mb_text_options;

/* The text report with options (NULL: as mb_emitter_text). */
MB_API int mb_emitter_text_opts(mb_emitter *emitter, FILE *out, const mb_text_options *options);

/* A built-in emitter by format name, writing to out (which stays the caller's):
 *   "text"         the report above
 *   "json"         the canonical, versioned results (docs/formats.md, docs/schema/)
 *   "csv"          RFC 4180, a header row, one row per benchmark
 *   "csv-samples"  RFC 4180, a header row, one row per raw sample
 *   "markdown"     a table for a pull-request comment
 *   "gbench-json"  Google Benchmark's JSON layout
 *   "bmf"          Bencher Metric Format
 * Returns 0, MB_EINVAL for an unknown name, or MB_ENOMEM. */
MB_API int mb_emitter_new(mb_emitter *emitter, const char *format, FILE *out);

/* The same, writing to the file at path whole or not at all: the output goes to a temporary
 * file in the same directory, created now, and is renamed over path when the run ends
 * successfully; otherwise it is removed. It serves one run: a second mb_run() with it fails
 * with MB_EIO. Returns 0, MB_EINVAL for an unknown format,
 * MB_EIO when the temporary file cannot be created (errno says why), or MB_ENOMEM. */
MB_API int mb_emitter_open(mb_emitter *emitter, const char *format, const char *path);

/* The built-in format names, NULL-terminated. */
MB_API const char *const *mb_emitter_formats(void);

/* ---------------------------------------------------------------------------------------
 * 8. Running
 * ------------------------------------------------------------------------------------- */

typedef struct mb_ctx mb_ctx;

/* Creates a context from settings (copied; the filter string stays borrowed). Returns 0,
 * MB_EINVAL for invalid settings, MB_EREGEX for a bad filter, or MB_ENOMEM. */
MB_API int mb_ctx_new(mb_ctx **out, const mb_settings *settings);

/* Frees the context, its results and its emitters (calling their destroy). NULL is a no-op. */
MB_API void mb_ctx_free(mb_ctx *ctx);

/* Adds an emitter (copied); the context owns it from now on, even when this fails. */
MB_API int mb_ctx_add_emitter(mb_ctx *ctx, const mb_emitter *emitter);

/* The program's arguments (argv[0] first, NULL after the last), borrowed until mb_ctx_free().
 * With settings.forks > 0, mb_run() measures in fresh processes of this program, started
 * again with these arguments (/proc/self/exe on Linux, else argv[0] looked up in PATH): the
 * program must reach mb_run() with the same benchmarks and settings, as mb_main() does, which
 * calls this itself. Without it (an embedding host), mb_run() measures as with forks 0.
 * NULL forgets a program set before. */
MB_API void mb_ctx_set_program(mb_ctx *ctx, char *const *argv);

/* Runs every registered benchmark that matches the filter, in (file, line) order, and feeds
 * each result to the emitters. Returns 0 when the run completed (individual benchmarks may
 * still have failed: see mb_result.status), MB_EDUP for duplicate names, MB_EINTR when it
 * was interrupted (the emitters' end() still ran, with the results finished before the
 * interruption), or the first error of an emitter or allocation.
 *
 * With settings.instructions the program is started again, without arguments, under
 * valgrind, twice per benchmark. In that child mb_run() calls the one benchmark asked for
 * once (if this context selects it) and returns 0 without results or emitter calls, or
 * MB_EUSAGE when its body misused MB_LOOP; later runs in the child do nothing. The program
 * should then end as after any run, with exit status 0 when mb_run() returned 0. */
MB_API int mb_run(mb_ctx *ctx);

/* Asks a running mb_run() to stop: the benchmark being measured is abandoned (its samples are
 * dropped, an isolated child is killed), no further benchmark starts, and mb_run() returns
 * MB_EINTR after the emitters' end(). Async-signal-safe: meant to be called from a SIGINT or
 * SIGTERM handler (mb_main installs one). The request lasts until the next mb_run() starts. */
MB_API void mb_ctx_interrupt(mb_ctx *ctx);

/* The results of the last mb_run(), in run order. */
MB_API size_t mb_ctx_result_count(const mb_ctx *ctx);
MB_API const mb_result *mb_ctx_result(const mb_ctx *ctx, size_t index);

/* The result of the last mb_run() named exactly name, or NULL when it has none. Valid until
 * mb_ctx_free() or the next run. */
MB_API const mb_result *mb_ctx_find(const mb_ctx *ctx, const char *name);

/* mb_run() for the one benchmark named exactly name (a BENCH_P instance by its full name,
 * "sort/64"), in place of the settings' filter for this run only: measured, compared with
 * settings.baseline and saved to settings.save_baseline as in any run, and fed to the
 * emitters. *result (when result is not NULL) receives its result, as mb_ctx_find() gives
 * it, or NULL. Returns mb_run()'s codes, and MB_EINVAL (logged) when no registered
 * benchmark has that name. */
MB_API int mb_ctx_run_one(mb_ctx *ctx, const char *name, const mb_result **result);

/* Calls fn for every registered benchmark matching the context's filter, in run order. */
MB_API int mb_ctx_list(mb_ctx *ctx, void (*fn)(void *user, const mb_bench *bench), void *user);

/* The command-line front end: parses argv and MICROBE_* variables, runs, prints the text
 * report on stdout. Returns the process exit code: 0 success, 1 a benchmark failed, 2 bad
 * usage, 130 interrupted by SIGINT or SIGTERM (handled only while the benchmarks run: the
 * results finished so far are reported and every output file is written whole).
 * libmicrobe_main provides a main() that calls it. */
MB_API int mb_main(int argc, char **argv);

/* ---------------------------------------------------------------------------------------
 * 9. Result files
 * ------------------------------------------------------------------------------------- */

/* A set of results read back from files in the JSON format (--format json, --output
 * json:PATH, the files of a baseline directory; docs/formats.md): each benchmark as an
 * mb_result, and the run's context as an mb_run_info. Opaque; everything in it is owned by
 * the set and valid until mb_results_free(). Not thread-safe: one thread at a time. */
typedef struct mb_results mb_results;

/* Reads the results file at path. With *set NULL, *set receives a new set; otherwise the
 * file's benchmarks are added to *set, each replacing one of the same name (so reading a
 * baseline directory file by file merges it). Every field the JSON format records is read
 * back into the results (a member missing from an older file keeps the value an empty result
 * has: 0, NULL or NAN), and so is the run's context: the set's mb_results_info() is that of
 * the first file read. Returns 0; MB_EIO when the file cannot be read (errno says why);
 * MB_EINVAL when it is not a valid microbe results document of schema version 1 (strict
 * JSON, right types, consistent samples) or larger than 256 MiB; MB_ENOMEM. Reading takes
 * about 2.5 times the file's size in memory at the peak, and time linear in it (about 1 s of
 * CPU for 100 MB; docs/performance.md, "Scale"). On failure *set is unchanged and, when
 * message is not NULL, message (size bytes) receives one line naming the file and the
 * problem ("old.json: line 3, column 14: ..."). */
MB_API int mb_results_read(const char *path, mb_results **set, char *message, size_t size);

/* Frees a set and everything in it. NULL is a no-op. */
MB_API void mb_results_free(mb_results *set);

/* The results of a set in file order, or NULL for an index out of range; the result named
 * name, or NULL. Valid until the set is changed or freed. */
MB_API size_t mb_results_count(const mb_results *set);
MB_API const mb_result *mb_results_get(const mb_results *set, size_t index);
MB_API const mb_result *mb_results_find(const mb_results *set, const char *name);

/* The run's context as the first file read recorded it: library version, timer, seed,
 * settings, environment, complexity fits. n_benchmarks and names list the set's results. */
MB_API const mb_run_info *mb_results_info(const mb_results *set);

/* Keeps only the results whose name (or parameter form, as settings.filter) matches filter,
 * a POSIX extended regular expression (NULL or "" keeps all). The others are still matched
 * by mb_results_compare, so that a filter never changes a match. Returns 0, or MB_EREGEX or
 * MB_ENOMEM with the set unchanged. */
MB_API int mb_results_filter(mb_results *set, const char *filter);

/* Compares every result of set with the result of the same name in baseline (else with the
 * one result of the same benchmark whose parameters agree, docs/comparing.md, "Renamed
 * benchmarks"; warnings through s->log name the results without one, those matched by
 * parameters, and baseline's results that no result of set matches), by the rules a
 * run applies against its baseline (docs/comparing.md): with parts on both sides, Welch's t on
 * the parts' log medians; otherwise the ratio of medians with its bootstrap interval
 * (s->resamples at s->confidence, seeded from s->seed and the name), widened by s->run_noise,
 * and the p-value of that widened interval; Holm's correction over the results compared; the
 * verdict from s->noise_threshold and s->significance, and its reason; no regressed or
 * improved verdict for a one-part change of a result with MB_WARN_UNSTABLE (reason
 * MB_REASON_UNSTABLE); the instruction-count change by
 * s->instructions_threshold. Fills each result's change and instructions_change (verdict
 * MB_VERDICT_NONE for those not in baseline), and records the comparison's settings in the
 * set's info, where the emitters read them, with s->baseline (copied) or else the path of
 * baseline's first file as the baseline's name. To find what the run that wrote set would
 * have found against that baseline, pass its own settings (mb_results_info(set)->settings)
 * with the thresholds wanted. s is used as given (mb_settings_validate() checks it): a change
 * that out-of-range settings cannot compute has no verdict, a verdict that they cannot decide
 * is inconclusive. Returns 0 or MB_ENOMEM. */
MB_API int mb_results_compare(mb_results *set, const mb_results *baseline, const mb_settings *s);

/* The paired comparison of two programs run alternately (microbe-compare --exec): for result
 * i of set, old_rounds[i] and new_rounds[i] hold the estimates (e.g. medians) of `rounds`
 * rounds, each measuring the old and the new program within moments of each other; NULL for
 * a result not compared. Each result's change becomes the median of the rounds' log ratios
 * with its distribution-free interval at s->confidence and the exact sign test, Holm-corrected
 * over the results compared, with a verdict by s->noise_threshold and s->significance
 * (inconclusive, MB_REASON_LOW_LEVEL, while too few rounds hold the interval's level below
 * s->confidence: up to 5 rounds at 95 %; no
 * run-noise term: the rounds' spread holds it; docs/comparing.md). The set's info records the
 * settings as mb_results_compare does (run noise 0; s->baseline or "old" as the name), and
 * rounds as its pairs (mb_results_compare sets them back to 0). A
 * result gets no change (MB_VERDICT_NONE) when rounds is below 2 or one of its estimates is not
 * finite and positive. Returns 0 or MB_ENOMEM. */
MB_API int mb_results_pair(mb_results *set, const double *const *old_rounds,
                           const double *const *new_rounds, size_t rounds, const mb_settings *s);

/* Records why the rounds of a paired comparison stopped, for the reports: reason is a word or
 * two such as "settled" (every verdict decided), "budget" (the time allowed was spent) or
 * "maximum" (the most rounds allowed were run); microbe-compare --exec uses these three. The
 * text and markdown reports print it with the number of rounds (info's pairs) in the heading of
 * the change section, the JSON as "stop" in every change. reason is copied; NULL clears it.
 * Returns 0 or MB_ENOMEM. */
MB_API int mb_results_set_stop(mb_results *set, const char *reason);

/* Feeds the set's results, in order, to an emitter: begin(), result() for each, end(), with
 * mb_results_info() as the run. So any format (mb_emitter_new) renders a loaded or compared
 * set: the text and markdown reports then have their change section, the JSON a change object
 * per result. Stops at the first error the emitter returns, and returns it;
 * 0 otherwise. The emitter stays the caller's (destroy is not called). */
MB_API int mb_results_emit(const mb_results *set, const mb_emitter *emitter);

#ifdef __cplusplus
}
#endif

#endif /* MICROBE_H */
