/* internal.h: the allocator's compile-time switches, constants and shared helpers.
 * Owns: the variant table (every make variable with its meaning), the per-thread counter
 * macros, assertions and the fatal-error writer. Calls nothing; every module includes it.
 * The map of the layers and how they call each other: allocator/README.md, "Map". */
#ifndef HAKMEM_INTERNAL_H
#define HAKMEM_INTERNAL_H

#include "hakmem.h"
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Variant table (defaults in allocator/defaults.mk; documented in allocator/README.md):
 *   TINY_FAST_PATH_DEFAULT 1: inline thread-cache pop/push in malloc/free; 0: call through tcache.c
 *   BOX_REFACTOR_DEFAULT   1: layered tiny path; 0: per-class locked slabs (reference path)
 *   HAKMEM_BUILD_RELEASE   0: assertions, double-free / interior-pointer checks, debug output
 *   HAKMEM_COUNTERS        0: per-thread hot-path counters compiled out
 *   HAKMEM_SECURE          1: encoded free lists, guard pages...; 2: also canaries (secure.h)
 *   TCACHE_CAPACITY        blocks per class in the thread cache (scaled down for big classes)
 *   REFILL_BATCH           blocks moved from a slab into the thread cache per refill
 *   EMPTY_SUPERSLAB_KEEP   empty SuperSlabs kept mapped (hysteresis) before unmapping
 *   PURGE_DELAY_MS         free memory kept committed this long before it goes back to the OS
 *   FAULT_DELAY_NS         busy-wait this many ns in every FAULT_DELAY_EVERY-th malloc
 *   FAULT_DELAY_EVERY      N>=1: the FAULT_DELAY_NS spin on every N-th malloc of a thread
 *   FAULT_LEAK             1: free() drops tiny blocks
 *   FAULT_CRASH_AFTER      N>0: SIGSEGV at the N-th allocation */
/* Their values come from allocator/defaults.mk through the Makefile, the one place they live. */
#if !defined(TINY_FAST_PATH_DEFAULT) || !defined(BOX_REFACTOR_DEFAULT) ||                          \
    !defined(HAKMEM_BUILD_RELEASE) || !defined(HAKMEM_COUNTERS) || !defined(TCACHE_CAPACITY) ||    \
    !defined(REFILL_BATCH) || !defined(EMPTY_SUPERSLAB_KEEP) || !defined(PURGE_DELAY_MS) ||        \
    !defined(FAULT_DELAY_NS) || !defined(FAULT_DELAY_EVERY) || !defined(FAULT_LEAK) ||             \
    !defined(FAULT_CRASH_AFTER)
#error "build the allocator through the Makefile: allocator/defaults.mk defines the variant macros"
#endif

#if TCACHE_CAPACITY < 2 || TCACHE_CAPACITY > 65535
#error "TCACHE_CAPACITY must be in 2..65535"
#endif
#if REFILL_BATCH < 1
#error "REFILL_BATCH must be >= 1"
#endif
#if PURGE_DELAY_MS < 0 || PURGE_DELAY_MS > 3600000
#error "PURGE_DELAY_MS must be in 0..3600000"
#endif
#if FAULT_DELAY_EVERY < 1 || FAULT_DELAY_EVERY > 1000000000
#error "FAULT_DELAY_EVERY must be in 1..1000000000"
#endif

#define HAK_LIKELY(x) __builtin_expect(!!(x), 1)
#define HAK_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define HAK_INLINE static inline __attribute__((always_inline))
#define HAK_NOINLINE __attribute__((noinline))
#define HAK_EXPORT __attribute__((visibility("default")))
/* An exported second name of target, which must be defined in the same translation unit: the
 * libc names cost no extra jump (override.inc). */
#define HAK_ALIAS(target) __attribute__((alias(#target), visibility("default")))

#define HAK_KiB ((size_t)1 << 10)
#define HAK_MiB ((size_t)1 << 20)
#define HAK_PAGE ((size_t)4096)
#define HAK_SEG_SHIFT 21 /* SuperSlab and map granularity: 2 MiB */
#define HAK_SEG_SIZE ((size_t)1 << HAK_SEG_SHIFT)
#define HAK_SEG_MASK (HAK_SEG_SIZE - 1)

HAK_INLINE uintptr_t hak_align_up(uintptr_t x, uintptr_t a)
{
    return (x + a - 1) & ~(a - 1);
}

/* Decimal and hex formatting without stdio (diag.c); returns the length written. */
size_t hak_fmt_u64(char *buf, uint64_t v);
size_t hak_fmt_hex(char *buf, uintptr_t v);
void hak_write_str(int fd, const char *s);

/* Fatal errors: "hakmem: <what>: <msg> 0x..." by write(2) only (no stdio, no allocation),
 * then abort(). */
__attribute__((noreturn)) void hak_fatal_ptr(const char *what, const char *msg, const void *p);

#if HAKMEM_BUILD_RELEASE
#define HAK_ASSERT(c) ((void)0)
#else
#define HAK_ASSERT(c) ((c) ? (void)0 : hak_assert_fail(#c, __FILE__, __LINE__))
__attribute__((noreturn)) void hak_assert_fail(const char *expr, const char *file, int line);
#endif

/* Counters. Hot ones are per-thread plain increments (a relaxed load and store, so another
 * thread may read them without a data race); OS-level ones are global atomics. */
enum {
#define HAK_COUNTER_ENUM(name) HAK_C_##name,
    HAK_COUNTER_LIST(HAK_COUNTER_ENUM)
#undef HAK_COUNTER_ENUM
        HAK_NCOUNTERS
};

typedef struct {
    _Atomic uint64_t v[HAK_NCOUNTERS];
} hak_counters;

extern __thread hak_counters hak_tls_counters;

#if HAKMEM_COUNTERS
#define HAK_STAT_ADD(name, n)                                                                      \
    atomic_store_explicit(                                                                         \
        &hak_tls_counters.v[HAK_C_##name],                                                         \
        atomic_load_explicit(&hak_tls_counters.v[HAK_C_##name], memory_order_relaxed) +            \
            (uint64_t)(n),                                                                         \
        memory_order_relaxed)
#else
#define HAK_STAT_ADD(name, n) ((void)0)
#endif
#define HAK_STAT_INC(name) HAK_STAT_ADD(name, 1)

/* Global counters (slow paths and the OS layer), always compiled in: they cost a syscall's
 * neighbourhood, not a fast path's. */
void hak_gstat_add(int counter, uint64_t n);
#define HAK_GSTAT_ADD(name, n) hak_gstat_add(HAK_C_##name, (uint64_t)(n))

/* Process-wide initialisation (init.c). hak_init_state is 2 once the allocator can serve. */
extern _Atomic int hak_init_state;
void hak_init_slow(void);
HAK_INLINE void hak_ensure_init(void)
{
    if (HAK_UNLIKELY(atomic_load_explicit(&hak_init_state, memory_order_acquire) != 2))
        hak_init_slow();
}

#endif
