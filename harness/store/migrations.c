/* The schema's history. schema.sql is the whole schema, compiled in as hakbench_schema_sql
 * (build.mk); each later version is a section of it, "-- version N:" to the end, compiled in as
 * hakbench_schema_vN_sql, whose statements are no-ops on a file that already has them (IF NOT
 * EXISTS). A new version appends its section to schema.sql, its line here and in build.mk, and
 * raises STORE_SCHEMA_VERSION in store.h; files of an older version are taken through every
 * later script in one transaction when hakbench opens them. */
#include "store/internal.h"

extern const char hakbench_schema_sql[];
extern const char hakbench_schema_v2_sql[];

const char *const store_migrations[STORE_SCHEMA_VERSION] = {
    hakbench_schema_sql,    /* 0 -> 1: an empty file gets the whole schema */
    hakbench_schema_v2_sql, /* 1 -> 2: profiles, profile_stacks */
};

const char *const store_required_tables[] = {"machines",    "builds",   "sessions",    "runs",
                                             "run_metrics", "counters", "rss_samples", NULL};
