/* clock.h: time for durations and deadlines. */
#ifndef POPINIT_CLOCK_H
#define POPINIT_CLOCK_H

#include <stdint.h>

/* clock_ms: CLOCK_MONOTONIC in milliseconds: 64 bits (a 32-bit long of
 * milliseconds wraps after 24.8 days) */
uint64_t clock_ms(void);
/* clock_us: the same clock in microseconds (the boot's timings) */
uint64_t clock_us(void);
/* clock_ns: CLOCK_MONOTONIC in nanoseconds, for short durations */
uint64_t clock_ns(void);

#endif
