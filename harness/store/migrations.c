/* The schema's history. Version 1 is schema.sql, compiled in as hakbench_schema_sql; each later
 * version is an ALTER/CREATE script migration_vN.sql, compiled in as hakbench_migration_vN_sql
 * (build.mk). A new version appends its script here (and raises STORE_SCHEMA_VERSION in
 * store.h); databases of an older version are taken through every later script in one
 * transaction when hakbench opens them, and an empty one through all of them. The scripts are
 * SQLite's spelling; postgres.c translates them (pg_dialect.h), so both engines get the same
 * schema from one source. */
#include "store/internal.h"

extern const char hakbench_schema_sql[];
extern const char hakbench_migration_v2_sql[];
extern const char hakbench_migration_v3_sql[];
extern const char hakbench_migration_v4_sql[];

const char *const store_migrations[STORE_SCHEMA_VERSION] = {
    hakbench_schema_sql,       /* 0 -> 1: an empty database gets the version-1 schema */
    hakbench_migration_v2_sql, /* 1 -> 2: session revision and procedure, calibration keys */
    hakbench_migration_v3_sql, /* 2 -> 3: profiles, profile_stacks */
    hakbench_migration_v4_sql, /* 3 -> 4: the job queue */
};

const char *const store_required_tables[] = {"machines",    "builds",   "sessions",    "runs",
                                             "run_metrics", "counters", "rss_samples", NULL};
