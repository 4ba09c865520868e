/* Per-thread pseudo-random numbers: xoshiro256** seeded through splitmix64 from (seed, stream),
 * so every thread of a workload gets its own reproducible sequence from the one --seed.
 * Header-only: the generator sits on the hot path of every workload. */
#ifndef WL_RNG_H
#define WL_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t s[4];
} wl_rng;

static inline uint64_t wl_splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Stream k of seed s: distinct streams give unrelated sequences. */
static inline void wl_rng_seed(wl_rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ (stream * 0xD1B54A32D192ED03ull);
    for (int i = 0; i < 4; i++)
        r->s[i] = wl_splitmix64(&x);
}

static inline uint64_t wl_rng_next(wl_rng *r)
{
    uint64_t *s = r->s;
    uint64_t x = s[1] * 5;
    uint64_t result = ((x << 7) | (x >> 57)) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return result;
}

/* Uniform in [0, n) by multiply-shift (bias below 2^-32 for the n used here). */
static inline uint64_t wl_rng_below(wl_rng *r, uint64_t n)
{
    return (uint64_t)(((unsigned __int128)wl_rng_next(r) * n) >> 64);
}

/* Uniform in [lo, hi], inclusive. */
static inline uint64_t wl_rng_range(wl_rng *r, uint64_t lo, uint64_t hi)
{
    return lo + wl_rng_below(r, hi - lo + 1);
}

#endif
