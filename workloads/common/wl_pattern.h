/* Content checks: every block a workload allocates is stamped with a pattern derived from a tag
 * unique to that block, and verified before it is freed. A block handed out twice, or two
 * blocks that overlap, or a write into a block by the allocator, shows up as a mismatch, and
 * the workload exits 3 (wl_corrupt) naming the block, offset, expected and found values.
 *
 * Word pattern (wl_fill / wl_verify): one 8-byte word per 64-byte cache line up to 4 KiB,
 * one per 1 KiB in blocks above 4 KiB, plus the last 8 bytes (every byte below 16 bytes): a
 * few stores per small block, and every page of a large block is touched (so it is really
 * resident) without the check costing more than the allocation it checks. Byte pattern
 * (wl_fill_bytes / wl_verify_bytes): every byte, for buffers that grow by appends (realloc_grow).
 */
#ifndef WL_PATTERN_H
#define WL_PATTERN_H

#include "wl_compat.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

WL_BEGIN_DECLS

static inline size_t wl_pattern_stride(size_t n)
{
    return n <= 4096 ? 64 : 1024;
}

static inline uint64_t wl_pattern_word(uint64_t tag, size_t off)
{
    return (tag * 0x9E3779B97F4A7C15ull) ^ ((uint64_t)off * 0xBF58476D1CE4E5B9ull) ^
           0xA5A5A5A5A5A5A5A5ull;
}

static inline uint8_t wl_pattern_byte(uint64_t tag, size_t off)
{
    return (uint8_t)(wl_pattern_word(tag, off) >> 56);
}

/* Reports a mismatch and exits 3. */
WL_NORETURN void wl_pattern_mismatch(const void *block, size_t size, uint64_t tag, size_t off,
                                     uint64_t expected, uint64_t found, size_t width);

static inline void wl_fill(void *p, size_t n, uint64_t tag)
{
    unsigned char *b = (unsigned char *)p;
    if (n < 16) {
        for (size_t i = 0; i < n; i++)
            b[i] = wl_pattern_byte(tag, i);
        return;
    }
    const size_t stride = wl_pattern_stride(n);
    for (size_t off = 0; off + 16 <= n; off += stride) {
        uint64_t w = wl_pattern_word(tag, off);
        memcpy(b + off, &w, 8);
    }
    uint64_t last = wl_pattern_word(tag, n - 8);
    memcpy(b + n - 8, &last, 8);
}

/* Verifies the part of the pattern of an n-byte block stamped by wl_fill(p, n, tag) that lies
 * within the first `keep` bytes: all of it when keep >= n, else what a realloc to `keep` bytes
 * must have kept. */
static inline void wl_verify_kept(const void *p, size_t n, size_t keep, uint64_t tag)
{
    const unsigned char *b = (const unsigned char *)p;
    if (n < 16) {
        for (size_t i = 0; i < n && i < keep; i++)
            if (b[i] != wl_pattern_byte(tag, i))
                wl_pattern_mismatch(p, n, tag, i, wl_pattern_byte(tag, i), b[i], 1);
        return;
    }
    const size_t stride = wl_pattern_stride(n);
    for (size_t off = 0; off + 16 <= n && off + 8 <= keep; off += stride) {
        uint64_t w;
        memcpy(&w, b + off, 8);
        if (w != wl_pattern_word(tag, off))
            wl_pattern_mismatch(p, n, tag, off, wl_pattern_word(tag, off), w, 8);
    }
    if (keep < n) return;
    uint64_t last;
    memcpy(&last, b + n - 8, 8);
    if (last != wl_pattern_word(tag, n - 8))
        wl_pattern_mismatch(p, n, tag, n - 8, wl_pattern_word(tag, n - 8), last, 8);
}

static inline void wl_verify(const void *p, size_t n, uint64_t tag)
{
    wl_verify_kept(p, n, n, tag);
}

/* Byte pattern over [from, to) of a buffer. */
static inline void wl_fill_bytes(void *p, size_t from, size_t to, uint64_t tag)
{
    unsigned char *b = (unsigned char *)p;
    for (size_t i = from; i < to; i++)
        b[i] = wl_pattern_byte(tag, i);
}

static inline void wl_verify_bytes(const void *p, size_t from, size_t to, size_t size, uint64_t tag)
{
    const unsigned char *b = (const unsigned char *)p;
    for (size_t i = from; i < to; i++)
        if (b[i] != wl_pattern_byte(tag, i))
            wl_pattern_mismatch(p, size, tag, i, wl_pattern_byte(tag, i), b[i], 1);
}

WL_END_DECLS

#endif
