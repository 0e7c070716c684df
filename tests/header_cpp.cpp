// The public header compiles as C++17 with -Wall -Wextra -Wpedantic -Werror, and BENCH,
// BENCH_GROUP, MB_LOOP, mb_black_box and the state functions work in C++ code. (BENCH_P and
// its options are C only: they use compound literals.)
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

int main(int argc, char **argv)
{
    return mb_main(argc, argv);
}
