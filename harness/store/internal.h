/* What the store's own files share: the handle behind store.h and a growing array. Not for
 * other layers. */
#ifndef HAKBENCH_STORE_INTERNAL_H
#define HAKBENCH_STORE_INTERNAL_H

#include "store/sql.h"
#include "store/store.h"

struct store {
    sql_conn *sql;
};

/* Room for one more element in *arr (n used, *cap allocated, elements of `size` bytes): returns
 * the element to fill, zeroed, or NULL when out of memory (*arr is then unchanged). */
void *store_grow(void **arr, int n, int *cap, size_t size);

/* The migration scripts (migrations.c): migrations[v] takes a file from version v to v+1. */
extern const char *const store_migrations[STORE_SCHEMA_VERSION];
/* Tables every hakmem database has; a versioned file without them is someone else's. */
extern const char *const store_required_tables[];

#endif
