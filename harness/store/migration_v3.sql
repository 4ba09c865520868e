-- Schema version 2 -> 3: profiles, where the time goes.

-- One profile per variant, workload and tool of a session, made after the measured runs
-- (hakbench run --profile). perf: `perf record -e cpu-clock --call-graph dwarf` samples as
-- folded stacks; callgrind: instructions per function (self cost), one frame each.
CREATE TABLE profiles (
  id         INTEGER PRIMARY KEY,
  session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  variant    TEXT NOT NULL,           -- the spec, as in session_variants
  workload   TEXT NOT NULL,
  tool       TEXT NOT NULL CHECK (tool IN ('perf', 'callgrind')),
  args       TEXT NOT NULL,           -- the command line run
  status     TEXT NOT NULL,           -- the run's outcome, as runs.status
  ops        REAL,                    -- the workload's operation count (RESULT ops=), NULL if none
  total      REAL NOT NULL,           -- samples (perf) or instructions (callgrind) in all
  UNIQUE (session_id, variant, workload, tool)
);
-- stack: frames root first, separated by ';' (the folded format of flame graphs); an inlined
-- frame ends in '_[i]', a kernel frame in '_[k]'. value: samples or instructions.
CREATE TABLE profile_stacks (
  profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
  stack      TEXT NOT NULL,
  value      REAL NOT NULL,
  PRIMARY KEY (profile_id, stack)
);
