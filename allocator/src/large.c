/* large.c: mmap-backed blocks and the cache of freed mappings (see large.h). */
#include "large.h"
#include "os.h"
#include "segmap.h"
#include <pthread.h>

#define LARGE_MAGIC_LIVE 0x4c495645484b4d31ull /* live block */
#define LARGE_MAGIC_FREE 0x46524545484b4d31ull /* mapping sits in the cache */

typedef struct {
    uint64_t magic;
    uint8_t *base;
    size_t map_size;
    uint64_t reserved; /* keeps the header 32 bytes: user pointers stay 16-aligned */
} large_hdr;

typedef struct {
    uint8_t *base;
    size_t map_size;
} large_slot;

static pthread_mutex_t large_lock = PTHREAD_MUTEX_INITIALIZER;
static large_slot cache[HAK_LARGE_CACHE_SLOTS]; /* oldest first */
static unsigned cache_n;
static size_t cache_bytes;

void hak_large_lock(void)
{
    pthread_mutex_lock(&large_lock);
}
void hak_large_unlock(void)
{
    pthread_mutex_unlock(&large_lock);
}

static void large_unmap(uint8_t *base, size_t map_size)
{
    hak_segmap_set(base, map_size, HAK_SEG_NONE);
    hak_os_unmap(base, map_size);
}

static uint8_t *cache_take(size_t need, size_t *map_size)
{
    uint8_t *base = NULL;
    pthread_mutex_lock(&large_lock);
    for (unsigned i = cache_n; i-- > 0;) {
        if (cache[i].map_size >= need && cache[i].map_size / 2 <= need) {
            base = cache[i].base;
            *map_size = cache[i].map_size;
            cache_bytes -= cache[i].map_size;
            for (unsigned j = i; j + 1 < cache_n; j++)
                cache[j] = cache[j + 1];
            cache_n--;
            break;
        }
    }
    pthread_mutex_unlock(&large_lock);
    return base;
}

void *hak_large_alloc(size_t size, size_t align, bool *fresh)
{
    if (align < 16) align = 16;
    size_t off = hak_align_up(sizeof(large_hdr), align);
    if (size > SIZE_MAX - off - HAK_SEG_SIZE) return NULL;
    size_t map_size = hak_align_up(off + size, HAK_SEG_SIZE);
    uint8_t *base = cache_take(map_size, &map_size);
    *fresh = base == NULL;
    if (base) {
        HAK_STAT_INC(large_cache_hits);
    } else {
        base = hak_os_map_aligned(map_size, HAK_SEG_SIZE);
        if (!base) return NULL;
        hak_segmap_set(base, map_size, HAK_SEG_LARGE);
    }
    uint8_t *user = base + off;
    large_hdr *h = (large_hdr *)(void *)(user - sizeof(large_hdr));
    h->magic = LARGE_MAGIC_LIVE;
    h->base = base;
    h->map_size = map_size;
    HAK_STAT_INC(large_allocs);
    return user;
}

static large_hdr *large_header(const void *p, const char *what)
{
    /* Every 2 MiB chunk the map marks large is ours, so the bytes below p are readable
     * unless p sits at the very start of a chunk. */
    if (((uintptr_t)p & HAK_SEG_MASK) < sizeof(large_hdr))
        hak_fatal_ptr(what, "invalid pointer", p);
    large_hdr *h = (large_hdr *)(uintptr_t)((const uint8_t *)p - sizeof(large_hdr));
    if (((uintptr_t)p & 15) == 0 && h->magic == LARGE_MAGIC_LIVE &&
        (uint8_t *)p - h->base < (ptrdiff_t)HAK_SEG_SIZE)
        return h;
    if (((uintptr_t)p & 15) == 0 && h->magic == LARGE_MAGIC_FREE)
        hak_fatal_ptr(what, "double free of", p);
    hak_fatal_ptr(what, "invalid pointer", p);
}

void hak_large_free(void *p)
{
    large_hdr *h = large_header(p, "free()");
    uint8_t *base = h->base;
    size_t map_size = h->map_size;
    h->magic = LARGE_MAGIC_FREE;
    if (map_size > HAK_LARGE_CACHE_MAX_BYTES / 2) {
        large_unmap(base, map_size);
        return;
    }
    large_slot evict[HAK_LARGE_CACHE_SLOTS];
    unsigned nevict = 0;
    pthread_mutex_lock(&large_lock);
    while (cache_n && (cache_n == HAK_LARGE_CACHE_SLOTS ||
                       cache_bytes + map_size > HAK_LARGE_CACHE_MAX_BYTES)) {
        evict[nevict++] = cache[0];
        cache_bytes -= cache[0].map_size;
        for (unsigned j = 0; j + 1 < cache_n; j++)
            cache[j] = cache[j + 1];
        cache_n--;
    }
    cache[cache_n++] = (large_slot){base, map_size};
    cache_bytes += map_size;
    pthread_mutex_unlock(&large_lock);
    for (unsigned i = 0; i < nevict; i++)
        large_unmap(evict[i].base, evict[i].map_size);
}

void *hak_large_grow(void *p, size_t size)
{
    large_hdr *h = large_header(p, "realloc()");
    size_t off = (size_t)((uint8_t *)p - h->base);
    if (size > SIZE_MAX - off - HAK_SEG_SIZE) return NULL;
    size_t need = hak_align_up(off + size, HAK_SEG_SIZE);
    if (need <= h->map_size) return p;
    uint8_t *base = hak_os_map_aligned(need, HAK_SEG_SIZE);
    if (!base) return NULL;
    uint8_t *old_base = h->base;
    size_t old_size = h->map_size;
    /* The move unmaps the old range: its map entries go first, or another thread's mapping
     * could land there in between and lose its own entries (found by fuzz_mt). */
    hak_segmap_set(old_base, old_size, HAK_SEG_NONE);
    if (!hak_os_move(old_base, old_size, base)) {
        hak_segmap_set(old_base, old_size, HAK_SEG_LARGE);
        hak_os_unmap(base, need);
        return NULL;
    }
    hak_segmap_set(base, need, HAK_SEG_LARGE);
    h = (large_hdr *)(void *)(base + off - sizeof(large_hdr));
    h->base = base;
    h->map_size = need;
    return base + off;
}

size_t hak_large_usable(const void *p)
{
    large_hdr *h = large_header(p, "malloc_usable_size()");
    return (size_t)(h->base + h->map_size - (const uint8_t *)p);
}

void hak_large_trim(void)
{
    pthread_mutex_lock(&large_lock);
    unsigned n = cache_n;
    large_slot all[HAK_LARGE_CACHE_SLOTS];
    for (unsigned i = 0; i < n; i++)
        all[i] = cache[i];
    cache_n = 0;
    cache_bytes = 0;
    pthread_mutex_unlock(&large_lock);
    for (unsigned i = 0; i < n; i++)
        large_unmap(all[i].base, all[i].map_size);
}
