/* Multithreaded stress: worker threads allocate blocks of every tier, fill each with a pattern
 * derived from (owner, size, seq), and swap them into a shared exchange of mutex-guarded slots;
 * the block a thread takes out (usually another thread's, often a dead thread's) is verified and
 * freed (sometimes after a realloc). Workers are created and joined on a rolling basis, so slabs of
 * exited threads must be taken over (their heaps reused) and remote frees to them drained. Ends
 * with every block verified and freed; linked with hakmem (-DT_LINKS_HAKMEM) and counters compiled
 * in, the counters must also show that remote frees and heap reuse really happened. Usage:
 * test_stress_mt [SCALE]   (SCALE multiplies the thread count; default 1) Exit 0 on success, 1 on a
 * corrupted block or a failed allocation. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "t_alloc.h"

#define SLOTS 512
#define LOCAL_BLOCKS 16
#define CONCURRENT 4
/* A few seconds per flavor on 2 cores; TSan costs about 10x, ASan about 5x. */
#if defined(__SANITIZE_THREAD__)
#define THREADS_TOTAL 16
#define OPS_PER_THREAD 2000
#elif T_SANITIZED
#define THREADS_TOTAL 24
#define OPS_PER_THREAD 4000
#else
#define THREADS_TOTAL 48
#define OPS_PER_THREAD 15000
#endif

struct block {
    unsigned char *p;
    size_t size;
    uint64_t owner;
    uint64_t seq;
};

struct slot {
    pthread_mutex_t lock;
    struct block b;
};

static struct slot exchange[SLOTS];
static atomic_ulong allocated, freed, errors;

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Mostly tiny, some mid classes and page runs, a few large: all tiers and their boundaries
 * get traffic. */
static size_t pick_size(uint64_t r)
{
    unsigned pct = (unsigned)(r % 1000);
    r /= 1000;
    if (pct < 800) return 1 + r % T_TINY_MAX;
    if (pct < 900) return T_TINY_MAX + 1 + r % (T_MID_MAX - T_TINY_MAX + 1);
    if (pct < 970) return T_MID_MAX - 8 + r % (64 * 1024);
    if (pct < 995) return 64 * 1024 + r % (T_SPAN_MAX - 64 * 1024 + 2);
    return T_SPAN_MAX + 1 + r % (1024 * 1024);
}

static void report(const char *what, const struct block *b, size_t offset)
{
    if (atomic_fetch_add(&errors, 1) < 10)
        fprintf(stderr, "%s: block %p size %zu owner %llu seq %llu, byte %zu\n", what, (void *)b->p,
                b->size, (unsigned long long)b->owner, (unsigned long long)b->seq, offset);
}

/* Allocates through one of the entry points, chosen by r. */
static void *allocate(size_t size, uint64_t r)
{
    switch (r % 10) {
    case 0: {
        unsigned char *p = T_CALLOC(1, size);
        for (size_t i = 0; p != NULL && i < size; i++)
            if (p[i] != 0) {
                struct block b = {p, size, 0, 0};
                report("calloc returned non-zero memory", &b, i);
                break;
            }
        return p;
    }
    case 1: {
        void *p = T_MALLOC(size / 2 + 1);
        return p == NULL ? NULL : T_REALLOC(p, size);
    }
    case 2: {
        void *p = NULL;
        size_t align = (size_t)16 << (r / 10 % 9);
        return T_POSIX_MEMALIGN(&p, align, size) == 0 ? p : NULL;
    }
    default:
        return T_MALLOC(size);
    }
}

static int make_block(struct block *b, uint64_t owner, uint64_t seq, uint64_t *rng)
{
    b->size = pick_size(rng_next(rng));
    b->p = allocate(b->size, rng_next(rng));
    if (b->p == NULL) {
        fprintf(stderr, "allocation of %zu bytes failed (errno %d)\n", b->size, errno);
        atomic_fetch_add(&errors, 1);
        return -1;
    }
    atomic_fetch_add(&allocated, 1);
    b->owner = owner;
    b->seq = seq;
    t_pattern_fill(b->p, b->size, owner, b->size, seq);
    return 0;
}

static void retire_block(struct block *b)
{
    if (b->p == NULL) return;
    size_t bad = t_pattern_check(b->p, b->size, b->owner, b->size, b->seq);
    if (bad != (size_t)-1) report("corrupted block", b, bad);
    T_FREE(b->p);
    atomic_fetch_add(&freed, 1);
    b->p = NULL;
}

/* realloc of a block another (possibly exited) thread allocated: the prefix must survive, and
 * the block is then re-patterned under its new size. */
static void resize_block(struct block *b, uint64_t r)
{
    size_t bad = t_pattern_check(b->p, b->size, b->owner, b->size, b->seq);
    if (bad != (size_t)-1) {
        report("corrupted block before realloc", b, bad);
        return;
    }
    size_t to = pick_size(r);
    unsigned char *q = T_REALLOC(b->p, to);
    if (q == NULL) {
        report("realloc failed", b, to);
        return;
    }
    struct block moved = {q, to < b->size ? to : b->size, b->owner, b->seq};
    bad = t_pattern_check(q, moved.size, b->owner, b->size, b->seq);
    if (bad != (size_t)-1) report("realloc lost contents", &moved, bad);
    b->p = q;
    b->size = to;
    t_pattern_fill(q, to, b->owner, to, b->seq);
}

static void *worker(void *arg)
{
    uint64_t owner = (uint64_t)(uintptr_t)arg;
    uint64_t rng = 0x9E3779B97F4A7C15u * (owner + 1);
    struct block local[LOCAL_BLOCKS] = {0};
    for (uint64_t seq = 0; seq < OPS_PER_THREAD; seq++) {
        struct block b;
        if (make_block(&b, owner, seq, &rng) != 0) break;
        uint64_t r = rng_next(&rng);
        if (r % 4 == 0) {
            /* A block this thread frees itself, later. */
            struct block *l = &local[r / 4 % LOCAL_BLOCKS];
            retire_block(l);
            *l = b;
            continue;
        }
        struct slot *s = &exchange[r / 4 % SLOTS];
        pthread_mutex_lock(&s->lock);
        struct block old = s->b;
        s->b = b;
        pthread_mutex_unlock(&s->lock);
        if (old.p != NULL && r % 9 == 1) resize_block(&old, rng_next(&rng));
        retire_block(&old);
    }
    for (int i = 0; i < LOCAL_BLOCKS; i++)
        retire_block(&local[i]);
    return NULL;
}

int main(int argc, char **argv)
{
    double scale = argc > 1 ? atof(argv[1]) : 1.0;
    unsigned total = (unsigned)(THREADS_TOTAL * (scale > 0 ? scale : 1.0));
    for (int i = 0; i < SLOTS; i++)
        pthread_mutex_init(&exchange[i].lock, NULL);

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    /* Rolling generations: thread i replaces thread i - CONCURRENT, so threads die while others
     * still hold and free their blocks. */
    pthread_t running[CONCURRENT];
    for (unsigned i = 0; i < total; i++) {
        if (i >= CONCURRENT) pthread_join(running[i % CONCURRENT], NULL);
        if (pthread_create(&running[i % CONCURRENT], NULL, worker, (void *)(uintptr_t)i) != 0) {
            fprintf(stderr, "pthread_create failed\n");
            return 1;
        }
    }
    for (unsigned i = 0; i < CONCURRENT && i < total; i++)
        pthread_join(running[i], NULL);
    for (int i = 0; i < SLOTS; i++)
        retire_block(&exchange[i].b);
    clock_gettime(CLOCK_MONOTONIC, &t1);

    unsigned long a = atomic_load(&allocated), f = atomic_load(&freed);
    unsigned long e = atomic_load(&errors);
    printf("threads=%u ops=%lu seconds=%.2f allocated=%lu freed=%lu errors=%lu\n", total,
           (unsigned long)total * OPS_PER_THREAD,
           (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9, a, f, e);
    if (a != f) {
        fprintf(stderr, "allocated %lu blocks but freed %lu\n", a, f);
        return 1;
    }
#ifdef T_LINKS_HAKMEM
    hak_stats st;
    hak_stats_get(&st);
    printf("malloc_calls=%llu remote_frees_pushed=%llu remote_frees_drained=%llu "
           "heaps_reused=%llu\n",
           (unsigned long long)st.malloc_calls, (unsigned long long)st.remote_frees_pushed,
           (unsigned long long)st.remote_frees_drained, (unsigned long long)st.heaps_reused);
    if (st.malloc_calls == 0) {
        printf("counters are compiled out (HAKMEM_COUNTERS=0): remote frees and heap reuse not "
               "checked\n");
    } else if (st.remote_frees_pushed == 0 || st.heaps_reused == 0) {
        fprintf(stderr,
                "blocks of exited threads were freed remotely, yet remote_frees_pushed=%llu "
                "heaps_reused=%llu\n",
                (unsigned long long)st.remote_frees_pushed, (unsigned long long)st.heaps_reused);
        return 1;
    }
#endif
    return e == 0 ? 0 : 1;
}
