ALTER TABLE "metric_rollups" ADD COLUMN "deals_won_with_amount" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metric_team_rollups" ADD COLUMN "deals_won_with_amount" integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
-- Average deal size divides the amount won by the won deals that carry an amount, not by every won deal (a won
-- deal with an empty amount counted as $0 and halved the average). deals_won counts every won deal (win rate)
-- and won_minor adds nothing for one without an amount (it keeps its row's currency, USD by default, so it sits
-- in that currency's row): the rollups could not tell it apart. deals_won_with_amount counts the won deals whose
-- amount_minor is not null, per currency, in metric_rollups and its team twin; the raw rows count the same
-- deals (count(x.amount_minor), src/metrics/compute/deals.ts).
-- The event functions as in migration 0026 with that counter last (a new return type, so dropped and created
-- again; only EXECUTEd strings call them), the team upsert as in 0026 and tally_rollup_sql as in 0035, each with
-- the new counter.
DROP FUNCTION tally_activities_events(activities);
--> statement-breakpoint
DROP FUNCTION tally_opportunities_events(opportunities);
--> statement-breakpoint
DROP FUNCTION tally_leads_events(leads);
--> statement-breakpoint
CREATE FUNCTION tally_activities_events(a activities)
RETURNS TABLE (ts timestamptz, rep_id int, currency text, calls int, calls_connected int, talk_seconds bigint, emails int, emails_opened int, emails_replied int, meetings_booked int, meetings_held int, opps_created int, pipeline_minor bigint, deals_won int, won_minor bigint, deals_lost int, leads_created int, leads_created_converted int, leads_qualified int, leads_qualified_converted int, lost_minor bigint, deals_lost_with_reason int, deals_won_with_amount int)
LANGUAGE sql STABLE AS $$
  select a.occurred_at, coalesce(a.rep_id, 0), '', (1)::int, (coalesce(a.connected, false)::int)::int, (case when a.connected then coalesce(a.duration_seconds, 0) else 0 end)::bigint, 0::int, 0::int, 0::int, 0::int, 0::int, 0::int, 0::bigint, 0::int, 0::bigint, 0::int, 0::int, 0::int, 0::int, 0::int, 0::bigint, 0::int, 0::int
  where a.kind = 'call' and a.direction = 'outbound'
  union all
  select a.occurred_at, coalesce(a.rep_id, 0), '', 0::int, 0::int, 0::bigint, (1)::int, ((a.email_opened_at is not null)::int)::int, ((a.email_replied_at is not null)::int)::int, 0::int, 0::int, 0::int, 0::bigint, 0::int, 0::bigint, 0::int, 0::int, 0::int, 0::int, 0::int, 0::bigint, 0::int, 0::int
  where a.kind = 'email' and a.direction = 'outbound'
  union all
  select coalesce(a.meeting_booked_at, a.occurred_at), coalesce(a.rep_id, 0), '', 0::int, 0::int, 0::bigint, 0::int, 0::int, 0::int, (1)::int, 0::int, 0::int, 0::bigint, 0::int, 0::bigint, 0::int, 0::int, 0::int, 0::int, 0::int, 0::bigint, 0::int, 0::int
  where a.kind = 'meeting'
  union all
  select a.meeting_held_at, coalesce(a.rep_id, 0), '', 0::int, 0::int, 0::bigint, 0::int, 0::int, 0::int, 0::int, (1)::int, 0::int, 0::bigint, 0::int, 0::bigint, 0::int, 0::int, 0::int, 0::int, 0::int, 0::bigint, 0::int, 0::int
  where a.kind = 'meeting' and a.meeting_held_at is not null
$$;
--> statement-breakpoint
CREATE FUNCTION tally_opportunities_events(o opportunities)
RETURNS TABLE (ts timestamptz, rep_id int, currency text, calls int, calls_connected int, talk_seconds bigint, emails int, emails_opened int, emails_replied int, meetings_booked int, meetings_held int, opps_created int, pipeline_minor bigint, deals_won int, won_minor bigint, deals_lost int, leads_created int, leads_created_converted int, leads_qualified int, leads_qualified_converted int, lost_minor bigint, deals_lost_with_reason int, deals_won_with_amount int)
LANGUAGE sql STABLE AS $$
  select o.created_at, coalesce(o.owner_rep_id, 0), o.currency::text, 0::int, 0::int, 0::bigint, 0::int, 0::int, 0::int, 0::int, 0::int, (1)::int, (coalesce(o.amount_minor, 0))::bigint, 0::int, 0::bigint, 0::int, 0::int, 0::int, 0::int, 0::int, 0::bigint, 0::int, 0::int
  where true
  union all
  select o.closed_at, coalesce(o.owner_rep_id, 0), o.currency::text, 0::int, 0::int, 0::bigint, 0::int, 0::int, 0::int, 0::int, 0::int, 0::int, 0::bigint, (1)::int, (coalesce(o.amount_minor, 0))::bigint, 0::int, 0::int, 0::int, 0::int, 0::int, 0::bigint, 0::int, ((o.amount_minor is not null)::int)::int
  where o.outcome = 'won'
  union all
  select o.closed_at, coalesce(o.owner_rep_id, 0), o.currency::text, 0::int, 0::int, 0::bigint, 0::int, 0::int, 0::int, 0::int, 0::int, 0::int, 0::bigint, 0::int, 0::bigint, (1)::int, 0::int, 0::int, 0::int, 0::int, (coalesce(o.amount_minor, 0))::bigint, ((tally_loss_reason(o.loss_reason) is not null)::int)::int, 0::int
  where o.outcome = 'lost'
$$;
--> statement-breakpoint
CREATE FUNCTION tally_leads_events(l leads)
RETURNS TABLE (ts timestamptz, rep_id int, currency text, calls int, calls_connected int, talk_seconds bigint, emails int, emails_opened int, emails_replied int, meetings_booked int, meetings_held int, opps_created int, pipeline_minor bigint, deals_won int, won_minor bigint, deals_lost int, leads_created int, leads_created_converted int, leads_qualified int, leads_qualified_converted int, lost_minor bigint, deals_lost_with_reason int, deals_won_with_amount int)
LANGUAGE sql STABLE AS $$
  select l.created_at, coalesce(l.owner_rep_id, 0), '', 0::int, 0::int, 0::bigint, 0::int, 0::int, 0::int, 0::int, 0::int, 0::int, 0::bigint, 0::int, 0::bigint, 0::int, (1)::int, ((l.converted_at is not null)::int)::int, 0::int, 0::int, 0::bigint, 0::int, 0::int
  where true
  union all
  select l.qualified_at, coalesce(l.owner_rep_id, 0), '', 0::int, 0::int, 0::bigint, 0::int, 0::int, 0::int, 0::int, 0::int, 0::int, 0::bigint, 0::int, 0::bigint, 0::int, 0::int, 0::int, (1)::int, ((l.converted_at is not null)::int)::int, 0::bigint, 0::int, 0::int
  where l.qualified_at is not null
$$;
--> statement-breakpoint
-- The team upsert as in migration 0026, with the new counter.
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
    array['calls', 'calls_connected', 'talk_seconds', 'emails', 'emails_opened', 'emails_replied', 'meetings_booked', 'meetings_held', 'opps_created', 'pipeline_minor', 'deals_won', 'won_minor', 'deals_lost', 'leads_created', 'leads_created_converted', 'leads_qualified', 'leads_qualified_converted', 'lost_minor', 'deals_lost_with_reason', 'deals_won_with_amount'],
    array['int', 'int', 'bigint', 'int', 'int', 'int', 'int', 'int', 'int', 'bigint', 'int', 'bigint', 'int', 'int', 'int', 'int', 'int', 'bigint', 'int', 'int']
  ) with ordinality as x(c, t, o)
$f$;
--> statement-breakpoint
-- The rep and team upsert as in migration 0035, with the new counter.
CREATE OR REPLACE FUNCTION tally_rollup_sql(events_query text, sign int)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
AS $function$
  select format($q$
  with x as (
    select date_trunc('hour', e.ts, 'UTC') as hour, e.rep_id, coalesce(m.team_id, 0) as team_id, e.currency,
      sum(e.calls) as calls,
      sum(e.calls_connected) as calls_connected,
      sum(e.talk_seconds) as talk_seconds,
      sum(e.emails) as emails,
      sum(e.emails_opened) as emails_opened,
      sum(e.emails_replied) as emails_replied,
      sum(e.meetings_booked) as meetings_booked,
      sum(e.meetings_held) as meetings_held,
      sum(e.opps_created) as opps_created,
      sum(e.pipeline_minor) as pipeline_minor,
      sum(e.deals_won) as deals_won,
      sum(e.won_minor) as won_minor,
      sum(e.deals_lost) as deals_lost,
      sum(e.leads_created) as leads_created,
      sum(e.leads_created_converted) as leads_created_converted,
      sum(e.leads_qualified) as leads_qualified,
      sum(e.leads_qualified_converted) as leads_qualified_converted,
      sum(e.lost_minor) as lost_minor,
      sum(e.deals_lost_with_reason) as deals_lost_with_reason,
      sum(e.deals_won_with_amount) as deals_won_with_amount,
      max(e.ts) as newest
    from (%2$s) e
    left join team_memberships m on m.rep_id = e.rep_id and m.valid_from <= e.ts
      and (m.valid_to is null or e.ts < m.valid_to)
    where e.ts is not null
    group by 1, 2, 3, 4
  ),
  e as materialized (
    select g.grain::char(1) as grain, date_trunc(g.unit, x.hour, 'UTC') as bucket, x.rep_id, x.team_id, x.currency,
      (%1$s * sum(x.calls))::int as calls,
      (%1$s * sum(x.calls_connected))::int as calls_connected,
      (%1$s * sum(x.talk_seconds))::bigint as talk_seconds,
      (%1$s * sum(x.emails))::int as emails,
      (%1$s * sum(x.emails_opened))::int as emails_opened,
      (%1$s * sum(x.emails_replied))::int as emails_replied,
      (%1$s * sum(x.meetings_booked))::int as meetings_booked,
      (%1$s * sum(x.meetings_held))::int as meetings_held,
      (%1$s * sum(x.opps_created))::int as opps_created,
      (%1$s * sum(x.pipeline_minor))::bigint as pipeline_minor,
      (%1$s * sum(x.deals_won))::int as deals_won,
      (%1$s * sum(x.won_minor))::bigint as won_minor,
      (%1$s * sum(x.deals_lost))::int as deals_lost,
      (%1$s * sum(x.leads_created))::int as leads_created,
      (%1$s * sum(x.leads_created_converted))::int as leads_created_converted,
      (%1$s * sum(x.leads_qualified))::int as leads_qualified,
      (%1$s * sum(x.leads_qualified_converted))::int as leads_qualified_converted,
      (%1$s * sum(x.lost_minor))::bigint as lost_minor,
      (%1$s * sum(x.deals_lost_with_reason))::int as deals_lost_with_reason,
      (%1$s * sum(x.deals_won_with_amount))::int as deals_won_with_amount,
      case when %1$s > 0 then max(x.newest) end as newest_at
    from x
    cross join (values ('h', 'hour'), ('d', 'day'), ('m', 'month')) g(grain, unit)
    group by 1, 2, 3, 4, 5
  ),
  reps as (
    insert into metric_rollups as r (grain, bucket, rep_id, team_id, currency, calls, calls_connected, talk_seconds, emails, emails_opened, emails_replied, meetings_booked, meetings_held, opps_created, pipeline_minor, deals_won, won_minor, deals_lost, leads_created, leads_created_converted, leads_qualified, leads_qualified_converted, lost_minor, deals_lost_with_reason, deals_won_with_amount, newest_at)
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
      deals_won_with_amount = r.deals_won_with_amount + excluded.deals_won_with_amount,
      newest_at = greatest(r.newest_at, excluded.newest_at)
  )
  %3$s
  $q$, sign, events_query, tally_team_rollup_upsert_sql('e', false))
$function$;
--> statement-breakpoint
-- Backfill through the statement the triggers and rebuilds run (tally_rollup_sql, sign +1), fed the won deals'
-- events with every other counter 0: each key's won deals with an amount are added to the rows their deals_won
-- already made, rep rows and team twin alike, and nothing else changes (sums of zeros; newest_at is already at
-- least the close). It reads the won opportunities alone, not every activity as tally_rollup_rebuild_all() would.
DO $$ BEGIN
  EXECUTE tally_rollup_sql('select e.ts, e.rep_id, e.currency, 0 as calls, 0 as calls_connected, 0 as talk_seconds, 0 as emails, 0 as emails_opened, 0 as emails_replied, 0 as meetings_booked, 0 as meetings_held, 0 as opps_created, 0 as pipeline_minor, 0 as deals_won, 0 as won_minor, 0 as deals_lost, 0 as leads_created, 0 as leads_created_converted, 0 as leads_qualified, 0 as leads_qualified_converted, 0 as lost_minor, 0 as deals_lost_with_reason, e.deals_won_with_amount from opportunities t cross join lateral tally_opportunities_events(t) e where t.outcome = ''won'' and e.deals_won_with_amount <> 0', 1);
END $$;
