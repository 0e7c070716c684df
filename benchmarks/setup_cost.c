/*
 * What excluding setup from timing costs (docs/authoring.md): a pause/resume pair around
 * nothing, and mb_iter_batched around routines that do nothing, beside the empty loop. The
 * difference to black_box_only is the residual each method leaves in the time. And a routine
 * of about 100 ns three ways: batched with its setup excluded, alone on prepared inputs, and
 * with its setup (ten times the routine) timed too: batched should read as alone. Run:
 * build/benchmarks/setup_cost --format markdown.
 */
#include <microbe.h>

#include <stdint.h>

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

#define WORDS 8

/* A serial chain of multiplications on one value: pure register work, whose time depends on
 * neither the input's address nor its contents. */
static uint64_t chain(uint64_t x, int rounds)
{
    for (int i = 0; i < rounds; i++)
        x = (x ^ (x >> 29)) * 0x9e3779b97f4a7c15u;
    return x;
}

/* The routine: the chain over one 64-byte input's words. */
static void mix(void *input, void *user)
{
    (void)user;
    const uint64_t *w = input;
    uint64_t x = 0;
    for (int i = 0; i < WORDS; i++)
        x = chain(x ^ w[i], 8);
    mb_black_box(&x);
}

/* The setup: ten times the routine's work, to fill one input. */
static void prepare(void *input, void *user)
{
    (void)user;
    uint64_t *w = input, seed = 1;
    mb_black_box(&seed); /* opaque: the chains cannot be computed at compile time */
    for (int i = 0; i < WORDS; i++)
        w[i] = chain(seed + (uint64_t)i, 80);
    mb_black_box(w);
}

/* Called through a volatile pointer, as mb_iter_batched calls its routine. */
static void (*volatile routine)(void *, void *) = mix;
static void (*volatile setup)(void *, void *) = prepare;

BENCH(routine_setup_batched)
{
    mb_batch batch = {WORDS * sizeof(uint64_t), prepare, mix, NULL, NULL};
    mb_iter_batched(state, &batch);
}

BENCH(routine_alone)
{
    static uint64_t inputs[64][WORDS];
    for (size_t i = 0; i < 64; i++)
        prepare(inputs[i], NULL);
    size_t i = 0;
    MB_LOOP(state) {
        routine(inputs[i++ & 63], NULL);
    }
}

BENCH(routine_setup_timed)
{
    uint64_t input[WORDS];
    MB_LOOP(state) {
        setup(input, NULL);
        routine(input, NULL);
    }
}
