// large_reuse: the pattern of mimalloc-bench's malloc-large: 20 live blocks of 5-25 MiB, one
// replaced at random 2000 times, each new block zero-filled as `new char[n]()` does it (the C++
// value-initialisation calls operator new[] and then clears all n bytes, so the pages are
// touched whatever the allocator knows about them). The replacement is allocated before the old
// block is deleted, as the unique_ptr assignment of the original does, so 21 blocks are live at
// the peak. With --threads T each thread does the same with its own blocks.
//
// The original starts with no blocks and runs long enough (2000 replacements, tens of seconds)
// for the filling to vanish in the total; here each thread fills its B blocks before the clock
// starts, so a short run measures the same steady state.
//
// Each block is stamped with its tag's pattern after the zero-fill and verified before it is
// deleted; every replacement also checks the first word of every live block. ops = replacements
// (new[] + delete[]) over all threads.
#include "wl_cli.h"
#include "wl_pattern.h"
#include "wl_result.h"
#include "wl_rng.h"
#include "wl_sys.h"
#include "wl_time.h"

#include <new>
#include <vector>

static const char usage[] =
    "usage: large_reuse [--threads T] [--iters N] [--blocks B] [--min SIZE] [--max SIZE]\n"
    "                   [--seed S]\n"
    "\n"
    "malloc-large's pattern: B live blocks of random size in [--min, --max]; N times a random\n"
    "one is replaced by a new one, allocated and zero-filled by new char[n]() before the old\n"
    "one is deleted. With T threads each thread has its own B blocks and does N replacements.\n"
    "\n"
    "  --threads T   threads, 1 to 256 (default 1)\n"
    "  --iters N     replacements per thread (default 2000)\n"
    "  --blocks B    live blocks per thread, 1 to 4096 (default 20)\n"
    "  --min SIZE    smallest block, 1 to 1G (default 5M)\n"
    "  --max SIZE    largest block, inclusive, up to 1G (default 25M)\n"
    "  --seed S      random seed (default 1)\n"
    "  --help        this text\n"
    "\n"
    "The blocks are allocated before the clock starts. ops = replacements. RESULT fields:\n"
    "threads iters blocks min_size max_size seed bytes.\n"
    "Exit: 0 ok, 2 bad arguments or could not run, 3 corrupted memory detected.\n";

namespace
{

struct block {
    char *p = nullptr;
    uint64_t size = 0, tag = 0;
};

struct job {
    uint64_t index, iters, nblocks, min, max, seed;
    pthread_barrier_t *filled; // every thread and main: the blocks are there, the clock starts
    uint64_t bytes = 0;        // written by the thread
};

void release(block &b)
{
    if (!b.p) return;
    wl_verify(b.p, b.size, b.tag);
    delete[] b.p;
    b.p = nullptr;
}

// A new zero-filled block of a random size, stamped.
block new_block(wl_rng &rng, const job &j, uint64_t tag)
{
    uint64_t size = wl_rng_range(&rng, j.min, j.max);
    char *p = new char[size]();
    wl_fill(p, size, tag);
    return block{p, size, tag};
}

void *replace_blocks(void *arg)
{
    job *j = static_cast<job *>(arg);
    wl_rng rng;
    wl_rng_seed(&rng, j->seed, j->index + 1);
    uint64_t tag = (j->index + 1) << 40;
    std::vector<block> blocks(j->nblocks);
    for (block &b : blocks)
        b = new_block(rng, *j, ++tag);
    pthread_barrier_wait(j->filled);
    for (uint64_t i = 0; i < j->iters; i++) {
        block &slot = blocks[wl_rng_below(&rng, j->nblocks)];
        block fresh = new_block(rng, *j, ++tag);
        // A block handed out twice is zero-filled and stamped over its first holder's
        // pattern; checking the first word of every live block catches that before either
        // copy is deleted (a large block is often unmapped on delete).
        for (const block &b : blocks)
            wl_verify_kept(b.p, b.size, 8, b.tag);
        release(slot);
        slot = fresh;
        j->bytes += fresh.size;
    }
    for (block &b : blocks)
        release(b);
    return nullptr;
}

} // namespace

int main(int argc, char **argv)
{
    wl_cli_init("large_reuse", usage);
    std::set_new_handler([] { wl_fail("operator new failed (out of memory?)"); });
    uint64_t nthreads = 1, iters = 2000, nblocks = 20, min = 5 << 20, max = 25 << 20, seed = 1;
    const wl_option opts[] = {
        {"threads", WL_OPT_U64, &nthreads, 1, WL_MAX_THREADS},
        {"iters", WL_OPT_U64, &iters, 1, (uint64_t)1 << 32},
        {"blocks", WL_OPT_U64, &nblocks, 1, 4096},
        {"min", WL_OPT_SIZE, &min, 1, WL_MAX_BLOCK},
        {"max", WL_OPT_SIZE, &max, 1, WL_MAX_BLOCK},
        WL_OPT_SEED(&seed),
    };
    wl_parse_options(argc, argv, opts, sizeof opts / sizeof opts[0]);
    wl_check_min_max("--min", min, "--max", max);
    if (nthreads * (nblocks + 1) * max > (uint64_t)8 << 30)
        wl_usage_error("threads x (blocks + 1) x --max exceeds 8 GiB of live memory");

    std::vector<job> jobs(nthreads);
    std::vector<pthread_t> tids(nthreads);
    pthread_barrier_t filled;
    pthread_barrier_init(&filled, nullptr, (unsigned)nthreads + 1);
    for (uint64_t i = 0; i < nthreads; i++) {
        jobs[i] = job{i, iters, nblocks, min, max, seed, &filled};
        wl_thread_start(&tids[i], replace_blocks, &jobs[i]);
    }
    pthread_barrier_wait(&filled);
    double start = wl_now();
    uint64_t bytes = 0;
    for (uint64_t i = 0; i < nthreads; i++) {
        wl_thread_join(tids[i]);
        bytes += jobs[i].bytes;
    }
    double seconds = wl_now() - start;
    pthread_barrier_destroy(&filled);

    wl_result("large_reuse", nthreads * iters, seconds,
              " threads=%llu iters=%llu blocks=%llu min_size=%llu max_size=%llu seed=%llu"
              " bytes=%llu",
              (unsigned long long)nthreads, (unsigned long long)iters, (unsigned long long)nblocks,
              (unsigned long long)min, (unsigned long long)max, (unsigned long long)seed,
              (unsigned long long)bytes);
    return WL_EXIT_OK;
}
