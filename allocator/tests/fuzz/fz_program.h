/* The fuzzers' program: what one input decodes to (fz_decode.c), and what the executor
 * (fz_exec.c) runs and checks. Owns the input format, the size and alignment encodings and the
 * allocation contract each operation is checked against (its expected outcome). Calls nothing.
 *
 * A program is a list of operations on FZ_NSLOTS block slots, each tagged with the thread that
 * runs it and the phase it belongs to. Threads run one phase concurrently, each on the slots it
 * owns; a barrier ends the phase. Blocks change hands only at barriers (FZ_GIVE takes effect at
 * the next phase), so every thread's view of its own slots, and therefore the outcome of every
 * operation, is fixed by the input alone: a given input replays the same way, up to the
 * interleaving of the threads inside the allocator.
 *
 * Input format (bytes; decoding stops at the end of the input or at FZ_MAX_OPS operations):
 *   header   1 byte: thread count, params.min_threads + byte % (max - min + 1)
 *   op       1 byte: thread = (byte >> 4) % threads, kind = byte & 15: 0 malloc, 1 calloc,
 *            2 realloc, 3 reallocarray, 4 free, 5 posix_memalign, 6 aligned_alloc, 7 memalign,
 *            8 valloc, 9 pvalloc, 10 usable, 11 give, 12 phase, 13 exit, 14 malloc, 15 trim;
 *            then the operands of that kind:
 *     malloc valloc pvalloc realloc   slot, size
 *     calloc reallocarray             slot, count, size
 *     posix_memalign aligned_alloc memalign   slot, alignment, size
 *     free usable                     slot
 *     trim                            (none; beyond FZ_MAX_TRIMS, dropped)
 *     give                            slot, receiver
 *     phase exit                      (none; exit: the thread ends with the phase, a new
 *                                     thread takes its index and slots)
 *   slot     1 byte: index into the slots the thread owns now (byte % count)
 *   size     3 bytes m, v1, v2 (v = v1 << 8 | v2), mode = m & 7, delta d = (m >> 3) - 16:
 *     0 tiny 0..1024 (v % 1025)        1 a quarter doubling (16 .. 3.5 MiB: the class edges) + d
 *     2 mid 1025..8192                 3 page runs: (2 + v1 % 255) pages + (v2 - 128) bytes
 *     4 a tier boundary + d            5 large: 1 MiB + 1 + 48 v (up to about 4 MiB)
 *     6 an impossible size (ENOMEM)    7 any 16-bit size v
 *   count    1 byte: bit 7 set = an overflowing (count, size) pair from a table (both from
 *            the table, the size operand still follows), else count = byte & 127
 *   alignment 1 byte: below 0xe0, 1 << (byte % (params.max_align_log2 + 1)); from 0xe0, a bad
 *            alignment from a table (zero, not a power of two, below sizeof(void *), huge)
 *   receiver 1 byte: another thread, (giver + 1 + byte % (threads - 1)) % threads */
#ifndef FZ_PROGRAM_H
#define FZ_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FZ_NSLOTS 48
#define FZ_MAX_THREADS 4
#define FZ_MAX_OPS 512
#define FZ_MAX_PHASES 64
/* Trims a program keeps (later ones are dropped): each one unmaps the allocator's caches, and
 * the pages faulted back in afterwards dominated the run time. */
#define FZ_MAX_TRIMS 2

/* The allocation contract as hakmem documents it (allocator/README.md, "Bad input" and
 * "Alignment"): every power-of-two alignment up to 1 GiB is served; a larger one may be served
 * (any power of two that fits the address space) or fail with ENOMEM. */
#define FZ_SUPPORTED_ALIGN ((size_t)1 << 30)
/* The largest alignment the targets ask for (1 << this): past 2 MiB, where a large block's
 * header moves into a chunk of its own, while the address space used stays small. */
#define FZ_GEN_ALIGN_LOG2 22
/* Requests the decoder keeps possible sizes under: a run stays fast and memory stays capped.
 * The largest block, and the requested bytes live at once over all threads. */
#define FZ_SIZE_CAP ((size_t)4 << 20)
#define FZ_LIVE_CAP ((size_t)48 << 20)
/* Sizes at or above this can never be served (no 128 TiB mapping exists on x86-64). */
#define FZ_IMPOSSIBLE ((size_t)1 << 47)
/* Every block malloc returns is aligned for max_align_t (x86-64: 16). */
#define FZ_MALLOC_ALIGN ((size_t)16)

typedef enum {
    FZ_MALLOC,
    FZ_CALLOC,
    FZ_REALLOC,
    FZ_REALLOCARRAY,
    FZ_FREE,
    FZ_POSIX_MEMALIGN,
    FZ_ALIGNED_ALLOC,
    FZ_MEMALIGN,
    FZ_VALLOC,
    FZ_PVALLOC,
    FZ_USABLE, /* malloc_usable_size, then the whole usable size is written */
    FZ_GIVE,   /* hand the slot's block (or emptiness) to another thread */
    FZ_TRIM,   /* return free memory to the OS (hak_trim, malloc_trim); live blocks must stay */
    FZ_NKINDS
} fz_kind;

/* What the contract says a call does. */
typedef enum {
    FZ_EXPECT_BLOCK,  /* a block (non-NULL, aligned, usable size >= the request) */
    FZ_EXPECT_EITHER, /* size 0, or an alignment above 1 GiB: a block or NULL, both allowed */
    FZ_EXPECT_ENOMEM, /* NULL and errno ENOMEM (posix_memalign: returns ENOMEM) */
    FZ_EXPECT_EINVAL, /* NULL and errno EINVAL (posix_memalign: returns EINVAL) */
} fz_expect;

typedef struct {
    uint8_t kind;   /* fz_kind */
    uint8_t thread; /* runs it */
    uint8_t slot;
    uint8_t to;        /* FZ_GIVE: the receiving thread */
    uint8_t expect;    /* fz_expect; realloc: as if the slot were empty (the executor knows
                        * whether it is live: realloc(p, 0) of a live p frees it, returns NULL) */
    size_t size;       /* malloc .. pvalloc: the size; calloc, reallocarray: the element size */
    size_t count;      /* calloc, reallocarray */
    size_t align;      /* the aligned family: as passed; alignment checked: min_align below */
    size_t min_align;  /* the alignment the result must have */
    size_t min_usable; /* the usable size the result must have (pvalloc: whole pages) */
} fz_op;

typedef struct {
    unsigned threads;
    unsigned nops;
    unsigned nphases; /* phases with operations; the executor adds a last one */
    unsigned
        phase_start[FZ_MAX_PHASES + 1]; /* ops of phase k: [phase_start[k], phase_start[k+1]) */
    uint8_t exits[FZ_MAX_PHASES];       /* bit t: thread t ends with phase k */
    fz_op ops[FZ_MAX_OPS];
} fz_program;

typedef struct {
    unsigned min_threads, max_threads; /* 1..FZ_MAX_THREADS */
    unsigned max_align_log2;           /* largest alignment generated: 1 << this */
    bool allow_exit;                   /* threads may end and be replaced (not when run inline) */
    /* Only operations whose outcome glibc's contract shares with hakmem's (the differential
     * target): see fz_decode.c for each exclusion and why. */
    bool portable;
} fz_decode_params;

/* Decodes data[0..n) into *prog (every operation carries its expected outcome). */
void fz_decode(const uint8_t *data, size_t n, const fz_decode_params *params, fz_program *prog);

#endif
