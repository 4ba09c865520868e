/* A heap goes from an exiting thread to a new one only once the exiting thread has let go of it.
 * hak_heap_detach puts the heap in the pool while it is still LIVE and stores POOLED after; a new
 * thread that took it from the pool in between without waiting for POOLED went on using it, and
 * the late POOLED let deliverers drain it beside that thread (blocks handed out twice under
 * larson's thread churn). The debug build calls hak_debug_detach_window in that window: there a
 * thread is started whose first malloc takes the heap from the pool, and it must not return
 * before the exiting thread has let go. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "t_alloc.h"

/* allocator/src/heap.h, debug builds. */
extern void (*hak_debug_detach_window)(void);

/* How long the window is held open: far longer than one malloc takes. */
#define WINDOW_MS 200

static atomic_bool window_open, late_returned_in_window, window_used;
static pthread_t late;
static void *late_block;

static void *late_thread(void *arg)
{
    (void)arg;
    late_block = T_MALLOC(48);
    if (atomic_load(&window_open)) atomic_store(&late_returned_in_window, true);
    return NULL;
}

/* Runs in the exiting thread, its heap in the pool and not yet let go. */
static void in_window(void)
{
    if (atomic_exchange(&window_used, true)) return;
    atomic_store(&window_open, true);
    if (pthread_create(&late, NULL, late_thread, NULL) != 0) {
        atomic_store(&window_open, false);
        return;
    }
    struct timespec step = {0, 1000 * 1000};
    for (int ms = 0; ms < WINDOW_MS && !atomic_load(&late_returned_in_window); ms++)
        nanosleep(&step, NULL);
    atomic_store(&window_open, false);
}

static void *exiting_thread(void *arg)
{
    (void)arg;
    void *p = T_MALLOC(48); /* the thread gets a heap: its exit detaches it */
    memset(p, 0x5a, 48);
    T_FREE(p);
    return NULL;
}

static void test_new_thread_waits_for_the_exiting_one(void **state)
{
    (void)state;
    hak_debug_detach_window = in_window;
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, exiting_thread, NULL), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    hak_debug_detach_window = NULL;
    assert_true(atomic_load(&window_used));
    assert_int_equal(pthread_join(late, NULL), 0);
    /* The late thread's first malloc, which took the exiting thread's heap from the pool, had not
     * returned while that thread still held it. */
    assert_false(atomic_load(&late_returned_in_window));
    assert_non_null(late_block);
    memset(late_block, 0xa5, 48);
    T_FREE(late_block);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_thread_waits_for_the_exiting_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
