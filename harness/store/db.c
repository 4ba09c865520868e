/* Opening the results store. The order of checks matters: we look at the file before SQLite
 * writes anything (a foreign file must never be touched), then at its schema version, and only
 * then create or migrate inside one IMMEDIATE transaction so a second harness opening the same
 * new file waits instead of racing. */
#include "store/db.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "run/machine.h"

extern const char hakbench_schema_sql[];

/* Two harnesses writing at once: the second waits this long for the first's transaction. */
#define DB_BUSY_TIMEOUT_MS 60000

/* Tables every hakmem database has; a versioned file without them is someone else's. */
static const char *const required_tables[] = {"machines",    "builds",   "sessions",   "runs",
                                              "run_metrics", "counters", "rss_samples"};

/* migrations[v] takes a database from schema version v to v+1. Version 0 is "empty": the
 * creation script. Later versions append ALTER/CREATE scripts here. */
static const char *const migrations[DB_SCHEMA_VERSION] = {hakbench_schema_sql};

static int query_int(sqlite3 *db, const char *sql, long long *out)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *out = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : -1;
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

static int check_schema(sqlite3 *db, const char *path, long long version, char *err, size_t errlen)
{
    long long tables = 0;
    if (query_int(db, "SELECT count(*) FROM sqlite_master", &tables) != 0) {
        snprintf(err, errlen, "%s: cannot read the schema: %s (the file may be corrupt)", path,
                 sqlite3_errmsg(db));
        return -1;
    }
    if (version > DB_SCHEMA_VERSION) {
        snprintf(err, errlen,
                 "%s: written by a newer hakbench (schema version %lld, this one knows up to "
                 "%d); update hakbench",
                 path, version, DB_SCHEMA_VERSION);
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
    for (size_t i = 0; i < sizeof required_tables / sizeof *required_tables; i++) {
        sqlite3_stmt *st;
        sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", -1, &st,
                           NULL);
        sqlite3_bind_text(st, 1, required_tables[i], -1, SQLITE_STATIC);
        int found = sqlite3_step(st) == SQLITE_ROW;
        sqlite3_finalize(st);
        if (!found) {
            snprintf(err, errlen,
                     "%s: not a hakmem database (user_version %lld but no '%s' table); left "
                     "untouched, choose another --db",
                     path, version, required_tables[i]);
            return -1;
        }
    }
    return 0;
}

static int migrate(sqlite3 *db, const char *path, char *err, size_t errlen)
{
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: cannot lock the database: %s", path, sqlite3_errmsg(db));
        return -1;
    }
    /* Read the version again under the lock: another harness may have just created it. */
    long long version = 0;
    if (query_int(db, "PRAGMA user_version", &version) != 0 ||
        check_schema(db, path, version, err, errlen) != 0) {
        if (!err[0]) snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    const char *const *m = migrations;
    for (long long v = version; v < DB_SCHEMA_VERSION; v++) {
        char *msg = NULL;
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %lld", v + 1);
        if (sqlite3_exec(db, m[v], NULL, NULL, &msg) != SQLITE_OK ||
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

sqlite3 *db_open(const char *path, char *err, size_t errlen)
{
    err[0] = '\0';
    if (check_file(path, err, errlen) != 0) return NULL;
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: cannot open: %s", path, db ? sqlite3_errmsg(db) : "no memory");
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, DB_BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(db, 1);

    long long version = 0;
    if (query_int(db, "PRAGMA user_version", &version) != 0) {
        snprintf(err, errlen, "%s: cannot read: %s (the file may be corrupt)", path,
                 sqlite3_errmsg(db));
        goto fail;
    }
    if (check_schema(db, path, version, err, errlen) != 0) goto fail;
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
    long long dummy;
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
        query_int(db, "PRAGMA foreign_keys", &dummy) != 0 || dummy != 1) {
        snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
        goto fail;
    }
    if (version < DB_SCHEMA_VERSION && migrate(db, path, err, errlen) != 0) goto fail;
    return db;
fail:
    sqlite3_close(db);
    return NULL;
}

void db_close(sqlite3 *db)
{
    sqlite3_close(db);
}

int db_exec(sqlite3 *db, const char *sql, const char *context)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "hakbench: %s: %s\n", context, msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "hakbench: internal error preparing \"%s\": %s\n", sql, sqlite3_errmsg(db));
        exit(2);
    }
    return st;
}

int64_t db_machine_id(sqlite3 *db, char *fp, size_t fplen)
{
    machine_info m;
    machine_probe(&m);
    if (fp) snprintf(fp, fplen, "%s", m.fingerprint);
    sqlite3_stmt *st = db_prepare(
        db, "INSERT INTO machines (fingerprint, cpu_model, cores, kernel, governor, thp, glibc, "
            "compiler, hostname) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
            "ON CONFLICT (fingerprint) DO UPDATE SET hostname = excluded.hostname "
            "RETURNING id");
    sqlite3_bind_text(st, 1, m.fingerprint, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, m.cpu_model, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 3, m.cores);
    sqlite3_bind_text(st, 4, m.kernel, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, m.governor, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 6, m.thp, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 7, m.glibc, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 8, m.compiler, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 9, m.hostname, -1, SQLITE_TRANSIENT);
    int64_t id = -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    else
        fprintf(stderr, "hakbench: recording the machine: %s\n", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return id;
}

void db_now(char *buf, size_t len)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
