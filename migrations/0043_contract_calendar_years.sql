-- Contract years in calendar months. The ARR of a contract with no contract_years that is not per license is
-- its total value ÷ the years between its dates, and those years were seconds ÷ 31,557,600 (365.25 days): a
-- $12,000 contract from 1 Jan 2025 to 1 Jan 2026 (365 days) read $12,008.21 a year. The years are now the
-- whole calendar months between the contract's start and end days ÷ 12, plus the days left after those
-- months ÷ 365.25. 1 Jan 2025 → 1 Jan 2026 and 1 Jan 2024 → 1 Jan 2025 (a leap year) are exactly 1 year,
-- 15 Mar → 15 Sep exactly 0.5, 1 Jan 2025 → 31 Dec 2025 11/12 + 30 days.
-- A contract's day: its instant in UTC moved on 13 hours, then the date (tally_contract_day). Dates arrive
-- as local midnights (an import reads a bare date in the team's or the default zone), and a local midnight
-- anywhere from UTC−10 to UTC+13 lands on its own date that way, in or out of daylight saving: New York's
-- 1 Jan (05:00 UTC) and 1 Jul (04:00 UTC) are 6 whole months apart, not 5 months and 30 days 23 hours, and
-- Berlin's 1 Mar (28 Feb 23:00 UTC) → 1 Apr is one month, not one month and 3 days. The figure never depends
-- on the session's time zone. Parts of a day are not counted.
-- Whole months: the most months m with start day + m months <= end day. `+ interval` keeps the day of the
-- month and moves it back to the month's last day when that month is shorter (31 Jan + 1 month = 28 Feb),
-- so 31 Jan → 28 Feb is one whole month, as 31 Mar → 30 Sep is six; the months come from the year and month
-- fields, one fewer when adding them passes the end day, so the days left are never negative. Not age(): it
-- calls 31 Jan → 28 Feb 28 days and 31 Mar → 30 Sep 5 months 30 days, disagreeing with `+ interval` at month
-- ends. The functions are single expressions, so a query that calls them gets the expression inlined (no
-- function call per contract). The metric's raw path (src/metrics/compute/customers.ts, contractArr) calls
-- tally_contract_years too.
CREATE OR REPLACE FUNCTION tally_contract_day(t timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ((t AT TIME ZONE 'UTC') + interval '13 hours')::date;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tally_whole_months(s date, e date) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ((extract(year FROM e) - extract(year FROM s)) * 12 + extract(month FROM e) - extract(month FROM s))::int
  - (s + make_interval(months => ((extract(year FROM e) - extract(year FROM s)) * 12
      + extract(month FROM e) - extract(month FROM s))::int) > e)::int;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tally_contract_years(starts_at timestamptz, ends_at timestamptz) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN tally_whole_months(tally_contract_day(starts_at), tally_contract_day(ends_at))::float8 / 12
  + (tally_contract_day(ends_at) - (tally_contract_day(starts_at)
      + make_interval(months => tally_whole_months(tally_contract_day(starts_at), tally_contract_day(ends_at))))::date)::float8
    * 86400 / 31557600;
--> statement-breakpoint
-- The facts of some accounts (migration 0022; per-license contracts' licenses since 0027; renamed from
-- tally_account_refresh in 0031 and from tally_account_refresh_unlocked in 0042, which the locking
-- tally_account_refresh calls through tally_account_refresh_unlocked). Body as in migration 0027, only the
-- contract years taken from the dates changed.
CREATE OR REPLACE FUNCTION tally_account_refresh_facts(ids int[]) RETURNS void
LANGUAGE plpgsql SET extra_float_digits = 3 AS $$
BEGIN
  IF ids IS NULL OR cardinality(ids) = 0 THEN RETURN; END IF;
  DELETE FROM deal_facts WHERE account_id = ANY(ids);
  DELETE FROM contract_facts WHERE account_id = ANY(ids);
  DELETE FROM account_facts WHERE account_id = ANY(ids);
  INSERT INTO account_facts (account_id, rep_id, team_id, owned, became, churned, left_at)
  SELECT a.id, coalesce(fw.owner_rep_id, 0), coalesce(m.team_id, 0), fw.id IS NOT NULL, a.became_customer_at,
    a.churned_at, CASE WHEN a.churned_at IS NOT NULL THEN greatest(a.became_customer_at, a.churned_at) END
  FROM accounts a
  LEFT JOIN LATERAL (
    SELECT o.id, o.owner_rep_id, o.closed_at FROM opportunities o
    WHERE o.account_id = a.id AND o.outcome = 'won' ORDER BY o.closed_at, o.id LIMIT 1
  ) fw ON true
  LEFT JOIN LATERAL (
    SELECT tm.team_id FROM team_memberships tm WHERE tm.rep_id = fw.owner_rep_id AND tm.valid_from <= fw.closed_at
      AND (tm.valid_to IS NULL OR fw.closed_at < tm.valid_to) ORDER BY tm.valid_from DESC, tm.team_id LIMIT 1
  ) m ON true
  WHERE a.id = ANY(ids) AND a.became_customer_at IS NOT NULL;
  INSERT INTO contract_facts (contract_id, account_id, rep_id, team_id, owned, currency, arr, licenses, starts_at, ends_at)
  SELECT c.id, c.account_id, f.rep_id, f.team_id, f.owned, c.currency::text,
    (CASE WHEN c.licenses IS NOT NULL AND c.revenue_per_license_minor IS NOT NULL
      THEN c.licenses::float8 * c.revenue_per_license_minor
      ELSE c.total_value_minor::float8 / nullif(coalesce(c.contract_years::float8,
        tally_contract_years(c.starts_at, c.ends_at)), 0) END)::text::numeric,
    CASE WHEN c.revenue_per_license_minor IS NOT NULL THEN c.licenses END,
    c.starts_at, c.ends_at
  FROM contracts c JOIN account_facts f ON f.account_id = c.account_id
  WHERE c.account_id = ANY(ids);
  INSERT INTO deal_facts (opportunity_id, account_id, rep_id, team_id, currency, amount_minor, closed_at)
  SELECT o.id, o.account_id, f.rep_id, f.team_id, o.currency::text, o.amount_minor, o.closed_at
  FROM opportunities o JOIN account_facts f ON f.account_id = o.account_id
  WHERE o.account_id = ANY(ids) AND o.outcome = 'won';
END $$;
--> statement-breakpoint
-- Contracts already in the state whose ARR comes from their dates (no contract_years, not per license): their
-- accounts are refreshed by the same function every write uses (per-account locks of migration 0031 included),
-- so the stored ARR is exactly what a fresh write would store. The refresh deletes and re-inserts the
-- accounts' facts, and the statement triggers of migration 0022 take the old ARR out of account_rollups and
-- put the new one in, in every bucket. Then the data version moves: no cached answer keeps the old figures.
SELECT tally_account_refresh(array(
  SELECT DISTINCT f.account_id FROM contract_facts f JOIN contracts c ON c.id = f.contract_id
  WHERE c.contract_years IS NULL AND NOT (c.licenses IS NOT NULL AND c.revenue_per_license_minor IS NOT NULL)
  ORDER BY 1));
--> statement-breakpoint
SELECT nextval('tally_data_version');
