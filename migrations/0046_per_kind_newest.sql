-- The newest event of each kind (freshness): metric_rollups and its team twin kept one newest_at for every
-- kind, so a calls answer's "Data as of" could be a deal closed later in the same bucket (a whole month for a
-- month row), and "Data may be behind" stayed silent while calls had stopped. Each kind now has its own column,
-- filled from the events that count it (an event counts exactly one kind); the metric reads the columns of
-- its own counters (src/metrics/compute/*.ts `rollup.newest`), as the raw path reads max(ts) of its own rows.
-- The team upsert as in migration 0044 and tally_rollup_sql as in 0044, with the seven columns for newest_at
-- (dropped by the next migration). Backfill: the counters are rebuilt from the raw rows, as a TRUNCATE does
-- (the old newest_at cannot be split by kind): one pass over activities, opportunities and leads.
ALTER TABLE "metric_rollups" ADD COLUMN "newest_call_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "metric_rollups" ADD COLUMN "newest_email_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "metric_rollups" ADD COLUMN "newest_meeting_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "metric_rollups" ADD COLUMN "newest_opp_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "metric_rollups" ADD COLUMN "newest_won_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "metric_rollups" ADD COLUMN "newest_lost_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "metric_rollups" ADD COLUMN "newest_lead_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "metric_team_rollups" ADD COLUMN "newest_call_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "metric_team_rollups" ADD COLUMN "newest_email_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "metric_team_rollups" ADD COLUMN "newest_meeting_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "metric_team_rollups" ADD COLUMN "newest_opp_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "metric_team_rollups" ADD COLUMN "newest_won_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "metric_team_rollups" ADD COLUMN "newest_lost_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "metric_team_rollups" ADD COLUMN "newest_lead_at" timestamp with time zone;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tally_team_rollup_upsert_sql(source text, negate boolean) RETURNS text
LANGUAGE sql IMMUTABLE AS $f$
  select format($q$
  insert into metric_team_rollups as r (grain, bucket, team_id, currency, %2$s, newest_call_at, newest_email_at, newest_meeting_at, newest_opp_at, newest_won_at, newest_lost_at, newest_lead_at)
  select grain, bucket, team_id, currency, %3$s, %4$s from %1$s
  group by 1, 2, 3, 4 order by 1, 2, 3, 4
  on conflict (grain, bucket, team_id, currency) do update set %5$s,
    newest_call_at = greatest(r.newest_call_at, excluded.newest_call_at),
    newest_email_at = greatest(r.newest_email_at, excluded.newest_email_at),
    newest_meeting_at = greatest(r.newest_meeting_at, excluded.newest_meeting_at),
    newest_opp_at = greatest(r.newest_opp_at, excluded.newest_opp_at),
    newest_won_at = greatest(r.newest_won_at, excluded.newest_won_at),
    newest_lost_at = greatest(r.newest_lost_at, excluded.newest_lost_at),
    newest_lead_at = greatest(r.newest_lead_at, excluded.newest_lead_at)
  $q$, source,
    string_agg(quote_ident(c), ', ' order by o),
    string_agg(format('(%s sum(%I))::%s', case when negate then '-' else '' end, c, t), ', ' order by o),
    case when negate then 'null::timestamptz, null::timestamptz, null::timestamptz, null::timestamptz, null::timestamptz, null::timestamptz, null::timestamptz'
      else 'max(newest_call_at), max(newest_email_at), max(newest_meeting_at), max(newest_opp_at), max(newest_won_at), max(newest_lost_at), max(newest_lead_at)' end,
    string_agg(format('%1$I = r.%1$I + excluded.%1$I', c), ', ' order by o))
  from unnest(
    array['calls', 'calls_connected', 'talk_seconds', 'emails', 'emails_opened', 'emails_replied', 'meetings_booked', 'meetings_held', 'opps_created', 'pipeline_minor', 'deals_won', 'won_minor', 'deals_lost', 'leads_created', 'leads_created_converted', 'leads_qualified', 'leads_qualified_converted', 'lost_minor', 'deals_lost_with_reason', 'deals_won_with_amount'],
    array['int', 'int', 'bigint', 'int', 'int', 'int', 'int', 'int', 'int', 'bigint', 'int', 'bigint', 'int', 'int', 'int', 'int', 'int', 'bigint', 'int', 'int']
  ) with ordinality as x(c, t, o)
$f$;
--> statement-breakpoint
-- The rep and team upsert as in migration 0044, with the newest event of each kind.
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
      max(e.ts) filter (where e.calls <> 0) as newest_call,
      max(e.ts) filter (where e.emails <> 0) as newest_email,
      max(e.ts) filter (where e.meetings_booked <> 0 or e.meetings_held <> 0) as newest_meeting,
      max(e.ts) filter (where e.opps_created <> 0) as newest_opp,
      max(e.ts) filter (where e.deals_won <> 0) as newest_won,
      max(e.ts) filter (where e.deals_lost <> 0) as newest_lost,
      max(e.ts) filter (where e.leads_created <> 0 or e.leads_qualified <> 0) as newest_lead
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
      case when %1$s > 0 then max(x.newest_call) end as newest_call_at,
      case when %1$s > 0 then max(x.newest_email) end as newest_email_at,
      case when %1$s > 0 then max(x.newest_meeting) end as newest_meeting_at,
      case when %1$s > 0 then max(x.newest_opp) end as newest_opp_at,
      case when %1$s > 0 then max(x.newest_won) end as newest_won_at,
      case when %1$s > 0 then max(x.newest_lost) end as newest_lost_at,
      case when %1$s > 0 then max(x.newest_lead) end as newest_lead_at
    from x
    cross join (values ('h', 'hour'), ('d', 'day'), ('m', 'month')) g(grain, unit)
    group by 1, 2, 3, 4, 5
  ),
  reps as (
    insert into metric_rollups as r (grain, bucket, rep_id, team_id, currency, calls, calls_connected, talk_seconds, emails, emails_opened, emails_replied, meetings_booked, meetings_held, opps_created, pipeline_minor, deals_won, won_minor, deals_lost, leads_created, leads_created_converted, leads_qualified, leads_qualified_converted, lost_minor, deals_lost_with_reason, deals_won_with_amount, newest_call_at, newest_email_at, newest_meeting_at, newest_opp_at, newest_won_at, newest_lost_at, newest_lead_at)
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
      newest_call_at = greatest(r.newest_call_at, excluded.newest_call_at),
      newest_email_at = greatest(r.newest_email_at, excluded.newest_email_at),
      newest_meeting_at = greatest(r.newest_meeting_at, excluded.newest_meeting_at),
      newest_opp_at = greatest(r.newest_opp_at, excluded.newest_opp_at),
      newest_won_at = greatest(r.newest_won_at, excluded.newest_won_at),
      newest_lost_at = greatest(r.newest_lost_at, excluded.newest_lost_at),
      newest_lead_at = greatest(r.newest_lead_at, excluded.newest_lead_at)
  )
  %3$s
  $q$, sign, events_query, tally_team_rollup_upsert_sql('e', false))
$function$;
--> statement-breakpoint
DO $$ BEGIN
  DELETE FROM metric_rollups;
  DELETE FROM metric_team_rollups;
  EXECUTE tally_rollup_sql('select e.* from activities t cross join lateral tally_activities_events(t) e', 1);
  EXECUTE tally_rollup_sql('select e.* from opportunities t cross join lateral tally_opportunities_events(t) e', 1);
  EXECUTE tally_rollup_sql('select e.* from leads t cross join lateral tally_leads_events(t) e', 1);
END $$;
