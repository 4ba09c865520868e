/* store/sql.h: the seam between the store's queries and the database engine. The query files of
 * store/ speak SQL through these calls only; sqlite.c is the one file that implements them with
 * SQLite (and the one file of the harness that calls sqlite3_*). A PostgreSQL backend (libpq)
 * implements the same calls, so the queries do not change with the engine. Only store/ includes
 * this header: other layers see store.h and plain structs.
 *
 * Conventions: parameters are numbered ?1, ?2, ... and bound by number; text is copied when
 * bound; a column read as text is "" when NULL. */
#ifndef HAKBENCH_STORE_SQL_H
#define HAKBENCH_STORE_SQL_H

#include <stddef.h>
#include <stdint.h>

typedef struct sql_conn sql_conn;
typedef struct sql_stmt sql_stmt;

enum { SQL_DONE = 0, SQL_ROW = 1, SQL_ERROR = -1 };
typedef enum { SQL_NULL, SQL_INTEGER, SQL_REAL, SQL_TEXT } sql_type;

/* Opens (creating if missing) a results database: refuses a foreign, corrupt or newer file
 * without touching it, switches to WAL with a busy timeout, and brings the schema to `version`
 * with migrations[v] (v -> v+1) in one transaction. A file that has a schema version must hold
 * every table of required_tables (NULL-ended). NULL with a one-line reason in err on failure. */
sql_conn *sql_open(const char *path, int version, const char *const *migrations,
                   const char *const *required_tables, char *err, size_t errlen);
/* A read-only connection that changes nothing in the file (merge reads the other database). */
sql_conn *sql_open_readonly(const char *path, char *err, size_t errlen);
void sql_close(sql_conn *c);

/* The schema version the file records (0: none); -1 when it cannot be read. */
long long sql_schema_version(sql_conn *c);
/* 1 when the database has a table of that name, 0 when not, -1 on an error. */
int sql_has_table(sql_conn *c, const char *name);

/* Runs statements without result rows; on error prints "hakbench: <context>: <message>" and
 * returns -1. */
int sql_exec(sql_conn *c, const char *sql, const char *context);
/* A write transaction that waits for other writers (BEGIN IMMEDIATE in SQLite). */
int sql_begin_write(sql_conn *c, const char *context);
int sql_commit(sql_conn *c, const char *context);
void sql_rollback(sql_conn *c);
/* Makes the tables of another database file visible as alias.table (merge). */
int sql_attach(sql_conn *c, const char *path, const char *alias);
void sql_detach(sql_conn *c, const char *alias);

/* Prepares or exits with a message naming the statement: a query that does not prepare is a
 * programming error, not a runtime condition. */
sql_stmt *sql_prepare(sql_conn *c, const char *sql);
void sql_bind_int64(sql_stmt *st, int i, int64_t v);
void sql_bind_double(sql_stmt *st, int i, double v);
/* NULL binds SQL NULL. */
void sql_bind_text(sql_stmt *st, int i, const char *s);
void sql_bind_null(sql_stmt *st, int i);
/* SQL_ROW, SQL_DONE, or SQL_ERROR (the message is in sql_error). */
int sql_step(sql_stmt *st);
/* sql_step for a statement without result rows, then sql_finalize; prints
 * "hakbench: <context>: <message>" and returns -1 on an error. */
int sql_run(sql_stmt *st, const char *context);
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

int64_t sql_last_insert_id(sql_conn *c);
const char *sql_error(sql_conn *c);
/* The last error of the connection a statement belongs to. */
const char *sql_stmt_error(sql_stmt *st);

#endif
