/* span_cache.c: the per-thread cache of freed small page runs (see span_cache.h). */
#include "span_cache.h"

typedef struct {
    bool on; /* between the thread's attach and exit hooks */
    unsigned pages;
    uint8_t count[SPAN_CACHE_PAGES];
    void *blocks[SPAN_CACHE_PAGES][SPAN_CACHE_DEPTH];
} span_cache;

static __thread span_cache tls_cache;

void *span_cache_get(unsigned pages)
{
    span_cache *c = &tls_cache;
    if (pages > SPAN_CACHE_PAGES || !c->count[pages - 1]) return NULL;
    c->pages -= pages;
    return c->blocks[pages - 1][--c->count[pages - 1]];
}

bool span_cache_put(void *p, unsigned pages)
{
    span_cache *c = &tls_cache;
    if (!c->on || pages > SPAN_CACHE_PAGES) return false;
    for (unsigned k = 0; k < c->count[pages - 1]; k++)
        if (c->blocks[pages - 1][k] == p) hak_fatal_ptr("free()", "double free of", p);
    if (c->count[pages - 1] == SPAN_CACHE_DEPTH || c->pages + pages > SPAN_CACHE_MAX_PAGES)
        return false;
    c->blocks[pages - 1][c->count[pages - 1]++] = p;
    c->pages += pages;
    return true;
}

void span_cache_attach(void)
{
    tls_cache.on = HAKMEM_BUILD_RELEASE;
}

void span_cache_flush(void (*give)(void *p), bool off)
{
    span_cache *c = &tls_cache;
    if (off) c->on = false;
    for (unsigned n = 1; n <= SPAN_CACHE_PAGES; n++)
        while (c->count[n - 1])
            give(c->blocks[n - 1][--c->count[n - 1]]);
    c->pages = 0;
}
