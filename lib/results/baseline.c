/*
 * Baselines on disk (DIR/NAME/<benchmark>.json, see baseline.h): name checks, the directory,
 * the lock that makes a save whole against another save or a reader, saving one result
 * whole, and reading a baseline back (each file through mb_results_read,
 * merged per benchmark). Storage only: comparing is compare.c's.
 */
#define _POSIX_C_SOURCE 200809L

#include "baseline.h"

#include "log.h"
#include "microbe_internal.h"
#include "set.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(char *err, size_t size, int code, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static int fail(char *err, size_t size, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (err && size)
        vsnprintf(err, size, fmt, ap);
    va_end(ap);
    return code;
}

static int name_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

const char *mb__baseline_name_problem(const char *name)
{
    size_t len = name ? strlen(name) : 0;
    if (len == 0 || len > MB__BASELINE_NAME_MAX)
        return "a baseline name has 1 to 100 characters";
    if (name[0] == '.')
        return "a baseline name may not start with '.'";
    for (size_t i = 0; i < len; i++)
        if (!name_char((unsigned char)name[i]))
            return "a baseline name may hold only letters, digits, '.', '_' and '-'";
    return NULL;
}

/* dir/name/<benchmark>.json, the benchmark's name with every byte outside [A-Za-z0-9._-]
 * (and a leading '.') written as %XX, so that any name maps to one plain file name. */
static char *bench_path(const char *dir, const char *name, const char *bench)
{
    size_t size = strlen(dir) + strlen(name) + 3 * strlen(bench) + 16;
    char *path = malloc(size);
    if (!path)
        return NULL;
    int len = snprintf(path, size, "%s/%s/", dir, name);
    char *p = path + len;
    for (const unsigned char *c = (const unsigned char *)bench; *c; c++) {
        if (name_char(*c) && !(c == (const unsigned char *)bench && *c == '.'))
            *p++ = (char)*c;
        else
            p += sprintf(p, "%%%02X", *c);
    }
    memcpy(p, ".json", sizeof ".json");
    return path;
}

/* mkdir that accepts an existing directory and names anything else in the way. */
static int make_dir(const char *path, char *err, size_t size)
{
    if (mkdir(path, 0777) == 0)
        return 0;
    int saved = errno;
    struct stat st;
    if (saved == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return 0;
    if (saved == EEXIST)
        return fail(err, size, MB_EINVAL, "%s exists and is not a directory", path);
    return fail(err, size, MB_EIO, "cannot create directory %s: %s", path, strerror(saved));
}

int mb__baseline_prepare(const char *dir, const char *name, char *err, size_t err_size)
{
    size_t size = strlen(dir) + strlen(name) + 2;
    char *sub = malloc(size);
    if (!sub)
        return MB_ENOMEM;
    snprintf(sub, size, "%s/%s", dir, name);
    int rc = make_dir(dir, err, err_size);
    if (rc == 0)
        rc = make_dir(sub, err, err_size);
    free(sub);
    return rc;
}

/* dir/.name.lock, opened (created when exclusive) and locked with fcntl: exclusive to save,
 * shared to read. The kernel releases the lock when the file is closed or the process ends,
 * however it ends (SIGKILL included), so a lock is never left behind; the file stays, empty.
 * Returns the descriptor; -1 when it cannot be opened (errno says why; for a shared lock
 * ENOENT means no run has saved this baseline under a lock yet). */
static int lock_baseline(const char *dir, const char *name, int exclusive)
{
    size_t size = strlen(dir) + strlen(name) + 8;
    char *path = malloc(size);
    if (!path)
        return errno = ENOMEM, -1;
    snprintf(path, size, "%s/.%s.lock", dir, name);
    int fd = open(path, exclusive ? O_RDWR | O_CREAT : O_RDONLY, 0666);
    free(path);
    if (fd < 0)
        return -1;
    struct flock lock = {.l_type = exclusive ? F_WRLCK : F_RDLCK, .l_whence = SEEK_SET};
    while (fcntl(fd, F_SETLKW, &lock) != 0) {
        if (errno != EINTR) {
            int saved = errno;
            close(fd);
            errno = saved;
            return -1;
        }
    }
    return fd;
}

/* Removes what writers killed in the middle of a save left in the baseline's directory sub:
 * their temporary files, ".<benchmark>.json.XXXXXX". Called under the exclusive lock, which
 * every writer holds while it saves: no live writer has one then. */
static void remove_stale(const char *sub)
{
    DIR *d = opendir(sub);
    struct dirent *entry;
    while (d && (entry = readdir(d)) != NULL) {
        const char *file = entry->d_name;
        size_t len = strlen(file);
        if (file[0] != '.' || len < 14 || file[len - 7] != '.' ||
            memcmp(file + len - 12, ".json", 5) != 0)
            continue;
        size_t size = strlen(sub) + len + 2;
        char *path = malloc(size);
        if (path) {
            snprintf(path, size, "%s/%s", sub, file);
            unlink(path);
        }
        free(path);
    }
    if (d)
        closedir(d);
}

int mb__baseline_lock(const char *dir, const char *name, char *err, size_t err_size)
{
    int rc = mb__baseline_prepare(dir, name, err, err_size);
    if (rc)
        return rc;
    int fd = lock_baseline(dir, name, 1);
    if (fd < 0)
        return fail(err, err_size, errno == ENOMEM ? MB_ENOMEM : MB_EIO,
                    "cannot lock %s/.%s.lock: %s", dir, name, strerror(errno));
    size_t size = strlen(dir) + strlen(name) + 2;
    char *sub = malloc(size);
    if (sub) {
        snprintf(sub, size, "%s/%s", dir, name);
        remove_stale(sub);
    }
    free(sub);
    return fd;
}

void mb__baseline_unlock(int lock)
{
    if (lock >= 0)
        close(lock);
}

int mb__baseline_save(const char *dir, const char *name, const mb_run_info *info,
                      const mb_result *r, char *err, size_t err_size)
{
    if (r->status != MB_STATUS_OK || r->n_samples == 0)
        return 1;
    int rc;
    char *path = bench_path(dir, name, r->name);
    if (!path)
        return MB_ENOMEM;
    /* The benchmark's own document: the run's context and settings, this one result. */
    mb_run_info one = *info;
    one.n_benchmarks = 1;
    one.names = &r->name;
    one.interrupted = 0;
    mb_emitter e;
    rc = mb_emitter_open(&e, "json", path);
    if (rc == 0) {
        rc = e.begin(e.user, &one);
        if (rc == 0)
            rc = e.result(e.user, &one, r);
        if (rc == 0)
            rc = e.end(e.user, &one);
        e.destroy(e.user);
    }
    if (rc)
        rc = fail(err, err_size, rc, "cannot write %s: %s", path,
                  rc == MB_EIO && errno ? strerror(errno) : mb_strerror(rc));
    free(path);
    return rc;
}

/* ---- Reading ------------------------------------------------------------------------- */

int mb__baseline_read(const char *dir, const char *name, mb_results **set, char *err,
                      size_t err_size)
{
    size_t size = strlen(dir) + strlen(name) + 2;
    char *sub = malloc(size);
    if (!sub)
        return MB_ENOMEM;
    snprintf(sub, size, "%s/%s", dir, name);
    /* Shared, so that a save in progress (which holds the lock exclusively) is read whole,
     * before or after it. */
    int lock = lock_baseline(dir, name, 0);
    DIR *d = opendir(sub);
    if (!d) {
        int saved = errno;
        int rc = fail(err, err_size, MB_EINVAL,
                      "baseline '%s' not found in %s (%s); save one "
                      "with --save-baseline %s",
                      name, dir, strerror(saved), name);
        free(sub);
        mb__baseline_unlock(lock);
        return rc;
    }
    int rc = 0;
    struct dirent *entry;
    while (rc == 0 && (entry = readdir(d)) != NULL) {
        size_t len = strlen(entry->d_name);
        if (entry->d_name[0] == '.' || len < 6 || strcmp(entry->d_name + len - 5, ".json") != 0)
            continue; /* ., .., and the temporary files of a save in progress */
        char *path = malloc(size + len + 1);
        if (!path) {
            rc = MB_ENOMEM;
            break;
        }
        snprintf(path, size + len + 1, "%s/%s", sub, entry->d_name);
        rc = mb_results_read(path, set, err, err_size);
        free(path);
    }
    closedir(d);
    free(sub);
    mb__baseline_unlock(lock);
    return rc;
}

const char *mb__baseline_dir(const mb_settings *s)
{
    return s->baseline_dir && s->baseline_dir[0] ? s->baseline_dir : ".microbe";
}

int mb__baseline_load(const mb_settings *s, mb_results **out)
{
    *out = NULL;
    if (!s->baseline)
        return 0;
    char err[600] = "out of memory";
    int rc = mb__baseline_read(mb__baseline_dir(s), s->baseline, out, err, sizeof err);
    if (rc == 0 && !*out && !(*out = mb__results_new()))
        rc = MB_ENOMEM; /* an empty baseline: nothing to compare with */
    if (rc) {
        mb__log(s, MB_LOG_ERROR, "%s", err); /* bad input, said with its details */
        mb_results_free(*out);
        *out = NULL;
    } else if (s->smoke || s->profile_time_s > 0) {
        /* Read only to refuse a missing or invalid one: these modes measure nothing to
         * compare with it. */
        mb_results_free(*out);
        *out = NULL;
    }
    return rc == MB_ENOMEM ? rc : rc ? MB_EINVAL : 0;
}
