/* What the store's own files share: the handle behind store.h, a growing array, the write
 * transaction that survives a reconnect. Not for other layers. */
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

/* The work of one write transaction; attempt is 0, then 1 when it runs again. */
typedef int (*store_body)(store *s, void *arg, int attempt);
/* Runs body in a write transaction, all of it or nothing: 0, or -1 (printed as
 * "hakbench: <context>: <reason>"). When the connection to a server broke on the way, the
 * transaction runs once more on a new connection (attempt 1); its COMMIT may have reached the
 * server before the break, so a body that must not store twice checks for its rows first. */
int store_transaction(store *s, const char *context, store_body body, void *arg);

/* A random (version 4) uuid: sessions travel between databases by it (hakbench merge), jobs
 * are named by it. */
void store_make_uuid(char out[37]);

/* A reader for one-column lists of names (char[64] each): workloads, mostly. */
void store_read_name(sql_stmt *st, void *row);

/* The migration scripts (migrations.c): migrations[v] takes a file from version v to v+1. */
extern const char *const store_migrations[STORE_SCHEMA_VERSION];
/* Tables every hakmem database has; a versioned file without them is someone else's. */
extern const char *const store_required_tables[];

#endif
