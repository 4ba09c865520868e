/* A test-only LD_PRELOAD shim that corrupts the heap on purpose, to prove that the workloads'
 * content checks work (a workload run under it must exit 3). It forwards every call to the
 * real allocator (dlsym(RTLD_NEXT)) and, once per process, does one of:
 *   HAKTEST_CORRUPT=scribble  flips the first bytes of a block the program still holds
 *                             (at the owning thread's next allocation after it was returned);
 *   HAKTEST_CORRUPT=dup       hands out a block the program still holds a second time.
 * The victim is the block returned by a thread's HAKTEST_CORRUPT_AT-th allocation (default
 * 1000), counted per thread; if the program frees it before the thread allocates again, the
 * next block returned becomes the victim instead. Without HAKTEST_CORRUPT it only forwards. */
#include <dlfcn.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

enum mode { MODE_UNSET, MODE_OFF, MODE_SCRIBBLE, MODE_DUP };

static void *(*real_malloc)(size_t);
static void (*real_free)(void *);
static void *(*real_realloc)(void *, size_t);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);
static void *(*real_memalign)(size_t, size_t);

static atomic_int mode;
static unsigned long corrupt_at = 1000;
static atomic_bool claimed, done;
static _Atomic(void *) victim; /* cleared by whichever thread frees it */
static size_t victim_size;     /* written by the owner thread only */
static _Thread_local unsigned long calls;
static _Thread_local bool owner;

static void resolve(void)
{
    real_malloc = dlsym(RTLD_NEXT, "malloc");
    real_free = dlsym(RTLD_NEXT, "free");
    real_realloc = dlsym(RTLD_NEXT, "realloc");
    real_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
    real_aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
    real_memalign = dlsym(RTLD_NEXT, "memalign");
    const char *m = getenv("HAKTEST_CORRUPT");
    const char *at = getenv("HAKTEST_CORRUPT_AT");
    if (at) corrupt_at = strtoul(at, NULL, 10);
    int v = MODE_OFF;
    if (m && !strcmp(m, "scribble"))
        v = MODE_SCRIBBLE;
    else if (m && !strcmp(m, "dup"))
        v = MODE_DUP;
    atomic_store(&mode, v);
}

__attribute__((constructor)) static void init(void)
{
    resolve();
}

static void forget(void *p)
{
    void *expected = p;
    if (p) atomic_compare_exchange_strong(&victim, &expected, NULL);
}

/* Called before each allocation of the calling thread. Returns a block to hand out again
 * (dup mode) or NULL to allocate normally. */
static void *before_alloc(size_t size)
{
    if (atomic_load(&mode) <= MODE_OFF || atomic_load(&done)) return NULL;
    calls++;
    if (!owner) {
        if (calls < corrupt_at || atomic_exchange(&claimed, true)) return NULL;
        owner = true;
        return NULL; /* this call's block becomes the victim in after_alloc */
    }
    void *v = atomic_load(&victim);
    if (!v) return NULL;
    if (atomic_load(&mode) == MODE_SCRIBBLE) {
        unsigned char *b = v;
        size_t n = victim_size < 8 ? victim_size : 8;
        for (size_t i = 0; i < n; i++)
            b[i] ^= 0xFF;
        atomic_store(&done, true);
        return NULL;
    }
    if (malloc_usable_size(v) >= size) {
        atomic_store(&done, true);
        return v;
    }
    return NULL;
}

static void *after_alloc(void *p, size_t size)
{
    if (owner && p && !atomic_load(&done) && !atomic_load(&victim)) {
        victim_size = size;
        atomic_store(&victim, p);
    }
    return p;
}

void *malloc(size_t size)
{
    if (!real_malloc) resolve();
    void *again = before_alloc(size);
    if (again) return again;
    return after_alloc(real_malloc(size), size);
}

void free(void *p)
{
    if (!real_free) resolve();
    forget(p);
    real_free(p);
}

void *realloc(void *p, size_t size)
{
    if (!real_realloc) resolve();
    before_alloc(size);
    forget(p);
    return after_alloc(real_realloc(p, size), size);
}

int posix_memalign(void **out, size_t align, size_t size)
{
    if (!real_posix_memalign) resolve();
    before_alloc(size);
    int err = real_posix_memalign(out, align, size);
    if (!err) after_alloc(*out, size);
    return err;
}

void *aligned_alloc(size_t align, size_t size)
{
    if (!real_aligned_alloc) resolve();
    before_alloc(size);
    return after_alloc(real_aligned_alloc(align, size), size);
}

void *memalign(size_t align, size_t size)
{
    if (!real_memalign) resolve();
    before_alloc(size);
    return after_alloc(real_memalign(align, size), size);
}
