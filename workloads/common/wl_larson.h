/* The Larson & Krishnan server benchmark ("Memory allocation for long-running server
 * applications", ISMM 1998) as a core that two programs share: larson.c (malloc/free) and
 * sized_delete.cpp (C++ operator new / sized operator delete). The core owns the classic
 * positional command line, the warm-up, the succession of worker threads per slice, the stop
 * and join, and the output; a program supplies its allocation calls and its measured loop,
 * which it writes with larson_churn() so that the calls are direct (inlined) in the loop.
 * Calls wl_cli, wl_result, wl_rng, wl_sys, wl_time. Valid C and C++. */
#ifndef WL_LARSON_H
#define WL_LARSON_H

#include "wl_compat.h"
#include "wl_rng.h"

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

WL_BEGIN_DECLS

/* One worker slice and its succession of threads (a "lineage"): one cache-line-aligned record
 * written only by the lineage's current thread, so counting adds no shared-cacheline traffic. */
typedef struct {
    wl_rng rng __attribute__((aligned(64)));
    char **slots;    /* this lineage's part of the block table */
    uint64_t *sizes; /* the size of each slot's block (what a sized delete passes) */
    uint64_t nslots;
    uint64_t ops_per_thread;
    uint64_t min, range;
    /* Counts, each written only by the lineage's current thread. */
    uint64_t allocs, frees, threads_created;
    pthread_t parent; /* thread that started the current one, joined by it */
    int has_parent;
    /* Guarded by the core's lock: the last thread of the lineage and whether it has finished. */
    pthread_t last;
    int finished;
} larson_slice;

/* What a program built on the core supplies. */
typedef struct {
    const char *name;  /* the program and RESULT workload name */
    const char *usage; /* the full usage text (wl_cli_init) */
    /* Allocation calls of the warm-up and the final frees (outside the measurement). */
    char *(*alloc)(uint64_t size);
    void (*release)(char *p, uint64_t size);
    /* The measured loop of one worker thread: up to s->ops_per_thread operations on the slice,
     * stopping early when larson_stopping(); returns the operations done. */
    uint64_t (*churn)(larson_slice *s);
} larson_program;

/* The argument and output part of a Larson program's usage text (the same command line). */
#define LARSON_USAGE_ARGUMENTS                                                                     \
    "  SLEEP    seconds to run (fractions allowed, e.g. 0.5)\n"                                    \
    "  MIN      smallest block size in bytes (>= 1)\n"                                             \
    "  MAX      block sizes are below MAX (MIN == MAX: every block is MIN bytes)\n"                \
    "  CHUNKS   blocks per worker\n"                                                               \
    "  ROUNDS   a worker thread does ROUNDS x CHUNKS operations before it is replaced\n"           \
    "           (ROUNDS = 1: thread creation dominates)\n"                                         \
    "  SEED     random seed (same seed, same choices)\n"                                           \
    "  THREADS  worker threads running at once (1 to 256)\n"                                       \
    "\n"                                                                                           \
    "Prints 'Throughput = N operations per second.' and the RESULT line (workloads/README.md).\n"  \
    "Exit: 0 ok, 2 bad arguments or could not run.\n"

/* Parses the command line, runs the benchmark and prints the output; the program's main
 * returns what it returns. */
int larson_main(int argc, char **argv, const larson_program *prog);

/* Raised by the core when SLEEP seconds are over. */
extern int larson_stop_flag;

static inline int larson_stopping(void)
{
    return __atomic_load_n(&larson_stop_flag, __ATOMIC_RELAXED);
}

static inline uint64_t larson_random_size(wl_rng *r, uint64_t min, uint64_t range)
{
    return range ? min + wl_rng_below(r, range) : min;
}

/* The worker's loop as larson.cpp has it: pick a random slot, free its block, allocate one of
 * random size, write its first two bytes. alloc and release are the program's calls; a
 * program passes static inline functions, so the compiler calls them directly. */
static inline uint64_t larson_churn(larson_slice *s, char *(*alloc)(uint64_t size),
                                    void (*release)(char *p, uint64_t size))
{
    wl_rng rng = s->rng;
    char **slots = s->slots;
    uint64_t *sizes = s->sizes;
    const uint64_t n = s->nslots, min = s->min, range = s->range;
    uint64_t done = 0;
    while (done < s->ops_per_thread) {
        uint64_t victim = wl_rng_below(&rng, n);
        release(slots[victim], sizes[victim]);
        uint64_t size = larson_random_size(&rng, min, range);
        volatile char *p = alloc(size);
        slots[victim] = (char *)p;
        sizes[victim] = size;
        p[0] = 'a';
        if (size > 1) p[1] = 'b';
        done++;
        if (larson_stopping()) break;
    }
    s->rng = rng;
    return done;
}

WL_END_DECLS

#endif
