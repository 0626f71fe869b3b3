-- A rep is in at most one team at a time: the database refuses team_memberships rows of one rep whose ranges
-- [valid_from, valid_to) overlap (valid_to null = open). The rollups and every team read attribute an event
-- to the membership valid at its instant; two of them would count the rep's events in two teams (and twice
-- in a split by team). The app never writes overlaps (src/ingest/membership.ts closes the open row before it
-- opens the next); this stops hand-written SQL and racing writers.
--
-- An exclusion constraint would need btree_gist (an extension PGlite would have to load); a trigger does it.
-- It runs after each INSERT or UPDATE statement, over the statement's rows (transition tables), and first
-- locks the reps of the old and new rows FOR NO KEY UPDATE in id order: the same mode, the same reps and the
-- same order as tally_rollup_rebuild_reps (0032), which the rollup triggers on this table call right after
-- (trigger names sort 'no_overlap' before 'rollup', so the check comes first and a refused write rebuilds
-- nothing). Two writers of one rep's memberships therefore run one after the other: the second one's check,
-- a new statement after the wait (READ COMMITTED), sees the first one's committed rows. The mode conflicts
-- with the FOR SHARE of the event triggers exactly as a rebuild already does, and not with the FOR KEY SHARE
-- of foreign-key checks. A BEFORE ROW trigger would lock a multi-rep statement's reps in row order, which
-- can deadlock against the id-ordered locks of 0032.
CREATE FUNCTION tally_memberships_refuse_overlap() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  clash record;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    PERFORM 1 FROM reps WHERE id IN (SELECT rep_id FROM old_rows UNION SELECT rep_id FROM new_rows) ORDER BY id FOR NO KEY UPDATE;
  ELSE
    PERFORM 1 FROM reps WHERE id IN (SELECT rep_id FROM new_rows) ORDER BY id FOR NO KEY UPDATE;
  END IF;
  SELECT n.rep_id, n.id AS new_id, n.team_id AS new_team, n.valid_from AS new_from, n.valid_to AS new_to,
         m.id AS old_id, m.team_id AS old_team, m.valid_from AS old_from, m.valid_to AS old_to
    INTO clash
    FROM new_rows n
    JOIN team_memberships m ON m.rep_id = n.rep_id AND m.id <> n.id
   WHERE tstzrange(m.valid_from, m.valid_to, '[)') && tstzrange(n.valid_from, n.valid_to, '[)')
   ORDER BY n.rep_id, n.id, m.valid_from
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION USING
      ERRCODE = 'exclusion_violation',
      MESSAGE = format(
        'team memberships of rep %s overlap: [%s, %s) in team %s (membership %s) and [%s, %s) in team %s (membership %s)',
        clash.rep_id,
        to_char(clash.new_from AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        coalesce(to_char(clash.new_to AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'open'),
        clash.new_team, clash.new_id,
        to_char(clash.old_from AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        coalesce(to_char(clash.old_to AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'open'),
        clash.old_team, clash.old_id),
      HINT = 'A rep is in one team at a time: close the current membership (valid_to) where the next one starts.',
      TABLE = 'team_memberships';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER team_memberships_no_overlap_insert AFTER INSERT ON team_memberships
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_memberships_refuse_overlap();
--> statement-breakpoint
CREATE TRIGGER team_memberships_no_overlap_update AFTER UPDATE ON team_memberships
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_memberships_refuse_overlap();
