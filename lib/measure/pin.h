/*
 * Pinning the measuring thread (pin_linux.c, pin_none.c). Internal.
 */
#ifndef MB_PIN_H
#define MB_PIN_H

/* Pins the calling thread to one CPU. Returns 0, or MB_EINVAL with errno saying why. */
int mb__pin_cpu(int cpu);

#endif
