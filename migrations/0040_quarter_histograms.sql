ALTER TABLE "cycle_rollups" DROP CONSTRAINT "cycle_rollups_grain_check";--> statement-breakpoint
ALTER TABLE "cycle_team_rollups" DROP CONSTRAINT "cycle_team_rollups_grain_check";--> statement-breakpoint
ALTER TABLE "response_rollups" DROP CONSTRAINT "response_rollups_grain_check";--> statement-breakpoint
ALTER TABLE "response_team_rollups" DROP CONSTRAINT "response_team_rollups_grain_check";--> statement-breakpoint
ALTER TABLE "cycle_rollups" ADD CONSTRAINT "cycle_rollups_grain_check" CHECK ("cycle_rollups"."grain" in ('h', 'd', 'm', 'q'));--> statement-breakpoint
ALTER TABLE "cycle_team_rollups" ADD CONSTRAINT "cycle_team_rollups_grain_check" CHECK ("cycle_team_rollups"."grain" in ('h', 'd', 'm', 'q'));--> statement-breakpoint
ALTER TABLE "response_rollups" ADD CONSTRAINT "response_rollups_grain_check" CHECK ("response_rollups"."grain" in ('h', 'd', 'm', 'q'));--> statement-breakpoint
ALTER TABLE "response_team_rollups" ADD CONSTRAINT "response_team_rollups_grain_check" CHECK ("response_team_rollups"."grain" in ('h', 'd', 'm', 'q'));--> statement-breakpoint
-- Duration histograms gain a quarter grain ('q'): a year's answer split by rep reads one quarter row where it
-- read three month rows (response org × year by rep: ~426,000 rows aggregated on the bench data). The rows are
-- written by the same statements as the other grains, and the existing ones are the sums of their months.
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
  cross join (values ('h', 'hour'), ('d', 'day'), ('m', 'month'), ('q', 'quarter')) g(grain, unit)
  where l.created_at is not null
  group by 1, 2, 3, 4, 5
  $q$, sign, leads_query), 'response_rollups', 'response_team_rollups')
$f$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tally_cycle_rollup_sql(opps_query text, sign int) RETURNS text
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
  cross join (values ('h', 'hour'), ('d', 'day'), ('m', 'month'), ('q', 'quarter')) g(grain, unit)
  where o.outcome = 'won' and o.closed_at is not null
  group by 1, 2, 3, 4, 5
  $q$, sign, opps_query), 'cycle_rollups', 'cycle_team_rollups')
$f$;
--> statement-breakpoint
INSERT INTO response_rollups (grain, bucket, rep_id, team_id, vb, n, micros, skewed, newest_at)
SELECT 'q', date_trunc('quarter', bucket, 'UTC'), rep_id, team_id, vb, sum(n)::int, sum(micros), sum(skewed)::int, max(newest_at)
FROM response_rollups WHERE grain = 'm' GROUP BY 2, 3, 4, 5 ORDER BY 2, 3, 4, 5;
--> statement-breakpoint
INSERT INTO response_team_rollups (grain, bucket, team_id, vb, n, micros, skewed, newest_at)
SELECT 'q', date_trunc('quarter', bucket, 'UTC'), team_id, vb, sum(n)::int, sum(micros), sum(skewed)::int, max(newest_at)
FROM response_team_rollups WHERE grain = 'm' GROUP BY 2, 3, 4 ORDER BY 2, 3, 4;
--> statement-breakpoint
INSERT INTO cycle_rollups (grain, bucket, rep_id, team_id, vb, n, micros, skewed, newest_at)
SELECT 'q', date_trunc('quarter', bucket, 'UTC'), rep_id, team_id, vb, sum(n)::int, sum(micros), sum(skewed)::int, max(newest_at)
FROM cycle_rollups WHERE grain = 'm' GROUP BY 2, 3, 4, 5 ORDER BY 2, 3, 4, 5;
--> statement-breakpoint
INSERT INTO cycle_team_rollups (grain, bucket, team_id, vb, n, micros, skewed, newest_at)
SELECT 'q', date_trunc('quarter', bucket, 'UTC'), team_id, vb, sum(n)::int, sum(micros), sum(skewed)::int, max(newest_at)
FROM cycle_team_rollups WHERE grain = 'm' GROUP BY 2, 3, 4 ORDER BY 2, 3, 4;
