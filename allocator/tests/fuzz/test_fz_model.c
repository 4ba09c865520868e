/* The fuzzers' oracle, tested: the executor must stop (abort, naming what broke) on allocators
 * that break the contract in each way the shadow model claims to catch, and the committed
 * inputs (corpus and regressions of the seq and mt targets) must pass on the release library
 * built with gcc, without sanitizers, where the libc names are hakmem's too. The broken
 * allocators wrap the real one and break one thing each. Built against the release library
 * (allocator/tests/fuzz/build.mk). */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fz_exec.h"
#include "t_alloc.h"

#define OP(kind, thread) ((kind) | (thread) << 4)
#define SIZE16(v) 7, (v) >> 8, (v)&255 /* size mode 7: any 16-bit size */
#define SIZE_IMPOSSIBLE 6, 0, 0        /* size mode 6: SIZE_MAX */
enum { CODE_PHASE = 12, CODE_TRIM = 15 };

static const fz_decode_params seq_params = {1, 1, FZ_GEN_ALIGN_LOG2, false, false};
static const fz_decode_params mt_params = {2, FZ_MAX_THREADS, FZ_GEN_ALIGN_LOG2, true, false};

/* The allocator under test with one function broken; calls counts the broken one's calls. */
static fz_api broken;
static unsigned calls;
static unsigned char *first_block;

typedef struct {
    const uint8_t *input;
    size_t n;
    const fz_decode_params *params;
    bool differential; /* run on the real allocator and on `broken`, compare the traces */
} case_arg;

static int run_case(void *arg)
{
    const case_arg *c = arg;
    static fz_program prog;
    fz_decode(c->input, c->n, c->params, &prog);
    if (!c->differential) {
        fz_run(&prog, &broken, NULL);
        return 0;
    }
    static fz_trace real, other;
    fz_run(&prog, &fz_api_hakmem, &real);
    fz_run(&prog, &broken, &other);
    fz_trace_compare(&prog, &real, fz_api_hakmem.name, &other, broken.name);
    return 0;
}

/* Runs input on the broken allocator in a child, which must abort with `message` in stderr. */
static void expect_caught(const uint8_t *input, size_t n, const fz_decode_params *params,
                          bool differential, const char *message)
{
    case_arg c = {input, n, params, differential};
    t_child_result res;
    assert_int_equal(t_child_run(run_case, &c, 30, &res), 0);
    if (!res.signaled || res.sig != SIGABRT || strstr(res.err, message) == NULL)
        fail_msg("want an abort with \"%s\"; got exited %d (code %d), signal %d, stderr:\n%s",
                 message, res.exited, res.exit_code, res.sig, res.err);
}

static int reset(void **state)
{
    (void)state;
    broken = fz_api_hakmem;
    broken.name = "broken";
    calls = 0;
    first_block = NULL;
    return 0;
}

static void *malloc_same_block_twice(size_t n)
{
    static void *last;
    return calls++ == 1 ? last : (last = fz_api_hakmem.malloc(n));
}

static void overlapping_blocks_are_caught(void **state)
{
    (void)state;
    broken.malloc = malloc_same_block_twice;
    static const uint8_t in[] = {0, OP(FZ_MALLOC, 0), 0, SIZE16(100), OP(FZ_MALLOC, 0),
                                 1, SIZE16(100)};
    expect_caught(in, sizeof in, &seq_params, false, "overlaps");
}

/* Moves to a new block without copying. */
static void *realloc_forgetting_contents(void *p, size_t n)
{
    void *q = fz_api_hakmem.malloc(n);
    if (q) fz_api_hakmem.free(p);
    return q;
}

static void realloc_losing_the_prefix_is_caught(void **state)
{
    (void)state;
    broken.realloc = realloc_forgetting_contents;
    static const uint8_t in[] = {0, OP(FZ_MALLOC, 0), 0, SIZE16(100), OP(FZ_REALLOC, 0),
                                 0, SIZE16(5000)};
    expect_caught(in, sizeof in, &seq_params, false, "kept byte 0 changed");
}

static void *calloc_not_zeroing(size_t count, size_t size)
{
    unsigned char *p = fz_api_hakmem.calloc(count, size);
    if (p && count != 0 && size != 0) p[count * size - 1] = 1;
    return p;
}

static void calloc_memory_not_zero_is_caught(void **state)
{
    (void)state;
    broken.calloc = calloc_not_zeroing;
    static const uint8_t in[] = {0, OP(FZ_CALLOC, 0), 0, 1, SIZE16(100)};
    expect_caught(in, sizeof in, &seq_params, false, "byte 99 is not zero");
}

static void *malloc_failing_without_errno(size_t n)
{
    void *p = fz_api_hakmem.malloc(n);
    if (!p) errno = 0;
    return p;
}

static void impossible_size_without_enomem_is_caught(void **state)
{
    (void)state;
    broken.malloc = malloc_failing_without_errno;
    static const uint8_t in[] = {0, OP(FZ_MALLOC, 0), 0, SIZE_IMPOSSIBLE};
    expect_caught(in, sizeof in, &seq_params, false, "want NULL and ENOMEM");
}

/* Returns a block of the right size that is not aligned as asked (held ones are leaked). */
static void *aligned_alloc_ignoring_alignment(size_t align, size_t n)
{
    for (;;) {
        void *p = fz_api_hakmem.malloc(n);
        if (p == NULL || (uintptr_t)p % align != 0) return p;
    }
}

static void misaligned_block_is_caught(void **state)
{
    (void)state;
    broken.aligned_alloc = aligned_alloc_ignoring_alignment;
    static const uint8_t in[] = {0, OP(FZ_ALIGNED_ALLOC, 0), 0, 12, SIZE16(48)}; /* 4 KiB */
    expect_caught(in, sizeof in, &seq_params, false, "is not 4096-aligned");
}

static size_t usable_size_too_small(void *p)
{
    return p ? 1 : 0;
}

static void usable_size_below_request_is_caught(void **state)
{
    (void)state;
    broken.usable_size = usable_size_too_small;
    static const uint8_t in[] = {0, OP(FZ_MALLOC, 0), 0, SIZE16(100)};
    expect_caught(in, sizeof in, &seq_params, false, "usable size 1 < 100");
}

/* The third call writes a byte into the block the first one returned. */
static void *malloc_scribbling_on_first_block(size_t n)
{
    unsigned char *p = fz_api_hakmem.malloc(n);
    if (calls == 0) first_block = p;
    if (calls++ == 2) first_block[10] ^= 0x40;
    return p;
}

static void write_into_live_block_is_caught_before_free(void **state)
{
    (void)state;
    broken.malloc = malloc_scribbling_on_first_block;
    static const uint8_t in[] = {
        0,           OP(FZ_MALLOC, 0), 0, SIZE16(100), OP(FZ_MALLOC, 0), 1,
        SIZE16(100), OP(FZ_MALLOC, 0), 2, SIZE16(100), OP(FZ_FREE, 0),   0};
    expect_caught(in, sizeof in, &seq_params, false, "changed at byte 10 before free");
}

/* Thread 0 gives its block away, then corrupts it with its next call: the receiver sees it. */
static void corruption_before_hand_over_is_caught_by_the_receiver(void **state)
{
    (void)state;
    broken.malloc = malloc_scribbling_on_first_block;
    static const uint8_t in[] = {0, /* 2 threads */
                                 OP(FZ_MALLOC, 0),
                                 0,
                                 SIZE16(300),
                                 OP(FZ_GIVE, 0),
                                 0,
                                 0,
                                 OP(FZ_MALLOC, 0),
                                 0,
                                 SIZE16(300),
                                 OP(FZ_MALLOC, 0),
                                 1,
                                 SIZE16(300),
                                 OP(CODE_PHASE, 0)};
    expect_caught(in, sizeof in, &mt_params, false, "changed at byte 10 when handed over");
}

static void *malloc_remembering_first_block(size_t n)
{
    unsigned char *p = fz_api_hakmem.malloc(n);
    if (calls++ == 0) first_block = p;
    return p;
}

static void trim_scribbling_on_first_block(void)
{
    fz_api_hakmem.trim();
    first_block[10] ^= 0x40;
}

static void trim_damaging_a_live_block_is_caught(void **state)
{
    (void)state;
    broken.malloc = malloc_remembering_first_block;
    broken.trim = trim_scribbling_on_first_block;
    static const uint8_t in[] = {0, OP(FZ_MALLOC, 0), 0, SIZE16(100), OP(CODE_TRIM, 0)};
    expect_caught(in, sizeof in, &seq_params, false, "changed at byte 10 after trim");
}

static void *realloc_zero_keeping_block(void *p, size_t n)
{
    return fz_api_hakmem.realloc(p, n ? n : 1);
}

static void realloc_to_zero_returning_a_block_is_caught(void **state)
{
    (void)state;
    broken.realloc = realloc_zero_keeping_block;
    static const uint8_t in[] = {0, OP(FZ_MALLOC, 0), 0, SIZE16(100), OP(FZ_REALLOC, 0),
                                 0, SIZE16(0)};
    expect_caught(in, sizeof in, &seq_params, false, "want NULL (p freed)");
}

static int posix_memalign_accepting_anything(void **out, size_t align, size_t n)
{
    (void)align;
    return fz_api_hakmem.posix_memalign(out, 16, n);
}

static void bad_alignment_accepted_is_caught(void **state)
{
    (void)state;
    broken.posix_memalign = posix_memalign_accepting_anything;
    static const uint8_t in[] = {0, OP(FZ_POSIX_MEMALIGN, 0), 0, 0xe1 /* 3 */, SIZE16(64)};
    expect_caught(in, sizeof in, &seq_params, false, "want NULL and EINVAL");
}

/* malloc(0) may give NULL or a block, so the model accepts both: the trace comparison must not. */
static void *malloc_zero_null(size_t n)
{
    return n ? fz_api_hakmem.malloc(n) : NULL;
}

static void differential_difference_is_caught(void **state)
{
    (void)state;
    broken.malloc = malloc_zero_null;
    static const uint8_t in[] = {0, OP(FZ_MALLOC, 0), 0, SIZE16(0)};
    expect_caught(in, sizeof in, &seq_params, true, "differential: thread 0, event 0 differs");
}

/* Every committed input of a target, decoded with its parameters, passes here too. */
static void replay_dir(const char *target, const char *sub, const fz_decode_params *params)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/%s/%s", FZ_INPUT_ROOT, sub, target);
    DIR *d = opendir(dir);
    if (!d) {
        if (strcmp(sub, "regress") == 0) return; /* none found yet */
        fail_msg("cannot open %s", dir);
    }
    static uint8_t buf[1 << 16];
    static fz_program prog;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.') continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        fz_decode(buf, n, params, &prog);
        fz_run(&prog, &fz_api_hakmem, NULL);
    }
    closedir(d);
}

static void committed_inputs_pass_on_the_release_library(void **state)
{
    (void)state;
    assert_true(t_hakmem_is_active());
    replay_dir("seq", "corpus", &seq_params);
    replay_dir("seq", "regress", &seq_params);
    replay_dir("mt", "corpus", &mt_params);
    replay_dir("mt", "regress", &mt_params);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(overlapping_blocks_are_caught, reset),
        cmocka_unit_test_setup(realloc_losing_the_prefix_is_caught, reset),
        cmocka_unit_test_setup(calloc_memory_not_zero_is_caught, reset),
        cmocka_unit_test_setup(impossible_size_without_enomem_is_caught, reset),
        cmocka_unit_test_setup(misaligned_block_is_caught, reset),
        cmocka_unit_test_setup(usable_size_below_request_is_caught, reset),
        cmocka_unit_test_setup(write_into_live_block_is_caught_before_free, reset),
        cmocka_unit_test_setup(corruption_before_hand_over_is_caught_by_the_receiver, reset),
        cmocka_unit_test_setup(trim_damaging_a_live_block_is_caught, reset),
        cmocka_unit_test_setup(realloc_to_zero_returning_a_block_is_caught, reset),
        cmocka_unit_test_setup(bad_alignment_accepted_is_caught, reset),
        cmocka_unit_test_setup(differential_difference_is_caught, reset),
        cmocka_unit_test(committed_inputs_pass_on_the_release_library),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
