/*
 * Measuring in parts (docs/measurement.md): every selected benchmark is measured in
 * forks x rounds short parts, each part of the whole suite in its own shuffled order, and a
 * benchmark's result comes from all its parts together, its interval from the spread between
 * them. With forks and a program to start again (mb_ctx_set_program), each fork is a fresh
 * process of the program, started with exec, so that address-space layout, page mapping and
 * the rest of a process's luck are drawn again for each; it measures the parts it is asked
 * for (MICROBE_INTERNAL_PART) and sends each unit's raw measurements back through a pipe,
 * never a result. Otherwise the parts are rounds in this process.
 *
 * A unit is what is measured at once: one benchmark, or the selected members of a comparison
 * group (measured together, round by round). A unit that crashes, or outlasts --timeout, in
 * a child fails there; its parts so far make its result, and the child's other units go on
 * in a new child. POSIX (fork, exec, pipe, poll).
 */
#define _POSIX_C_SOURCE 200809L

#include "compare.h"
#include "ctx.h"
#include "isolate.h"
#include "log.h"
#include "registry.h"
#include "seed.h"
#include "stats.h"

#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PART_ENV "MICROBE_INTERNAL_PART"
/* Set: the children are fork()ed copies of this process, not the program started again; for
 * benchmarks/parts-spread, which measures what exec adds (docs/measurement.md). */
#define FORK_ONLY_ENV "MICROBE_INTERNAL_FORK_ONLY"
#define RECORD_MAGIC 0x6d627074u /* "mbpt" */
/* A child that exits with this status before its first record could not start the program. */
#define EXEC_FAILED 127

/* One benchmark, or a comparison group's selected members: indexes into ctx->selected. */
typedef struct unit {
    size_t k;
    size_t *idx;
    size_t want;      /* parts to measure: the run's, more for an unsettled group */
    int finished;     /* its results are made */
    unsigned redone;  /* parts measured again because they were disturbed */
    unsigned dropped; /* a part still disturbed after MAX_REDO, left out */
} unit;

/* A part of a unit to measure: which part, which unit. */
typedef struct entry {
    uint32_t part, unit;
} entry;

/* What precedes each unit's k measurements on the pipe. */
typedef struct record {
    uint32_t magic, part, unit, k;
    double wall_s;  /* the unit's measuring time in the child */
    double loop_ns; /* the child's empty-loop probe (mb__loop_overhead_ns) */
} record;

/* The run in parts: its units and every measurement so far. */
typedef struct parts {
    mb_ctx *ctx;
    const mb_run_info *info;
    size_t n_units, n_parts; /* n_parts: forks x rounds, what every unit gets */
    size_t stride;           /* the most parts a unit may get (GROUP_PARTS for groups) */
    unit *units;
    size_t *idx;         /* the units' indexes, n_selected of them */
    mb__measurement *m;  /* benchmark i's part p at i * stride + p */
    unsigned char *have; /* the same: measured */
    size_t *parts_in;    /* per unit: parts received */
    double *wall_s;      /* per unit: measuring time over its parts */
    size_t done, total;  /* entries done and planned, for progress */
    entry *redo;         /* parts to measure again (disturbed), n_redo of them */
    size_t n_redo;
} parts;

/* ---- Units and order -------------------------------------------------------------------- */

static int make_units(parts *ps)
{
    mb_ctx *ctx = ps->ctx;
    size_t n = ctx->n_selected;
    unsigned char *taken = calloc(n + 1, 1);
    ps->units = calloc(n + 1, sizeof *ps->units);
    ps->idx = malloc((n + 1) * sizeof *ps->idx);
    if (!taken || !ps->units || !ps->idx) {
        free(taken);
        return MB_ENOMEM;
    }
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        if (taken[i])
            continue;
        unit *u = &ps->units[ps->n_units++];
        u->idx = ps->idx + used;
        u->k = ctx->selected[i]->group ? mb__ctx_group_members(ctx, i, u->idx) : 1;
        u->idx[0] = i;
        for (size_t j = 0; j < u->k; j++)
            taken[u->idx[j]] = 1;
        used += u->k;
    }
    free(taken);
    return 0;
}

/* The seed of one part: the run's seed mixed with the part, so that each part shuffles the
 * units and its samples its own way, and a rerun repeats them. */
static uint64_t part_seed(uint64_t seed, size_t part)
{
    return seed ^ (0x9e3779b97f4a7c15u * (uint64_t)(part + 1));
}

/* Appends part p's units, in the part's own shuffled order, to e (at *n); the finished ones
 * (failed earlier) are left out. Returns 0 or MB_ENOMEM. */
static int order_part(const parts *ps, size_t p, entry *e, size_t *n)
{
    uint32_t *order = malloc((ps->n_units + 1) * sizeof *order);
    if (!order)
        return MB_ENOMEM;
    for (size_t u = 0; u < ps->n_units; u++)
        order[u] = (uint32_t)u;
    mb__rng rng;
    mb__rng_seed(&rng, part_seed(ps->ctx->settings.seed, p));
    mb__shuffle_u32(&rng, order, ps->n_units);
    for (size_t u = 0; u < ps->n_units; u++)
        if (!ps->units[order[u]].finished)
            e[(*n)++] = (entry){(uint32_t)p, order[u]};
    free(order);
    return 0;
}

/* ---- Measuring one unit ----------------------------------------------------------------- */

/* Measures part `part` of unit u in this process into ms (u->k of them). */
static int measure_unit(mb_ctx *ctx, const unit *u, size_t part, mb__measurement *ms)
{
    const mb_settings *s = &ctx->settings;
    mb__runner runner = mb__ctx_runner(ctx);
    const mb_bench *first = ctx->selected[u->idx[0]];
    if (u->k == 1) {
        mb__options opts = mb__bench_options(first, s);
        return mb__measure(&runner, &opts, first->fn,
                           part_seed(mb__bench_seed(s->seed, first->name), part), ms);
    }
    mb_bench_fn *fns = malloc((u->k + 1) * sizeof *fns);
    mb__options *opts = malloc((u->k + 1) * sizeof *opts);
    int err = fns && opts ? 0 : MB_ENOMEM;
    for (size_t j = 0; !err && j < u->k; j++) {
        fns[j] = ctx->selected[u->idx[j]]->fn;
        opts[j] = mb__bench_options(ctx->selected[u->idx[j]], s);
    }
    if (!err)
        err = mb__measure_group(&runner, opts, fns, u->k,
                                part_seed(mb__bench_seed(s->seed, first->group), part), ms);
    free(fns);
    free(opts);
    return err;
}

/* ---- Results ---------------------------------------------------------------------------- */

/* Benchmark i's result from the parts it has. */
static int finish_bench(parts *ps, size_t i)
{
    size_t np = ps->stride, k = 0;
    mb__measurement *got = malloc(np * sizeof *got), merged;
    size_t *ends = malloc(np * sizeof *ends);
    int err = got && ends ? 0 : MB_ENOMEM;
    for (size_t p = 0; !err && p < np; p++)
        if (ps->have[i * np + p])
            got[k++] = ps->m[i * np + p];
    if (!err && k > 0)
        err = mb__measurement_merge(got, k, ps->ctx->settings.confidence, ends, &merged);
    if (!err && k > 0) {
        err = mb__ctx_finish_result(ps->ctx, &merged, i, ends, k);
        mb__measurement_free(&merged);
    }
    free(got);
    free(ends);
    return err;
}

/* A group member's ratio to the group's first member: from the parts' medians, paired part
 * by part, when there are two parts or more; else from the samples, paired round by round. */
static int member_change(const mb_ctx *ctx, const mb_result *base, mb_result *r)
{
    if (base->status != MB_STATUS_OK || r->status != MB_STATUS_OK)
        return 0;
    if (base->n_parts >= 2 && r->n_parts == base->n_parts)
        return mb__change_parts_paired(base->part_medians, r->part_medians, r->n_parts,
                                       &ctx->settings, &r->paired);
    return mb__change_of_member(base, r, &ctx->settings, &r->paired);
}

/* Unit u's results, once its last part is in or it failed: made, counted, emitted. */
static int finish_unit(parts *ps, unit *u)
{
    mb_ctx *ctx = ps->ctx;
    u->finished = 1;
    int err = 0;
    for (size_t j = 0; j < u->k && !err; j++)
        err = finish_bench(ps, u->idx[j]);
    const mb_result *base = &ctx->results[u->idx[0]];
    for (size_t j = 0; j < u->k && !err; j++) {
        mb_result *r = &ctx->results[u->idx[j]];
        r->wall_time_s = ps->wall_s[u - ps->units] / (double)u->k;
        r->parts_redone = u->redone;
        r->parts_dropped = u->dropped;
        if (u->k > 1)
            r->group_baseline = base->name;
        if (j > 0)
            err = member_change(ctx, base, r);
    }
    for (size_t j = 0; j < u->k && !err; j++)
        err = mb__ctx_result_done(ctx, ps->info, u->idx[j]);
    for (size_t j = 0; j < u->k; j++)
        for (size_t p = 0; p < ps->stride; p++)
            mb__measurement_free(&ps->m[u->idx[j] * ps->stride + p]);
    return err;
}

/* The most times one unit's parts are measured again (mb__disturbed_part); a part still
 * disturbed after that is left out. */
#define MAX_REDO 3
/* A comparison group whose members' comparisons straddle the noise threshold after its parts
 * gets more, one at a time, up to this many times the run's (docs/measurement.md). */
#define GROUP_PARTS 4

/* The median time per iteration of one part's samples; NAN without samples. */
static double part_median(const mb__measurement *m)
{
    double *scratch = malloc((2 * m->n + 1) * sizeof *scratch);
    double median = scratch ? mb__median_per_iter(m->iters, m->ns, m->n, scratch) : NAN;
    free(scratch);
    return median;
}

/* Benchmark i's parts' medians, in part order, into medians (room for ps->stride); how many. */
static size_t part_medians(const parts *ps, size_t i, double *medians, size_t *which)
{
    size_t k = 0;
    for (size_t p = 0; p < ps->stride; p++)
        if (ps->have[i * ps->stride + p]) {
            which[k] = p;
            medians[k++] = part_median(&ps->m[i * ps->stride + p]);
        }
    return k;
}

/* The part of unit u that was disturbed as a whole (by its first member's times), or -1. */
static long disturbed_part(const parts *ps, const unit *u)
{
    double *medians = malloc((ps->stride + 1) * sizeof *medians);
    size_t *which = malloc((ps->stride + 1) * sizeof *which);
    long bad = -1;
    if (medians && which) {
        bad = mb__disturbed_part(medians, part_medians(ps, u->idx[0], medians, which));
        bad = bad < 0 ? -1 : (long)which[bad];
    }
    free(medians);
    free(which);
    return bad;
}

/* Whether group unit u needs another part: a member's paired comparison with the base, from
 * the parts so far, straddles the noise threshold, and the unit may have more. 1, 0 or
 * MB_ENOMEM. */
static int needs_part(const parts *ps, const unit *u)
{
    if (u->k < 2 || u->want >= ps->stride)
        return 0;
    double *base = malloc((ps->stride + 1) * sizeof *base);
    double *member = malloc((ps->stride + 1) * sizeof *member);
    size_t *which = malloc((ps->stride + 1) * sizeof *which);
    int need = base && member && which ? 0 : MB_ENOMEM;
    size_t k = need ? 0 : part_medians(ps, u->idx[0], base, which);
    for (size_t j = 1; j < u->k && need == 0; j++) {
        part_medians(ps, u->idx[j], member, which);
        int settled = mb__paired_settled(base, member, k, &ps->ctx->settings);
        need = settled < 0 ? settled : !settled;
    }
    free(base);
    free(member);
    free(which);
    return need;
}

/* Keeps part p of unit u (ms: its k measurements, now owned here; a part measured again
 * replaces the one before). Once all parts are in, a disturbed one is queued to be measured
 * again, or else the unit finished; a failed part finishes it at once. */
static int keep(parts *ps, size_t p, size_t u_index, mb__measurement *ms, double wall_s)
{
    unit *u = &ps->units[u_index];
    if (u->finished) { /* measured in a round after it failed: nothing to keep */
        for (size_t j = 0; j < u->k; j++)
            mb__measurement_free(&ms[j]);
        return 0;
    }
    int failed = 0, again = ps->have[u->idx[0] * ps->stride + p];
    for (size_t j = 0; j < u->k; j++) {
        size_t at = u->idx[j] * ps->stride + p;
        mb__measurement_free(&ps->m[at]);
        ps->m[at] = ms[j];
        ps->have[at] = 1;
        failed |= ms[j].failure != NULL || ms[j].report.outcome != 0;
    }
    ps->wall_s[u_index] += wall_s;
    ps->done++;
    if (!again)
        ps->parts_in[u_index]++;
    if (failed)
        return finish_unit(ps, u);
    if (ps->parts_in[u_index] < u->want)
        return 0;
    long bad = disturbed_part(ps, u);
    if (bad >= 0 && u->redone == MAX_REDO) {
        /* Disturbed again and again: the machine stayed busy. That part is left out. */
        for (size_t j = 0; j < u->k; j++) {
            size_t at = u->idx[j] * ps->stride + (size_t)bad;
            mb__measurement_free(&ps->m[at]);
            ps->have[at] = 0;
        }
        u->dropped = 1;
        bad = -1;
    }
    if (bad >= 0) {
        u->redone++;
        ps->total++;
        ps->redo[ps->n_redo++] = (entry){(uint32_t)bad, (uint32_t)u_index};
        return 0;
    }
    int need = needs_part(ps, u);
    if (need <= 0)
        return need < 0 ? need : finish_unit(ps, u);
    /* A group whose comparison is not settled yet: one more part, in a fresh process. */
    ps->total++;
    ps->redo[ps->n_redo++] = (entry){(uint32_t)u->want++, (uint32_t)u_index};
    return 0;
}

static void progress(parts *ps, const entry *e)
{
    mb_ctx *ctx = ps->ctx;
    char phase[48];
    snprintf(phase, sizeof phase, "part %u of %zu", e->part + 1, ps->units[e->unit].want);
    ctx->finished_s = (double)(ctx->clock->now_ns(ctx->clock->user) - ctx->run_start) / 1e9;
    const mb_bench *b = ctx->selected[ps->units[e->unit].idx[0]];
    mb__ctx_progress(ctx, ps->done, ps->total, ps->units[e->unit].k > 1 ? b->group : b->name,
                     phase);
}

/* ---- In this process -------------------------------------------------------------------- */

static int run_here(parts *ps, const entry *e, size_t n)
{
    mb_ctx *ctx = ps->ctx;
    mb__measurement *ms = calloc(ctx->n_selected + 1, sizeof *ms);
    int err = ms ? 0 : MB_ENOMEM;
    for (size_t i = 0; i < n && !err; i++) {
        const unit *u = &ps->units[e[i].unit];
        if (u->finished)
            continue;
        progress(ps, &e[i]);
        uint64_t start = ctx->clock->now_ns(ctx->clock->user);
        err = measure_unit(ctx, u, e[i].part, ms);
        double wall_s = (double)(ctx->clock->now_ns(ctx->clock->user) - start) / 1e9;
        if (!err)
            err = keep(ps, e[i].part, e[i].unit, ms, wall_s);
        if (!err && ctx->interrupt)
            err = MB_EINTR;
    }
    free(ms);
    return err;
}

/* ---- The child ---------------------------------------------------------------------------- */

const char *mb__ctx_part_request(void)
{
    return getenv(PART_ENV);
}

/* Parses "FD PART.UNIT,PART.UNIT,..." into fd and e (room for `cap`); the count, or -1. */
static long parse_request(const char *text, int *fd, entry *e, size_t cap)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (end == text || *end != ' ' || v < 0 || v > 1 << 20)
        return -1;
    *fd = (int)v;
    size_t n = 0;
    for (const char *p = end + 1; *p; n++) {
        unsigned long part = strtoul(p, &end, 10);
        if (end == p || *end != '.' || n == cap)
            return -1;
        p = end + 1;
        unsigned long u = strtoul(p, &end, 10);
        if (end == p || (*end && *end != ','))
            return -1;
        e[n] = (entry){(uint32_t)part, (uint32_t)u};
        p = *end ? end + 1 : end;
    }
    return (long)n;
}

int mb__ctx_part_child(mb_ctx *ctx, const char *request)
{
    parts ps = {.ctx = ctx};
    size_t cap = strlen(request) / 4 + 1;
    entry *e = malloc(cap * sizeof *e);
    int fd = -1, err = e ? make_units(&ps) : MB_ENOMEM;
    long n = err ? -1 : parse_request(request, &fd, e, cap);
    mb__measurement *ms = calloc(ctx->n_selected + 1, sizeof *ms);
    if (!err && (n < 0 || !ms))
        err = n < 0 ? MB_EINVAL : MB_ENOMEM;
    for (long i = 0; !err && i < n; i++) {
        if (e[i].unit >= ps.n_units) {
            err = MB_EINVAL;
            break;
        }
        const unit *u = &ps.units[e[i].unit];
        uint64_t start = ctx->clock->now_ns(ctx->clock->user);
        err = measure_unit(ctx, u, e[i].part, ms);
        record rec = {RECORD_MAGIC,
                      e[i].part,
                      e[i].unit,
                      (uint32_t)u->k,
                      (double)(ctx->clock->now_ns(ctx->clock->user) - start) / 1e9,
                      ctx->loop_ns};
        if (!err)
            err = mb__write_all(fd, &rec, sizeof rec);
        for (size_t j = 0; j < u->k; j++) {
            if (!err)
                err = mb__measurement_write(fd, &ms[j], 0);
            mb__measurement_free(&ms[j]);
        }
    }
    free(ms);
    free(e);
    free(ps.units);
    free(ps.idx);
    fflush(NULL);
    _exit(err ? 3 : 0); /* nothing of the parent's run is this child's to finish */
}

/* ---- Children ----------------------------------------------------------------------------- */

/* Starts the program again with the request for entries e in its environment, stdout to
 * /dev/null and the write end of the pipe fds open. Returns its pid, or -1. */
static pid_t spawn(mb_ctx *ctx, const entry *e, size_t n, const int fds[2])
{
    size_t cap = 32 + 24 * n;
    char *text = malloc(cap);
    if (!text)
        return -1;
    size_t len = (size_t)snprintf(text, cap, "%d ", fds[1]);
    for (size_t i = 0; i < n; i++)
        len +=
            (size_t)snprintf(text + len, cap - len, "%s%u.%u", i ? "," : "", e[i].part, e[i].unit);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0)
            dup2(null, STDOUT_FILENO);
        if (getenv(FORK_ONLY_ENV)) { /* the experiment of docs/measurement.md: no exec */
            ctx->settings.log = NULL;
            if (ctx->counters)
                mb__counters_open(ctx->counters, 0);
            mb__ctx_part_child(ctx, text);
        }
        if (setenv(PART_ENV, text, 1) == 0) {
#ifdef __linux__
            execv("/proc/self/exe", ctx->program);
#endif
            execvp(ctx->program[0], ctx->program);
        }
        _exit(EXEC_FAILED);
    }
    free(text);
    return pid;
}

/* Reads the child's records for entries e[*next...] until it ends, the timeout passes or the
 * run is interrupted; *outcome says which. Returns 0 or an MB_E* of this process. */
static int read_records(parts *ps, int fd, const entry *e, size_t n, size_t *next,
                        mb__outcome *outcome, mb__measurement *ms)
{
    mb_ctx *ctx = ps->ctx;
    int err = 0;
    while (!err && *next < n) {
        progress(ps, &e[*next]);
        *outcome = mb__wait_readable(fd, ctx->settings.timeout_s, &ctx->interrupt);
        if (*outcome != MB__READABLE)
            return 0;
        record rec;
        const unit *u = &ps->units[e[*next].unit];
        if (mb__read_all(fd, &rec, sizeof rec) != 0 || rec.magic != RECORD_MAGIC ||
            rec.part != e[*next].part || rec.unit != e[*next].unit || rec.k != u->k)
            return 0; /* the child ended, or sent nonsense: it failed this unit */
        /* Every process probes the empty loop as it starts, at a different moment: the
         * fastest probe so far is the loop's cost (a busy sibling hardware thread or a low
         * clock rate only ever slows one down). Results made from here on use it. */
        if (rec.loop_ns > 0 && rec.loop_ns < ctx->loop_ns)
            ctx->loop_ns = rec.loop_ns;
        size_t got = 0;
        int status = 0;
        while (got < u->k && mb__measurement_read(fd, &ms[got], &status) == 0)
            got++;
        if (got < u->k) {
            while (got > 0)
                mb__measurement_free(&ms[--got]);
            return 0;
        }
        err = keep(ps, rec.part, rec.unit, ms, rec.wall_s);
        ++*next;
    }
    return err;
}

/* Unit e's part failed with the child's end (outcome, waitpid status): its failure recorded
 * in every member's measurement, and the unit finished with the parts it has. */
static int fail_unit(parts *ps, const entry *e, mb__outcome outcome, int status)
{
    unit *u = &ps->units[e->unit];
    mb__measurement *ms = calloc(u->k, sizeof *ms);
    if (!ms)
        return MB_ENOMEM;
    int err = 0;
    for (size_t j = 0; j < u->k && !err; j++) {
        ms[j].mode = mb__bench_options(ps->ctx->selected[u->idx[j]], &ps->ctx->settings).mode;
        err = mb__describe_end(&ms[j], outcome, status, ps->ctx->settings.timeout_s);
    }
    if (!err)
        err = keep(ps, e->part, e->unit, ms, 0);
    free(ms);
    return err;
}

/* Runs entries e (scratch: compacted as units fail) in children of the program: one, and
 * another after each unit that fails. */
/* Compacts the n entries e, leaving out those of finished units (failed earlier): a child is
 * never asked for them again. Returns how many are left. */
static size_t drop_finished(const parts *ps, entry *e, size_t n)
{
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (!ps->units[e[i].unit].finished)
            e[kept++] = e[i];
    return kept;
}

static int run_children(parts *ps, entry *e, size_t n)
{
    mb_ctx *ctx = ps->ctx;
    mb__measurement *ms = calloc(ctx->n_selected + 1, sizeof *ms);
    size_t next = 0;
    int err = ms ? 0 : MB_ENOMEM;
    while (!err && (n = next + drop_finished(ps, e + next, n - next)) > next) {
        int fds[2];
        if (pipe(fds) != 0) {
            err = MB_EIO;
            break;
        }
        pid_t pid = spawn(ctx, e + next, n - next, fds);
        close(fds[1]);
        size_t first = next;
        mb__outcome outcome = MB__READABLE;
        err = pid < 0 ? MB_EIO : read_records(ps, fds[0], e, n, &next, &outcome, ms);
        close(fds[0]);
        if (pid < 0)
            break;
        if (next < n)
            kill(pid, SIGKILL);
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        if (!err && outcome == MB__INTERRUPTED)
            err = MB_EINTR;
        else if (!err && next == first && WIFEXITED(status) && WEXITSTATUS(status) == EXEC_FAILED &&
                 outcome == MB__READABLE) {
            mb__log(&ctx->settings, MB_LOG_ERROR,
                    "cannot start %s again to measure in a fresh process (--forks 0 measures "
                    "in this one)",
                    ctx->program[0]);
            err = MB_EIO;
        } else if (!err && next < n) {
            err = fail_unit(ps, &e[next], outcome, status);
            next++;
        }
    }
    free(ms);
    return err;
}

/* ---- The run ------------------------------------------------------------------------------ */

static void free_parts(parts *ps)
{
    for (size_t i = 0; ps->m && i < ps->ctx->n_selected * ps->stride; i++)
        mb__measurement_free(&ps->m[i]);
    free(ps->m);
    free(ps->have);
    free(ps->parts_in);
    free(ps->wall_s);
    free(ps->redo);
    free(ps->units);
    free(ps->idx);
}

/* Process f's entries: its rounds, each a part in its own order. */
static int plan_process(const parts *ps, size_t f, size_t rounds, entry *e, size_t *n)
{
    int err = 0;
    *n = 0;
    for (size_t r = 0; r < rounds && !err; r++)
        err = order_part(ps, f * rounds + r, e, n);
    return err;
}

int mb__ctx_measure_parts(mb_ctx *ctx, const mb_run_info *info)
{
    const mb_settings *s = &ctx->settings;
    int children = s->forks > 0 && ctx->program;
    size_t forks = children ? s->forks : 1, rounds = s->rounds;
    parts ps = {.ctx = ctx, .info = info, .n_parts = forks * rounds};
    int err = make_units(&ps);
    ps.stride = ps.n_parts;
    for (size_t u = 0; u < ps.n_units; u++) {
        ps.units[u].want = ps.n_parts;
        if (ps.units[u].k > 1 && ps.n_parts >= 2)
            ps.stride = ps.n_parts * GROUP_PARTS;
    }
    size_t cells = ctx->n_selected * ps.stride;
    ps.m = calloc(cells + 1, sizeof *ps.m);
    ps.have = calloc(cells + 1, 1);
    ps.parts_in = calloc(ps.n_units + 1, sizeof *ps.parts_in);
    ps.wall_s = calloc(ps.n_units + 1, sizeof *ps.wall_s);
    ps.redo = malloc((ps.n_units * MAX_REDO + 1) * sizeof *ps.redo);
    entry *e = malloc((ps.n_units * rounds + 1) * sizeof *e);
    if (!ps.m || !ps.have || !ps.parts_in || !ps.wall_s || !ps.redo || !e)
        err = MB_ENOMEM;
    ps.total = ps.n_units * ps.n_parts;
    for (size_t f = 0; f < forks && !err; f++) {
        size_t n;
        err = plan_process(&ps, f, rounds, e, &n);
        if (!err)
            err = children ? run_children(&ps, e, n) : run_here(&ps, e, n);
    }
    /* The disturbed parts again, in a fresh process each time (or here), until none is left. */
    while (!err && ps.n_redo > 0) {
        size_t n = ps.n_redo;
        memcpy(e, ps.redo, n * sizeof *e);
        ps.n_redo = 0;
        err = children ? run_children(&ps, e, n) : run_here(&ps, e, n);
    }
    /* Interrupted: the units with a part measured are reported from the parts they have. */
    for (size_t u = 0; err == MB_EINTR && u < ps.n_units; u++)
        if (!ps.units[u].finished && ps.parts_in[u] > 0) {
            int fin = finish_unit(&ps, &ps.units[u]);
            err = fin ? fin : err;
        }
    free(e);
    free_parts(&ps);
    return err;
}
