/* secure.c: the process keys and the out-of-line checks of the hardened builds (see secure.h). */
#include "secure.h"
#include "superslab.h"

void hak_fatal_double_free(const void *p)
{
    hak_fatal_ptr("free()", "double free of", p);
}

void hak_secure_bad_free(const void *p)
{
    hak_fatal_ptr("free()", "invalid pointer", p);
}

#if HAKMEM_SECURE
#include <sys/random.h>
#include <time.h>

uintptr_t hak_secure_key, hak_secure_tag_key;
static __thread uint64_t shuffle_state;

/* A 64-bit mix (splitmix64's finaliser): keys from a weak seed, the shuffle's seed. */
static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9u;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebu;
    return x ^ (x >> 31);
}

static void class_geom_init(void);

void hak_secure_init(void)
{
    uint64_t k[2];
    if (getrandom(k, sizeof k, 0) != (ssize_t)sizeof k) {
        /* No entropy from the kernel (seccomp, very old kernel): the clock and the addresses
         * ASLR chose, which still differ from run to run. */
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        k[0] = mix64((uint64_t)ts.tv_nsec ^ (uint64_t)(uintptr_t)&ts);
        k[1] = mix64(k[0] ^ (uint64_t)(uintptr_t)&hak_secure_key);
    }
    hak_secure_key = (uintptr_t)k[0];
    hak_secure_tag_key = (uintptr_t)k[1] | 1; /* never 0: a zeroed word is not a tag */
    class_geom_init();
}

void hak_secure_bad_link(const void *slot)
{
    hak_fatal_ptr("heap", "corrupted free-list link in block", slot);
}

void hak_secure_shuffle(uint8_t *idx, unsigned m)
{
    uint64_t x = shuffle_state;
    if (HAK_UNLIKELY(!x)) x = mix64(hak_secure_key ^ (uintptr_t)&shuffle_state) | 1;
    for (unsigned i = 0; i < m; i++)
        idx[i] = (uint8_t)i;
    for (unsigned i = m; i > 1; i--) { /* Fisher-Yates with xorshift64 */
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        unsigned j = (unsigned)((x >> 32) * i >> 32);
        uint8_t t = idx[i - 1];
        idx[i - 1] = idx[j];
        idx[j] = t;
    }
    shuffle_state = x;
}

#if HAKMEM_SECURE >= 2
/* Per class: ceil(2^64 / block size), so that an offset n < 2^32 is a multiple of the size
 * exactly when n * recip mod 2^64 < recip (one multiply, no division); the block size and the
 * slab size's shift. */
static struct {
    uint64_t recip;
    uint32_t size;
    uint32_t slab_shift;
} class_geom[HAK_NCLASS];

static void class_geom_init(void)
{
    for (unsigned c = 0; c < HAK_NCLASS; c++) {
        class_geom[c].recip = UINT64_MAX / hak_class_size[c] + 1;
        class_geom[c].size = hak_class_size[c];
        class_geom[c].slab_shift =
            c < HAK_TINY_NCLASS ? HAK_SS_TINY_SLAB_SHIFT : HAK_SS_MID_SLAB_SHIFT;
    }
}

/* The block size when p (inside a SuperSlab) is the start of a block of a live slab, else 0.
 * From the meta word and the slab geometry only (superslab.c, ss_slab_range: a slab's blocks
 * start at its base, after the header in slab 0, and end before its guard page), so a free
 * never reads the slab descriptor, whose line the owner thread keeps writing. */
static size_t block_size_at(const void *p)
{
    uintptr_t meta = hak_ss_meta_of(p);
    if (!meta) return 0;
    unsigned cls = (unsigned)(meta & HAK_SLAB_META_CLS), shift = class_geom[cls].slab_shift;
    uint64_t size = class_geom[cls].size;
    uint64_t first = ((uintptr_t)p & HAK_SEG_MASK) >> shift ? 0 : HAK_SS_HDR_SIZE;
    uint64_t off = ((uintptr_t)p & (((uintptr_t)1 << shift) - 1)) - first;
    if (off * class_geom[cls].recip >= class_geom[cls].recip ||
        first + off + size > ((uint64_t)1 << shift) - HAK_SECURE_GUARD)
        return 0;
    return size;
}

/* The tag a free block carries in its second word. */
HAK_INLINE uintptr_t free_tag(const void *p)
{
    return hak_secure_tag_key ^ (uintptr_t)p;
}

static HAK_NOINLINE void fatal_overflow(const char *what, const void *p)
{
    hak_fatal_ptr(what, "buffer overflow past the end of block", p);
}

/* The requested size, from the block's end (h: hak_secure_canary_hash(p)). */
HAK_INLINE size_t requested_size(const void *p, size_t bsize, uint64_t h, const char *what)
{
    uint16_t delta;
    memcpy(&delta, (const uint8_t *)p + bsize - 2, sizeof delta);
    delta ^= (uint16_t)(h >> 40);
    if (HAK_UNLIKELY(delta < HAK_SECURE_SLACK || delta > bsize)) fatal_overflow(what, p);
    return bsize - delta;
}

size_t hak_secure_usable(const void *p, size_t bsize, const char *what)
{
    return requested_size(p, bsize, hak_secure_canary_hash(p), what);
}

void hak_secure_on_free(void *p)
{
    size_t bsize = block_size_at(p);
    if (HAK_UNLIKELY(!bsize)) hak_secure_bad_free(p);
    uintptr_t *w = p;
    if (HAK_UNLIKELY(w[1] == free_tag(p))) hak_fatal_double_free(p);
    uint64_t h = hak_secure_canary_hash(p);
    size_t size = requested_size(p, bsize, h, "free()");
    if (HAK_UNLIKELY(((const uint8_t *)p)[size] != (uint8_t)(h >> 56))) fatal_overflow("free()", p);
    w[1] = free_tag(p);
#if HAKMEM_SECURE >= 3
    if (size > 2 * sizeof(uintptr_t)) memset(w + 2, HAK_SECURE_FILL, size - 2 * sizeof(uintptr_t));
#endif
}
#else
static void class_geom_init(void) {}
#endif
#endif
