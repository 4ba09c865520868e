/* span_arena.c: the arenas and their region lists (see span_arena.h). */
#include "span_arena.h"
#include "span_bins.h"

span_arena hak_span_arenas[SPAN_NARENAS] = {
    [0 ... SPAN_NARENAS - 1] = {.lock = PTHREAD_MUTEX_INITIALIZER, .next_decay_ms = UINT64_MAX}};
static _Atomic unsigned next_arena;
static __thread span_arena *tls_arena;

span_arena *span_my_arena(void)
{
    span_arena *a = tls_arena;
    if (HAK_UNLIKELY(!a)) {
        unsigned i = atomic_fetch_add_explicit(&next_arena, 1, memory_order_relaxed);
        a = &hak_span_arenas[i % SPAN_NARENAS];
        tls_arena = a;
    }
    return a;
}

void span_arena_add(span_arena *a, span_region *r)
{
    r->arena = a;
    a->dirty_pages += hak_bits_count(r->dirty_map, 0, SPAN_NPAGES);
    span_run_insert(r, SPAN_FIRST_PAGE, SPAN_RUN_MAX);
    r->prev = NULL;
    r->next = a->regions;
    if (a->regions) a->regions->prev = r;
    a->regions = r;
}

void span_arena_remove(span_region *r)
{
    span_arena *a = r->arena;
    if (r->prev)
        r->prev->next = r->next;
    else
        a->regions = r->next;
    if (r->next) r->next->prev = r->prev;
    a->dirty_pages -= hak_bits_count(r->dirty_map, 0, SPAN_NPAGES);
}
