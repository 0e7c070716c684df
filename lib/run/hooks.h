/*
 * The seams of a context for tests (ctx.c): a fake clock, a fixed environment. Internal.
 */
#ifndef MB_HOOKS_H
#define MB_HOOKS_H

#include "microbe_internal.h"

/* Replaces the clock of a context (tests). The clock must outlive the context. */
void mb__ctx_set_clock(mb_ctx *ctx, const mb__clock *clock);
/* Makes runs report env instead of capturing the machine's (tests: reports that do not
 * depend on the machine). env must outlive the context. */
void mb__ctx_set_environment(mb_ctx *ctx, const mb_environment *env);

#endif
