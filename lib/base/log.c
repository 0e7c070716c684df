/*
 * Messages: the log through the settings' callback (mb__log), and the one-line error messages
 * that parsers of user input write into their caller's buffer (mb__fail).
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>

void mb__log(const mb_settings *s, mb_log_level level, const char *fmt, ...)
{
    if (!s->log || (int)level > s->log_level)
        return;
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): started on the line above */
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    s->log(s->log_user, level, message);
}

int mb__fail(char *err, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): started on the line above */
    vsnprintf(err, size, fmt, ap);
    va_end(ap);
    for (char *c = err; size && *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '?';
    return -1;
}
