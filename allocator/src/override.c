/* override.c: the libc allocation names, mapped onto the hak_* API (the engine knows nothing
 * of them). Built without -DHAKMEM_NO_OVERRIDE only: sanitizer builds keep libc's malloc and
 * export hak_* alone. C++ operator new/delete (all sized and aligned forms) reach these through
 * libstdc++, which implements them with malloc, free and aligned_alloc. Calls hakmem.h. */
#include "internal.h"

#ifndef HAKMEM_NO_OVERRIDE

HAK_EXPORT void *malloc(size_t size)
{
    return hak_malloc(size);
}
HAK_EXPORT void free(void *p)
{
    hak_free(p);
}
HAK_EXPORT void *calloc(size_t n, size_t size)
{
    return hak_calloc(n, size);
}
HAK_EXPORT void *realloc(void *p, size_t size)
{
    return hak_realloc(p, size);
}
HAK_EXPORT void *reallocarray(void *p, size_t n, size_t size)
{
    return hak_reallocarray(p, n, size);
}
HAK_EXPORT int posix_memalign(void **out, size_t align, size_t size)
{
    return hak_posix_memalign(out, align, size);
}
HAK_EXPORT void *aligned_alloc(size_t align, size_t size)
{
    return hak_aligned_alloc(align, size);
}
HAK_EXPORT void *memalign(size_t align, size_t size)
{
    return hak_memalign(align, size);
}
HAK_EXPORT void *valloc(size_t size)
{
    return hak_valloc(size);
}
HAK_EXPORT void *pvalloc(size_t size)
{
    return hak_pvalloc(size);
}
HAK_EXPORT size_t malloc_usable_size(void *p)
{
    return hak_malloc_usable_size(p);
}
#endif
