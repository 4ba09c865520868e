/* random_mixed: one thread, a working set of WS slots, CYCLES steps; each step picks a random
 * slot, verifies and frees the block there (if any) and allocates a new block of random size
 * in [MIN, MAX], stamped with a pattern. The mixed tiny sizes exercise every small size class
 * with a realistic, unpredictable reuse order. */
#include "wl_block.h"
#include "wl_cli.h"
#include "wl_result.h"
#include "wl_rng.h"
#include "wl_sys.h"
#include "wl_time.h"

#include <stdlib.h>

static const char usage[] =
    "usage: random_mixed [--cycles N] [--ws N] [--min B] [--max B] [--seed S]\n"
    "\n"
    "One thread; a working set of --ws slots; each cycle frees the block in a random slot\n"
    "(after checking its contents) and allocates a block of random size in [--min, --max].\n"
    "\n"
    "  --cycles N   steps to run (default 15000000)\n"
    "  --ws N       working-set slots (default 8192)\n"
    "  --min B      smallest size in bytes (default 16)\n"
    "  --max B      largest size in bytes, inclusive (default 1040)\n"
    "  --seed S     random seed (default 1)\n"
    "  --help       this text\n"
    "\n"
    "RESULT fields: ws min_size max_size seed bytes (total bytes allocated).\n"
    "Exit: 0 ok, 2 bad arguments or could not run, 3 corrupted memory detected.\n";

int main(int argc, char **argv)
{
    wl_cli_init("random_mixed", usage);
    uint64_t cycles = 15000000, ws = 8192, min = 16, max = 1040, seed = 1;
    const wl_option opts[] = {
        {"cycles", WL_OPT_U64, &cycles, 1, UINT64_MAX / 2},
        {"ws", WL_OPT_U64, &ws, 1, (uint64_t)1 << 26},
        {"min", WL_OPT_SIZE, &min, 1, WL_MAX_BLOCK},
        {"max", WL_OPT_SIZE, &max, 1, WL_MAX_BLOCK},
        WL_OPT_SEED(&seed),
    };
    wl_parse_options(argc, argv, opts, sizeof opts / sizeof opts[0]);
    wl_check_min_max("--min", min, "--max", max);

    wl_block *slots = wl_xcalloc(ws, sizeof *slots);
    wl_rng rng;
    wl_rng_seed(&rng, seed, 0);
    uint64_t bytes = 0;

    double start = wl_now();
    for (uint64_t i = 0; i < cycles; i++) {
        wl_block *s = &slots[wl_rng_below(&rng, ws)];
        wl_block_free(s);
        uint64_t size = wl_rng_range(&rng, min, max);
        wl_block_malloc(s, size, i + 1);
        bytes += size;
    }
    double seconds = wl_now() - start;

    wl_blocks_free(slots, ws);
    free(slots);
    wl_result("random_mixed", cycles, seconds,
              " ws=%llu min_size=%llu max_size=%llu seed=%llu bytes=%llu", (unsigned long long)ws,
              (unsigned long long)min, (unsigned long long)max, (unsigned long long)seed,
              (unsigned long long)bytes);
    return WL_EXIT_OK;
}
