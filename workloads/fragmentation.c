/* fragmentation: does the allocator reuse and return memory? Four phases, RSS read after each:
 *   1. allocate --objects blocks of mixed sizes (75% 16-256 B, 20% 257-2048 B, 5% 2-16 KiB);
 *   2. free 90% of them, chosen at random (the survivors pin pages all over the heap);
 *   3. allocate --objects/20 larger blocks (4-16 KiB), which the freed small holes cannot
 *      hold unless the allocator coalesces or reuses freed pages;
 *   4. free everything.
 * Reports RSS against the live bytes after phase 3 and RSS after phase 4 (does memory go back
 * to the OS?). Every block is pattern-checked before it is freed. */
#include "wl_block.h"
#include "wl_cli.h"
#include "wl_result.h"
#include "wl_rng.h"
#include "wl_rss.h"
#include "wl_sys.h"
#include "wl_time.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: fragmentation [--objects N] [--seed S]\n"
    "\n"
    "Allocates N mixed-size blocks (75% 16-256 B, 20% 257-2048 B, 5% 2-16 KiB), frees 90% at\n"
    "random, allocates N/20 larger blocks (4-16 KiB), then frees everything; reports RSS\n"
    "against live bytes and RSS after freeing everything.\n"
    "\n"
    "  --objects N   blocks in the first phase, 20 or more (default 400000, about 330 MB)\n"
    "  --seed S      random seed (default 1)\n"
    "  --help        this text\n"
    "\n"
    "ops = allocations. RESULT fields: objects seed rss_start_kb rss_peak_kb live_bytes rss_kb\n"
    "(after phase 3) rss_over_live (rss_kb*1024/live_bytes) rss_after_free_kb.\n"
    "Exit: 0 ok, 2 bad arguments or could not run, 3 corrupted memory detected.\n";

static uint64_t mixed_size(wl_rng *r)
{
    uint64_t x = wl_rng_below(r, 100);
    if (x < 75) return wl_rng_range(r, 16, 256);
    if (x < 95) return wl_rng_range(r, 257, 2048);
    return wl_rng_range(r, 2049, 16384);
}

int main(int argc, char **argv)
{
    wl_cli_init("fragmentation", usage);
    uint64_t n = 400000, seed = 1;
    const wl_option opts[] = {
        {"objects", WL_OPT_U64, &n, 20, (uint64_t)1 << 26},
        WL_OPT_SEED(&seed),
    };
    wl_parse_options(argc, argv, opts, sizeof opts / sizeof opts[0]);

    const uint64_t nlarge = n / 20;
    wl_block *small = wl_xcalloc(n, sizeof *small);
    wl_block *large = wl_xcalloc(nlarge, sizeof *large);
    uint64_t *order = wl_xcalloc(n, sizeof *order);
    /* Touch the bookkeeping now so that it is part of the starting RSS, not of the phases. */
    memset(small, 0, n * sizeof *small);
    memset(large, 0, nlarge * sizeof *large);
    for (uint64_t i = 0; i < n; i++)
        order[i] = i;
    wl_rng rng;
    wl_rng_seed(&rng, seed, 0);
    uint64_t rss_start = wl_rss_kb();

    double start = wl_now();
    for (uint64_t i = 0; i < n; i++)
        wl_block_malloc(&small[i], mixed_size(&rng), i + 1);

    /* Free a random 90%: the first 90% of a Fisher-Yates shuffle. */
    const uint64_t nfree = n - n / 10;
    for (uint64_t i = 0; i < nfree; i++) {
        uint64_t j = i + wl_rng_below(&rng, n - i);
        uint64_t t = order[i];
        order[i] = order[j];
        order[j] = t;
        wl_block_free(&small[order[i]]);
    }

    for (uint64_t i = 0; i < nlarge; i++)
        wl_block_malloc(&large[i], wl_rng_range(&rng, 4096, 16384), n + i + 1);

    double mid = wl_now();
    uint64_t rss_live = wl_rss_kb(), rss_peak = wl_rss_peak_kb(), live_bytes = 0;
    double paused = wl_now() - mid;
    for (uint64_t i = 0; i < n; i++)
        live_bytes += small[i].p ? small[i].size : 0;
    for (uint64_t i = 0; i < nlarge; i++)
        live_bytes += large[i].size;

    for (uint64_t i = nfree; i < n; i++)
        wl_block_free(&small[order[i]]);
    wl_blocks_free(large, nlarge);
    double seconds = wl_now() - start - paused;
    uint64_t rss_after = wl_rss_kb();

    free(order);
    free(large);
    free(small);
    wl_result("fragmentation", n + nlarge, seconds,
              " objects=%llu seed=%llu rss_start_kb=%llu rss_peak_kb=%llu live_bytes=%llu"
              " rss_kb=%llu rss_over_live=%.3f rss_after_free_kb=%llu",
              (unsigned long long)n, (unsigned long long)seed, (unsigned long long)rss_start,
              (unsigned long long)rss_peak, (unsigned long long)live_bytes,
              (unsigned long long)rss_live, (double)rss_live * 1024.0 / (double)live_bytes,
              (unsigned long long)rss_after);
    return WL_EXIT_OK;
}
