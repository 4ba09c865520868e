/* larson: Larson & Krishnan's server benchmark with malloc/free, our own implementation of the
 * classic larson.cpp semantics. The benchmark itself (command line, warm-up, threads, output)
 * is the core in common/wl_larson.c, shared with sized_delete.cpp; this file supplies the
 * allocation calls. */
#include "wl_cli.h"
#include "wl_larson.h"
#include "wl_sys.h"

#include <stdlib.h>

static const char usage[] =
    "usage: larson SLEEP MIN MAX CHUNKS ROUNDS SEED THREADS\n"
    "\n"
    "Larson & Krishnan's server benchmark: THREADS workers each own CHUNKS blocks and repeatedly\n"
    "free a random one and allocate a new one of random size in [MIN, MAX). After ROUNDS x\n"
    "CHUNKS operations a worker hands its blocks to a new thread and exits, so blocks are freed\n"
    "by threads other than the one that allocated them.\n"
    "\n" LARSON_USAGE_ARGUMENTS
    "Examples: larson 10 8 128 1024 1 12345 4     larson 5 8 1000 5000 100 4141 2\n";

static inline char *alloc_block(uint64_t size)
{
    char *p = malloc(size);
    if (!p) wl_alloc_failed("malloc", size);
    return p;
}

static inline void free_block(char *p, uint64_t size)
{
    (void)size;
    free(p);
}

static uint64_t churn(larson_slice *s)
{
    return larson_churn(s, alloc_block, free_block);
}

int main(int argc, char **argv)
{
    const larson_program prog = {"larson", usage, alloc_block, free_block, churn};
    return larson_main(argc, argv, &prog);
}
