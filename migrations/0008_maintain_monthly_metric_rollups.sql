-- Adds UTC-month buckets ('m') to metric_rollups, so a year or quarter reads a few rows per rep
-- instead of one per day. The upsert now writes hour, day and month rows for every event.
CREATE OR REPLACE FUNCTION tally_rollup_sql(events_query text, sign int) RETURNS text
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
  cross join (values ('h', 'hour'), ('d', 'day'), ('m', 'month')) g(grain, unit)
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
-- Months for the data already rolled up, summed from its day rows.
INSERT INTO metric_rollups (grain, bucket, rep_id, team_id, currency, calls, calls_connected, talk_seconds, emails, emails_opened, emails_replied, meetings_booked, meetings_held, opps_created, pipeline_minor, deals_won, won_minor, deals_lost, leads_created, leads_created_converted, leads_qualified, leads_qualified_converted, newest_at)
SELECT 'm', date_trunc('month', bucket, 'UTC'), rep_id, team_id, currency, sum(calls)::int, sum(calls_connected)::int, sum(talk_seconds)::bigint, sum(emails)::int, sum(emails_opened)::int, sum(emails_replied)::int, sum(meetings_booked)::int, sum(meetings_held)::int, sum(opps_created)::int, sum(pipeline_minor)::bigint, sum(deals_won)::int, sum(won_minor)::bigint, sum(deals_lost)::int, sum(leads_created)::int, sum(leads_created_converted)::int, sum(leads_qualified)::int, sum(leads_qualified_converted)::int, max(newest_at)
FROM metric_rollups WHERE grain = 'd'
GROUP BY 2, 3, 4, 5;
