/* mid_large_mt: several threads, each with its own working set, allocating mid sizes
 * (8-32 KiB) and, less often, large ones (64 KiB-1 MiB): in hakmem, page runs of every size
 * up to 1 MiB (span.c), reused across sizes, under concurrency. Each step verifies and frees the block
 * in a random slot and allocates a new one; the pattern touches every cache line, so each
 * block's pages are really used (the page-fault cost is part of what is measured). */
#include "wl_block.h"
#include "wl_cli.h"
#include "wl_result.h"
#include "wl_rng.h"
#include "wl_sys.h"
#include "wl_time.h"

#include <pthread.h>
#include <stdalign.h>
#include <stdlib.h>

static const char usage[] =
    "usage: mid_large_mt [--threads T] [--iters N] [--ws N] [--large-pct P] [--seed S]\n"
    "\n"
    "T threads; each frees the block in a random slot of its own working set (after checking\n"
    "it) and allocates a new one: 8-32 KiB, or with probability P% 64 KiB-1 MiB.\n"
    "\n"
    "  --threads T     threads, 1 to 256 (default 2)\n"
    "  --iters N       allocations per thread (default 80000)\n"
    "  --ws N          working-set slots per thread (default 32)\n"
    "  --large-pct P   percentage of large (64 KiB-1 MiB) allocations, 0-100 (default 2)\n"
    "  --seed S        random seed (default 1)\n"
    "  --help          this text\n"
    "\n"
    "ops = allocations over all threads. RESULT fields: threads iters ws large_pct seed bytes.\n"
    "Exit: 0 ok, 2 bad arguments or could not run, 3 corrupted memory detected.\n";

typedef struct {
    alignas(64) uint64_t id;
    uint64_t iters, ws, large_pct, seed;
    uint64_t bytes;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    wl_rng rng;
    wl_rng_seed(&rng, w->seed, w->id + 1);
    wl_block *slots = wl_xcalloc(w->ws, sizeof *slots);
    uint64_t bytes = 0;
    for (uint64_t i = 0; i < w->iters; i++) {
        wl_block *s = &slots[wl_rng_below(&rng, w->ws)];
        wl_block_free(s);
        uint64_t size = wl_rng_below(&rng, 100) < w->large_pct
                            ? wl_rng_range(&rng, 64 << 10, 1 << 20)
                            : wl_rng_range(&rng, 8 << 10, 32 << 10);
        wl_block_malloc(s, size, (w->id << 40) | (i + 1));
        bytes += size;
    }
    wl_blocks_free(slots, w->ws);
    free(slots);
    w->bytes = bytes;
    return NULL;
}

int main(int argc, char **argv)
{
    wl_cli_init("mid_large_mt", usage);
    uint64_t nthreads = 2, iters = 80000, ws = 32, large_pct = 2, seed = 1;
    const wl_option opts[] = {
        {"threads", WL_OPT_U64, &nthreads, 1, WL_MAX_THREADS},
        {"iters", WL_OPT_U64, &iters, 1, (uint64_t)1 << 40},
        {"ws", WL_OPT_U64, &ws, 1, 4096},
        {"large-pct", WL_OPT_U64, &large_pct, 0, 100},
        WL_OPT_SEED(&seed),
    };
    wl_parse_options(argc, argv, opts, sizeof opts / sizeof opts[0]);

    worker *ws_ = aligned_alloc(64, sizeof *ws_ * nthreads);
    if (!ws_) wl_alloc_failed("aligned_alloc", sizeof *ws_ * nthreads);
    pthread_t *tids = wl_xcalloc(nthreads, sizeof *tids);
    double start = wl_now();
    for (uint64_t t = 0; t < nthreads; t++) {
        ws_[t] = (worker){.id = t, .iters = iters, .ws = ws, .large_pct = large_pct, .seed = seed};
        wl_thread_start(&tids[t], work, &ws_[t]);
    }
    for (uint64_t t = 0; t < nthreads; t++)
        wl_thread_join(tids[t]);
    double seconds = wl_now() - start;
    uint64_t bytes = 0;
    for (uint64_t t = 0; t < nthreads; t++)
        bytes += ws_[t].bytes;
    free(tids);
    free(ws_);
    wl_result("mid_large_mt", nthreads * iters, seconds,
              " threads=%llu iters=%llu ws=%llu large_pct=%llu seed=%llu bytes=%llu",
              (unsigned long long)nthreads, (unsigned long long)iters, (unsigned long long)ws,
              (unsigned long long)large_pct, (unsigned long long)seed, (unsigned long long)bytes);
    return WL_EXIT_OK;
}
