/* fz_exec.c: the executor and its shadow model (see fz_exec.h).
 *
 * The model keeps, per slot, the live block, its requested size and the pattern it was filled
 * with; it checks that
 *   - every block is aligned (FZ_MALLOC_ALIGN, or what the aligned call asked for) and has at
 *     least the usable size asked (pvalloc: whole pages);
 *   - no two live blocks overlap: a new block against the thread's own at once, all of them
 *     at every barrier (intervals [p, p + usable size));
 *   - contents are preserved: before every free and realloc, on hand-over (by the receiver),
 *     after a failed realloc, after trim (the thread's blocks), and at the end; calloc memory
 *     is zero; realloc keeps the prefix;
 *   - failures are the specified ones: NULL + ENOMEM for impossible sizes and alignments above
 *     the supported one, EINVAL for bad alignments, and a failed realloc keeps the block.
 * Big blocks are sampled (pattern_walk), calloc's zeroes too, so a run stays fast. */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fz_exec.h"
#include "t_alloc.h"

#define NONE ((size_t)-1)
#define PAGE ((size_t)4096)
/* Blocks up to this are filled and checked whole; bigger ones in samples (pattern_walk). */
#define FULL_BYTES ((size_t)16384)
#define SAMPLE_BYTES ((size_t)64)
#define SAMPLE_STRIDE ((size_t)64 << 10)

static const char *const kind_names[FZ_NKINDS] = {
    "malloc",   "calloc", "realloc", "reallocarray", "free", "posix_memalign", "aligned_alloc",
    "memalign", "valloc", "pvalloc", "usable",       "give", "trim",
};

typedef struct {
    unsigned char *p;
    size_t req;    /* requested bytes */
    size_t usable; /* malloc_usable_size when it was allocated */
    size_t extent; /* [0, extent) holds the pattern of seed (the request, or all usable bytes) */
    uint64_t seed;
} slot;

struct run;
typedef struct {
    struct run *run;
    unsigned index;
    pthread_t tid;
    uint8_t owned[FZ_NSLOTS];
    unsigned nowned;
} worker;

typedef struct run {
    const fz_program *prog;
    const fz_api *api;
    fz_trace *trace;
    slot slots[FZ_NSLOTS];
    worker workers[FZ_MAX_THREADS];
    unsigned phase; /* written by the coordinator before the start barrier */
    pthread_barrier_t start, end;
} run;

static void print_op(const fz_program *prog, unsigned i)
{
    const fz_op *op = &prog->ops[i];
    fprintf(stderr, "  #%u thread %u %s", i, op->thread, kind_names[op->kind]);
    if (op->kind != FZ_TRIM) fprintf(stderr, " slot %u", op->slot);
    if (op->kind == FZ_GIVE)
        fprintf(stderr, " to thread %u", op->to);
    else if (op->kind == FZ_CALLOC || op->kind == FZ_REALLOCARRAY)
        fprintf(stderr, " count %zu size %zu", op->count, op->size);
    else if (op->kind == FZ_POSIX_MEMALIGN || op->kind == FZ_ALIGNED_ALLOC ||
             op->kind == FZ_MEMALIGN)
        fprintf(stderr, " align %zu size %zu", op->align, op->size);
    else if (op->kind != FZ_FREE && op->kind != FZ_USABLE && op->kind != FZ_TRIM)
        fprintf(stderr, " size %zu", op->size);
    fputc('\n', stderr);
}

void fz_print_program(const fz_program *prog)
{
    fprintf(stderr, "program: %u thread(s), %u op(s), %u phase(s)\n", prog->threads, prog->nops,
            prog->nphases);
    for (unsigned ph = 0; ph < prog->nphases; ph++) {
        fprintf(stderr, " phase %u:\n", ph);
        for (unsigned i = prog->phase_start[ph]; i < prog->phase_start[ph + 1]; i++)
            print_op(prog, i);
        if (prog->exits[ph]) fprintf(stderr, "  exit mask 0x%x\n", prog->exits[ph]);
    }
}

/* A broken contract: names the allocator, the operation (op == NONE: end of a phase) and why. */
__attribute__((noreturn, format(printf, 3, 4))) static void fail(const run *r, size_t op,
                                                                 const char *fmt, ...)
{
    fprintf(stderr, "fuzz: %s: ", r->api->name);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (op != NONE) print_op(r->prog, (unsigned)op);
    fz_print_program(r->prog);
    abort();
}

typedef enum { WALK_FILL, WALK_CHECK, WALK_ZERO } walk_mode;

/* One range [off, off + len) of a block, cut at limit: fill it with the pattern, check the
 * pattern, or check that it is zero. Returns the offset of the first wrong byte or NONE. */
static size_t walk_range(unsigned char *p, size_t off, size_t len, size_t limit, uint64_t seed,
                         walk_mode mode)
{
    if (off >= limit) return NONE;
    if (len > limit - off) len = limit - off;
    size_t bad = NONE;
    if (mode == WALK_FILL)
        t_pattern_fill(p + off, len, seed, off, 0);
    else if (mode == WALK_CHECK)
        bad = t_pattern_check(p + off, len, seed, off, 0);
    else
        for (size_t i = 0; i < len && bad == NONE; i++)
            if (p[off + i]) bad = i;
    return bad == NONE ? NONE : off + bad;
}

/* The bytes of [0, limit) of a block of n bytes that the model writes and checks: all of them
 * up to FULL_BYTES; beyond, the first and last page and SAMPLE_BYTES every SAMPLE_STRIDE in
 * between. Headers, free-list links and copy bugs hit the ends of a block, which are whole;
 * an overlap is caught by address at once, and a big block costs a few pages, not all (fresh
 * pages are most of a run's time). Each range's pattern depends only on seed and its offset,
 * so a check may stop short of n (realloc's kept prefix). Returns the first wrong offset or
 * NONE. */
static size_t pattern_walk(unsigned char *p, size_t n, size_t limit, uint64_t seed, walk_mode mode)
{
    if (n <= FULL_BYTES) return walk_range(p, 0, n, limit, seed, mode);
    size_t bad = walk_range(p, 0, PAGE, limit, seed, mode);
    for (size_t off = SAMPLE_STRIDE; bad == NONE && off + SAMPLE_BYTES <= n - PAGE;
         off += SAMPLE_STRIDE)
        bad = walk_range(p, off, SAMPLE_BYTES, limit, seed, mode);
    return bad != NONE ? bad : walk_range(p, n - PAGE, PAGE, limit, seed, mode);
}

static void check_slot(const run *r, size_t op, unsigned si, const char *when)
{
    const slot *s = &r->slots[si];
    if (!s->p) return;
    size_t bad = pattern_walk(s->p, s->extent, s->extent, s->seed, WALK_CHECK);
    if (bad != NONE)
        fail(r, op, "slot %u: block %p (%zu bytes asked, %zu written) changed at byte %zu %s", si,
             (void *)s->p, s->req, s->extent, bad, when);
}

static bool overlaps(const unsigned char *a, size_t an, const unsigned char *b, size_t bn)
{
    return a < b + (bn ? bn : 1) && b < a + (an ? an : 1);
}

/* A new block q for slot si: aligned, big enough, apart from the thread's other blocks. */
static size_t check_new_block(const run *r, const worker *w, size_t op, unsigned si,
                              unsigned char *q, size_t min_align, size_t min_usable)
{
    if ((uintptr_t)q % min_align != 0)
        fail(r, op, "block %p is not %zu-aligned", (void *)q, min_align);
    size_t usable = r->api->usable_size(q);
    if (usable < min_usable)
        fail(r, op, "block %p: usable size %zu < %zu", (void *)q, usable, min_usable);
    for (unsigned k = 0; k < w->nowned; k++) {
        const slot *o = &r->slots[w->owned[k]];
        if (w->owned[k] != si && o->p && overlaps(q, usable, o->p, o->usable))
            fail(r, op, "block %p (%zu usable) overlaps slot %u's %p (%zu usable)", (void *)q,
                 usable, w->owned[k], (void *)o->p, o->usable);
    }
    return usable;
}

static void record(run *r, const worker *w, unsigned i, bool got_block, int err)
{
    if (!r->trace) return;
    fz_event *e = &r->trace->events[w->index][r->trace->nevents[w->index]++];
    *e = (fz_event){(uint16_t)i, r->prog->ops[i].kind, got_block, err};
}

static void release(run *r, size_t op, unsigned si, const char *when)
{
    check_slot(r, op, si, when);
    r->api->free(r->slots[si].p);
    r->slots[si].p = NULL;
}

/* The outcome of a call that returned q (errno err), against what the op expects. */
static void check_outcome(const run *r, unsigned i, fz_expect expect, bool got, int err)
{
    const char *name = kind_names[r->prog->ops[i].kind];
    if (expect == FZ_EXPECT_BLOCK && !got) fail(r, i, "%s failed (errno %d)", name, err);
    if ((expect == FZ_EXPECT_ENOMEM || expect == FZ_EXPECT_EINVAL) &&
        (got || err != (expect == FZ_EXPECT_ENOMEM ? ENOMEM : EINVAL)))
        fail(r, i, "%s: %s, errno %d; want NULL and %s", name, got ? "a block" : "NULL", err,
             expect == FZ_EXPECT_ENOMEM ? "ENOMEM" : "EINVAL");
}

/* A new block in slot si: checked, calloc's zeroes verified, filled with op i's pattern. */
static void adopt_block(run *r, const worker *w, unsigned i, unsigned si, unsigned char *q,
                        size_t req)
{
    const fz_op *op = &r->prog->ops[i];
    slot *s = &r->slots[si];
    s->usable = check_new_block(r, w, i, si, q, op->min_align, op->min_usable);
    if (op->kind == FZ_CALLOC) {
        size_t bad = pattern_walk(q, req, req, 0, WALK_ZERO);
        if (bad != NONE) fail(r, i, "calloc block %p: byte %zu is not zero", (void *)q, bad);
    }
    s->p = q;
    s->req = req;
    s->extent = req;
    s->seed = (uint64_t)i * FZ_NSLOTS + si + 1;
    pattern_walk(q, req, req, s->seed, WALK_FILL);
}

static void run_realloc(run *r, const worker *w, unsigned i)
{
    const fz_op *op = &r->prog->ops[i];
    slot *s = &r->slots[op->slot];
    size_t req = op->kind == FZ_REALLOC ? op->size : op->count * op->size;
    check_slot(r, i, op->slot, "before realloc");
    errno = 0;
    unsigned char *q = op->kind == FZ_REALLOC ? r->api->realloc(s->p, op->size)
                                              : r->api->reallocarray(s->p, op->count, op->size);
    int err = q ? 0 : errno;
    record(r, w, i, q != NULL, err);
    if (s->p && op->expect == FZ_EXPECT_EITHER) { /* size 0: frees, returns NULL (README) */
        if (q) fail(r, i, "realloc(p, 0) returned %p, want NULL (p freed)", (void *)q);
        s->p = NULL;
        return;
    }
    check_outcome(r, i, op->expect, q != NULL, err);
    if (!q) {
        check_slot(r, i, op->slot, "after a failed realloc");
        return;
    }
    slot old = *s;
    if (old.p) {
        size_t keep = old.req < req ? old.req : req;
        size_t bad = pattern_walk(q, old.extent, keep, old.seed, WALK_CHECK);
        if (bad != NONE)
            fail(r, i, "realloc %p (%zu bytes) -> %p (%zu): kept byte %zu changed", (void *)old.p,
                 old.req, (void *)q, req, bad);
    }
    s->p = NULL; /* the old block is gone: q may overlap where it was */
    adopt_block(r, w, i, op->slot, q, req);
}

static void run_alloc(run *r, const worker *w, unsigned i)
{
    const fz_op *op = &r->prog->ops[i];
    const fz_api *a = r->api;
    if (r->slots[op->slot].p) release(r, i, op->slot, "before the slot is reused");
    size_t req = op->kind == FZ_CALLOC ? op->count * op->size : op->size;
    unsigned char *q = NULL;
    int err = 0;
    errno = 0;
    switch (op->kind) {
    case FZ_MALLOC:
        q = a->malloc(op->size);
        break;
    case FZ_CALLOC:
        q = a->calloc(op->count, op->size);
        break;
    case FZ_ALIGNED_ALLOC:
        q = a->aligned_alloc(op->align, op->size);
        break;
    case FZ_MEMALIGN:
        q = a->memalign(op->align, op->size);
        break;
    case FZ_VALLOC:
        q = a->valloc(op->size);
        break;
    case FZ_PVALLOC:
        q = a->pvalloc(op->size);
        break;
    default: { /* posix_memalign reports through its return value, errno is not specified */
        void *out = NULL;
        err = a->posix_memalign(&out, op->align, op->size);
        if (err == 0) q = out;
        if (err == 0 && op->expect != FZ_EXPECT_EITHER && !q)
            fail(r, i, "posix_memalign returned 0 and NULL");
        break;
    }
    }
    if (op->kind != FZ_POSIX_MEMALIGN) err = q ? 0 : errno;
    record(r, w, i, q != NULL, err);
    check_outcome(r, i, op->expect, q != NULL, err);
    if (q) adopt_block(r, w, i, op->slot, q, req);
}

static void run_op(run *r, worker *w, unsigned i)
{
    const fz_op *op = &r->prog->ops[i];
    slot *s = &r->slots[op->slot];
    switch (op->kind) {
    case FZ_FREE:
        record(r, w, i, s->p != NULL, 0);
        release(r, i, op->slot, "before free");
        break;
    case FZ_USABLE: {
        record(r, w, i, s->p != NULL, 0);
        if (!s->p) {
            if (r->api->usable_size(NULL) != 0) fail(r, i, "malloc_usable_size(NULL) != 0");
            break;
        }
        check_slot(r, i, op->slot, "before malloc_usable_size");
        size_t usable = r->api->usable_size(s->p);
        if (usable != s->usable)
            fail(r, i, "usable size of %p changed from %zu to %zu", (void *)s->p, s->usable,
                 usable);
        s->extent = usable; /* every usable byte is the program's to write */
        pattern_walk(s->p, usable, usable, s->seed, WALK_FILL);
        break;
    }
    case FZ_GIVE:
        for (unsigned k = 0; k < w->nowned; k++)
            if (w->owned[k] == op->slot) w->owned[k] = w->owned[--w->nowned];
        break;
    case FZ_TRIM:
        r->api->trim();
        for (unsigned k = 0; k < w->nowned; k++)
            check_slot(r, i, w->owned[k], "after trim");
        break;
    case FZ_REALLOC:
    case FZ_REALLOCARRAY:
        run_realloc(r, w, i);
        break;
    default:
        run_alloc(r, w, i);
        break;
    }
}

static bool is_final(const run *r, unsigned phase)
{
    return phase == r->prog->nphases;
}

/* Worker w's part of a phase: take the blocks given to it in the previous phase (checking
 * them), then run its operations; the final phase checks and frees everything it owns. */
static void run_phase(run *r, worker *w, unsigned phase)
{
    const fz_program *prog = r->prog;
    if (phase > 0) {
        for (unsigned i = prog->phase_start[phase - 1]; i < prog->phase_start[phase]; i++) {
            const fz_op *op = &prog->ops[i];
            if (op->kind != FZ_GIVE || op->to != w->index) continue;
            w->owned[w->nowned++] = op->slot;
            check_slot(r, i, op->slot, "when handed over");
        }
    }
    if (is_final(r, phase)) {
        for (unsigned k = 0; k < w->nowned; k++)
            if (r->slots[w->owned[k]].p) release(r, NONE, w->owned[k], "at the end");
        return;
    }
    for (unsigned i = prog->phase_start[phase]; i < prog->phase_start[phase + 1]; i++)
        if (prog->ops[i].thread == w->index) run_op(r, w, i);
}

/* At a barrier: no two live blocks of any thread overlap. */
static void check_all_apart(const run *r)
{
    unsigned order[FZ_NSLOTS], n = 0;
    for (unsigned s = 0; s < FZ_NSLOTS; s++) {
        if (!r->slots[s].p) continue;
        unsigned k = n++;
        while (k > 0 && r->slots[order[k - 1]].p > r->slots[s].p) {
            order[k] = order[k - 1];
            k--;
        }
        order[k] = s;
    }
    for (unsigned k = 1; k < n; k++) {
        const slot *a = &r->slots[order[k - 1]], *b = &r->slots[order[k]];
        if (overlaps(a->p, a->usable, b->p, b->usable))
            fail(r, NONE, "at a barrier: slot %u's %p (%zu usable) overlaps slot %u's %p",
                 order[k - 1], (void *)a->p, a->usable, order[k], (void *)b->p);
    }
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    run *r = w->run;
    for (;;) {
        pthread_barrier_wait(&r->start);
        unsigned phase = r->phase;
        run_phase(r, w, phase);
        pthread_barrier_wait(&r->end);
        if (is_final(r, phase) || (r->prog->exits[phase] >> w->index & 1)) return NULL;
    }
}

static void start_worker(run *r, unsigned t)
{
    int rc = pthread_create(&r->workers[t].tid, NULL, worker_main, &r->workers[t]);
    if (rc != 0) fail(r, NONE, "pthread_create: %s", strerror(rc));
}

/* The caller keeps the phases in step: it sets the phase, lets the workers run it, checks the
 * blocks at the barrier and replaces the threads that end with the phase. */
static void run_threads(run *r)
{
    unsigned n = r->prog->threads;
    pthread_barrier_init(&r->start, NULL, n + 1);
    pthread_barrier_init(&r->end, NULL, n + 1);
    for (unsigned t = 0; t < n; t++)
        start_worker(r, t);
    for (unsigned phase = 0; phase <= r->prog->nphases; phase++) {
        r->phase = phase;
        pthread_barrier_wait(&r->start);
        pthread_barrier_wait(&r->end);
        check_all_apart(r);
        for (unsigned t = 0; t < n; t++) {
            if (!is_final(r, phase) && !(r->prog->exits[phase] >> t & 1)) continue;
            pthread_join(r->workers[t].tid, NULL);
            if (!is_final(r, phase)) start_worker(r, t);
        }
    }
    pthread_barrier_destroy(&r->start);
    pthread_barrier_destroy(&r->end);
}

void fz_run(const fz_program *prog, const fz_api *api, fz_trace *trace)
{
    static run r; /* one run at a time; too big for a thread's stack under ASan */
    memset(&r, 0, sizeof r);
    r.prog = prog;
    r.api = api;
    r.trace = trace;
    if (trace) memset(trace->nevents, 0, sizeof trace->nevents);
    for (unsigned t = 0; t < prog->threads; t++) {
        r.workers[t].run = &r;
        r.workers[t].index = t;
    }
    for (unsigned s = 0; s < FZ_NSLOTS; s++) {
        worker *w = &r.workers[s % prog->threads];
        w->owned[w->nowned++] = (uint8_t)s;
    }
    if (prog->threads > 1) {
        run_threads(&r);
        return;
    }
    for (unsigned phase = 0; phase <= prog->nphases; phase++) {
        run_phase(&r, &r.workers[0], phase);
        check_all_apart(&r);
    }
}

static void print_event(const char *name, const fz_event *e)
{
    fprintf(stderr, "  %s: %s, error %d\n", name, e->got_block ? "a block" : "no block", e->err);
}

void fz_trace_compare(const fz_program *prog, const fz_trace *a, const char *an, const fz_trace *b,
                      const char *bn)
{
    for (unsigned t = 0; t < prog->threads; t++) {
        unsigned n = a->nevents[t] < b->nevents[t] ? a->nevents[t] : b->nevents[t];
        for (unsigned k = 0; k < n; k++) {
            const fz_event *ea = &a->events[t][k], *eb = &b->events[t][k];
            if (ea->op == eb->op && ea->got_block == eb->got_block && ea->err == eb->err) continue;
            fprintf(stderr, "differential: thread %u, event %u differs:\n", t, k);
            print_op(prog, ea->op);
            print_event(an, ea);
            print_event(bn, eb);
            fz_print_program(prog);
            abort();
        }
        if (a->nevents[t] != b->nevents[t]) {
            fprintf(stderr, "differential: thread %u: %u events on %s, %u on %s\n", t,
                    a->nevents[t], an, b->nevents[t], bn);
            fz_print_program(prog);
            abort();
        }
    }
}
