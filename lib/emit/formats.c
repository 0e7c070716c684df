/*
 * The built-in formats by name, and the file emitter that writes any of them whole or not at
 * all: a temporary file in the target's directory, created when the emitter is (so that an
 * unwritable path fails before anything runs), renamed over the target when the run ends
 * successfully, removed otherwise.
 */
#define _POSIX_C_SOURCE 200809L

#include "emit.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const format_names[] = {"text",     "json",        "csv", "csv-samples",
                                           "markdown", "gbench-json", "bmf", NULL};

const char *const *mb_emitter_formats(void)
{
    return format_names;
}

int mb_emitter_new(mb_emitter *emitter, const char *format, FILE *out)
{
    static int (*const make[])(mb_emitter *, FILE *) = {
        mb_emitter_text,      mb__emitter_json,   mb__emitter_csv, mb__emitter_csv_samples,
        mb__emitter_markdown, mb__emitter_gbench, mb__emitter_bmf,
    };
    for (size_t i = 0; format && format_names[i]; i++)
        if (strcmp(format, format_names[i]) == 0)
            return make[i](emitter, out);
    return MB_EINVAL;
}

typedef struct file_emitter {
    mb_emitter inner;
    FILE *fp;
    char *path;
    char *tmp_path;
    int failed;   /* a callback failed: the target must not be replaced */
    int finished; /* renamed into place */
} file_emitter;

static int file_begin(void *user, const mb_run_info *info)
{
    file_emitter *f = user;
    if (!f->fp) /* the file was already finished by an earlier run: one run per file */
        return f->failed = 1, MB_EIO;
    int err = f->inner.begin ? f->inner.begin(f->inner.user, info) : 0;
    f->failed |= err != 0;
    return err;
}

static int file_result(void *user, const mb_run_info *info, const mb_result *r)
{
    file_emitter *f = user;
    int err = f->inner.result ? f->inner.result(f->inner.user, info, r) : 0;
    f->failed |= err != 0;
    return err;
}

/* The current umask, for giving the finished file the permissions a plain fopen would. */
static mode_t current_umask(void)
{
    mode_t mask = umask(022);
    umask(mask);
    return mask;
}

static int file_end(void *user, const mb_run_info *info)
{
    file_emitter *f = user;
    int err = f->inner.end ? f->inner.end(f->inner.user, info) : 0;
    if (err || f->failed)
        return f->failed = 1, err ? err : MB_EIO;
    FILE *fp = f->fp;
    f->fp = NULL;
    int ok = fflush(fp) == 0 && !ferror(fp);
    ok = fchmod(fileno(fp), 0666 & ~current_umask()) == 0 && ok;
    ok = fsync(fileno(fp)) == 0 && ok;
    ok = fclose(fp) == 0 && ok;
    if (!ok || rename(f->tmp_path, f->path) != 0) {
        f->failed = 1;
        return MB_EIO;
    }
    f->finished = 1;
    return 0;
}

static void file_destroy(void *user)
{
    file_emitter *f = user;
    if (f->inner.destroy)
        f->inner.destroy(f->inner.user);
    if (f->fp)
        fclose(f->fp);
    if (!f->finished)
        unlink(f->tmp_path);
    free(f->path);
    free(f->tmp_path);
    free(f);
}

/* "<dir>/.<name>.XXXXXX": hidden, beside the target, so that rename() stays in one file
 * system and the target is replaced atomically. */
static char *temp_template(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path + 1) : 0;
    const char *name = path + dir_len;
    size_t size = dir_len + 1 + strlen(name) + sizeof ".XXXXXX";
    char *tmp = malloc(size);
    if (tmp)
        snprintf(tmp, size, "%.*s.%s.XXXXXX", (int)dir_len, path, name);
    return tmp;
}

int mb_emitter_open(mb_emitter *emitter, const char *format, const char *path)
{
    int known = 0;
    for (size_t i = 0; format && format_names[i]; i++)
        known |= strcmp(format, format_names[i]) == 0;
    if (!known || !path || !path[0] || path[strlen(path) - 1] == '/') {
        errno = EINVAL;
        return MB_EINVAL;
    }
    /* A directory in the way would only be found at the rename, after the whole run. */
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        return MB_EIO;
    }
    file_emitter *f = calloc(1, sizeof *f);
    if (!f)
        return MB_ENOMEM;
    size_t path_size = strlen(path) + 1;
    f->path = malloc(path_size);
    f->tmp_path = temp_template(path);
    if (!f->path || !f->tmp_path) {
        free(f->path);
        free(f->tmp_path);
        free(f);
        return MB_ENOMEM;
    }
    memcpy(f->path, path, path_size);
    int fd = mkstemp(f->tmp_path);
    if (fd < 0 || !(f->fp = fdopen(fd, "w"))) {
        int saved = errno;
        if (fd >= 0) {
            close(fd);
            unlink(f->tmp_path);
        }
        free(f->path);
        free(f->tmp_path);
        free(f);
        errno = saved;
        return MB_EIO;
    }
    int err = mb_emitter_new(&f->inner, format, f->fp);
    if (err) {
        f->finished = 0;
        f->inner.destroy = NULL;
        file_destroy(f);
        return err;
    }
    *emitter = (mb_emitter){f, file_begin, file_result, file_end, file_destroy};
    return 0;
}
