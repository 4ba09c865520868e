/* The SQLite engine of store/sql.h (sql_engine.h): the only file of the harness that calls
 * sqlite3_*. A location is a file path.
 *
 * Opening: the order of checks matters. We look at the file before SQLite writes anything (a
 * foreign file must never be touched), then at its schema version, and only then create or
 * migrate inside one IMMEDIATE transaction so a second harness opening the same new file waits
 * instead of racing. */
#include "store/sql_engine.h"

#include <errno.h>
#include <libgen.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Two harnesses writing at once: the second waits this long for the first's transaction. */
#define BUSY_TIMEOUT_MS 60000

typedef struct {
    sql_conn base;
    sqlite3 *db;
} lite_conn;

typedef struct {
    sql_stmt base;
    sqlite3_stmt *st;
} lite_stmt;

static sqlite3 *db_of(sql_conn *c)
{
    return ((lite_conn *)c)->db;
}

static sqlite3_stmt *raw(sql_stmt *st)
{
    return ((lite_stmt *)st)->st;
}

static int query_int(sqlite3 *db, const char *sql, long long *out)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *out = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

static int table_exists(sqlite3 *db, const char *name)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", -1, &st,
                           NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Refuses what SQLite would otherwise happily overwrite or misreport. */
static int check_file(const char *path, char *err, size_t errlen)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        char copy[4096];
        snprintf(copy, sizeof copy, "%s", path);
        const char *dir = dirname(copy);
        if (access(dir, F_OK) != 0) {
            snprintf(err, errlen,
                     "%s: directory '%s' does not exist (create it or choose another --db)", path,
                     dir);
            return -1;
        }
        struct stat db_dir;
        if (stat(dir, &db_dir) != 0 || !S_ISDIR(db_dir.st_mode)) {
            snprintf(err, errlen, "%s: '%s' is not a directory (choose another --db)", path, dir);
            return -1;
        }
        if (access(dir, W_OK) != 0) {
            snprintf(err, errlen,
                     "%s: cannot create the database: directory '%s' is not writable "
                     "(choose another --db)",
                     path, dir);
            return -1;
        }
        return 0;
    }
    if (!S_ISREG(sb.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        return -1;
    }
    if (access(path, R_OK | W_OK) != 0) {
        snprintf(err, errlen, "%s: not writable (%s); choose another --db or fix its permissions",
                 path, strerror(errno));
        return -1;
    }
    if (sb.st_size == 0) return 0;
    char header[16] = {0};
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(header, 1, sizeof header, f) : 0;
    if (f) fclose(f);
    if (n != sizeof header || memcmp(header, "SQLite format 3", 16) != 0) {
        snprintf(err, errlen,
                 "%s: not an SQLite database (left untouched; move it away or choose another "
                 "--db)",
                 path);
        return -1;
    }
    return 0;
}

static int check_schema(sqlite3 *db, const char *path, long long version, int known,
                        const char *const *required, char *err, size_t errlen)
{
    long long tables = 0;
    if (query_int(db, "SELECT count(*) FROM sqlite_master", &tables) != 0) {
        snprintf(err, errlen, "%s: cannot read the schema: %s (the file may be corrupt)", path,
                 sqlite3_errmsg(db));
        return -1;
    }
    if (version > known) {
        snprintf(err, errlen,
                 "%s: written by a newer hakbench (schema version %lld, this one knows up to "
                 "%d); update hakbench",
                 path, version, known);
        return -1;
    }
    if (version == 0 && tables > 0) {
        snprintf(err, errlen,
                 "%s: not a hakmem database (it has %lld schema objects but no hakmem schema "
                 "version); left untouched, choose another --db",
                 path, tables);
        return -1;
    }
    if (version == 0) return 0;
    for (size_t i = 0; required[i]; i++) {
        if (table_exists(db, required[i]) != 1) {
            snprintf(err, errlen,
                     "%s: not a hakmem database (user_version %lld but no '%s' table); left "
                     "untouched, choose another --db",
                     path, version, required[i]);
            return -1;
        }
    }
    return 0;
}

static int migrate(sqlite3 *db, const char *path, int known, const char *const *migrations,
                   const char *const *required, char *err, size_t errlen)
{
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: cannot lock the database: %s", path, sqlite3_errmsg(db));
        return -1;
    }
    /* Read the version again under the lock: another harness may have just created it. */
    long long version = 0;
    if (query_int(db, "PRAGMA user_version", &version) != 0 ||
        check_schema(db, path, version, known, required, err, errlen) != 0) {
        if (!err[0]) snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    for (long long v = version; v < known; v++) {
        char *msg = NULL;
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %lld", v + 1);
        if (sqlite3_exec(db, migrations[v], NULL, NULL, &msg) != SQLITE_OK ||
            sqlite3_exec(db, pragma, NULL, NULL, &msg) != SQLITE_OK) {
            snprintf(err, errlen, "%s: migrating schema %lld -> %lld failed: %s", path, v, v + 1,
                     msg ? msg : sqlite3_errmsg(db));
            sqlite3_free(msg);
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            return -1;
        }
    }
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
        return -1;
    }
    return 0;
}

static sql_conn *wrap(sqlite3 *db)
{
    lite_conn *c = malloc(sizeof *c);
    if (!c) {
        sqlite3_close(db);
        return NULL;
    }
    c->base = (sql_conn){.engine = &sql_sqlite_engine};
    c->db = db;
    return &c->base;
}

static sql_conn *lite_open(const char *path, int known, const char *const *migrations,
                           const char *const *required, char *err, size_t errlen)
{
    if (check_file(path, err, errlen) != 0) return NULL;
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: cannot open: %s", path, db ? sqlite3_errmsg(db) : "no memory");
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(db, 1);

    long long version = 0;
    if (query_int(db, "PRAGMA user_version", &version) != 0) {
        snprintf(err, errlen, "%s: cannot read: %s (the file may be corrupt)", path,
                 sqlite3_errmsg(db));
        goto fail;
    }
    if (check_schema(db, path, version, known, required, err, errlen) != 0) goto fail;
    if (version > 0) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL) != SQLITE_OK) {
            snprintf(err, errlen, "%s: database is corrupt: %s", path, sqlite3_errmsg(db));
            goto fail;
        }
        int rc = sqlite3_step(st);
        const char *res = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
        if (!res || strcmp(res, "ok") != 0) {
            snprintf(err, errlen,
                     "%s: database is corrupt (%s); left untouched, restore a copy or choose "
                     "another --db",
                     path, res ? res : sqlite3_errmsg(db));
            sqlite3_finalize(st);
            goto fail;
        }
        sqlite3_finalize(st);
    }
    /* WAL: a reader (report) never blocks the writer (run), and a killed writer loses only its
     * open transaction. synchronous=NORMAL is durable against a process kill in WAL mode. */
    long long fk;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        snprintf(err, errlen, "%s: cannot switch to WAL: %s", path, sqlite3_errmsg(db));
        sqlite3_finalize(st);
        goto fail;
    }
    sqlite3_finalize(st);
    if (sqlite3_exec(db, "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON", NULL, NULL, NULL) !=
            SQLITE_OK ||
        query_int(db, "PRAGMA foreign_keys", &fk) != 0 || fk != 1) {
        snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
        goto fail;
    }
    if (version < known && migrate(db, path, known, migrations, required, err, errlen) != 0)
        goto fail;
    return wrap(db);
fail:
    sqlite3_close(db);
    return NULL;
}

static sql_conn *lite_open_readonly(const char *path, char *err, size_t errlen)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: cannot open: %s", path, db ? sqlite3_errmsg(db) : "no memory");
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
    return wrap(db);
}

static void lite_close(sql_conn *c)
{
    sqlite3_close(db_of(c));
    free(c);
}

static long long lite_schema_version(sql_conn *c)
{
    long long v;
    return query_int(db_of(c), "PRAGMA user_version", &v) == 0 ? v : -1;
}

static int lite_has_table(sql_conn *c, const char *name)
{
    return table_exists(db_of(c), name);
}

static int lite_exec(sql_conn *c, const char *sql, const char *context)
{
    char *msg = NULL;
    if (sqlite3_exec(db_of(c), sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "hakbench: %s: %s\n", context, msg ? msg : sqlite3_errmsg(db_of(c)));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static int lite_begin_write(sql_conn *c, const char *context)
{
    return lite_exec(c, "BEGIN IMMEDIATE", context);
}

/* A deferred transaction takes its snapshot at the first read and keeps it (WAL). */
static int lite_begin_read(sql_conn *c, const char *context)
{
    return lite_exec(c, "BEGIN", context);
}

static int lite_commit(sql_conn *c, const char *context)
{
    return lite_exec(c, "COMMIT", context);
}

static void lite_rollback(sql_conn *c)
{
    sqlite3_exec(db_of(c), "ROLLBACK", NULL, NULL, NULL);
}

static int lite_connection_lost(sql_conn *c)
{
    (void)c;
    return 0;
}

static const char *lite_error(sql_conn *c)
{
    return sqlite3_errmsg(db_of(c));
}

/* PostgreSQL's row locks for a queue claim: here the write transaction (or the single
 * statement) already holds the whole file, so the clause goes. */
static const char SKIP_LOCKED[] = " FOR UPDATE SKIP LOCKED";

static sql_stmt *lite_prepare(sql_conn *c, const char *sql)
{
    char *copy = NULL;
    const char *skip = strstr(sql, SKIP_LOCKED);
    if (skip && (copy = strdup(sql))) {
        size_t at = (size_t)(skip - sql), n = sizeof SKIP_LOCKED - 1;
        memmove(copy + at, copy + at + n, strlen(copy + at + n) + 1);
    }
    lite_stmt *st = malloc(sizeof *st);
    if (!st || sqlite3_prepare_v2(db_of(c), copy ? copy : sql, -1, &st->st, NULL) != SQLITE_OK) {
        fprintf(stderr, "hakbench: internal error preparing \"%s\": %s\n", sql,
                st ? sqlite3_errmsg(db_of(c)) : "out of memory");
        exit(2);
    }
    free(copy);
    st->base = (sql_stmt){.engine = &sql_sqlite_engine};
    return &st->base;
}

static void lite_bind_int64(sql_stmt *st, int i, int64_t v)
{
    sqlite3_bind_int64(raw(st), i, v);
}

static void lite_bind_double(sql_stmt *st, int i, double v)
{
    sqlite3_bind_double(raw(st), i, v);
}

static void lite_bind_text(sql_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(raw(st), i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(raw(st), i);
}

static void lite_bind_null(sql_stmt *st, int i)
{
    sqlite3_bind_null(raw(st), i);
}

static int lite_step(sql_stmt *st)
{
    int rc = sqlite3_step(raw(st));
    return rc == SQLITE_ROW ? SQL_ROW : rc == SQLITE_DONE ? SQL_DONE : SQL_ERROR;
}

static void lite_reset(sql_stmt *st)
{
    sqlite3_reset(raw(st));
}

static void lite_clear_bindings(sql_stmt *st)
{
    sqlite3_clear_bindings(raw(st));
}

static void lite_finalize(sql_stmt *st)
{
    sqlite3_finalize(raw(st));
    free(st);
}

static int lite_column_count(sql_stmt *st)
{
    return sqlite3_column_count(raw(st));
}

static const char *lite_column_name(sql_stmt *st, int col)
{
    return sqlite3_column_name(raw(st), col);
}

static sql_type lite_column_type(sql_stmt *st, int col)
{
    switch (sqlite3_column_type(raw(st), col)) {
    case SQLITE_INTEGER:
        return SQL_INTEGER;
    case SQLITE_FLOAT:
        return SQL_REAL;
    case SQLITE_NULL:
        return SQL_NULL;
    default:
        return SQL_TEXT;
    }
}

static int64_t lite_column_int64(sql_stmt *st, int col)
{
    return sqlite3_column_int64(raw(st), col);
}

static double lite_column_double(sql_stmt *st, int col)
{
    return sqlite3_column_double(raw(st), col);
}

static const char *lite_column_text(sql_stmt *st, int col)
{
    const unsigned char *s = sqlite3_column_text(raw(st), col);
    return s ? (const char *)s : "";
}

static const char *lite_stmt_error(sql_stmt *st)
{
    return sqlite3_errmsg(sqlite3_db_handle(raw(st)));
}

const sql_engine sql_sqlite_engine = {
    .open = lite_open,
    .open_readonly = lite_open_readonly,
    .close = lite_close,
    .schema_version = lite_schema_version,
    .has_table = lite_has_table,
    .exec = lite_exec,
    .begin_write = lite_begin_write,
    .begin_read = lite_begin_read,
    .commit = lite_commit,
    .rollback = lite_rollback,
    .connection_lost = lite_connection_lost,
    .error = lite_error,
    .prepare = lite_prepare,
    .bind_int64 = lite_bind_int64,
    .bind_double = lite_bind_double,
    .bind_text = lite_bind_text,
    .bind_null = lite_bind_null,
    .step = lite_step,
    .reset = lite_reset,
    .clear_bindings = lite_clear_bindings,
    .finalize = lite_finalize,
    .column_count = lite_column_count,
    .column_name = lite_column_name,
    .column_type = lite_column_type,
    .column_int64 = lite_column_int64,
    .column_double = lite_column_double,
    .column_text = lite_column_text,
    .stmt_error = lite_stmt_error,
};
