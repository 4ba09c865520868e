/* variants.c and workload_table.c: the conf files the repository ships, syntax errors named by
 * line, and variant specs (NAME, REV, REV@NAME) resolved against git. Run from the repo root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "spec/variants.h"
#include "spec/workload_table.h"

static char conf_path[] = "/tmp/hakbench-test-conf.XXXXXX";
static char err[1024];

static const char *write_conf(const char *text)
{
    strcpy(conf_path, "/tmp/hakbench-test-conf.XXXXXX");
    int fd = mkstemp(conf_path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return conf_path;
}

/* Loads text as a variants.conf that must fail, and checks "PATH:LINE: ..." and the reason. */
static void expect_variants_error(const char *text, int line, const char *reason)
{
    variant_table t;
    const char *path = write_conf(text);
    assert_int_equal(variants_load(path, &t, err, sizeof err), -1);
    char prefix[128];
    snprintf(prefix, sizeof prefix, "%s:%d: ", path, line);
    if (strncmp(err, prefix, strlen(prefix)) != 0 || !strstr(err, reason))
        fail_msg("got '%s', want '%s%s...'", err, prefix, reason);
    unlink(path);
}

static void shipped_variants_conf_loads(void **state)
{
    (void)state;
    variant_table t;
    assert_int_equal(variants_load(VARIANTS_CONF, &t, err, sizeof err), 0);
    const variant_def *d = variants_find(&t, "baseline");
    assert_non_null(d);
    assert_int_equal(d->kind, VARIANT_HAKMEM);
    assert_string_equal(d->flags, "TINY_FAST_PATH_DEFAULT=0");
    d = variants_find(&t, "system");
    assert_non_null(d);
    assert_int_equal(d->kind, VARIANT_PEER);
    assert_string_equal(d->flags, "");
    d = variants_find(&t, "default");
    assert_non_null(d);
    assert_string_equal(d->flags, "");
    assert_null(variants_find(&t, "nonexistent"));
    variants_free(&t);
}

static void bare_peer_library_is_found_in_multiarch_dir(void **state)
{
    (void)state;
    variant_table t;
    const char *path = write_conf("# peers\nlibc  peer  libc.so.6  # the C library\n");
    assert_int_equal(variants_load(path, &t, err, sizeof err), 0);
    const variant_def *d = variants_find(&t, "libc");
    assert_true(d->flags[0] == '/' && strstr(d->flags, "/libc.so.6"));
    assert_int_equal(access(d->flags, R_OK), 0);
    assert_string_equal(d->description, "the C library");
    variants_free(&t);
    unlink(path);
}

static void syntax_errors_name_the_line(void **state)
{
    (void)state;
    expect_variants_error("# c\nok hakmem\nbad nosuchkind X=1\n", 3, "unknown kind 'nosuchkind'");
    expect_variants_error("a hakmem TINY_FAST_PATH_DEFAULT\n", 1, "expected VAR=VALUE");
    expect_variants_error("\n\na hakmem lower=1\n", 3, "expected VAR=VALUE");
    expect_variants_error("a hakmem NOT_A_MAKE_VARIABLE=1\n", 1, "unknown make variable");
    expect_variants_error("a peer\n", 1, "a peer needs a library");
    expect_variants_error("a peer x.so y.so\n", 1, "exactly one library");
    expect_variants_error("a hakmem\nb hakmem\na peer -\n", 3, "defined twice");
    expect_variants_error("onlyname\n", 1, "expected 'NAME KIND SETTINGS'");
    expect_variants_error("x@y hakmem\n", 1, "bad variant name");
}

static void spec_forms_resolve(void **state)
{
    (void)state;
    variant_table t;
    variant_spec s;
    assert_int_equal(variants_load(VARIANTS_CONF, &t, err, sizeof err), 0);
    assert_int_equal(variant_spec_parse("fastpath", &t, &s, err, sizeof err), 0);
    assert_string_equal(s.def->name, "fastpath");
    assert_string_equal(s.rev, "");
    assert_int_equal(variant_spec_parse("HEAD@baseline", &t, &s, err, sizeof err), 0);
    assert_string_equal(s.def->name, "baseline");
    assert_int_equal(strlen(s.rev), 40);
    assert_string_equal(s.spec, "HEAD@baseline");
    assert_int_equal(variant_spec_parse("HEAD", &t, &s, err, sizeof err), 0);
    assert_string_equal(s.def->name, "default");
    assert_int_equal(strlen(s.rev), 40);
    variants_free(&t);
}

static void bad_specs_explain_themselves(void **state)
{
    (void)state;
    variant_table t;
    variant_spec s;
    assert_int_equal(variants_load(VARIANTS_CONF, &t, err, sizeof err), 0);
    assert_int_equal(variant_spec_parse("fastpth", &t, &s, err, sizeof err), -1);
    assert_non_null(strstr(err, "unknown variant 'fastpth'"));
    assert_non_null(strstr(err, "baseline"));
    assert_int_equal(variant_spec_parse("no-such-rev-xyz@baseline", &t, &s, err, sizeof err), -1);
    assert_non_null(strstr(err, "revision 'no-such-rev-xyz' does not exist"));
    assert_int_equal(variant_spec_parse("HEAD@nosuch", &t, &s, err, sizeof err), -1);
    assert_non_null(strstr(err, "unknown variant 'nosuch'"));
    assert_int_equal(variant_spec_parse("HEAD@mimalloc", &t, &s, err, sizeof err), -1);
    assert_non_null(strstr(err, "peer"));
    assert_int_equal(variant_spec_parse("--upload-pack=x", &t, &s, err, sizeof err), -1);
    variants_free(&t);
}

static void shipped_workloads_conf_loads(void **state)
{
    (void)state;
    workload_table t;
    assert_int_equal(workloads_load(WORKLOADS_CONF, &t, err, sizeof err), 0);
    const workload_def *w = workloads_find(&t, "larson");
    assert_non_null(w);
    assert_int_equal(w->threads, 2);
    assert_int_equal(w->app, 0);
    assert_string_equal(w->program, "build/workloads/larson");
    assert_true(strlen(w->full_args) > 0 && strlen(w->quick_args) > 0);
    w = workloads_find(&t, "app_sqlite");
    assert_non_null(w);
    assert_int_equal(w->app, 1);
    assert_string_equal(w->program, "");
    const char *required[] = {"random_mixed", "tiny_hot",     "producer_consumer",
                              "thread_churn", "mid_large_mt", "fragmentation",
                              "realloc_grow", "aligned",      "app_python"};
    for (size_t i = 0; i < sizeof required / sizeof *required; i++)
        assert_non_null(workloads_find(&t, required[i]));
    workloads_free(&t);
}

static void workloads_conf_errors_name_the_line(void **state)
{
    (void)state;
    workload_table t;
    const char *path = write_conf("# x\nok bin 1 a | b\nbad bin 0 a | b\n");
    assert_int_equal(workloads_load(path, &t, err, sizeof err), -1);
    assert_non_null(strstr(err, ":3: bad THREADS '0'"));
    unlink(path);
    path = write_conf("w cmd 1 sleep 1\n");
    assert_int_equal(workloads_load(path, &t, err, sizeof err), -1);
    assert_non_null(strstr(err, ":1: expected"));
    unlink(path);
    path = write_conf("w weird 1 a | b\n");
    assert_int_equal(workloads_load(path, &t, err, sizeof err), -1);
    assert_non_null(strstr(err, ":1: unknown kind 'weird'"));
    unlink(path);
    path = write_conf("w cmd 1 sleep 5 | sleep 1  # a comment\n");
    assert_int_equal(workloads_load(path, &t, err, sizeof err), 0);
    assert_string_equal(t.defs[0].full_args, "sleep 5");
    assert_string_equal(t.defs[0].quick_args, "sleep 1");
    workloads_free(&t);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shipped_variants_conf_loads),
        cmocka_unit_test(bare_peer_library_is_found_in_multiarch_dir),
        cmocka_unit_test(syntax_errors_name_the_line),
        cmocka_unit_test(spec_forms_resolve),
        cmocka_unit_test(bad_specs_explain_themselves),
        cmocka_unit_test(shipped_workloads_conf_loads),
        cmocka_unit_test(workloads_conf_errors_name_the_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
