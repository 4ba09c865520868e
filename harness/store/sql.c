/* The seam's dispatch (sql.h): a location picks the engine, and every call goes to the engine
 * of the connection or statement it is given (sql_engine.h). */
#include "store/sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sql_engine.h"

int sql_is_server(const char *location)
{
    return strncmp(location, "postgresql://", 13) == 0 || strncmp(location, "postgres://", 11) == 0;
}

/* libpq's URI: scheme://[user[:password]@]hosts[/dbname][?key=value&...]; the credentials end
 * at the first '@' before any '/' (as libpq reads it). The ':' of the password, the '@', and
 * the query string, in location (NULL when absent). */
typedef struct {
    const char *colon, *at, *query;
} uri_parts;

static uri_parts split_uri(const char *location)
{
    uri_parts u = {0};
    const char *p = strstr(location, "://") + 3;
    size_t n = strcspn(p, "@/?");
    if (p[n] == '@') {
        u.at = p + n;
        u.colon = memchr(p, ':', n);
    }
    u.query = strchr(location, '?');
    return u;
}

/* 1 when the key=value item at p (up to '&' or the end) is password=... */
static int password_item(const char *p)
{
    return strncmp(p, "password=", 9) == 0;
}

int sql_location_has_password(const char *location)
{
    if (!sql_is_server(location)) return 0;
    uri_parts u = split_uri(location);
    if (u.colon) return 1;
    for (const char *p = u.query; p; p = strchr(p + 1, '&'))
        if (password_item(p + 1)) return 1;
    return 0;
}

void sql_location_shown(const char *location, char *out, size_t len)
{
    if (!sql_is_server(location)) {
        snprintf(out, len, "%s", location);
        return;
    }
    uri_parts u = split_uri(location);
    size_t used = 0;
    const char *end = u.query ? u.query : location + strlen(location);
    /* up to the password's ':', then from the '@' on */
    const char *cut = u.colon ? u.colon : end;
    used += (size_t)snprintf(out, len, "%.*s", (int)(cut - location), location);
    if (u.colon && used < len)
        used += (size_t)snprintf(out + used, len - used, "%.*s", (int)(end - u.at), u.at);
    char sep = '?';
    for (const char *p = u.query; p && used < len;) {
        const char *item = p + 1, *next = strchr(item, '&');
        size_t n = next ? (size_t)(next - item) : strlen(item);
        if (n && !password_item(item)) {
            used += (size_t)snprintf(out + used, len - used, "%c%.*s", sep, (int)n, item);
            sep = '&';
        }
        p = next;
    }
}

static const sql_engine *engine_for(const char *location)
{
    return sql_is_server(location) ? &sql_postgres_engine : &sql_sqlite_engine;
}

sql_conn *sql_open(const char *location, int version, const char *const *migrations,
                   const char *const *required_tables, char *err, size_t errlen)
{
    err[0] = '\0';
    return engine_for(location)->open(location, version, migrations, required_tables, err, errlen);
}

sql_conn *sql_open_readonly(const char *location, char *err, size_t errlen)
{
    err[0] = '\0';
    return engine_for(location)->open_readonly(location, err, errlen);
}

struct sql_cached {
    char *sql;
    sql_stmt *st;
    sql_cached *next;
};

void sql_close(sql_conn *c)
{
    if (!c) return;
    for (sql_cached *k = c->cached, *next; k; k = next) {
        next = k->next;
        c->engine->finalize(k->st);
        free(k->sql);
        free(k);
    }
    c->engine->close(c);
}

long long sql_schema_version(sql_conn *c)
{
    return c->engine->schema_version(c);
}

int sql_has_table(sql_conn *c, const char *name)
{
    return c->engine->has_table(c, name);
}

int sql_exec(sql_conn *c, const char *sql, const char *context)
{
    return c->engine->exec(c, sql, context);
}

int sql_begin_write(sql_conn *c, const char *context)
{
    return c->engine->begin_write(c, context);
}

int sql_begin_read(sql_conn *c, const char *context)
{
    return c->engine->begin_read(c, context);
}

int sql_commit(sql_conn *c, const char *context)
{
    return c->engine->commit(c, context);
}

void sql_rollback(sql_conn *c)
{
    c->engine->rollback(c);
}

int sql_connection_lost(sql_conn *c)
{
    return c->engine->connection_lost(c);
}

const char *sql_error(sql_conn *c)
{
    return c->engine->error(c);
}

sql_stmt *sql_prepare(sql_conn *c, const char *sql)
{
    return c->engine->prepare(c, sql);
}

sql_stmt *sql_prepare_cached(sql_conn *c, const char *sql)
{
    for (sql_cached *k = c->cached; k; k = k->next)
        if (strcmp(k->sql, sql) == 0) return k->st;
    sql_stmt *st = sql_prepare(c, sql);
    sql_cached *k = malloc(sizeof *k);
    if (!k || !(k->sql = strdup(sql))) {
        free(k);
        return st; /* out of memory: an ordinary statement, finalized as usual */
    }
    st->cached = 1;
    k->st = st;
    k->next = c->cached;
    c->cached = k;
    return st;
}

void sql_bind_int64(sql_stmt *st, int i, int64_t v)
{
    st->engine->bind_int64(st, i, v);
}

void sql_bind_double(sql_stmt *st, int i, double v)
{
    st->engine->bind_double(st, i, v);
}

void sql_bind_text(sql_stmt *st, int i, const char *s)
{
    st->engine->bind_text(st, i, s);
}

void sql_bind_null(sql_stmt *st, int i)
{
    st->engine->bind_null(st, i);
}

int sql_step(sql_stmt *st)
{
    return st->engine->step(st);
}

int sql_run(sql_stmt *st, const char *context)
{
    int rc = sql_step(st);
    if (rc == SQL_ERROR) fprintf(stderr, "hakbench: %s: %s\n", context, sql_stmt_error(st));
    sql_finalize(st);
    return rc == SQL_ERROR ? -1 : 0;
}

int64_t sql_run_returning_id(sql_stmt *st, const char *context)
{
    int64_t id = -1;
    if (sql_step(st) == SQL_ROW)
        id = sql_int64(st, 0);
    else
        fprintf(stderr, "hakbench: %s: %s\n", context, sql_stmt_error(st));
    sql_finalize(st);
    return id;
}

void sql_reset(sql_stmt *st)
{
    st->engine->reset(st);
}

void sql_finalize(sql_stmt *st)
{
    if (!st) return;
    if (!st->cached) {
        st->engine->finalize(st);
        return;
    }
    st->engine->reset(st);
    st->engine->clear_bindings(st);
}

int sql_column_count(sql_stmt *st)
{
    return st->engine->column_count(st);
}

const char *sql_column_name(sql_stmt *st, int col)
{
    return st->engine->column_name(st, col);
}

sql_type sql_column_type(sql_stmt *st, int col)
{
    return st->engine->column_type(st, col);
}

int sql_is_null(sql_stmt *st, int col)
{
    return sql_column_type(st, col) == SQL_NULL;
}

int64_t sql_int64(sql_stmt *st, int col)
{
    return st->engine->column_int64(st, col);
}

double sql_double(sql_stmt *st, int col)
{
    return st->engine->column_double(st, col);
}

const char *sql_text(sql_stmt *st, int col)
{
    return st->engine->column_text(st, col);
}

void sql_text_copy(sql_stmt *st, int col, char *dst, size_t len)
{
    snprintf(dst, len, "%s", sql_text(st, col));
}

void sql_bind_column(sql_stmt *dst, int i, sql_stmt *src, int col)
{
    switch (sql_column_type(src, col)) {
    case SQL_NULL:
        sql_bind_null(dst, i);
        break;
    case SQL_INTEGER:
        sql_bind_int64(dst, i, sql_int64(src, col));
        break;
    case SQL_REAL:
        sql_bind_double(dst, i, sql_double(src, col));
        break;
    case SQL_TEXT:
        sql_bind_text(dst, i, sql_text(src, col));
        break;
    }
}

const char *sql_stmt_error(sql_stmt *st)
{
    return st->engine->stmt_error(st);
}
