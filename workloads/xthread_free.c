/* xthread_free: the pattern of Lever & Boreham's xmalloc-test ("malloc() Performance in a
 * Multithreaded Linux Environment", USENIX 2000; mimalloc-bench's xmalloc-testN): W allocator
 * threads fill batches of 4096 small blocks (64 bytes by default) and push them on one shared
 * stack of at most 100 batches; W releaser threads pop batches and free every block in them.
 * Every free is a remote free of a block another thread allocated moments ago, allocation and
 * freeing are balanced by the bounded stack, and the batch record itself (about 48 KiB) is
 * allocated by one thread and freed by another too.
 *
 * Time-bounded like the original (--seconds): ops = blocks freed by the releasers until the
 * stop, seconds = from the first thread start to the last join, so ops/s is the free rate over
 * the fixed duration. --batches N is the fixed-work mode instead: exactly N batches are
 * allocated and freed (ops = N x 4096), and seconds is the time that takes.
 * Blocks are stamped with their tag's pattern by the allocator thread and verified by the
 * releaser before the free; batches still on the stack at the end are verified and freed
 * after the measurement. */
#include "wl_cli.h"
#include "wl_pattern.h"
#include "wl_result.h"
#include "wl_rng.h"
#include "wl_sys.h"
#include "wl_time.h"

#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

static const char usage[] =
    "usage: xthread_free [--workers W] [--size B] [--seconds S] [--batches N] [--seed S]\n"
    "\n"
    "xmalloc-test's pattern: W threads allocate batches of 4096 blocks and push them on a\n"
    "shared stack (at most 100 batches); W other threads pop them and free every block.\n"
    "\n"
    "  --workers W    allocator threads, and as many releaser threads, 1 to 128 (default 2)\n"
    "  --size B       block size, 1 to 64K (default 64); 0: sizes 8-2048 bytes at random\n"
    "                 from xmalloc-test's list\n"
    "  --seconds S    run time, fractions allowed (default 1)\n"
    "  --batches N    fixed work instead of a fixed time: exactly N batches (default 0: off)\n"
    "  --seed S       random seed of the mixed sizes (default 1)\n"
    "  --help         this text\n"
    "\n"
    "ops = blocks freed by the releaser threads. RESULT fields: workers size batches seed\n"
    "run_seconds batches_freed left_over.\n"
    "Exit: 0 ok, 2 bad arguments or could not run, 3 corrupted memory detected.\n";

#define BATCH_BLOCKS 4096
#define STACK_LIMIT 100

/* xmalloc-test's sizes for its mixed mode. */
static const uint32_t mixed_sizes[] = {8,   12,  16,  24,  32,  48,   64,   96,  128,
                                       192, 256, 384, 512, 768, 1024, 1536, 2048};
#define N_MIXED (sizeof mixed_sizes / sizeof mixed_sizes[0])

typedef struct batch {
    struct batch *next;
    uint64_t tag; /* block i carries tag + i */
    void *blocks[BATCH_BLOCKS];
    uint32_t sizes[BATCH_BLOCKS];
} batch;

static struct {
    pthread_mutex_t lock;
    pthread_cond_t not_empty, not_full;
    batch *top;
    uint64_t count;
    bool stop;          /* time is up, or (fixed work) every batch has been pushed */
    uint64_t remaining; /* fixed work: batches not yet taken by an allocator thread */
    uint64_t pushed;
    uint64_t total; /* fixed work: the batches of the run (0: timed) */
} stack = {.lock = PTHREAD_MUTEX_INITIALIZER,
           .not_empty = PTHREAD_COND_INITIALIZER,
           .not_full = PTHREAD_COND_INITIALIZER};

static atomic_bool time_up;
/* --batches given: fixed work instead of a fixed time. */
static bool fixed_work;

typedef struct {
    alignas(64) uint64_t index, size, seed;
    uint64_t freed, batches_freed; /* releasers: written by the thread only */
} worker;

static bool stopping(void)
{
    return atomic_load_explicit(&time_up, memory_order_relaxed);
}

/* Fixed work: takes one batch of the quota; false when none is left (or the time is up). */
static bool take_quota(void)
{
    if (!fixed_work) return !stopping();
    pthread_mutex_lock(&stack.lock);
    bool ok = stack.remaining > 0;
    if (ok) stack.remaining--;
    pthread_mutex_unlock(&stack.lock);
    return ok;
}

/* Pushes b, waiting while the stack is full. In fixed-work mode the last batch ends the run. */
static void push(batch *b)
{
    pthread_mutex_lock(&stack.lock);
    while (stack.count >= STACK_LIMIT && !stack.stop)
        pthread_cond_wait(&stack.not_full, &stack.lock);
    b->next = stack.top;
    stack.top = b;
    stack.count++;
    if (++stack.pushed == stack.total) {
        stack.stop = true;
        pthread_cond_broadcast(&stack.not_empty);
    } else {
        pthread_cond_signal(&stack.not_empty);
    }
    pthread_mutex_unlock(&stack.lock);
}

/* The next batch, or NULL once the run is over: in fixed-work mode after the last batch, in
 * timed mode as soon as the time is up (the rest is freed after the measurement). */
static batch *pop(void)
{
    pthread_mutex_lock(&stack.lock);
    while (!stack.top && !stack.stop)
        pthread_cond_wait(&stack.not_empty, &stack.lock);
    batch *b = fixed_work || !stack.stop ? stack.top : NULL;
    if (b) {
        stack.top = b->next;
        stack.count--;
        pthread_cond_signal(&stack.not_full);
    }
    pthread_mutex_unlock(&stack.lock);
    return b;
}

static void *allocator(void *arg)
{
    worker *w = arg;
    wl_rng rng;
    wl_rng_seed(&rng, w->seed, w->index + 1);
    uint64_t seq = 0;
    while (take_quota()) {
        batch *b = malloc(sizeof *b);
        if (!b) wl_alloc_failed("malloc", sizeof *b);
        b->tag = ((w->index + 1) << 48) | (++seq << 12);
        for (uint64_t i = 0; i < BATCH_BLOCKS; i++) {
            uint32_t size = w->size ? (uint32_t)w->size : mixed_sizes[wl_rng_below(&rng, N_MIXED)];
            void *p = malloc(size);
            if (!p) wl_alloc_failed("malloc", size);
            wl_fill(p, size, b->tag + i);
            b->blocks[i] = p;
            b->sizes[i] = size;
        }
        push(b);
    }
    return NULL;
}

static void free_batch(batch *b)
{
    for (uint64_t i = 0; i < BATCH_BLOCKS; i++) {
        wl_verify(b->blocks[i], b->sizes[i], b->tag + i);
        free(b->blocks[i]);
    }
    free(b);
}

static void *releaser(void *arg)
{
    worker *w = arg;
    batch *b;
    while ((b = pop())) {
        free_batch(b);
        w->freed += BATCH_BLOCKS;
        w->batches_freed++;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    wl_cli_init("xthread_free", usage);
    uint64_t nworkers = 2, size = 64, run_us = 1000000, nbatches = 0, seed = 1;
    const wl_option opts[] = {
        {"workers", WL_OPT_U64, &nworkers, 1, WL_MAX_THREADS / 2},
        {"size", WL_OPT_SIZE, &size, 0, 64 * 1024},
        {"seconds", WL_OPT_SECONDS, &run_us, 1000, 3600 * 1000000ull},
        {"batches", WL_OPT_U64, &nbatches, 0, (uint64_t)1 << 32},
        WL_OPT_SEED(&seed),
    };
    wl_parse_options(argc, argv, opts, sizeof opts / sizeof opts[0]);
    fixed_work = nbatches > 0;
    stack.remaining = stack.total = nbatches;

    worker *workers = aligned_alloc(64, sizeof(worker) * 2 * nworkers);
    if (!workers) wl_alloc_failed("aligned_alloc", sizeof(worker) * 2 * nworkers);
    pthread_t *tids = wl_xcalloc(2 * nworkers, sizeof *tids);

    double start = wl_now();
    for (uint64_t i = 0; i < 2 * nworkers; i++) {
        workers[i] = (worker){.index = i, .size = size, .seed = seed};
        wl_thread_start(&tids[i], i < nworkers ? allocator : releaser, &workers[i]);
    }
    if (!fixed_work) {
        wl_sleep((double)run_us / 1e6);
        atomic_store(&time_up, true);
        pthread_mutex_lock(&stack.lock);
        stack.stop = true;
        pthread_cond_broadcast(&stack.not_empty);
        pthread_cond_broadcast(&stack.not_full);
        pthread_mutex_unlock(&stack.lock);
    }
    for (uint64_t i = 0; i < 2 * nworkers; i++)
        wl_thread_join(tids[i]);
    double seconds = wl_now() - start;

    uint64_t freed = 0, batches_freed = 0, left_over = 0;
    for (uint64_t i = nworkers; i < 2 * nworkers; i++) {
        freed += workers[i].freed;
        batches_freed += workers[i].batches_freed;
    }
    for (batch *b = stack.top, *next; b; b = next) {
        next = b->next;
        free_batch(b);
        left_over++;
    }
    free(workers);
    free(tids);
    wl_result("xthread_free", freed, seconds,
              " workers=%llu size=%llu batches=%llu seed=%llu run_seconds=%.6f"
              " batches_freed=%llu left_over=%llu",
              (unsigned long long)nworkers, (unsigned long long)size, (unsigned long long)nbatches,
              (unsigned long long)seed, fixed_work ? seconds : (double)run_us / 1e6,
              (unsigned long long)batches_freed, (unsigned long long)left_over);
    return WL_EXIT_OK;
}
