/* The SQLite side of store/sql.h: the only file of the harness that calls sqlite3_*.
 *
 * Opening: the order of checks matters. We look at the file before SQLite writes anything (a
 * foreign file must never be touched), then at its schema version, and only then create or
 * migrate inside one IMMEDIATE transaction so a second harness opening the same new file waits
 * instead of racing. */
#include "store/sql.h"

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

struct sql_conn {
    sqlite3 *db;
};

/* sqlite3_stmt is the statement; the seam's type is only a name for it. */
static sqlite3_stmt *raw(sql_stmt *st)
{
    return (sqlite3_stmt *)st;
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
    sql_conn *c = malloc(sizeof *c);
    if (!c) {
        sqlite3_close(db);
        return NULL;
    }
    c->db = db;
    return c;
}

sql_conn *sql_open(const char *path, int known, const char *const *migrations,
                   const char *const *required, char *err, size_t errlen)
{
    err[0] = '\0';
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

sql_conn *sql_open_readonly(const char *path, char *err, size_t errlen)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: cannot open: %s", path, db ? sqlite3_errmsg(db) : "no memory");
        sqlite3_close(db);
        return NULL;
    }
    return wrap(db);
}

void sql_close(sql_conn *c)
{
    if (!c) return;
    sqlite3_close(c->db);
    free(c);
}

long long sql_schema_version(sql_conn *c)
{
    long long v;
    return query_int(c->db, "PRAGMA user_version", &v) == 0 ? v : -1;
}

int sql_has_table(sql_conn *c, const char *name)
{
    return table_exists(c->db, name);
}

int sql_exec(sql_conn *c, const char *sql, const char *context)
{
    char *msg = NULL;
    if (sqlite3_exec(c->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "hakbench: %s: %s\n", context, msg ? msg : sqlite3_errmsg(c->db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

int sql_begin_write(sql_conn *c, const char *context)
{
    return sql_exec(c, "BEGIN IMMEDIATE", context);
}

int sql_commit(sql_conn *c, const char *context)
{
    return sql_exec(c, "COMMIT", context);
}

void sql_rollback(sql_conn *c)
{
    sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
}

int sql_attach(sql_conn *c, const char *path, const char *alias)
{
    char sql[128];
    snprintf(sql, sizeof sql, "ATTACH DATABASE ?1 AS %s", alias);
    sql_stmt *st = sql_prepare(c, sql);
    sql_bind_text(st, 1, path);
    return sql_run(st, "attaching a database");
}

void sql_detach(sql_conn *c, const char *alias)
{
    char sql[128];
    snprintf(sql, sizeof sql, "DETACH DATABASE %s", alias);
    sql_exec(c, sql, "detaching a database");
}

sql_stmt *sql_prepare(sql_conn *c, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "hakbench: internal error preparing \"%s\": %s\n", sql,
                sqlite3_errmsg(c->db));
        exit(2);
    }
    return (sql_stmt *)st;
}

void sql_bind_int64(sql_stmt *st, int i, int64_t v)
{
    sqlite3_bind_int64(raw(st), i, v);
}

void sql_bind_double(sql_stmt *st, int i, double v)
{
    sqlite3_bind_double(raw(st), i, v);
}

void sql_bind_text(sql_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(raw(st), i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(raw(st), i);
}

void sql_bind_null(sql_stmt *st, int i)
{
    sqlite3_bind_null(raw(st), i);
}

int sql_step(sql_stmt *st)
{
    int rc = sqlite3_step(raw(st));
    return rc == SQLITE_ROW ? SQL_ROW : rc == SQLITE_DONE ? SQL_DONE : SQL_ERROR;
}

int sql_run(sql_stmt *st, const char *context)
{
    int rc = sql_step(st);
    if (rc == SQL_ERROR) fprintf(stderr, "hakbench: %s: %s\n", context, sql_stmt_error(st));
    sql_finalize(st);
    return rc == SQL_ERROR ? -1 : 0;
}

void sql_reset(sql_stmt *st)
{
    sqlite3_reset(raw(st));
}

void sql_finalize(sql_stmt *st)
{
    sqlite3_finalize(raw(st));
}

int sql_column_count(sql_stmt *st)
{
    return sqlite3_column_count(raw(st));
}

const char *sql_column_name(sql_stmt *st, int col)
{
    return sqlite3_column_name(raw(st), col);
}

sql_type sql_column_type(sql_stmt *st, int col)
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

int sql_is_null(sql_stmt *st, int col)
{
    return sqlite3_column_type(raw(st), col) == SQLITE_NULL;
}

int64_t sql_int64(sql_stmt *st, int col)
{
    return sqlite3_column_int64(raw(st), col);
}

double sql_double(sql_stmt *st, int col)
{
    return sqlite3_column_double(raw(st), col);
}

const char *sql_text(sql_stmt *st, int col)
{
    const unsigned char *s = sqlite3_column_text(raw(st), col);
    return s ? (const char *)s : "";
}

void sql_text_copy(sql_stmt *st, int col, char *dst, size_t len)
{
    snprintf(dst, len, "%s", sql_text(st, col));
}

int64_t sql_last_insert_id(sql_conn *c)
{
    return sqlite3_last_insert_rowid(c->db);
}

const char *sql_error(sql_conn *c)
{
    return sqlite3_errmsg(c->db);
}

const char *sql_stmt_error(sql_stmt *st)
{
    return sqlite3_errmsg(sqlite3_db_handle(raw(st)));
}
