-- hakmem results store, schema version 1 (PRAGMA user_version = 1).
-- This file is the public interface of results/hakmem.db; results/README.md documents it.
-- Rows that may travel between databases (hakbench merge) carry a uuid.

CREATE TABLE machines (
  id          INTEGER PRIMARY KEY,
  fingerprint TEXT NOT NULL UNIQUE,   -- hash of the fields below except hostname
  cpu_model   TEXT NOT NULL,
  cores       INTEGER NOT NULL,
  kernel      TEXT NOT NULL,
  governor    TEXT NOT NULL,          -- 'unknown' where cpufreq is absent
  thp         TEXT NOT NULL,          -- transparent_hugepage/enabled, the selected value
  glibc       TEXT NOT NULL,
  compiler    TEXT NOT NULL,
  hostname    TEXT NOT NULL
);

CREATE TABLE builds (
  id           INTEGER PRIMARY KEY,
  variant      TEXT NOT NULL,         -- name from variants.conf
  kind         TEXT NOT NULL CHECK (kind IN ('hakmem', 'peer')),
  revision     TEXT NOT NULL,         -- full commit sha; '' for peers
  dirty        INTEGER NOT NULL DEFAULT 0, -- 1 when built from a work tree with local changes
  flags        TEXT NOT NULL,         -- make variables, e.g. 'TINY_FAST_PATH_DEFAULT=0'; '' for peers
  library_path TEXT NOT NULL,         -- the .so used with LD_PRELOAD ('' for system)
  library_hash TEXT NOT NULL,         -- sha256 of that file ('' when none)
  status       TEXT NOT NULL CHECK (status IN ('ok', 'build-failed')),
  log_tail     TEXT NOT NULL DEFAULT '',
  built_at     TEXT NOT NULL,         -- UTC ISO-8601
  UNIQUE (variant, revision, dirty, flags, library_hash)
);

CREATE TABLE sessions (
  id          INTEGER PRIMARY KEY,
  uuid        TEXT NOT NULL UNIQUE,
  kind        TEXT NOT NULL CHECK (kind IN ('run', 'calibrate', 'bisect', 'nightly')),
  machine_id  INTEGER NOT NULL REFERENCES machines(id),
  started_at  TEXT NOT NULL,
  finished_at TEXT,                   -- NULL while running or when the harness was killed
  command     TEXT NOT NULL,          -- the command line that made it
  seed        INTEGER NOT NULL,       -- seeds the run order and the bootstrap
  quick       INTEGER NOT NULL DEFAULT 0,
  metric      TEXT NOT NULL DEFAULT 'time' CHECK (metric IN ('time', 'instructions')),
  note        TEXT NOT NULL DEFAULT ''
);

-- The variants of a session in the order given (position 0 is A, 1 is B, ...).
CREATE TABLE session_variants (
  session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  position   INTEGER NOT NULL,
  spec       TEXT NOT NULL,           -- as typed: 'baseline', 'HEAD~3@fastpath', 'mimalloc'
  build_id   INTEGER REFERENCES builds(id),
  PRIMARY KEY (session_id, position)
);

CREATE TABLE runs (
  id           INTEGER PRIMARY KEY,
  session_id   INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  seq          INTEGER NOT NULL,      -- order of execution within the session
  build_id     INTEGER REFERENCES builds(id),
  variant      TEXT NOT NULL,         -- the spec, as in session_variants
  workload     TEXT NOT NULL,
  args         TEXT NOT NULL,         -- the full command line run
  purpose      TEXT NOT NULL CHECK (purpose IN ('warmup', 'measure', 'counters')),
  block        INTEGER NOT NULL,      -- interleaving block; runs of one block pair up
  status       TEXT NOT NULL CHECK (status IN ('ok', 'crash', 'oom', 'timeout',
                                             'bad-output', 'corrupt', 'build-failed', 'error')),
  signal       INTEGER,               -- for crash
  exit_code    INTEGER,
  ops          REAL,
  seconds      REAL,                  -- as the workload reported it
  ops_per_sec  REAL,                  -- from RESULT (time metric) or 1/instructions-derived
  instructions INTEGER,               -- instruction-count metric
  wall_s       REAL,
  user_s       REAL,
  sys_s        REAL,
  peak_rss_kb  INTEGER,
  minor_faults INTEGER,
  major_faults INTEGER,
  vol_ctxsw    INTEGER,
  invol_ctxsw  INTEGER,
  cpu          INTEGER,               -- pinned CPU, NULL when not pinned
  result_line  TEXT NOT NULL DEFAULT '',
  stderr_tail  TEXT NOT NULL DEFAULT '',
  started_at   TEXT NOT NULL,
  UNIQUE (session_id, seq)
);
CREATE INDEX runs_by_session ON runs(session_id, workload, variant);

-- Extra numbers of a run: RESULT fields beyond the core ones, perf/hardware counters.
CREATE TABLE run_metrics (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  source TEXT NOT NULL CHECK (source IN ('result', 'perf', 'hyperfine')),
  name   TEXT NOT NULL,
  value  REAL NOT NULL,
  PRIMARY KEY (run_id, source, name)
);

-- Allocator counters (HAKMEM_STATS_FILE) of a 'counters' run.
CREATE TABLE counters (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  name   TEXT NOT NULL,
  value  REAL NOT NULL,
  PRIMARY KEY (run_id, name)
);

-- RSS timeline of a run, sampled from /proc.
CREATE TABLE rss_samples (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  t_ms   INTEGER NOT NULL,
  rss_kb INTEGER NOT NULL,
  PRIMARY KEY (run_id, t_ms)
);

-- Noise band per workload and machine, measured by hakbench calibrate.
CREATE TABLE calibrations (
  id                  INTEGER PRIMARY KEY,
  machine_id          INTEGER NOT NULL REFERENCES machines(id),
  workload            TEXT NOT NULL,
  delta               REAL NOT NULL,  -- relative, e.g. 0.02
  false_positive_rate REAL NOT NULL,
  power               REAL NOT NULL,
  trials              INTEGER NOT NULL,
  created_at          TEXT NOT NULL
);

-- One row per bisect step (and the final confirmation, step = -1).
CREATE TABLE bisect_steps (
  session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  step       INTEGER NOT NULL,
  revision   TEXT NOT NULL,
  verdict    TEXT NOT NULL,           -- good | bad | skip (and compare's verdict in detail)
  detail     TEXT NOT NULL,           -- compare verdict: regression/equivalent/..., build-failed, same-library
  change     REAL,                    -- ratio B/A - 1
  runs       INTEGER NOT NULL,
  PRIMARY KEY (session_id, step)
);

-- The stable view for ad-hoc queries; documented in results/README.md.
CREATE VIEW results AS
  SELECT r.session_id, COALESCE(b.revision, '') AS revision, r.variant, r.workload, r.status,
         r.ops_per_sec, r.peak_rss_kb, r.started_at
    FROM runs r LEFT JOIN builds b ON b.id = r.build_id
   WHERE r.purpose = 'measure';
