/* Merging databases (see merge.h). Rows are read through a connection to the other database and
 * written through this store's, so any two engines merge: a file into a server, a server into a
 * file, a file into a file. A row is copied by column name, every column but its own id, so a
 * column a migration adds travels without a change here; the columns that hold another table's
 * id are remapped by name (id_columns). */
#include "store/merge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"

/* The other database's ids of one table and ours, in the order rows were read (ascending:
 * every read orders by id). */
typedef struct {
    int64_t *src, *dst;
    int n, cap;
} id_map;

static int map_add(id_map *m, int64_t src, int64_t dst)
{
    if (m->n == m->cap) {
        int cap = m->cap ? 2 * m->cap : 64;
        int64_t *s = realloc(m->src, (size_t)cap * sizeof *s);
        if (s) m->src = s;
        int64_t *d = s ? realloc(m->dst, (size_t)cap * sizeof *d) : NULL;
        if (!d) return -1;
        m->dst = d;
        m->cap = cap;
    }
    m->src[m->n] = src;
    m->dst[m->n++] = dst;
    return 0;
}

/* Ours for src, or -1 when the other database's row was not mapped. */
static int64_t map_get(const id_map *m, int64_t src)
{
    int lo = 0, hi = m->n - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (m->src[mid] == src) return m->dst[mid];
        if (m->src[mid] < src)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

static void map_clear(id_map *m)
{
    free(m->src);
    free(m->dst);
    memset(m, 0, sizeof *m);
}

/* What belongs to a session, parents first; ?1 is the other database's session id. A table
 * whose rows have an id that later rows name (runs: run_id) says the column that names it. */
static const struct {
    const char *table, *select;
    const char *named_by; /* NULL: no other row names these */
} session_rows[] = {
    {"session_variants", "SELECT * FROM session_variants WHERE session_id = ?1 ORDER BY position",
     NULL},
    {"runs", "SELECT * FROM runs WHERE session_id = ?1 ORDER BY id", "run_id"},
    {"run_metrics",
     "SELECT x.* FROM run_metrics x JOIN runs r ON r.id = x.run_id WHERE r.session_id = ?1 "
     "ORDER BY x.run_id",
     NULL},
    {"counters",
     "SELECT x.* FROM counters x JOIN runs r ON r.id = x.run_id WHERE r.session_id = ?1 ORDER BY "
     "x.run_id",
     NULL},
    {"rss_samples",
     "SELECT x.* FROM rss_samples x JOIN runs r ON r.id = x.run_id WHERE r.session_id = ?1 "
     "ORDER BY x.run_id, x.t_ms",
     NULL},
    {"profiles", "SELECT * FROM profiles WHERE session_id = ?1 ORDER BY id", "profile_id"},
    {"profile_stacks",
     "SELECT x.* FROM profile_stacks x JOIN profiles p ON p.id = x.profile_id WHERE p.session_id = "
     "?1 ORDER BY x.profile_id, x.stack",
     NULL},
    {"bisect_steps", "SELECT * FROM bisect_steps WHERE session_id = ?1 ORDER BY step", NULL},
};
#define SESSION_TABLES (sizeof session_rows / sizeof *session_rows)

typedef struct {
    sql_conn *other;
    id_map machines, builds, session; /* session: the one being copied */
    id_map rows[SESSION_TABLES];      /* of the session being copied, by session_rows */
    store_merge_counts *counts;
} merge_ctx;

/* The columns that hold an id of another table, whatever table they are in. */
static const id_map *id_column(merge_ctx *m, const char *column)
{
    if (strcmp(column, "machine_id") == 0) return &m->machines;
    if (strcmp(column, "build_id") == 0) return &m->builds;
    if (strcmp(column, "session_id") == 0) return &m->session;
    for (size_t t = 0; t < SESSION_TABLES; t++)
        if (session_rows[t].named_by && strcmp(column, session_rows[t].named_by) == 0)
            return &m->rows[t];
    return NULL;
}

/* Inserts the current row of src into table: every column but "id", remapped ids bound as
 * ours; `tail` follows the VALUES list (ON CONFLICT ..., RETURNING id). 1 with *id set when the
 * statement returned a row, 0 when it returned none, -1 on an error (printed). */
static int copy_row(store *s, merge_ctx *m, sql_stmt *src, const char *table, const char *tail,
                    int64_t *id)
{
    char sql[4096], values[1024];
    size_t used = (size_t)snprintf(sql, sizeof sql, "INSERT INTO %s (", table), vused = 0;
    int ncols = sql_column_count(src), n = 0;
    for (int c = 0; c < ncols; c++) {
        const char *name = sql_column_name(src, c);
        if (strcmp(name, "id") == 0) continue;
        n++;
        used += (size_t)snprintf(sql + used, sizeof sql - used, "%s%s", n > 1 ? ", " : "", name);
        vused +=
            (size_t)snprintf(values + vused, sizeof values - vused, "%s?%d", n > 1 ? ", " : "", n);
    }
    snprintf(sql + used, sizeof sql - used, ") VALUES (%s) %s", values, tail);
    sql_stmt *st = sql_prepare(s->sql, sql);
    n = 0;
    for (int c = 0; c < ncols; c++) {
        const char *name = sql_column_name(src, c);
        if (strcmp(name, "id") == 0) continue;
        const id_map *map = id_column(m, name);
        n++;
        if (!map || sql_is_null(src, c)) {
            sql_bind_column(st, n, src, c);
            continue;
        }
        int64_t ours = map_get(map, sql_int64(src, c));
        if (ours < 0) {
            fprintf(stderr, "hakbench: merge: %s.%s %lld names no row of the other database\n",
                    table, name, (long long)sql_int64(src, c));
            sql_finalize(st);
            return -1;
        }
        sql_bind_int64(st, n, ours);
    }
    int rc = sql_step(st);
    if (rc == SQL_ROW && id) *id = sql_int64(st, 0);
    if (rc == SQL_ERROR)
        fprintf(stderr, "hakbench: merge: copying a row of %s: %s\n", table, sql_stmt_error(st));
    sql_finalize(st);
    return rc == SQL_ERROR ? -1 : rc == SQL_ROW;
}

/* The index of a column of st by name, -1 when it has none. */
static int column(sql_stmt *st, const char *name)
{
    for (int c = 0; c < sql_column_count(st); c++)
        if (strcmp(sql_column_name(st, c), name) == 0) return c;
    return -1;
}

static sql_stmt *read_other(merge_ctx *m, const char *sql, int64_t param)
{
    sql_stmt *st = sql_prepare(m->other, sql);
    if (param) sql_bind_int64(st, 1, param);
    return st;
}

/* A read of the other database that ended in an error (printed). */
static int read_failed(sql_stmt *st, int rc, const char *what)
{
    if (rc != SQL_ERROR) return 0;
    fprintf(stderr, "hakbench: merge: reading %s of the other database: %s\n", what,
            sql_stmt_error(st));
    return 1;
}

/* Rows that have a natural key (machines: fingerprint, builds: their unique key): ours when we
 * have it, else a new one. `ours` finds our row by the key columns, bound from the other's row
 * by name. */
static int map_by_key(store *s, merge_ctx *m, const char *table, const char *key,
                      const char *const *key_columns, id_map *map, long long *added)
{
    char sql[256], conflict[256];
    snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY id", table);
    snprintf(conflict, sizeof conflict, "ON CONFLICT (%s) DO NOTHING RETURNING id", key);
    sql_stmt *src = read_other(m, sql, 0);
    int rc;
    while ((rc = sql_step(src)) == SQL_ROW) {
        int64_t id = -1;
        int inserted = copy_row(s, m, src, table, conflict, &id);
        if (inserted < 0) break;
        if (inserted) {
            (*added)++;
        } else {
            size_t used = (size_t)snprintf(sql, sizeof sql, "SELECT id FROM %s WHERE ", table);
            for (int k = 0; key_columns[k]; k++)
                used += (size_t)snprintf(sql + used, sizeof sql - used, "%s%s = ?%d",
                                         k ? " AND " : "", key_columns[k], k + 1);
            sql_stmt *st = sql_prepare(s->sql, sql);
            for (int k = 0; key_columns[k]; k++)
                sql_bind_column(st, k + 1, src, column(src, key_columns[k]));
            if (sql_step(st) == SQL_ROW) id = sql_int64(st, 0);
            sql_finalize(st);
        }
        if (id < 0 || map_add(map, sql_int64(src, column(src, "id")), id) != 0) {
            fprintf(stderr, "hakbench: merge: cannot match a row of %s\n", table);
            rc = SQL_ERROR;
            break;
        }
    }
    int failed = read_failed(src, rc, table) || rc != SQL_DONE;
    sql_finalize(src);
    return failed ? -1 : 0;
}

static int copy_session_rows(store *s, merge_ctx *m, int64_t other_session)
{
    for (size_t t = 0; t < SESSION_TABLES; t++) {
        const char *table = session_rows[t].table;
        sql_stmt *src = read_other(m, session_rows[t].select, other_session);
        int rc, copied = 0;
        while ((rc = sql_step(src)) == SQL_ROW) {
            int64_t id = -1;
            int named = session_rows[t].named_by != NULL;
            if (copy_row(s, m, src, table, named ? "RETURNING id" : "", &id) < 0 ||
                (named && map_add(&m->rows[t], sql_int64(src, column(src, "id")), id) != 0)) {
                rc = SQL_ERROR;
                break;
            }
            copied++;
        }
        int failed = read_failed(src, rc, table) || rc != SQL_DONE;
        sql_finalize(src);
        if (failed) return -1;
        if (strcmp(table, "runs") == 0) m->counts->runs += copied;
        if (strcmp(table, "bisect_steps") == 0) m->counts->bisect_steps += copied;
    }
    return 0;
}

static int have_session(store *s, sql_stmt *src)
{
    sql_stmt *st = sql_prepare(s->sql, "SELECT 1 FROM sessions WHERE uuid = ?1");
    sql_bind_column(st, 1, src, column(src, "uuid"));
    int rc = sql_step(st);
    sql_finalize(st);
    return rc == SQL_ROW ? 1 : rc == SQL_DONE ? 0 : -1;
}

static int copy_sessions(store *s, merge_ctx *m)
{
    sql_stmt *src = read_other(m, "SELECT * FROM sessions ORDER BY id", 0);
    int rc;
    while ((rc = sql_step(src)) == SQL_ROW) {
        int64_t other_id = sql_int64(src, column(src, "id")), id = -1;
        int have = have_session(s, src);
        if (have < 0) {
            rc = SQL_ERROR;
            break;
        }
        if (have) {
            m->counts->present++;
            continue;
        }
        map_clear(&m->session);
        for (size_t t = 0; t < SESSION_TABLES; t++)
            map_clear(&m->rows[t]);
        if (copy_row(s, m, src, "sessions", "RETURNING id", &id) != 1 ||
            map_add(&m->session, other_id, id) != 0 || copy_session_rows(s, m, other_id) != 0) {
            rc = SQL_ERROR;
            break;
        }
        m->counts->sessions++;
    }
    int failed = read_failed(src, rc, "sessions") || rc != SQL_DONE;
    sql_finalize(src);
    return failed ? -1 : 0;
}

/* Two rows hold the same values in every column but id (machine_id compared as ours). */
static int same_row(merge_ctx *m, sql_stmt *a, sql_stmt *b)
{
    for (int c = 0; c < sql_column_count(a); c++) {
        const char *name = sql_column_name(a, c);
        if (strcmp(name, "id") == 0) continue;
        int d = column(b, name);
        if (d < 0 || sql_column_type(a, c) != sql_column_type(b, d)) return 0;
        const id_map *map = id_column(m, name);
        switch (sql_column_type(a, c)) {
        case SQL_NULL:
            break;
        case SQL_INTEGER:
            if ((map ? map_get(map, sql_int64(a, c)) : sql_int64(a, c)) != sql_int64(b, d))
                return 0;
            break;
        case SQL_REAL:
            if (sql_double(a, c) != sql_double(b, d)) return 0;
            break;
        case SQL_TEXT:
            if (strcmp(sql_text(a, c), sql_text(b, d)) != 0) return 0;
            break;
        }
    }
    return 1;
}

/* Calibrations have no uuid: an identical row (machine, workload, time, figures) is the same
 * calibration. */
static int copy_calibrations(store *s, merge_ctx *m)
{
    sql_stmt *src = read_other(m, "SELECT * FROM calibrations ORDER BY id", 0);
    int rc;
    while ((rc = sql_step(src)) == SQL_ROW) {
        sql_stmt *ours = sql_prepare(s->sql, "SELECT * FROM calibrations WHERE machine_id = ?1");
        sql_bind_int64(ours, 1, map_get(&m->machines, sql_int64(src, column(src, "machine_id"))));
        int found = 0;
        while (!found && sql_step(ours) == SQL_ROW)
            found = same_row(m, src, ours);
        sql_finalize(ours);
        if (!found && copy_row(s, m, src, "calibrations", "", NULL) < 0) {
            rc = SQL_ERROR;
            break;
        }
    }
    int failed = read_failed(src, rc, "calibrations") || rc != SQL_DONE;
    sql_finalize(src);
    return failed ? -1 : 0;
}

static void merge_ctx_clear(merge_ctx *m)
{
    map_clear(&m->machines);
    map_clear(&m->builds);
    map_clear(&m->session);
    for (size_t t = 0; t < SESSION_TABLES; t++)
        map_clear(&m->rows[t]);
}

/* The whole import, one write transaction (run again after a reconnect: every count and map
 * starts over, and the sessions the first attempt committed are found by uuid). */
static int merge_body(store *s, void *arg, int attempt)
{
    (void)attempt;
    merge_ctx *m = arg;
    static const char *const build_key[] = {"variant", "revision",     "dirty",
                                            "flags",   "library_hash", NULL};
    static const char *const machine_key[] = {"fingerprint", NULL};
    merge_ctx_clear(m);
    memset(m->counts, 0, sizeof *m->counts);
    return map_by_key(s, m, "machines", "fingerprint", machine_key, &m->machines,
                      &m->counts->machines) != 0 ||
                   map_by_key(s, m, "builds", "variant, revision, dirty, flags, library_hash",
                              build_key, &m->builds, &m->counts->builds) != 0 ||
                   copy_sessions(s, m) != 0 || copy_calibrations(s, m) != 0
               ? -1
               : 0;
}

/* The other database must be a hakmem database of exactly this schema version: an older one
 * is migrated by opening it with hakbench first (merge never writes to it), a newer one needs a
 * newer hakbench. */
static sql_conn *open_mergeable(const char *location, char *err, size_t errlen)
{
    char shown[512];
    sql_location_shown(location, shown, sizeof shown);
    sql_conn *o = sql_open_readonly(location, err, errlen);
    if (!o) return NULL;
    long long version = sql_schema_version(o);
    int tables = 0;
    static const char *const needed[] = {"machines", "builds", "sessions", "runs", "bisect_steps"};
    for (size_t i = 0; version >= 0 && i < sizeof needed / sizeof *needed; i++)
        tables += sql_has_table(o, needed[i]) == 1;
    if (version < 0)
        snprintf(err, errlen, "%s: %s", shown,
                 sql_is_server(location) ? "cannot read its schema version"
                                         : "not an SQLite database (or unreadable)");
    else if (tables != 5 || version == 0)
        snprintf(err, errlen, "%s: not a hakmem results database", shown);
    else if (version != STORE_SCHEMA_VERSION)
        snprintf(err, errlen, "%s: schema version %lld, this hakbench writes %d; %s", shown,
                 version, STORE_SCHEMA_VERSION,
                 version < STORE_SCHEMA_VERSION
                     ? "migrate it first by running any hakbench command on it with --db"
                     : "use a newer hakbench");
    else
        return o;
    sql_close(o);
    return NULL;
}

int store_check_mergeable(const char *location, char *err, size_t errlen)
{
    sql_conn *o = open_mergeable(location, err, errlen);
    sql_close(o);
    return o ? 0 : -1;
}

int store_merge(store *s, const char *other, store_merge_counts *counts, char *err, size_t errlen)
{
    memset(counts, 0, sizeof *counts);
    err[0] = '\0';
    merge_ctx m = {.counts = counts};
    if (!(m.other = open_mergeable(other, err, errlen))) return -1;
    int status = -1;
    if (sql_begin_read(m.other, "merge: reading the other database") == 0) {
        status = store_transaction(s, "merge", merge_body, &m);
        sql_rollback(m.other);
    }
    merge_ctx_clear(&m);
    sql_close(m.other);
    if (status != 0) {
        memset(counts, 0, sizeof *counts);
        snprintf(err, errlen, "nothing was merged (see above)");
    }
    return status;
}
