/* Regression (found by fuzz_mt, issue 16): a large block that realloc moves by page remapping
 * leaves its old range unmapped. The address map entries of that range must be cleared before
 * the move: cleared after it, another thread's new mapping (a span region, here) can land in
 * the range first and lose its entries, and its live blocks then read as foreign ("invalid
 * pointer" on free or realloc). One thread grows large blocks through remaps while others map
 * fresh span regions and check each page run with malloc_usable_size. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "t_alloc.h"

#define MIB ((size_t)1 << 20)
#define RUN_SECONDS 3
#define MAPPERS 2
#define RUNS_PER_ROUND 8

static atomic_bool stop;

/* Grows a block from 2 to 12 MiB: each step outgrows its mapping, so it is remapped. */
static void *grower(void *arg)
{
    (void)arg;
    while (!atomic_load(&stop)) {
        unsigned char *p = T_MALLOC(2 * MIB);
        if (!p) fail_msg("malloc(2 MiB) failed");
        p[0] = 1;
        for (size_t n = 3 * MIB; n <= 12 * MIB; n += 3 * MIB) {
            p = T_REALLOC(p, n);
            if (!p || p[0] != 1) fail_msg("realloc to %zu: %p", n, (void *)p);
        }
        T_FREE(p);
    }
    return NULL;
}

/* Takes 1 MiB page runs (two fill a span region, so regions are mapped often) and checks that
 * hakmem still knows each one; hak_trim unmaps the emptied regions so new ones are mapped. */
static void *mapper(void *arg)
{
    (void)arg;
    void *runs[RUNS_PER_ROUND];
    while (!atomic_load(&stop)) {
        for (int i = 0; i < RUNS_PER_ROUND; i++) {
            runs[i] = T_MALLOC(MIB);
            if (!runs[i]) fail_msg("malloc(1 MiB) failed");
        }
        for (int i = 0; i < RUNS_PER_ROUND; i++) {
            if (T_USABLE_SIZE(runs[i]) < MIB) fail_msg("usable size of %p", runs[i]);
            T_FREE(runs[i]);
        }
        hak_trim();
    }
    return NULL;
}

static void page_runs_survive_concurrent_large_remaps(void **state)
{
    (void)state;
    pthread_t g, m[MAPPERS];
    atomic_store(&stop, false);
    assert_int_equal(pthread_create(&g, NULL, grower, NULL), 0);
    for (int i = 0; i < MAPPERS; i++)
        assert_int_equal(pthread_create(&m[i], NULL, mapper, NULL), 0);
    struct timespec t = {RUN_SECONDS, 0};
    nanosleep(&t, NULL);
    atomic_store(&stop, true);
    pthread_join(g, NULL);
    for (int i = 0; i < MAPPERS; i++)
        pthread_join(m[i], NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(page_runs_survive_concurrent_large_remaps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
