/* cxx_new.cpp: the C++ allocation operators, every standard form (plain and array; nothrow;
 * sized delete; C++17 aligned; sized aligned delete), straight onto the hak_* engine, so a C++
 * program does not pay libstdc++'s hop through malloc's PLT entry. operator new follows the
 * standard: on failure it calls the installed new_handler and tries again while there is one,
 * and throws std::bad_alloc when there is none; a nothrow form returns nullptr where its
 * throwing twin would throw. Built without -DHAKMEM_NO_OVERRIDE only (sanitizer builds keep
 * libstdc++'s). Owns nothing. Calls hakmem.h (and libstdc++ for the handler and the throw). */
#ifndef HAKMEM_NO_OVERRIDE
#include "hakmem.h"
#include <cstddef>
#include <new>

#define HAK_EXPORT __attribute__((visibility("default")))

namespace
{

/* Out of line: the fast path is a call, a test and a return. */
[[gnu::noinline]] void *new_failed(std::size_t size, std::size_t align)
{
    for (;;) {
        std::new_handler handler = std::get_new_handler();
        if (!handler) throw std::bad_alloc();
        handler();
        void *p = align ? hak_aligned_alloc(align, size) : hak_malloc(size);
        if (p) return p;
    }
}

inline void *new_plain(std::size_t size)
{
    void *p = hak_malloc(size);
    if (__builtin_expect(p != nullptr, 1)) return p;
    return new_failed(size, 0);
}

inline void *new_aligned(std::size_t size, std::align_val_t align)
{
    void *p = hak_aligned_alloc(static_cast<std::size_t>(align), size);
    if (__builtin_expect(p != nullptr, 1)) return p;
    return new_failed(size, static_cast<std::size_t>(align));
}

inline void *new_plain_nothrow(std::size_t size) noexcept
{
    try {
        return new_plain(size);
    } catch (...) {
        return nullptr;
    }
}

inline void *new_aligned_nothrow(std::size_t size, std::align_val_t align) noexcept
{
    try {
        return new_aligned(size, align);
    } catch (...) {
        return nullptr;
    }
}

} // namespace

HAK_EXPORT void *operator new(std::size_t size)
{
    return new_plain(size);
}
HAK_EXPORT void *operator new[](std::size_t size)
{
    return new_plain(size);
}
HAK_EXPORT void *operator new(std::size_t size, const std::nothrow_t &) noexcept
{
    return new_plain_nothrow(size);
}
HAK_EXPORT void *operator new[](std::size_t size, const std::nothrow_t &) noexcept
{
    return new_plain_nothrow(size);
}
HAK_EXPORT void *operator new(std::size_t size, std::align_val_t align)
{
    return new_aligned(size, align);
}
HAK_EXPORT void *operator new[](std::size_t size, std::align_val_t align)
{
    return new_aligned(size, align);
}
HAK_EXPORT void *operator new(std::size_t size, std::align_val_t align,
                              const std::nothrow_t &) noexcept
{
    return new_aligned_nothrow(size, align);
}
HAK_EXPORT void *operator new[](std::size_t size, std::align_val_t align,
                                const std::nothrow_t &) noexcept
{
    return new_aligned_nothrow(size, align);
}

HAK_EXPORT void operator delete(void *p) noexcept
{
    hak_free(p);
}
HAK_EXPORT void operator delete[](void *p) noexcept
{
    hak_free(p);
}
HAK_EXPORT void operator delete(void *p, const std::nothrow_t &) noexcept
{
    hak_free(p);
}
HAK_EXPORT void operator delete[](void *p, const std::nothrow_t &) noexcept
{
    hak_free(p);
}
HAK_EXPORT void operator delete(void *p, std::size_t size) noexcept
{
    hak_free_sized(p, size);
}
HAK_EXPORT void operator delete[](void *p, std::size_t size) noexcept
{
    hak_free_sized(p, size);
}
HAK_EXPORT void operator delete(void *p, std::align_val_t align) noexcept
{
    hak_free_aligned_sized(p, static_cast<std::size_t>(align), 0);
}
HAK_EXPORT void operator delete[](void *p, std::align_val_t align) noexcept
{
    hak_free_aligned_sized(p, static_cast<std::size_t>(align), 0);
}
HAK_EXPORT void operator delete(void *p, std::align_val_t align, const std::nothrow_t &) noexcept
{
    hak_free_aligned_sized(p, static_cast<std::size_t>(align), 0);
}
HAK_EXPORT void operator delete[](void *p, std::align_val_t align, const std::nothrow_t &) noexcept
{
    hak_free_aligned_sized(p, static_cast<std::size_t>(align), 0);
}
HAK_EXPORT void operator delete(void *p, std::size_t size, std::align_val_t align) noexcept
{
    hak_free_aligned_sized(p, static_cast<std::size_t>(align), size);
}
HAK_EXPORT void operator delete[](void *p, std::size_t size, std::align_val_t align) noexcept
{
    hak_free_aligned_sized(p, static_cast<std::size_t>(align), size);
}
#endif
