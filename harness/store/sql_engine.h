/* store/sql_engine.h: what a database engine provides to the seam (sql.h): one table of
 * functions per engine, sqlite.c's and postgres.c's. Every connection and statement an engine
 * hands out starts with the engine's table, so sql.c can dispatch a call without knowing the
 * engine. Only sql.c and the engines include this. */
#ifndef HAKBENCH_STORE_SQL_ENGINE_H
#define HAKBENCH_STORE_SQL_ENGINE_H

#include "store/sql.h"

typedef struct sql_engine sql_engine;

typedef struct sql_cached sql_cached;

/* The first member of every engine's connection and statement (zeroed but for engine). */
struct sql_conn {
    const sql_engine *engine;
    sql_cached *cached; /* sql_prepare_cached's statements (sql.c) */
};
struct sql_stmt {
    const sql_engine *engine;
    int cached; /* 1: the connection keeps it, sql_finalize only resets it */
};

struct sql_engine {
    sql_conn *(*open)(const char *location, int version, const char *const *migrations,
                      const char *const *required_tables, char *err, size_t errlen);
    sql_conn *(*open_readonly)(const char *location, char *err, size_t errlen);
    void (*close)(sql_conn *c);
    long long (*schema_version)(sql_conn *c);
    int (*has_table)(sql_conn *c, const char *name);
    int (*exec)(sql_conn *c, const char *sql, const char *context);
    int (*begin_write)(sql_conn *c, const char *context);
    int (*begin_read)(sql_conn *c, const char *context);
    int (*commit)(sql_conn *c, const char *context);
    void (*rollback)(sql_conn *c);
    int (*connection_lost)(sql_conn *c);
    const char *(*error)(sql_conn *c);

    sql_stmt *(*prepare)(sql_conn *c, const char *sql);
    void (*bind_int64)(sql_stmt *st, int i, int64_t v);
    void (*bind_double)(sql_stmt *st, int i, double v);
    void (*bind_text)(sql_stmt *st, int i, const char *s); /* NULL: a NULL of type text */
    void (*bind_null)(sql_stmt *st, int i);
    int (*step)(sql_stmt *st);
    void (*reset)(sql_stmt *st);
    void (*clear_bindings)(sql_stmt *st);
    void (*finalize)(sql_stmt *st);
    int (*column_count)(sql_stmt *st);
    const char *(*column_name)(sql_stmt *st, int col);
    sql_type (*column_type)(sql_stmt *st, int col);
    int64_t (*column_int64)(sql_stmt *st, int col);
    double (*column_double)(sql_stmt *st, int col);
    const char *(*column_text)(sql_stmt *st, int col); /* "" for NULL */
    const char *(*stmt_error)(sql_stmt *st);
};

extern const sql_engine sql_sqlite_engine;
extern const sql_engine sql_postgres_engine;

#endif
