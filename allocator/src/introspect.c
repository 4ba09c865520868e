/* introspect.c: glibc's reports on the heap, answered from hakmem's own numbers: mallinfo2,
 * mallinfo, malloc_stats (stderr) and malloc_info (glibc's XML). malloc_trim is an alias in
 * override.inc. What the fields mean here:
 *   arena     bytes taken from the OS for everything but large blocks (free chunks included)
 *   hblks     live large blocks (> 1 MiB); hblkhd: the bytes of their chunks
 *   fordblks  free but committed bytes (free pages of span regions, free chunks): what
 *             malloc_trim gives back, hence also keepcost
 *   uordblks  arena - fordblks
 *   usmblks   the most bytes ever mapped (glibc leaves it 0; its historic meaning)
 *   ordblks, smblks, fsmblks  0: hakmem keeps no free lists of glibc's kind
 * Built without -DHAKMEM_NO_OVERRIDE only (sanitizer builds keep glibc's).
 * Owns nothing. Calls os.h, chunk.h, span.h, large.h (their counters). */
#ifndef HAKMEM_NO_OVERRIDE
#include "chunk.h"
#include "large.h"
#include "os.h"
#include "span.h"
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>

typedef struct {
    size_t arena, free, free_places, large, large_count;
    hak_os_stats os;
    hak_large_stats big;
} heap_report;

static void report(heap_report *r)
{
    hak_ensure_init();
    hak_os_stats_get(&r->os);
    hak_large_stats_get(&r->big);
    size_t regions, span_free;
    hak_span_free_stats(&regions, &span_free);
    size_t chunks = hak_chunk_dirty_count();
    r->free = span_free + chunks * HAK_SEG_SIZE;
    r->free_places = regions + chunks;
    r->large = r->big.bytes;
    r->large_count = r->big.count;
    size_t mapped = (size_t)r->os.bytes_mapped + chunks * HAK_SEG_SIZE;
    r->arena = mapped > r->large ? mapped - r->large : 0;
    if (r->free > r->arena) r->free = r->arena;
}

HAK_EXPORT struct mallinfo2 mallinfo2(void)
{
    heap_report r;
    report(&r);
    struct mallinfo2 mi = {0};
    mi.arena = r.arena;
    mi.hblks = r.large_count;
    mi.hblkhd = r.large;
    mi.usmblks = (size_t)r.os.peak_bytes_mapped;
    mi.uordblks = r.arena - r.free;
    mi.fordblks = r.free;
    mi.keepcost = r.free;
    return mi;
}

/* The old int fields: values beyond INT_MAX saturate (glibc wraps them). */
static int clamp(size_t v)
{
    return v > INT_MAX ? INT_MAX : (int)v;
}

HAK_EXPORT struct mallinfo mallinfo(void)
{
    struct mallinfo2 m2 = mallinfo2();
    struct mallinfo mi = {0};
    mi.arena = clamp(m2.arena);
    mi.hblks = clamp(m2.hblks);
    mi.hblkhd = clamp(m2.hblkhd);
    mi.usmblks = clamp(m2.usmblks);
    mi.uordblks = clamp(m2.uordblks);
    mi.fordblks = clamp(m2.fordblks);
    mi.keepcost = clamp(m2.keepcost);
    return mi;
}

/* glibc's layout, written with write(2): no stdio stream, so it works in any state. */
HAK_EXPORT void malloc_stats(void)
{
    heap_report r;
    report(&r);
    char buf[512];
    int n = snprintf(buf, sizeof buf,
                     "Arena 0:\nsystem bytes     = %10zu\nin use bytes     = %10zu\n"
                     "Total (incl. mmap):\nsystem bytes     = %10zu\nin use bytes     = %10zu\n"
                     "max mmap regions = %10zu\nmax mmap bytes   = %10zu\n",
                     r.arena, r.arena - r.free, r.arena + r.large, r.arena - r.free + r.large,
                     r.big.peak_count, r.big.peak_bytes);
    if (n > 0) hak_write_str(2, buf);
}

HAK_EXPORT int malloc_info(int options, FILE *fp)
{
    if (options != 0) return EINVAL; /* as glibc: the error number, not -1 and errno */
    heap_report r;
    report(&r);
    size_t mapped = r.arena + r.large;
    size_t peak = (size_t)r.os.peak_bytes_mapped;
    fprintf(fp,
            "<malloc version=\"1\">\n<heap nr=\"0\">\n<sizes>\n</sizes>\n"
            "<total type=\"fast\" count=\"0\" size=\"0\"/>\n"
            "<total type=\"rest\" count=\"%zu\" size=\"%zu\"/>\n"
            "<system type=\"current\" size=\"%zu\"/>\n<system type=\"max\" size=\"%zu\"/>\n"
            "<aspace type=\"total\" size=\"%zu\"/>\n<aspace type=\"mprotect\" size=\"%zu\"/>\n"
            "</heap>\n",
            r.free_places, r.free, r.arena, peak, r.arena, r.arena);
    fprintf(fp,
            "<total type=\"fast\" count=\"0\" size=\"0\"/>\n"
            "<total type=\"rest\" count=\"%zu\" size=\"%zu\"/>\n"
            "<total type=\"mmap\" count=\"%zu\" size=\"%zu\"/>\n"
            "<system type=\"current\" size=\"%zu\"/>\n<system type=\"max\" size=\"%zu\"/>\n"
            "<aspace type=\"total\" size=\"%zu\"/>\n<aspace type=\"mprotect\" size=\"%zu\"/>\n"
            "</malloc>\n",
            r.free_places, r.free, r.large_count, r.large, mapped, peak, mapped, mapped);
    return 0;
}
#endif
