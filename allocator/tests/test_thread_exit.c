/* Allocation during thread exit. hakmem returns a thread's caches from a pthread key destructor;
 * the program's own key destructors may run after it (keys created later run later) and still
 * malloc and free, including blocks the thread allocated before it began to exit. That must
 * work, every time, in many threads, and the memory must stay usable by other threads. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "t_alloc.h"

#define THREADS 200
#define BATCH 8
#define BLOCKS_IN_DESTRUCTOR 64

static pthread_key_t late_key;

struct thread_state {
    unsigned char *kept; /* allocated while running, freed by the destructor */
    size_t kept_size;
    uint64_t id;
};

static int destructor_failures;
static pthread_mutex_t failures_lock = PTHREAD_MUTEX_INITIALIZER;

static void note_failure(void)
{
    pthread_mutex_lock(&failures_lock);
    destructor_failures++;
    pthread_mutex_unlock(&failures_lock);
}

/* Runs after hakmem's own thread-exit destructor when late_key was created after hakmem's key. */
static void late_destructor(void *arg)
{
    struct thread_state *st = arg;
    void *blocks[BLOCKS_IN_DESTRUCTOR];
    for (int i = 0; i < BLOCKS_IN_DESTRUCTOR; i++) {
        size_t n = i % 16 == 0 ? 300 * 1024 : i % 4 == 0 ? 5000 : (size_t)16 + 8 * i;
        blocks[i] = T_MALLOC(n);
        if (blocks[i] == NULL) {
            note_failure();
            return;
        }
        memset(blocks[i], 0x77, n);
    }
    for (int i = 0; i < BLOCKS_IN_DESTRUCTOR; i++)
        T_FREE(blocks[i]);
    if (t_pattern_check(st->kept, st->kept_size, st->id, st->kept_size, 0) != (size_t)-1)
        note_failure();
    T_FREE(st->kept);
    T_FREE(st);
}

static void *thread_body(void *arg)
{
    uint64_t id = (uint64_t)(uintptr_t)arg;
    struct thread_state *st = T_MALLOC(sizeof *st);
    if (st == NULL) return (void *)1;
    st->id = id;
    st->kept_size = 24 + id % 900;
    st->kept = T_MALLOC(st->kept_size);
    if (st->kept == NULL) return (void *)1;
    t_pattern_fill(st->kept, st->kept_size, id, st->kept_size, 0);
    /* Enough traffic to fill the thread cache the exit path must return. */
    for (int i = 0; i < 2000; i++) {
        void *p = T_MALLOC((size_t)1 + (id * 31 + (uint64_t)i * 7) % 2048);
        if (p == NULL) return (void *)1;
        T_FREE(p);
    }
    pthread_setspecific(late_key, st);
    return NULL;
}

static void key_destructors_after_cache_teardown_can_allocate_and_free(void **state)
{
    (void)state;
    /* Make sure the allocator (and its thread-exit key) is initialised before late_key. */
    T_FREE(T_MALLOC(1));
    assert_int_equal(pthread_key_create(&late_key, late_destructor), 0);
    for (int i = 0; i < THREADS; i += BATCH) {
        pthread_t t[BATCH];
        for (int k = 0; k < BATCH; k++)
            assert_int_equal(
                pthread_create(&t[k], NULL, thread_body, (void *)(uintptr_t)(i + k + 1)), 0);
        for (int k = 0; k < BATCH; k++) {
            void *ret;
            pthread_join(t[k], &ret);
            assert_null(ret);
        }
    }
    pthread_key_delete(late_key);
    assert_int_equal(destructor_failures, 0);
    /* The exited threads' memory is still sound for the survivor. */
    for (size_t n = 1; n <= 4096; n += 37) {
        unsigned char *p = T_MALLOC(n);
        assert_non_null(p);
        t_pattern_fill(p, n, 1, n, 1);
        assert_true(t_pattern_check(p, n, 1, n, 1) == (size_t)-1);
        T_FREE(p);
    }
}

#ifdef T_EXPECT_HAKMEM
static void allocator_under_test_is_hakmem(void **state)
{
    (void)state;
    assert_true(t_hakmem_is_active());
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
#ifdef T_EXPECT_HAKMEM
        cmocka_unit_test(allocator_under_test_is_hakmem),
#endif
        cmocka_unit_test(key_destructors_after_cache_teardown_can_allocate_and_free),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
