/* os.c: the kernel's memory calls, the page size, the clock and their counters (see os.h). */
#include "os.h"
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static _Atomic uint64_t os_mmap_calls, os_munmap_calls, os_madvise_calls;
static _Atomic uint64_t os_mapped_now, os_mapped_peak;
static _Atomic size_t os_page;

size_t hak_os_page_size(void)
{
    size_t p = atomic_load_explicit(&os_page, memory_order_relaxed);
    if (HAK_UNLIKELY(!p)) {
        long v = sysconf(_SC_PAGESIZE);
        p = v > 0 ? (size_t)v : HAK_PAGE;
        atomic_store_explicit(&os_page, p, memory_order_relaxed);
    }
    return p;
}

uint64_t hak_os_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void hak_os_account(int64_t delta)
{
    uint64_t now =
        atomic_fetch_add_explicit(&os_mapped_now, (uint64_t)delta, memory_order_relaxed) +
        (uint64_t)delta;
    uint64_t peak = atomic_load_explicit(&os_mapped_peak, memory_order_relaxed);
    while (delta > 0 && now > peak &&
           !atomic_compare_exchange_weak_explicit(&os_mapped_peak, &peak, now, memory_order_relaxed,
                                                  memory_order_relaxed))
        ;
}

static void *os_mmap(void *hint, size_t size, int extra_flags)
{
    atomic_fetch_add_explicit(&os_mmap_calls, 1, memory_order_relaxed);
    void *p =
        mmap(hint, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | extra_flags, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static void os_munmap(void *p, size_t size)
{
    atomic_fetch_add_explicit(&os_munmap_calls, 1, memory_order_relaxed);
    munmap(p, size);
}

void *hak_os_map(size_t size)
{
    void *p = os_mmap(NULL, size, 0);
    if (p) hak_os_account((int64_t)size);
    return p;
}

static bool aligned_at(const void *p, size_t align, size_t lead)
{
    return (((uintptr_t)p + lead) & (align - 1)) == 0;
}

static void *os_map_aligned(size_t size, size_t align, size_t lead, int flags)
{
    if (size > SIZE_MAX - align) return NULL;
    uint8_t *p = os_mmap(NULL, size, flags);
    if (!p || aligned_at(p, align, lead)) return p;
    os_munmap(p, size);
    uint8_t *raw = os_mmap(NULL, size + align, flags);
    if (!raw) return NULL;
    p = (uint8_t *)hak_align_up((uintptr_t)raw + lead, align) - lead;
    size_t head = (size_t)(p - raw), tail = align - head;
    if (head) os_munmap(raw, head);
    if (tail) os_munmap(p + size, tail);
    return p;
}

void *hak_os_map_aligned_at(size_t size, size_t align, size_t lead)
{
    void *p = os_map_aligned(size, align, lead, 0);
    if (p) hak_os_account((int64_t)size);
    return p;
}

void *hak_os_reserve(size_t size, size_t align)
{
    return os_map_aligned(size, align, 0, MAP_NORESERVE);
}

void hak_os_unreserve(void *p, size_t size)
{
    os_munmap(p, size);
}

void hak_os_unmap(void *p, size_t size)
{
    os_munmap(p, size);
    hak_os_account(-(int64_t)size);
}

bool hak_os_move(void *from, size_t size, void *dst, bool keep_source)
{
    atomic_fetch_add_explicit(&os_mmap_calls, 1, memory_order_relaxed);
    int flags = MREMAP_MAYMOVE | MREMAP_FIXED | (keep_source ? MREMAP_DONTUNMAP : 0);
    if (mremap(from, size, size, flags, dst) == MAP_FAILED) return false;
    if (!keep_source) hak_os_account(-(int64_t)size);
    return true;
}

void hak_os_decommit(void *p, size_t size)
{
    size_t page = hak_os_page_size();
    uintptr_t lo = hak_align_up((uintptr_t)p, page);
    uintptr_t hi = ((uintptr_t)p + size) & ~(uintptr_t)(page - 1);
    if (lo >= hi) return;
    atomic_fetch_add_explicit(&os_madvise_calls, 1, memory_order_relaxed);
    madvise((void *)lo, hi - lo, MADV_DONTNEED);
}

void hak_os_stats_get(hak_os_stats *out)
{
    out->mmap_calls = atomic_load_explicit(&os_mmap_calls, memory_order_relaxed);
    out->munmap_calls = atomic_load_explicit(&os_munmap_calls, memory_order_relaxed);
    out->madvise_calls = atomic_load_explicit(&os_madvise_calls, memory_order_relaxed);
    out->bytes_mapped = atomic_load_explicit(&os_mapped_now, memory_order_relaxed);
    out->peak_bytes_mapped = atomic_load_explicit(&os_mapped_peak, memory_order_relaxed);
}

bool hak_os_guard(void *p, size_t size)
{
    return mprotect(p, size, PROT_NONE) == 0;
}
