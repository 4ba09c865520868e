/* Block patterns for the allocator tests: every 8-byte word depends on (owner, size, seq) and
 * on its index, so a block that overlaps another or was written by someone else fails. */
#include <string.h>

#include "t_alloc.h"

static uint64_t pattern_seed(uint64_t owner, uint64_t size, uint64_t seq)
{
    uint64_t x = owner * 0x9E3779B97F4A7C15u ^ size * 0xC2B2AE3D27D4EB4Fu ^ seq;
    x ^= x >> 31;
    x *= 0xBF58476D1CE4E5B9u;
    x ^= x >> 29;
    return x | 1;
}

static uint64_t pattern_word(uint64_t seed, size_t k)
{
    return seed + (uint64_t)k * 0xD6E8FEB86659FD93u;
}

void t_pattern_fill(void *p, size_t n, uint64_t owner, uint64_t size, uint64_t seq)
{
    unsigned char *b = p;
    uint64_t seed = pattern_seed(owner, size, seq);
    size_t words = n / 8;
    for (size_t k = 0; k < words; k++) {
        uint64_t w = pattern_word(seed, k);
        memcpy(b + 8 * k, &w, 8);
    }
    uint64_t tail = pattern_word(seed, words);
    memcpy(b + 8 * words, &tail, n % 8);
}

size_t t_pattern_check(const void *p, size_t n, uint64_t owner, uint64_t size, uint64_t seq)
{
    const unsigned char *b = p;
    uint64_t seed = pattern_seed(owner, size, seq);
    size_t words = n / 8;
    for (size_t k = 0; k < words; k++) {
        uint64_t w = pattern_word(seed, k);
        if (memcmp(b + 8 * k, &w, 8) != 0) {
            for (size_t i = 0; i < 8; i++)
                if (b[8 * k + i] != ((const unsigned char *)&w)[i]) return 8 * k + i;
        }
    }
    uint64_t tail = pattern_word(seed, words);
    for (size_t i = 0; i < n % 8; i++)
        if (b[8 * words + i] != ((const unsigned char *)&tail)[i]) return 8 * words + i;
    return (size_t)-1;
}
