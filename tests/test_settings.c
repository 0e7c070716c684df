/*
 * Tests of the settings table (lib/base/settings.c): its rows agree with themselves (variable
 * names, defaults and quick values in range), the command line and mb_settings_validate accept
 * exactly the same values at the edges of every range, and docs/cli.md states the same
 * variables, ranges and defaults.
 */
#include "check.h"
#include "settings.h"

#include <ctype.h>
#include <stdlib.h>

/* "warm-up-time" -> "MICROBE_WARM_UP_TIME". */
static void variable_of(const char *flag, char *buf, size_t size)
{
    size_t k = (size_t)snprintf(buf, size, "MICROBE_");
    for (; *flag && k + 1 < size; flag++)
        buf[k++] = *flag == '-' ? '_' : (char)toupper((unsigned char)*flag);
    buf[k] = '\0';
}

static void test_rows(void)
{
    mb_settings d, q;
    mb_settings_init(&d);
    q = d;
    mb_settings_quick(&q);
    CHECK_INT(mb_settings_validate(&d, NULL), ==, 0);
    CHECK_INT(mb_settings_validate(&q, NULL), ==, 0);
    for (int i = 0; i < MB__OPT_COUNT; i++) {
        const mb__setting *row = &mb__settings_table[i];
        if (row->flag && row->env) {
            char env[64];
            variable_of(row->flag, env, sizeof env);
            CHECK_STR(row->env, env);
        }
        CHECK(!row->flag == !row->help);
        CHECK(!row->flag || !row->arg == (row->kind == MB__KIND_SWITCH));
        CHECK(!row->quick || row->has_field);
        CHECK(!row->problem || row->has_field);
        if (row->flag) {
            CHECK(mb__setting_find(row->flag, strlen(row->flag)) == row);
            char help[200];
            mb__setting_help(row, help, sizeof help);
            CHECK(strstr(help, "%s") == NULL && strlen(help) < 100);
        }
    }
    CHECK(mb__setting_find("samp", 4) == NULL);
    CHECK(mb__setting_find("max-samples", 11) == NULL); /* a row without option */
}

/* Defaults, with text read as row's value stored in s; 0, or -1 when the option refuses it. */
static int with_value(const mb__setting *row, const char *text, mb_settings *s)
{
    mb_settings_init(s);
    mb__setting_value v;
    char err[200];
    if (mb__setting_parse(row, "--x", text, &v, err, sizeof err) != 0)
        return -1;
    mb__setting_store(row, s, v);
    return 0;
}

/* At both ends of every numeric range, and just past them: the command line accepts a value
 * exactly when mb_settings_validate accepts it in the field (profile-time and timeout excepted
 * at 0, which means "off" in the field and is refused as an option's value). */
static void test_command_line_agrees_with_validation(void)
{
    for (int i = 0; i < MB__OPT_COUNT; i++) {
        const mb__setting *row = &mb__settings_table[i];
        if (!row->flag || !row->has_field || !row->problem)
            continue;
        double edges[] = {row->min, row->max};
        for (int e = 0; e < 2; e++) {
            for (int step = -1; step <= 1; step++) {
                double v = edges[e] + step * (row->kind == MB__KIND_COUNT ? 1 : 1e-9);
                char text[64];
                snprintf(text, sizeof text, row->kind == MB__KIND_COUNT ? "%.0f" : "%.17g", v);
                if (v < 0 && row->kind == MB__KIND_COUNT)
                    continue;
                mb_settings s;
                int parsed = with_value(row, text, &s) == 0;
                if (parsed && row->also) /* --samples sets both */
                    CHECK(s.min_samples == s.max_samples);
                int valid = parsed && mb_settings_validate(&s, NULL) == 0;
                if (row->zero_is_off && v == 0) {
                    CHECK(!parsed);
                    continue;
                }
                if (parsed != valid)
                    fprintf(stderr, "--%s %s: parsed %d, valid %d\n", row->flag, text, parsed,
                            valid);
                CHECK_INT(parsed, ==, valid);
                /* Out of range in the field too: validation says so. */
                if (!parsed && row->kind != MB__KIND_COUNT) {
                    mb_settings_init(&s);
                    *(double *)(void *)((char *)&s + row->field) = v;
                    CHECK_INT(mb_settings_validate(&s, NULL), ==, MB_EINVAL);
                }
            }
        }
    }
}

/* The cells of the row of docs/cli.md's option table that starts with "| `--flag". */
static int doc_row(const char *doc, const char *flag, char cells[5][400])
{
    char start[64];
    snprintf(start, sizeof start, "\n| `--%s", flag);
    const char *p = strstr(doc, start);
    if (!p)
        return -1;
    p += 2;
    for (int c = 0; c < 5; c++) {
        const char *end = strchr(p, '|');
        if (!end)
            return -1;
        size_t k = 0;
        for (const char *q = p; q < end && k + 1 < sizeof cells[c]; q++)
            if (*q != '`')
                cells[c][k++] = *q;
        cells[c][k] = '\0';
        p = end + 1;
    }
    return 0;
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

/* docs/cli.md: every option is there with the table's variable; its value column states the
 * table's range and its default column the table's default. */
static void test_docs_agree(void)
{
    const char *doc = read_text(MB_TEST_SOURCE_DIR "/../docs/cli.md");
    CHECK(doc != NULL);
    if (!doc)
        return;
    for (int i = 0; i < MB__OPT_COUNT; i++) {
        const mb__setting *row = &mb__settings_table[i];
        char cells[5][400], text[64];
        if (!row->flag)
            continue;
        if (doc_row(doc, row->flag, cells) != 0) {
            fprintf(stderr, "docs/cli.md has no row for --%s\n", row->flag);
            CHECK(0);
            continue;
        }
        const char *env = cells[1], *value = cells[2], *def = cells[3];
        CHECK(row->env ? strstr(env, row->env) != NULL : strspn(env, " ") == strlen(env));
        if (row->kind == MB__KIND_COUNT) {
            snprintf(text, sizeof text, "%.0f … %.0f", row->min, row->max);
            CHECK(strstr(value, text) != NULL);
        } else if (row->kind == MB__KIND_FRACTION) {
            CHECK(strstr(value, row->range_text) != NULL);
        } else if (row->kind == MB__KIND_SECONDS) {
            int positive = row->min_open || row->zero_is_off;
            CHECK((strstr(value, "time > 0") != NULL) == positive);
        }
        if (row->has_field && row->kind != MB__KIND_SWITCH && row->kind != MB__KIND_TEXT &&
            !row->zero_is_off) {
            mb__setting_value_text(row, row->def, text, sizeof text);
            if (!strstr(def, text))
                fprintf(stderr, "docs/cli.md: --%s: default '%s' not in '%s'\n", row->flag, text,
                        def);
            CHECK(strstr(def, text) != NULL);
        }
    }
    /* The quick profile's values, in --quick's row ("0.05 s" in prose). */
    char cells[5][400], text[64];
    CHECK(doc_row(doc, "quick", cells) == 0);
    for (int i = 0; i < MB__OPT_COUNT; i++) {
        const mb__setting *row = &mb__settings_table[i];
        if (!row->quick)
            continue;
        mb__setting_value_text(row, row->quick_value, text, sizeof text);
        text[strcspn(text, "s")] = '\0';
        if (!strstr(cells[4], text))
            fprintf(stderr, "docs/cli.md: --quick: '%s' not in '%s'\n", text, cells[4]);
        CHECK(strstr(cells[4], text) != NULL);
    }
}

int main(void)
{
    test_rows();
    test_command_line_agrees_with_validation();
    test_docs_agree();
    return CHECK_DONE();
}
