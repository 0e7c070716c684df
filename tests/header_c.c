/* The public header is self-contained and clean under -std=c11 -Wall -Wextra -Wpedantic
 * -Werror: it is included first, with nothing before it, and every registration macro and
 * option form is used below. */
#include <microbe.h>

BENCH(header_c_bench)
{
    int x = 0;
    MB_LOOP(state) {
        x++;
        mb_black_box(&x);
    }
    mb_clobber();
}

/* A body that ignores its state must not warn either. */
BENCH(header_c_unused_state)
{
}

BENCH_GROUP(header_c_group, header_c_member)
{
    MB_LOOP(state) {
        mb_clobber();
    }
}

static void *header_c_setup(mb_state *state)
{
    (void)state;
    return NULL;
}

static void header_c_teardown(mb_state *state, void *data)
{
    (void)state;
    (void)data;
}

static double header_c_model(double n)
{
    return n * n;
}

BENCH_P(header_c_params, MB_INTS(a, 1, 2), MB_DOUBLES(b, 0.5), MB_STRINGS(c, "x", "y"),
        MB_RANGE(d, 8, 64, 8), MB_DENSE(e, 1, 2, 1), MB_THREADS(1, 2),
        MB_FIXTURE(header_c_setup, header_c_teardown), MB_COMPLEXITY(header_c_model))
{
    double sum = (double)mb_param_int(state, "a") + mb_param_double(state, "b");
    sum += (double)mb_thread_index(state) + (double)mb_thread_count(state);
    mb_black_box(mb_param_string(state, "c"));
    mb_black_box(mb_fixture(state));
    MB_LOOP(state) {
        mb_add_manual_time(state, 1.0);
        mb_black_box(&sum);
    }
    mb_set_counter(state, "sum", sum, MB_PER_CALL);
    mb_set_bytes_per_iter(state, 8);
    mb_set_items_per_iter(state, 1);
}

BENCH_P(header_c_fit, MB_RANGE(n, 8, 64, 2), MB_FIT_COMPLEXITY)
{
    int64_t n = mb_param_int(state, "n");
    MB_LOOP(state) {
        mb_black_box(&n);
    }
}

BENCH_P(header_c_latency, MB_LATENCY)
{
    MB_LOOP(state) {
        mb_pause(state);
        mb_resume(state);
    }
}

static void header_c_input(void *input, void *user)
{
    (void)user;
    mb_black_box(input);
}

BENCH_P(header_c_cold, MB_COLD)
{
    mb_batch batch = {16, header_c_input, header_c_input, header_c_input, NULL};
    mb_iter_batched(state, &batch);
}

int main(int argc, char **argv)
{
    return mb_main(argc, argv);
}
