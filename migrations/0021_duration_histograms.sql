CREATE TABLE "cycle_rollups" (
	"grain" char(1) NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"rep_id" integer NOT NULL,
	"team_id" integer NOT NULL,
	"vb" smallint NOT NULL,
	"n" integer DEFAULT 0 NOT NULL,
	"micros" numeric DEFAULT '0' NOT NULL,
	"skewed" integer DEFAULT 0 NOT NULL,
	"newest_at" timestamp with time zone,
	CONSTRAINT "cycle_rollups_grain_check" CHECK ("cycle_rollups"."grain" in ('h', 'd', 'm'))
);
--> statement-breakpoint
CREATE TABLE "cycle_team_rollups" (
	"grain" char(1) NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"team_id" integer NOT NULL,
	"vb" smallint NOT NULL,
	"n" integer DEFAULT 0 NOT NULL,
	"micros" numeric DEFAULT '0' NOT NULL,
	"skewed" integer DEFAULT 0 NOT NULL,
	"newest_at" timestamp with time zone,
	CONSTRAINT "cycle_team_rollups_grain_check" CHECK ("cycle_team_rollups"."grain" in ('h', 'd', 'm'))
);
--> statement-breakpoint
CREATE TABLE "response_team_rollups" (
	"grain" char(1) NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"team_id" integer NOT NULL,
	"vb" smallint NOT NULL,
	"n" integer DEFAULT 0 NOT NULL,
	"micros" numeric DEFAULT '0' NOT NULL,
	"skewed" integer DEFAULT 0 NOT NULL,
	"newest_at" timestamp with time zone,
	CONSTRAINT "response_team_rollups_grain_check" CHECK ("response_team_rollups"."grain" in ('h', 'd', 'm'))
);
--> statement-breakpoint
ALTER TABLE "response_rollups" ADD COLUMN "micros" numeric DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "response_rollups" ADD COLUMN "skewed" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "response_rollups" ADD COLUMN "newest_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "cycle_rollups_key_idx" ON "cycle_rollups" USING btree ("grain","bucket","rep_id","team_id","vb");--> statement-breakpoint
CREATE INDEX "cycle_rollups_rep_idx" ON "cycle_rollups" USING btree ("rep_id","grain","bucket");--> statement-breakpoint
CREATE INDEX "cycle_rollups_team_idx" ON "cycle_rollups" USING btree ("team_id","grain","bucket");--> statement-breakpoint
CREATE UNIQUE INDEX "cycle_team_rollups_key_idx" ON "cycle_team_rollups" USING btree ("grain","bucket","team_id","vb");--> statement-breakpoint
CREATE INDEX "cycle_team_rollups_team_idx" ON "cycle_team_rollups" USING btree ("team_id","grain","bucket");--> statement-breakpoint
CREATE UNIQUE INDEX "response_team_rollups_key_idx" ON "response_team_rollups" USING btree ("grain","bucket","team_id","vb");--> statement-breakpoint
CREATE INDEX "response_team_rollups_team_idx" ON "response_team_rollups" USING btree ("team_id","grain","bucket");--> statement-breakpoint
-- Exact medians at org scale, the duration histograms (see src/metrics/compute/histogram.ts):
-- response_rollups gains the summed microseconds, the clock-skew count and freshness; response_team_rollups
-- (no rep dimension) is written in the same statement; cycle_rollups / cycle_team_rollups do the same for
-- the sales cycle of won deals. A duration in whole microseconds, clamped at 0 per record (durations.ts):
CREATE FUNCTION tally_duration_micros(started timestamptz, ended timestamptz) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  select greatest(0, extract(epoch from (ended - started)) * 1000000)::bigint
$$;
--> statement-breakpoint
-- Days from creation to close of a won deal, clamped at 0 per deal, exactly as the metric defines them.
CREATE FUNCTION tally_cycle_days(created timestamptz, closed timestamptz) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  select greatest(0, extract(epoch from (closed - created)) / 86400.0)::float8
$$;
--> statement-breakpoint
-- The cycle bucket: 0 h, then 1 hour growing by 5 % up to ~10 years (days).
CREATE FUNCTION tally_cycle_vb(days float8) RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  select width_bucket(days, '{0,0.0416667,0.04375,0.0459375,0.0482344,0.0506461,0.0531784,0.0558373,0.0586292,0.0615606,0.0646387,0.0678706,0.0712641,0.0748273,0.0785687,0.0824971,0.086622,0.0909531,0.0955008,0.100276,0.10529,0.110554,0.116082,0.121886,0.12798,0.134379,0.141098,0.148153,0.155561,0.163339,0.171506,0.180081,0.189085,0.198539,0.208466,0.218889,0.229834,0.241326,0.253392,0.266062,0.279365,0.293333,0.308,0.323399,0.339569,0.356548,0.374375,0.393094,0.412749,0.433386,0.455056,0.477808,0.501699,0.526784,0.553123,0.580779,0.609818,0.640309,0.672324,0.705941,0.741238,0.778299,0.817214,0.858075,0.900979,0.946028,0.993329,1.043,1.09515,1.1499,1.2074,1.26777,1.33116,1.39771,1.4676,1.54098,1.61803,1.69893,1.78388,1.87307,1.96672,2.06506,2.16831,2.27673,2.39057,2.51009,2.6356,2.76738,2.90575,3.05103,3.20359,3.36377,3.53195,3.70855,3.89398,4.08868,4.29311,4.50777,4.73316,4.96981,5.2183,5.47922,5.75318,6.04084,6.34288,6.66003,6.99303,7.34268,7.70981,8.0953,8.50007,8.92507,9.37132,9.83989,10.3319,10.8485,11.3909,11.9604,12.5585,13.1864,13.8457,14.538,15.2649,16.0281,16.8296,17.671,18.5546,19.4823,20.4564,21.4792,22.5532,23.6809,24.8649,26.1082,27.4136,28.7842,30.2235,31.7346,33.3214,34.9874,36.7368,38.5736,40.5023,42.5274,44.6538,46.8865,49.2308,51.6924,54.277,56.9908,59.8404,62.8324,65.974,69.2727,72.7364,76.3732,80.1918,84.2014,88.4115,92.8321,97.4737,102.347,107.465,112.838,118.48,124.404,130.624,137.155,144.013,151.214,158.774,166.713,175.049,183.801,192.991,202.641,212.773,223.411,234.582,246.311,258.627,271.558,285.136,299.393,314.362,330.08,346.584,363.914,382.109,401.215,421.276,442.339,464.456,487.679,512.063,537.666,564.55,592.777,622.416,653.537,686.214,720.524,756.55,794.378,834.097,875.802,919.592,965.571,1013.85,1064.54,1117.77,1173.66,1232.34,1293.96,1358.66,1426.59,1497.92,1572.81,1651.45,1734.03,1820.73,1911.77,2007.35,2107.72,2213.11,2323.76,2439.95,2561.95,2690.05,2824.55,2965.78,3114.06,3269.77,3433.26,3604.92}'::float8[])::smallint
$$;
--> statement-breakpoint
-- Raw values of one bucket, read index-only (first_touch_at / created_at included): a whole bucket for
-- the org, one rep's bucket for a rep, a team rep by rep through its memberships.
DROP INDEX IF EXISTS leads_response_vb_idx;
--> statement-breakpoint
CREATE INDEX leads_response_vb_idx ON leads (tally_response_vb(tally_response_secs(created_at, first_touch_at)), created_at) INCLUDE (first_touch_at);
--> statement-breakpoint
DROP INDEX IF EXISTS leads_owner_response_vb_idx;
--> statement-breakpoint
CREATE INDEX leads_owner_response_vb_idx ON leads (owner_rep_id, tally_response_vb(tally_response_secs(created_at, first_touch_at)), created_at) INCLUDE (first_touch_at);
--> statement-breakpoint
CREATE INDEX opportunities_cycle_vb_idx ON opportunities (tally_cycle_vb(tally_cycle_days(created_at, closed_at)), closed_at) INCLUDE (created_at) WHERE outcome = 'won';
--> statement-breakpoint
CREATE INDEX opportunities_owner_cycle_vb_idx ON opportunities (owner_rep_id, tally_cycle_vb(tally_cycle_days(created_at, closed_at)), closed_at) INCLUDE (created_at) WHERE outcome = 'won';
--> statement-breakpoint
-- Adds (sign 1) or removes (sign -1) grouped histogram rows `e` (grain, bucket, rep_id, team_id, vb, n,
-- micros, skewed, newest_at) to a rep-level table and its team-level twin, in one statement.
CREATE FUNCTION tally_histogram_upsert_sql(rows_query text, rep_table text, team_table text) RETURNS text
LANGUAGE sql IMMUTABLE AS $f$
  select format($q$
  with e (grain, bucket, rep_id, team_id, vb, n, micros, skewed, newest_at) as materialized (%1$s),
  reps as (
    insert into %2$I as r (grain, bucket, rep_id, team_id, vb, n, micros, skewed, newest_at)
    select * from e order by 1, 2, 3, 4, 5
    on conflict (grain, bucket, rep_id, team_id, vb) do update set n = r.n + excluded.n,
      micros = r.micros + excluded.micros, skewed = r.skewed + excluded.skewed,
      newest_at = greatest(r.newest_at, excluded.newest_at)
  )
  insert into %3$I as r (grain, bucket, team_id, vb, n, micros, skewed, newest_at)
  select grain, bucket, team_id, vb, sum(n)::int, sum(micros), sum(skewed)::int, max(newest_at)
  from e group by 1, 2, 3, 4 order by 1, 2, 3, 4
  on conflict (grain, bucket, team_id, vb) do update set n = r.n + excluded.n,
    micros = r.micros + excluded.micros, skewed = r.skewed + excluded.skewed,
    newest_at = greatest(r.newest_at, excluded.newest_at)
  $q$, rows_query, rep_table, team_table)
$f$;
--> statement-breakpoint
-- Leads of a query (columns created_at, owner_rep_id, first_touch_at) into the response histograms.
CREATE OR REPLACE FUNCTION tally_response_rollup_sql(leads_query text, sign int) RETURNS text
LANGUAGE sql IMMUTABLE AS $f$
  select tally_histogram_upsert_sql(format($q$
  select g.grain::char(1), date_trunc(g.unit, l.created_at, 'UTC'), coalesce(l.owner_rep_id, 0), coalesce(m.team_id, 0),
    tally_response_vb(tally_response_secs(l.created_at, l.first_touch_at)), (%1$s * count(*))::int,
    (%1$s * coalesce(sum(tally_duration_micros(l.created_at, l.first_touch_at)), 0))::numeric,
    (%1$s * count(*) filter (where l.first_touch_at < l.created_at))::int,
    case when %1$s > 0 then max(l.created_at) end
  from (%2$s) l
  left join team_memberships m on m.rep_id = l.owner_rep_id and m.valid_from <= l.created_at
    and (m.valid_to is null or l.created_at < m.valid_to)
  cross join (values ('h', 'hour'), ('d', 'day'), ('m', 'month')) g(grain, unit)
  where l.created_at is not null
  group by 1, 2, 3, 4, 5
  $q$, sign, leads_query), 'response_rollups', 'response_team_rollups')
$f$;
--> statement-breakpoint
-- Won deals of a query (opportunities' columns) into the cycle histograms, by the instant of the close.
CREATE FUNCTION tally_cycle_rollup_sql(opps_query text, sign int) RETURNS text
LANGUAGE sql IMMUTABLE AS $f$
  select tally_histogram_upsert_sql(format($q$
  select g.grain::char(1), date_trunc(g.unit, o.closed_at, 'UTC'), coalesce(o.owner_rep_id, 0), coalesce(m.team_id, 0),
    tally_cycle_vb(tally_cycle_days(o.created_at, o.closed_at)), (%1$s * count(*))::int,
    (%1$s * coalesce(sum(tally_duration_micros(o.created_at, o.closed_at)), 0))::numeric,
    (%1$s * count(*) filter (where o.closed_at < o.created_at))::int,
    case when %1$s > 0 then max(o.closed_at) end
  from (%2$s) o
  left join team_memberships m on m.rep_id = o.owner_rep_id and m.valid_from <= o.closed_at
    and (m.valid_to is null or o.closed_at < m.valid_to)
  cross join (values ('h', 'hour'), ('d', 'day'), ('m', 'month')) g(grain, unit)
  where o.outcome = 'won' and o.closed_at is not null
  group by 1, 2, 3, 4, 5
  $q$, sign, opps_query), 'cycle_rollups', 'cycle_team_rollups')
$f$;
--> statement-breakpoint
CREATE FUNCTION tally_cycle_rollup_opportunities() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- Only the cycle's inputs move the histogram (amount, stage, loss reason … do not).
  IF TG_OP = 'UPDATE' THEN
    EXECUTE tally_cycle_rollup_sql('select t.* from old_rows t join new_rows n on n.id = t.id where (t.created_at, t.closed_at, t.outcome, t.owner_rep_id) is distinct from (n.created_at, n.closed_at, n.outcome, n.owner_rep_id)', -1);
    EXECUTE tally_cycle_rollup_sql('select t.* from new_rows t join old_rows o on o.id = t.id where (t.created_at, t.closed_at, t.outcome, t.owner_rep_id) is distinct from (o.created_at, o.closed_at, o.outcome, o.owner_rep_id)', 1);
  ELSIF TG_OP = 'DELETE' THEN
    EXECUTE tally_cycle_rollup_sql('select * from old_rows', -1);
  ELSE
    EXECUTE tally_cycle_rollup_sql('select * from new_rows', 1);
  END IF;
  -- Buckets emptied by updates and deletes stay with n = 0 (readers ignore them).
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER opportunities_cycle_rollup_insert AFTER INSERT ON opportunities
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_cycle_rollup_opportunities();
--> statement-breakpoint
CREATE TRIGGER opportunities_cycle_rollup_update AFTER UPDATE ON opportunities
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_cycle_rollup_opportunities();
--> statement-breakpoint
CREATE TRIGGER opportunities_cycle_rollup_delete AFTER DELETE ON opportunities
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_cycle_rollup_opportunities();
--> statement-breakpoint
-- Removes reps' rows from a rep-level histogram and their share from its team-level twin.
CREATE FUNCTION tally_histogram_forget_reps_sql(rep_table text, team_table text) RETURNS text
LANGUAGE sql IMMUTABLE AS $f$
  select format($q$
  with gone as (delete from %1$I where rep_id = any($1) returning *)
  insert into %2$I as r (grain, bucket, team_id, vb, n, micros, skewed)
  select grain, bucket, team_id, vb, -sum(n)::int, -sum(micros), -sum(skewed)::int from gone
  group by 1, 2, 3, 4 order by 1, 2, 3, 4
  on conflict (grain, bucket, team_id, vb) do update set n = r.n + excluded.n,
    micros = r.micros + excluded.micros, skewed = r.skewed + excluded.skewed
  $q$, rep_table, team_table)
$f$;
--> statement-breakpoint
-- Rebuilds as in migration 0011, plus the team-level and cycle histograms (a membership change, a TRUNCATE,
-- the seed's and big imports' single rebuild after loading with the triggers off).
CREATE OR REPLACE FUNCTION tally_rollup_rebuild_reps(ids int[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM metric_rollups WHERE rep_id = ANY(ids);
  EXECUTE tally_rollup_sql('select e.* from activities t cross join lateral tally_activities_events(t) e where t.rep_id = any($1)', 1) USING ids;
  EXECUTE tally_rollup_sql('select e.* from opportunities t cross join lateral tally_opportunities_events(t) e where t.owner_rep_id = any($1)', 1) USING ids;
  EXECUTE tally_rollup_sql('select e.* from leads t cross join lateral tally_leads_events(t) e where t.owner_rep_id = any($1)', 1) USING ids;
  EXECUTE tally_histogram_forget_reps_sql('response_rollups', 'response_team_rollups') USING ids;
  EXECUTE tally_response_rollup_sql('select * from leads t where t.owner_rep_id = any($1)', 1) USING ids;
  EXECUTE tally_histogram_forget_reps_sql('cycle_rollups', 'cycle_team_rollups') USING ids;
  EXECUTE tally_cycle_rollup_sql('select * from opportunities t where t.owner_rep_id = any($1)', 1) USING ids;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tally_rollup_rebuild_all() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM metric_rollups;
  EXECUTE tally_rollup_sql('select e.* from activities t cross join lateral tally_activities_events(t) e', 1);
  EXECUTE tally_rollup_sql('select e.* from opportunities t cross join lateral tally_opportunities_events(t) e', 1);
  EXECUTE tally_rollup_sql('select e.* from leads t cross join lateral tally_leads_events(t) e', 1);
  PERFORM tally_duration_histograms_rebuild();
END $$;
--> statement-breakpoint
CREATE FUNCTION tally_duration_histograms_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM response_rollups;
  DELETE FROM response_team_rollups;
  EXECUTE tally_response_rollup_sql('select * from leads', 1);
  DELETE FROM cycle_rollups;
  DELETE FROM cycle_team_rollups;
  EXECUTE tally_cycle_rollup_sql('select * from opportunities', 1);
END $$;
--> statement-breakpoint
-- The leads and deals already there.
SELECT tally_duration_histograms_rebuild();
