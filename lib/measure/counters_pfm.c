/*
 * Event names beyond the built-in table, through libpfm4: whatever pfm_get_os_event_encoding
 * can encode for perf_events (PFM_OS_PERF_EVENT) is accepted, e.g. "perf::PERF_COUNT_SW_..."
 * or a CPU's own events with their unit masks. Compiled only when meson found libpfm4;
 * lib/counters_nopfm.c stands in otherwise. Only the names are libpfm4's business: opening
 * and reading stay in counters_linux.c.
 *
 * This file includes libpfm4's copy of perf_event.h, which cannot share a translation unit
 * with <linux/perf_event.h>: the encoding crosses over in mb__counter_encoding.
 */
#include "counters.h"
#include "microbe_internal.h"

#include <perfmon/pfmlib_perf_event.h>
#include <pthread.h>
#include <string.h>

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_result = PFM_ERR_NOINIT;

/* libpfm4 must be initialised once before any other call; pfm_initialize itself is not safe
 * to race. */
static void init_library(void)
{
    init_result = pfm_initialize();
}

const char *mb__counters_external_library(void)
{
    return "libpfm4";
}

int mb__counters_encode_external(const char *name, mb__counter_encoding *enc, const char **why)
{
    pthread_once(&init_once, init_library);
    if (init_result != PFM_SUCCESS) {
        *why = pfm_strerror(init_result);
        return MB_EINVAL;
    }
    struct perf_event_attr attr;
    memset(&attr, 0, sizeof attr);
    pfm_perf_encode_arg_t arg;
    memset(&arg, 0, sizeof arg);
    arg.attr = &attr;
    arg.size = sizeof arg;
    /* Every privilege level by default, as for the built-in names (so that an alias of one is
     * recognised as a duplicate); a name's own modifiers (":u") narrow that. */
    int all_levels = PFM_PLM0 | PFM_PLM3 | PFM_PLMH;
    int err = pfm_get_os_event_encoding(name, all_levels, PFM_OS_PERF_EVENT, &arg);
    if (err != PFM_SUCCESS) {
        *why = pfm_strerror(err);
        return MB_EINVAL;
    }
    memset(enc, 0, sizeof *enc);
    enc->type = attr.type;
    enc->config = attr.config;
    enc->config1 = attr.config1;
    enc->config2 = attr.config2;
    enc->exclude_user = attr.exclude_user;
    enc->exclude_kernel = attr.exclude_kernel;
    enc->exclude_hv = attr.exclude_hv;
    return 0;
}
