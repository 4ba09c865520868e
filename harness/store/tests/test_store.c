/* store.c and sqlite.c: creating and migrating the store, its pragmas, refusing foreign, newer
 * and corrupt files without touching them, unusable paths, the machine row, and two writers
 * waiting. White-box: it reads the database through the store's own seam (store/sql.h). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "run/machine.h"
#include "store/internal.h"
#include "store/machines.h"
#include "store/sql.h"
#include "store/sessions.h"
#include "store/store.h"

static char dir[] = "/tmp/hakbench-test-db.XXXXXX";
static char path[256], err[1024];

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir)) return -1;
    snprintf(path, sizeof path, "%s/hakmem.db", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

static void fresh(void)
{
    char f[300];
    unlink(path);
    snprintf(f, sizeof f, "%s-wal", path);
    unlink(f);
    snprintf(f, sizeof f, "%s-shm", path);
    unlink(f);
}

static long long scalar(store *db, const char *sql)
{
    sql_stmt *st = sql_prepare(db->sql, sql);
    assert_int_equal(sql_step(st), SQL_ROW);
    long long v = sql_int64(st, 0);
    sql_finalize(st);
    return v;
}

static char *file_bytes(const char *p, size_t *len)
{
    FILE *f = fopen(p, "rb");
    assert_non_null(f);
    char *buf = malloc(1 << 20);
    *len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

static void write_bytes(const char *p, const char *data, size_t len)
{
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

/* Opening must fail with `want` in the message and leave the file byte for byte as it was. */
static void expect_refused(const char *want)
{
    size_t before_len, after_len;
    char *before = file_bytes(path, &before_len);
    assert_null(store_open(path, err, sizeof err));
    if (!strstr(err, want)) fail_msg("got '%s', want '%s'", err, want);
    char *after = file_bytes(path, &after_len);
    assert_int_equal(before_len, after_len);
    assert_memory_equal(before, after, before_len);
    free(before);
    free(after);
}

static void new_database_gets_schema_wal_and_foreign_keys(void **state)
{
    (void)state;
    fresh();
    store *db = store_open(path, err, sizeof err);
    assert_non_null(db);
    assert_int_equal(scalar(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    assert_int_equal(scalar(db, "PRAGMA foreign_keys"), 1);
    assert_int_equal(scalar(db, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);
    assert_int_equal(scalar(db, "SELECT count(*) FROM sqlite_master WHERE name IN ('runs', "
                                "'sessions', 'builds', 'machines', 'results')"),
                     5);
    store_close(db);
}

static void reopening_keeps_the_data(void **state)
{
    (void)state;
    fresh();
    store *db = store_open(path, err, sizeof err);
    int64_t m = machine_id(db);
    store_close(db);
    db = store_open(path, err, sizeof err);
    assert_non_null(db);
    assert_int_equal(scalar(db, "SELECT count(*) FROM machines"), 1);
    assert_int_equal(machine_id(db), m);
    store_close(db);
}

static void foreign_keys_are_enforced(void **state)
{
    (void)state;
    fresh();
    store *db = store_open(path, err, sizeof err);
    store_new_session n = {.kind = "run", .command = "c", .machine_id = 999, .seed = 1};
    assert_int_equal(store_session_create(db, &n, NULL), -1);
    assert_non_null(strstr(sql_error(db->sql), "FOREIGN KEY"));
    store_close(db);
}

static void machine_fingerprint_is_a_sha256(void **state)
{
    (void)state;
    fresh();
    store *db = store_open(path, err, sizeof err);
    machine_info m;
    machine_probe(&m);
    assert_true(store_machine_id(db, &m) > 0);
    assert_int_equal(strlen(m.fingerprint), 64);
    assert_int_equal(strspn(m.fingerprint, "0123456789abcdef"), 64);
    assert_int_equal(scalar(db, "SELECT cores > 0 AND cpu_model <> '' AND glibc <> '' FROM "
                                "machines"),
                     1);
    store_close(db);
}

static void garbage_file_is_refused_untouched(void **state)
{
    (void)state;
    fresh();
    const char junk[] = "this is a text file, not a database\n";
    write_bytes(path, junk, sizeof junk - 1);
    expect_refused("not an SQLite database");
}

static void other_sqlite_database_is_refused_untouched(void **state)
{
    (void)state;
    fresh();
    sqlite3 *other;
    assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
    assert_int_equal(sqlite3_exec(other, "CREATE TABLE invoices (id INTEGER)", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(other);
    expect_refused("not a hakmem database");
    assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
    assert_int_equal(sqlite3_exec(other, "PRAGMA user_version = 1", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(other);
    expect_refused("not a hakmem database");
}

static void newer_schema_is_refused(void **state)
{
    (void)state;
    fresh();
    store *db = store_open(path, err, sizeof err);
    assert_int_equal(sql_exec(db->sql, "PRAGMA user_version = 7", "test"), 0);
    store_close(db);
    expect_refused("newer hakbench (schema version 7");
}

static void corrupt_file_is_refused_untouched(void **state)
{
    (void)state;
    fresh();
    store *db = store_open(path, err, sizeof err);
    /* Enough rows for several pages, checkpointed into the main file. */
    assert_int_equal(sql_exec(db->sql,
                              "PRAGMA journal_mode=DELETE; WITH RECURSIVE n(i) AS (SELECT 1 "
                              "UNION ALL SELECT i+1 FROM n WHERE i < 3000) INSERT INTO "
                              "machines (fingerprint, cpu_model, cores, kernel, governor, "
                              "thp, glibc, compiler, hostname) SELECT 'fp'||i, 'cpu', 1, 'k', "
                              "'g', 't', 'c', 'cc', 'h' FROM n",
                              "test"),
                     0);
    store_close(db);
    size_t len;
    char *bytes = file_bytes(path, &len);
    assert_true(len > 8 * 4096);
    memset(bytes + 3 * 4096 + 100, 0x5a, 4096);
    write_bytes(path, bytes, len);
    free(bytes);
    expect_refused("corrupt");
}

static void missing_directory_is_a_clear_error(void **state)
{
    (void)state;
    char p[300];
    snprintf(p, sizeof p, "%s/no/such/dir/hakmem.db", dir);
    assert_null(store_open(p, err, sizeof err));
    assert_non_null(strstr(err, "does not exist"));
    snprintf(p, sizeof p, "%s/hakmem.db/inside.db", dir);
    fresh();
    write_bytes(path, "", 0);
    assert_null(store_open(p, err, sizeof err));
    assert_non_null(strstr(err, "not a directory"));
}

typedef struct {
    store *db;
    int done;
} holder;

static void *release_later(void *arg)
{
    holder *h = arg;
    usleep(300 * 1000);
    h->done = 1;
    sql_commit(h->db->sql, "test");
    return NULL;
}

static void second_writer_waits_for_the_first(void **state)
{
    (void)state;
    fresh();
    store *a = store_open(path, err, sizeof err), *b = store_open(path, err, sizeof err);
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(sql_begin_write(a->sql, "test"), 0);
    holder h = {a, 0};
    pthread_t t;
    pthread_create(&t, NULL, release_later, &h);
    assert_int_equal(sql_begin_write(b->sql, "test"), 0);
    assert_int_equal(h.done, 1); /* it got the lock only after the first committed */
    assert_int_equal(sql_commit(b->sql, "test"), 0);
    pthread_join(t, NULL);
    store_close(a);
    store_close(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(new_database_gets_schema_wal_and_foreign_keys),
        cmocka_unit_test(reopening_keeps_the_data),
        cmocka_unit_test(foreign_keys_are_enforced),
        cmocka_unit_test(machine_fingerprint_is_a_sha256),
        cmocka_unit_test(garbage_file_is_refused_untouched),
        cmocka_unit_test(other_sqlite_database_is_refused_untouched),
        cmocka_unit_test(newer_schema_is_refused),
        cmocka_unit_test(corrupt_file_is_refused_untouched),
        cmocka_unit_test(missing_directory_is_a_clear_error),
        cmocka_unit_test(second_writer_waits_for_the_first),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
