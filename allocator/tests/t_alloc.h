/* Allocator test flavors: one test source, several builds.
 *   default        the libc names (malloc, free, ...): hakmem when linked with libhakmem.a or
 *                  preloaded, glibc when built as a plain program (to validate the tests)
 *   -DT_USE_HAK    the hak_* names: for the ASan/TSan libraries built with HAKMEM_NO_OVERRIDE
 *   -DT_EXPECT_HAKMEM  the binary must be running on hakmem (t_hakmem_is_active checks it)
 *   -DT_LINKS_HAKMEM   hakmem is linked in, so the hak_* extras (hak_stats_get) can be called
 *   -DT_PRELOAD_LIB="path"  a glibc-linked binary that re-executes itself under LD_PRELOAD=path
 *                  (t_preload_self), to test the shared library the way users load it
 * Also the small helpers every test shares: block patterns and a forked-child runner. */
#ifndef T_ALLOC_H
#define T_ALLOC_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <malloc.h>

#include "hakmem.h"

#ifdef T_USE_HAK
#define T_MALLOC hak_malloc
#define T_FREE hak_free
#define T_CALLOC hak_calloc
#define T_REALLOC hak_realloc
#define T_REALLOCARRAY hak_reallocarray
#define T_POSIX_MEMALIGN hak_posix_memalign
#define T_ALIGNED_ALLOC hak_aligned_alloc
#define T_MEMALIGN hak_memalign
#define T_VALLOC hak_valloc
#define T_PVALLOC hak_pvalloc
#define T_USABLE_SIZE hak_malloc_usable_size
#else
#define T_MALLOC malloc
#define T_FREE free
#define T_CALLOC calloc
#define T_REALLOC realloc
#define T_REALLOCARRAY reallocarray
#define T_POSIX_MEMALIGN posix_memalign
#define T_ALIGNED_ALLOC aligned_alloc
#define T_MEMALIGN memalign
#define T_VALLOC valloc
#define T_PVALLOC pvalloc
#define T_USABLE_SIZE malloc_usable_size
#endif

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define T_SANITIZED 1
#else
#define T_SANITIZED 0
#endif

/* Tier boundaries (tiny <= 1 KiB, mid classes <= 8 KiB, page runs <= 1 MiB, large beyond). */
#define T_TINY_MAX ((size_t)1024)
#define T_MID_MAX ((size_t)8 * 1024)
#define T_SPAN_MAX ((size_t)1024 * 1024)

/* Fills / checks n bytes at p with a pattern derived from (owner, size, seq): two live blocks
 * never share a pattern, so an overlap or a stray write shows up at verification. */
void t_pattern_fill(void *p, size_t n, uint64_t owner, uint64_t size, uint64_t seq);
/* Returns the offset of the first wrong byte, or (size_t)-1 when all n bytes are intact. */
size_t t_pattern_check(const void *p, size_t n, uint64_t owner, uint64_t size, uint64_t seq);

/* 1 when the running program allocates through hakmem rather than glibc: the object that
 * defines the malloc this program calls is not libc.so. Only meaningful for libc-name builds. */
int t_hakmem_is_active(void);
/* 1 when the function fn points to is defined outside libc.so (by hakmem, when it runs). */
int t_fn_outside_libc(const void *fn);

/* With -DT_PRELOAD_LIB: re-executes the program (same argv) under LD_PRELOAD=T_PRELOAD_LIB
 * unless it already runs that way; returns only on failure, after printing why. Without it:
 * returns at once. Call it first thing in main. */
void t_preload_self(char **argv);

/* Outcome of t_child_run. */
typedef struct {
    int exited; /* exited normally, with code exit_code */
    int exit_code;
    int signaled; /* killed by signal sig */
    int sig;
    int timed_out;   /* still running at the deadline: killed (a hang or a deadlock) */
    char err[16384]; /* the child's stderr (truncated, NUL-terminated) */
} t_child_result;

/* Runs fn(arg) in a forked child with core dumps off, default handlers for fatal signals and
 * stderr captured; the child exits with fn's return value (through exit(), so the allocator's
 * exit path runs too). Waits at most timeout_s seconds. Returns 0, or -1 if fork/pipe failed. */
int t_child_run(int (*fn)(void *), void *arg, unsigned timeout_s, t_child_result *out);

/* Resident memory of this process now (/proc/self/statm), in bytes; 0 if unreadable. */
size_t t_rss_bytes(void);

/* 1 when text contains "0x<hex>" whose value is ptr (the message names the pointer). */
int t_text_names_pointer(const char *text, const void *ptr);
/* Fails the current cmocka test unless the child died of SIGABRT with needle and ptr in its
 * stderr (the allocator refused a bad free or a corrupted heap, naming the pointer). */
void t_assert_aborted_naming(const t_child_result *r, const void *ptr, const char *needle);

#endif
