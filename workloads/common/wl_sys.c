/* Checked thread and memory helpers (see wl_sys.h). */
#include "wl_sys.h"
#include "wl_cli.h"

#include <stdlib.h>
#include <string.h>

void wl_thread_start(pthread_t *t, void *(*fn)(void *), void *arg)
{
    int err = pthread_create(t, NULL, fn, arg);
    if (err) wl_fail("cannot start a thread: %s", strerror(err));
}

void wl_thread_join(pthread_t t)
{
    int err = pthread_join(t, NULL);
    if (err) wl_fail("cannot join a thread: %s", strerror(err));
}

void wl_alloc_failed(const char *call, size_t size)
{
    wl_fail("%s(%zu) returned NULL (out of memory?)", call, size);
}

void *wl_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n, size);
    if (!p) wl_alloc_failed("calloc", n * size);
    return p;
}
