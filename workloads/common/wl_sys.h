/* Checked wrappers for what a workload cannot run without: starting a thread and getting
 * memory. Failure exits 2 (could not do the job) with a message, never a crash. Calls libc and
 * pthreads. */
#ifndef WL_SYS_H
#define WL_SYS_H

#include "wl_compat.h"

#include <pthread.h>
#include <stddef.h>

WL_BEGIN_DECLS

void wl_thread_start(pthread_t *t, void *(*fn)(void *), void *arg);
void wl_thread_join(pthread_t t);

/* Exits 2 naming the call when an allocation returned NULL. */
WL_NORETURN void wl_alloc_failed(const char *call, size_t size);

/* malloc/calloc for the workload's own bookkeeping (slot arrays), checked. */
void *wl_xcalloc(size_t n, size_t size);

/* Makes p visible to the compiler as used, so a malloc/free pair is never optimised away. */
static inline void wl_escape(void *p)
{
    __asm__ volatile("" : : "r"(p) : "memory");
}

WL_END_DECLS

#endif
