/* hakmem public API. The libc names (malloc, free, ...) map onto these in the override layer;
 * builds with -DHAKMEM_NO_OVERRIDE export only the hak_* names (sanitizer test builds).
 * The design (tiers, structures, ownership) is described once, in allocator/README.md. */
#ifndef HAKMEM_H
#define HAKMEM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

void *hak_malloc(size_t size);
void hak_free(void *ptr);
void *hak_calloc(size_t n, size_t size);
void *hak_realloc(void *ptr, size_t size);
void *hak_reallocarray(void *ptr, size_t n, size_t size);
int hak_posix_memalign(void **out, size_t alignment, size_t size);
void *hak_aligned_alloc(size_t alignment, size_t size);
void *hak_memalign(size_t alignment, size_t size);
void *hak_valloc(size_t size);
void *hak_pvalloc(size_t size);
size_t hak_malloc_usable_size(const void *ptr);
/* C23 free_sized / free_aligned_sized: size (and alignment) as requested when p was allocated;
 * debug builds abort naming p when the block cannot be that. */
void hak_free_sized(void *ptr, size_t size);
void hak_free_aligned_sized(void *ptr, size_t alignment, size_t size);

/* Returns cached free memory to the OS now (empty slabs, SuperSlabs, free pages and chunks). */
void hak_trim(void);
/* malloc_trim: hak_trim; 1 when memory went back to the OS, 0 when there was none to give
 * (pad, the bytes glibc leaves at the top of its heap, has no meaning here). */
int hak_malloc_trim(size_t pad);

/* Counters, aggregated over all threads, including threads that have exited. The names in
 * HAK_COUNTER_LIST are the ones HAKMEM_STATS / HAKMEM_STATS_FILE print, one "name value" line
 * each; the harness stores them under those names. */
#define HAK_COUNTER_LIST(X)                                                                        \
    X(malloc_calls)                                                                                \
    X(free_calls)                                                                                  \
    X(fast_path_hits)                                                                              \
    X(fast_path_misses)                                                                            \
    X(fast_path_frees)                                                                             \
    X(refills)                                                                                     \
    X(refill_blocks)                                                                               \
    X(flushes)                                                                                     \
    X(slow_path_calls)                                                                             \
    X(remote_frees_pushed)                                                                         \
    X(remote_frees_drained)                                                                        \
    X(remote_deliveries)                                                                           \
    X(heaps_created)                                                                               \
    X(heaps_reused)                                                                                \
    X(heap_drains)                                                                                 \
    X(slabs_created)                                                                               \
    X(slabs_returned)                                                                              \
    X(superslabs_mapped)                                                                           \
    X(superslabs_returned)                                                                         \
    X(mid_allocs)                                                                                  \
    X(span_allocs)                                                                                 \
    X(span_regions_mapped)                                                                         \
    X(span_regions_returned)                                                                       \
    X(large_allocs)                                                                                \
    X(large_cache_hits)                                                                            \
    X(mmap_calls)                                                                                  \
    X(munmap_calls)                                                                                \
    X(madvise_calls)                                                                               \
    X(bytes_mapped)                                                                                \
    X(peak_bytes_mapped)                                                                           \
    X(failed_allocs)                                                                               \
    X(foreign_frees)

typedef struct {
#define HAK_COUNTER_FIELD(name) uint64_t name;
    HAK_COUNTER_LIST(HAK_COUNTER_FIELD)
#undef HAK_COUNTER_FIELD
} hak_stats;

/* Fills *out with the current totals (live threads' counters included). */
void hak_stats_get(hak_stats *out);
/* Writes "name value\n" lines to fd; fast_path_only limits them to the fast-path counters. */
void hak_stats_write(int fd, int fast_path_only);

#ifdef __cplusplus
}
#endif
#endif
