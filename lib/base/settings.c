/*
 * Settings: the defaults (mb_settings_init) and the quick profile (mb_settings_quick).
 */
#include "microbe_internal.h"

/* "microbe" in ASCII: a fixed default so that runs are reproducible unless asked otherwise. */
#define DEFAULT_SEED UINT64_C(0x6d6963726f626521)

void mb_settings_init(mb_settings *s)
{
    *s = (mb_settings){0};
    s->warm_up_time_s = 0.2;
    s->measurement_time_s = 2.0;
    s->min_samples = 10;
    s->max_samples = 100;
    s->precision = 0.01;
    s->confidence = 0.95;
    s->resamples = 10000;
    s->seed = DEFAULT_SEED;
    s->log_level = MB_LOG_WARN;
    s->noise_threshold = 0.02;
    s->significance = 0.05;
    s->run_noise = 0.02;
    s->instructions_threshold = 0.002;
}

void mb_settings_quick(mb_settings *s)
{
    s->warm_up_time_s = 0.05;
    s->measurement_time_s = 0.3;
    if (s->max_samples > 50)
        s->max_samples = 50;
    if (s->min_samples > s->max_samples)
        s->min_samples = s->max_samples;
    if (s->resamples > 2000)
        s->resamples = 2000;
}
