/* realloc_grow: buffers that grow by appends through realloc, like vectors and string
 * builders. --live buffers grow at once, interleaved at random; each appends 1-64 bytes at a
 * time up to its own target size (log-uniform up to --max-size, so most are small), then is
 * verified in full and freed, and a new buffer takes its place until --buffers have been grown.
 * Each buffer grows in one of three styles: exact (realloc on every append, naive string
 * concatenation), x1.5 (string builders) or x2 (vectors). After every realloc the first and
 * last bytes and one random byte of the old contents are checked. */
#include "wl_cli.h"
#include "wl_pattern.h"
#include "wl_result.h"
#include "wl_rng.h"
#include "wl_sys.h"
#include "wl_time.h"

#include <stdlib.h>

static const char usage[] =
    "usage: realloc_grow [--buffers N] [--max-size B] [--live N] [--seed S]\n"
    "\n"
    "Buffers grow by appends of 1-64 bytes through realloc (exact, x1.5 or x2 capacity growth,\n"
    "chosen at random per buffer) to a random size up to --max-size, then are verified and\n"
    "freed. --live buffers grow at once, interleaved.\n"
    "\n"
    "  --buffers N    buffers grown in total (default 50000)\n"
    "  --max-size B   largest buffer size (default 64K; suffixes K, M allowed)\n"
    "  --live N       buffers growing at once (default 64)\n"
    "  --seed S       random seed (default 1)\n"
    "  --help         this text\n"
    "\n"
    "ops = realloc calls. RESULT fields: buffers live max_size seed moved (reallocs that moved\n"
    "the buffer) bytes (bytes appended).\n"
    "Exit: 0 ok, 2 bad arguments or could not run, 3 corrupted memory detected.\n";

enum growth { GROW_EXACT, GROW_HALF, GROW_DOUBLE };

typedef struct {
    unsigned char *p;
    size_t len, cap, target;
    enum growth growth;
    uint64_t tag;
} buffer;

static void start_buffer(buffer *b, wl_rng *r, uint64_t max_size, uint64_t tag)
{
    /* Log-uniform target: as many buffers below 1 KiB as between 1 and 64 KiB. */
    unsigned bits = 64 - (unsigned)__builtin_clzll(max_size);
    size_t hi = (size_t)1 << wl_rng_below(r, bits);
    size_t target = hi + wl_rng_below(r, hi);
    *b = (buffer){.target = target < max_size ? target : max_size,
                  .growth = (enum growth)wl_rng_below(r, 3),
                  .tag = tag};
}

static size_t next_capacity(const buffer *b, size_t need)
{
    size_t cap = b->cap ? b->cap : 16;
    switch (b->growth) {
    case GROW_EXACT:
        return need;
    case GROW_HALF:
        while (cap < need)
            cap += cap / 2;
        return cap;
    default:
        while (cap < need)
            cap *= 2;
        return cap;
    }
}

int main(int argc, char **argv)
{
    wl_cli_init("realloc_grow", usage);
    uint64_t nbuffers = 50000, max_size = 64 << 10, live = 64, seed = 1;
    const wl_option opts[] = {
        {"buffers", WL_OPT_U64, &nbuffers, 1, (uint64_t)1 << 40},
        {"max-size", WL_OPT_SIZE, &max_size, 1, WL_MAX_BLOCK},
        {"live", WL_OPT_U64, &live, 1, (uint64_t)1 << 20},
        WL_OPT_SEED(&seed),
    };
    wl_parse_options(argc, argv, opts, sizeof opts / sizeof opts[0]);
    if (live > nbuffers) live = nbuffers;

    wl_rng rng;
    wl_rng_seed(&rng, seed, 0);
    buffer *bufs = wl_xcalloc(live, sizeof *bufs);
    uint64_t started = 0, finished = 0, reallocs = 0, moved = 0, bytes = 0;
    for (uint64_t i = 0; i < live; i++)
        start_buffer(&bufs[i], &rng, max_size, ++started);

    double start = wl_now();
    uint64_t active = live;
    while (active > 0) {
        uint64_t idx = wl_rng_below(&rng, active);
        buffer *b = &bufs[idx];
        size_t add = wl_rng_range(&rng, 1, 64);
        if (add > b->target - b->len) add = b->target - b->len;
        size_t need = b->len + add;
        if (need > b->cap) {
            size_t cap = next_capacity(b, need);
            unsigned char *q = realloc(b->p, cap);
            if (!q) wl_alloc_failed("realloc", cap);
            reallocs++;
            moved += q != b->p;
            b->p = q;
            b->cap = cap;
            if (b->len > 0) {
                size_t mid = wl_rng_below(&rng, b->len);
                wl_verify_bytes(q, 0, 1, b->len, b->tag);
                wl_verify_bytes(q, mid, mid + 1, b->len, b->tag);
                wl_verify_bytes(q, b->len - 1, b->len, b->len, b->tag);
            }
        }
        wl_fill_bytes(b->p, b->len, need, b->tag);
        b->len = need;
        bytes += add;
        if (b->len == b->target) {
            wl_verify_bytes(b->p, 0, b->len, b->len, b->tag);
            free(b->p);
            finished++;
            if (started < nbuffers)
                start_buffer(b, &rng, max_size, ++started);
            else
                *b = bufs[--active];
        }
    }
    double seconds = wl_now() - start;
    free(bufs);
    wl_result("realloc_grow", reallocs, seconds,
              " buffers=%llu live=%llu max_size=%llu seed=%llu moved=%llu bytes=%llu",
              (unsigned long long)finished, (unsigned long long)live, (unsigned long long)max_size,
              (unsigned long long)seed, (unsigned long long)moved, (unsigned long long)bytes);
    return WL_EXIT_OK;
}
