/* small_loop: one thread, tight malloc/free loops of small blocks with a small live set: the
 * single-threaded fast paths as glibc's bench-malloc-simple and the alloc-test of
 * mimalloc-bench drive them.
 *
 *   fixed phase (bench-malloc-simple): for each size B, 2B and 4B (default 16, 32, 64) and
 *     each batch of 25, 100, 400 and 1600 blocks, repeatedly allocate the batch, writing each
 *     block, then free it in allocation order; --iters pairs in all, split evenly.
 *   mixed phase (alloc-test): --live slots; each step verifies and frees the block in a
 *     random slot and allocates one of a random size, log-uniform in [8, --max] (small sizes
 *     the most frequent, as in real programs); --mixed steps.
 *
 * Every block is stamped with its tag's pattern and verified before it is freed.
 * ops = malloc/free pairs of both phases; fixed_ns and mixed_ns give each phase's time per
 * pair. */
#include "wl_block.h"
#include "wl_cli.h"
#include "wl_result.h"
#include "wl_rng.h"
#include "wl_sys.h"
#include "wl_time.h"

#include <stdlib.h>

static const char usage[] =
    "usage: small_loop [--iters N] [--mixed N] [--size B] [--live L] [--max B] [--seed S]\n"
    "\n"
    "One thread. Fixed phase: batches of 25, 100, 400 and 1600 blocks of B, 2B and 4B bytes\n"
    "allocated (each block written) and freed in order, --iters pairs in all. Mixed phase:\n"
    "--live slots, each step frees a random slot's block and allocates one of a log-uniform\n"
    "random size in [8, --max], --mixed steps.\n"
    "\n"
    "  --iters N   malloc/free pairs of the fixed phase (default 40000000)\n"
    "  --mixed N   malloc/free pairs of the mixed phase (default 15000000)\n"
    "  --size B    base size of the fixed phase, 1 to 64K (default 16)\n"
    "  --live L    live slots of the mixed phase, 1 to 65536 (default 256)\n"
    "  --max B     largest size of the mixed phase, 8 to 64K (default 512)\n"
    "  --seed S    random seed (default 1)\n"
    "  --help      this text\n"
    "\n"
    "ops = malloc/free pairs. RESULT fields: size live max_size seed fixed_ns mixed_ns bytes.\n"
    "Exit: 0 ok, 2 bad arguments or could not run, 3 corrupted memory detected.\n";

static const uint64_t batch_sizes[] = {25, 100, 400, 1600};
#define N_BATCH_SIZES (sizeof batch_sizes / sizeof batch_sizes[0])
#define MAX_BATCH 1600
#define N_FIXED_SIZES 3

/* The fixed phase: `pairs` malloc/free pairs over every (size, batch) combination. Returns
 * the pairs done (rounded down per combination) and adds their bytes to *bytes. */
static uint64_t fixed_phase(uint64_t pairs, uint64_t base, uint64_t *bytes)
{
    wl_block *batch = wl_xcalloc(MAX_BATCH, sizeof *batch);
    uint64_t done = 0, tag = 0;
    for (uint64_t s = 0; s < N_FIXED_SIZES; s++) {
        uint64_t size = base << s;
        for (uint64_t b = 0; b < N_BATCH_SIZES; b++) {
            uint64_t n = batch_sizes[b];
            uint64_t reps = pairs / (N_FIXED_SIZES * N_BATCH_SIZES) / n;
            for (uint64_t r = 0; r < reps; r++) {
                for (uint64_t i = 0; i < n; i++)
                    wl_block_malloc(&batch[i], size, ++tag);
                wl_blocks_free(batch, n);
            }
            done += reps * n;
            *bytes += reps * n * size;
        }
    }
    free(batch);
    return done;
}

/* Log-uniform in [8, max]: a power-of-two range chosen uniformly, then a size in it. */
static uint64_t log_uniform_size(wl_rng *r, uint64_t max)
{
    unsigned top = 63 - (unsigned)__builtin_clzll(max); /* max in [2^top, 2^(top+1)) */
    unsigned k = 3 + (unsigned)wl_rng_below(r, top - 3 + 1);
    uint64_t lo = (uint64_t)1 << k, hi = (lo << 1) - 1;
    if (hi > max) hi = max;
    return wl_rng_range(r, lo, hi);
}

static uint64_t mixed_phase(uint64_t pairs, uint64_t live, uint64_t max, uint64_t seed,
                            uint64_t *bytes)
{
    wl_block *slots = wl_xcalloc(live, sizeof *slots);
    wl_rng rng;
    wl_rng_seed(&rng, seed, 0);
    for (uint64_t i = 0; i < pairs; i++) {
        wl_block *s = &slots[wl_rng_below(&rng, live)];
        wl_block_free(s);
        uint64_t size = log_uniform_size(&rng, max);
        wl_block_malloc(s, size, i + 1);
        *bytes += size;
    }
    wl_blocks_free(slots, live);
    free(slots);
    return pairs;
}

int main(int argc, char **argv)
{
    wl_cli_init("small_loop", usage);
    uint64_t iters = 40000000, mixed = 15000000, size = 16, live = 256, max = 512, seed = 1;
    const wl_option opts[] = {
        {"iters", WL_OPT_U64, &iters, 0, UINT64_MAX / 2},
        {"mixed", WL_OPT_U64, &mixed, 0, UINT64_MAX / 2},
        {"size", WL_OPT_SIZE, &size, 1, 64 * 1024},
        {"live", WL_OPT_U64, &live, 1, 65536},
        {"max", WL_OPT_SIZE, &max, 8, 64 * 1024},
        WL_OPT_SEED(&seed),
    };
    wl_parse_options(argc, argv, opts, sizeof opts / sizeof opts[0]);
    if (iters / (N_FIXED_SIZES * N_BATCH_SIZES) < MAX_BATCH && iters > 0)
        wl_usage_error("--iters: %llu is too few for one round of every batch (at least %d, or "
                       "0 to skip the phase)",
                       (unsigned long long)iters, (int)(N_FIXED_SIZES * N_BATCH_SIZES * MAX_BATCH));
    if (iters + mixed == 0) wl_usage_error("--iters and --mixed are both 0: nothing to do");

    uint64_t bytes = 0;
    double t0 = wl_now();
    uint64_t fixed_done = fixed_phase(iters, size, &bytes);
    double t1 = wl_now();
    uint64_t mixed_done = mixed_phase(mixed, live, max, seed, &bytes);
    double t2 = wl_now();

    wl_result("small_loop", fixed_done + mixed_done, t2 - t0,
              " size=%llu live=%llu max_size=%llu seed=%llu fixed_ns=%.2f mixed_ns=%.2f"
              " bytes=%llu",
              (unsigned long long)size, (unsigned long long)live, (unsigned long long)max,
              (unsigned long long)seed, fixed_done ? (t1 - t0) * 1e9 / (double)fixed_done : 0.0,
              mixed_done ? (t2 - t1) * 1e9 / (double)mixed_done : 0.0, (unsigned long long)bytes);
    return WL_EXIT_OK;
}
