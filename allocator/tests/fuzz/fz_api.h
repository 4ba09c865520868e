/* The allocator a fuzz run calls, as a table of the malloc family: hakmem's hak_* names, or
 * the C library's (glibc, for the differential target). Calls through a table also keep the
 * compiler from reasoning about the calls as the builtins they resemble. */
#ifndef FZ_API_H
#define FZ_API_H

#include <stddef.h>

typedef struct {
    const char *name;
    void *(*malloc)(size_t);
    void *(*calloc)(size_t, size_t);
    void *(*realloc)(void *, size_t);
    void *(*reallocarray)(void *, size_t, size_t);
    void (*free)(void *);
    int (*posix_memalign)(void **, size_t, size_t);
    void *(*aligned_alloc)(size_t, size_t);
    void *(*memalign)(size_t, size_t);
    void *(*valloc)(size_t);
    void *(*pvalloc)(size_t);
    size_t (*usable_size)(void *);
    void (*trim)(void);
} fz_api;

/* hakmem through hak_* (the library is built with -DHAKMEM_NO_OVERRIDE). */
extern const fz_api fz_api_hakmem;
/* The C library's names: glibc when no hakmem override is linked (differential target only). */
extern const fz_api fz_api_libc;

#endif
