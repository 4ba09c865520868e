/* Opening and closing the store (see store.h); the engine is behind sql.h. */
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"

store *store_open(const char *path, char *err, size_t errlen)
{
    sql_conn *c =
        sql_open(path, STORE_SCHEMA_VERSION, store_migrations, store_required_tables, err, errlen);
    if (!c) return NULL;
    store *s = malloc(sizeof *s);
    if (!s) {
        sql_close(c);
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    s->sql = c;
    return s;
}

void store_close(store *s)
{
    if (!s) return;
    sql_close(s->sql);
    free(s);
}

int store_collect(sql_stmt *st, void **out, size_t size, store_row_reader read, const char *context)
{
    *out = NULL;
    int n = 0, cap = 0, rc;
    const char *why = NULL;
    while ((rc = sql_step(st)) == SQL_ROW) {
        if (n == cap) {
            int grown = cap ? 2 * cap : 16;
            void *p = realloc(*out, (size_t)grown * size);
            if (!p) {
                why = "out of memory";
                break;
            }
            *out = p;
            cap = grown;
        }
        void *row = (char *)*out + (size_t)n++ * size;
        memset(row, 0, size);
        read(st, row);
    }
    if (rc == SQL_ERROR) why = sql_stmt_error(st);
    if (why) {
        fprintf(stderr, "hakbench: %s: %s\n", context, why);
        free(*out);
        *out = NULL;
        n = -1;
    }
    sql_finalize(st);
    return n;
}
