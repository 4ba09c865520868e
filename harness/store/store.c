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

void *store_grow(void **arr, int n, int *cap, size_t size)
{
    if (n >= *cap) {
        int grown = *cap ? 2 * *cap : 16;
        void *p = realloc(*arr, (size_t)grown * size);
        if (!p) return NULL;
        *arr = p;
        *cap = grown;
    }
    void *slot = (char *)*arr + (size_t)n * size;
    memset(slot, 0, size);
    return slot;
}
