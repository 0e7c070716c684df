// The public header compiles as C++17 with -Wall -Wextra -Wpedantic -Werror, and BENCH,
// BENCH_GROUP, MB_LOOP, mb_black_box and the state functions work in C++ code. BENCH_P works
// with MB_RANGE, MB_DENSE and the options (MB_FIT_COMPLEXITY, MB_COMPLEXITY, MB_LATENCY,
// MB_COLD, MB_FIXTURE); MB_INTS, MB_DOUBLES, MB_STRINGS and MB_THREADS are C only (compound
// literals).
#include <microbe.h>

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

int main(int argc, char **argv)
{
    return mb_main(argc, argv);
}
