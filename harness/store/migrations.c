/* The schema's history. Version 1 is schema.sql, compiled in as hakbench_schema_sql (build.mk).
 * A new version appends its ALTER/CREATE script here (and raises STORE_SCHEMA_VERSION in
 * store.h); databases of an older version are taken through every later script in one
 * transaction when hakbench opens them. The scripts are SQLite's spelling; postgres.c translates
 * them (pg_dialect.h), so both engines get the same schema from one source. */
#include "store/internal.h"

extern const char hakbench_schema_sql[];

/* Version 2: the job queue of `hakbench enqueue` and `hakbench worker` (store/jobs.h). */
static const char jobs_sql[] =
    "CREATE TABLE jobs (\n"
    "  id          INTEGER PRIMARY KEY,\n"
    "  uuid        TEXT NOT NULL UNIQUE,\n"
    "  state       TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),\n"
    "  revision    TEXT NOT NULL,          -- full sha: hakmem variants build at it, the conf\n"
    "                                      -- files are read at it\n"
    "  variants    TEXT NOT NULL,          -- comma-separated specs: NAME or SHA@NAME\n"
    "  workloads   TEXT NOT NULL,          -- comma-separated names\n"
    "  runs        INTEGER NOT NULL,\n"
    "  quick       INTEGER NOT NULL DEFAULT 0,\n"
    "  machine     TEXT NOT NULL DEFAULT '', -- '' any; else a hostname or a fingerprint prefix\n"
    "  max_tries   INTEGER NOT NULL,\n"
    "  tries       INTEGER NOT NULL DEFAULT 0,\n"
    "  command     TEXT NOT NULL,          -- the enqueue command line\n"
    "  note        TEXT NOT NULL DEFAULT '',\n"
    "  enqueued_at TEXT NOT NULL,\n"
    "  worker      TEXT NOT NULL DEFAULT '', -- host:pid of the last claim\n"
    "  claim       TEXT NOT NULL DEFAULT '', -- token of the current claim\n"
    "  machine_id  INTEGER REFERENCES machines(id),\n"
    "  lease_until INTEGER,                -- the database's clock, seconds since 1970\n"
    "  claimed_at  TEXT,\n"
    "  finished_at TEXT,\n"
    "  session_id  INTEGER REFERENCES sessions(id) ON DELETE SET NULL,\n"
    "  reason      TEXT NOT NULL DEFAULT '' -- why it failed or went back to the queue\n"
    ");\n"
    "CREATE INDEX jobs_by_state ON jobs(state, id);\n";

const char *const store_migrations[STORE_SCHEMA_VERSION] = {
    hakbench_schema_sql, /* 0 -> 1: an empty database gets the whole schema */
    jobs_sql,            /* 1 -> 2: the job queue */
};

const char *const store_required_tables[] = {"machines",    "builds",   "sessions",    "runs",
                                             "run_metrics", "counters", "rss_samples", NULL};
