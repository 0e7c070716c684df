// The public header compiles as C++17 with -Wall -Wextra -Wpedantic -Werror, and BENCH,
// MB_LOOP and mb_black_box work in C++ code.
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
    }
}

int main(int argc, char **argv)
{
    return mb_main(argc, argv);
}
