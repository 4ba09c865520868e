/* What run/profile.c makes of perf's and callgrind's output: folded stacks root first with
 * inline and kernel frames marked, the env/perf processes left out, equal stacks merged; and
 * callgrind_annotate's function table as one entry per function. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "run/profile.h"

static void free_stacks(store_stack *s, int n)
{
    for (int i = 0; i < n; i++)
        free(s[i].stack);
    free(s);
}

static const char perf_script[] =
    "env \n"
    "\t            1c6a8 dl_main (/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2)\n"
    "\n"
    "larson \n"
    "\t            247c hak_spin (inlined)\n"
    "\t            247c hak_fault_on_malloc (inlined)\n"
    "\t            247c hak_malloc (/build/libhakmem.so)\n"
    "\t            2f0c worker (/build/workloads/larson)\n"
    "\n"
    "larson \n"
    "\t            247c hak_spin (inlined)\n"
    "\t            247c hak_fault_on_malloc (inlined)\n"
    "\t            247c hak_malloc (/build/libhakmem.so)\n"
    "\t            2f0c worker (/build/workloads/larson)\n"
    "\n"
    "larson \n"
    "\tffffffff8225f759 clear_page (/kernel/[kernel.kallsyms])\n"
    "\tffffffff8225f759 clear_page ([kernel.kallsyms])\n"
    "\t            7f12 [unknown] (/usr/lib/x86_64-linux-gnu/libc.so.6)\n"
    "\n";

static void perf_samples_fold_root_first_with_inline_frames(void **state)
{
    (void)state;
    store_stack *s = NULL;
    int n = profile_fold_perf_script(perf_script, &s);
    assert_int_equal(n, 2);
    /* sorted: "[libc.so.6];..." before "worker;..." */
    assert_string_equal(s[0].stack, "[libc.so.6];clear_page_[k];clear_page");
    assert_true(s[0].value == 1);
    assert_string_equal(s[1].stack, "worker;hak_malloc;hak_fault_on_malloc_[i];hak_spin_[i]");
    assert_true(s[1].value == 2);
    free_stacks(s, n);
}

static const char annotate[] =
    "Events shown:     Ir\n"
    "--------------------------------------------------------------------------------\n"
    "359,610,951 (100.0%)  PROGRAM TOTALS\n"
    "--------------------------------------------------------------------------------\n"
    "Ir                    file:function\n"
    "--------------------------------------------------------------------------------\n"
    "236,000,085 (65.63%)  /src/workloads/tiny_hot.c:main [/build/workloads/tiny_hot]\n"
    " 24,000,000 ( 6.67%)  /src/allocator/src/alloc.c:hak_free [/build/libhakmem.so]\n"
    " 22,000,000 ( 6.12%)  /src/allocator/src/front.h:hak_free\n"
    "        512 ( 0.00%)  ???:0x0000000000001234 [/usr/lib/libc.so.6]\n";

static void callgrind_functions_merge_across_files(void **state)
{
    (void)state;
    store_stack *s = NULL;
    int n = profile_parse_callgrind(annotate, &s);
    assert_int_equal(n, 3);
    assert_string_equal(s[0].stack, "0x0000000000001234");
    assert_string_equal(s[1].stack, "hak_free");
    assert_true(s[1].value == 46000000);
    assert_string_equal(s[2].stack, "main");
    assert_true(s[2].value == 236000085);
    free_stacks(s, n);
}

static void empty_output_gives_no_stacks(void **state)
{
    (void)state;
    store_stack *s = NULL;
    assert_int_equal(profile_fold_perf_script("", &s), 0);
    free(s);
    assert_int_equal(profile_parse_callgrind("no table here\n", &s), 0);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(perf_samples_fold_root_first_with_inline_frames),
        cmocka_unit_test(callgrind_functions_merge_across_files),
        cmocka_unit_test(empty_output_gives_no_stacks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
