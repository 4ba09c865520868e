/* aligned: a working set of blocks from posix_memalign, aligned_alloc and memalign with mixed
 * alignments (16 B to 64 KiB, mostly small) and sizes. Every block is checked for its
 * alignment when it is returned and for its contents before it is freed. */
#include "wl_block.h"
#include "wl_cli.h"
#include "wl_result.h"
#include "wl_rng.h"
#include "wl_sys.h"
#include "wl_time.h"

#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: aligned [--iters N] [--ws N] [--max-size B] [--seed S]\n"
    "\n"
    "One thread; each iteration frees the block in a random working-set slot (after checking\n"
    "its contents) and allocates a new one with posix_memalign, aligned_alloc or memalign\n"
    "(in turn at random), alignment 16 B to 64 KiB (small ones most often), size 1 to\n"
    "--max-size. A misaligned pointer counts as corruption.\n"
    "\n"
    "  --iters N      allocations (default 4000000)\n"
    "  --ws N         working-set slots (default 1024)\n"
    "  --max-size B   largest size in bytes (default 4096)\n"
    "  --seed S       random seed (default 1)\n"
    "  --help         this text\n"
    "\n"
    "RESULT fields: ws max_size seed bytes.\n"
    "Exit: 0 ok, 2 bad arguments or could not run, 3 corrupted memory or misaligned block.\n";

/* Alignment 2^k: 16..256 three times in four, up to 4 KiB most of the rest, 64 KiB rarely. */
static size_t random_alignment(wl_rng *r)
{
    uint64_t x = wl_rng_below(r, 64);
    if (x < 48) return (size_t)16 << wl_rng_below(r, 5);
    if (x < 63) return (size_t)512 << wl_rng_below(r, 4);
    return (size_t)8192 << wl_rng_below(r, 4);
}

static void *aligned_block(wl_rng *r, size_t align, size_t size)
{
    void *p = NULL;
    switch (wl_rng_below(r, 3)) {
    case 0: {
        int err = posix_memalign(&p, align, size);
        if (err) wl_alloc_failed("posix_memalign", size);
        break;
    }
    case 1:
        /* C11 wants the size to be a multiple of the alignment. */
        size = (size + align - 1) & ~(align - 1);
        p = aligned_alloc(align, size);
        if (!p) wl_alloc_failed("aligned_alloc", size);
        break;
    default:
        p = memalign(align, size);
        if (!p) wl_alloc_failed("memalign", size);
        break;
    }
    if ((uintptr_t)p & (align - 1))
        wl_corrupt("allocator returned %p for alignment %zu (size %zu)", p, align, size);
    return p;
}

int main(int argc, char **argv)
{
    wl_cli_init("aligned", usage);
    uint64_t iters = 4000000, ws = 1024, max_size = 4096, seed = 1;
    const wl_option opts[] = {
        {"iters", WL_OPT_U64, &iters, 1, UINT64_MAX / 2},
        {"ws", WL_OPT_U64, &ws, 1, (uint64_t)1 << 24},
        {"max-size", WL_OPT_SIZE, &max_size, 1, WL_MAX_BLOCK},
        WL_OPT_SEED(&seed),
    };
    wl_parse_options(argc, argv, opts, sizeof opts / sizeof opts[0]);

    wl_block *slots = wl_xcalloc(ws, sizeof *slots);
    wl_rng rng;
    wl_rng_seed(&rng, seed, 0);
    uint64_t bytes = 0;
    double start = wl_now();
    for (uint64_t i = 0; i < iters; i++) {
        wl_block *s = &slots[wl_rng_below(&rng, ws)];
        wl_block_free(s);
        size_t align = random_alignment(&rng);
        size_t size = wl_rng_range(&rng, 1, max_size);
        wl_block_set(s, aligned_block(&rng, align, size), size, i + 1);
        bytes += size;
    }
    double seconds = wl_now() - start;
    wl_blocks_free(slots, ws);
    free(slots);
    wl_result("aligned", iters, seconds, " ws=%llu max_size=%llu seed=%llu bytes=%llu",
              (unsigned long long)ws, (unsigned long long)max_size, (unsigned long long)seed,
              (unsigned long long)bytes);
    return WL_EXIT_OK;
}
