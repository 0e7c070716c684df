/*
 * mb_settings_validate: the settings table's checks (ranges, sample counts, context entries:
 * lib/base/settings.c) and the two that need higher stages, the counter list (measure) and
 * the baseline names (results).
 */
#include "baseline.h"
#include "counters.h"
#include "microbe_internal.h"
#include "settings.h"

/* Whether the counter list is invalid; running out of memory is no verdict on it. */
static int counters_problem(const char *list)
{
    mb__counters *set;
    int rc = mb__counters_parse(list, &set, NULL, 0);
    mb__counters_free(set);
    return rc == MB_EINVAL;
}

static const char *problem_of(const mb_settings *s)
{
    if (!s)
        return "settings is NULL";
    const char *problem = mb__settings_problem(s);
    if (problem)
        return problem;
    if (s->counters && counters_problem(s->counters))
        return "unknown or invalid counter list (see --counters)";
    if (s->baseline && (problem = mb__baseline_name_problem(s->baseline)) != NULL)
        return problem;
    if (s->save_baseline)
        return mb__baseline_name_problem(s->save_baseline);
    return NULL;
}

int mb_settings_validate(const mb_settings *s, const char **message)
{
    const char *problem = problem_of(s);
    if (message)
        *message = problem;
    return problem ? MB_EINVAL : 0;
}
