-- Keeps metric_rollups exactly equal to aggregates of the raw rows (see src/db/schema/rollups.ts).
-- Each source row yields "events" (a call, a won deal, a qualified lead…) at the instant that places it in a
-- period; events are summed per UTC hour and UTC day, per rep and per the rep's team at that instant.
-- Statement-level triggers with transition tables apply whole batches at once; a membership change
-- rebuilds the affected reps; TRUNCATE of a source rebuilds everything.

CREATE FUNCTION tally_activities_events(a activities)
RETURNS TABLE (ts timestamptz, rep_id int, currency text, calls int, calls_connected int, talk_seconds bigint, emails int, emails_opened int, emails_replied int, meetings_booked int, meetings_held int, opps_created int, pipeline_minor bigint, deals_won int, won_minor bigint, deals_lost int, leads_created int, leads_created_converted int, leads_qualified int, leads_qualified_converted int)
LANGUAGE sql STABLE AS $$
  select a.occurred_at, coalesce(a.rep_id, 0), '', (1)::int, (coalesce(a.connected, false)::int)::int, (case when a.connected then coalesce(a.duration_seconds, 0) else 0 end)::bigint, 0::int, 0::int, 0::int, 0::int, 0::int, 0::int, 0::bigint, 0::int, 0::bigint, 0::int, 0::int, 0::int, 0::int, 0::int
  where a.kind = 'call' and a.direction = 'outbound'
  union all
  select a.occurred_at, coalesce(a.rep_id, 0), '', 0::int, 0::int, 0::bigint, (1)::int, ((a.email_opened_at is not null)::int)::int, ((a.email_replied_at is not null)::int)::int, 0::int, 0::int, 0::int, 0::bigint, 0::int, 0::bigint, 0::int, 0::int, 0::int, 0::int, 0::int
  where a.kind = 'email' and a.direction = 'outbound'
  union all
  select coalesce(a.meeting_booked_at, a.occurred_at), coalesce(a.rep_id, 0), '', 0::int, 0::int, 0::bigint, 0::int, 0::int, 0::int, (1)::int, 0::int, 0::int, 0::bigint, 0::int, 0::bigint, 0::int, 0::int, 0::int, 0::int, 0::int
  where a.kind = 'meeting'
  union all
  select a.meeting_held_at, coalesce(a.rep_id, 0), '', 0::int, 0::int, 0::bigint, 0::int, 0::int, 0::int, 0::int, (1)::int, 0::int, 0::bigint, 0::int, 0::bigint, 0::int, 0::int, 0::int, 0::int, 0::int
  where a.kind = 'meeting' and a.meeting_held_at is not null
$$;
--> statement-breakpoint
CREATE FUNCTION tally_opportunities_events(o opportunities)
RETURNS TABLE (ts timestamptz, rep_id int, currency text, calls int, calls_connected int, talk_seconds bigint, emails int, emails_opened int, emails_replied int, meetings_booked int, meetings_held int, opps_created int, pipeline_minor bigint, deals_won int, won_minor bigint, deals_lost int, leads_created int, leads_created_converted int, leads_qualified int, leads_qualified_converted int)
LANGUAGE sql STABLE AS $$
  select o.created_at, coalesce(o.owner_rep_id, 0), o.currency::text, 0::int, 0::int, 0::bigint, 0::int, 0::int, 0::int, 0::int, 0::int, (1)::int, (coalesce(o.amount_minor, 0))::bigint, 0::int, 0::bigint, 0::int, 0::int, 0::int, 0::int, 0::int
  where true
  union all
  select o.closed_at, coalesce(o.owner_rep_id, 0), o.currency::text, 0::int, 0::int, 0::bigint, 0::int, 0::int, 0::int, 0::int, 0::int, 0::int, 0::bigint, (1)::int, (coalesce(o.amount_minor, 0))::bigint, 0::int, 0::int, 0::int, 0::int, 0::int
  where o.outcome = 'won'
  union all
  select o.closed_at, coalesce(o.owner_rep_id, 0), o.currency::text, 0::int, 0::int, 0::bigint, 0::int, 0::int, 0::int, 0::int, 0::int, 0::int, 0::bigint, 0::int, 0::bigint, (1)::int, 0::int, 0::int, 0::int, 0::int
  where o.outcome = 'lost'
$$;
--> statement-breakpoint
CREATE FUNCTION tally_leads_events(l leads)
RETURNS TABLE (ts timestamptz, rep_id int, currency text, calls int, calls_connected int, talk_seconds bigint, emails int, emails_opened int, emails_replied int, meetings_booked int, meetings_held int, opps_created int, pipeline_minor bigint, deals_won int, won_minor bigint, deals_lost int, leads_created int, leads_created_converted int, leads_qualified int, leads_qualified_converted int)
LANGUAGE sql STABLE AS $$
  select l.created_at, coalesce(l.owner_rep_id, 0), '', 0::int, 0::int, 0::bigint, 0::int, 0::int, 0::int, 0::int, 0::int, 0::int, 0::bigint, 0::int, 0::bigint, 0::int, (1)::int, ((l.converted_at is not null)::int)::int, 0::int, 0::int
  where true
  union all
  select l.qualified_at, coalesce(l.owner_rep_id, 0), '', 0::int, 0::int, 0::bigint, 0::int, 0::int, 0::int, 0::int, 0::int, 0::int, 0::bigint, 0::int, 0::bigint, 0::int, 0::int, 0::int, (1)::int, ((l.converted_at is not null)::int)::int
  where l.qualified_at is not null
$$;
--> statement-breakpoint
-- The upsert that adds (sign 1) or removes (sign -1) the events of a query to the rollups.
-- Returned as text and run with EXECUTE by the trigger itself, which is where transition tables are visible.
CREATE FUNCTION tally_rollup_sql(events_query text, sign int) RETURNS text
LANGUAGE sql IMMUTABLE AS $f$
  select format($q$
  insert into metric_rollups as r (grain, bucket, rep_id, team_id, currency, calls, calls_connected, talk_seconds, emails, emails_opened, emails_replied, meetings_booked, meetings_held, opps_created, pipeline_minor, deals_won, won_minor, deals_lost, leads_created, leads_created_converted, leads_qualified, leads_qualified_converted, newest_at)
  select g.grain, date_trunc(g.unit, e.ts, 'UTC'), e.rep_id, coalesce(m.team_id, 0), e.currency,
    (%s * sum(e.calls))::int,
    (%s * sum(e.calls_connected))::int,
    (%s * sum(e.talk_seconds))::bigint,
    (%s * sum(e.emails))::int,
    (%s * sum(e.emails_opened))::int,
    (%s * sum(e.emails_replied))::int,
    (%s * sum(e.meetings_booked))::int,
    (%s * sum(e.meetings_held))::int,
    (%s * sum(e.opps_created))::int,
    (%s * sum(e.pipeline_minor))::bigint,
    (%s * sum(e.deals_won))::int,
    (%s * sum(e.won_minor))::bigint,
    (%s * sum(e.deals_lost))::int,
    (%s * sum(e.leads_created))::int,
    (%s * sum(e.leads_created_converted))::int,
    (%s * sum(e.leads_qualified))::int,
    (%s * sum(e.leads_qualified_converted))::int,
    case when %s > 0 then max(e.ts) end
  from (%s) e
  left join team_memberships m on m.rep_id = e.rep_id and m.valid_from <= e.ts
    and (m.valid_to is null or e.ts < m.valid_to)
  cross join (values ('h', 'hour'), ('d', 'day')) g(grain, unit)
  where e.ts is not null
  group by 1, 2, 3, 4, 5
  order by 1, 2, 3, 4, 5
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
  $q$, sign, sign, sign, sign, sign, sign, sign, sign, sign, sign, sign, sign, sign, sign, sign, sign, sign, sign, events_query)
$f$;
--> statement-breakpoint
CREATE FUNCTION tally_rollup_rebuild_reps(ids int[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM metric_rollups WHERE rep_id = ANY(ids);
  EXECUTE tally_rollup_sql('select e.* from activities t cross join lateral tally_activities_events(t) e where t.rep_id = any($1)', 1) USING ids;
  EXECUTE tally_rollup_sql('select e.* from opportunities t cross join lateral tally_opportunities_events(t) e where t.owner_rep_id = any($1)', 1) USING ids;
  EXECUTE tally_rollup_sql('select e.* from leads t cross join lateral tally_leads_events(t) e where t.owner_rep_id = any($1)', 1) USING ids;
END $$;
--> statement-breakpoint
CREATE FUNCTION tally_rollup_rebuild_all() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM metric_rollups;
  EXECUTE tally_rollup_sql('select e.* from activities t cross join lateral tally_activities_events(t) e', 1);
  EXECUTE tally_rollup_sql('select e.* from opportunities t cross join lateral tally_opportunities_events(t) e', 1);
  EXECUTE tally_rollup_sql('select e.* from leads t cross join lateral tally_leads_events(t) e', 1);
END $$;
--> statement-breakpoint
CREATE FUNCTION tally_rollup_activities() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM tally_rollup_rebuild_all();
    RETURN NULL;
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
CREATE TRIGGER activities_rollup_insert AFTER INSERT ON activities
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_rollup_activities();
--> statement-breakpoint
CREATE TRIGGER activities_rollup_update AFTER UPDATE ON activities
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_rollup_activities();
--> statement-breakpoint
CREATE TRIGGER activities_rollup_delete AFTER DELETE ON activities
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_rollup_activities();
--> statement-breakpoint
CREATE TRIGGER activities_rollup_truncate AFTER TRUNCATE ON activities
  FOR EACH STATEMENT EXECUTE FUNCTION tally_rollup_activities();
--> statement-breakpoint
CREATE FUNCTION tally_rollup_opportunities() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM tally_rollup_rebuild_all();
    RETURN NULL;
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
CREATE TRIGGER opportunities_rollup_insert AFTER INSERT ON opportunities
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_rollup_opportunities();
--> statement-breakpoint
CREATE TRIGGER opportunities_rollup_update AFTER UPDATE ON opportunities
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_rollup_opportunities();
--> statement-breakpoint
CREATE TRIGGER opportunities_rollup_delete AFTER DELETE ON opportunities
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_rollup_opportunities();
--> statement-breakpoint
CREATE TRIGGER opportunities_rollup_truncate AFTER TRUNCATE ON opportunities
  FOR EACH STATEMENT EXECUTE FUNCTION tally_rollup_opportunities();
--> statement-breakpoint
CREATE FUNCTION tally_rollup_leads() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM tally_rollup_rebuild_all();
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    EXECUTE tally_rollup_sql('select e.* from old_rows t cross join lateral tally_leads_events(t) e', -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    EXECUTE tally_rollup_sql('select e.* from new_rows t cross join lateral tally_leads_events(t) e', 1);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER leads_rollup_insert AFTER INSERT ON leads
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_rollup_leads();
--> statement-breakpoint
CREATE TRIGGER leads_rollup_update AFTER UPDATE ON leads
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_rollup_leads();
--> statement-breakpoint
CREATE TRIGGER leads_rollup_delete AFTER DELETE ON leads
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_rollup_leads();
--> statement-breakpoint
CREATE TRIGGER leads_rollup_truncate AFTER TRUNCATE ON leads
  FOR EACH STATEMENT EXECUTE FUNCTION tally_rollup_leads();
--> statement-breakpoint
CREATE FUNCTION tally_rollup_memberships() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  ids int[] := '{}';
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM tally_rollup_rebuild_all();
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    ids := ids || (SELECT coalesce(array_agg(DISTINCT rep_id), '{}') FROM old_rows);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    ids := ids || (SELECT coalesce(array_agg(DISTINCT rep_id), '{}') FROM new_rows);
  END IF;
  PERFORM tally_rollup_rebuild_reps(ids);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER team_memberships_rollup_insert AFTER INSERT ON team_memberships
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_rollup_memberships();
--> statement-breakpoint
CREATE TRIGGER team_memberships_rollup_update AFTER UPDATE ON team_memberships
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_rollup_memberships();
--> statement-breakpoint
CREATE TRIGGER team_memberships_rollup_delete AFTER DELETE ON team_memberships
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_rollup_memberships();
--> statement-breakpoint
CREATE TRIGGER team_memberships_rollup_truncate AFTER TRUNCATE ON team_memberships
  FOR EACH STATEMENT EXECUTE FUNCTION tally_rollup_memberships();
--> statement-breakpoint
-- Data that arrived before this migration.
SELECT tally_rollup_rebuild_all();
