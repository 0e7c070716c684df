/*
 * Cache eviction for cold runs (see sweep.h): a buffer well beyond the caches, written and
 * then read one word per cache line.
 *
 * Order: the buffer's 4 KiB blocks in a fixed pseudo-random permutation, drawn once at
 * creation, and the lines of each block in sequence. Hardware prefetchers follow streams
 * within a 4 KiB page at most, so they can run ahead within a block but cannot guess the next
 * one; every block's first line is a true miss. 4 KiB whatever the operating system's page
 * size, since that is the prefetchers' boundary.
 *
 * Writing first makes every line of the caches one of the buffer's, written back the dirty
 * lines the benchmark left behind; reading it all again leaves the caches holding clean lines,
 * so the benchmark pays no write-back for the sweep's lines when it evicts them. The accesses
 * go through volatile pointers so that the compiler keeps every one of them.
 */
#define _POSIX_C_SOURCE 200809L

#include "sweep.h"

#include "stats.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LINE_BYTES 64
#define BLOCK_BYTES 4096
#define WORDS_PER_LINE (LINE_BYTES / sizeof(uint64_t))
#define WORDS_PER_BLOCK (BLOCK_BYTES / sizeof(uint64_t))

#define MIB ((uint64_t)1 << 20)
#define DEFAULT_BYTES (64 * MIB)
#define MIN_BYTES (8 * MIB)
#define MAX_BYTES (1024 * MIB)

struct mb__sweep {
    uint64_t *words;  /* n_words, LINE_BYTES-aligned */
    size_t n_words;   /* a whole number of lines */
    uint32_t *blocks; /* the visiting order: a permutation of 0 .. n_blocks - 1 */
    size_t n_blocks;
};

/* Data and unified caches count, and caches of unknown type in case they are; instruction
 * caches do not (a benchmark's data never lives there). */
static int holds_data(const mb_cache *c)
{
    return c->size_bytes > 0 && !(c->type && strcmp(c->type, "Instruction") == 0);
}

/* The largest data cache of env's level `level`. */
static uint64_t largest_of_level(const mb_environment *env, int level)
{
    uint64_t largest = 0;
    for (size_t i = 0; i < env->n_caches; i++) {
        const mb_cache *c = &env->caches[i];
        if (c->level == level && holds_data(c) && c->size_bytes > largest)
            largest = c->size_bytes;
    }
    return largest;
}

/* Whether a data cache of the level of caches[i] comes before it. */
static int level_seen(const mb_environment *env, size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (env->caches[j].level == env->caches[i].level && holds_data(&env->caches[j]))
            return 1;
    return 0;
}

/* The caches are those of one CPU, so a cache shared between CPUs appears, and counts, once.
 * The sum saturates at MAX_BYTES: sizes come from the operating system, unchecked. */
size_t mb__sweep_size(const mb_environment *env)
{
    uint64_t total = 0;
    for (size_t i = 0; env && env->caches && i < env->n_caches; i++) {
        if (!holds_data(&env->caches[i]) || level_seen(env, i))
            continue;
        uint64_t largest = largest_of_level(env, env->caches[i].level);
        total = largest >= MAX_BYTES - total ? MAX_BYTES : total + largest;
    }
    if (total == 0)
        return (size_t)DEFAULT_BYTES;
    total = total >= MAX_BYTES / 2 ? MAX_BYTES : 2 * total;
    return (size_t)(total < MIN_BYTES ? MIN_BYTES : total);
}

static void *alloc_lines(size_t bytes)
{
#if defined(_POSIX_VERSION) && _POSIX_VERSION >= 200112L
    void *p = NULL;
    return posix_memalign(&p, LINE_BYTES, bytes) == 0 ? p : NULL;
#else
    return aligned_alloc(LINE_BYTES, bytes); /* C11; bytes is a multiple of the alignment */
#endif
}

int mb__sweep_new(mb__sweep **out, size_t bytes)
{
    *out = NULL;
    if (bytes > SIZE_MAX - LINE_BYTES)
        return MB_ENOMEM;
    bytes = bytes < LINE_BYTES ? LINE_BYTES : (bytes + LINE_BYTES - 1) / LINE_BYTES * LINE_BYTES;
    size_t n_blocks = (bytes + BLOCK_BYTES - 1) / BLOCK_BYTES;
    if (n_blocks > UINT32_MAX)
        return MB_ENOMEM;
    mb__sweep *sweep = calloc(1, sizeof *sweep);
    if (!sweep)
        return MB_ENOMEM;
    sweep->words = alloc_lines(bytes);
    sweep->blocks = calloc(n_blocks, sizeof *sweep->blocks);
    if (!sweep->words || !sweep->blocks) {
        mb__sweep_free(sweep);
        return MB_ENOMEM;
    }
    sweep->n_words = bytes / sizeof(uint64_t);
    sweep->n_blocks = n_blocks;
    for (size_t b = 0; b < n_blocks; b++)
        sweep->blocks[b] = (uint32_t)b;
    mb__rng rng;
    mb__rng_seed(&rng, 0x6d62737765657000u); /* "mbsweep": the same order in every run */
    mb__shuffle_u32(&rng, sweep->blocks, n_blocks);
    *out = sweep;
    return 0;
}

void mb__sweep_free(mb__sweep *sweep)
{
    if (!sweep)
        return;
    free(sweep->words);
    free(sweep->blocks);
    free(sweep);
}

unsigned mb__sweep_run(mb__sweep *sweep)
{
    volatile uint64_t *words = sweep->words;
    size_t n_words = sweep->n_words;
    for (size_t b = 0; b < sweep->n_blocks; b++) {
        size_t first = (size_t)sweep->blocks[b] * WORDS_PER_BLOCK;
        size_t end = first + WORDS_PER_BLOCK < n_words ? first + WORDS_PER_BLOCK : n_words;
        /* A value of the line's position only: every run reads back the same sum. */
        for (size_t w = first; w < end; w += WORDS_PER_LINE)
            words[w] = (uint64_t)(w + 1) * 0x9e3779b97f4a7c15u;
    }
    uint64_t sum = 0;
    for (size_t b = 0; b < sweep->n_blocks; b++) {
        size_t first = (size_t)sweep->blocks[b] * WORDS_PER_BLOCK;
        size_t end = first + WORDS_PER_BLOCK < n_words ? first + WORDS_PER_BLOCK : n_words;
        for (size_t w = first; w < end; w += WORDS_PER_LINE)
            sum += words[w];
    }
    return (unsigned)(sum ^ sum >> 32);
}

/* The cache a batch of mb_iter_batched inputs should fit in: the largest level-2 data or
 * unified cache, or 256 KiB when the environment does not say. */
size_t mb__batch_cache_bytes(const mb_environment *env)
{
    uint64_t best = 0;
    for (size_t i = 0; env && i < env->n_caches; i++)
        if (env->caches[i].level == 2 && strcmp(env->caches[i].type, "Instruction") != 0 &&
            env->caches[i].size_bytes > best)
            best = env->caches[i].size_bytes;
    return best ? (size_t)best : (size_t)256 << 10;
}
