/* util/utf8.c: which byte sequences are valid UTF-8, replacing the others by U+FFFD without
 * losing any, and a kept tail that never starts inside a character. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

static size_t seq(const char *s)
{
    return utf8_sequence((const unsigned char *)s, strlen(s));
}

static void well_formed_sequences_are_accepted(void **state)
{
    (void)state;
    assert_int_equal(seq("a"), 1);
    assert_int_equal(seq("\xc3\xa9"), 2);         /* é */
    assert_int_equal(seq("\xe2\x82\xac"), 3);     /* € */
    assert_int_equal(seq("\xf0\x9f\x98\x80"), 4); /* 😀 */
    assert_int_equal(seq("\xf4\x8f\xbf\xbf"), 4); /* U+10FFFF, the last code point */
}

static void malformed_sequences_are_refused(void **state)
{
    (void)state;
    assert_int_equal(seq("\x80"), 0);             /* a continuation byte alone */
    assert_int_equal(seq("\xc0\xaf"), 0);         /* overlong '/' */
    assert_int_equal(seq("\xe0\x80\xaf"), 0);     /* overlong, three bytes */
    assert_int_equal(seq("\xed\xa0\x80"), 0);     /* a UTF-16 surrogate */
    assert_int_equal(seq("\xf4\x90\x80\x80"), 0); /* above U+10FFFF */
    assert_int_equal(seq("\xe2\x82"), 0);         /* cut short */
    assert_int_equal(seq("\xe2\x28\xa1"), 0);     /* a bad second byte */
    assert_int_equal(seq("\xff"), 0);
}

static void sanitize_replaces_each_bad_byte(void **state)
{
    (void)state;
    char *s = utf8_sanitize("ok \xff\xfe end \xe2\x82\xac \xe2\x82");
    /* two bad bytes, a good €, then a cut sequence: every bad byte becomes U+FFFD */
    assert_string_equal(s, "ok \xef\xbf\xbd\xef\xbf\xbd end \xe2\x82\xac \xef\xbf\xbd\xef\xbf\xbd");
    free(s);
    s = utf8_sanitize("plain ASCII and \xc3\xa9");
    assert_string_equal(s, "plain ASCII and \xc3\xa9");
    free(s);
}

static void tail_keeps_the_last_bytes(void **state)
{
    (void)state;
    char tail[8] = "";
    utf8_tail_append(tail, sizeof tail, "abc", 3);
    utf8_tail_append(tail, sizeof tail, "defgh", 5);
    assert_string_equal(tail, "bcdefgh");
    utf8_tail_append(tail, sizeof tail, "0123456789", 10);
    assert_string_equal(tail, "3456789");
}

static void tail_does_not_start_inside_a_character(void **state)
{
    (void)state;
    char tail[8] = "";
    /* "a€€" is 7 bytes; one more byte pushes out 'a' and then 0xe2, the first of the €'s. */
    utf8_tail_append(tail, sizeof tail, "a\xe2\x82\xac\xe2\x82\xac", 7);
    assert_string_equal(tail, "a\xe2\x82\xac\xe2\x82\xac");
    utf8_tail_append(tail, sizeof tail, "bc", 2);
    assert_string_equal(tail, "\xe2\x82\xac"
                              "bc");
    /* Nothing is dropped when nothing was cut, even text that starts badly. */
    char raw[8] = "";
    utf8_tail_append(raw, sizeof raw, "\x82x", 2);
    assert_string_equal(raw, "\x82x");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(well_formed_sequences_are_accepted),
        cmocka_unit_test(malformed_sequences_are_refused),
        cmocka_unit_test(sanitize_replaces_each_bad_byte),
        cmocka_unit_test(tail_keeps_the_last_bytes),
        cmocka_unit_test(tail_does_not_start_inside_a_character),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
