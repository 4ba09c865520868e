/* false_share: cache lines shared between threads through the allocator, the pattern of
 * Hoard's cache-scratch (Berger et al., ASPLOS 2000; mimalloc-bench's cache-scratchN): a
 * thread frees a small block another thread allocated, then allocates and writes, and whether
 * its new block shares a cache line with the other thread's blocks is the allocator's choice.
 *
 * N threads (default 2) in a ring. Each round, thread t
 *   1. allocates K small objects and stamps them,
 *   2. writes every byte of each object W times (the measured work that false sharing slows),
 *   3. verifies them, hands the odd-numbered ones to thread t+1 and frees the even-numbered
 *      ones itself,
 *   4. takes the K/2 objects thread t-1 handed over, verifies and frees them (remote frees of
 *      blocks that were interleaved with t-1's own).
 * An allocator that reuses remotely freed blocks for the freeing thread's next allocations
 * gives t blocks on cache lines where t-1 writes at the same time; one that returns them to
 * their owner's memory does not. ops = objects (each allocated, written W times, freed). */
#include "wl_cli.h"
#include "wl_pattern.h"
#include "wl_result.h"
#include "wl_sys.h"
#include "wl_time.h"

#include <pthread.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stdlib.h>

static const char usage[] =
    "usage: false_share [--threads N] [--rounds R] [--objects K] [--size B] [--writes W]\n"
    "                   [--seed S]\n"
    "\n"
    "cache-scratch's pattern: N threads in a ring; each round a thread allocates K objects of\n"
    "B bytes, writes every byte of each W times, hands half of them to the next thread, frees\n"
    "the other half, and frees the half the previous thread handed it.\n"
    "\n"
    "  --threads N    threads, 1 to 256 (default 2)\n"
    "  --rounds R     rounds per thread (default 2000)\n"
    "  --objects K    objects per thread per round, even, 2 to 65536 (default 64)\n"
    "  --size B       object size in bytes, 1 to 4096 (default 8)\n"
    "  --writes W     writes of every byte per object (default 100)\n"
    "  --seed S       accepted for a uniform command line; nothing is random\n"
    "  --help         this text\n"
    "\n"
    "ops = objects allocated, written and freed. RESULT fields: threads rounds objects size\n"
    "writes remote_frees.\n"
    "Exit: 0 ok, 2 bad arguments or could not run, 3 corrupted memory detected.\n";

typedef struct {
    unsigned char *p;
    uint64_t tag;
} object;

/* The objects a thread hands to the next one: one batch at a time. */
typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    bool full;
    object *objs; /* K/2 */
} mailbox;

typedef struct {
    alignas(64) uint64_t index;
    mailbox *in, *out;
    uint64_t remote_frees;
} ring_thread;

static uint64_t rounds = 2000, k_objects = 64, size = 8, writes = 100;

static void stamp(object *o)
{
    for (uint64_t j = 0; j < size; j++)
        o->p[j] = wl_pattern_byte(o->tag, j);
}

/* After W writes every byte is its pattern byte plus W. */
static void check(const object *o)
{
    for (uint64_t j = 0; j < size; j++) {
        uint8_t want = (uint8_t)(wl_pattern_byte(o->tag, j) + writes);
        if (o->p[j] != want) wl_pattern_mismatch(o->p, size, o->tag, j, want, o->p[j], 1);
    }
}

static void write_all(object *objs)
{
    for (uint64_t i = 0; i < k_objects; i++) {
        volatile unsigned char *p = objs[i].p;
        for (uint64_t w = 0; w < writes; w++)
            for (uint64_t j = 0; j < size; j++)
                p[j]++;
    }
}

static void send(mailbox *m, const object *objs)
{
    pthread_mutex_lock(&m->lock);
    while (m->full)
        pthread_cond_wait(&m->changed, &m->lock);
    for (uint64_t i = 0; i < k_objects / 2; i++)
        m->objs[i] = objs[2 * i + 1];
    m->full = true;
    pthread_cond_broadcast(&m->changed);
    pthread_mutex_unlock(&m->lock);
}

static void receive(mailbox *m, object *into)
{
    pthread_mutex_lock(&m->lock);
    while (!m->full)
        pthread_cond_wait(&m->changed, &m->lock);
    for (uint64_t i = 0; i < k_objects / 2; i++)
        into[i] = m->objs[i];
    m->full = false;
    pthread_cond_broadcast(&m->changed);
    pthread_mutex_unlock(&m->lock);
}

static void *ring(void *arg)
{
    ring_thread *t = arg;
    object *objs = wl_xcalloc(k_objects, sizeof *objs);
    object *got = wl_xcalloc(k_objects / 2, sizeof *got);
    uint64_t tag = (t->index + 1) << 40;
    for (uint64_t r = 0; r < rounds; r++) {
        for (uint64_t i = 0; i < k_objects; i++) {
            objs[i].p = malloc(size);
            if (!objs[i].p) wl_alloc_failed("malloc", size);
            objs[i].tag = ++tag;
            stamp(&objs[i]);
        }
        write_all(objs);
        for (uint64_t i = 0; i < k_objects; i++)
            check(&objs[i]);
        send(t->out, objs);
        for (uint64_t i = 0; i < k_objects; i += 2)
            free(objs[i].p);
        receive(t->in, got);
        for (uint64_t i = 0; i < k_objects / 2; i++) {
            check(&got[i]);
            free(got[i].p);
        }
        t->remote_frees += k_objects / 2;
    }
    free(objs);
    free(got);
    return NULL;
}

int main(int argc, char **argv)
{
    wl_cli_init("false_share", usage);
    uint64_t nthreads = 2;
    const wl_option opts[] = {
        {"threads", WL_OPT_U64, &nthreads, 1, WL_MAX_THREADS},
        {"rounds", WL_OPT_U64, &rounds, 1, (uint64_t)1 << 32},
        {"objects", WL_OPT_U64, &k_objects, 2, 65536},
        {"size", WL_OPT_SIZE, &size, 1, 4096},
        {"writes", WL_OPT_U64, &writes, 1, (uint64_t)1 << 32},
        WL_OPT_SEED(NULL),
    };
    wl_parse_options(argc, argv, opts, sizeof opts / sizeof opts[0]);
    if (k_objects % 2)
        wl_usage_error("--objects: %llu is odd (half of them are handed over)",
                       (unsigned long long)k_objects);

    mailbox *boxes = wl_xcalloc(nthreads, sizeof *boxes);
    ring_thread *threads = aligned_alloc(64, sizeof *threads * nthreads);
    if (!threads) wl_alloc_failed("aligned_alloc", sizeof *threads * nthreads);
    pthread_t *tids = wl_xcalloc(nthreads, sizeof *tids);
    for (uint64_t i = 0; i < nthreads; i++) {
        pthread_mutex_init(&boxes[i].lock, NULL);
        pthread_cond_init(&boxes[i].changed, NULL);
        boxes[i].objs = wl_xcalloc(k_objects / 2, sizeof *boxes[i].objs);
    }

    double start = wl_now();
    for (uint64_t i = 0; i < nthreads; i++) {
        threads[i] = (ring_thread){.index = i, .in = &boxes[i], .out = &boxes[(i + 1) % nthreads]};
        wl_thread_start(&tids[i], ring, &threads[i]);
    }
    uint64_t remote = 0;
    for (uint64_t i = 0; i < nthreads; i++) {
        wl_thread_join(tids[i]);
        remote += threads[i].remote_frees;
    }
    double seconds = wl_now() - start;

    for (uint64_t i = 0; i < nthreads; i++) {
        free(boxes[i].objs);
        pthread_mutex_destroy(&boxes[i].lock);
        pthread_cond_destroy(&boxes[i].changed);
    }
    free(boxes);
    free(threads);
    free(tids);
    wl_result("false_share", nthreads * rounds * k_objects, seconds,
              " threads=%llu rounds=%llu objects=%llu size=%llu writes=%llu remote_frees=%llu",
              (unsigned long long)nthreads, (unsigned long long)rounds,
              (unsigned long long)k_objects, (unsigned long long)size, (unsigned long long)writes,
              (unsigned long long)remote);
    return WL_EXIT_OK;
}
