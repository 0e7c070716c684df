/*
 * Every built-in emitter fed fixed, hand-made results (no timing involved) and compared byte
 * for byte with tests/golden/emit_<format>.txt (and the text report with colour and a width
 * limit with emit_text-narrow.txt), first in the C locale and then in a German one, whose
 * decimal comma must not reach any output. The results cover normal, latency and cold modes,
 * a threaded instance, user counters of every kind and a user complexity model. Also: unknown
 * format names, write errors, mb_emitter_open's whole-or-nothing files, and that every
 * fixed field a format writes beside user counters is a name mb_set_counter() refuses.
 * MB_UPDATE_GOLDEN=1 rewrites the golden files after an intended change.
 */
#define _POSIX_C_SOURCE 200809L

#include "check.h"
#include "microbe.h"
#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <locale.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- The fixed run ------------------------------------------------------------------- */

static const mb_cache caches[] = {
    {1, "Data", 32768, 2},
    {1, "Instruction", 32768, 2},
    {2, "Unified", 1048576, 2},
    {3, "Unified", 33554432, 0}, /* sharing unknown */
};

static const mb_environment env = {
    "2026-11-26T04:59:43Z",
    "bench-host",
    "/opt/bench/split",
    "Linux 6.1.0-26-amd64 x86_64",
    "Example CPU @ 3.00GHz",
    8,
    sizeof caches / sizeof caches[0],
    caches,
    {0.25, 1.5, 2.125},
    2,
    "release",
    "gcc 12.2.0",
    "performance",
    0,
    -1, /* SMT unknown */
    "2-3",
    1,
    2,
};

static const char *const names[] = {
    "sort_linear", "broken_body",          "a\"b,c|d", "request",
    "cold_lookup", "queue_push/threads:4", "tiny_get",
};

/* Linear plan, d = 1000, sample k runs k*d iterations, in a shuffled run order; the sample
 * of k = 9 is a high severe outlier. */
static const uint64_t linear_iters[] = {3000, 7000,  1000, 12000, 5000,  9000,
                                        2000, 11000, 6000, 4000,  10000, 8000};
static const double linear_ns[] = {37680.25, 87710.5,   12690.75, 150170,   62695.125, 157620,
                                   25185.5,  137690.25, 75170,    50205.75, 125180.5,  100195};
static const unsigned char linear_outlier[] = {0, 0, 0, 0, 0, MB_OUTLIER_HIGH_SEVERE,
                                               0, 0, 0, 0, 0, 0};

static const uint64_t flat_iters[] = {1, 1, 1, 1};
static const double flat_ns[] = {2503125.5, 2498000, 2511750.25, 2500312};
static const unsigned char flat_outlier[] = {0, 0, 0, 0};

/* Counters of sort_linear: page-faults counted per sample, cycles unavailable. */
static const double fault_totals[] = {3, 7, 1, 12, 5, 9, 2, 11, 6, 4, 10, 8};
static const mb_counter sort_counters[] = {
    {"page-faults", "count", 1, NULL, 0, 1.0, {0.001, 0.001, 0.001, NAN}, 0.001, fault_totals},
    {"cycles",
     "count",
     0,
     "not supported by this CPU or VM",
     0,
     NAN,
     {NAN, NAN, NAN, NAN},
     NAN,
     NULL},
};

/* Per-invocation times: request in latency mode (every percentile with its interval),
 * its p50 apart from the table's median, which throughput uses; cold_lookup in cold mode (too
 * few invocations for the upper percentiles' intervals). */
static const uint64_t request_iters[] = {1000, 1000, 1000, 1000, 1000};
static const double request_ns[] = {12410250, 12388000, 12520500, 12371750, 12603125};
static const unsigned char request_outlier[] = {0, 0, 0, 0, 0};
static const mb_user_counter request_counters[] = {
    {"a;b=c%,d", MB_PER_CALL, {3, 2, 4, NAN}, 3.2},
};

static const uint64_t cold_iters[] = {1, 1, 1, 1, 1, 1, 1, 1};
static const double cold_ns[] = {1843.5, 1790, 1911, 2150, 1802.25, 1875, 2210, 1822};
static const unsigned char cold_outlier[] = {0, 0, 0, 0, 0, 0, 0, 0};

/* queue_push/threads:4: four threads, a rate over all of them, user counters of every kind. */
static const uint64_t queue_iters[] = {20000, 40000, 60000, 80000};
static const double queue_ns[] = {965000, 1931500, 2893250, 3861000};
static const unsigned char queue_outlier[] = {0, 0, 0, 0};
static const mb_param_value queue_params[] = {{"threads", MB_PARAM_THREADS, 4, 0, NULL, NULL}};
static const mb_user_counter queue_counters[] = {
    {"cas_retries", MB_PER_ITER, {0.0625, 0.05, 0.075, NAN}, 0.0641},
    {"wakeups", MB_PER_SECOND, {15250, 14875.5, 15612, NAN}, 15301.25},
    {"max_depth", MB_PER_CALL, {37, NAN, NAN, NAN}, 36.5},
};

/* tiny_get: asked for latency mode, too short to time one invocation alone well:
 * resolution-limited percentiles. */
static const uint64_t tiny_iters[] = {1000, 2000, 3000, 4000};
static const double tiny_ns[] = {2510, 5020.5, 7519, 10033};
static const unsigned char tiny_outlier[] = {0, 0, 0, 0};

/* sort: built-in models only, without names (as a struct made by hand before fits had
 * names), with a fixed cost; lookup: a user model ranked first, without one. */
static const mb_complexity complexity[] = {
    {"sort",
     "n",
     4,
     6,
     {{MB_O_N_LOG_N, 3.357, 0.04, NULL, 120},
      {MB_O_N, 12.5, 0.454, NULL, 0},
      {MB_O_N2, 0.02, 0.9, NULL, 450},
      {MB_O_LOG_N, 150, 0.95, NULL, 0},
      {MB_O_1, 0, 0.97, NULL, 900},
      {MB_O_N3, 1e-6, 0.99, NULL, 700},
      {MB_O_1, 0, 0, NULL, 0}}},
    {"lookup",
     "n",
     5,
     7,
     {{MB_O_USER, 0.8125, 0.021, "n_sqrt_n", 0},
      {MB_O_N_LOG_N, 1.75, 0.083, "O(n log n)", 0},
      {MB_O_N, 14.25, 0.21, "O(n)", 0},
      {MB_O_N2, 0.0031, 0.62, "O(n^2)", 2500},
      {MB_O_LOG_N, 480, 0.88, "O(log n)", 0},
      {MB_O_1, 0, 0.93, "O(1)", 2900},
      {MB_O_N3, 2e-7, 0.95, "O(n^3)", 2800}}},
};

#define N_RESULTS (sizeof names / sizeof names[0])

static mb_settings settings;
static mb_run_info info;
static mb_result results[N_RESULTS];

static void make_run(void)
{
    mb_settings_init(&settings);
    settings.filter = "sort|a";
    static const char *const context[] = {"commit=4f2a9c1", "note=a \"quoted\", value"};
    settings.context = context;
    settings.n_context = 2;
    info = (mb_run_info){
        .library_version = "0.1.0",
        .timer = "CLOCK_MONOTONIC",
        .timer_resolution_ns = 1,
        .timer_cost_ns = 17.25,
        .min_sample_ns = 17250,
        .loop_overhead_ns = 0.3125,
        .seed = settings.seed,
        .settings = &settings,
        .n_benchmarks = N_RESULTS,
        .names = names,
        .start_time_unix = 1795669183,
        .env = &env,
        .n_complexity = 2,
        .complexity = complexity,
    };

    results[0] = (mb_result){
        .name = names[0],
        .file = "bench/sort.c",
        .line = 12,
        .build = MB_BUILD_KNOWN | MB_BUILD_OPTIMIZED | MB_BUILD_NDEBUG,
        .compiler = "gcc 12.2.0",
        .status = MB_STATUS_OK,
        .plan = MB_PLAN_LINEAR,
        .stop = MB_STOP_PRECISION,
        .iters_step = 1000,
        .warm_up_iters = 16384,
        .warm_up_ns = 12.61,
        .wall_time_s = 0.41725,
        .n_samples = 12,
        .sample_iters = linear_iters,
        .sample_ns = linear_ns,
        .sample_outlier = linear_outlier,
        .total_iters = 78000,
        .confidence = 0.95,
        .resamples = 10000,
        .median = {12.5478125, 12.5231, 12.5612, 0.0094},
        .mean = {14.0551, 12.5933, 16.9127, 1.21},
        .std_dev = {5.0467, 0.0751, 8.6623, 2.3},
        .mad = {0.0301, 0.0122, 0.0578, 0.011},
        .min = {12.5188, 12.5188, 12.5231, 0.0023},
        .slope = {12.5301, 12.4122, 13.8877, 0.36},
        .intercept_ns = 212.5,
        .r_squared = 0.982713,
        .median_level = 0.95,
        .median_boot_low = 12.5274,
        .median_boot_high = 12.5591,
        .q1 = 12.5251,
        .q3 = 12.5609,
        .iqr = 0.0358,
        .cv = 0.3591,
        .mdape = 0.00121,
        .rel_half_width = 0.0015185,
        .outliers = {12.4177, 12.4714, 12.6146, 12.6683, 0, 0, 0, 1, 0.9912,
                     MB_OUTLIER_EFFECT_SEVERE},
        .drift_tau = 0.0909,
        .drift_p = 0.7373,
        .drift = -0.0123,
        .lag1_autocorr = -0.2104,
        .warnings = MB_WARN_UNSTABLE | MB_WARN_OUTLIERS,
        .n_counters = 2,
        .counters = sort_counters,
        .ratios = {NAN, NAN, NAN},
        .instructions_per_iter = 41.5,
        .bytes_per_s = {512, 4.0803e10, 4.0761e10, 4.0885e10},
    };

    results[1] = (mb_result){
        .name = names[1],
        .file = "bench/broken.c",
        .line = 42,
        .instructions_per_iter = NAN,
        .build = MB_BUILD_KNOWN | MB_BUILD_ASAN | MB_BUILD_UBSAN,
        .compiler = "clang 14.0.6",
        .status = MB_STATUS_FAILED,
        .message = "left MB_LOOP early, \"break\" | return",
        .plan = MB_PLAN_LINEAR,
        .stop = MB_STOP_BUDGET,
        .warm_up_ns = NAN,
        .wall_time_s = 0.00125,
        .confidence = 0.95,
        .resamples = 10000,
        .median = {NAN, NAN, NAN, NAN},
        .mean = {NAN, NAN, NAN, NAN},
        .std_dev = {NAN, NAN, NAN, NAN},
        .mad = {NAN, NAN, NAN, NAN},
        .min = {NAN, NAN, NAN, NAN},
        .slope = {NAN, NAN, NAN, NAN},
        .intercept_ns = NAN,
        .r_squared = NAN,
        .median_level = NAN,
        .median_boot_low = NAN,
        .median_boot_high = NAN,
        .q1 = NAN,
        .q3 = NAN,
        .iqr = NAN,
        .cv = NAN,
        .mdape = NAN,
        .rel_half_width = NAN,
        .outliers = {NAN, NAN, NAN, NAN, 0, 0, 0, 0, NAN, MB_OUTLIER_EFFECT_UNAFFECTED},
        .drift_tau = NAN,
        .drift_p = NAN,
        .drift = NAN,
        .lag1_autocorr = NAN,
    };

    results[2] = (mb_result){
        .name = names[2],
        .file = "bench/odd names.c",
        .line = 7,
        .instructions_per_iter = NAN,
        .status = MB_STATUS_OK,
        .plan = MB_PLAN_FLAT,
        .stop = MB_STOP_LONG,
        .iters_step = 1,
        .warm_up_iters = 1,
        .warm_up_ns = 2.4e6,
        .wall_time_s = 0.0123,
        .n_samples = 4,
        .sample_iters = flat_iters,
        .sample_ns = flat_ns,
        .sample_outlier = flat_outlier,
        .total_iters = 4,
        .confidence = 0.95,
        .resamples = 10000,
        .median = {2501718.75, 2498000, 2511750.25, 3100},
        .mean = {2503296.9375, 2499578.5, 2508903.1, 2650.5},
        .std_dev = {5991.2, 1532.1, 7101.5, 1900},
        .mad = {3457.1, 577.4, 11119.8, 2800},
        .min = {2498000, 2498000, 2500312, 700},
        .slope = {NAN, NAN, NAN, NAN},
        .intercept_ns = NAN,
        .r_squared = NAN,
        .median_level = 0.875,
        .median_boot_low = 2499156,
        .median_boot_high = 2507531.125,
        .q1 = 2499734,
        .q3 = 2505281.6875,
        .iqr = 5547.6875,
        .cv = 0.00239,
        .mdape = 0.00098,
        .rel_half_width = 0.0027483,
        .outliers = {2483091, 2491412.5, 2513603.2, 2521924.7, 0, 0, 0, 0, 0,
                     MB_OUTLIER_EFFECT_UNAFFECTED},
        .drift_tau = 0.3333,
        .drift_p = 0.7341,
        .drift = 0.0011,
        .lag1_autocorr = NAN,
        .warnings = MB_WARN_FEW_SAMPLES,
    };

    results[3] = (mb_result){
        .name = names[3],
        .file = "bench/server.c",
        .line = 30,
        .build = MB_BUILD_KNOWN | MB_BUILD_OPTIMIZED,
        .compiler = "gcc 12.2.0",
        .status = MB_STATUS_OK,
        .plan = MB_PLAN_FLAT,
        .stop = MB_STOP_SAMPLES,
        .iters_step = 1000,
        .warm_up_iters = 200,
        .warm_up_ns = 12533,
        .wall_time_s = 0.0813,
        .n_samples = 5,
        .sample_iters = request_iters,
        .sample_ns = request_ns,
        .sample_outlier = request_outlier,
        .total_iters = 5000,
        .confidence = 0.95,
        .resamples = 10000,
        .median = {12410.25, 12371.75, 12603.125, 48.5},
        .mean = {12458.725, 12394.1, 12551.8, 43.9},
        .std_dev = {98.5, 21.2, 140.7, 35.1},
        .mad = {57.8, 25.9, 180.3, 41},
        .min = {12371.75, 12371.75, 12388, 9.6},
        .slope = {NAN, NAN, NAN, NAN},
        .intercept_ns = NAN,
        .r_squared = NAN,
        .median_level = 0.9375,
        .median_boot_low = 12388,
        .median_boot_high = 12520.5,
        .q1 = 12388,
        .q3 = 12520.5,
        .iqr = 132.5,
        .cv = 0.0079,
        .mdape = 0.0018,
        .rel_half_width = 0.0093,
        .outliers = {12010.5, 12189.25, 12719.25, 12898, 0, 0, 0, 0, 0,
                     MB_OUTLIER_EFFECT_UNAFFECTED},
        .drift_tau = 0.2,
        .drift_p = 0.8167,
        .drift = 0.0062,
        .lag1_autocorr = -0.4411,
        .instructions_per_iter = NAN,
        .mode = MB_MODE_LATENCY,
        .latency = {5000,
                    250,
                    0.0078125,
                    {{0.5, 12288, 12224, 12352},
                     {0.9, 13120, 13056, 13184},
                     {0.95, 14080, 13952, 14208},
                     {0.99, 25600, 24576, 27136},
                     {0.999, 101376, 88064, 139264}},
                    11904,
                    187392,
                    12873.25,
                    0.0412,
                    0,
                    17.2,
                    1},
        .threads = 1,
        .n_user_counters = 1,
        .user_counters = request_counters,
    };

    results[4] = (mb_result){
        .name = names[4],
        .file = "bench/server.c",
        .line = 41,
        .build = MB_BUILD_KNOWN | MB_BUILD_OPTIMIZED,
        .compiler = "gcc 12.2.0",
        .status = MB_STATUS_OK,
        .plan = MB_PLAN_FLAT,
        .stop = MB_STOP_SAMPLES,
        .iters_step = 1,
        .warm_up_iters = 0,
        .warm_up_ns = NAN,
        .wall_time_s = 0.215,
        .n_samples = 8,
        .sample_iters = cold_iters,
        .sample_ns = cold_ns,
        .sample_outlier = cold_outlier,
        .total_iters = 8,
        .confidence = 0.95,
        .resamples = 10000,
        .median = {1848.5, 1802.25, 2150, 61.2},
        .mean = {1900.46875, 1829.6, 2030.1, 52.3},
        .std_dev = {149.2, 63.3, 196.4, 40.1},
        .mad = {68.8, 20.4, 262.2, 59.9},
        .min = {1790, 1790, 1802.25, 11.7},
        .slope = {NAN, NAN, NAN, NAN},
        .intercept_ns = NAN,
        .r_squared = NAN,
        .median_level = 0.9297,
        .median_boot_low = 1812.125,
        .median_boot_high = 2030.5,
        .q1 = 1817,
        .q3 = 1944.75,
        .iqr = 127.75,
        .cv = 0.0785,
        .mdape = 0.0266,
        .rel_half_width = 0.0941,
        .outliers = {1433.75, 1625.375, 2136.375, 2328, 0, 0, 0, 1, 0.3112,
                     MB_OUTLIER_EFFECT_MODERATE},
        .drift_tau = 0.1429,
        .drift_p = 0.7195,
        .drift = 0.0421,
        .lag1_autocorr = -0.1933,
        .instructions_per_iter = NAN,
        .mode = MB_MODE_COLD,
        .latency = {8,
                    NAN,
                    0.0078125,
                    {{0.5, 1843.5, 1802.25, 1911},
                     {0.9, 2150, 1875, NAN},
                     {0.95, 2210, NAN, NAN},
                     {0.99, 2210, NAN, NAN},
                     {0.999, 2210, NAN, NAN}},
                    1790,
                    2210,
                    1900.46875,
                    NAN,
                    0,
                    17.2,
                    1},
        .threads = 1,
    };

    results[5] = (mb_result){
        .name = names[5],
        .file = "bench/queue.c",
        .line = 18,
        .build = MB_BUILD_KNOWN | MB_BUILD_OPTIMIZED | MB_BUILD_NDEBUG,
        .compiler = "clang 14.0.6",
        .status = MB_STATUS_OK,
        .plan = MB_PLAN_LINEAR,
        .stop = MB_STOP_PRECISION,
        .iters_step = 20000,
        .warm_up_iters = 262144,
        .warm_up_ns = 48.9,
        .wall_time_s = 0.3306,
        .n_samples = 4,
        .sample_iters = queue_iters,
        .sample_ns = queue_ns,
        .sample_outlier = queue_outlier,
        .total_iters = 200000,
        .confidence = 0.95,
        .resamples = 10000,
        .median = {48.2715, 48.2656, 48.2875, 0.011},
        .mean = {48.2676, 48.25, 48.2875, 0.009},
        .std_dev = {0.0155, 0.0031, 0.0201, 0.004},
        .mad = {0.0208, 0.0012, 0.0278, 0.007},
        .min = {48.25, 48.25, 48.2656, 0.004},
        .slope = {48.2694, 48.19, 48.3412, 0.021},
        .intercept_ns = -225,
        .r_squared = 0.999998,
        .median_level = 0.875,
        .median_boot_low = 48.2578,
        .median_boot_high = 48.2813,
        .q1 = 48.2617,
        .q3 = 48.2734,
        .iqr = 0.0117,
        .cv = 0.00032,
        .mdape = 0.00016,
        .rel_half_width = 0.00023,
        .outliers = {48.2266, 48.2441, 48.291, 48.3086, 0, 0, 0, 0, 0,
                     MB_OUTLIER_EFFECT_UNAFFECTED},
        .drift_tau = 0.3333,
        .drift_p = 0.7341,
        .drift = 0.0007,
        .lag1_autocorr = NAN,
        .n_params = 1,
        .params = queue_params,
        .instructions_per_iter = NAN,
        .items_per_s = {1, 82864630.3, 82837173.2, 82874759.7},
        .threads = 4,
        .n_user_counters = 3,
        .user_counters = queue_counters,
    };

    results[6] = (mb_result){
        .name = names[6],
        .file = "bench/server.c",
        .line = 55,
        .build = MB_BUILD_KNOWN | MB_BUILD_OPTIMIZED,
        .compiler = "gcc 12.2.0",
        .status = MB_STATUS_OK,
        .plan = MB_PLAN_LINEAR,
        .stop = MB_STOP_PRECISION,
        .iters_step = 1000,
        .warm_up_iters = 1048576,
        .warm_up_ns = 2.52,
        .wall_time_s = 0.2031,
        .n_samples = 4,
        .sample_iters = tiny_iters,
        .sample_ns = tiny_ns,
        .sample_outlier = tiny_outlier,
        .total_iters = 10000,
        .confidence = 0.95,
        .resamples = 10000,
        .median = {2.5092, 2.5063, 2.5103, 0.0009},
        .mean = {2.50865, 2.5063, 2.5096, 0.0008},
        .std_dev = {0.0018, 0.0003, 0.0025, 0.0005},
        .mad = {0.0015, 0.0003, 0.0031, 0.0007},
        .min = {2.5063, 2.5063, 2.5083, 0.0005},
        .slope = {2.5072, 2.4985, 2.5149, 0.0031},
        .intercept_ns = 1.25,
        .r_squared = 0.999999,
        .median_level = 0.875,
        .median_boot_low = 2.5063,
        .median_boot_high = 2.5101,
        .q1 = 2.5078,
        .q3 = 2.5100,
        .iqr = 0.0022,
        .cv = 0.00072,
        .mdape = 0.0004,
        .rel_half_width = 0.0008,
        .outliers = {2.5012, 2.5045, 2.5133, 2.5166, 0, 0, 0, 0, 0, MB_OUTLIER_EFFECT_UNAFFECTED},
        .drift_tau = -0.3333,
        .drift_p = 0.7341,
        .drift = -0.0009,
        .lag1_autocorr = NAN,
        .warnings = MB_WARN_LATENCY_SHORT,
        .instructions_per_iter = NAN,
        .mode = MB_MODE_LATENCY,
        /* Timed alone all the same: the clock's read cost subtracted, resolution-limited. */
        .latency = {40000,
                    1720,
                    0.0078125,
                    {{0.5, 3, 2, 4},
                     {0.9, 5, 4, 6},
                     {0.95, 6, 5, 8},
                     {0.99, 21, 17, 26},
                     {0.999, 95, 70, 140}},
                    0,
                    1433,
                    3.85,
                    0.0131,
                    1,
                    17.2,
                    1},
        .threads = 1,
    };
    /* Every result's plan was made by the run's settings, in 5 fresh processes. */
    for (size_t i = 0; i < N_RESULTS; i++)
        results[i].plan_rule = (mb_plan_rule){0,
                                              settings.warm_up_time_s,
                                              settings.measurement_time_s,
                                              settings.min_samples,
                                              settings.max_samples,
                                              settings.precision,
                                              5,
                                              1};
}

/* ---- Running an emitter -------------------------------------------------------------- */

/* Feeds the fixed run through e as mb_run() would (stopping at the first error); destroys
 * it. Returns the first error. */
static int feed(mb_emitter *e, int call_end)
{
    int err = e->begin ? e->begin(e->user, &info) : 0;
    for (size_t i = 0; i < sizeof results / sizeof results[0] && !err; i++)
        err = e->result ? e->result(e->user, &info, &results[i]) : 0;
    if (!err && call_end && e->end)
        err = e->end(e->user, &info);
    return err;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = check_slurp(f, len);
    fclose(f);
    return buf;
}

/* The output of one format for the fixed run (the text report with options when they are
 * given), or NULL. */
static char *render(const char *format, const mb_text_options *options, size_t *len)
{
    FILE *out = tmpfile();
    CHECK(out != NULL);
    if (!out)
        return NULL;
    mb_emitter e;
    int err = options ? mb_emitter_text_opts(&e, out, options) : mb_emitter_new(&e, format, out);
    CHECK_INT(err, ==, 0);
    char *got = NULL;
    if (!err) {
        CHECK_INT(feed(&e, 1), ==, 0);
        e.destroy(e.user);
        got = check_slurp(out, len);
    }
    fclose(out);
    return got;
}

static void golden_path(char *buf, size_t size, const char *format)
{
    snprintf(buf, size, "%s/golden/emit_%s.txt", MB_TEST_SOURCE_DIR, format);
}

/* Compares one format's output with golden file emit_<golden>.txt; rewrites the file first
 * when asked. */
static void check_golden(const char *golden, const char *format, const mb_text_options *options,
                         int may_update)
{
    size_t len = 0, want_len = 0;
    char *got = render(format, options, &len);
    char path[1024];
    golden_path(path, sizeof path, golden);
    const char *update = getenv("MB_UPDATE_GOLDEN");
    if (got && may_update && update && strcmp(update, "1") == 0) {
        FILE *g = fopen(path, "wb");
        CHECK(g && fwrite(got, 1, len, g) == len);
        if (g)
            fclose(g);
    }
    char *want = read_file(path, &want_len);
    int same = got && want && len == want_len && memcmp(got, want, len) == 0;
    CHECK(same);
    if (!same) {
        fprintf(stderr, "format %s (locale %s) differs from %s\n--- got:\n%s--- want:\n%s", format,
                setlocale(LC_ALL, NULL), path, got ? got : "(none)", want ? want : "(missing)\n");
    }
    free(got);
    free(want);
}

static void test_formats_list(void)
{
    const char *expect[] = {"text", "json", "csv", "csv-samples", "markdown", "gbench-json", "bmf"};
    const char *const *formats = mb_emitter_formats();
    size_t n = 0;
    while (formats[n])
        n++;
    CHECK_INT(n, ==, sizeof expect / sizeof expect[0]);
    for (size_t i = 0; i < n && i < sizeof expect / sizeof expect[0]; i++)
        CHECK_STR(formats[i], expect[i]);

    mb_emitter e;
    CHECK_INT(mb_emitter_new(&e, "no-such-format", stdout), ==, MB_EINVAL);
    CHECK_INT(mb_emitter_new(&e, "JSON", stdout), ==, MB_EINVAL);
    CHECK_INT(mb_emitter_new(&e, NULL, stdout), ==, MB_EINVAL);
    CHECK_INT(mb_emitter_open(&e, "no-such-format", "/tmp/x"), ==, MB_EINVAL);
}

/* The text report in colour and at most 100 columns wide: the least important columns
 * dropped, the lines of the percentile and user-counter sections wrapped. */
static const mb_text_options narrow = {1, 100, {0}};

/* Every format, and the narrow text report, against their golden files. */
static void check_goldens(int may_update)
{
    for (const char *const *f = mb_emitter_formats(); *f; f++)
        check_golden(*f, *f, NULL, may_update);
    check_golden("text-narrow", "text", &narrow, may_update);
}

/* A stream that cannot be written: every emitter reports MB_EIO, by the end at the latest. */
static void test_write_errors(void)
{
    for (const char *const *f = mb_emitter_formats(); *f; f++) {
        FILE *full = fopen("/dev/full", "w");
        if (!full)
            return;
        mb_emitter e;
        CHECK_INT(mb_emitter_new(&e, *f, full), ==, 0);
        int err = feed(&e, 1);
        if (err != MB_EIO)
            fprintf(stderr, "format %s: writing to /dev/full gave %d\n", *f, err);
        CHECK_INT(err, ==, MB_EIO);
        e.destroy(e.user);
        fclose(full);
    }
}

/* A context may run twice: each run writes the same output again, complete. (The text
 * report's summary counts over every run, so it is left out.) */
static void test_two_runs(void)
{
    for (const char *const *f = mb_emitter_formats(); *f; f++) {
        if (strcmp(*f, "text") == 0)
            continue;
        FILE *out = tmpfile();
        CHECK(out != NULL);
        if (!out)
            return;
        mb_emitter e;
        CHECK_INT(mb_emitter_new(&e, *f, out), ==, 0);
        CHECK_INT(feed(&e, 1), ==, 0);
        CHECK_INT(feed(&e, 1), ==, 0);
        e.destroy(e.user);
        size_t len = 0, want_len = 0;
        char *got = check_slurp(out, &len);
        fclose(out);
        char path[1024];
        golden_path(path, sizeof path, *f);
        char *want = read_file(path, &want_len);
        int same = got && want && len == 2 * want_len && memcmp(got, want, want_len) == 0 &&
                   memcmp(got + want_len, want, want_len) == 0;
        if (!same)
            fprintf(stderr, "format %s: two runs do not give the output twice\n", *f);
        CHECK(same);
        free(got);
        free(want);
    }
}

/* The names in dir other than . and .., joined with '/'. */
static void list_dir(const char *dir, char *buf, size_t size)
{
    buf[0] = '\0';
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    if (!d)
        return;
    for (struct dirent *ent; (ent = readdir(d));) {
        if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
            continue;
        size_t used = strlen(buf);
        snprintf(buf + used, size - used, "%s/", ent->d_name);
    }
    closedir(d);
}

static void test_open(void)
{
    char dir[] = "/tmp/mb_test_emitters_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256], listing[1024];
    snprintf(path, sizeof path, "%s/results.json", dir);

    /* A finished run: nothing at the target until the end, then the whole file, alone. */
    mb_emitter e;
    CHECK_INT(mb_emitter_open(&e, "json", path), ==, 0);
    CHECK_INT(feed(&e, 0), ==, 0);
    CHECK(access(path, F_OK) != 0);
    CHECK_INT(e.end(e.user, &info), ==, 0);
    e.destroy(e.user);
    size_t len = 0, want_len = 0;
    char *got = read_file(path, &len);
    char golden[1024];
    golden_path(golden, sizeof golden, "json");
    char *want = read_file(golden, &want_len);
    CHECK(got && want && len == want_len && memcmp(got, want, len) == 0);
    free(got);
    free(want);
    list_dir(dir, listing, sizeof listing);
    CHECK_STR(listing, "results.json/");

    /* Replacing an existing file keeps the old content until the end. */
    CHECK_INT(mb_emitter_open(&e, "bmf", path), ==, 0);
    CHECK_INT(feed(&e, 0), ==, 0);
    got = read_file(path, &len);
    CHECK(got && len == want_len);
    free(got);
    CHECK_INT(e.end(e.user, &info), ==, 0);
    e.destroy(e.user);
    got = read_file(path, &len);
    CHECK(got && strncmp(got, "{\n  \"sort_linear\"", 17) == 0);
    free(got);
    CHECK_INT(unlink(path), ==, 0);

    /* A run that never ends (destroy without end): no file, no temporary file. */
    CHECK_INT(mb_emitter_open(&e, "csv", path), ==, 0);
    CHECK_INT(feed(&e, 0), ==, 0);
    e.destroy(e.user);
    CHECK(access(path, F_OK) != 0);
    list_dir(dir, listing, sizeof listing);
    CHECK_STR(listing, "");

    /* A directory that does not exist: MB_EIO when the emitter is created. */
    snprintf(path, sizeof path, "%s/no/such/dir/results.json", dir);
    errno = 0;
    CHECK_INT(mb_emitter_open(&e, "json", path), ==, MB_EIO);
    CHECK_INT(errno, ==, ENOENT);
    list_dir(dir, listing, sizeof listing);
    CHECK_STR(listing, "");
    CHECK_INT(rmdir(dir), ==, 0);
}

/* A confidence level that is no whole percentage keeps its '.' in every heading of the text
 * report, whatever the locale. */
static void test_fractional_confidence(void)
{
    double saved = settings.confidence;
    settings.confidence = 0.999;
    size_t len = 0;
    char *got = render("text", NULL, &len);
    CHECK(got && strstr(got, "throughput (from the median [99.9% CI])"));
    CHECK(got && strstr(got, "user counters (median [99.9% CI])"));
    CHECK(got && !strstr(got, "99,9"));
    free(got);
    settings.confidence = saved;
}

/* Whether name is one of the fixed run's user counters. */
static int user_counter_name(const char *name)
{
    for (size_t i = 0; i < sizeof results / sizeof results[0]; i++)
        for (size_t k = 0; k < results[i].n_user_counters; k++)
            if (strcmp(results[i].user_counters[k].name, name) == 0)
                return 1;
    return 0;
}

/* Every key at indent in format's output (every column of the first line for CSV) that is not
 * a user counter must be a name mb_set_counter() refuses: else a user counter of that name
 * would write a duplicate key. */
static void check_fields_reserved(const char *format, size_t indent)
{
    size_t len;
    char *out = render(format, NULL, &len);
    size_t checked = 0;
    for (char *line = out; line && *line;) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        line[strcspn(line, "\r")] = '\0'; /* CSV ends its lines with CR LF */
        size_t lead = strspn(line, " ");
        char *key = indent ? (lead == indent && line[lead] == '"' ? line + lead + 1 : NULL) : line;
        for (char *next; key; key = next) {
            next = indent ? NULL : strchr(key, ',');
            char *stop = next ? next : indent ? strchr(key, '"') : key + strlen(key);
            if (next)
                *next++ = '\0';
            if (stop)
                *stop = '\0';
            if (!user_counter_name(key)) {
                checked++;
                if (!mb__counter_name_clash(key))
                    fprintf(stderr, "%s writes the field '%s', a free counter name\n", format, key);
                CHECK(mb__counter_name_clash(key) != NULL);
            }
        }
        line = indent && end ? end + 1 : "";
    }
    CHECK(checked > 5);
    free(out);
}

static void test_reserved_counter_names(void)
{
    check_fields_reserved("csv", 0);
    check_fields_reserved("gbench-json", 6);
    check_fields_reserved("bmf", 4);
    CHECK(mb__counter_name_clash("cas_retries") == NULL);
    CHECK(mb__counter_name_clash("p99.9_n") == NULL);
}

int main(void)
{
    make_run();
    test_formats_list();
    check_goldens(1);
    test_write_errors();
    test_two_runs();
    test_open();
    test_fractional_confidence();
    test_reserved_counter_names();

    /* The same bytes whatever the locale's decimal point. */
    if (!setlocale(LC_ALL, "de_DE.UTF-8")) {
        int code = CHECK_DONE();
        if (code != 0)
            return code;
        fprintf(stderr, "skipped the locale checks: the de_DE.UTF-8 locale is not installed "
                        "(generate it with locale-gen)\n");
        return 77;
    }
    CHECK_STR(localeconv()->decimal_point, ",");
    check_goldens(0);
    test_fractional_confidence();
    setlocale(LC_ALL, "C");
    return CHECK_DONE();
}
