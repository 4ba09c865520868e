/* The fuzzers' executor: runs a decoded fz_program on one allocator (fz_api.h) and checks every
 * result against a shadow model of the live blocks; optionally records what can be compared
 * with another allocator (the differential target). Calls fz_program.h, fz_api.h, t_alloc.h
 * (block patterns) and pthreads. */
#ifndef FZ_EXEC_H
#define FZ_EXEC_H

#include <stdint.h>

#include "fz_api.h"
#include "fz_program.h"

/* One call's observable result, as far as two conforming allocators must agree on it. Left out
 * on purpose: addresses, usable sizes (any value >= the request is right, and the executor
 * checks that), errno after a success (unspecified) and the contents of bytes the contract
 * leaves undefined (malloc's, the grown part of realloc's, those past the request). Contents
 * that are defined (calloc's zeroes, what a block was given, realloc's kept prefix) are checked
 * by the model on each side and abort there, so they need no event. */
typedef struct {
    uint16_t op;       /* index in the program */
    uint8_t kind;      /* fz_kind */
    uint8_t got_block; /* the call returned a block (free, usable: the slot held one) */
    int err;           /* failed call: errno, or posix_memalign's return value; else 0 */
} fz_event;

typedef struct {
    fz_event events[FZ_MAX_THREADS][FZ_MAX_OPS];
    unsigned nevents[FZ_MAX_THREADS];
} fz_trace;

/* Runs prog on api: on the calling thread when prog->threads is 1, else on prog->threads new
 * threads (replaced where the program says so) while the caller keeps the phases in step. Every
 * block still live at the end is checked and freed. A broken contract prints the operation and
 * the program to stderr and aborts. trace (may be NULL) receives each thread's events. */
void fz_run(const fz_program *prog, const fz_api *api, fz_trace *trace);

/* Prints the program, one operation a line, to stderr (FZ_PRINT=1 in the targets). */
void fz_print_program(const fz_program *prog);

/* Aborts, printing the first difference, unless traces a (of allocator an) and b agree. */
void fz_trace_compare(const fz_program *prog, const fz_trace *a, const char *an, const fz_trace *b,
                      const char *bn);

#endif
