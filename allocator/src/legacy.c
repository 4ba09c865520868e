/* legacy.c: per-class locked slabs, the reference tiny path (see legacy.h). */
#include "legacy.h"
#include "superslab.h"
#include <pthread.h>

typedef struct {
    pthread_mutex_t lock;
    hak_slab *current;
    hak_slab *partial; /* slabs other than current with free blocks, linked by next/prev */
} legacy_class;

static legacy_class legacy[HAK_TINY_NCLASS] = {
#define L1                                                                                         \
    {                                                                                              \
        PTHREAD_MUTEX_INITIALIZER, NULL, NULL                                                      \
    }
#define L4 L1, L1, L1, L1
    L4, L4, L4, L4, L4,
#undef L4
#undef L1
};

/* Legacy slabs carry this owner so nothing else mistakes them for a heap's (64-byte aligned:
 * the low bits of a slab's meta word hold its class). */
static _Alignas(64) char legacy_owner_tag;
#define LEGACY_OWNER ((struct hak_heap *)(void *)&legacy_owner_tag)

static void partial_remove(legacy_class *lc, hak_slab *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        lc->partial = s->next;
    if (s->next) s->next->prev = s->prev;
    s->next = s->prev = NULL;
}

void *hak_legacy_alloc(unsigned cls)
{
    legacy_class *lc = &legacy[cls];
    void *p = NULL;
    hak_ensure_init();
    pthread_mutex_lock(&lc->lock);
    for (;;) {
        hak_slab *s = lc->current;
        if (s && hak_slab_take(s, &p, 1, 1)) break;
        if (s) s->state = HAK_SLAB_FULL;
        s = lc->partial;
        if (s) {
            partial_remove(lc, s);
        } else if (!(s = hak_ss_acquire(cls, LEGACY_OWNER, 0))) {
            break;
        }
        s->state = HAK_SLAB_LEGACY;
        lc->current = s;
    }
    pthread_mutex_unlock(&lc->lock);
    return p;
}

bool hak_legacy_owns(const void *p)
{
    return hak_slab_owner(hak_slab_of(p)) == LEGACY_OWNER;
}

void hak_legacy_free(void *p)
{
    hak_slab *s = hak_slab_of(p);
    legacy_class *lc = &legacy[s->cls];
    pthread_mutex_lock(&lc->lock);
    hak_slab_free_local(s, p);
    if (s != lc->current) {
        if (s->state == HAK_SLAB_FULL) {
            s->state = HAK_SLAB_PARTIAL;
            s->next = lc->partial;
            s->prev = NULL;
            if (lc->partial) lc->partial->prev = s;
            lc->partial = s;
        }
        if (s->used == 0) {
            partial_remove(lc, s);
            hak_ss_release(s);
        }
    }
    pthread_mutex_unlock(&lc->lock);
}

void hak_legacy_fork_prepare(void)
{
    for (unsigned c = 0; c < HAK_TINY_NCLASS; c++)
        pthread_mutex_lock(&legacy[c].lock);
}

void hak_legacy_fork_release(void)
{
    for (unsigned c = HAK_TINY_NCLASS; c-- > 0;)
        pthread_mutex_unlock(&legacy[c].lock);
}
