/*
 * The names of BENCH_P instances: the suffix their values add to the benchmark's name
 * ("sort/64", "lookup/keys:16/kind:hit", "queue/threads:4"), the parameter form that names
 * every parameter ("sort/n:64"), which --filter and the matching of baselines accept, and
 * whether two instances' values agree. Pure text; depends on numbers.c alone.
 */
#include "instance_name.h"

#include "numbers.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "64", "0.5", "hit": a value as an instance's name writes it. */
static const char *value_text(char *buf, size_t size, const mb_param_value *v)
{
    if (v->kind == MB_PARAM_STRING)
        return v->s ? v->s : "";
    if (v->kind == MB_PARAM_DOUBLE)
        mb__fmt_double(buf, size, v->d);
    else
        snprintf(buf, size, "%" PRId64, v->i);
    return buf;
}

size_t mb__param_suffix(char *buf, size_t size, const mb_param_value *v, size_t n, int full)
{
    size_t n_named = 0, len = 0;
    for (size_t j = 0; j < n; j++)
        n_named += v[j].kind != MB_PARAM_THREADS;
    if (size)
        buf[0] = '\0';
    for (size_t j = 0; j < n; j++) {
        char number[48];
        const char *text = value_text(number, sizeof number, &v[j]);
        int bare = !full && n_named == 1 && v[j].kind != MB_PARAM_THREADS;
        size_t room = len < size ? size - len : 0;
        len += (size_t)snprintf(room ? buf + len : NULL, room, bare ? "/%s%s" : "/%s:%s",
                                bare        ? ""
                                : v[j].name ? v[j].name
                                            : "",
                                text);
    }
    return len;
}

size_t mb__base_name_len(const char *name, const mb_param_value *v, size_t n)
{
    size_t len = strlen(name), suffix_len = mb__param_suffix(NULL, 0, v, n, 0);
    if (suffix_len > len)
        return (size_t)-1;
    char *suffix = malloc(suffix_len + 1);
    if (!suffix)
        return (size_t)-1;
    mb__param_suffix(suffix, suffix_len + 1, v, n, 0);
    int ends = strcmp(name + len - suffix_len, suffix) == 0;
    free(suffix);
    return ends ? len - suffix_len : (size_t)-1;
}

char *mb__param_form(const char *name, const mb_param_value *v, size_t n)
{
    size_t base = n ? mb__base_name_len(name, v, n) : (size_t)-1;
    if (base == (size_t)-1)
        return NULL;
    size_t size = base + mb__param_suffix(NULL, 0, v, n, 1) + 1;
    char *form = malloc(size);
    if (!form)
        return NULL;
    memcpy(form, name, base);
    mb__param_suffix(form + base, size - base, v, n, 1);
    if (strcmp(form, name) == 0) {
        free(form);
        return NULL;
    }
    return form;
}

/* The value of the parameter named name among v[0..n), or NULL. */
static const mb_param_value *find(const mb_param_value *v, size_t n, const char *name)
{
    for (size_t j = 0; j < n; j++)
        if (v[j].name && strcmp(v[j].name, name) == 0)
            return &v[j];
    return NULL;
}

int mb__params_agree(const mb_param_value *a, size_t na, const mb_param_value *b, size_t nb)
{
    size_t common = 0;
    for (size_t j = 0; j < na; j++) {
        const mb_param_value *other = a[j].name ? find(b, nb, a[j].name) : NULL;
        if (!other)
            continue;
        char x[48], y[48];
        if (strcmp(value_text(x, sizeof x, &a[j]), value_text(y, sizeof y, other)) != 0)
            return 0;
        common++;
    }
    return common == na || common == nb;
}
