/* os.c: mmap / munmap / madvise and their counters (see os.h). */
#include "os.h"
#include <sys/mman.h>
#include <time.h>

uint64_t hak_os_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static _Atomic uint64_t os_mapped_now;

static void os_account(int64_t delta)
{
    uint64_t now =
        atomic_fetch_add_explicit(&os_mapped_now, (uint64_t)delta, memory_order_relaxed) +
        (uint64_t)delta;
    hak_gstat_add(HAK_C_bytes_mapped, (uint64_t)delta);
    if (delta > 0) hak_gstat_max(HAK_C_peak_bytes_mapped, now);
}

static void *os_mmap(size_t size)
{
    HAK_GSTAT_ADD(mmap_calls, 1);
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

void *hak_os_map(size_t size)
{
    void *p = os_mmap(size);
    if (p) os_account((int64_t)size);
    return p;
}

void *hak_os_map_aligned(size_t size, size_t align)
{
    if (size > SIZE_MAX - align) return NULL;
    /* Over-allocate by the alignment and trim both ends: two extra munmaps, paid only when a
     * SuperSlab or a large block is created. */
    uint8_t *raw = os_mmap(size + align);
    if (!raw) return NULL;
    uint8_t *p = (uint8_t *)hak_align_up((uintptr_t)raw, align);
    size_t head = (size_t)(p - raw), tail = align - head;
    if (head) {
        HAK_GSTAT_ADD(munmap_calls, 1);
        munmap(raw, head);
    }
    if (tail) {
        HAK_GSTAT_ADD(munmap_calls, 1);
        munmap(p + size, tail);
    }
    os_account((int64_t)size);
    return p;
}

void hak_os_unmap(void *p, size_t size)
{
    HAK_GSTAT_ADD(munmap_calls, 1);
    munmap(p, size);
    os_account(-(int64_t)size);
}

bool hak_os_move(void *from, size_t size, void *dst)
{
    HAK_GSTAT_ADD(mmap_calls, 1);
    if (mremap(from, size, size, MREMAP_MAYMOVE | MREMAP_FIXED, dst) == MAP_FAILED) return false;
    os_account(-(int64_t)size);
    return true;
}

void hak_os_decommit(void *p, size_t size)
{
    HAK_GSTAT_ADD(madvise_calls, 1);
    madvise(p, size, MADV_DONTNEED);
}

bool hak_os_guard(void *p, size_t size)
{
    return mprotect(p, size, PROT_NONE) == 0;
}
