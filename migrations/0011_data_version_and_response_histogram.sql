-- 1. The data version: a counter that moves whenever data behind a metric may have changed. Statement
-- triggers bump it on every write to the tables metrics read (inside the writing transaction), and the
-- app bumps it once more after each import, ingest batch or touch commits, so an answer cached under a
-- version is never served for data committed after it. A sequence: bumping takes no row lock.
CREATE SEQUENCE IF NOT EXISTS tally_data_version;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tally_bump_data_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM nextval('tally_data_version');
  RETURN NULL;
END $$;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['leads', 'activities', 'opportunities', 'accounts', 'contracts', 'reps', 'teams',
    'team_memberships', 'targets'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I
      FOR EACH STATEMENT EXECUTE FUNCTION tally_bump_data_version()', t || '_data_version', t);
  END LOOP;
END $$;
--> statement-breakpoint
-- 2. The lead response histogram (response_rollups). A lead's response seconds, exactly as the metric
-- defines them (a touch before creation counts as 0 s; null when not answered), and its value bucket:
-- -1 when not answered, else the bucket of fixed thresholds (0, 1, 2, … growing by ~10 % up to ~3 years).
CREATE FUNCTION tally_response_secs(created timestamptz, touched timestamptz) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  select (case when touched is not null then greatest(0, extract(epoch from (touched - created))) end)::float8
$$;
--> statement-breakpoint
CREATE FUNCTION tally_response_vb(secs float8) RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  select (case when secs is null then -1 else width_bucket(secs, '{0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,16,17,19,21,23,26,28,31,34,37,41,45,50,55,60,66,73,80,88,97,107,117,129,142,156,172,189,208,229,252,277,304,335,368,405,446,490,539,593,653,718,790,869,956,1051,1156,1272,1399,1539,1693,1862,2048,2253,2479,2726,2999,3299,3629,3992,4391,4830,5313,5844,6429,7072,7779,8557,9412,10354,11389,12528,13781,15159,16675,18342,20176,22194,24413,26855,29540,32494,35743,39318,43249,47574,52332,57565,63322,69654,76619,84281,92709,101980,112178,123396,135735,149309,164240,180664,198730,218603,240463,264510,290961,320057,352063,387269,425996,468595,515455,567000,623700,686070,754677,830145,913160,1004475,1104923,1215415,1336957,1470653,1617718,1779490,1957439,2153182,2368501,2605351,2865886,3152474,3467722,3814494,4195943,4615538,5077092,5584801,6143281,6757609,7433370,8176707,8994377,9893815,10883197,11971516,13168668,14485535,15934088,17527497,19280247,21208271,23329099,25662008,28228209,31051030,34156133,37571747,41328921,45461813,50007995,55008794,60509674,66560641,73216705,80538375,88592213,97451434}'::float8[]) end)::smallint
$$;
--> statement-breakpoint
-- The raw values of one bucket, for the second step of an exact median.
CREATE INDEX leads_response_vb_idx ON leads (tally_response_vb(tally_response_secs(created_at, first_touch_at)), created_at);
--> statement-breakpoint
-- Adds (sign 1) or removes (sign -1) the leads of a query (columns created_at, owner_rep_id, first_touch_at).
CREATE FUNCTION tally_response_rollup_sql(leads_query text, sign int) RETURNS text
LANGUAGE sql IMMUTABLE AS $f$
  select format($q$
  insert into response_rollups as r (grain, bucket, rep_id, team_id, vb, n)
  select g.grain, date_trunc(g.unit, l.created_at, 'UTC'), coalesce(l.owner_rep_id, 0), coalesce(m.team_id, 0),
    tally_response_vb(tally_response_secs(l.created_at, l.first_touch_at)), (%s * count(*))::int
  from (%s) l
  left join team_memberships m on m.rep_id = l.owner_rep_id and m.valid_from <= l.created_at
    and (m.valid_to is null or l.created_at < m.valid_to)
  cross join (values ('h', 'hour'), ('d', 'day'), ('m', 'month')) g(grain, unit)
  group by 1, 2, 3, 4, 5
  order by 1, 2, 3, 4, 5
  on conflict (grain, bucket, rep_id, team_id, vb) do update set n = r.n + excluded.n
  $q$, sign, leads_query)
$f$;
--> statement-breakpoint
CREATE FUNCTION tally_response_rollup_leads() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
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
CREATE TRIGGER leads_response_rollup_insert AFTER INSERT ON leads
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_response_rollup_leads();
--> statement-breakpoint
CREATE TRIGGER leads_response_rollup_update AFTER UPDATE ON leads
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_response_rollup_leads();
--> statement-breakpoint
CREATE TRIGGER leads_response_rollup_delete AFTER DELETE ON leads
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_response_rollup_leads();
--> statement-breakpoint
-- Rebuilds join the existing ones, so a TRUNCATE, a membership change and a bulk load's single rebuild
-- (tally_rollup_rebuild_all) keep the histogram exact too. Bodies as in migration 0005, plus the histogram.
CREATE OR REPLACE FUNCTION tally_rollup_rebuild_reps(ids int[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM metric_rollups WHERE rep_id = ANY(ids);
  EXECUTE tally_rollup_sql('select e.* from activities t cross join lateral tally_activities_events(t) e where t.rep_id = any($1)', 1) USING ids;
  EXECUTE tally_rollup_sql('select e.* from opportunities t cross join lateral tally_opportunities_events(t) e where t.owner_rep_id = any($1)', 1) USING ids;
  EXECUTE tally_rollup_sql('select e.* from leads t cross join lateral tally_leads_events(t) e where t.owner_rep_id = any($1)', 1) USING ids;
  DELETE FROM response_rollups WHERE rep_id = ANY(ids);
  EXECUTE tally_response_rollup_sql('select * from leads t where t.owner_rep_id = any($1)', 1) USING ids;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tally_rollup_rebuild_all() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM metric_rollups;
  EXECUTE tally_rollup_sql('select e.* from activities t cross join lateral tally_activities_events(t) e', 1);
  EXECUTE tally_rollup_sql('select e.* from opportunities t cross join lateral tally_opportunities_events(t) e', 1);
  EXECUTE tally_rollup_sql('select e.* from leads t cross join lateral tally_leads_events(t) e', 1);
  DELETE FROM response_rollups;
  EXECUTE tally_response_rollup_sql('select * from leads', 1);
END $$;
--> statement-breakpoint
-- The leads already there.
DO $$ BEGIN EXECUTE tally_response_rollup_sql('select * from leads', 1); END $$;
