/* producer_consumer: P threads allocate, C other threads free everything, so every free is a
 * remote free (a block freed by a thread that did not allocate it). Producers stamp each block
 * with a pattern and pass blocks in batches of 64 through a bounded channel (a fixed pool of
 * batch records; only batch indices move under the lock, so the channel costs one lock
 * round-trip per 64 items); consumers verify each block and free it. The channel's bound keeps
 * the number of blocks in flight, and so memory, fixed. */
#include "wl_cli.h"
#include "wl_pattern.h"
#include "wl_result.h"
#include "wl_rng.h"
#include "wl_sys.h"
#include "wl_time.h"

#include <pthread.h>
#include <stdalign.h>
#include <stdlib.h>

static const char usage[] =
    "usage: producer_consumer [--producers P] [--consumers C] [--items N] [--min B] [--max B]\n"
    "                         [--seed S]\n"
    "\n"
    "P producer threads allocate N blocks in total (random sizes in [--min, --max]); C consumer\n"
    "threads verify and free every one of them (pure cross-thread frees).\n"
    "\n"
    "  --producers P   allocating threads, 1 to 256 (default 1)\n"
    "  --consumers C   freeing threads, 1 to 256 (default 1)\n"
    "  --items N       blocks in total (default 10000000)\n"
    "  --min B         smallest size in bytes (default 16)\n"
    "  --max B         largest size in bytes, inclusive (default 512)\n"
    "  --seed S        random seed (default 1)\n"
    "  --help          this text\n"
    "\n"
    "ops = items. RESULT fields: producers consumers items min_size max_size seed bytes.\n"
    "Exit: 0 ok, 2 bad arguments or could not run, 3 corrupted memory detected.\n";

#define BATCH 64

typedef struct {
    int count;
    void *p[BATCH];
    uint32_t size[BATCH];
    uint64_t tag[BATCH];
} batch;

/* The channel: batches cycle free stack -> producer -> full queue -> consumer -> free stack. */
static struct {
    pthread_mutex_t lock;
    pthread_cond_t has_free, has_full;
    batch *pool;
    int *free_stack, nfree;
    int *full_ring, full_head, nfull, cap;
    int producers_left;
} ch = {.lock = PTHREAD_MUTEX_INITIALIZER,
        .has_free = PTHREAD_COND_INITIALIZER,
        .has_full = PTHREAD_COND_INITIALIZER};

typedef struct {
    alignas(64) int id;
    uint64_t items, seed, min, max, bytes;
} producer;

static int take_free(void)
{
    pthread_mutex_lock(&ch.lock);
    while (ch.nfree == 0)
        pthread_cond_wait(&ch.has_free, &ch.lock);
    int b = ch.free_stack[--ch.nfree];
    pthread_mutex_unlock(&ch.lock);
    return b;
}

static void put_full(int b)
{
    pthread_mutex_lock(&ch.lock);
    ch.full_ring[(ch.full_head + ch.nfull++) % ch.cap] = b;
    pthread_cond_signal(&ch.has_full);
    pthread_mutex_unlock(&ch.lock);
}

/* Returns a full batch, or -1 when every producer is done and the queue is empty. */
static int take_full(void)
{
    pthread_mutex_lock(&ch.lock);
    while (ch.nfull == 0 && ch.producers_left > 0)
        pthread_cond_wait(&ch.has_full, &ch.lock);
    int b = -1;
    if (ch.nfull > 0) {
        b = ch.full_ring[ch.full_head];
        ch.full_head = (ch.full_head + 1) % ch.cap;
        ch.nfull--;
    }
    pthread_mutex_unlock(&ch.lock);
    return b;
}

static void put_free(int b)
{
    pthread_mutex_lock(&ch.lock);
    ch.free_stack[ch.nfree++] = b;
    pthread_cond_signal(&ch.has_free);
    pthread_mutex_unlock(&ch.lock);
}

static void *produce(void *arg)
{
    producer *pr = arg;
    wl_rng rng;
    wl_rng_seed(&rng, pr->seed, (uint64_t)pr->id + 1);
    uint64_t made = 0;
    while (made < pr->items) {
        batch *bt;
        int b = take_free();
        bt = &ch.pool[b];
        bt->count = 0;
        while (bt->count < BATCH && made < pr->items) {
            uint64_t size = wl_rng_range(&rng, pr->min, pr->max);
            void *p = malloc(size);
            if (!p) wl_alloc_failed("malloc", size);
            uint64_t tag = ((uint64_t)pr->id << 40) | ++made;
            wl_fill(p, size, tag);
            bt->p[bt->count] = p;
            bt->size[bt->count] = (uint32_t)size;
            bt->tag[bt->count] = tag;
            bt->count++;
            pr->bytes += size;
        }
        put_full(b);
    }
    pthread_mutex_lock(&ch.lock);
    if (--ch.producers_left == 0) pthread_cond_broadcast(&ch.has_full);
    pthread_mutex_unlock(&ch.lock);
    return NULL;
}

static void *consume(void *arg)
{
    (void)arg;
    int b;
    while ((b = take_full()) >= 0) {
        batch *bt = &ch.pool[b];
        for (int i = 0; i < bt->count; i++) {
            wl_verify(bt->p[i], bt->size[i], bt->tag[i]);
            free(bt->p[i]);
        }
        put_free(b);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    wl_cli_init("producer_consumer", usage);
    uint64_t np = 1, nc = 1, items = 10000000, min = 16, max = 512, seed = 1;
    const wl_option opts[] = {
        {"producers", WL_OPT_U64, &np, 1, WL_MAX_THREADS},
        {"consumers", WL_OPT_U64, &nc, 1, WL_MAX_THREADS},
        {"items", WL_OPT_U64, &items, 1, (uint64_t)1 << 40},
        {"min", WL_OPT_SIZE, &min, 1, UINT32_MAX},
        {"max", WL_OPT_SIZE, &max, 1, UINT32_MAX},
        WL_OPT_SEED(&seed),
    };
    wl_parse_options(argc, argv, opts, sizeof opts / sizeof opts[0]);
    wl_check_min_max("--min", min, "--max", max);
    if (np + nc > WL_MAX_THREADS)
        wl_usage_error("--producers + --consumers = %llu threads, more than the limit of %d",
                       (unsigned long long)(np + nc), WL_MAX_THREADS);

    /* Enough batches that neither side waits for the other in the steady state. */
    ch.cap = (int)(16 * (np + nc));
    ch.pool = wl_xcalloc((size_t)ch.cap, sizeof *ch.pool);
    ch.free_stack = wl_xcalloc((size_t)ch.cap, sizeof *ch.free_stack);
    ch.full_ring = wl_xcalloc((size_t)ch.cap, sizeof *ch.full_ring);
    for (int i = 0; i < ch.cap; i++)
        ch.free_stack[ch.nfree++] = i;
    ch.producers_left = (int)np;

    producer *prod = aligned_alloc(64, sizeof *prod * np);
    if (!prod) wl_alloc_failed("aligned_alloc", sizeof *prod * np);
    pthread_t *tids = wl_xcalloc(np + nc, sizeof *tids);

    double start = wl_now();
    for (uint64_t i = 0; i < np; i++) {
        prod[i] = (producer){.id = (int)i,
                             .items = items / np + (i < items % np),
                             .seed = seed,
                             .min = min,
                             .max = max};
        wl_thread_start(&tids[i], produce, &prod[i]);
    }
    for (uint64_t i = 0; i < nc; i++)
        wl_thread_start(&tids[np + i], consume, NULL);
    for (uint64_t i = 0; i < np + nc; i++)
        wl_thread_join(tids[i]);
    double seconds = wl_now() - start;

    uint64_t bytes = 0;
    for (uint64_t i = 0; i < np; i++)
        bytes += prod[i].bytes;
    free(tids);
    free(prod);
    free(ch.full_ring);
    free(ch.free_stack);
    free(ch.pool);
    wl_result("producer_consumer", items, seconds,
              " producers=%llu consumers=%llu items=%llu min_size=%llu max_size=%llu seed=%llu"
              " bytes=%llu",
              (unsigned long long)np, (unsigned long long)nc, (unsigned long long)items,
              (unsigned long long)min, (unsigned long long)max, (unsigned long long)seed,
              (unsigned long long)bytes);
    return WL_EXIT_OK;
}
