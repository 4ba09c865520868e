-- Schema version 1 -> 2: sessions say which hakbench and which decision procedure made their
-- verdicts; calibrations are keyed by everything that changes what they measured.

-- The hakbench that ran the session (git revision, "-dirty" with local changes; '' before v2)
-- and the procedure its verdicts come from (PROCEDURE_VERSION; 0: sessions before v2, whose
-- extension rule was never calibrated). looks / runs_per_look / alpha / delta / holm_family are
-- that procedure's parameters for this session.
ALTER TABLE sessions ADD COLUMN hakbench_revision TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN procedure_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN looks INTEGER NOT NULL DEFAULT 1;
ALTER TABLE sessions ADD COLUMN runs_per_look INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN alpha REAL NOT NULL DEFAULT 0.05;
ALTER TABLE sessions ADD COLUMN delta REAL NOT NULL DEFAULT 0.02;
ALTER TABLE sessions ADD COLUMN holm_family INTEGER NOT NULL DEFAULT 1;

-- A calibration describes one procedure on one machine and workload: quick or full
-- arguments, paired (one session) or unpaired (across sessions), the procedure version and
-- parameters. Rates come with their Clopper-Pearson 95% intervals; the injected slowdowns
-- are what was measured, not what was asked for.
ALTER TABLE calibrations ADD COLUMN quick INTEGER NOT NULL DEFAULT 0;
ALTER TABLE calibrations ADD COLUMN paired INTEGER NOT NULL DEFAULT 1;
ALTER TABLE calibrations ADD COLUMN procedure_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE calibrations ADD COLUMN looks INTEGER NOT NULL DEFAULT 1;
ALTER TABLE calibrations ADD COLUMN runs_per_look INTEGER NOT NULL DEFAULT 0;
ALTER TABLE calibrations ADD COLUMN alpha REAL NOT NULL DEFAULT 0.05;
ALTER TABLE calibrations ADD COLUMN holm_family INTEGER NOT NULL DEFAULT 1;
ALTER TABLE calibrations ADD COLUMN false_positive_lo REAL;
ALTER TABLE calibrations ADD COLUMN false_positive_hi REAL;
ALTER TABLE calibrations ADD COLUMN power_lo REAL;
ALTER TABLE calibrations ADD COLUMN power_hi REAL;
ALTER TABLE calibrations ADD COLUMN injected_change REAL;     -- measured, e.g. -0.049
ALTER TABLE calibrations ADD COLUMN power_small REAL;         -- power for the small (2%) slowdown
ALTER TABLE calibrations ADD COLUMN injected_small_change REAL;
ALTER TABLE calibrations ADD COLUMN aa_noise_p95 REAL;        -- 95th percentile of |A/A change|
ALTER TABLE calibrations ADD COLUMN seconds_per_comparison REAL;
-- Every bisect step's interval (the change's, at the level its look tested), and step 0: the
-- endpoints (BAD against GOOD) measured before the search.
ALTER TABLE bisect_steps ADD COLUMN ci_lo REAL;
ALTER TABLE bisect_steps ADD COLUMN ci_hi REAL;

CREATE INDEX calibrations_by_key ON calibrations(machine_id, workload, quick, paired,
                                                 procedure_version);
