-- Rollup maintenance serialised per rep. The rollups (metric_rollups and metric_team_rollups, response_rollups,
-- cycle_rollups and their team twins) attribute each event to the rep's team at the event's instant, read from
-- team_memberships. Event writes apply deltas (old rows' share off, new rows' share on); a membership change
-- rebuilds the moved reps' rows (tally_rollup_rebuild_reps). Under READ COMMITTED the two overlapped: a deal
-- update beside an uncommitted team move took its old share off the old team's rows after the move had
-- replaced them (negative counts) and added its new share on top of rows the move had already rebuilt with
-- that deal (counted twice), wrong until a rebuild. The duration histograms had the same hole. Now:
--   * every rollup trigger on activities, opportunities and leads first locks the reps of its old and new
--     rows FOR SHARE (any number of event writers share it), in id order;
--   * tally_rollup_rebuild_reps first locks its reps FOR NO KEY UPDATE, which conflicts with FOR SHARE.
-- So a rebuild waits for the in-flight event transactions on its reps, and event statements wait for an
-- in-flight rebuild. The waiting side's later statements take a fresh snapshot (READ COMMITTED, volatile
-- plpgsql), which holds the other side's committed change: the rebuild reads the committed events, the deltas
-- read the committed memberships and land on the rebuilt rows. Neither mode conflicts with the FOR KEY SHARE
-- that foreign-key checks on rep ids take row by row in no set order, so those cannot deadlock with a rebuild.
-- One lock per distinct rep per statement (row locks live in the rows: no lock-table memory even for a
-- 100,000-row import statement). Events without a rep (rep 0) need none: no membership applies to them. The
-- bulk loads run with these triggers off and end with tally_rollup_rebuild_all(), which takes no rep lock.
ALTER FUNCTION tally_rollup_rebuild_reps(int[]) RENAME TO tally_rollup_rebuild_reps_unlocked;
--> statement-breakpoint
CREATE FUNCTION tally_rollup_rebuild_reps(ids int[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF ids IS NULL OR cardinality(ids) = 0 THEN RETURN; END IF;
  PERFORM 1 FROM reps WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
  PERFORM tally_rollup_rebuild_reps_unlocked(ids);
END $$;
--> statement-breakpoint
-- The event triggers: bodies as in migration 0005 (activities, opportunities), 0015 (leads), 0011 (response
-- histogram) and 0021 (cycle histogram), each after the lock. Every one locks by itself, whatever order the
-- triggers of a statement fire in, and all lock the same reps (every old and new row's, even where a trigger
-- skips rows whose inputs did not change) so that one statement takes its locks in one id order; a rep's second
-- lock in a transaction finds it held.
CREATE OR REPLACE FUNCTION tally_rollup_activities() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM tally_rollup_rebuild_all();
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    PERFORM 1 FROM reps WHERE id IN (SELECT rep_id FROM old_rows UNION SELECT rep_id FROM new_rows) ORDER BY id FOR SHARE;
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM 1 FROM reps WHERE id IN (SELECT rep_id FROM old_rows) ORDER BY id FOR SHARE;
  ELSE
    PERFORM 1 FROM reps WHERE id IN (SELECT rep_id FROM new_rows) ORDER BY id FOR SHARE;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    EXECUTE tally_rollup_sql('select e.* from old_rows t cross join lateral tally_activities_events(t) e', -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    EXECUTE tally_rollup_sql('select e.* from new_rows t cross join lateral tally_activities_events(t) e', 1);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tally_rollup_opportunities() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM tally_rollup_rebuild_all();
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    PERFORM 1 FROM reps WHERE id IN (SELECT owner_rep_id FROM old_rows UNION SELECT owner_rep_id FROM new_rows) ORDER BY id FOR SHARE;
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM 1 FROM reps WHERE id IN (SELECT owner_rep_id FROM old_rows) ORDER BY id FOR SHARE;
  ELSE
    PERFORM 1 FROM reps WHERE id IN (SELECT owner_rep_id FROM new_rows) ORDER BY id FOR SHARE;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    EXECUTE tally_rollup_sql('select e.* from old_rows t cross join lateral tally_opportunities_events(t) e', -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    EXECUTE tally_rollup_sql('select e.* from new_rows t cross join lateral tally_opportunities_events(t) e', 1);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tally_rollup_leads() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM tally_rollup_rebuild_all();
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    PERFORM 1 FROM reps WHERE id IN (SELECT owner_rep_id FROM old_rows UNION SELECT owner_rep_id FROM new_rows) ORDER BY id FOR SHARE;
    EXECUTE tally_rollup_sql('select e.* from old_rows t join new_rows n on n.id = t.id cross join lateral tally_leads_events(t) e where (t.created_at, t.owner_rep_id, t.qualified_at, t.converted_at) is distinct from (n.created_at, n.owner_rep_id, n.qualified_at, n.converted_at)', -1);
    EXECUTE tally_rollup_sql('select e.* from new_rows t join old_rows o on o.id = t.id cross join lateral tally_leads_events(t) e where (t.created_at, t.owner_rep_id, t.qualified_at, t.converted_at) is distinct from (o.created_at, o.owner_rep_id, o.qualified_at, o.converted_at)', 1);
    RETURN NULL;
  END IF;
  IF TG_OP = 'DELETE' THEN
    PERFORM 1 FROM reps WHERE id IN (SELECT owner_rep_id FROM old_rows) ORDER BY id FOR SHARE;
    EXECUTE tally_rollup_sql('select e.* from old_rows t cross join lateral tally_leads_events(t) e', -1);
  END IF;
  IF TG_OP = 'INSERT' THEN
    PERFORM 1 FROM reps WHERE id IN (SELECT owner_rep_id FROM new_rows) ORDER BY id FOR SHARE;
    EXECUTE tally_rollup_sql('select e.* from new_rows t cross join lateral tally_leads_events(t) e', 1);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tally_response_rollup_leads() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    PERFORM 1 FROM reps WHERE id IN (SELECT owner_rep_id FROM old_rows UNION SELECT owner_rep_id FROM new_rows) ORDER BY id FOR SHARE;
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM 1 FROM reps WHERE id IN (SELECT owner_rep_id FROM old_rows) ORDER BY id FOR SHARE;
  ELSE
    PERFORM 1 FROM reps WHERE id IN (SELECT owner_rep_id FROM new_rows) ORDER BY id FOR SHARE;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    EXECUTE tally_response_rollup_sql('select * from old_rows', -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    EXECUTE tally_response_rollup_sql('select * from new_rows', 1);
  END IF;
  -- Buckets emptied by updates and deletes stay with n = 0 (readers ignore them): deleting them would
  -- cost a scan per statement.
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tally_cycle_rollup_opportunities() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- Only the cycle's inputs move the histogram (amount, stage, loss reason … do not).
  IF TG_OP = 'UPDATE' THEN
    PERFORM 1 FROM reps WHERE id IN (SELECT owner_rep_id FROM old_rows UNION SELECT owner_rep_id FROM new_rows) ORDER BY id FOR SHARE;
    EXECUTE tally_cycle_rollup_sql('select t.* from old_rows t join new_rows n on n.id = t.id where (t.created_at, t.closed_at, t.outcome, t.owner_rep_id) is distinct from (n.created_at, n.closed_at, n.outcome, n.owner_rep_id)', -1);
    EXECUTE tally_cycle_rollup_sql('select t.* from new_rows t join old_rows o on o.id = t.id where (t.created_at, t.closed_at, t.outcome, t.owner_rep_id) is distinct from (o.created_at, o.closed_at, o.outcome, o.owner_rep_id)', 1);
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM 1 FROM reps WHERE id IN (SELECT owner_rep_id FROM old_rows) ORDER BY id FOR SHARE;
    EXECUTE tally_cycle_rollup_sql('select * from old_rows', -1);
  ELSE
    PERFORM 1 FROM reps WHERE id IN (SELECT owner_rep_id FROM new_rows) ORDER BY id FOR SHARE;
    EXECUTE tally_cycle_rollup_sql('select * from new_rows', 1);
  END IF;
  -- Buckets emptied by updates and deletes stay with n = 0 (readers ignore them).
  RETURN NULL;
END $$;
