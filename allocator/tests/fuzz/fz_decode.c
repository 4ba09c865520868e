/* fz_decode.c: input bytes -> fz_program (format in fz_program.h). Every operation gets the
 * outcome the allocation contract gives it, so the executor checks results, never guesses.
 * Sizes come in tiers and boundaries so each tier and each edge is hit often; possible sizes
 * stay under FZ_SIZE_CAP and the live bytes under FZ_LIVE_CAP. Calls nothing. */
#include <string.h>

#include "fz_program.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define KIB ((size_t)1 << 10)
#define MIB ((size_t)1 << 20)
#define PAGE ((size_t)4096)

enum { CODE_PHASE = FZ_NKINDS, CODE_EXIT };

/* Low 4 bits of an op byte -> kind; malloc twice, as the commonest call. */
static const uint8_t code_kind[16] = {
    FZ_MALLOC,        FZ_CALLOC,   FZ_REALLOC, FZ_REALLOCARRAY, FZ_FREE,   FZ_POSIX_MEMALIGN,
    FZ_ALIGNED_ALLOC, FZ_MEMALIGN, FZ_VALLOC,  FZ_PVALLOC,      FZ_USABLE, FZ_GIVE,
    CODE_PHASE,       CODE_EXIT,   FZ_MALLOC,  FZ_TRIM,
};

/* Where tiers and the allocator's mappings meet: tiny/mid (1 KiB), mid/page runs (8 KiB), page
 * runs/large (1 MiB), one 2 MiB region (and a block that just fills one with its header). */
static const size_t tier_edges[] = {
    0,
    16,
    128,
    1 * KIB,
    4 * KIB,
    8 * KIB,
    64 * KIB,
    MIB - PAGE,
    MIB,
    MIB + PAGE,
    2 * MIB - PAGE,
    2 * MIB - 32,
    2 * MIB,
    2 * MIB + PAGE,
    3 * MIB,
    4 * MIB - PAGE,
    4 * MIB,
};

/* No allocator can serve these: every one is >= FZ_IMPOSSIBLE. */
static const size_t impossible_sizes[] = {
    SIZE_MAX,     SIZE_MAX - 1,    SIZE_MAX - 4095, SIZE_MAX - 2 * MIB, SIZE_MAX / 2 + 1,
    SIZE_MAX / 2, (size_t)1 << 62, (size_t)1 << 48, FZ_IMPOSSIBLE,      SIZE_MAX - MIB,
};

/* (count, size) pairs whose product overflows size_t or is impossible. */
static const size_t overflow_pairs[][2] = {
    {SIZE_MAX / 2 + 1, 2},
    {SIZE_MAX, SIZE_MAX},
    {(size_t)1 << 32, (size_t)1 << 32},
    {((size_t)1 << 32) + 1, (size_t)1 << 32},
    {SIZE_MAX / 16 + 1, 16},
    {2, SIZE_MAX / 2 + 1},
    {(size_t)1 << 24, (size_t)1 << 24},
};

/* Alignments no call accepts as they are: zero, not a power of two, below sizeof(void *)
 * (posix_memalign), or far beyond any block. */
static const size_t bad_alignments[] = {
    0,
    3,
    12,
    24,
    48,
    1000,
    4097,
    MIB + 8,
    2,
    4,
    6,
    SIZE_MAX,
    SIZE_MAX / 2 + 1,
    SIZE_MAX / 2 + 2,
    (size_t)1 << 40,
    (size_t)1 << 62,
};

typedef struct {
    const uint8_t *p, *end;
} reader;

/* The next byte; 0 past the end (the caller stops at the next op). */
static uint8_t next(reader *r)
{
    return r->p < r->end ? *r->p++ : 0;
}

static size_t clamp_size(long long s)
{
    if (s < 0) return 0;
    return (size_t)s > FZ_SIZE_CAP ? FZ_SIZE_CAP : (size_t)s;
}

static size_t decode_size(reader *r)
{
    uint8_t m = next(r), v1 = next(r), v2 = next(r);
    unsigned v = (unsigned)v1 << 8 | v2;
    long long d = (long long)(m >> 3) - 16;
    switch (m & 7) {
    case 0:
        return v % (KIB + 1);
    case 1: { /* quarter doublings 16, 20, 24, 28, 32, ... 3.5 MiB: each class edge and more */
        unsigned e = v1 % (18 * 4);
        size_t p = (size_t)16 << (e / 4);
        return clamp_size((long long)(p + p / 4 * (e % 4)) + d);
    }
    case 2:
        return KIB + 1 + v % (8 * KIB - KIB);
    case 3:
        return (2 + v1 % 255) * PAGE + v2 - 128;
    case 4:
        return clamp_size((long long)tier_edges[v1 % COUNT(tier_edges)] +
                          d * (long long)(v2 & 1 ? PAGE : 1));
    case 5:
        return MIB + 1 + 48 * (size_t)v;
    case 6: {
        size_t s = impossible_sizes[v1 % COUNT(impossible_sizes)];
        return s - v2 >= FZ_IMPOSSIBLE ? s - v2 : s;
    }
    default:
        return v;
    }
}

static bool is_pow2(size_t x)
{
    return x && (x & (x - 1)) == 0;
}

static size_t decode_align(reader *r, const fz_decode_params *params)
{
    uint8_t b = next(r);
    if (b < 0xe0) return (size_t)1 << (b % (params->max_align_log2 + 1));
    return bad_alignments[(b - 0xe0) % COUNT(bad_alignments)];
}

/* Smallest power of two >= a (memalign's rounding); a <= SIZE_MAX / 2 + 1. */
static size_t round_pow2(size_t a)
{
    size_t p = 1;
    while (p < a)
        p <<= 1;
    return p;
}

/* Outcome of a plain allocation of size bytes. */
static fz_expect size_expect(size_t size)
{
    if (size >= FZ_IMPOSSIBLE) return FZ_EXPECT_ENOMEM;
    return size == 0 ? FZ_EXPECT_EITHER : FZ_EXPECT_BLOCK;
}

/* The aligned family's contract (allocator/README.md, "Bad input"):
 *   posix_memalign: not a power of two or not a multiple of sizeof(void *) -> EINVAL
 *   aligned_alloc:  not a power of two -> EINVAL
 *   memalign:       above SIZE_MAX / 2 + 1 -> EINVAL, otherwise rounded up to a power of two
 * then, for all three, an impossible size -> ENOMEM; an alignment above FZ_SUPPORTED_ALIGN may
 * be served or fail with ENOMEM.
 * Sets op->expect and op->min_align. */
static void aligned_expect(fz_op *op)
{
    size_t a = op->align;
    if (op->kind == FZ_MEMALIGN) {
        if (a > SIZE_MAX / 2 + 1) {
            op->expect = FZ_EXPECT_EINVAL;
            return;
        }
        a = round_pow2(a);
    } else if (!is_pow2(a) || (op->kind == FZ_POSIX_MEMALIGN && a % sizeof(void *) != 0)) {
        op->expect = FZ_EXPECT_EINVAL;
        return;
    }
    op->min_align = a > FZ_MALLOC_ALIGN ? a : FZ_MALLOC_ALIGN;
    op->expect = a > FZ_SUPPORTED_ALIGN ? FZ_EXPECT_EITHER : size_expect(op->size);
}

/* The differential target runs only what glibc's contract shares with hakmem's; these differ by
 * design, and their outcome under glibc says nothing about hakmem:
 *   - alignments above FZ_SUPPORTED_ALIGN (but not impossible ones): hakmem documents ENOMEM,
 *     glibc serves them; the power of two is taken modulo the supported range instead;
 *   - aligned_alloc with an alignment that is not a power of two: glibc before 2.38 (Debian
 *     bookworm has 2.36) serves it as memalign does, hakmem fails it with EINVAL (C11 DR 460);
 *   - memalign of an alignment whose round-up exceeds FZ_SUPPORTED_ALIGN: the first case again. */
static void make_portable(fz_op *op)
{
    size_t a = op->align;
    bool too_aligned = false;
    if (op->kind == FZ_MEMALIGN)
        too_aligned = a <= SIZE_MAX / 2 + 1 && round_pow2(a) > FZ_SUPPORTED_ALIGN &&
                      round_pow2(a) < FZ_IMPOSSIBLE;
    else
        too_aligned = is_pow2(a) && a > FZ_SUPPORTED_ALIGN && a < FZ_IMPOSSIBLE;
    if (too_aligned || (op->kind == FZ_ALIGNED_ALLOC && !is_pow2(a))) {
        unsigned bits = 0;
        while (((size_t)2 << bits) <= FZ_SUPPORTED_ALIGN)
            bits++;
        op->align = (size_t)1 << (a % (bits + 1));
    }
}

/* calloc / reallocarray: count, size and the product's outcome. Sets op->count, op->size and
 * returns the product (SIZE_MAX when it overflows). */
static size_t decode_array(reader *r, fz_op *op)
{
    uint8_t c = next(r);
    size_t size = decode_size(r);
    if (c & 0x80) {
        const size_t *pair = overflow_pairs[(c & 127) % COUNT(overflow_pairs)];
        op->count = pair[0];
        op->size = pair[1];
    } else {
        op->count = c & 127;
        op->size = size;
    }
    size_t total;
    if (__builtin_mul_overflow(op->count, op->size, &total)) return SIZE_MAX;
    if (total < FZ_IMPOSSIBLE && total > FZ_SIZE_CAP) {
        op->count = FZ_SIZE_CAP / op->size; /* size > 0 here */
        total = op->count * op->size;
    }
    return total;
}

/* Decoding state: who owns which slot, and the requested bytes each slot may hold. */
typedef struct {
    uint8_t owned[FZ_MAX_THREADS][FZ_NSLOTS];
    unsigned nowned[FZ_MAX_THREADS];
    uint8_t arriving[FZ_MAX_THREADS][FZ_NSLOTS]; /* given this phase, owned from the next */
    unsigned narriving[FZ_MAX_THREADS];
    size_t bytes[FZ_NSLOTS]; /* an upper bound of what the slot holds */
    size_t live;             /* sum of bytes[] */
} decode_state;

static void end_phase(decode_state *st, unsigned threads)
{
    for (unsigned t = 0; t < threads; t++) {
        memcpy(&st->owned[t][st->nowned[t]], st->arriving[t], st->narriving[t]);
        st->nowned[t] += st->narriving[t];
        st->narriving[t] = 0;
    }
}

/* A block of `bytes` is about to replace slot's contents: false when that would pass the cap. */
static bool fits(const decode_state *st, unsigned slot, size_t bytes)
{
    return bytes >= FZ_IMPOSSIBLE || st->live - st->bytes[slot] + bytes <= FZ_LIVE_CAP;
}

static void set_bytes(decode_state *st, unsigned slot, size_t bytes)
{
    st->live = st->live - st->bytes[slot] + bytes;
    st->bytes[slot] = bytes;
}

/* Decodes one slot operation's operands into op; returns false to drop it (its thread owns no
 * slot: the operands are read all the same, so the rest of the input decodes alike). Keeps the
 * live bytes under FZ_LIVE_CAP by cutting a request to below a page. */
static bool decode_slot_op(reader *r, const fz_decode_params *params, decode_state *st, fz_op *op)
{
    uint8_t sb = next(r);
    unsigned t = op->thread;
    bool have = st->nowned[t] > 0;
    unsigned slot = have ? st->owned[t][sb % st->nowned[t]] : 0;
    size_t after = st->bytes[slot]; /* what the slot holds once the call succeeded or failed */
    op->slot = (uint8_t)slot;
    op->min_align = FZ_MALLOC_ALIGN;
    switch (op->kind) {
    case FZ_MALLOC:
    case FZ_REALLOC:
    case FZ_VALLOC:
    case FZ_PVALLOC: {
        op->size = decode_size(r);
        size_t bytes = op->kind == FZ_PVALLOC && op->size < FZ_IMPOSSIBLE
                           ? (op->size + PAGE - 1) / PAGE * PAGE
                           : op->size;
        if (!fits(st, slot, bytes)) {
            op->size &= PAGE - 1;
            bytes = op->kind == FZ_PVALLOC ? PAGE : op->size;
        }
        op->expect = size_expect(op->size);
        if (op->kind == FZ_VALLOC || op->kind == FZ_PVALLOC) op->min_align = PAGE;
        op->min_usable = op->kind == FZ_PVALLOC ? bytes : op->size;
        /* A failed realloc keeps the block; a failed allocation has freed the slot's old one. */
        if (op->expect != FZ_EXPECT_ENOMEM)
            after = bytes;
        else if (op->kind != FZ_REALLOC)
            after = 0;
        break;
    }
    case FZ_CALLOC:
    case FZ_REALLOCARRAY: {
        size_t total = decode_array(r, op);
        if (!fits(st, slot, total)) {
            op->count = op->count ? 1 : 0;
            op->size &= PAGE - 1;
            total = op->count * op->size;
        }
        op->expect = size_expect(total);
        op->min_usable = op->expect == FZ_EXPECT_ENOMEM ? 0 : total;
        if (op->expect != FZ_EXPECT_ENOMEM)
            after = total;
        else if (op->kind == FZ_CALLOC)
            after = 0;
        break;
    }
    case FZ_POSIX_MEMALIGN:
    case FZ_ALIGNED_ALLOC:
    case FZ_MEMALIGN:
        op->align = decode_align(r, params);
        op->size = decode_size(r);
        if (!fits(st, slot, op->size)) op->size &= PAGE - 1;
        if (params->portable) make_portable(op);
        aligned_expect(op);
        op->min_usable = op->size;
        after = op->expect == FZ_EXPECT_BLOCK ? op->size : 0;
        break;
    case FZ_FREE:
        after = 0;
        break;
    default: /* FZ_USABLE */
        break;
    }
    if (have) set_bytes(st, slot, after);
    return have;
}

void fz_decode(const uint8_t *data, size_t n, const fz_decode_params *params, fz_program *prog)
{
    reader r = {data, data + n};
    static decode_state st; /* 10 KiB, reset below: keeps the fuzzer's stack small */
    memset(&st, 0, sizeof st);
    unsigned span = params->max_threads - params->min_threads + 1;
    unsigned threads = params->min_threads + next(&r) % span;
    prog->threads = threads;
    prog->nops = 0;
    prog->nphases = 0;
    prog->phase_start[0] = 0;
    memset(prog->exits, 0, sizeof prog->exits);
    for (unsigned s = 0; s < FZ_NSLOTS; s++)
        st.owned[s % threads][st.nowned[s % threads]++] = (uint8_t)s;

    unsigned phase = 0, trims = 0;
    while (r.p < r.end && prog->nops < FZ_MAX_OPS) {
        uint8_t b = next(&r);
        unsigned code = code_kind[b & 15];
        unsigned t = (b >> 4) % threads;
        if (code == CODE_PHASE || code == CODE_EXIT) {
            if (code == CODE_EXIT && params->allow_exit && threads > 1)
                prog->exits[phase] |= (uint8_t)(1u << t);
            end_phase(&st, threads);
            if (phase + 1 == FZ_MAX_PHASES) break;
            prog->phase_start[++phase] = prog->nops;
            continue;
        }
        fz_op *op = &prog->ops[prog->nops];
        memset(op, 0, sizeof *op);
        op->kind = (uint8_t)code;
        op->thread = (uint8_t)t;
        if (code == FZ_GIVE) {
            uint8_t sb = next(&r), to = next(&r);
            if (threads == 1 || st.nowned[t] == 0) continue;
            unsigned k = sb % st.nowned[t];
            op->slot = st.owned[t][k];
            op->to = (uint8_t)((t + 1 + to % (threads - 1)) % threads);
            st.owned[t][k] = st.owned[t][--st.nowned[t]];
            st.arriving[op->to][st.narriving[op->to]++] = op->slot;
        } else if (code == FZ_TRIM) {
            if (trims == FZ_MAX_TRIMS) continue;
            trims++;
        } else if (!decode_slot_op(&r, params, &st, op)) {
            continue;
        }
        prog->nops++;
    }
    prog->nphases = phase + 1;
    prog->phase_start[prog->nphases] = prog->nops;
}
