/* thread_churn: threads are created and destroyed all the time while their objects live on.
 * T slices of N objects each; slice t is worked by a succession of G threads (generations),
 * main starting the next thread of a slice as soon as it has joined the previous one, so
 * threads start and exit while the others run. Each thread
 *   1. verifies every object of its slice (allocated by threads that have since exited),
 *   2. frees a random half and allocates replacements, then churns N random slots more,
 *   3. swaps N/8 random objects with a shared exchange pool (so objects move to other live
 *      threads, whose later frees are remote),
 * and exits. Every object is pattern-checked whenever it changes hands and before its free. */
#include "wl_block.h"
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
    "usage: thread_churn [--threads T] [--generations G] [--objects N] [--seed S]\n"
    "\n"
    "T threads at a time; each slot is worked by G threads in turn (T x G threads in all).\n"
    "Each thread verifies the N objects it inherits, replaces half of them, churns N more\n"
    "random slots, swaps N/8 objects with a pool shared by all threads, and exits.\n"
    "Object sizes are random in 16-1024 bytes.\n"
    "\n"
    "  --threads T       threads at once, 1 to 256 (default 4)\n"
    "  --generations G   threads per slot over the run (default 700)\n"
    "  --objects N       objects per thread, 8 or more (default 1000)\n"
    "  --seed S          random seed (default 1)\n"
    "  --help            this text\n"
    "\n"
    "ops = allocations by the threads. RESULT fields: threads generations objects seed\n"
    "threads_created bytes.\n"
    "Exit: 0 ok, 2 bad arguments or could not run, 3 corrupted memory detected.\n";

#define MIN_SIZE 16
#define MAX_SIZE 1024

/* One slice and its current thread; padded so that counters never share a line. */
typedef struct {
    alignas(64) wl_block *objs;
    uint64_t n, seed, slice, generation;
    uint64_t allocs, bytes;
} slice;

static struct {
    pthread_mutex_t lock;
    wl_block *objs;
    uint64_t n;
} pool = {.lock = PTHREAD_MUTEX_INITIALIZER};

static inline uint64_t make_tag(uint64_t slice, uint64_t gen, uint64_t k)
{
    return (slice << 48) ^ (gen << 24) ^ k;
}

static void replace(wl_block *o, wl_rng *r, uint64_t tag, slice *s)
{
    wl_block_free(o);
    uint64_t size = wl_rng_range(r, MIN_SIZE, MAX_SIZE);
    wl_block_malloc(o, size, tag);
    s->allocs++;
    s->bytes += size;
}

static void *work(void *arg)
{
    slice *s = arg;
    wl_rng rng;
    wl_rng_seed(&rng, s->seed, (s->generation << 16) | (s->slice + 1));
    uint64_t k = 0;
    for (uint64_t i = 0; i < s->n; i++)
        wl_verify(s->objs[i].p, s->objs[i].size, s->objs[i].tag);
    for (uint64_t i = 0; i < s->n; i++)
        if (wl_rng_below(&rng, 2))
            replace(&s->objs[i], &rng, make_tag(s->slice, s->generation, ++k), s);
    for (uint64_t i = 0; i < s->n; i++)
        replace(&s->objs[wl_rng_below(&rng, s->n)], &rng, make_tag(s->slice, s->generation, ++k),
                s);

    pthread_mutex_lock(&pool.lock);
    for (uint64_t i = 0; i < s->n / 8; i++) {
        wl_block *mine = &s->objs[wl_rng_below(&rng, s->n)];
        wl_block *theirs = &pool.objs[wl_rng_below(&rng, pool.n)];
        wl_verify(theirs->p, theirs->size, theirs->tag);
        wl_block t = *mine;
        *mine = *theirs;
        *theirs = t;
    }
    pthread_mutex_unlock(&pool.lock);
    return NULL;
}

int main(int argc, char **argv)
{
    wl_cli_init("thread_churn", usage);
    uint64_t nthreads = 4, generations = 700, n = 1000, seed = 1;
    const wl_option opts[] = {
        {"threads", WL_OPT_U64, &nthreads, 1, WL_MAX_THREADS},
        {"generations", WL_OPT_U64, &generations, 1, 1u << 24},
        {"objects", WL_OPT_U64, &n, 8, (uint64_t)1 << 22},
        WL_OPT_SEED(&seed),
    };
    wl_parse_options(argc, argv, opts, sizeof opts / sizeof opts[0]);

    wl_block *objs = wl_xcalloc(nthreads * n, sizeof *objs);
    slice *slices = aligned_alloc(64, sizeof *slices * nthreads);
    if (!slices) wl_alloc_failed("aligned_alloc", sizeof *slices * nthreads);
    pthread_t *tids = wl_xcalloc(nthreads, sizeof *tids);
    pool.n = nthreads * n / 8;
    pool.objs = wl_xcalloc(pool.n, sizeof *pool.objs);

    /* Main allocates the initial objects, so the first generation frees blocks of another
     * thread too. Tags of generation 0 belong to main; threads use generations 1..G. */
    wl_rng rng;
    wl_rng_seed(&rng, seed, 0);
    slice setup = {0};
    for (uint64_t i = 0; i < nthreads * n; i++)
        replace(&objs[i], &rng, make_tag(0, 0, i + 1), &setup);
    for (uint64_t i = 0; i < pool.n; i++)
        replace(&pool.objs[i], &rng, make_tag(0, 0, nthreads * n + i + 1), &setup);

    double start = wl_now();
    for (uint64_t g = 1; g <= generations; g++) {
        for (uint64_t t = 0; t < nthreads; t++) {
            if (g > 1)
                wl_thread_join(tids[t]);
            else
                slices[t] = (slice){.objs = objs + t * n, .n = n, .seed = seed, .slice = t};
            slices[t].generation = g;
            wl_thread_start(&tids[t], work, &slices[t]);
        }
    }
    for (uint64_t t = 0; t < nthreads; t++)
        wl_thread_join(tids[t]);
    double seconds = wl_now() - start;

    uint64_t allocs = 0, bytes = 0;
    for (uint64_t t = 0; t < nthreads; t++) {
        allocs += slices[t].allocs;
        bytes += slices[t].bytes;
    }
    wl_blocks_free(objs, nthreads * n);
    wl_blocks_free(pool.objs, pool.n);
    free(pool.objs);
    free(tids);
    free(slices);
    free(objs);
    wl_result("thread_churn", allocs, seconds,
              " threads=%llu generations=%llu objects=%llu seed=%llu threads_created=%llu"
              " bytes=%llu",
              (unsigned long long)nthreads, (unsigned long long)generations, (unsigned long long)n,
              (unsigned long long)seed, (unsigned long long)(nthreads * generations),
              (unsigned long long)bytes);
    return WL_EXIT_OK;
}
