-- Schema version 3 -> 4: the job queue of `hakbench enqueue` and `hakbench worker`
-- (store/jobs.h, docs/fleet.md). Jobs are the work of one database: merge leaves them.
CREATE TABLE jobs (
  id          INTEGER PRIMARY KEY,
  uuid        TEXT NOT NULL UNIQUE,
  state       TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
  revision    TEXT NOT NULL,            -- full sha: hakmem variants build at it, the conf
                                        -- files are read at it
  variants    TEXT NOT NULL,            -- comma-separated specs: NAME or SHA@NAME
  workloads   TEXT NOT NULL,            -- comma-separated names
  runs        INTEGER NOT NULL,         -- blocks per look (hakbench run --runs)
  looks       INTEGER NOT NULL DEFAULT 1, -- looks at most (hakbench run --looks)
  quick       INTEGER NOT NULL DEFAULT 0,
  machine     TEXT NOT NULL DEFAULT '', -- '' any; else a hostname or a fingerprint prefix
  max_tries   INTEGER NOT NULL,
  tries       INTEGER NOT NULL DEFAULT 0,
  command     TEXT NOT NULL,            -- the enqueue command line
  note        TEXT NOT NULL DEFAULT '',
  enqueued_at TEXT NOT NULL,
  worker      TEXT NOT NULL DEFAULT '', -- host:pid of the last claim
  claim       TEXT NOT NULL DEFAULT '', -- token of the current claim
  machine_id  INTEGER REFERENCES machines(id),
  lease_until INTEGER,                  -- the database's clock, seconds since 1970
  claimed_at  TEXT,
  finished_at TEXT,
  session_id  INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
  reason      TEXT NOT NULL DEFAULT ''  -- why it failed or went back to the queue
);
CREATE INDEX jobs_by_state ON jobs(state, id);
