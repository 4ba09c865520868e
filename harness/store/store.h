/* The results store (store/README.md): the one layer that knows the database. It opens
 * results/hakmem.db, another file, or a PostgreSQL database (--db postgresql://...; or
 * $HAKBENCH_DB), creates or migrates the schema, and answers every query the
 * other layers need with plain C structs: no SQL and no database type leaves store/. The query
 * functions are declared by topic: machines.h, builds.h, sessions.h, runs.h, calibrations.h,
 * bisect_steps.h, merge.h. They print "hakbench: <what>: <reason>" on a database error and
 * return -1 (or 0 rows). */
#ifndef HAKBENCH_STORE_H
#define HAKBENCH_STORE_H

#include <stddef.h>

#define STORE_DEFAULT_PATH "results/hakmem.db"
/* What the commands' --help says of the default. */
#define STORE_DEFAULT_HELP "$HAKBENCH_DB, else " STORE_DEFAULT_PATH
/* The schema version this hakbench writes (PRAGMA user_version); migrations.c takes older
 * databases there (on PostgreSQL, the one row of hakbench_schema). */
#define STORE_SCHEMA_VERSION 4

typedef struct store store;

/* The database a command uses without --db: $HAKBENCH_DB when set, else STORE_DEFAULT_PATH. */
const char *store_default_location(void);
/* 1 when the location names a PostgreSQL database (postgresql://... or postgres://...), 0 for
 * the path of an SQLite file. */
int store_is_server(const char *location);
/* The location as messages, reports and stored commands show it: without a password. */
void store_location_shown(const char *location, char *out, size_t len);
/* 1 when a server location carries a password, which belongs in ~/.pgpass or PGPASSFILE. */
int store_location_has_password(const char *location);

/* Opens (creating an SQLite file if needed) and migrates. Refuses a corrupt, foreign or newer
 * database with a one-line reason in err ("...: not a hakmem database (user_version 7)"; for a
 * server that cannot be reached, libpq's message) and NULL. */
store *store_open(const char *location, char *err, size_t errlen);
void store_close(store *s);

#endif
