/* The Larson benchmark core (see wl_larson.h): the command line, warm-up, worker threads and
 * output of larson.c and sized_delete.cpp.
 *
 *   main:    allocates THREADS x CHUNKS blocks of random size in [MIN, MAX), shuffles them,
 *            churns them 4 x that many times (free + allocate a random slot), then gives each
 *            worker its own slice of CHUNKS slots.
 *   worker:  runs the program's churn loop (ROUNDS x CHUNKS operations), then starts a
 *            replacement thread that inherits the slice (and so frees blocks a dead thread
 *            allocated) and exits.
 *   main:    sleeps SLEEP seconds, raises the stop flag, joins every thread, prints
 *            "Throughput = N operations per second." (one operation = one free + one
 *            allocation) and the RESULT line.
 *
 * Each new thread joins the thread that started it; the last thread of a lineage is joined by
 * main, so every thread is joined exactly once and nothing outlives the measurement. */
#include "wl_larson.h"
#include "wl_cli.h"
#include "wl_result.h"
#include "wl_sys.h"
#include "wl_time.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Live bytes the warm-up may reach; beyond it the run is refused rather than swapping. */
#define LARSON_MAX_LIVE_BYTES ((uint64_t)8 << 30)

typedef struct {
    double sleep;
    uint64_t min, max, chunks, rounds, seed, threads;
} larson_args;

int larson_stop_flag __attribute__((aligned(64)));
static const larson_program *program;
static pthread_mutex_t done_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;

static void *worker(void *arg)
{
    larson_slice *L = arg;
    if (L->has_parent) wl_thread_join(L->parent);

    uint64_t done = larson_stopping() ? 0 : program->churn(L);
    L->allocs += done;
    L->frees += done;

    if (!larson_stopping()) {
        /* The replacement owns L from pthread_create on; this thread must not touch it after. */
        L->parent = pthread_self();
        L->has_parent = 1;
        L->threads_created++;
        pthread_t next;
        wl_thread_start(&next, worker, L);
        return NULL;
    }
    pthread_mutex_lock(&done_lock);
    L->last = pthread_self();
    L->finished = 1;
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
static void warm_up(char **table, uint64_t *sizes, uint64_t n, uint64_t min, uint64_t range,
                    wl_rng *rng)
{
    for (uint64_t i = 0; i < n; i++) {
        sizes[i] = larson_random_size(rng, min, range);
        table[i] = program->alloc(sizes[i]);
    }
    for (uint64_t i = n; i > 1; i--) {
        uint64_t j = wl_rng_below(rng, i);
        char *t = table[j];
        uint64_t ts = sizes[j];
        table[j] = table[i - 1];
        sizes[j] = sizes[i - 1];
        table[i - 1] = t;
        sizes[i - 1] = ts;
    }
    for (uint64_t i = 0; i < 4 * n; i++) {
        uint64_t victim = wl_rng_below(rng, n);
        program->release(table[victim], sizes[victim]);
        sizes[victim] = larson_random_size(rng, min, range);
        table[victim] = program->alloc(sizes[victim]);
    }
}

int larson_main(int argc, char **argv, const larson_program *prog)
{
    program = prog;
    wl_cli_init(prog->name, prog->usage);
    larson_args a = parse_args(argc, argv);
    const uint64_t nblocks = a.threads * a.chunks, range = a.max - a.min;

    char **table = wl_xcalloc(nblocks, sizeof *table);
    uint64_t *sizes = wl_xcalloc(nblocks, sizeof *sizes);
    larson_slice *lin = aligned_alloc(64, sizeof(larson_slice) * a.threads);
    if (!lin) wl_alloc_failed("aligned_alloc", sizeof(larson_slice) * a.threads);

    wl_rng main_rng;
    wl_rng_seed(&main_rng, a.seed, 0);
    warm_up(table, sizes, nblocks, a.min, range, &main_rng);
    const uint64_t warm_allocs = 5 * nblocks, warm_frees = 4 * nblocks;

    for (uint64_t i = 0; i < a.threads; i++) {
        larson_slice *L = &lin[i];
        *L = (larson_slice){.slots = table + i * a.chunks,
                            .sizes = sizes + i * a.chunks,
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
    __atomic_store_n(&larson_stop_flag, 1, __ATOMIC_SEQ_CST);
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
    wl_result(prog->name, ops, seconds,
              " threads=%llu allocs=%llu frees=%llu live_blocks=%llu threads_created=%llu"
              " min_size=%llu max_size=%llu chunks=%llu rounds=%llu seed=%llu sleep=%g",
              (unsigned long long)a.threads, (unsigned long long)(warm_allocs + ops),
              (unsigned long long)frees, (unsigned long long)live,
              (unsigned long long)threads_created, (unsigned long long)a.min,
              (unsigned long long)a.max, (unsigned long long)a.chunks, (unsigned long long)a.rounds,
              (unsigned long long)a.seed, a.sleep);

    for (uint64_t i = 0; i < nblocks; i++)
        prog->release(table[i], sizes[i]);
    free(table);
    free(sizes);
    free(lin);
    return WL_EXIT_OK;
}
