CREATE TABLE "metric_team_rollups" (
	"grain" char(1) NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"team_id" integer NOT NULL,
	"currency" text DEFAULT '' NOT NULL,
	"calls" integer DEFAULT 0 NOT NULL,
	"calls_connected" integer DEFAULT 0 NOT NULL,
	"talk_seconds" bigint DEFAULT 0 NOT NULL,
	"emails" integer DEFAULT 0 NOT NULL,
	"emails_opened" integer DEFAULT 0 NOT NULL,
	"emails_replied" integer DEFAULT 0 NOT NULL,
	"meetings_booked" integer DEFAULT 0 NOT NULL,
	"meetings_held" integer DEFAULT 0 NOT NULL,
	"opps_created" integer DEFAULT 0 NOT NULL,
	"pipeline_minor" bigint DEFAULT 0 NOT NULL,
	"deals_won" integer DEFAULT 0 NOT NULL,
	"won_minor" bigint DEFAULT 0 NOT NULL,
	"deals_lost" integer DEFAULT 0 NOT NULL,
	"leads_created" integer DEFAULT 0 NOT NULL,
	"leads_created_converted" integer DEFAULT 0 NOT NULL,
	"leads_qualified" integer DEFAULT 0 NOT NULL,
	"leads_qualified_converted" integer DEFAULT 0 NOT NULL,
	"newest_at" timestamp with time zone,
	CONSTRAINT "metric_team_rollups_grain_check" CHECK ("metric_team_rollups"."grain" in ('h', 'd', 'm'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "metric_team_rollups_key_idx" ON "metric_team_rollups" USING btree ("grain","bucket","team_id","currency");--> statement-breakpoint
CREATE INDEX "metric_team_rollups_team_idx" ON "metric_team_rollups" USING btree ("team_id","grain","bucket");--> statement-breakpoint
-- Reads of the twin are narrow index scans of a few hundred rows: a parallel plan only adds the workers'
-- start-up (~100 ms on a busy 2-core machine, measured on the bench data), so never plan one.
ALTER TABLE "metric_team_rollups" SET (parallel_workers = 0);--> statement-breakpoint
-- The statement that adds (or, negated, takes off) rep-level counter rows of relation `source` (metric_rollups'
-- columns) summed per team to metric_team_rollups. Freshness (newest_at) only ever rises.
CREATE FUNCTION tally_team_rollup_upsert_sql(source text, negate boolean) RETURNS text
LANGUAGE sql IMMUTABLE AS $f$
  select format($q$
  insert into metric_team_rollups as r (grain, bucket, team_id, currency, %2$s, newest_at)
  select grain, bucket, team_id, currency, %3$s, %4$s from %1$s
  group by 1, 2, 3, 4 order by 1, 2, 3, 4
  on conflict (grain, bucket, team_id, currency) do update set %5$s,
    newest_at = greatest(r.newest_at, excluded.newest_at)
  $q$, source,
    string_agg(quote_ident(c), ', ' order by o),
    string_agg(format('(%s sum(%I))::%s', case when negate then '-' else '' end, c, t), ', ' order by o),
    case when negate then 'null::timestamptz' else 'max(newest_at)' end,
    string_agg(format('%1$I = r.%1$I + excluded.%1$I', c), ', ' order by o))
  from unnest(
    array['calls', 'calls_connected', 'talk_seconds', 'emails', 'emails_opened', 'emails_replied', 'meetings_booked', 'meetings_held', 'opps_created', 'pipeline_minor', 'deals_won', 'won_minor', 'deals_lost', 'leads_created', 'leads_created_converted', 'leads_qualified', 'leads_qualified_converted'],
    array['int', 'int', 'bigint', 'int', 'int', 'int', 'int', 'int', 'int', 'bigint', 'int', 'bigint', 'int', 'int', 'int', 'int', 'int']
  ) with ordinality as x(c, t, o)
$f$;
--> statement-breakpoint
-- metric_team_rollups: metric_rollups without the rep dimension, for team and org reads. tally_rollup_sql now
-- groups the events once (per rep) and writes the rep rows and their sums per team in one statement, so every
-- path that writes metric_rollups (the statement triggers, the rebuilds, a TRUNCATE, the bulk loads' single
-- rebuild) keeps the twin exact. Bodies otherwise as in migration 0008.
CREATE OR REPLACE FUNCTION tally_rollup_sql(events_query text, sign int) RETURNS text
LANGUAGE sql IMMUTABLE AS $f$
  select format($q$
  with e as materialized (
    select g.grain::char(1) as grain, date_trunc(g.unit, e.ts, 'UTC') as bucket, e.rep_id, coalesce(m.team_id, 0) as team_id, e.currency,
      (%1$s * sum(e.calls))::int as calls,
      (%1$s * sum(e.calls_connected))::int as calls_connected,
      (%1$s * sum(e.talk_seconds))::bigint as talk_seconds,
      (%1$s * sum(e.emails))::int as emails,
      (%1$s * sum(e.emails_opened))::int as emails_opened,
      (%1$s * sum(e.emails_replied))::int as emails_replied,
      (%1$s * sum(e.meetings_booked))::int as meetings_booked,
      (%1$s * sum(e.meetings_held))::int as meetings_held,
      (%1$s * sum(e.opps_created))::int as opps_created,
      (%1$s * sum(e.pipeline_minor))::bigint as pipeline_minor,
      (%1$s * sum(e.deals_won))::int as deals_won,
      (%1$s * sum(e.won_minor))::bigint as won_minor,
      (%1$s * sum(e.deals_lost))::int as deals_lost,
      (%1$s * sum(e.leads_created))::int as leads_created,
      (%1$s * sum(e.leads_created_converted))::int as leads_created_converted,
      (%1$s * sum(e.leads_qualified))::int as leads_qualified,
      (%1$s * sum(e.leads_qualified_converted))::int as leads_qualified_converted,
      case when %1$s > 0 then max(e.ts) end as newest_at
    from (%2$s) e
    left join team_memberships m on m.rep_id = e.rep_id and m.valid_from <= e.ts
      and (m.valid_to is null or e.ts < m.valid_to)
    cross join (values ('h', 'hour'), ('d', 'day'), ('m', 'month')) g(grain, unit)
    where e.ts is not null
    group by 1, 2, 3, 4, 5
  ),
  reps as (
    insert into metric_rollups as r (grain, bucket, rep_id, team_id, currency, calls, calls_connected, talk_seconds, emails, emails_opened, emails_replied, meetings_booked, meetings_held, opps_created, pipeline_minor, deals_won, won_minor, deals_lost, leads_created, leads_created_converted, leads_qualified, leads_qualified_converted, newest_at)
    select * from e order by 1, 2, 3, 4, 5
    on conflict (grain, bucket, rep_id, team_id, currency) do update set
      calls = r.calls + excluded.calls,
      calls_connected = r.calls_connected + excluded.calls_connected,
      talk_seconds = r.talk_seconds + excluded.talk_seconds,
      emails = r.emails + excluded.emails,
      emails_opened = r.emails_opened + excluded.emails_opened,
      emails_replied = r.emails_replied + excluded.emails_replied,
      meetings_booked = r.meetings_booked + excluded.meetings_booked,
      meetings_held = r.meetings_held + excluded.meetings_held,
      opps_created = r.opps_created + excluded.opps_created,
      pipeline_minor = r.pipeline_minor + excluded.pipeline_minor,
      deals_won = r.deals_won + excluded.deals_won,
      won_minor = r.won_minor + excluded.won_minor,
      deals_lost = r.deals_lost + excluded.deals_lost,
      leads_created = r.leads_created + excluded.leads_created,
      leads_created_converted = r.leads_created_converted + excluded.leads_created_converted,
      leads_qualified = r.leads_qualified + excluded.leads_qualified,
      leads_qualified_converted = r.leads_qualified_converted + excluded.leads_qualified_converted,
      newest_at = greatest(r.newest_at, excluded.newest_at)
  )
  %3$s
  $q$, sign, events_query, tally_team_rollup_upsert_sql('e', false))
$f$;
--> statement-breakpoint
-- Removes reps' counter rows and takes their share off the team rows, in one statement.
CREATE FUNCTION tally_rollup_forget_reps_sql() RETURNS text
LANGUAGE sql IMMUTABLE AS $f$
  select 'with gone as (delete from metric_rollups where rep_id = any($1) returning *) '
    || tally_team_rollup_upsert_sql('gone', true)
$f$;
--> statement-breakpoint
-- Rebuilds as in migration 0021, the counters' team rows included.
CREATE OR REPLACE FUNCTION tally_rollup_rebuild_reps(ids int[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE tally_rollup_forget_reps_sql() USING ids;
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
  DELETE FROM metric_team_rollups;
  EXECUTE tally_rollup_sql('select e.* from activities t cross join lateral tally_activities_events(t) e', 1);
  EXECUTE tally_rollup_sql('select e.* from opportunities t cross join lateral tally_opportunities_events(t) e', 1);
  EXECUTE tally_rollup_sql('select e.* from leads t cross join lateral tally_leads_events(t) e', 1);
  PERFORM tally_duration_histograms_rebuild();
END $$;
--> statement-breakpoint
-- The counters already rolled up.
DO $$ BEGIN EXECUTE tally_team_rollup_upsert_sql('metric_rollups', false); END $$;
--> statement-breakpoint
-- Statistics for the planner now, not at autovacuum's next pass: before them the first team answers after this
-- migration read the twin with a poor plan (win rate, team × 30 d: 25 ms, then 7 ms once analysed).
ANALYZE metric_team_rollups;
