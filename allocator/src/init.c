/* init.c: process-wide initialisation and fork(). Initialisation never recurses: it calls no
 * dlsym, stdio or locale function, and everything that might allocate (pthread_atfork) runs
 * after the allocator is already usable. Owns the init state, the thread-exit key and the
 * atfork handlers, which take every allocator lock before fork() and release them after, so
 * the child starts consistent. Calls size_class.h, secure.h (its keys), tcache.h, heap.h,
 * superslab.h, legacy.h, span.h, chunk.h, stats.h, fault.h. */
#include "chunk.h"
#include "fault.h"
#include "secure.h"
#include "legacy.h"
#include "span.h"
#include "stats.h"
#include "superslab.h"
#include "tcache.h"
#include <pthread.h>
#include <sched.h>

_Atomic int hak_init_state;
pthread_key_t hak_thread_key;
bool hak_thread_key_ok; /* false if the process ran out of keys: threads then skip the hook */

static void fork_prepare(void)
{
    hak_legacy_fork_prepare();
    hak_heap_fork_prepare();
    hak_stats_fork_prepare();
    hak_ss_lock();
    hak_span_lock();
    hak_chunk_lock();
}

static void fork_parent(void)
{
    hak_chunk_unlock();
    hak_span_unlock();
    hak_ss_unlock();
    hak_stats_fork_release();
    hak_heap_fork_parent();
    hak_legacy_fork_release();
}

static void fork_child(void)
{
    hak_chunk_unlock();
    hak_span_unlock();
    hak_ss_unlock();
    hak_stats_fork_release();
    hak_legacy_fork_release();
    hak_heap_fork_child();
}

void hak_init_slow(void)
{
    int expected = 0;
    if (!atomic_compare_exchange_strong(&hak_init_state, &expected, 1)) {
        while (atomic_load_explicit(&hak_init_state, memory_order_acquire) != 2)
            sched_yield();
        return;
    }
    hak_size_class_init();
    hak_secure_init();
    hak_fault_init();
    hak_thread_key_ok = pthread_key_create(&hak_thread_key, hak_tcache_thread_exit) == 0;
    atomic_store_explicit(&hak_init_state, 2, memory_order_release);
    /* From here on malloc works, so these may allocate. */
    pthread_atfork(fork_prepare, fork_parent, fork_child);
    hak_stats_init();
}
