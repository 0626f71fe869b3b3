import { type Database, sql } from '../src/db/client.js';

/**
 * A quick set-based synthetic data set for timing the metrics engine while the real bench seed is not
 * available (`npm run bench -- --synthetic`). Shapes: 50 teams × 10 reps, a few reps who changed teams,
 * leads/opportunities/activities spread over the 730 days before `now`. Not realistic; only big.
 */
export async function createSyntheticData(
  database: Database,
  opts: { now: Date; reps?: number; leads?: number; activities?: number; opportunities?: number },
  progress: (line: string) => void = () => {},
): Promise<void> {
  const db = database.db;
  const reps = opts.reps ?? 500;
  const leads = opts.leads ?? 1_000_000;
  const acts = opts.activities ?? 10_000_000;
  const opps = opts.opportunities ?? 1_000_000;
  const now = opts.now.toISOString();
  const start = new Date(opts.now.getTime() - 730 * 86_400_000).toISOString();
  const span = sql`(${now}::timestamptz - ${start}::timestamptz)`;
  const step = async (label: string, q: ReturnType<typeof sql>) => {
    const t = Date.now();
    await db.execute(q);
    progress(`${label} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  };
  const zones = sql`(array['Europe/Berlin','America/New_York','UTC','Asia/Kolkata','Europe/London'])`;
  await step(
    'teams',
    sql`insert into teams (name, timezone) select 'Team ' || g, ${zones}[1 + g % 5] from generate_series(1, ${Math.ceil(reps / 10)}) g`,
  );
  await step(
    'reps',
    sql`insert into reps (name, email) select 'Rep ' || g, 'rep' || g || '@example.com' from generate_series(1, ${reps}) g`,
  );
  // Every tenth rep moved teams a year ago.
  await step(
    'memberships',
    sql`insert into team_memberships (rep_id, team_id, valid_from, valid_to)
        select r.id, 1 + (r.id - 1) / 10, ${start}::timestamptz - interval '1 day',
               case when r.id % 10 = 0 then ${now}::timestamptz - interval '365 days' end from reps r
        union all
        select r.id, 1 + (r.id % ${Math.ceil(reps / 10)}), ${now}::timestamptz - interval '365 days', null
        from reps r where r.id % 10 = 0`,
  );
  await step(
    'leads',
    sql`insert into leads (external_id, owner_rep_id, source, created_at, first_touch_at, qualified_at, converted_at)
        select 'l' || g, 1 + (g % ${reps}), (array['web','referral','event','outbound'])[1 + g % 4], c,
          case when g % 10 <> 0 then c + (random() * 7200) * interval '1 second' end,
          case when g % 4 = 0 then c + interval '3 days' end,
          case when g % 12 = 0 then c + interval '20 days' end
        from (select g, ${start}::timestamptz + ${span} * (g::float8 / ${leads}) as c from generate_series(1, ${leads}) g) s`,
  );
  await step(
    'accounts',
    sql`insert into accounts (external_id, name, became_customer_at, churned_at)
        select 'a' || g, 'Account ' || g, ${start}::timestamptz + ${span} * random(),
          case when g % 7 = 0 then ${now}::timestamptz - random() * interval '300 days' end
        from generate_series(1, ${Math.round(opps / 10)}) g`,
  );
  await step(
    'fix churn order',
    sql`update accounts set churned_at = null where churned_at <= became_customer_at`,
  );
  await step(
    'opportunities',
    sql`insert into opportunities (external_id, owner_rep_id, product, amount_minor, currency, created_at, closed_at, outcome, account_id, lead_id)
        select 'o' || g, 1 + (g % ${reps}), (array['Core','Plus','Enterprise'])[1 + g % 3], 100000 + (g % 97) * 5000,
          case when g % 20 = 0 then 'EUR' else 'USD' end, c,
          case when g % 3 <> 0 and c + interval '30 days' < ${now}::timestamptz then c + (g % 60) * interval '1 day' end,
          case when g % 3 = 0 or c + interval '30 days' >= ${now}::timestamptz then 'open' when g % 3 = 1 then 'won' else 'lost' end,
          case when g % 3 = 1 then 1 + g % ${Math.round(opps / 10)} end, null
        from (select g, ${start}::timestamptz + ${span} * (g::float8 / ${opps}) as c from generate_series(1, ${opps}) g) s`,
  );
  await step(
    'contracts',
    sql`insert into contracts (external_id, account_id, starts_at, ends_at, total_value_minor, currency, contract_years)
        select 'c' || a.id, a.id, a.became_customer_at, coalesce(a.churned_at, a.became_customer_at + interval '3 years'),
          1200000, 'USD', 1 from accounts a`,
  );
  const chunk = 2_000_000;
  for (let from = 1; from <= acts; from += chunk) {
    const to = Math.min(acts, from + chunk - 1);
    await step(
      `activities ${from}..${to}`,
      sql`insert into activities (external_id, rep_id, kind, direction, occurred_at, duration_seconds, connected,
            email_opened_at, email_replied_at, meeting_booked_at, meeting_held_at)
          select 'x' || g, 1 + (g % ${reps}), k, 'outbound', t,
            case when k = 'call' then (g % 300) end, case when k = 'call' then g % 3 = 0 end,
            case when k = 'email' and g % 2 = 0 then t + interval '1 hour' end,
            case when k = 'email' and g % 9 = 0 then t + interval '5 hours' end,
            case when k = 'meeting' then t - interval '5 days' end,
            case when k = 'meeting' and g % 4 <> 0 then t end
          from (select g, ${start}::timestamptz + ${span} * (g::float8 / ${acts}) as t,
                  (array['call','call','call','email','email','meeting'])[1 + g % 6] as k
                from generate_series(${from}::int, ${to}::int) g) s`,
    );
  }
  await step('analyze', sql`analyze`);
}
