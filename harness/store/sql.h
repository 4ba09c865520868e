/* store/sql.h: the seam between the store's queries and the database engines. The query files of
 * store/ speak SQL through these calls only. Two engines implement them (sql_engine.h): sqlite.c,
 * a file (the default), and postgres.c, a server named by a postgresql:// or postgres:// URI
 * (libpq); sql.c picks the engine by the location and dispatches. Only store/ includes this
 * header: other layers see store.h and plain structs.
 *
 * The SQL is the subset SQLite 3.40 and PostgreSQL 15 share (ON CONFLICT, RETURNING, ...), in
 * SQLite's spelling where the two differ; postgres.c translates those few words (pg_dialect.h):
 * ?N parameters, group_concat, unixepoch(), and in schema scripts the types INTEGER, REAL, TEXT
 * and INTEGER PRIMARY KEY. `FOR UPDATE SKIP LOCKED` is PostgreSQL's; sqlite.c drops it, a write
 * transaction there holding the whole file.
 *
 * Conventions: parameters are numbered ?1, ?2, ... and bound by number; text is copied when
 * bound; a column read as text is "" when NULL; a comparison reads as the integer 0 or 1. */
#ifndef HAKBENCH_STORE_SQL_H
#define HAKBENCH_STORE_SQL_H

#include <stddef.h>
#include <stdint.h>

typedef struct sql_conn sql_conn;
typedef struct sql_stmt sql_stmt;

enum { SQL_DONE = 0, SQL_ROW = 1, SQL_ERROR = -1 };
typedef enum { SQL_NULL, SQL_INTEGER, SQL_REAL, SQL_TEXT } sql_type;

/* 1 when location names a PostgreSQL database (postgresql://... or postgres://...); anything
 * else is the path of an SQLite file. */
int sql_is_server(const char *location);
/* The location as messages, reports and stored commands show it: a URI without its password
 * (user:secret@ becomes user@, a password=... parameter goes); a path as it is. */
void sql_location_shown(const char *location, char *out, size_t len);
/* 1 when a server location carries a password (user:secret@ or password=...). */
int sql_location_has_password(const char *location);

/* Opens (an SQLite file: creating it if missing) a results database: refuses a foreign, corrupt
 * or newer one without touching it and brings the schema to `version` with migrations[v]
 * (v -> v+1) in one transaction. A database that has a schema version must hold every table of
 * required_tables (NULL-ended). NULL with a one-line reason in err on failure (for a server:
 * libpq's message). */
sql_conn *sql_open(const char *location, int version, const char *const *migrations,
                   const char *const *required_tables, char *err, size_t errlen);
/* A read-only connection that changes nothing (merge reads the other database). */
sql_conn *sql_open_readonly(const char *location, char *err, size_t errlen);
void sql_close(sql_conn *c);

/* The schema version the database records (0: none); -1 when it cannot be read. */
long long sql_schema_version(sql_conn *c);
/* 1 when the database has a table of that name, 0 when not, -1 on an error. */
int sql_has_table(sql_conn *c, const char *name);

/* Runs statements without parameters or result rows; on error prints
 * "hakbench: <context>: <message>" and returns -1. */
int sql_exec(sql_conn *c, const char *sql, const char *context);
/* A write transaction that waits for other writers (BEGIN IMMEDIATE in SQLite). */
int sql_begin_write(sql_conn *c, const char *context);
/* A read transaction: every query in it sees one snapshot (merge reads the other database). */
int sql_begin_read(sql_conn *c, const char *context);
int sql_commit(sql_conn *c, const char *context);
void sql_rollback(sql_conn *c);
/* 1 when the last failure was the connection to the server breaking inside a transaction: the
 * transaction is gone, and the next sql_begin_* reconnects. Always 0 for a file. A statement
 * outside a transaction is run again on a fresh connection by the engine itself. */
int sql_connection_lost(sql_conn *c);

/* Prepares or exits with a message naming the statement: a query that does not prepare is a
 * programming error, not a runtime condition. */
sql_stmt *sql_prepare(sql_conn *c, const char *sql);
/* The same, kept by the connection for the next call with the same text: a statement run once
 * per stored run is parsed (and on a server planned) once per connection. sql_finalize hands it
 * back, reset and its parameters cleared; sql_close ends it. */
sql_stmt *sql_prepare_cached(sql_conn *c, const char *sql);
void sql_bind_int64(sql_stmt *st, int i, int64_t v);
void sql_bind_double(sql_stmt *st, int i, double v);
/* NULL binds SQL NULL. */
void sql_bind_text(sql_stmt *st, int i, const char *s);
void sql_bind_null(sql_stmt *st, int i);
/* SQL_ROW, SQL_DONE, or SQL_ERROR (the message is in sql_stmt_error). Inside a write
 * transaction on a server, a statement without result rows may only be sent: its error then
 * surfaces at the next statement with rows or at sql_commit. */
int sql_step(sql_stmt *st);
/* sql_step for a statement without result rows, then sql_finalize; prints
 * "hakbench: <context>: <message>" and returns -1 on an error. */
int sql_run(sql_stmt *st, const char *context);
/* sql_run for an INSERT ... RETURNING id (both engines have it; PostgreSQL has no last insert
 * id): the new row's id, or -1 with the message printed. */
int64_t sql_run_returning_id(sql_stmt *st, const char *context);
/* Makes the statement ready to run again; its parameters stay bound. */
void sql_reset(sql_stmt *st);
void sql_finalize(sql_stmt *st);

int sql_column_count(sql_stmt *st);
const char *sql_column_name(sql_stmt *st, int col);
sql_type sql_column_type(sql_stmt *st, int col);
int sql_is_null(sql_stmt *st, int col);
int64_t sql_int64(sql_stmt *st, int col);
double sql_double(sql_stmt *st, int col);
const char *sql_text(sql_stmt *st, int col);
/* Copies a text column into dst (truncated to len). */
void sql_text_copy(sql_stmt *st, int col, char *dst, size_t len);
/* Binds column col of the current row of src as parameter i of dst, with its type. */
void sql_bind_column(sql_stmt *dst, int i, sql_stmt *src, int col);

const char *sql_error(sql_conn *c);
/* The last error of the connection a statement belongs to. */
const char *sql_stmt_error(sql_stmt *st);

#endif
