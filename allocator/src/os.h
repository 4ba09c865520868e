/* os.h: the platform layer, the only door to the kernel's memory calls (mmap, munmap, mremap,
 * madvise, mprotect) and to the clock and page size the layers above may ask for.
 * Owns its counters (mmap_calls, munmap_calls, madvise_calls, bytes_mapped,
 * peak_bytes_mapped; stats.c reads them through hak_os_stats_get), the page size read from
 * sysconf at run time and the coarse clock. Calls only the kernel and libc: nothing above it.
 * Every function returns NULL / false on failure and never aborts: callers turn failure into
 * NULL + ENOMEM. */
#ifndef HAKMEM_OS_H
#define HAKMEM_OS_H

#include "internal.h"

/* The OS page size (sysconf(_SC_PAGESIZE), read once). The allocator's own unit, HAK_PAGE
 * (4 KiB), may be smaller: every call here rounds to the real page where the kernel needs it. */
size_t hak_os_page_size(void);
/* Milliseconds of a coarse monotonic clock (CLOCK_MONOTONIC_COARSE: a vDSO read, no
 * syscall, a few milliseconds of resolution): enough to age free memory. */
uint64_t hak_os_now_ms(void);

/* size bytes of zeroed memory, page-aligned. */
void *hak_os_map(size_t size);
/* size bytes of zeroed memory at p with (p + lead) a multiple of align (a power of two >= the
 * page size). Tries one exact mapping first (the kernel hands out neighbouring ranges, so a
 * run of aligned sizes lands aligned), and only then maps size + align and trims the ends. */
void *hak_os_map_aligned_at(size_t size, size_t align, size_t lead);
HAK_INLINE void *hak_os_map_aligned(size_t size, size_t align)
{
    return hak_os_map_aligned_at(size, align, 0);
}
/* Address space only: size bytes readable and writable but not charged until touched
 * (MAP_NORESERVE), at an address aligned to align. Not counted in bytes_mapped: the layer
 * above counts what it hands out with hak_os_account. */
void *hak_os_reserve(size_t size, size_t align);
void hak_os_unreserve(void *p, size_t size);
/* bytes_mapped += delta for memory carved from a reservation (delta < 0: given back). */
void hak_os_account(int64_t delta);
void hak_os_unmap(void *p, size_t size);
/* Moves the pages of [from, from + size) to the start of dst (a mapping of at least size
 * bytes, which they replace) without copying. keep_source: the source range stays mapped and
 * reads back as zeros (it belongs to a reservation); otherwise it is unmapped. */
bool hak_os_move(void *from, size_t size, void *dst, bool keep_source);
/* Gives the pages back to the kernel; the range stays mapped and reads back as zeros. Only
 * whole OS pages inside [p, p + size) are affected. */
void hak_os_decommit(void *p, size_t size);
/* Makes the pages inaccessible (guard pages: an access faults); false when the kernel refuses
 * (each guard splits a mapping, and mappings per process are limited: vm.max_map_count). */
bool hak_os_guard(void *p, size_t size);

typedef struct {
    uint64_t mmap_calls, munmap_calls, madvise_calls, bytes_mapped, peak_bytes_mapped;
} hak_os_stats;
void hak_os_stats_get(hak_os_stats *out);

#endif
