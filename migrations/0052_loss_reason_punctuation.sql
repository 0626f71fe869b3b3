-- A loss reason split into rows by punctuation (tester, MED): "Price too high", "Price too high!", "Price Too
-- High." and "price-too-high" were four rows in '/metrics lost org q4', the same reason typed four ways.
-- tally_loss_reason (migration 0051), the key metrics group by, now, after lower-casing the shown spelling
-- (tally_loss_reason_spelling, unchanged):
--   * reads a run of hyphens or underscores between two letters or digits as one space: "price-too-high" and
--     "price_too_high" are "price too high". A hyphen elsewhere stays ("-", "--none--", "- price");
--   * drops the punctuation . ! ? , ; : (and the spaces beside it) at the start and end: "Price too high!",
--     "Price Too High." and "...price too high" are "price too high". Inside a reason it stays ("a.b. test");
--   * then, as before, is null when empty or a placeholder. The placeholders are compared with that key, so
--     each is listed as it reads once normalised: "none.", "n.a." are "none", "n.a"; ".", "...", "?" and "!"
--     are empty; "no-reason-given" is "no reason given".
-- The shown spelling is not changed: a reason is shown under its most used spelling as recorded
-- (src/metrics/compute/rows.ts, spellingsOf), so "Price too high" twice and "price-too-high" once show
-- "Price too high". A spelling's lower case is no longer always its key; a key still has a spelling exactly
-- when it is not null (reasonSpelling in src/metrics/compute/lost.ts).
-- THE PLACEHOLDERS, compared with the whole key (lower case, trimmed, whitespace as one space, the rules above):
--   -  --  –  —  …  n/a  na  n.a  none  null  nil  no reason  no reason given  not given  not specified
--   unspecified  unknown  tbd  --none--  (none)  (blank)  #n/a  0   (and the empty key: ".", "...", "?")
-- It keeps its signature, IMMUTABLE PARALLEL SAFE, and uses the argument once, so the planner still inlines
-- it. src/metrics/compute/lost.ts (normalisedReason, reasonSpelling) and docs/metrics.md read this rule; keep
-- them in step when it changes. deals_lost_with_reason is recounted below as migration 0051 recounted it.
CREATE OR REPLACE FUNCTION tally_loss_reason(reason text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  select nullif(regexp_replace(
    regexp_replace(
      regexp_replace(lower(tally_loss_reason_spelling(reason)), '(?<=[[:alnum:]])[-_]+(?=[[:alnum:]])', ' ', 'g'),
      '^[ .!?,;:]+|[ .!?,;:]+$', '', 'g'),
    '^(?:-|--|–|—|…|n/a|na|n\.a|none|null|nil|no reason|no reason given|not given|not specified|unspecified|unknown|tbd|--none--|\(none\)|\(blank\)|#n/a|0)$',
    ''), '')
$$;
--> statement-breakpoint
-- deals_lost_with_reason rebuilt in metric_rollups and its team twin from the lost opportunities alone, as
-- migration 0026 back-filled it: each lost deal's close grouped as tally_rollup_sql groups its events (grain
-- h, d, m; bucket date_trunc of the close in UTC; owner or 0; the owner's team at the close or 0; currency),
-- counted when tally_loss_reason is not null. Every key with a lost deal is in s, so every row whose count can
-- change is; only rows whose count differs are written. The team rows are the sums of s per team.
WITH s AS MATERIALIZED (
  SELECT g.grain::char(1) AS grain, date_trunc(g.unit, o.closed_at, 'UTC') AS bucket,
    coalesce(o.owner_rep_id, 0) AS rep_id, coalesce(m.team_id, 0) AS team_id, o.currency::text AS currency,
    count(*) FILTER (WHERE tally_loss_reason(o.loss_reason) IS NOT NULL)::int AS with_reason
  FROM opportunities o
  LEFT JOIN team_memberships m ON m.rep_id = coalesce(o.owner_rep_id, 0) AND m.valid_from <= o.closed_at
    AND (m.valid_to IS NULL OR o.closed_at < m.valid_to)
  CROSS JOIN (VALUES ('h', 'hour'), ('d', 'day'), ('m', 'month')) g(grain, unit)
  WHERE o.outcome = 'lost' AND o.closed_at IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5
),
reps AS (
  UPDATE metric_rollups r SET deals_lost_with_reason = s.with_reason
  FROM s
  WHERE r.grain = s.grain AND r.bucket = s.bucket AND r.rep_id = s.rep_id AND r.team_id = s.team_id
    AND r.currency = s.currency AND r.deals_lost_with_reason <> s.with_reason
)
UPDATE metric_team_rollups t SET deals_lost_with_reason = x.with_reason
FROM (SELECT grain, bucket, team_id, currency, sum(with_reason)::int AS with_reason FROM s GROUP BY 1, 2, 3, 4) x
WHERE t.grain = x.grain AND t.bucket = x.bucket AND t.team_id = x.team_id AND t.currency = x.currency
  AND t.deals_lost_with_reason <> x.with_reason;
