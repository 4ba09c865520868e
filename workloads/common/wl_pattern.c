/* The content checks that are not inline: the mismatch report and the realloc check (see
 * wl_pattern.h). */
#include "wl_pattern.h"
#include "wl_cli.h"

void wl_pattern_mismatch(const void *block, size_t size, uint64_t tag, size_t off,
                         uint64_t expected, uint64_t found, size_t width)
{
    int digits = (int)(width * 2);
    wl_corrupt("block %p (%zu bytes, tag %llu) differs at offset %zu: expected 0x%0*llx, found "
               "0x%0*llx (the block was overwritten, handed out twice, or overlaps another)",
               block, size, (unsigned long long)tag, off, digits, (unsigned long long)expected,
               digits, (unsigned long long)found);
}

void wl_verify_kept(const void *p, size_t n, size_t keep, uint64_t tag)
{
    if (keep >= n) {
        wl_verify(p, n, tag);
        return;
    }
    const unsigned char *b = (const unsigned char *)p;
    if (n < 16) {
        for (size_t i = 0; i < keep; i++)
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
}
