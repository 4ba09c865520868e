/* superslab.c: the SuperSlab pool (see superslab.h). */
#include "superslab.h"
#include "os.h"
#include "segmap.h"
#include <pthread.h>
#include <string.h>

static pthread_mutex_t ss_lock = PTHREAD_MUTEX_INITIALIZER;
static const uint8_t ss_kind_shift[HAK_SS_KINDS] = {16, 19}; /* tiny, mid */
/* SuperSlabs with at least one free slab, per kind. */
static hak_superslab *ss_avail[HAK_SS_KINDS];
static unsigned ss_empty_count;
static size_t ss_dirty_bytes; /* free slabs whose pages are still committed */
static unsigned ss_dirty_slabs[HAK_SS_KINDS];
static size_t ss_used_bytes;      /* slabs handed out */
static size_t ss_used_peak_bytes; /* highest ss_used_bytes seen */

void hak_ss_lock(void)
{
    pthread_mutex_lock(&ss_lock);
}
void hak_ss_unlock(void)
{
    pthread_mutex_unlock(&ss_lock);
}

static void ss_list_push(hak_superslab *ss)
{
    hak_superslab **head = &ss_avail[ss->kind];
    ss->prev = NULL;
    ss->next = *head;
    if (*head) (*head)->prev = ss;
    *head = ss;
}

static void ss_list_remove(hak_superslab *ss)
{
    if (ss->prev)
        ss->prev->next = ss->next;
    else
        ss_avail[ss->kind] = ss->next;
    if (ss->next) ss->next->prev = ss->prev;
    ss->next = ss->prev = NULL;
}

static uint32_t ss_all_free(const hak_superslab *ss)
{
    return ss->nslabs == 32 ? 0xffffffffu : ((1u << ss->nslabs) - 1u);
}

/* delta slabs of ss became dirty (delta < 0: reused or decommitted). Pool lock held. */
static void ss_dirty_change(hak_superslab *ss, int delta)
{
    size_t bytes = (size_t)(delta < 0 ? -delta : delta) << ss->slab_shift;
    if (delta < 0) {
        ss_dirty_slabs[ss->kind] -= (unsigned)-delta;
        ss_dirty_bytes -= bytes;
    } else {
        ss_dirty_slabs[ss->kind] += (unsigned)delta;
        ss_dirty_bytes += bytes;
    }
}

static hak_superslab *ss_map(unsigned kind)
{
    hak_superslab *ss = hak_os_map_aligned(HAK_SEG_SIZE, HAK_SEG_SIZE);
    if (!ss) return NULL;
    ss->magic = HAK_SS_MAGIC;
    ss->slab_shift = ss_kind_shift[kind];
    ss->nslabs = (uint8_t)(HAK_SEG_SIZE >> ss->slab_shift);
    ss->kind = (uint8_t)kind;
    ss->free_mask = ss_all_free(ss);
    for (unsigned i = 0; i < ss->nslabs; i++)
        ss->slabs[i].index = (uint8_t)i;
    hak_segmap_set(ss, HAK_SEG_SIZE, HAK_SEG_SUPERSLAB);
    HAK_GSTAT_ADD(superslabs_mapped, 1);
    ss_empty_count++;
    ss_list_push(ss);
    return ss;
}

/* Where the next slab of a kind comes from: a dirty slab when there is one, so that memory
 * already committed is reused before fresh pages are touched (RSS grows only when no dirty
 * slab is left, which is why the dirty budget can follow the peak without raising it);
 * otherwise the lowest free slab of the first SuperSlab with room. Pool lock held. */
static hak_superslab *ss_pick(unsigned kind, unsigned *slab)
{
    hak_superslab *ss = ss_avail[kind];
    if (ss_dirty_slabs[kind]) {
        hak_superslab *d = ss;
        while (d && !d->dirty_mask)
            d = d->next;
        if (d) {
            *slab = (unsigned)__builtin_ctz(d->dirty_mask);
            return d;
        }
    }
    if (!ss && !(ss = ss_map(kind))) return NULL;
    *slab = (unsigned)__builtin_ctz(ss->free_mask);
    return ss;
}

static void ss_unmap(hak_superslab *ss)
{
    ss_list_remove(ss);
    ss_empty_count--;
    hak_segmap_set(ss, HAK_SEG_SIZE, HAK_SEG_NONE);
    hak_os_unmap(ss, HAK_SEG_SIZE);
    HAK_GSTAT_ADD(superslabs_returned, 1);
}

/* The usable range of slab i: slab 0 starts after the header; a power-of-two block size also
 * aligns the first block to itself, so such classes serve aligned requests. */
static void ss_slab_range(hak_superslab *ss, unsigned i, uint32_t bsize, uint8_t **start,
                          uint8_t **end)
{
    uint8_t *base = (uint8_t *)ss + ((size_t)i << ss->slab_shift);
    uint8_t *s = i == 0 ? (uint8_t *)ss + HAK_SS_HDR_SIZE : base;
    if ((bsize & (bsize - 1)) == 0) s = (uint8_t *)hak_align_up((uintptr_t)s, bsize);
    *start = s;
    *end = base + ((size_t)1 << ss->slab_shift);
}

hak_slab *hak_ss_acquire(unsigned cls, struct hak_heap *owner)
{
    unsigned kind = cls >= HAK_TINY_NCLASS;
    pthread_mutex_lock(&ss_lock);
    unsigned i;
    hak_superslab *ss = ss_pick(kind, &i);
    if (!ss) {
        pthread_mutex_unlock(&ss_lock);
        return NULL;
    }
    if (ss->free_mask == ss_all_free(ss)) ss_empty_count--;
    ss->free_mask &= ~(1u << i);
    if (ss->dirty_mask & (1u << i)) {
        ss->dirty_mask &= ~(1u << i);
        ss_dirty_change(ss, -1);
    }
    if (!ss->free_mask) ss_list_remove(ss);
    ss_used_bytes += (size_t)1 << ss->slab_shift;
    if (ss_used_bytes > ss_used_peak_bytes) ss_used_peak_bytes = ss_used_bytes;
    pthread_mutex_unlock(&ss_lock);

    hak_slab *s = &ss->slabs[i];
    s->bsize = hak_class_size[cls];
    s->cls = (uint8_t)cls;
    ss_slab_range(ss, i, s->bsize, &s->start, &s->end);
    s->bump = s->start;
    s->local = NULL;
    s->local_count = 0;
    s->used = 0;
    s->next = s->prev = NULL;
    s->state = HAK_SLAB_ACTIVE;
    atomic_store_explicit(&s->remote, 0, memory_order_relaxed);
    atomic_store_explicit(&ss->meta[i], (uintptr_t)owner | cls, memory_order_relaxed);
#if !HAKMEM_BUILD_RELEASE
    memset((void *)ss->live[i], 0, sizeof ss->live[i]);
#endif
    HAK_GSTAT_ADD(slabs_created, 1);
    return s;
}

/* Decommits the dirty slabs of ss, one madvise per run of adjacent ones. Pool lock held. */
static void ss_decommit_dirty(hak_superslab *ss)
{
    uint32_t m = ss->dirty_mask;
    while (m) {
        unsigned lo = (unsigned)__builtin_ctz(m);
        unsigned hi = lo;
        while (hi + 1 < ss->nslabs && (m & (1u << (hi + 1))))
            hi++;
        uint8_t *from = (uint8_t *)ss + (lo ? (size_t)lo << ss->slab_shift : HAK_SS_HDR_SIZE);
        uint8_t *to = (uint8_t *)ss + ((size_t)(hi + 1) << ss->slab_shift);
        hak_os_decommit(from, (size_t)(to - from));
        for (unsigned i = lo; i <= hi; i++)
            m &= ~(1u << i);
        ss_dirty_change(ss, -(int)(hi - lo + 1));
    }
    ss->dirty_mask = 0;
}

static void ss_sweep_dirty(void)
{
    for (int kind = 0; kind < HAK_SS_KINDS; kind++)
        for (hak_superslab *ss = ss_avail[kind]; ss; ss = ss->next)
            if (ss->dirty_mask) ss_decommit_dirty(ss);
}

void hak_ss_release(hak_slab *s)
{
    HAK_ASSERT(s->used == 0);
    hak_superslab *ss = hak_ss_of(s);
    unsigned i = s->index;
    s->state = HAK_SLAB_FREE;
    atomic_store_explicit(&ss->meta[i], 0, memory_order_relaxed);
    HAK_GSTAT_ADD(slabs_returned, 1);

    pthread_mutex_lock(&ss_lock);
    if (!ss->free_mask) ss_list_push(ss);
    ss->free_mask |= 1u << i;
    ss->dirty_mask |= 1u << i;
    ss_dirty_change(ss, 1);
    ss_used_bytes -= (size_t)1 << ss->slab_shift;
    if (ss->free_mask == ss_all_free(ss)) {
        ss_empty_count++;
        if (ss_empty_count > EMPTY_SUPERSLAB_KEEP) {
            ss_dirty_change(ss, -__builtin_popcount(ss->dirty_mask));
            ss_unmap(ss);
        } else {
            ss_decommit_dirty(ss);
        }
    } else if (ss_dirty_bytes > HAK_SS_DIRTY_MIN_BYTES && ss_dirty_bytes > ss_used_peak_bytes / 2) {
        ss_sweep_dirty();
    }
    pthread_mutex_unlock(&ss_lock);
}

void hak_ss_trim(void)
{
    pthread_mutex_lock(&ss_lock);
    for (int kind = 0; kind < HAK_SS_KINDS; kind++) {
        hak_superslab *ss = ss_avail[kind];
        while (ss) {
            hak_superslab *next = ss->next;
            if (ss->free_mask == ss_all_free(ss)) {
                ss_dirty_change(ss, -__builtin_popcount(ss->dirty_mask));
                ss_unmap(ss);
            } else if (ss->dirty_mask) {
                ss_decommit_dirty(ss);
            }
            ss = next;
        }
    }
    pthread_mutex_unlock(&ss_lock);
}
