/* What the store's own files share: the handle behind store.h and a growing array. Not for
 * other layers. */
#ifndef HAKBENCH_STORE_INTERNAL_H
#define HAKBENCH_STORE_INTERNAL_H

#include "store/sql.h"
#include "store/store.h"

struct store {
    sql_conn *sql;
};

/* Fills one element (zeroed, `size` bytes) from the current row of st. */
typedef void (*store_row_reader)(sql_stmt *st, void *row);
/* Steps st to its end and finalizes it: one element per row in *out (malloc'ed, NULL for none),
 * each filled by read. Returns the count, or -1 on a database error (printed as
 * "hakbench: <context>: <reason>") or out of memory, with *out freed. */
int store_collect(sql_stmt *st, void **out, size_t size, store_row_reader read,
                  const char *context);

/* A reader for one-column lists of names (char[64] each): workloads, mostly. */
void store_read_name(sql_stmt *st, void *row);

/* The migration scripts (migrations.c): migrations[v] takes a file from version v to v+1. */
extern const char *const store_migrations[STORE_SCHEMA_VERSION];
/* Tables every hakmem database has; a versioned file without them is someone else's. */
extern const char *const store_required_tables[];

#endif
