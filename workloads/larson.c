/* Larson & Krishnan's server benchmark ("Memory allocation for long-running server
 * applications", ISMM 1998), our own implementation of the classic larson.cpp semantics:
 *
 *   main:    allocates THREADS x CHUNKS blocks of random size in [MIN, MAX), shuffles them,
 *            churns them 4 x that many times (free + allocate a random slot), then gives each
 *            worker its own slice of CHUNKS slots.
 *   worker:  repeats "pick a random slot of its slice, free the block, allocate a new one of
 *            random size, write its first bytes" ROUNDS x CHUNKS times, then starts a
 *            replacement thread that inherits the slice (and so frees blocks a dead thread
 *            allocated) and exits.
 *   main:    sleeps SLEEP seconds, raises the stop flag, joins every thread, prints
 *            "Throughput = N operations per second." (one operation = one free + one malloc)
 *            and the RESULT line.
 *
 * A worker slice and its succession of threads is a "lineage": one padded record per lineage,
 * written only by the lineage's current thread, so counting adds no shared-cacheline traffic.
 * Each new thread joins the thread that started it; the last thread of a lineage is joined by
 * main, so every thread is joined exactly once and nothing outlives the measurement. */
#include "wl_cli.h"
#include "wl_result.h"
#include "wl_rng.h"
#include "wl_sys.h"
#include "wl_time.h"

#include <ctype.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: larson SLEEP MIN MAX CHUNKS ROUNDS SEED THREADS\n"
    "\n"
    "Larson & Krishnan's server benchmark: THREADS workers each own CHUNKS blocks and repeatedly\n"
    "free a random one and allocate a new one of random size in [MIN, MAX). After ROUNDS x\n"
    "CHUNKS operations a worker hands its blocks to a new thread and exits, so blocks are freed\n"
    "by threads other than the one that allocated them.\n"
    "\n"
    "  SLEEP    seconds to run (fractions allowed, e.g. 0.5)\n"
    "  MIN      smallest block size in bytes (>= 1)\n"
    "  MAX      block sizes are below MAX (MIN == MAX: every block is MIN bytes)\n"
    "  CHUNKS   blocks per worker\n"
    "  ROUNDS   a worker thread does ROUNDS x CHUNKS operations before it is replaced\n"
    "           (ROUNDS = 1: thread creation dominates)\n"
    "  SEED     random seed (same seed, same choices)\n"
    "  THREADS  worker threads running at once (1 to 256)\n"
    "\n"
    "Prints 'Throughput = N operations per second.' and the RESULT line (workloads/README.md).\n"
    "Exit: 0 ok, 2 bad arguments or could not run.\n"
    "Examples: larson 10 8 128 1024 1 12345 4     larson 5 8 1000 5000 100 4141 2\n";

/* Live bytes the warm-up may reach; beyond it the run is refused rather than swapping. */
#define LARSON_MAX_LIVE_BYTES ((uint64_t)8 << 30)

typedef struct {
    double sleep;
    uint64_t min, max, chunks, rounds, seed, threads;
} larson_args;

typedef struct {
    alignas(64) wl_rng rng;
    char **slots; /* this lineage's slice of the block table */
    uint64_t nslots;
    uint64_t ops_per_thread;
    uint64_t min, range;
    /* Counts, each written only by the lineage's current thread. */
    uint64_t allocs, frees, threads_created;
    pthread_t parent; /* thread that started the current one, joined by it */
    bool has_parent;
    /* Guarded by done_lock: the last thread of the lineage and whether it has finished. */
    pthread_t last;
    bool finished;
} lineage;

static alignas(64) atomic_bool stop_flag;
static pthread_mutex_t done_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;

static inline uint64_t random_size(wl_rng *r, uint64_t min, uint64_t range)
{
    return range ? min + wl_rng_below(r, range) : min;
}

static char *alloc_block(uint64_t size)
{
    char *p = malloc(size);
    if (!p) wl_alloc_failed("malloc", size);
    return p;
}

static void *worker(void *arg)
{
    lineage *L = arg;
    if (L->has_parent) wl_thread_join(L->parent);

    uint64_t done = 0;
    if (!atomic_load_explicit(&stop_flag, memory_order_relaxed)) {
        wl_rng rng = L->rng;
        char **slots = L->slots;
        const uint64_t n = L->nslots, min = L->min, range = L->range;
        while (done < L->ops_per_thread) {
            uint64_t victim = wl_rng_below(&rng, n);
            free(slots[victim]);
            uint64_t size = random_size(&rng, min, range);
            volatile char *p = alloc_block(size);
            slots[victim] = (char *)p;
            p[0] = 'a';
            if (size > 1) p[1] = 'b';
            done++;
            if (atomic_load_explicit(&stop_flag, memory_order_relaxed)) break;
        }
        L->rng = rng;
    }
    L->allocs += done;
    L->frees += done;

    if (!atomic_load_explicit(&stop_flag, memory_order_relaxed)) {
        /* The replacement owns L from pthread_create on; this thread must not touch it after. */
        L->parent = pthread_self();
        L->has_parent = true;
        L->threads_created++;
        pthread_t next;
        wl_thread_start(&next, worker, L);
        return NULL;
    }
    pthread_mutex_lock(&done_lock);
    L->last = pthread_self();
    L->finished = true;
    pthread_cond_broadcast(&done_cond);
    pthread_mutex_unlock(&done_lock);
    return NULL;
}

/* The classic positional command line. Options are only --help/-h; anything else starting
 * with '-' that is not a number is an unknown option (a negative number reaches its parser,
 * which says it must not be negative). */
static larson_args parse_args(int argc, char **argv)
{
    char *a[7];
    int n = 0;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "--help") || !strcmp(s, "-h")) wl_help();
        if (s[0] == '-' && !isdigit((unsigned char)s[1]) && s[1] != '.')
            wl_usage_error("unknown option '%s'", s);
        if (n < 7) a[n] = argv[i];
        n++;
    }
    if (n != 7) wl_usage_error("expected 7 arguments, got %d", n);
    larson_args r;
    r.sleep = wl_parse_seconds("SLEEP", a[0], 86400);
    r.min = wl_parse_size("MIN", a[1], 1, WL_MAX_BLOCK);
    r.max = wl_parse_size("MAX", a[2], 1, WL_MAX_BLOCK);
    r.chunks = wl_parse_u64("CHUNKS", a[3], 1, (uint64_t)1 << 26);
    r.rounds = wl_parse_u64("ROUNDS", a[4], 1, (uint64_t)1 << 32);
    r.seed = wl_parse_u64("SEED", a[5], 0, UINT64_MAX);
    r.threads = wl_parse_u64("THREADS", a[6], 1, WL_MAX_THREADS);
    wl_check_min_max("MIN", r.min, "MAX", r.max);
    if (r.threads * r.chunks > ((uint64_t)1 << 26))
        wl_usage_error("THREADS x CHUNKS = %llu blocks is too many (limit %llu)",
                       (unsigned long long)(r.threads * r.chunks), 1ull << 26);
    if (r.threads * r.chunks * ((r.min + r.max) / 2) > LARSON_MAX_LIVE_BYTES)
        wl_usage_error("THREADS x CHUNKS x average size exceeds %llu GiB of live memory",
                       (unsigned long long)(LARSON_MAX_LIVE_BYTES >> 30));
    return r;
}

/* The main thread's warm-up: allocate, shuffle, then churn 4x the table (as larson.cpp). */
static void warm_up(char **table, uint64_t n, uint64_t min, uint64_t range, wl_rng *rng,
                    uint64_t *allocs, uint64_t *frees)
{
    for (uint64_t i = 0; i < n; i++)
        table[i] = alloc_block(random_size(rng, min, range));
    for (uint64_t i = n; i > 1; i--) {
        uint64_t j = wl_rng_below(rng, i);
        char *t = table[j];
        table[j] = table[i - 1];
        table[i - 1] = t;
    }
    for (uint64_t i = 0; i < 4 * n; i++) {
        uint64_t victim = wl_rng_below(rng, n);
        free(table[victim]);
        table[victim] = alloc_block(random_size(rng, min, range));
    }
    *allocs = 5 * n;
    *frees = 4 * n;
}

int main(int argc, char **argv)
{
    wl_cli_init("larson", usage);
    larson_args a = parse_args(argc, argv);
    const uint64_t nblocks = a.threads * a.chunks, range = a.max - a.min;

    char **table = wl_xcalloc(nblocks, sizeof *table);
    lineage *lin = aligned_alloc(64, sizeof(lineage) * a.threads);
    if (!lin) wl_alloc_failed("aligned_alloc", sizeof(lineage) * a.threads);

    wl_rng main_rng;
    wl_rng_seed(&main_rng, a.seed, 0);
    uint64_t warm_allocs, warm_frees;
    warm_up(table, nblocks, a.min, range, &main_rng, &warm_allocs, &warm_frees);

    for (uint64_t i = 0; i < a.threads; i++) {
        lineage *L = &lin[i];
        *L = (lineage){.slots = table + i * a.chunks,
                       .nslots = a.chunks,
                       .ops_per_thread = a.rounds * a.chunks,
                       .min = a.min,
                       .range = range,
                       .threads_created = 1};
        wl_rng_seed(&L->rng, a.seed, i + 1);
    }

    double start = wl_now();
    for (uint64_t i = 0; i < a.threads; i++) {
        pthread_t t;
        wl_thread_start(&t, worker, &lin[i]);
    }
    wl_sleep(a.sleep);
    atomic_store(&stop_flag, true);
    for (uint64_t i = 0; i < a.threads; i++) {
        pthread_mutex_lock(&done_lock);
        while (!lin[i].finished)
            pthread_cond_wait(&done_cond, &done_lock);
        pthread_t last = lin[i].last;
        pthread_mutex_unlock(&done_lock);
        wl_thread_join(last);
    }
    double seconds = wl_now() - start;

    uint64_t ops = 0, frees = warm_frees, threads_created = 0;
    for (uint64_t i = 0; i < a.threads; i++) {
        ops += lin[i].allocs;
        frees += lin[i].frees;
        threads_created += lin[i].threads_created;
    }
    uint64_t live = 0;
    for (uint64_t i = 0; i < nblocks; i++)
        live += table[i] != NULL;

    printf("Throughput = %.0f operations per second.\n", (double)ops / seconds);
    wl_result("larson", ops, seconds,
              " threads=%llu allocs=%llu frees=%llu live_blocks=%llu threads_created=%llu"
              " min_size=%llu max_size=%llu chunks=%llu rounds=%llu seed=%llu sleep=%g",
              (unsigned long long)a.threads, (unsigned long long)(warm_allocs + ops),
              (unsigned long long)frees, (unsigned long long)live,
              (unsigned long long)threads_created, (unsigned long long)a.min,
              (unsigned long long)a.max, (unsigned long long)a.chunks, (unsigned long long)a.rounds,
              (unsigned long long)a.seed, a.sleep);

    for (uint64_t i = 0; i < nblocks; i++)
        free(table[i]);
    free(table);
    free(lin);
    return WL_EXIT_OK;
}
