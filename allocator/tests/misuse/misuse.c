/* The heap-misuse resistance suite's C program (README.md in this folder): `misuse CASE` commits
 * exactly one heap misuse, then checks deterministically whether it had an observable effect:
 *   exit 0   no effect: no two live blocks overlap, no live block's bytes changed, no old data
 *            visible where it should not be
 *   exit 3   effect: a block handed out twice (or overlapping a live one, the stack, a global),
 *            a neighbour's bytes changed, old data read back
 *   a signal the allocator (or the memory it guarded) stopped the misuse
 *   exit 1   the case could not set itself up (mmap or malloc refused); exit 2 usage
 * Every allocation goes through volatile function pointers and the program is built with -O1
 * -fno-builtin, so the compiler neither removes nor reasons about the misuse. Bookkeeping (block
 * lists, copy buffers) lives in mmap'd memory, never on the heap under test, so a corrupted heap
 * cannot turn the harness's own data into a crash that would pass for a catch. */
#define _GNU_SOURCE
#include <alloca.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define KiB ((size_t)1 << 10)
#define MiB ((size_t)1 << 20)

enum { NO_EFFECT = 0, SETUP_FAILED = 1, USAGE = 2, EFFECT = 3 };

static void *(*volatile m_malloc)(size_t) = malloc;
static void (*volatile m_free)(void *) = free;
static void *(*volatile m_memcpy)(void *, const void *, size_t) = memcpy;

static const char *case_name = "?";

/* Messages go through one static buffer and write(2): no stdio buffer on the heap under test. */
static void say(const char *fmt, ...)
{
    static char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (len < 0) return;
    if ((size_t)len >= sizeof buf) len = (int)sizeof buf - 1;
    ssize_t w = write(2, buf, (size_t)len);
    (void)w;
}

/* _exit: no atexit handler or allocator destructor gets to run (and crash) after the verdict. */
static _Noreturn void verdict(int rc, const char *why)
{
    say("%s: %s: %s\n", case_name, rc == EFFECT ? "effect" : "no effect", why);
    _exit(rc);
}

/* In the log: the misuse itself returned (a later signal came from the checks that follow). */
static void committed(void)
{
    say("%s: misuse committed\n", case_name);
}

static _Noreturn void setup_failed(const char *what)
{
    say("%s: setup failed: %s\n", case_name, what);
    _exit(SETUP_FAILED);
}

static void *xmap(size_t len)
{
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) setup_failed("mmap");
    return p;
}

static void *xmalloc(size_t n)
{
    void *p = m_malloc(n);
    if (!p) setup_failed("malloc returned NULL");
    return p;
}

/* ---- patterns: live data (bytes < 0x80), secrets and markers (bytes >= 0x80) ---- */

enum { PAT_LIVE, PAT_SECRET, PAT_MARK };
#define WINDOW (4 * KiB)
#define WHOLE_LIMIT (256 * KiB)

static unsigned char pbyte(int kind, unsigned seed, size_t i)
{
    switch (kind) {
    case PAT_LIVE:
        return (unsigned char)((i * 13u + seed * 101u + 7u) & 0x7f);
    case PAT_SECRET:
        return (unsigned char)(0x80 | ((i * 37u + 11u) & 0x7f));
    default:
        return (unsigned char)(0x80 | ((i * 53u + 29u) & 0x7f));
    }
}

/* The byte ranges of [lo, n) a pattern covers: all of it up to WHOLE_LIMIT, else a 4 KiB window
 * at the start, the middle and the end (big blocks are sampled, not swept). */
struct span {
    size_t off, len;
};

static int spans_of(size_t n, size_t lo, struct span s[3])
{
    if (n <= lo) return 0;
    if (n - lo <= WHOLE_LIMIT) {
        s[0] = (struct span){lo, n - lo};
        return 1;
    }
    s[0] = (struct span){lo, WINDOW};
    s[1] = (struct span){n / 2, WINDOW};
    s[2] = (struct span){n - WINDOW, WINDOW};
    return 3;
}

static void pfill(void *p, size_t n, size_t lo, int kind, unsigned seed)
{
    volatile unsigned char *b = p;
    struct span s[3];
    int k = spans_of(n, lo, s);
    for (int j = 0; j < k; j++)
        for (size_t i = s[j].off; i < s[j].off + s[j].len; i++)
            b[i] = pbyte(kind, seed, i);
}

/* How many bytes of [lo, n) hold the pattern (*checked: how many were looked at). */
static size_t pmatch(const void *p, size_t n, size_t lo, int kind, unsigned seed, size_t *checked)
{
    const volatile unsigned char *b = p;
    struct span s[3];
    int k = spans_of(n, lo, s);
    size_t hits = 0, seen = 0;
    for (int j = 0; j < k; j++)
        for (size_t i = s[j].off; i < s[j].off + s[j].len; i++) {
            hits += b[i] == pbyte(kind, seed, i);
            seen++;
        }
    if (checked) *checked = seen;
    return hits;
}

static int intact(const void *p, size_t n, unsigned seed)
{
    size_t seen;
    return pmatch(p, n, 0, PAT_LIVE, seed, &seen) == seen;
}

/* Old data counts as visible when at least half the bytes looked at (and at least 4) hold it at
 * their old offsets: a fill (0, 0xdf...) or another owner's data matches 1 byte in 128. */
static int visible(const void *p, size_t n, size_t lo, int kind)
{
    size_t seen, hits = pmatch(p, n, lo, kind, 0, &seen);
    return seen > 0 && hits >= 4 && hits * 2 >= seen;
}

/* Where old data is looked for: past the first 16 bytes, where allocators keep free-list links
 * and tags (past 8 for a 16-byte block). */
static size_t data_lo(size_t n)
{
    return n <= 16 ? 8 : 16;
}

/* ---- block lists (mmap'd) and the overlap check ---- */

struct blk {
    char *p;
    size_t n;
};

struct blist {
    struct blk *v;
    size_t len, cap;
};

static void bl_init(struct blist *l, size_t cap)
{
    l->v = xmap(cap * sizeof *l->v);
    l->len = 0;
    l->cap = cap;
}

static void bl_add(struct blist *l, void *p, size_t n)
{
    if (l->len == l->cap) setup_failed("block list full");
    l->v[l->len++] = (struct blk){p, n};
}

/* Heapsort by address (qsort may allocate from the heap under test). */
static void sift(struct blk *v, size_t root, size_t len)
{
    for (;;) {
        size_t c = 2 * root + 1;
        if (c >= len) return;
        if (c + 1 < len && v[c + 1].p > v[c].p) c++;
        if (v[root].p >= v[c].p) return;
        struct blk t = v[root];
        v[root] = v[c];
        v[c] = t;
        root = c;
    }
}

static void bl_sort(struct blist *l)
{
    struct blk *v = l->v;
    for (size_t i = l->len / 2; i-- > 0;)
        sift(v, i, l->len);
    for (size_t end = l->len; end > 1; end--) {
        struct blk t = v[0];
        v[0] = v[end - 1];
        v[end - 1] = t;
        sift(v, 0, end - 1);
    }
}

/* Two blocks of the list overlap (two live blocks share bytes): reports the first pair. */
static int bl_overlap(struct blist *l)
{
    bl_sort(l);
    size_t far = 0;
    for (size_t i = 1; i < l->len; i++) {
        struct blk *a = &l->v[far], *b = &l->v[i];
        if (b->p < a->p + (a->n ? a->n : 1)) {
            say("%s: blocks %p (%zu B) and %p (%zu B) overlap\n", case_name, (void *)a->p, a->n,
                (void *)b->p, b->n);
            return 1;
        }
        if (b->p + b->n > a->p + a->n) far = i;
    }
    return 0;
}

/* Blocks of the list that overlap [lo, lo + len). */
static int bl_hits(const struct blist *l, const void *lo, size_t len)
{
    const char *a = lo, *z = a + len;
    for (size_t i = 0; i < l->len; i++)
        if (l->v[i].p < z && l->v[i].p + (l->v[i].n ? l->v[i].n : 1) > a) {
            say("%s: malloc returned %p inside %p..%p\n", case_name, (void *)l->v[i].p, lo,
                (const void *)z);
            return 1;
        }
    return 0;
}

/* How many blocks of n bytes a spray takes: enough to run through a slab/page of the class
 * (8 MiB of them, 8 to 8192 blocks). */
static size_t spray_count(size_t n)
{
    size_t c = 8 * MiB / (n ? n : 1);
    return c > 8192 ? 8192 : c < 8 ? 8 : c;
}

/* Allocates count blocks of n bytes, kept live in l (nothing is written into them). */
static void spray(struct blist *l, size_t n, size_t count)
{
    for (size_t i = 0; i < count; i++)
        bl_add(l, xmalloc(n), n);
}

/* Sprays of every small and mid class and of n: whatever an allocator did with a pointer it
 * should not have taken, a later malloc of some size hands it out. */
static void spray_classes(struct blist *l, size_t n)
{
    static const size_t sizes[] = {8, 16, 24, 32, 48, 64, 96, 128, 256, 512, 1024, 2048, 4096};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        spray(l, sizes[i], 256);
    if (n) spray(l, n, spray_count(n));
}

static size_t spray_cap(size_t n)
{
    return spray_count(n) + 16 * 256 + 64;
}

/* ---- double frees ---- */

/* After a double free, do later mallocs of the size hand a block out twice? */
static int after_double_free(struct blist *l, size_t n)
{
    spray(l, n, spray_count(n));
    if (bl_overlap(l)) verdict(EFFECT, "a block was handed out twice");
    verdict(NO_EFFECT, "no block handed out twice");
}

static int df_imm(size_t n, size_t k)
{
    (void)k;
    struct blist l;
    bl_init(&l, spray_cap(n));
    char *p = xmalloc(n);
    p[0] = 1;
    m_free(p);
    m_free(p);
    committed();
    return after_double_free(&l, n);
}

/* Other frees of the class between the two frees. */
static int df_delayed(size_t n, size_t k)
{
    (void)k;
    enum { OTHERS = 16 };
    struct blist l;
    bl_init(&l, spray_cap(n));
    char *p = xmalloc(n), *q[OTHERS];
    for (int i = 0; i < OTHERS; i++)
        q[i] = xmalloc(n);
    m_free(p);
    for (int i = 0; i < OTHERS; i++)
        m_free(q[i]);
    m_free(p);
    committed();
    return after_double_free(&l, n);
}

/* free(a); free(b); free(a): the classic fastbin/tcache dup. */
static int df_interleaved(size_t n, size_t k)
{
    (void)k;
    struct blist l;
    bl_init(&l, spray_cap(n));
    char *a = xmalloc(n), *b = xmalloc(n);
    m_free(a);
    m_free(b);
    m_free(a);
    committed();
    return after_double_free(&l, n);
}

/* free(p); q = malloc (p again, mostly); free(p) frees q behind its owner's back: is q handed
 * out to someone else while q is still live? */
static int df_reused(size_t n, size_t k)
{
    (void)k;
    struct blist l;
    bl_init(&l, spray_count(n) + 1);
    char *p = xmalloc(n);
    m_free(p);
    char *q = xmalloc(n);
    pfill(q, n, 0, PAT_LIVE, 1);
    say("%s: the block was %sreused at once\n", case_name, p == q ? "" : "not ");
    m_free(p);
    committed();
    bl_add(&l, q, n);
    spray(&l, n, spray_count(n));
    if (!intact(q, n, 1)) verdict(EFFECT, "the live block's bytes changed");
    if (bl_overlap(&l)) verdict(EFFECT, "a block was handed out twice");
    verdict(NO_EFFECT, "no block handed out twice");
}

struct df_thread_arg {
    char *p;
    struct blist *l;
    size_t n;
    pthread_barrier_t go;
};

static void *df_thread_body(void *arg)
{
    struct df_thread_arg *a = arg;
    pthread_barrier_wait(&a->go);
    m_free(a->p);
    committed();
    spray(a->l, a->n, spray_count(a->n) / 2 + 1);
    return NULL;
}

/* Freed by its thread, then again by another thread: do the two threads' mallocs share a block?
 * The other thread is started first, so that nothing (its stack, its TLS) takes the block in
 * between. */
static int df_thread(size_t n, size_t k)
{
    (void)k;
    struct blist l;
    bl_init(&l, spray_cap(n) * 2);
    struct df_thread_arg a = {NULL, &l, n, {{0}}};
    pthread_barrier_init(&a.go, NULL, 2);
    pthread_t t;
    if (pthread_create(&t, NULL, df_thread_body, &a) != 0) setup_failed("pthread_create");
    a.p = xmalloc(n);
    a.p[0] = 1;
    m_free(a.p);
    pthread_barrier_wait(&a.go);
    pthread_join(t, NULL);
    spray(&l, n, spray_count(n) / 2 + 1);
    if (bl_overlap(&l)) verdict(EFFECT, "a block was handed out twice");
    verdict(NO_EFFECT, "no block handed out twice");
}

/* ---- invalid frees ---- */

/* A pointer the allocator never handed out was freed: does any later malloc land in
 * [lo, lo + len), or did the allocator write into it? (The region was zeroed before.) */
static int after_foreign_free(const void *lo, size_t len)
{
    struct blist l;
    bl_init(&l, spray_cap(0));
    const volatile unsigned char *b = lo;
    for (size_t i = 0; i < len; i++)
        if (b[i] != 0) verdict(EFFECT, "the allocator wrote into memory it does not own");
    spray_classes(&l, 0);
    if (bl_hits(&l, lo, len)) verdict(EFFECT, "malloc returned memory the allocator does not own");
    verdict(NO_EFFECT, "no malloc returned the foreign memory");
}

static void zero(void *p, size_t len)
{
    volatile unsigned char *b = p;
    for (size_t i = 0; i < len; i++)
        b[i] = 0;
}

static int free_stack(size_t n, size_t k)
{
    (void)n;
    (void)k;
    _Alignas(64) unsigned char buf[16 * KiB];
    zero(buf, sizeof buf);
    m_free(buf + 8 * KiB);
    committed();
    return after_foreign_free(buf, sizeof buf);
}

static int free_alloca(size_t n, size_t k)
{
    (void)n;
    (void)k;
    unsigned char *buf = alloca(16 * KiB);
    zero(buf, 16 * KiB);
    m_free(buf + 8 * KiB);
    committed();
    return after_foreign_free(buf, 16 * KiB);
}

static _Alignas(4096) unsigned char global_buf[64 * KiB];

static int free_global(size_t n, size_t k)
{
    (void)n;
    (void)k;
    zero(global_buf, sizeof global_buf);
    m_free(global_buf + 32 * KiB);
    committed();
    return after_foreign_free(global_buf, sizeof global_buf);
}

/* A page-aligned pointer into an mmap of the program's own (what an allocator that reads a
 * header before the pointer, or a page descriptor, finds there is zeros). */
static int free_mmap(size_t n, size_t k)
{
    (void)n;
    (void)k;
    unsigned char *m = xmap(4 * MiB);
    m_free(m + 2 * MiB);
    committed();
    return after_foreign_free(m, 4 * MiB);
}

/* A pointer into address space nobody maps (mapped, then unmapped). */
static int free_unmapped(size_t n, size_t k)
{
    (void)n;
    (void)k;
    struct blist l;
    bl_init(&l, spray_cap(0));
    char *m = xmap(4 * MiB);
    munmap(m, 4 * MiB);
    m_free(m + 2 * MiB);
    committed();
    spray_classes(&l, 0);
    if (bl_hits(&l, m, 4 * MiB)) verdict(EFFECT, "malloc returned unmapped memory");
    verdict(NO_EFFECT, "no malloc returned the unmapped range");
}

/* A pointer into the lowest pages (a small integer taken for a pointer). */
static int free_low(size_t n, size_t k)
{
    (void)n;
    (void)k;
    struct blist l;
    bl_init(&l, spray_cap(0));
    m_free((void *)(uintptr_t)0x10000);
    committed();
    spray_classes(&l, 0);
    if (bl_hits(&l, (void *)(uintptr_t)0x10000, 64 * KiB))
        verdict(EFFECT, "malloc returned a low address");
    verdict(NO_EFFECT, "no malloc returned the low address");
}

/* free(p + off) of a live block p among live neighbours: did the allocator write into the live
 * blocks, or hand out memory overlapping them? */
static int bad_offset_free(size_t n, ptrdiff_t off)
{
    enum { LIVE = 16 };
    struct blist l;
    bl_init(&l, spray_cap(n) + LIVE);
    char *b[LIVE];
    for (int i = 0; i < LIVE; i++) {
        b[i] = xmalloc(n);
        pfill(b[i], n, 0, PAT_LIVE, (unsigned)i);
    }
    char *victim = b[LIVE / 2];
    m_free(victim + off);
    committed();
    for (int i = 0; i < LIVE; i++)
        if (!intact(b[i], n, (unsigned)i)) verdict(EFFECT, "a live block's bytes changed");
    for (int i = 0; i < LIVE; i++)
        bl_add(&l, b[i], n);
    spray_classes(&l, n);
    if (bl_overlap(&l)) verdict(EFFECT, "malloc handed out memory of a live block");
    verdict(NO_EFFECT, "live blocks untouched, nothing handed out twice");
}

static int free_interior(size_t n, size_t k)
{
    return bad_offset_free(n, (ptrdiff_t)k);
}

/* Just past the end of the block (8 bytes after its requested size). */
static int free_past_end(size_t n, size_t k)
{
    (void)k;
    return bad_offset_free(n, (ptrdiff_t)(n + 8));
}

static int free_before(size_t n, size_t k)
{
    return bad_offset_free(n, -(ptrdiff_t)k);
}

/* ---- overflows and underflows ---- */

enum { OVER = 1, UNDER = 2, VIA_MEMCPY = 4 };

/* A block among live neighbours of its size, each with its own pattern, is written k bytes past
 * its end (OVER) or before its start (UNDER), directly or by a memcpy too long; the 1 MiB cases
 * start from the lowest (highest) block, with more than 1 MiB of the program's blocks above
 * (below) it. The block and its neighbours are freed (where canaries are checked); the effect is
 * a neighbour's bytes changed, or later mallocs handing out overlapping blocks. */
static int overflow(size_t n, size_t k, int how)
{
    size_t count = k >= MiB ? (k + n - 1) / n + 16 : 32;
    if (n >= MiB) count = k >= MiB ? 4 : 6;
    struct blist live, l;
    bl_init(&live, count);
    bl_init(&l, spray_cap(n));
    for (size_t i = 0; i < count; i++) {
        char *p = xmalloc(n);
        pfill(p, n, 0, PAT_LIVE, (unsigned)i);
        bl_add(&live, p, (size_t)i); /* .n holds the seed until sorted */
    }
    bl_sort(&live);
    size_t vi = k >= MiB ? ((how & UNDER) ? count - 1 : 0) : count / 2;
    char *v = live.v[vi].p;
    unsigned char *src = xmap(k + n);
    for (size_t i = 0; i < k + n; i++)
        src[i] = 0xee;
    if (how & VIA_MEMCPY) {
        if (how & UNDER)
            m_memcpy(v - k, src, k + n);
        else
            m_memcpy(v, src, n + k);
    } else {
        volatile unsigned char *b = (volatile unsigned char *)v;
        for (size_t i = 0; i < k; i++) {
            if (how & UNDER)
                *(b - 1 - i) = 0xee;
            else
                b[n + i] = 0xee;
        }
    }
    committed();
    int corrupt = 0;
    for (size_t i = 0; i < count && !corrupt; i++)
        if (i != vi && !intact(live.v[i].p, n, (unsigned)live.v[i].n)) {
            say("%s: the neighbour at %p (%+td bytes from the block) changed\n", case_name,
                (void *)live.v[i].p, live.v[i].p - v);
            corrupt = 1;
        }
    if (corrupt) say("%s: effect seen before the frees\n", case_name);
    m_free(v);
    for (size_t i = 0; i < count; i++)
        if (i != vi) m_free(live.v[i].p);
    spray(&l, n, spray_count(n));
    if (bl_overlap(&l)) verdict(EFFECT, "later mallocs handed out overlapping blocks");
    if (corrupt) verdict(EFFECT, "a neighbouring block was corrupted");
    verdict(NO_EFFECT, "neighbours intact, nothing handed out twice");
}

static int of_direct(size_t n, size_t k)
{
    return overflow(n, k, OVER);
}

static int of_memcpy(size_t n, size_t k)
{
    return overflow(n, k, OVER | VIA_MEMCPY);
}

static int uf_direct(size_t n, size_t k)
{
    return overflow(n, k, UNDER);
}

static int uf_memcpy(size_t n, size_t k)
{
    return overflow(n, k, UNDER | VIA_MEMCPY);
}

/* ---- use after free, zeroing ---- */

/* Read after free: the program's data, read back through the dangling pointer. */
static int raf(size_t n, size_t k)
{
    (void)k;
    char *p = xmalloc(n);
    pfill(p, n, 0, PAT_SECRET, 0);
    m_free(p);
    committed();
    if (visible(p, n, data_lo(n), PAT_SECRET))
        verdict(EFFECT, "the freed block still holds its data");
    verdict(NO_EFFECT, "the freed block's data is gone");
}

/* A freed block's data in the blocks later mallocs of its size return (uninitialised reads). */
static int reuse_dirty(size_t n, size_t k)
{
    (void)k;
    struct blist l;
    bl_init(&l, spray_cap(n));
    char *p = xmalloc(n);
    pfill(p, n, 0, PAT_SECRET, 0);
    m_free(p);
    size_t count = spray_count(n), same = 0;
    for (size_t i = 0; i < count; i++) {
        char *q = xmalloc(n);
        bl_add(&l, q, n);
        same += q == p;
        if (visible(q, n, data_lo(n), PAT_SECRET))
            verdict(EFFECT, "malloc returned a block holding a freed block's data");
    }
    say("%s: the freed block came back %s\n", case_name, same ? "(not cleared)" : "never");
    verdict(NO_EFFECT, "no new block holds the old data");
}

/* Write after free: bytes written through a dangling pointer, in a block malloc returns later. */
static int uaf_write(size_t n, size_t k)
{
    (void)k;
    struct blist l;
    bl_init(&l, spray_cap(n));
    char *p = xmalloc(n);
    m_free(p);
    pfill(p, n, data_lo(n), PAT_MARK, 0);
    committed();
    size_t count = spray_count(n);
    for (size_t i = 0; i < count; i++) {
        char *q = xmalloc(n);
        bl_add(&l, q, n);
        if (visible(q, n, data_lo(n), PAT_MARK))
            verdict(EFFECT, "a write after free reached a block malloc handed out");
    }
    verdict(NO_EFFECT, "no new block shows the write");
}

static _Alignas(4096) unsigned char poison_target[64 * KiB];

/* Free-list poisoning: two blocks freed, the address of a global written over the first word of
 * the one freed last; does a later malloc return the global? */
static int uaf_poison(size_t n, size_t k)
{
    (void)k;
    struct blist l;
    bl_init(&l, spray_cap(n));
    zero(poison_target, sizeof poison_target);
    char *a = xmalloc(n), *p = xmalloc(n);
    m_free(a);
    m_free(p);
    *(void *volatile *)p = poison_target + 32 * KiB;
    committed();
    for (size_t i = 0; i < spray_count(n); i++) {
        char *q = xmalloc(n);
        bl_add(&l, q, n);
        if (q >= (char *)poison_target && q < (char *)poison_target + sizeof poison_target)
            verdict(EFFECT, "malloc returned the address planted in a free block");
    }
    verdict(NO_EFFECT, "the planted address was never returned");
}

/* ---- malloc(0) ---- */

enum { ZTRIPLES = 32 };

/* malloc(0) blocks between live 8- and 16-byte blocks: k bytes written into one. */
static int zero_write(size_t n, size_t k)
{
    (void)n;
    struct blist l;
    bl_init(&l, spray_cap(16) * 2);
    char *z[ZTRIPLES], *e8[ZTRIPLES], *e16[ZTRIPLES];
    for (int i = 0; i < ZTRIPLES; i++) {
        z[i] = m_malloc(0);
        e8[i] = xmalloc(8);
        e16[i] = xmalloc(16);
        pfill(e8[i], 8, 0, PAT_LIVE, (unsigned)i);
        pfill(e16[i], 16, 0, PAT_LIVE, (unsigned)i + 100);
    }
    char *v = z[ZTRIPLES / 2];
    if (!v) verdict(NO_EFFECT, "malloc(0) returned NULL");
    volatile unsigned char *b = (volatile unsigned char *)v;
    for (size_t i = 0; i < k; i++)
        b[i] = 0xee;
    committed();
    int corrupt = 0;
    for (int i = 0; i < ZTRIPLES; i++)
        corrupt |= !intact(e8[i], 8, (unsigned)i) || !intact(e16[i], 16, (unsigned)i + 100);
    if (corrupt) say("%s: effect seen before the frees\n", case_name);
    for (int i = 0; i < ZTRIPLES; i++) {
        m_free(z[i]);
        m_free(e8[i]);
        m_free(e16[i]);
    }
    spray(&l, 8, spray_count(16));
    spray(&l, 16, spray_count(16));
    if (bl_overlap(&l)) verdict(EFFECT, "later mallocs handed out overlapping blocks");
    if (corrupt) verdict(EFFECT, "a neighbouring block was corrupted");
    verdict(NO_EFFECT, "neighbours intact");
}

/* Reading 64 bytes of a malloc(0) block between blocks holding a secret: is the secret seen? */
static int zero_read_neighbor(size_t n, size_t k)
{
    (void)n;
    (void)k;
    char *z[ZTRIPLES], *s[ZTRIPLES];
    for (int i = 0; i < ZTRIPLES; i++) {
        z[i] = m_malloc(0);
        s[i] = xmalloc(16);
        pfill(s[i], 16, 0, PAT_SECRET, 0);
    }
    const volatile unsigned char *b = (const volatile unsigned char *)z[ZTRIPLES / 2];
    if (!b) verdict(NO_EFFECT, "malloc(0) returned NULL");
    unsigned char got[64];
    for (int i = 0; i < 64; i++)
        got[i] = b[i];
    committed();
    for (int t = 0; t + 8 <= 64; t++)
        for (int j = 0; j + 8 <= 16; j++) {
            int same = 1;
            for (int x = 0; x < 8 && same; x++)
                same = got[t + x] == pbyte(PAT_SECRET, 0, (size_t)(j + x));
            if (same) verdict(EFFECT, "a read of a malloc(0) block showed a neighbour's data");
        }
    verdict(NO_EFFECT, "no neighbour's data seen");
}

/* A freed 16-byte block holding a secret, then malloc(0): does it read back the secret? */
static int zero_read_stale(size_t n, size_t k)
{
    (void)n;
    (void)k;
    char *s = xmalloc(16);
    pfill(s, 16, 0, PAT_SECRET, 0);
    m_free(s);
    const volatile unsigned char *b = (const volatile unsigned char *)m_malloc(0);
    if (!b) verdict(NO_EFFECT, "malloc(0) returned NULL");
    int hits = 0;
    for (size_t i = 0; i < 16; i++)
        hits += b[i] == pbyte(PAT_SECRET, 0, i);
    if (hits >= 6) verdict(EFFECT, "malloc(0) returned a block showing freed data");
    verdict(NO_EFFECT, "no freed data seen");
}

/* ---- the cases ---- */

typedef int (*case_fn)(size_t n, size_t k);

struct mcase {
    const char *name;
    case_fn fn;
    size_t n, k;
};

static const struct mcase cases[] = {
    /* double free, immediate */
    {"df_imm_16", df_imm, 16, 0},
    {"df_imm_32", df_imm, 32, 0},
    {"df_imm_64", df_imm, 64, 0},
    {"df_imm_128", df_imm, 128, 0},
    {"df_imm_2k", df_imm, 2 * KiB, 0},
    {"df_imm_4k", df_imm, 4 * KiB, 0},
    {"df_imm_8k", df_imm, 8 * KiB, 0},
    {"df_imm_16k", df_imm, 16 * KiB, 0},
    {"df_imm_64k", df_imm, 64 * KiB, 0},
    {"df_imm_512k", df_imm, 512 * KiB, 0},
    {"df_imm_2m", df_imm, 2 * MiB, 0},
    {"df_imm_8m", df_imm, 8 * MiB, 0},
    /* double free with 16 other frees of the size in between */
    {"df_delayed_16", df_delayed, 16, 0},
    {"df_delayed_64", df_delayed, 64, 0},
    {"df_delayed_128", df_delayed, 128, 0},
    {"df_delayed_4k", df_delayed, 4 * KiB, 0},
    {"df_delayed_8k", df_delayed, 8 * KiB, 0},
    {"df_delayed_64k", df_delayed, 64 * KiB, 0},
    {"df_delayed_512k", df_delayed, 512 * KiB, 0},
    {"df_delayed_2m", df_delayed, 2 * MiB, 0},
    /* free(a); free(b); free(a) */
    {"df_interleaved_16", df_interleaved, 16, 0},
    {"df_interleaved_128", df_interleaved, 128, 0},
    {"df_interleaved_4k", df_interleaved, 4 * KiB, 0},
    {"df_interleaved_64k", df_interleaved, 64 * KiB, 0},
    {"df_interleaved_2m", df_interleaved, 2 * MiB, 0},
    /* double free after the block was handed out again */
    {"df_reused_32", df_reused, 32, 0},
    {"df_reused_4k", df_reused, 4 * KiB, 0},
    {"df_reused_64k", df_reused, 64 * KiB, 0},
    {"df_reused_2m", df_reused, 2 * MiB, 0},
    /* freed, then freed again by another thread */
    {"df_thread_16", df_thread, 16, 0},
    {"df_thread_128", df_thread, 128, 0},
    {"df_thread_4k", df_thread, 4 * KiB, 0},
    {"df_thread_64k", df_thread, 64 * KiB, 0},
    {"df_thread_2m", df_thread, 2 * MiB, 0},
    /* frees of memory the allocator never handed out */
    {"free_stack", free_stack, 0, 0},
    {"free_alloca", free_alloca, 0, 0},
    {"free_global", free_global, 0, 0},
    {"free_mmap", free_mmap, 0, 0},
    {"free_unmapped", free_unmapped, 0, 0},
    {"free_low", free_low, 0, 0},
    /* a pointer just past a block's end */
    {"free_past_end_64", free_past_end, 64, 0},
    {"free_past_end_4k", free_past_end, 4 * KiB, 0},
    {"free_past_end_64k", free_past_end, 64 * KiB, 0},
    {"free_past_end_2m", free_past_end, 2 * MiB, 0},
    /* interior pointers p + 1, p + 8, p + 16 (unaligned, 8-aligned, 16-aligned) */
    {"free_interior1_64", free_interior, 64, 1},
    {"free_interior8_64", free_interior, 64, 8},
    {"free_interior16_64", free_interior, 64, 16},
    {"free_interior1_4k", free_interior, 4 * KiB, 1},
    {"free_interior8_4k", free_interior, 4 * KiB, 8},
    {"free_interior16_4k", free_interior, 4 * KiB, 16},
    {"free_interior1_64k", free_interior, 64 * KiB, 1},
    {"free_interior8_64k", free_interior, 64 * KiB, 8},
    {"free_interior16_64k", free_interior, 64 * KiB, 16},
    {"free_interior1_2m", free_interior, 2 * MiB, 1},
    {"free_interior8_2m", free_interior, 2 * MiB, 8},
    {"free_interior16_2m", free_interior, 2 * MiB, 16},
    /* a page-aligned interior pointer p + 4096 */
    {"free_interior4096_64k", free_interior, 64 * KiB, 4096},
    {"free_interior4096_2m", free_interior, 2 * MiB, 4096},
    /* a pointer 16 bytes before a block */
    {"free_before16_64", free_before, 64, 16},
    {"free_before16_4k", free_before, 4 * KiB, 16},
    /* overflows past the requested size, written directly */
    {"of1_16", of_direct, 16, 1},
    {"of1_64", of_direct, 64, 1},
    {"of1_4k", of_direct, 4 * KiB, 1},
    {"of1_64k", of_direct, 64 * KiB, 1},
    {"of1_2m", of_direct, 2 * MiB, 1},
    {"of32_16", of_direct, 16, 32},
    {"of32_64", of_direct, 64, 32},
    {"of32_4k", of_direct, 4 * KiB, 32},
    {"of32_64k", of_direct, 64 * KiB, 32},
    {"of32_2m", of_direct, 2 * MiB, 32},
    {"of1m_64", of_direct, 64, MiB},
    {"of1m_4k", of_direct, 4 * KiB, MiB},
    {"of1m_2m", of_direct, 2 * MiB, MiB},
    /* overflows by a memcpy too long */
    {"ofcpy1_64", of_memcpy, 64, 1},
    {"ofcpy32_64", of_memcpy, 64, 32},
    {"ofcpy32_4k", of_memcpy, 4 * KiB, 32},
    {"ofcpy32_64k", of_memcpy, 64 * KiB, 32},
    {"ofcpy1m_64", of_memcpy, 64, MiB},
    /* underflows before the block's start */
    {"uf1_64", uf_direct, 64, 1},
    {"uf1_4k", uf_direct, 4 * KiB, 1},
    {"uf1_64k", uf_direct, 64 * KiB, 1},
    {"uf1_2m", uf_direct, 2 * MiB, 1},
    {"uf32_64", uf_direct, 64, 32},
    {"uf32_4k", uf_direct, 4 * KiB, 32},
    {"uf32_64k", uf_direct, 64 * KiB, 32},
    {"uf32_2m", uf_direct, 2 * MiB, 32},
    {"uf1m_64", uf_direct, 64, MiB},
    {"ufcpy32_64", uf_memcpy, 64, 32},
    /* read after free: old data visible through the dangling pointer */
    {"raf_16", raf, 16, 0},
    {"raf_64", raf, 64, 0},
    {"raf_4k", raf, 4 * KiB, 0},
    {"raf_64k", raf, 64 * KiB, 0},
    {"raf_2m", raf, 2 * MiB, 0},
    /* malloc'd memory of a reused block shows the old owner's data */
    {"reuse_dirty_16", reuse_dirty, 16, 0},
    {"reuse_dirty_64", reuse_dirty, 64, 0},
    {"reuse_dirty_4k", reuse_dirty, 4 * KiB, 0},
    {"reuse_dirty_64k", reuse_dirty, 64 * KiB, 0},
    {"reuse_dirty_2m", reuse_dirty, 2 * MiB, 0},
    /* write after free: the write shows in a later malloc's block */
    {"uaf_write_16", uaf_write, 16, 0},
    {"uaf_write_64", uaf_write, 64, 0},
    {"uaf_write_4k", uaf_write, 4 * KiB, 0},
    {"uaf_write_64k", uaf_write, 64 * KiB, 0},
    {"uaf_write_2m", uaf_write, 2 * MiB, 0},
    /* write after free of a planted address: free-list poisoning */
    {"uaf_poison_16", uaf_poison, 16, 0},
    {"uaf_poison_64", uaf_poison, 64, 0},
    {"uaf_poison_128", uaf_poison, 128, 0},
    {"uaf_poison_4k", uaf_poison, 4 * KiB, 0},
    /* malloc(0) blocks written and read */
    {"zero_write1", zero_write, 0, 1},
    {"zero_write32", zero_write, 0, 32},
    {"zero_read_neighbor", zero_read_neighbor, 0, 0},
    {"zero_read_stale", zero_read_stale, 0, 0},
};

#define NCASES (sizeof cases / sizeof cases[0])

static void usage(FILE *f)
{
    fprintf(f,
            "usage: misuse CASE | --list | --help\n"
            "Commits one heap misuse (CASE) and exits 0 when it had no observable effect, 3\n"
            "when it had one (corruption, a block handed out twice, old data seen); a signal\n"
            "means the allocator stopped it. 1: setup failed, 2: usage. --list: the %zu cases.\n",
            NCASES);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        usage(stderr);
        return USAGE;
    }
    if (strcmp(argv[1], "--help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--list") == 0) {
        for (size_t i = 0; i < NCASES; i++)
            printf("%s\n", cases[i].name);
        return 0;
    }
    for (size_t i = 0; i < NCASES; i++)
        if (strcmp(argv[1], cases[i].name) == 0) {
            case_name = cases[i].name;
            return cases[i].fn(cases[i].n, cases[i].k);
        }
    fprintf(stderr, "misuse: unknown case '%s' (misuse --list names them)\n", argv[1]);
    return USAGE;
}
