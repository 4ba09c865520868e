/* The harness's one pseudo-random generator: splitmix64 (Steele, Lea, Flood 2014), tiny,
 * seedable with any value and the same stream on every platform, so a session's run order, its
 * bootstrap intervals and the change-point permutations all follow from its stored seed. */
#ifndef HAKBENCH_UTIL_RANDOM_H
#define HAKBENCH_UTIL_RANDOM_H

#include <stdint.h>

/* The next number of the stream that *state carries. */
uint64_t random_next(uint64_t *state);

#endif
