/* fz_api.c: the two allocator tables (see fz_api.h). Calls hakmem.h and the C library. */
#include <malloc.h>
#include <stdlib.h>

#include "fz_api.h"
#include "hakmem.h"

/* hak_malloc_usable_size takes a const pointer, glibc's does not: one signature for both. */
static size_t hak_usable(void *p)
{
    return hak_malloc_usable_size(p);
}

/* malloc_trim's result (whether memory was returned) is not part of any contract compared. */
static void libc_trim(void)
{
    malloc_trim(0);
}

const fz_api fz_api_hakmem = {
    "hakmem",    hak_malloc,         hak_calloc,        hak_realloc,  hak_reallocarray,
    hak_free,    hak_posix_memalign, hak_aligned_alloc, hak_memalign, hak_valloc,
    hak_pvalloc, hak_usable,         hak_trim,
};

const fz_api fz_api_libc = {
    "glibc",       malloc,   calloc, realloc, reallocarray,       free,      posix_memalign,
    aligned_alloc, memalign, valloc, pvalloc, malloc_usable_size, libc_trim,
};
