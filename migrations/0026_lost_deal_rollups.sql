ALTER TABLE "metric_rollups" ADD COLUMN "lost_minor" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metric_rollups" ADD COLUMN "deals_lost_with_reason" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metric_team_rollups" ADD COLUMN "lost_minor" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metric_team_rollups" ADD COLUMN "deals_lost_with_reason" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Lost-deal counters in metric_rollups and its team twin, for the `lostdeals` metric (issue 15): the amount lost
-- (minor units, per currency like won_minor) and the deals lost with a loss reason. The event functions gain
-- both columns, the upserts write them, and a set-based backfill fills them from the lost opportunities alone.
-- A loss reason as metrics group it: trimmed, runs of whitespace as one space, lower case; empty = null. The one
-- definition, read by the metric's raw rows (src/metrics/compute/lost.ts) and by the rollups below.
CREATE FUNCTION tally_loss_reason(reason text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  select nullif(lower(regexp_replace(btrim(reason), '\s+', ' ', 'g')), '')
$$;
--> statement-breakpoint
-- The event functions as in migration 0005, with lost_minor and deals_lost_with_reason after the other counters
-- (a new return type, so dropped and created again; only EXECUTEd strings call them).
DROP FUNCTION tally_activities_events(activities);
--> statement-breakpoint
DROP FUNCTION tally_opportunities_events(opportunities);
--> statement-breakpoint
DROP FUNCTION tally_leads_events(leads);
--> statement-breakpoint
CREATE FUNCTION tally_activities_events(a activities)
RETURNS TABLE (ts timestamptz, rep_id int, currency text, calls int, calls_connected int, talk_seconds bigint, emails int, emails_opened int, emails_replied int, meetings_booked int, meetings_held int, opps_created int, pipeline_minor bigint, deals_won int, won_minor bigint, deals_lost int, leads_created int, leads_created_converted int, leads_qualified int, leads_qualified_converted int, lost_minor bigint, deals_lost_with_reason int)
LANGUAGE sql STABLE AS $$
  select a.occurred_at, coalesce(a.rep_id, 0), '', (1)::int, (coalesce(a.connected, false)::int)::int, (case when a.connected then coalesce(a.duration_seconds, 0) else 0 end)::bigint, 0::int, 0::int, 0::int, 0::int, 0::int, 0::int, 0::bigint, 0::int, 0::bigint, 0::int, 0::int, 0::int, 0::int, 0::int, 0::bigint, 0::int
  where a.kind = 'call' and a.direction = 'outbound'
  union all
  select a.occurred_at, coalesce(a.rep_id, 0), '', 0::int, 0::int, 0::bigint, (1)::int, ((a.email_opened_at is not null)::int)::int, ((a.email_replied_at is not null)::int)::int, 0::int, 0::int, 0::int, 0::bigint, 0::int, 0::bigint, 0::int, 0::int, 0::int, 0::int, 0::int, 0::bigint, 0::int
  where a.kind = 'email' and a.direction = 'outbound'
  union all
  select coalesce(a.meeting_booked_at, a.occurred_at), coalesce(a.rep_id, 0), '', 0::int, 0::int, 0::bigint, 0::int, 0::int, 0::int, (1)::int, 0::int, 0::int, 0::bigint, 0::int, 0::bigint, 0::int, 0::int, 0::int, 0::int, 0::int, 0::bigint, 0::int
  where a.kind = 'meeting'
  union all
  select a.meeting_held_at, coalesce(a.rep_id, 0), '', 0::int, 0::int, 0::bigint, 0::int, 0::int, 0::int, 0::int, (1)::int, 0::int, 0::bigint, 0::int, 0::bigint, 0::int, 0::int, 0::int, 0::int, 0::int, 0::bigint, 0::int
  where a.kind = 'meeting' and a.meeting_held_at is not null
$$;
--> statement-breakpoint
CREATE FUNCTION tally_opportunities_events(o opportunities)
RETURNS TABLE (ts timestamptz, rep_id int, currency text, calls int, calls_connected int, talk_seconds bigint, emails int, emails_opened int, emails_replied int, meetings_booked int, meetings_held int, opps_created int, pipeline_minor bigint, deals_won int, won_minor bigint, deals_lost int, leads_created int, leads_created_converted int, leads_qualified int, leads_qualified_converted int, lost_minor bigint, deals_lost_with_reason int)
LANGUAGE sql STABLE AS $$
  select o.created_at, coalesce(o.owner_rep_id, 0), o.currency::text, 0::int, 0::int, 0::bigint, 0::int, 0::int, 0::int, 0::int, 0::int, (1)::int, (coalesce(o.amount_minor, 0))::bigint, 0::int, 0::bigint, 0::int, 0::int, 0::int, 0::int, 0::int, 0::bigint, 0::int
  where true
  union all
  select o.closed_at, coalesce(o.owner_rep_id, 0), o.currency::text, 0::int, 0::int, 0::bigint, 0::int, 0::int, 0::int, 0::int, 0::int, 0::int, 0::bigint, (1)::int, (coalesce(o.amount_minor, 0))::bigint, 0::int, 0::int, 0::int, 0::int, 0::int, 0::bigint, 0::int
  where o.outcome = 'won'
  union all
  select o.closed_at, coalesce(o.owner_rep_id, 0), o.currency::text, 0::int, 0::int, 0::bigint, 0::int, 0::int, 0::int, 0::int, 0::int, 0::int, 0::bigint, 0::int, 0::bigint, (1)::int, 0::int, 0::int, 0::int, 0::int, (coalesce(o.amount_minor, 0))::bigint, ((tally_loss_reason(o.loss_reason) is not null)::int)::int
  where o.outcome = 'lost'
$$;
--> statement-breakpoint
CREATE FUNCTION tally_leads_events(l leads)
RETURNS TABLE (ts timestamptz, rep_id int, currency text, calls int, calls_connected int, talk_seconds bigint, emails int, emails_opened int, emails_replied int, meetings_booked int, meetings_held int, opps_created int, pipeline_minor bigint, deals_won int, won_minor bigint, deals_lost int, leads_created int, leads_created_converted int, leads_qualified int, leads_qualified_converted int, lost_minor bigint, deals_lost_with_reason int)
LANGUAGE sql STABLE AS $$
  select l.created_at, coalesce(l.owner_rep_id, 0), '', 0::int, 0::int, 0::bigint, 0::int, 0::int, 0::int, 0::int, 0::int, 0::int, 0::bigint, 0::int, 0::bigint, 0::int, (1)::int, ((l.converted_at is not null)::int)::int, 0::int, 0::int, 0::bigint, 0::int
  where true
  union all
  select l.qualified_at, coalesce(l.owner_rep_id, 0), '', 0::int, 0::int, 0::bigint, 0::int, 0::int, 0::int, 0::int, 0::int, 0::int, 0::bigint, 0::int, 0::bigint, 0::int, 0::int, 0::int, (1)::int, ((l.converted_at is not null)::int)::int, 0::bigint, 0::int
  where l.qualified_at is not null
$$;
--> statement-breakpoint
-- The team upsert as in migration 0025, with the two new counters.
CREATE OR REPLACE FUNCTION tally_team_rollup_upsert_sql(source text, negate boolean) RETURNS text
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
    array['calls', 'calls_connected', 'talk_seconds', 'emails', 'emails_opened', 'emails_replied', 'meetings_booked', 'meetings_held', 'opps_created', 'pipeline_minor', 'deals_won', 'won_minor', 'deals_lost', 'leads_created', 'leads_created_converted', 'leads_qualified', 'leads_qualified_converted', 'lost_minor', 'deals_lost_with_reason'],
    array['int', 'int', 'bigint', 'int', 'int', 'int', 'int', 'int', 'int', 'bigint', 'int', 'bigint', 'int', 'int', 'int', 'int', 'int', 'bigint', 'int']
  ) with ordinality as x(c, t, o)
$f$;
--> statement-breakpoint
-- The rep and team upsert as in migration 0025, with the two new counters.
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
      (%1$s * sum(e.lost_minor))::bigint as lost_minor,
      (%1$s * sum(e.deals_lost_with_reason))::int as deals_lost_with_reason,
      case when %1$s > 0 then max(e.ts) end as newest_at
    from (%2$s) e
    left join team_memberships m on m.rep_id = e.rep_id and m.valid_from <= e.ts
      and (m.valid_to is null or e.ts < m.valid_to)
    cross join (values ('h', 'hour'), ('d', 'day'), ('m', 'month')) g(grain, unit)
    where e.ts is not null
    group by 1, 2, 3, 4, 5
  ),
  reps as (
    insert into metric_rollups as r (grain, bucket, rep_id, team_id, currency, calls, calls_connected, talk_seconds, emails, emails_opened, emails_replied, meetings_booked, meetings_held, opps_created, pipeline_minor, deals_won, won_minor, deals_lost, leads_created, leads_created_converted, leads_qualified, leads_qualified_converted, lost_minor, deals_lost_with_reason, newest_at)
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
      lost_minor = r.lost_minor + excluded.lost_minor,
      deals_lost_with_reason = r.deals_lost_with_reason + excluded.deals_lost_with_reason,
      newest_at = greatest(r.newest_at, excluded.newest_at)
  )
  %3$s
  $q$, sign, events_query, tally_team_rollup_upsert_sql('e', false))
$f$;
--> statement-breakpoint
-- What still reads raw lost deals (`/metrics lost`'s reasons, the lost-deal splits by reason or product) reads
-- them index-only by close time: for a team over a quarter 3-4x faster than through opportunities_closed_idx
-- and the heap (about 70 % of the bench's deals are lost, so the partial index is no narrower; its gain is the
-- included columns). A rep's rows come through opportunities_owner_closed_idx as before.
CREATE INDEX opportunities_lost_closed_idx ON opportunities (closed_at)
  INCLUDE (owner_rep_id, currency, amount_minor, loss_reason, product) WHERE outcome = 'lost';
--> statement-breakpoint
-- Backfill of the two new columns alone, from the lost opportunities (a full rebuild would re-read every
-- activity): the lost deals' events grouped as tally_rollup_sql groups them, written over the rep rows that
-- their deals_lost already created, and summed per team over the twin's rows. Keys where both are 0 stay as
-- the columns' defaults.
WITH s AS MATERIALIZED (
  SELECT g.grain::char(1) AS grain, date_trunc(g.unit, o.closed_at, 'UTC') AS bucket,
    coalesce(o.owner_rep_id, 0) AS rep_id, coalesce(m.team_id, 0) AS team_id, o.currency::text AS currency,
    sum(coalesce(o.amount_minor, 0))::bigint AS lost_minor,
    count(*) FILTER (WHERE tally_loss_reason(o.loss_reason) IS NOT NULL)::int AS with_reason
  FROM opportunities o
  LEFT JOIN team_memberships m ON m.rep_id = coalesce(o.owner_rep_id, 0) AND m.valid_from <= o.closed_at
    AND (m.valid_to IS NULL OR o.closed_at < m.valid_to)
  CROSS JOIN (VALUES ('h', 'hour'), ('d', 'day'), ('m', 'month')) g(grain, unit)
  WHERE o.outcome = 'lost' AND o.closed_at IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5
),
reps AS (
  UPDATE metric_rollups r SET lost_minor = s.lost_minor, deals_lost_with_reason = s.with_reason
  FROM s
  WHERE r.grain = s.grain AND r.bucket = s.bucket AND r.rep_id = s.rep_id AND r.team_id = s.team_id
    AND r.currency = s.currency AND (s.lost_minor <> 0 OR s.with_reason <> 0)
)
UPDATE metric_team_rollups t SET lost_minor = x.lost_minor, deals_lost_with_reason = x.with_reason
FROM (
  SELECT grain, bucket, team_id, currency, sum(lost_minor)::bigint AS lost_minor, sum(with_reason)::int AS with_reason
  FROM s GROUP BY 1, 2, 3, 4
) x
WHERE t.grain = x.grain AND t.bucket = x.bucket AND t.team_id = x.team_id AND t.currency = x.currency
  AND (x.lost_minor <> 0 OR x.with_reason <> 0);
--> statement-breakpoint
-- Statistics for the planner now (see migration 0025: a poor first plan before the twin was analysed).
ANALYZE metric_rollups;
--> statement-breakpoint
ANALYZE metric_team_rollups;
