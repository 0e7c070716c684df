// The public header compiles as C++17 with -Wall -Wextra -Wpedantic -Werror (g++ in the
// README build, clang++ in CI's clang build), and BENCH, BENCH_GROUP, MB_LOOP, mb_black_box
// and the state functions work in C++ code. BENCH_P works with every parameter (MB_RANGE,
// MB_DENSE, MB_INTS, MB_DOUBLES, MB_STRINGS, MB_FUNCTIONS, MB_THREADS) and option
// (MB_FIT_COMPLEXITY, MB_COMPLEXITY, MB_LATENCY, MB_COLD, MB_FIXTURE). With --check-names, main
// checks the registered instances against the list below (`header-cpp-names`); a --smoke run
// (`header-cpp-smoke`) runs each, and a body fails when its parameters read wrong.
#include <microbe.h>

#include <cstring>
#include <set>
#include <string>
#include <vector>

BENCH(header_cpp_vector)
{
    std::vector<int> v(64, 1);
    MB_LOOP(state) {
        int sum = 0;
        for (int x : v)
            sum += x;
        mb_black_box(&sum);
        mb_pause(state);
        mb_resume(state);
    }
    mb_set_counter(state, "ints", 64, MB_PER_ITER);
    mb_set_items_per_iter(state, 64);
}

BENCH_GROUP(header_cpp_group, header_cpp_member)
{
    MB_LOOP(state) {
        mb_clobber();
    }
}

BENCH(header_cpp_batched)
{
    mb_batch batch = {sizeof(int), [](void *input, void *) { *static_cast<int *>(input) = 1; },
                      [](void *input, void *) { mb_black_box(input); }, nullptr, nullptr};
    mb_iter_batched(state, &batch);
}

static double header_cpp_model(double n)
{
    return n * n;
}

BENCH_P(header_cpp_sizes, MB_RANGE(n, 8, 64, 2), MB_FIT_COMPLEXITY)
{
    int64_t n = mb_param_int(state, "n");
    MB_LOOP(state) {
        mb_black_box(&n);
    }
}

BENCH_P(header_cpp_model_fit, MB_DENSE(n, 1, 4, 1), MB_COMPLEXITY(header_cpp_model), MB_LATENCY)
{
    MB_LOOP(state) {
        mb_clobber();
    }
}

struct header_cpp_table {
    std::vector<int64_t> keys;
};

static void *header_cpp_make_table(mb_state *state)
{
    auto *table = new header_cpp_table;
    table->keys.assign(static_cast<size_t>(mb_param_int(state, "keys")), 7);
    return table;
}

static void header_cpp_free_table(mb_state *, void *data)
{
    delete static_cast<header_cpp_table *>(data);
}

BENCH_P(header_cpp_lookup, MB_INTS(keys, 16, 1024), MB_STRINGS(kind, "hit", "miss"),
        MB_DOUBLES(load, 0.5, 0.9), MB_THREADS(1, 2),
        MB_FIXTURE(header_cpp_make_table, header_cpp_free_table))
{
    auto *table = static_cast<header_cpp_table *>(mb_fixture(state));
    std::string kind = mb_param_string(state, "kind");
    double load = mb_param_double(state, "load");
    if (table->keys.size() != static_cast<size_t>(mb_param_int(state, "keys")) ||
        (kind != "hit" && kind != "miss") || (load != 0.5 && load != 0.9)) {
        mb_fail(state, "parameters read wrong");
        return;
    }
    MB_LOOP(state) {
        mb_black_box(table->keys.data() + mb_thread_index(state));
    }
}

BENCH_P(header_cpp_request, MB_STRINGS(route, "a|b"), MB_LATENCY, MB_MEASUREMENT_TIME(0.01))
{
    MB_LOOP(state) {
        mb_clobber();
    }
}

static int header_cpp_one()
{
    return 1;
}

static int header_cpp_two()
{
    return 2;
}

BENCH_P(header_cpp_call, MB_FUNCTIONS(fn, header_cpp_one, header_cpp_two))
{
    auto fn = reinterpret_cast<int (*)()>(mb_param_function(state, "fn"));
    int want = std::string(mb_param_string(state, "fn")) == "header_cpp_one" ? 1 : 2;
    if (fn() != want) {
        mb_fail(state, "the function does not match its name");
        return;
    }
    MB_LOOP(state) {
        int x = fn();
        mb_black_box(&x);
    }
}

static void header_cpp_collect(void *user, const mb_bench *bench)
{
    static_cast<std::set<std::string> *>(user)->insert(bench->name);
}

// The instances' names, as mb_ctx_list gives them, against the expected ones.
static int header_cpp_check_names()
{
    std::set<std::string> expected = {"header_cpp_vector",
                                      "header_cpp_member",
                                      "header_cpp_batched",
                                      "header_cpp_request/a|b",
                                      "header_cpp_call/header_cpp_one",
                                      "header_cpp_call/header_cpp_two"};
    for (int n : {8, 16, 32, 64})
        expected.insert("header_cpp_sizes/" + std::to_string(n));
    for (int n = 1; n <= 4; n++)
        expected.insert("header_cpp_model_fit/" + std::to_string(n));
    for (const char *keys : {"16", "1024"})
        for (const char *kind : {"hit", "miss"})
            for (const char *load : {"0.5", "0.9"})
                for (const char *threads : {"1", "2"})
                    expected.insert(std::string("header_cpp_lookup/keys:") + keys +
                                    "/kind:" + kind + "/load:" + load + "/threads:" + threads);
    mb_settings settings;
    mb_settings_init(&settings);
    mb_ctx *ctx;
    if (mb_ctx_new(&ctx, &settings) != 0)
        return 1;
    std::set<std::string> got;
    int err = mb_ctx_list(ctx, header_cpp_collect, &got);
    mb_ctx_free(ctx);
    if (err != 0 || got != expected) {
        std::fprintf(stderr, "FAIL: instances differ from the expected %zu:\n", expected.size());
        for (const auto &name : got)
            std::fprintf(stderr, "  %s%s\n", name.c_str(), expected.count(name) ? "" : "  (?)");
        return 1;
    }
    std::printf("%zu instances as expected\n", got.size());
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && std::strcmp(argv[1], "--check-names") == 0)
        return header_cpp_check_names();
    return mb_main(argc, argv);
}
