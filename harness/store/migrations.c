/* The schema's history. Version 1 is schema.sql, compiled in as hakbench_schema_sql (build.mk).
 * A new version appends its ALTER/CREATE script here (and raises STORE_SCHEMA_VERSION in
 * store.h); files of an older version are taken through every later script in one transaction
 * when hakbench opens them. */
#include "store/internal.h"

extern const char hakbench_schema_sql[];

const char *const store_migrations[STORE_SCHEMA_VERSION] = {
    hakbench_schema_sql, /* 0 -> 1: an empty file gets the whole schema */
};

const char *const store_required_tables[] = {"machines",    "builds",   "sessions",    "runs",
                                             "run_metrics", "counters", "rss_samples", NULL};
