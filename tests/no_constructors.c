/* Registration without constructors: MB_NO_CONSTRUCTORS makes BENCH() only define the
 * descriptor, and the program registers it with mb_register() before running. */
#define MB_NO_CONSTRUCTORS
#include <microbe.h>

#include <stdio.h>
#include <string.h>

BENCH(manual_registration)
{
    int x = 0;
    MB_LOOP(state) {
        mb_black_box(&x);
    }
}

static void count(void *user, const mb_bench *bench)
{
    if (strcmp(bench->name, "manual_registration") == 0)
        ++*(int *)user;
}

int main(void)
{
    mb_settings s;
    mb_settings_init(&s);
    mb_ctx *ctx;
    int found = 0;
    if (mb_ctx_new(&ctx, &s) != 0)
        return 1;
    mb_ctx_list(ctx, count, &found); /* not registered yet */
    int first = found;
    if (mb_register(&MB_BENCH_DESC(manual_registration)) != 0)
        return 1;
    mb_ctx_list(ctx, count, &found);
    mb_ctx_free(ctx);
    printf("before %d, after %d\n", first, found - first);
    return first == 0 && found == 1 ? 0 : 1;
}
