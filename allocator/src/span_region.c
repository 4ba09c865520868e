/* span_region.c: span regions from and back to the chunk layer (see span_region.h). */
#include "span_region.h"
#include "chunk.h"
#include "segmap.h"
#include <string.h>

span_region *span_region_new(void)
{
    size_t touched;
    span_region *r = hak_chunk_alloc(1, HAK_SEG_SIZE, 0, 0, &touched);
    if (!r) return NULL;
    /* A reused chunk may hold anything, a fresh one is zeros: the header starts clean. */
    if (touched) memset(r, 0, sizeof *r);
    r->magic = SPAN_MAGIC;
    hak_bits_set(r->free_map, SPAN_FIRST_PAGE, SPAN_NPAGES);
    unsigned dirty_end = (unsigned)(touched / HAK_PAGE);
    if (dirty_end > SPAN_FIRST_PAGE) hak_bits_set(r->dirty_map, SPAN_FIRST_PAGE, dirty_end);
    if (!hak_segmap_set(r, HAK_SEG_SIZE, HAK_SEG_SPAN)) {
        hak_chunk_free(r, 1, touched > sizeof *r ? touched : sizeof *r);
        return NULL;
    }
    HAK_GSTAT_ADD(span_regions_mapped, 1);
    return r;
}

void span_region_release(span_region *r)
{
    unsigned last = SPAN_FIRST_PAGE;
    for (unsigned w = SPAN_WORDS; w-- > 0;)
        if (r->dirty_map[w]) {
            last = w * 64 + 64 - (unsigned)__builtin_clzll(r->dirty_map[w]);
            break;
        }
    r->magic = 0;
    hak_segmap_set(r, HAK_SEG_SIZE, HAK_SEG_NONE);
    hak_chunk_free(r, 1, (size_t)last * HAK_PAGE);
    HAK_GSTAT_ADD(span_regions_returned, 1);
}
