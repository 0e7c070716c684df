/*
 * Pinning the measuring thread, for systems without a supported affinity call: always fails
 * with ENOTSUP, so --pin says plainly that it cannot pin here.
 */
#include "microbe_internal.h"
#include "pin.h"

#include <errno.h>

int mb__pin_cpu(int cpu)
{
    (void)cpu;
    errno = ENOTSUP;
    return MB_EINVAL;
}
