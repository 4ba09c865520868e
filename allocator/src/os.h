/* os.h: the only door to the kernel's memory calls (mmap, munmap, madvise, mprotect).
 * Owns the mapping counters (mmap_calls, munmap_calls, madvise_calls, bytes_mapped,
 * peak_bytes_mapped). Calls only the kernel. Every function returns NULL / false on failure
 * and never aborts: callers turn failure into NULL + ENOMEM. */
#ifndef HAKMEM_OS_H
#define HAKMEM_OS_H

#include "internal.h"

/* Milliseconds of a coarse monotonic clock (CLOCK_MONOTONIC_COARSE: a vDSO read, no
 * syscall, a few milliseconds of resolution): enough to age free memory. */
uint64_t hak_os_now_ms(void);

/* size bytes of zeroed memory, page-aligned. */
void *hak_os_map(size_t size);
/* size bytes aligned to align (a power of two >= page size). */
void *hak_os_map_aligned(size_t size, size_t align);
void hak_os_unmap(void *p, size_t size);
/* Moves the pages of [from, from + size) to the start of dst (a mapping of at least size bytes,
 * which they replace) without copying; the source range is unmapped. False on failure. */
bool hak_os_move(void *from, size_t size, void *dst);
/* Gives the pages back to the kernel; the range stays mapped and reads back as zeros. */
void hak_os_decommit(void *p, size_t size);
/* Makes the pages inaccessible (guard pages: an access faults); false when the kernel refuses
 * (each guard splits a mapping, and mappings per process are limited: vm.max_map_count). */
bool hak_os_guard(void *p, size_t size);

#endif
