/* The libFuzzer targets, one build each (allocator/tests/fuzz/build.mk):
 *   -DFZ_TARGET_SEQ   one thread, on the calling thread: the finest coverage per input
 *   -DFZ_TARGET_MT    2-4 threads that hand blocks to each other and are replaced mid-run
 *   -DFZ_TARGET_DIFF  1-4 threads, portable operations only, run on hakmem and then on glibc;
 *                     both must satisfy the model and give the same events (fz_exec.h)
 * Each decodes the input (fz_decode.c) and runs it under the shadow model (fz_exec.c); a broken
 * contract aborts, which libFuzzer reports as a crash. FZ_PRINT=1 prints each decoded program
 * (to see what an input does). Calls fz_program.h, fz_exec.h. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "fz_exec.h"

#if defined(FZ_TARGET_SEQ)
static const fz_decode_params params = {1, 1, FZ_GEN_ALIGN_LOG2, false, false};
#elif defined(FZ_TARGET_MT)
static const fz_decode_params params = {2, FZ_MAX_THREADS, FZ_GEN_ALIGN_LOG2, true, false};
#elif defined(FZ_TARGET_DIFF)
static const fz_decode_params params = {1, FZ_MAX_THREADS, FZ_GEN_ALIGN_LOG2, true, true};
#else
#error "build with -DFZ_TARGET_SEQ, -DFZ_TARGET_MT or -DFZ_TARGET_DIFF"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
    static fz_program prog;
    fz_decode(data, n, &params, &prog);
    if (getenv("FZ_PRINT")) fz_print_program(&prog);
#ifdef FZ_TARGET_DIFF
    static fz_trace on_hakmem, on_glibc;
    fz_run(&prog, &fz_api_hakmem, &on_hakmem);
    fz_run(&prog, &fz_api_libc, &on_glibc);
    fz_trace_compare(&prog, &on_hakmem, fz_api_hakmem.name, &on_glibc, fz_api_libc.name);
#else
    fz_run(&prog, &fz_api_hakmem, NULL);
#endif
    return 0;
}
