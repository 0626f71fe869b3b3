-- Loss reasons that read the same as another counted as other reasons (fresh tester, LOW): "No bud<U+00AD>get"
-- (a soft hyphen, as word processors and some CRMs insert for line breaking) and "Ｎｏ ｂｕｄｇｅｔ" (full-width
-- forms, as East Asian input methods type them) were rows of their own beside "No budget" in a split by
-- reason, and a reason of "0" alone (what a spreadsheet formula writes when it refers to an empty cell)
-- counted as a reason.
-- tally_loss_reason_spelling (migration 0050), a reason as shown, now
--   * removes invisible format characters: the soft hyphen U+00AD, the zero-width space, non-joiner and joiner
--     U+200B-U+200D, the word joiner U+2060, the byte order mark / zero-width no-break space U+FEFF, the
--     Mongolian vowel separator U+180E, and the direction marks and controls text pasted from right-to-left
--     pages carries (U+200E, U+200F, U+061C, U+202A-U+202E, U+2066-U+2069). A joiner inside an emoji
--     sequence goes too: such a reason shows its emoji side by side. Migration 0050 read U+200B and U+FEFF as white space; they are removed
--     now, as a reader sees them: "No<U+200B>budget" reads "Nobudget", not "No budget";
--   * reads the full-width forms U+FF01-U+FF5E (！ to ～: letters, digits, punctuation) as their ASCII
--     U+0021-U+007E, with translate() (normalize() would also fold them, but it errors on a server whose
--     encoding is not UTF8). The ideographic space U+3000 was already white space;
--   * then, as before, reads runs of white space (no-break and other Unicode spaces too) as one space, trims,
--     keeps case, and is null when empty.
-- tally_loss_reason, the key metrics group by, lower-cases that spelling, so the three "No budget" spellings are
-- one key "no budget"; its placeholder list gains "0" (the whole reason only: "0 budget" is a reason).
-- THE PLACEHOLDERS, compared with the whole normalised reason (lower case, trimmed, whitespace as one space):
--   -  --  –  —  .  ...  …  ?  n/a  na  n.a.  none  null  nil  no reason  no reason given  not given
--   not specified  unspecified  unknown  tbd  --none--  (none)  (blank)  #n/a  none.  0
-- Both keep their signatures, IMMUTABLE PARALLEL SAFE, and use the argument once, so the planner still inlines
-- them. src/metrics/compute/lost.ts (normalisedReason, reasonSpelling) and docs/metrics.md read this rule; keep
-- them in step when it changes. deals_lost_with_reason is recounted below as migration 0050 recounted it.
CREATE OR REPLACE FUNCTION tally_loss_reason_spelling(reason text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  select nullif(btrim(regexp_replace(
    translate(regexp_replace(reason, '[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]+', '', 'g'),
      '！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～',
      '!"#$%&''()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefghijklmnopqrstuvwxyz{|}~'),
    '[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+', ' ', 'g')), '')
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tally_loss_reason(reason text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  select nullif(regexp_replace(
    lower(tally_loss_reason_spelling(reason)),
    '^(?:-|--|–|—|\.|\.\.\.|…|\?|n/a|na|n\.a\.|none|null|nil|no reason|no reason given|not given|not specified|unspecified|unknown|tbd|--none--|\(none\)|\(blank\)|#n/a|none\.|0)$',
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
