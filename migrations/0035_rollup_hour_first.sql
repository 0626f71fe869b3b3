-- Rollup triggers aggregate each generation's events to the hour once, then derive the day and month
-- rows from those hour sums in the same statement, instead of joining, truncating and grouping every
-- event three times (once per grain). Exact: a day or month bucket is the union of its hour buckets in
-- UTC, sums of sums are the sums (cast to the same types), and the newest event is the max of the maxes.
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
      case when %1$s > 0 then max(x.newest) end as newest_at
    from x
    cross join (values ('h', 'hour'), ('d', 'day'), ('m', 'month')) g(grain, unit)
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
$function$;
