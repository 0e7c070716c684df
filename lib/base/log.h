/*
 * Messages (log.c): the log through the settings' callback, and one-line error messages.
 */
#ifndef MB_LOG_H
#define MB_LOG_H

#include "microbe.h"

#include <stddef.h>

/* Logs through the settings' callback when level <= s->log_level. printf-style. */
void mb__log(const mb_settings *s, mb_log_level level, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Writes a printf-style message to err (size bytes) as one line: control characters in it,
 * such as a newline inside a quoted value, become '?'. Returns -1, for the caller to return. */
int mb__fail(char *err, size_t size, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif
