/* thread_storm: the pattern of mimalloc's stress test (mstress / test-stress in mimalloc-bench):
 * threads re-created every round, blocks of a linear random size distribution with a tail into
 * the MiB range, handed between threads through shared transfer slots, some realloc.
 *
 * Each round main starts T threads and joins them all, then frees a random half of the
 * transfer slots. Thread t does A x (1 + t % 4) allocations (so threads end at different
 * times while others still run) plus half as many "retained" blocks that live until it exits.
 * Each step it
 *   - allocates a block into its data array (50%, or always once the retained quota is done)
 *     or a retained block,
 *   - frees a random data entry (66%),
 *   - swaps a random data entry with a random transfer slot (25%): the block it gets was
 *     allocated by another thread, possibly one that has exited, and it will free it,
 *   - reallocs a random data entry to a new random size (5%).
 * The data array itself grows by realloc, as mstress's does. A thread frees what it still
 * holds when it exits; transfer slots carry blocks into the next round.
 *
 * Sizes, as mstress's: data blocks uniform 8-1024 bytes, retained blocks ten times that
 * (80 bytes to 100 KiB), and 1% of either 100 times larger (data up to 100 KiB, retained up to
 * 10 MiB). mstress writes every word of a block; this program stamps one word per cache line
 * (per KiB above 4 KiB), which still touches every page.
 * Every block is stamped with its tag's pattern and verified whenever it changes hands, is
 * reallocated (the kept part) and before it is freed. */
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
    "usage: thread_storm [--threads T] [--rounds R] [--allocs A] [--transfers K] [--seed S]\n"
    "\n"
    "mimalloc's stress test pattern: every round starts T new threads; thread t allocates\n"
    "A x (1 + t % 4) blocks plus half as many it keeps until it exits, frees random ones,\n"
    "swaps blocks with K transfer slots shared by all threads (so blocks are freed by other\n"
    "threads, also in later rounds) and reallocs some. Sizes are uniform 8-1024 bytes (kept\n"
    "blocks 80 B-10 KiB), 1% of them 100x larger (up to 10 MiB).\n"
    "\n"
    "  --threads T     threads per round, 1 to 256 (default 4)\n"
    "  --rounds R      rounds, each with new threads (default 20)\n"
    "  --allocs A      allocations of thread 0 per round (default 2000)\n"
    "  --transfers K   shared transfer slots (default 1000)\n"
    "  --seed S        random seed (default 1)\n"
    "  --help          this text\n"
    "\n"
    "ops = malloc and realloc calls on blocks by the threads. RESULT fields: threads rounds\n"
    "allocs transfers seed threads_created reallocs large_blocks bytes.\n"
    "Exit: 0 ok, 2 bad arguments or could not run, 3 corrupted memory detected.\n";

/* Data block sizes are uniform in [8, DATA_MAX], retained ones ten times that. */
#define DATA_MAX 1024
/* Blocks at least this large count as large_blocks. */
#define LARGE_SIZE (64 * 1024)
/* The data array grows by this many entries per realloc. */
#define DATA_STEP 4096

/* A transfer slot: a block any thread may swap with one of its own. */
typedef struct {
    pthread_mutex_t lock;
    wl_block b;
} transfer_slot;

static struct {
    transfer_slot *slots;
    uint64_t n;
} transfer;

/* One thread's job and counts; a cache line of its own, as the counts change on every step. */
typedef struct {
    alignas(64) uint64_t seed, round, index, allocs;
    uint64_t ops, reallocs, large, bytes; /* written by the thread only */
} storm_thread;

static inline int chance(wl_rng *r, unsigned pct)
{
    return wl_rng_below(r, 100) < pct;
}

/* A size uniform in [8 x scale, DATA_MAX x scale], 100 times that with probability 1%. */
static uint64_t random_size(wl_rng *r, uint64_t scale)
{
    uint64_t size = wl_rng_range(r, 8 * scale, DATA_MAX * scale);
    return chance(r, 1) ? size * 100 : size;
}

/* One allocation of the thread into b, counted. */
static void storm_alloc(storm_thread *t, wl_rng *r, wl_block *b, uint64_t scale, uint64_t tag)
{
    uint64_t size = random_size(r, scale);
    wl_block_malloc(b, size, tag);
    t->ops++;
    t->bytes += size;
    t->large += size >= LARGE_SIZE;
}

/* realloc of the block in b to a random size; an empty entry (freed or swapped for an empty
 * transfer slot) is realloc(NULL, size), so the random choices never depend on scheduling. */
static void storm_realloc(storm_thread *t, wl_rng *r, wl_block *b, uint64_t tag)
{
    uint64_t size = random_size(r, 1);
    if (b->p) wl_verify(b->p, b->size, b->tag);
    void *p = realloc(b->p, size);
    if (!p) wl_alloc_failed("realloc", size);
    if (b->p) wl_verify_kept(p, b->size, size, b->tag);
    wl_block_set(b, p, size, tag);
    t->ops++;
    t->reallocs++;
    t->bytes += size;
    t->large += size >= LARGE_SIZE;
}

static void swap_with_transfer(wl_block *mine, wl_rng *r)
{
    transfer_slot *s = &transfer.slots[wl_rng_below(r, transfer.n)];
    pthread_mutex_lock(&s->lock);
    wl_block theirs = s->b;
    s->b = *mine;
    pthread_mutex_unlock(&s->lock);
    if (theirs.p) wl_verify(theirs.p, theirs.size, theirs.tag);
    *mine = theirs;
}

static void *storm(void *arg)
{
    storm_thread *t = arg;
    wl_rng rng;
    wl_rng_seed(&rng, t->seed, (t->round << 16) | (t->index + 1));
    /* Tags: the round from bit 41, the thread from bit 32, a counter below. */
    uint64_t tag = (t->round << 41) | ((t->index + 1) << 32);
    uint64_t allocs = t->allocs, retain = t->allocs / 2;
    wl_block *retained = wl_xcalloc(retain ? retain : 1, sizeof *retained);
    uint64_t nretained = 0, ndata = 0, cap = 0;
    wl_block *data = NULL;

    while (allocs > 0 || retain > 0) {
        if (retain == 0 || (allocs > 0 && chance(&rng, 50))) {
            if (ndata == cap) {
                cap += DATA_STEP;
                data = realloc(data, cap * sizeof *data);
                if (!data) wl_alloc_failed("realloc", cap * sizeof *data);
            }
            storm_alloc(t, &rng, &data[ndata++], 1, ++tag);
            allocs--;
        } else {
            storm_alloc(t, &rng, &retained[nretained++], 10, ++tag);
            retain--;
        }
        if (ndata == 0) continue;
        if (chance(&rng, 66)) wl_block_free(&data[wl_rng_below(&rng, ndata)]);
        if (chance(&rng, 25)) swap_with_transfer(&data[wl_rng_below(&rng, ndata)], &rng);
        if (chance(&rng, 5)) storm_realloc(t, &rng, &data[wl_rng_below(&rng, ndata)], ++tag);
    }
    wl_blocks_free(retained, nretained);
    wl_blocks_free(data, ndata);
    free(retained);
    free(data);
    return NULL;
}

int main(int argc, char **argv)
{
    wl_cli_init("thread_storm", usage);
    uint64_t nthreads = 4, rounds = 20, allocs = 2000, ntransfer = 1000, seed = 1;
    const wl_option opts[] = {
        {"threads", WL_OPT_U64, &nthreads, 1, WL_MAX_THREADS},
        {"rounds", WL_OPT_U64, &rounds, 1, 1u << 20},
        {"allocs", WL_OPT_U64, &allocs, 1, (uint64_t)1 << 24},
        {"transfers", WL_OPT_U64, &ntransfer, 1, (uint64_t)1 << 20},
        WL_OPT_SEED(&seed),
    };
    wl_parse_options(argc, argv, opts, sizeof opts / sizeof opts[0]);

    transfer.n = ntransfer;
    transfer.slots = wl_xcalloc(ntransfer, sizeof *transfer.slots);
    for (uint64_t i = 0; i < ntransfer; i++)
        pthread_mutex_init(&transfer.slots[i].lock, NULL);
    storm_thread *threads = aligned_alloc(64, sizeof *threads * nthreads);
    if (!threads) wl_alloc_failed("aligned_alloc", sizeof *threads * nthreads);
    pthread_t *tids = wl_xcalloc(nthreads, sizeof *tids);
    wl_rng rng;
    wl_rng_seed(&rng, seed, 0);

    uint64_t ops = 0, reallocs = 0, large = 0, bytes = 0;
    double start = wl_now();
    for (uint64_t round = 1; round <= rounds; round++) {
        for (uint64_t i = 0; i < nthreads; i++) {
            threads[i] = (storm_thread){
                .seed = seed, .round = round, .index = i, .allocs = allocs * (1 + i % 4)};
            wl_thread_start(&tids[i], storm, &threads[i]);
        }
        for (uint64_t i = 0; i < nthreads; i++) {
            wl_thread_join(tids[i]);
            ops += threads[i].ops;
            reallocs += threads[i].reallocs;
            large += threads[i].large;
            bytes += threads[i].bytes;
        }
        for (uint64_t i = 0; i < ntransfer; i++)
            if (chance(&rng, 50)) wl_block_free(&transfer.slots[i].b);
    }
    double seconds = wl_now() - start;

    for (uint64_t i = 0; i < ntransfer; i++) {
        wl_block_free(&transfer.slots[i].b);
        pthread_mutex_destroy(&transfer.slots[i].lock);
    }
    free(transfer.slots);
    free(threads);
    free(tids);
    wl_result("thread_storm", ops, seconds,
              " threads=%llu rounds=%llu allocs=%llu transfers=%llu seed=%llu"
              " threads_created=%llu reallocs=%llu large_blocks=%llu bytes=%llu",
              (unsigned long long)nthreads, (unsigned long long)rounds, (unsigned long long)allocs,
              (unsigned long long)ntransfer, (unsigned long long)seed,
              (unsigned long long)(nthreads * rounds), (unsigned long long)reallocs,
              (unsigned long long)large, (unsigned long long)bytes);
    return WL_EXIT_OK;
}
