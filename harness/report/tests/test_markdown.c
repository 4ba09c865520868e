/* Markdown helpers: hostile text cannot break a table cell or a code block, and numbers are
 * formatted the way reports print them. Output goes to a memory stream and is compared whole. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report/markdown.h"

/* Runs a writer into a string (the caller frees it). */
static char *capture_cell(const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    md_cell(f, s);
    fclose(f);
    return buf;
}

static char *capture_block(const char *lang, const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    md_code_block(f, lang, s);
    fclose(f);
    return buf;
}

static void cell_escapes_table_and_inline_syntax(void **state)
{
    (void)state;
    char *out = capture_cell("a|b `c` *d* _e_ [f](g) <h> #i \\j");
    assert_string_equal(out, "a\\|b \\`c\\` \\*d\\* \\_e\\_ \\[f\\](g) \\<h\\> \\#i \\\\j");
    free(out);
}

static void cell_turns_newlines_and_control_bytes_into_spaces(void **state)
{
    (void)state;
    char *out = capture_cell("line1\nline2\r\n\ttab\x1b[31mred");
    assert_string_equal(out, "line1 line2   tab \\[31mred");
    assert_null(strchr(out, '\n'));
    free(out);
}

static void cell_of_null_writes_nothing(void **state)
{
    (void)state;
    char *out = capture_cell(NULL);
    assert_string_equal(out, "");
    free(out);
}

static void code_block_fence_outgrows_backtick_runs(void **state)
{
    (void)state;
    char *out = capture_block("text", "before\n```\nafter ````` end");
    assert_string_equal(out, "``````text\nbefore\n```\nafter ````` end\n``````\n");
    free(out);
}

static void code_block_has_at_least_three_backticks_and_ends_lines(void **state)
{
    (void)state;
    char *out = capture_block("", "x");
    assert_string_equal(out, "```\nx\n```\n");
    free(out);
    out = capture_block("sh", "");
    assert_string_equal(out, "```sh\n\n```\n");
    free(out);
}

static void si_prefixes_with_three_digits(void **state)
{
    (void)state;
    char buf[32];
    md_si(buf, sizeof buf, 4190000);
    assert_string_equal(buf, "4.19M");
    md_si(buf, sizeof buf, 512.3);
    assert_string_equal(buf, "512");
    md_si(buf, sizeof buf, 0.0034);
    assert_string_equal(buf, "0.0034");
    md_si(buf, sizeof buf, 126400);
    assert_string_equal(buf, "126k");
    md_si(buf, sizeof buf, 2.5e9);
    assert_string_equal(buf, "2.5G");
    md_si(buf, sizeof buf, NAN);
    assert_string_equal(buf, "n/a");
}

static void pct_signs_with_unicode_minus(void **state)
{
    (void)state;
    char buf[32];
    md_pct(buf, sizeof buf, 0.201);
    assert_string_equal(buf, "+20.1%");
    md_pct(buf, sizeof buf, -0.183);
    assert_string_equal(buf, "\xe2\x88\x92"
                             "18.3%");
    md_pct(buf, sizeof buf, -0.0004); /* rounds to zero: no sign */
    assert_string_equal(buf, "0.0%");
}

static void p_values_below_a_thousandth_are_bounded(void **state)
{
    (void)state;
    char buf[32];
    md_p(buf, sizeof buf, 0.0002);
    assert_string_equal(buf, "< 0.001");
    md_p(buf, sizeof buf, 0.0342);
    assert_string_equal(buf, "0.034");
}

static void sizes_and_factors(void **state)
{
    (void)state;
    char buf[32];
    md_kib(buf, sizeof buf, 512);
    assert_string_equal(buf, "512 KiB");
    md_kib(buf, sizeof buf, 40960);
    assert_string_equal(buf, "40.0 MiB");
    md_kib(buf, sizeof buf, 3145728);
    assert_string_equal(buf, "3.00 GiB");
    md_times(buf, sizeof buf, 12.04);
    assert_string_equal(buf, "12\xc3\x97");
    md_times(buf, sizeof buf, 0.5);
    assert_string_equal(buf, "0.50\xc3\x97");
    md_times(buf, sizeof buf, INFINITY);
    assert_string_equal(buf, "n/a");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cell_escapes_table_and_inline_syntax),
        cmocka_unit_test(cell_turns_newlines_and_control_bytes_into_spaces),
        cmocka_unit_test(cell_of_null_writes_nothing),
        cmocka_unit_test(code_block_fence_outgrows_backtick_runs),
        cmocka_unit_test(code_block_has_at_least_three_backticks_and_ends_lines),
        cmocka_unit_test(si_prefixes_with_three_digits),
        cmocka_unit_test(pct_signs_with_unicode_minus),
        cmocka_unit_test(p_values_below_a_thousandth_are_bounded),
        cmocka_unit_test(sizes_and_factors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
