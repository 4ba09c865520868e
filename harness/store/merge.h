/* Merging another results database into this one (hakbench merge), whatever the two engines
 * (an SQLite file into a PostgreSQL database and back): sessions travel by uuid, machines by
 * fingerprint, builds by their unique key, and every integer id is remapped, all in one
 * transaction. A session already present is left alone, so merging twice adds nothing. The job
 * queue (jobs) stays where it is: it is the work of one database, not a result. */
#ifndef HAKBENCH_STORE_MERGE_H
#define HAKBENCH_STORE_MERGE_H

#include <stddef.h>

#include "store/store.h"

typedef struct {
    long long sessions, runs, bisect_steps; /* new */
    long long present;                      /* sessions of the other file already here */
    long long machines, builds;             /* new */
} store_merge_counts;

/* Whether the database at location can be merged: a hakmem database of this schema version.
 * Checked without opening (or creating) anything else. 0, or -1 with the reason in err. */
int store_check_mergeable(const char *location, char *err, size_t errlen);

/* Imports every session of the database at other (a path or a URI; only read) that s does not
 * have. Returns 0, or -1 with a reason in err (not a hakmem database, another schema version, a
 * database error); nothing is changed then. */
int store_merge(store *s, const char *other, store_merge_counts *counts, char *err, size_t errlen);

#endif
