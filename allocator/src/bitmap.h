/* bitmap.h: bit ranges over arrays of 64-bit words, for the page maps of span regions and the
 * chunk maps of reservations. Owns nothing; calls nothing. Ranges are [lo, hi). */
#ifndef HAKMEM_BITMAP_H
#define HAKMEM_BITMAP_H

#include "internal.h"

/* The bits of word w that lie in [lo, hi). */
HAK_INLINE uint64_t hak_word_mask(unsigned lo, unsigned hi, unsigned w)
{
    unsigned a = lo > w * 64 ? lo - w * 64 : 0;
    unsigned b = hi < (w + 1) * 64 ? hi - w * 64 : 64;
    uint64_t upto_b = b == 64 ? ~0ull : (1ull << b) - 1;
    return upto_b & ~((1ull << a) - 1);
}

HAK_INLINE void hak_bits_set(uint64_t *m, unsigned lo, unsigned hi)
{
    for (unsigned w = lo / 64; lo < hi && w <= (hi - 1) / 64; w++)
        m[w] |= hak_word_mask(lo, hi, w);
}

HAK_INLINE void hak_bits_clear(uint64_t *m, unsigned lo, unsigned hi)
{
    for (unsigned w = lo / 64; lo < hi && w <= (hi - 1) / 64; w++)
        m[w] &= ~hak_word_mask(lo, hi, w);
}

HAK_INLINE unsigned hak_bits_count(const uint64_t *m, unsigned lo, unsigned hi)
{
    unsigned n = 0;
    for (unsigned w = lo / 64; lo < hi && w <= (hi - 1) / 64; w++)
        n += (unsigned)__builtin_popcountll(m[w] & hak_word_mask(lo, hi, w));
    return n;
}

HAK_INLINE bool hak_bit_test(const uint64_t *m, unsigned i)
{
    return (m[i / 64] >> (i % 64)) & 1;
}

/* The first i in [from, n) whose bit is value, or n. */
HAK_INLINE unsigned hak_bits_next(const uint64_t *m, unsigned n, unsigned from, bool value)
{
    for (unsigned i = from; i < n;) {
        uint64_t word = value ? m[i / 64] : ~m[i / 64];
        word >>= i % 64;
        if (word) {
            i += (unsigned)__builtin_ctzll(word);
            return i < n ? i : n;
        }
        i = (i / 64 + 1) * 64;
    }
    return n;
}

#endif
