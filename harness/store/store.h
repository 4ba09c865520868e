/* The results store (store/README.md): the one layer that knows the database. It opens
 * results/hakmem.db (or --db PATH), creates or migrates the schema, and answers every query the
 * other layers need with plain C structs: no SQL and no database type leaves store/. The query
 * functions are declared by topic: machines.h, builds.h, sessions.h, runs.h, calibrations.h,
 * bisect_steps.h, merge.h. They print "hakbench: <what>: <reason>" on a database error and
 * return -1 (or 0 rows). */
#ifndef HAKBENCH_STORE_H
#define HAKBENCH_STORE_H

#include <stddef.h>

#define STORE_DEFAULT_PATH "results/hakmem.db"
/* The schema version this hakbench writes (PRAGMA user_version); migrations.c takes older
 * files there. */
#define STORE_SCHEMA_VERSION 3

typedef struct store store;

/* Opens (creating the file if needed) and migrates. Refuses a corrupt, foreign or newer file
 * with a one-line reason in err ("...: not a hakmem database (user_version 7)") and NULL. */
store *store_open(const char *path, char *err, size_t errlen);
void store_close(store *s);

#endif
