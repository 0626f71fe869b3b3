-- A loss reason recorded as a placeholder word ("No reason given", "None", "N/A", "-", "Unknown", …) is no
-- reason (tester, MED): it counted as one, so a split by reason showed two "No reason given" rows (the text and
-- the catch-all for deals without a reason) and "With a loss reason" said 75 % where 25 % of deals carry one.
-- tally_loss_reason (migration 0026), the one definition of a loss reason as metrics group it, now maps the
-- placeholders below to null, as it maps an empty reason. It also collapses whitespace before it trims, so a
-- reason of a tab alone is empty and "Price<tab>" is "price" (btrim trims spaces only: the tab was kept as a
-- trailing space). The same signature, IMMUTABLE PARALLEL SAFE, and the argument used once, so the planner
-- still inlines it. No index or generated column uses it; the rollup event functions call it at run time.
--
-- THE PLACEHOLDERS, compared with the whole normalised reason (lower case, trimmed, whitespace as one space):
--   -  --  –  —  .  ...  …  ?  n/a  na  n.a.  none  null  nil  no reason  no reason given  not given
--   not specified  unspecified  unknown  tbd  --none--  (none)  (blank)  #n/a  none.
--   (#N/A is what Excel and Sheets write for a failed lookup)
--   (--None-- is Salesforce's picklist default; (blank) is what spreadsheet pivots write for an empty cell)
-- Conservative on purpose: "Other" is a reason (the rep chose it), and so is anything with more words
-- ("No budget", "No decision", "unknown competitor"). src/metrics/compute/lost.ts (reasonSpelling) and
-- docs/metrics.md read this rule; keep them in step when the list changes.
-- A reason as shown: runs of white space as one space, trimmed, case kept; null when empty. White space is
-- also the no-break and other Unicode spaces text pasted from web tools carries ("No\u00a0reason given" is the
-- placeholder; Postgres's \s does not match U+00A0), so a reason's shown spelling and its key agree.
CREATE FUNCTION tally_loss_reason_spelling(reason text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  select nullif(btrim(regexp_replace(reason, '[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+', ' ', 'g')), '')
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tally_loss_reason(reason text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  select nullif(regexp_replace(
    lower(tally_loss_reason_spelling(reason)),
    '^(?:-|--|–|—|\.|\.\.\.|…|\?|n/a|na|n\.a\.|none|null|nil|no reason|no reason given|not given|not specified|unspecified|unknown|tbd|--none--|\(none\)|\(blank\)|#n/a|none\.)$',
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
