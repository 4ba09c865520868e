/* The failure path of the content checks (see wl_pattern.h). */
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

