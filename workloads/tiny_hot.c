/* tiny_hot: malloc and free of one small size in a tight loop, the allocator's fast path alone.
 * With --batch K, K blocks are allocated before they are freed (LIFO), so the front cache is
 * pushed and popped K deep. Each block's first word is stamped and checked before its free,
 * which catches a block handed out twice within a batch. */
#include "wl_cli.h"
#include "wl_result.h"
#include "wl_sys.h"
#include "wl_time.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: tiny_hot [--iters N] [--size B] [--batch K]\n"
    "\n"
    "malloc(--size) and free in a tight loop: the fast path alone. No randomness.\n"
    "\n"
    "  --iters N   malloc/free pairs (default 150000000)\n"
    "  --size B    block size in bytes (default 32)\n"
    "  --batch K   blocks allocated before they are freed, 1 to 4096 (default 1)\n"
    "  --seed S    accepted for a uniform command line; unused (nothing is random)\n"
    "  --help      this text\n"
    "\n"
    "RESULT fields: size batch.\n"
    "Exit: 0 ok, 2 bad arguments or could not run, 3 corrupted memory detected.\n";

#define MAX_BATCH 4096

static inline void stamp(unsigned char *p, size_t size, uint64_t tag)
{
    memcpy(p, &tag, size < 8 ? size : 8);
}

static inline void check(const unsigned char *p, size_t size, uint64_t tag)
{
    uint64_t found = 0;
    memcpy(&found, p, size < 8 ? size : 8);
    uint64_t expected = 0;
    memcpy(&expected, &tag, size < 8 ? size : 8);
    if (found != expected)
        wl_corrupt("block %p (%zu bytes) holds 0x%llx, expected 0x%llx (handed out twice?)",
                   (const void *)p, size, (unsigned long long)found, (unsigned long long)expected);
}

int main(int argc, char **argv)
{
    wl_cli_init("tiny_hot", usage);
    uint64_t iters = 150000000, size = 32, batch = 1;
    const wl_option opts[] = {
        {"iters", WL_OPT_U64, &iters, 1, UINT64_MAX / 2},
        {"size", WL_OPT_SIZE, &size, 1, WL_MAX_BLOCK},
        {"batch", WL_OPT_U64, &batch, 1, MAX_BATCH},
        WL_OPT_SEED(NULL),
    };
    wl_parse_options(argc, argv, opts, sizeof opts / sizeof opts[0]);

    unsigned char *blocks[MAX_BATCH];
    uint64_t done = 0, tag = 0;
    double start = wl_now();
    while (done < iters) {
        uint64_t k = iters - done < batch ? iters - done : batch;
        for (uint64_t j = 0; j < k; j++) {
            unsigned char *p = malloc(size);
            if (!p) wl_alloc_failed("malloc", size);
            stamp(p, size, ++tag);
            wl_escape(p);
            blocks[j] = p;
        }
        for (uint64_t j = k; j-- > 0;) {
            check(blocks[j], size, tag - (k - 1 - j));
            free(blocks[j]);
        }
        done += k;
    }
    double seconds = wl_now() - start;
    wl_result("tiny_hot", iters, seconds, " size=%llu batch=%llu", (unsigned long long)size,
              (unsigned long long)batch);
    return WL_EXIT_OK;
}
