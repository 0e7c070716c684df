/*
 * What excluding setup from timing costs (docs/authoring.md): a pause/resume pair around
 * nothing, and mb_iter_batched around routines that do nothing, beside the empty loop. The
 * difference to black_box_only is the residual each method leaves in the time. Run:
 * build/benchmarks/setup_cost --format markdown.
 */
#include <microbe.h>

BENCH(black_box_only)
{
    int x = 0;
    MB_LOOP(state) {
        mb_black_box(&x);
    }
}

/* Two clock reads per iteration, of which about one stays in the time. */
BENCH(pause_resume_pair)
{
    int x = 0;
    MB_LOOP(state) {
        mb_pause(state);
        mb_black_box(&x);
        mb_resume(state);
    }
}

static void nothing(void *input, void *user)
{
    (void)user;
    mb_black_box(input);
}

/* One indirect call per iteration, plus two clock reads per batch. */
BENCH(batched_empty_routine)
{
    mb_batch batch = {64, nothing, nothing, NULL, NULL};
    mb_iter_batched(state, &batch);
}
