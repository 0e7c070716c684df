// Performance checks inside a C++ test binary: a tiny in-file harness (TEST, EXPECT) stands
// for a test framework. Each test runs one benchmark by name, saved as a baseline on the
// first run and checked against it later; a regression fails the test.
//
//   embed_test_cpp [microbe options] [--my-flag]
//
// mb_settings_from_args takes microbe's options (--smoke, --baseline-dir DIR, ...) and
// MICROBE_* variables and leaves the harness its own arguments, here --my-flag.
#include <microbe.h>

#include <cstdio>
#include <cstring>
#include <numeric>
#include <string>
#include <vector>

BENCH(vector_sum_1k)
{
    std::vector<int> values(1024, 3);
    MB_LOOP(state) {
        int sum = std::accumulate(values.begin(), values.end(), 0);
        mb_black_box(&sum);
    }
}

BENCH(string_append_64)
{
    MB_LOOP(state) {
        std::string text;
        for (int i = 0; i < 64; i++)
            text += 'x';
        mb_black_box(&text);
    }
}

// The harness: tests registered by static objects, run in order, failures counted.
namespace
{

struct Test {
    const char *name;
    void (*fn)();
};

std::vector<Test> &registered()
{
    static std::vector<Test> tests;
    return tests;
}

struct Register {
    Register(const char *name, void (*fn)())
    {
        registered().push_back({name, fn});
    }
};

int failures;

#define TEST(name)                                                                                 \
    void name();                                                                                   \
    Register name##_registered(#name, name);                                                       \
    void name()

#define EXPECT(cond)                                                                               \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            std::fprintf(stderr, "%s:%d: EXPECT(%s) failed\n", __FILE__, __LINE__, #cond);         \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

mb_settings settings; // from the command line, for every test
const char baseline[] = "embed_test_cpp";

// Runs one benchmark and expects it not to have regressed against the baseline, which this
// run saves when the baseline has no result for it yet.
void expect_not_regressed(const char *name)
{
    mb_settings s = settings;
    std::string saved = std::string(s.baseline_dir ? s.baseline_dir : ".microbe") + "/" + baseline +
                        "/" + name + ".json";
    if (!s.baseline && !s.save_baseline) {
        if (std::FILE *f = std::fopen(saved.c_str(), "r")) {
            std::fclose(f);
            s.baseline = baseline;
        } else {
            s.save_baseline = baseline;
        }
    }
    mb_ctx *ctx = nullptr;
    const mb_result *r = nullptr;
    EXPECT(mb_ctx_new(&ctx, &s) == 0);
    EXPECT(ctx && mb_ctx_run_one(ctx, name, &r) == 0);
    EXPECT(r && r->status == MB_STATUS_OK);
    EXPECT(r && r->change.verdict != MB_VERDICT_REGRESSED);
    if (r && !s.smoke)
        std::printf("  %s: median %.1f ns, %s\n", name, r->median.point,
                    s.baseline ? mb_verdict_name(r->change.verdict) : "saved");
    mb_ctx_free(ctx);
}

TEST(vector_sum_keeps_its_speed)
{
    expect_not_regressed("vector_sum_1k");
}

TEST(string_append_keeps_its_speed)
{
    expect_not_regressed("string_append_64");
}

TEST(unknown_benchmark_is_an_error)
{
    mb_settings s = settings;
    s.log = nullptr; // the error is expected: not on stderr
    mb_ctx *ctx = nullptr;
    const mb_result *r = nullptr;
    EXPECT(mb_ctx_new(&ctx, &s) == 0);
    EXPECT(ctx && mb_ctx_run_one(ctx, "vector_sum", &r) == MB_EINVAL); // exact names only
    EXPECT(r == nullptr);
    mb_ctx_free(ctx);
}

} // namespace

int main(int argc, char **argv)
{
    mb_settings_init(&settings);
    settings.log = mb_log_stderr;
    settings.log_user = argv[0];
    settings.measurement_time_s = 0.2; // the harness's default; the command line wins
    char message[256];
    if (mb_settings_from_args(&settings, &argc, argv, message, sizeof message) != 0) {
        std::fprintf(stderr, "embed_test_cpp: error: %s\n", message);
        return 2;
    }
    bool my_flag = false;
    for (int i = 1; i < argc; i++) {
        if (std::strcmp(argv[i], "--my-flag") != 0) {
            std::fprintf(stderr, "embed_test_cpp: error: unknown argument '%s'\n", argv[i]);
            return 2;
        }
        my_flag = true;
    }
    std::printf("own arguments: %d left, --my-flag %s\n", argc - 1,
                my_flag ? "given" : "not given");

    for (const Test &t : registered()) {
        int before = failures;
        t.fn();
        std::printf("%s %s\n", failures == before ? "PASS" : "FAIL", t.name);
    }
    return failures ? 1 : 0;
}
