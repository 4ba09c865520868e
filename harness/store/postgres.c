/* The PostgreSQL engine of store/sql.h (sql_engine.h), through libpq: the only file of the
 * harness that calls PQ*. A location is a libpq URI, postgresql://[user@]host[:port]/dbname?...;
 * the password comes from where libpq looks for one (~/.pgpass or PGPASSFILE, PG* variables, a
 * service file), never from hakbench (cli/main.c refuses one on the command line).
 *
 * The tables live in the connection's current schema (the first of search_path, e.g.
 * ?options=-csearch_path%3Dhakbench), and the schema version in a one-row table of it,
 * hakbench_schema (SQLite keeps it in the file header, PRAGMA user_version). Schema scripts and
 * queries are translated on the way (pg_dialect.h).
 *
 * Statements: each goes to the server with its parameters in one message (PQsendQueryParams:
 * parse, bind, execute), each parameter typed by the call that bound it (bigint, double
 * precision, text), so the server never guesses a type; a cached one (sql_prepare_cached: the
 * statements of storing a run) is prepared on the server once per connection, so the server
 * parses and plans it once. Inside a write
 * transaction the connection is in pipeline mode: a statement without result rows is only sent,
 * and its result is read with the next statement that has rows, or at COMMIT. Storing a run
 * thus costs two round trips, however many metrics and RSS samples it has.
 *
 * synchronous_commit is off on our connections: COMMIT returns before the WAL reaches the disk,
 * as SQLite's synchronous=NORMAL in WAL mode does. A crash of the server can lose the last
 * fraction of a second of commits, never half of one.
 *
 * The connection breaking (the server restarted): a statement outside a transaction runs again
 * on a new connection; inside one, the transaction is gone, so the statement fails and
 * sql_connection_lost says why (the store then runs the whole transaction again, store.c). A
 * new connection is tried for up to RECONNECT_S seconds. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "store/pg_dialect.h"
#include "store/sql_engine.h"
#include "util/clock.h"

#define RECONNECT_S 120
/* Statements sent in a pipeline before their results are read: bounded, so that the server's
 * replies never fill the socket while we are still sending (libpq's documented deadlock). */
#define PIPELINE_MAX 512
/* Any number: hakbench processes creating or migrating one database wait for each other. */
#define MIGRATION_LOCK "4721304981"

/* Type oids of pg_type.h, a server header. */
enum {
    OID_BOOL = 16,
    OID_INT8 = 20,
    OID_INT2 = 21,
    OID_INT4 = 23,
    OID_TEXT = 25,
    OID_OID = 26,
    OID_FLOAT4 = 700,
    OID_FLOAT8 = 701,
    OID_NUMERIC = 1700
};

typedef enum { TX_NONE, TX_READ, TX_WRITE } tx_state;

typedef struct {
    sql_conn base;
    PGconn *pg;
    char *location;  /* to connect again */
    char shown[512]; /* the location without a password, for messages */
    int readonly;
    tx_state tx;
    int pending;    /* statements sent in the pipeline whose results are not read yet */
    int lost;       /* the connection broke inside the current transaction */
    int generation; /* of the server-side statements: a cached statement prepared under an
                       older one is prepared again (a new connection, a failed pipeline) */
    int names;      /* prepared statements named so far */
    char err[1024];
} pg_conn;

typedef struct {
    sql_stmt base;
    pg_conn *c;
    char *sql; /* translated */
    int nparams;
    char **values; /* NULL: SQL NULL */
    Oid *types;    /* 0: the server infers it (a NULL bound as such) */
    int no_rows;   /* INSERT, UPDATE or DELETE without RETURNING */
    int executed, failed;
    PGresult *res; /* NULL when sent in a pipeline, or failed */
    int row;
    char name[24]; /* a cached statement's, on the server */
    int prepared;  /* the connection's generation it was prepared in; 0: not */
} pg_stmt;

static pg_conn *conn_of(sql_conn *c)
{
    return (pg_conn *)c;
}

static pg_stmt *stmt_of(sql_stmt *st)
{
    return (pg_stmt *)st;
}

/* libpq's messages span lines ("...failed: No such file\n\tIs the server running..."); ours
 * are one line. */
static void set_error(pg_conn *c, const char *msg)
{
    size_t n = 0;
    int blank = 0;
    for (const char *p = msg ? msg : "unknown error"; *p && n + 1 < sizeof c->err; p++) {
        if (*p == '\n' || *p == '\t' || *p == ' ') {
            blank = n > 0;
            continue;
        }
        if (blank && n + 2 < sizeof c->err) c->err[n++] = ' ';
        blank = 0;
        c->err[n++] = *p;
    }
    c->err[n] = '\0';
}

/* A statement's error: the server's primary message and its detail. */
static void set_result_error(pg_conn *c, const PGresult *r)
{
    const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *detail = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL) : NULL;
    if (!primary) {
        set_error(c, PQerrorMessage(c->pg));
        return;
    }
    char msg[1024];
    snprintf(msg, sizeof msg, "%s%s%s", primary, detail ? " (" : "", detail ? detail : "");
    if (detail) snprintf(msg + strlen(msg), sizeof msg - strlen(msg), ")");
    set_error(c, msg);
}

static void quiet_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static PGconn *connect_raw(const char *location)
{
    /* connect_timeout first: a value in the URI overrides it. */
    const char *const keys[] = {"connect_timeout", "fallback_application_name", "dbname", NULL};
    const char *const values[] = {"10", "hakbench", location, NULL};
    return PQconnectdbParams(keys, values, 1);
}

static int setup(pg_conn *c)
{
    PQsetNoticeProcessor(c->pg, quiet_notice, NULL);
    PGresult *r = PQexec(c->pg, c->readonly ? "SET synchronous_commit = off; "
                                              "SET client_encoding = 'UTF8'; "
                                              "SET default_transaction_read_only = on"
                                            : "SET synchronous_commit = off; "
                                              "SET client_encoding = 'UTF8'");
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok) set_result_error(c, r);
    PQclear(r);
    return ok ? 0 : -1;
}

static int reconnect(pg_conn *c)
{
    fprintf(stderr, "hakbench: the connection to %s broke (%s); reconnecting (up to %d s)\n",
            c->shown, c->err, RECONNECT_S);
    double deadline = clock_monotonic_s() + RECONNECT_S, wait = 0.1;
    for (;;) {
        PGconn *pg = connect_raw(c->location);
        if (PQstatus(pg) == CONNECTION_OK) {
            PQfinish(c->pg);
            c->pg = pg;
            c->tx = TX_NONE;
            c->pending = 0;
            c->generation++;
            if (setup(c) == 0) {
                c->lost = 0;
                fprintf(stderr, "hakbench: reconnected to %s\n", c->shown);
                return 0;
            }
        } else {
            set_error(c, PQerrorMessage(pg));
            PQfinish(pg);
        }
        if (clock_monotonic_s() + wait > deadline) {
            fprintf(stderr, "hakbench: %s: gave up reconnecting: %s\n", c->shown, c->err);
            return -1;
        }
        struct timespec ts = {(time_t)wait, (long)((wait - (time_t)wait) * 1e9)};
        nanosleep(&ts, NULL);
        wait = wait * 2 > 2 ? 2 : wait * 2;
    }
}

static pg_conn *connect_to(const char *location, int readonly, char *err, size_t errlen)
{
    pg_conn *c = calloc(1, sizeof *c);
    if (!c || !(c->location = strdup(location))) {
        free(c);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    c->base.engine = &sql_postgres_engine;
    c->readonly = readonly;
    c->generation = 1;
    sql_location_shown(location, c->shown, sizeof c->shown);
    c->pg = connect_raw(location);
    if (PQstatus(c->pg) != CONNECTION_OK || setup(c) != 0) {
        if (PQstatus(c->pg) != CONNECTION_OK) set_error(c, PQerrorMessage(c->pg));
        snprintf(err, errlen, "%s: %s", c->shown, c->err);
        PQfinish(c->pg);
        free(c->location);
        free(c);
        return NULL;
    }
    return c;
}

/* --- plain queries of the engine's own (schema checks, migrations) --- */

static PGresult *query(pg_conn *c, const char *sql, const char *param)
{
    const char *values[1] = {param};
    PGresult *r = PQexecParams(c->pg, sql, param ? 1 : 0, NULL, values, NULL, NULL, 0);
    ExecStatusType s = PQresultStatus(r);
    if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
        set_result_error(c, r);
        PQclear(r);
        return NULL;
    }
    return r;
}

/* The first column of the first row as a number, or -1. */
static long long query_number(pg_conn *c, const char *sql, const char *param)
{
    PGresult *r = query(c, sql, param);
    long long v = r && PQntuples(r) > 0 ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : -1;
    PQclear(r);
    return v;
}

static int script(pg_conn *c, const char *sql)
{
    PGresult *r = PQexec(c->pg, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    if (!ok) set_result_error(c, r);
    PQclear(r);
    return ok ? 0 : -1;
}

static int table_exists(pg_conn *c, const char *name)
{
    PGresult *r = query(c,
                        "SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND "
                        "tablename = $1",
                        name);
    int found = r ? PQntuples(r) > 0 : -1;
    PQclear(r);
    return found;
}

static long long read_version(pg_conn *c)
{
    int has = table_exists(c, "hakbench_schema");
    if (has <= 0) return has;
    return query_number(c, "SELECT max(version) FROM hakbench_schema", NULL);
}

/* The same refusals as sqlite.c's, for a database instead of a file. */
static int check_schema(pg_conn *c, long long version, int known, const char *const *required,
                        char *err, size_t errlen)
{
    PGresult *r = query(c, "SELECT current_schema()", NULL);
    if (!r || PQgetisnull(r, 0, 0)) {
        snprintf(err, errlen,
                 "%s: no schema to work in (search_path names none that exists); create one or "
                 "set ?options=-csearch_path%%3DNAME",
                 c->shown);
        PQclear(r);
        return -1;
    }
    char schema[128];
    snprintf(schema, sizeof schema, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    long long tables =
        query_number(c, "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()", NULL);
    if (version < 0 || tables < 0) {
        snprintf(err, errlen, "%s: cannot read the schema: %s", c->shown, c->err);
        return -1;
    }
    if (version > known) {
        snprintf(err, errlen,
                 "%s: written by a newer hakbench (schema version %lld, this one knows up to "
                 "%d); update hakbench",
                 c->shown, version, known);
        return -1;
    }
    if (version == 0 && tables > 0) {
        snprintf(err, errlen,
                 "%s: not a hakmem database (schema %s has %lld tables but no hakbench_schema "
                 "version); left untouched, choose another --db or schema",
                 c->shown, schema, tables);
        return -1;
    }
    for (size_t i = 0; version > 0 && required[i]; i++) {
        if (table_exists(c, required[i]) != 1) {
            snprintf(err, errlen,
                     "%s: not a hakmem database (schema version %lld but no '%s' table); left "
                     "untouched, choose another --db",
                     c->shown, version, required[i]);
            return -1;
        }
    }
    return 0;
}

/* A migration that copies rows with their ids (a table rebuilt under a new definition) leaves
 * the identity sequence behind them: move every sequence past its table's largest id. */
static int sync_identities(pg_conn *c)
{
    PGresult *r = query(c,
                        "SELECT table_name FROM information_schema.columns WHERE table_schema = "
                        "current_schema() AND column_name = 'id' AND is_identity = 'YES'",
                        NULL);
    if (!r) return -1;
    int rc = 0;
    for (int i = 0; rc == 0 && i < PQntuples(r); i++) {
        const char *table = PQgetvalue(r, i, 0);
        char *ident = PQescapeIdentifier(c->pg, table, strlen(table));
        char sql[512];
        snprintf(sql, sizeof sql,
                 "SELECT setval(pg_get_serial_sequence($1, 'id'), max(id)) FROM %s HAVING "
                 "max(id) IS NOT NULL",
                 ident ? ident : "\"\"");
        PQfreemem(ident);
        PGresult *s = query(c, sql, table);
        rc = s ? 0 : -1;
        PQclear(s);
    }
    PQclear(r);
    return rc;
}

static int migrate(pg_conn *c, int known, const char *const *migrations,
                   const char *const *required, char *err, size_t errlen)
{
    if (script(c, "BEGIN") != 0 ||
        script(c, "SELECT pg_advisory_xact_lock(" MIGRATION_LOCK ")") != 0) {
        snprintf(err, errlen, "%s: cannot lock the database: %s", c->shown, c->err);
        script(c, "ROLLBACK");
        return -1;
    }
    /* Read the version again under the lock: another hakbench may have just migrated. */
    long long version = read_version(c);
    if (check_schema(c, version, known, required, err, errlen) != 0) {
        script(c, "ROLLBACK");
        return -1;
    }
    if (version == 0 && script(c, "CREATE TABLE hakbench_schema (version BIGINT NOT NULL);"
                                  "INSERT INTO hakbench_schema VALUES (0)") != 0)
        goto fail;
    for (long long v = version; v < known; v++) {
        char *sql = pg_translate_schema(migrations[v]);
        char bump[96];
        snprintf(bump, sizeof bump, "UPDATE hakbench_schema SET version = %lld", v + 1);
        int rc = sql ? script(c, sql) : -1;
        free(sql);
        if (rc != 0 || script(c, bump) != 0) {
            snprintf(err, errlen, "%s: migrating schema %lld -> %lld failed: %s", c->shown, v,
                     v + 1, c->err);
            script(c, "ROLLBACK");
            return -1;
        }
    }
    if (sync_identities(c) == 0 && script(c, "COMMIT") == 0) return 0;
fail:
    snprintf(err, errlen, "%s: %s", c->shown, c->err);
    script(c, "ROLLBACK");
    return -1;
}

static sql_conn *pg_open(const char *location, int known, const char *const *migrations,
                         const char *const *required, char *err, size_t errlen)
{
    pg_conn *c = connect_to(location, 0, err, errlen);
    if (!c) return NULL;
    long long version = read_version(c);
    if (check_schema(c, version, known, required, err, errlen) != 0 ||
        (version < known && migrate(c, known, migrations, required, err, errlen) != 0)) {
        PQfinish(c->pg);
        free(c->location);
        free(c);
        return NULL;
    }
    return &c->base;
}

static sql_conn *pg_open_readonly(const char *location, char *err, size_t errlen)
{
    pg_conn *c = connect_to(location, 1, err, errlen);
    return c ? &c->base : NULL;
}

/* --- pipelines --- */

/* Reads the results of the pipeline up to its sync point: those of the statements only sent
 * (the first error is kept) and, when last is non-NULL, the result of the final statement.
 * 0, or -1 when a statement failed or the connection broke. */
static int drain(pg_conn *c, PGresult **last)
{
    int index = 0, failed = 0, want = last ? c->pending - 1 : -1;
    if (last) *last = NULL;
    for (;;) {
        PGresult *r = PQgetResult(c->pg);
        if (!r) {
            /* the end of one statement's results */
            if (PQstatus(c->pg) == CONNECTION_BAD || ++index > c->pending) break;
            continue;
        }
        ExecStatusType s = PQresultStatus(r);
        if (s == PGRES_PIPELINE_SYNC) {
            PQclear(r);
            break;
        }
        if ((s == PGRES_FATAL_ERROR || s == PGRES_NONFATAL_ERROR) && !failed) {
            failed = 1;
            set_result_error(c, r);
        }
        if (index == want && !*last)
            *last = r;
        else
            PQclear(r);
    }
    c->pending = 0;
    if (PQstatus(c->pg) == CONNECTION_BAD && !failed) {
        failed = 1;
        set_error(c, PQerrorMessage(c->pg));
    }
    if (!failed && last && (!*last || PQresultStatus(*last) == PGRES_PIPELINE_ABORTED)) {
        failed = 1;
        set_error(c, "a statement of the pipeline failed");
    }
    if (failed && last) {
        PQclear(*last);
        *last = NULL;
    }
    /* A Prepare after the failure was skipped: prepare the cached statements again. */
    if (failed) c->generation++;
    return failed ? -1 : 0;
}

/* Sends a statement in the pipeline, a cached one prepared first when this connection has not
 * prepared it yet; counts what it sent in c->pending. */
static int send_stmt(pg_conn *c, pg_stmt *st)
{
    const char *const *values = (const char *const *)st->values;
    if (st->base.cached && st->prepared != c->generation) {
        snprintf(st->name, sizeof st->name, "hakbench_%d", ++c->names);
        if (!PQsendPrepare(c->pg, st->name, st->sql, st->nparams, st->types)) goto fail;
        c->pending++;
        st->prepared = c->generation;
    }
    if (st->base.cached
            ? PQsendQueryPrepared(c->pg, st->name, st->nparams, values, NULL, NULL, 0)
            : PQsendQueryParams(c->pg, st->sql, st->nparams, st->types, values, NULL, NULL, 0)) {
        c->pending++;
        return 0;
    }
fail:
    set_error(c, PQerrorMessage(c->pg));
    return -1;
}

/* Runs a statement outside a pipeline, a cached one prepared first when needed. */
static PGresult *exec_stmt(pg_conn *c, pg_stmt *st)
{
    const char *const *values = (const char *const *)st->values;
    if (!st->base.cached)
        return PQexecParams(c->pg, st->sql, st->nparams, st->types, values, NULL, NULL, 0);
    if (st->prepared != c->generation) {
        snprintf(st->name, sizeof st->name, "hakbench_%d", ++c->names);
        PGresult *r = PQprepare(c->pg, st->name, st->sql, st->nparams, st->types);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) return r;
        PQclear(r);
        st->prepared = c->generation;
    }
    return PQexecPrepared(c->pg, st->name, st->nparams, values, NULL, NULL, 0);
}

/* The connection broke inside a transaction: say so, and let the store run it again. */
static void mark_lost(pg_conn *c)
{
    if (PQstatus(c->pg) != CONNECTION_BAD || c->tx == TX_NONE) return;
    c->lost = 1;
    size_t n = strlen(c->err);
    snprintf(c->err + n, sizeof c->err - n,
             " (the connection to the database broke; the transaction is lost)");
}

/* Sends a statement without result rows in the pipeline. */
static int send_deferred(pg_conn *c, pg_stmt *st)
{
    if (send_stmt(c, st) != 0) {
        mark_lost(c);
        return -1;
    }
    if (c->pending < PIPELINE_MAX) return 0;
    if (!PQpipelineSync(c->pg) || drain(c, NULL) != 0) {
        if (PQstatus(c->pg) != CONNECTION_BAD && !c->err[0]) set_error(c, PQerrorMessage(c->pg));
        mark_lost(c);
        return -1;
    }
    return 0;
}

/* Runs a statement and waits for its result (after those of the pipeline before it). */
static PGresult *run_now(pg_conn *c, pg_stmt *st)
{
    for (int attempt = 0;; attempt++) {
        PGresult *r = NULL;
        c->err[0] = '\0';
        if (c->tx == TX_WRITE) {
            if (send_stmt(c, st) == 0) {
                if (PQpipelineSync(c->pg))
                    drain(c, &r);
                else
                    set_error(c, PQerrorMessage(c->pg));
            }
        } else {
            r = exec_stmt(c, st);
            ExecStatusType s = PQresultStatus(r);
            if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
                set_result_error(c, r);
                PQclear(r);
                r = NULL;
            }
        }
        if (r || PQstatus(c->pg) != CONNECTION_BAD) return r;
        if (c->tx != TX_NONE) {
            mark_lost(c);
            return NULL;
        }
        /* Outside a transaction the statement never reached a server that ran it: again. */
        if (attempt > 0 || reconnect(c) != 0) return NULL;
    }
}

/* --- the connection --- */

static void pg_close(sql_conn *cc)
{
    pg_conn *c = conn_of(cc);
    PQfinish(c->pg);
    free(c->location);
    free(c);
}

static long long pg_schema_version(sql_conn *cc)
{
    return read_version(conn_of(cc));
}

static int pg_has_table(sql_conn *cc, const char *name)
{
    return table_exists(conn_of(cc), name);
}

static int report(pg_conn *c, const char *context)
{
    fprintf(stderr, "hakbench: %s: %s\n", context, c->err);
    return -1;
}

/* A broken connection found between transactions is replaced before the next one starts. */
static int ready(pg_conn *c)
{
    if (!c->lost && PQstatus(c->pg) == CONNECTION_OK) return 0;
    if (!c->err[0]) set_error(c, PQerrorMessage(c->pg));
    return reconnect(c);
}

static int pg_begin_write(sql_conn *cc, const char *context)
{
    pg_conn *c = conn_of(cc);
    if (ready(c) != 0) return report(c, context);
    c->err[0] = '\0';
    if (!PQenterPipelineMode(c->pg)) {
        set_error(c, PQerrorMessage(c->pg));
        return report(c, context);
    }
    c->tx = TX_WRITE;
    pg_stmt begin = {.sql = (char *)"BEGIN"};
    if (send_deferred(c, &begin) != 0) return report(c, context);
    return 0;
}

static int pg_begin_read(sql_conn *cc, const char *context)
{
    pg_conn *c = conn_of(cc);
    if (ready(c) != 0) return report(c, context);
    if (script(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") != 0) {
        if (PQstatus(c->pg) == CONNECTION_BAD && reconnect(c) == 0 &&
            script(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") == 0) {
            c->tx = TX_READ;
            return 0;
        }
        return report(c, context);
    }
    c->tx = TX_READ;
    return 0;
}

static int pg_commit(sql_conn *cc, const char *context)
{
    pg_conn *c = conn_of(cc);
    if (c->tx == TX_READ) {
        c->tx = TX_NONE;
        return script(c, "COMMIT") == 0 ? 0 : report(c, context);
    }
    if (c->lost) return report(c, context);
    pg_stmt commit = {.sql = (char *)"COMMIT"};
    PGresult *r = NULL;
    c->err[0] = '\0';
    if (send_stmt(c, &commit) == 0) {
        if (PQpipelineSync(c->pg))
            drain(c, &r);
        else
            set_error(c, PQerrorMessage(c->pg));
    }
    /* COMMIT of a transaction that failed answers ROLLBACK, without an error. */
    int ok = r && strcmp(PQcmdStatus(r), "COMMIT") == 0;
    if (r && !ok) set_error(c, "the transaction failed and was rolled back");
    PQclear(r);
    if (!ok) {
        mark_lost(c);
        return report(c, context);
    }
    PQexitPipelineMode(c->pg);
    c->tx = TX_NONE;
    return 0;
}

static void pg_rollback(sql_conn *cc)
{
    pg_conn *c = conn_of(cc);
    if (c->tx != TX_NONE && PQstatus(c->pg) == CONNECTION_OK) {
        char err[sizeof c->err];
        memcpy(err, c->err, sizeof err);
        if (c->tx == TX_WRITE) {
            pg_stmt rollback = {.sql = (char *)"ROLLBACK"};
            if (send_stmt(c, &rollback) == 0 && PQpipelineSync(c->pg)) drain(c, NULL);
            PQexitPipelineMode(c->pg);
        } else {
            script(c, "ROLLBACK");
        }
        memcpy(c->err, err, sizeof err);
    }
    c->tx = TX_NONE;
    c->pending = 0;
}

static int pg_connection_lost(sql_conn *cc)
{
    return conn_of(cc)->lost;
}

static const char *pg_error(sql_conn *cc)
{
    return conn_of(cc)->err;
}

/* --- statements --- */

static sql_stmt *pg_prepare(sql_conn *cc, const char *sql)
{
    pg_conn *c = conn_of(cc);
    pg_stmt *st = calloc(1, sizeof *st);
    if (!st || !(st->sql = pg_translate_query(sql, &st->nparams))) {
        fprintf(stderr, "hakbench: out of memory preparing \"%s\"\n", sql);
        exit(2);
    }
    st->base.engine = &sql_postgres_engine;
    st->c = c;
    if (st->nparams > 0) {
        st->values = calloc((size_t)st->nparams, sizeof *st->values);
        st->types = calloc((size_t)st->nparams, sizeof *st->types);
        if (!st->values || !st->types) {
            fprintf(stderr, "hakbench: out of memory preparing \"%s\"\n", sql);
            exit(2);
        }
    }
    const char *verb = sql + strspn(sql, " \t\n");
    st->no_rows = (strncasecmp(verb, "INSERT", 6) == 0 || strncasecmp(verb, "UPDATE", 6) == 0 ||
                   strncasecmp(verb, "DELETE", 6) == 0) &&
                  !strcasestr(sql, "RETURNING");
    st->row = -1;
    return &st->base;
}

static void bind(sql_stmt *s, int i, Oid type, const char *text)
{
    pg_stmt *st = stmt_of(s);
    if (i < 1 || i > st->nparams) {
        fprintf(stderr, "hakbench: internal error: parameter %d of \"%s\"\n", i, st->sql);
        exit(2);
    }
    free(st->values[i - 1]);
    st->values[i - 1] = text ? strdup(text) : NULL;
    st->types[i - 1] = type;
}

static void pg_bind_int64(sql_stmt *st, int i, int64_t v)
{
    char text[24];
    snprintf(text, sizeof text, "%lld", (long long)v);
    bind(st, i, OID_INT8, text);
}

static void pg_bind_double(sql_stmt *st, int i, double v)
{
    char text[40];
    snprintf(text, sizeof text, "%.17g", v);
    bind(st, i, OID_FLOAT8, text);
}

static void pg_bind_text(sql_stmt *st, int i, const char *s)
{
    bind(st, i, OID_TEXT, s);
}

static void pg_bind_null(sql_stmt *st, int i)
{
    bind(st, i, 0, NULL);
}

static void execute(pg_stmt *st)
{
    pg_conn *c = st->c;
    st->executed = 1;
    st->row = -1;
    if (c->lost) {
        st->failed = 1;
        return;
    }
    if (st->no_rows && c->tx == TX_WRITE) {
        st->failed = send_deferred(c, st) != 0;
        return;
    }
    st->res = run_now(c, st);
    st->failed = !st->res;
}

static int pg_step(sql_stmt *s)
{
    pg_stmt *st = stmt_of(s);
    if (!st->executed) execute(st);
    if (st->failed) {
        st->failed = 0; /* reported once */
        return SQL_ERROR;
    }
    if (!st->res) return SQL_DONE;
    return ++st->row < PQntuples(st->res) ? SQL_ROW : SQL_DONE;
}

static void pg_reset(sql_stmt *s)
{
    pg_stmt *st = stmt_of(s);
    PQclear(st->res);
    st->res = NULL;
    st->executed = st->failed = 0;
    st->row = -1;
}

static void pg_clear_bindings(sql_stmt *s)
{
    pg_stmt *st = stmt_of(s);
    for (int i = 0; i < st->nparams; i++) {
        free(st->values[i]);
        st->values[i] = NULL;
        st->types[i] = 0;
    }
}

static void pg_finalize(sql_stmt *s)
{
    pg_stmt *st = stmt_of(s);
    PQclear(st->res);
    for (int i = 0; i < st->nparams; i++)
        free(st->values[i]);
    free(st->values);
    free(st->types);
    free(st->sql);
    free(st);
}

static int pg_column_count(sql_stmt *s)
{
    pg_stmt *st = stmt_of(s);
    if (!st->executed) execute(st);
    return st->res ? PQnfields(st->res) : 0;
}

static const char *pg_column_name(sql_stmt *s, int col)
{
    pg_stmt *st = stmt_of(s);
    const char *name = st->res ? PQfname(st->res, col) : NULL;
    return name ? name : "";
}

/* The current row's value, NULL when there is none or it is SQL NULL. */
static const char *value(pg_stmt *st, int col)
{
    if (!st->res || st->row < 0 || st->row >= PQntuples(st->res) || col < 0 ||
        col >= PQnfields(st->res) || PQgetisnull(st->res, st->row, col))
        return NULL;
    return PQgetvalue(st->res, st->row, col);
}

static sql_type pg_column_type(sql_stmt *s, int col)
{
    pg_stmt *st = stmt_of(s);
    if (!value(st, col)) return SQL_NULL;
    switch (PQftype(st->res, col)) {
    case OID_BOOL:
    case OID_INT2:
    case OID_INT4:
    case OID_INT8:
    case OID_OID:
        return SQL_INTEGER;
    case OID_FLOAT4:
    case OID_FLOAT8:
    case OID_NUMERIC:
        return SQL_REAL;
    default:
        return SQL_TEXT;
    }
}

static int is_bool(pg_stmt *st, int col)
{
    return PQftype(st->res, col) == OID_BOOL;
}

static double pg_column_double(sql_stmt *s, int col)
{
    pg_stmt *st = stmt_of(s);
    const char *v = value(st, col);
    if (!v) return 0;
    if (is_bool(st, col)) return v[0] == 't';
    return strtod(v, NULL);
}

static int64_t pg_column_int64(sql_stmt *s, int col)
{
    pg_stmt *st = stmt_of(s);
    const char *v = value(st, col);
    if (!v) return 0;
    if (pg_column_type(s, col) == SQL_REAL) return (int64_t)strtod(v, NULL);
    if (is_bool(st, col)) return v[0] == 't';
    return strtoll(v, NULL, 10);
}

static const char *pg_column_text(sql_stmt *s, int col)
{
    pg_stmt *st = stmt_of(s);
    const char *v = value(st, col);
    if (!v) return "";
    if (is_bool(st, col)) return v[0] == 't' ? "1" : "0";
    return v;
}

static const char *pg_stmt_error(sql_stmt *s)
{
    return stmt_of(s)->c->err;
}

static int pg_exec(sql_conn *cc, const char *sql, const char *context)
{
    pg_conn *c = conn_of(cc);
    if (c->tx == TX_WRITE) {
        /* one statement, in the pipeline */
        return sql_run(pg_prepare(cc, sql), context);
    }
    char *t = pg_translate_query(sql, NULL);
    int rc = t ? script(c, t) : -1;
    if (rc != 0 && c->tx == TX_NONE && PQstatus(c->pg) == CONNECTION_BAD && reconnect(c) == 0)
        rc = script(c, t);
    free(t);
    return rc == 0 ? 0 : report(c, context);
}

const sql_engine sql_postgres_engine = {
    .open = pg_open,
    .open_readonly = pg_open_readonly,
    .close = pg_close,
    .schema_version = pg_schema_version,
    .has_table = pg_has_table,
    .exec = pg_exec,
    .begin_write = pg_begin_write,
    .begin_read = pg_begin_read,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .connection_lost = pg_connection_lost,
    .error = pg_error,
    .prepare = pg_prepare,
    .bind_int64 = pg_bind_int64,
    .bind_double = pg_bind_double,
    .bind_text = pg_bind_text,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .reset = pg_reset,
    .clear_bindings = pg_clear_bindings,
    .finalize = pg_finalize,
    .column_count = pg_column_count,
    .column_name = pg_column_name,
    .column_type = pg_column_type,
    .column_int64 = pg_column_int64,
    .column_double = pg_column_double,
    .column_text = pg_column_text,
    .stmt_error = pg_stmt_error,
};
