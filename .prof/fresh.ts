import { createDb, queryRows, sql } from '../src/db/client.js';
import { getMetric } from '../src/metrics/index.js';
async function main() {
  const database = await createDb({ dataDir: '/tmp/own-copy' } as any);
  const teams = await queryRows<any>(database.db, sql`select id, name from teams`);
  console.log(teams);
  const alpha = teams.find((t: any) => t.name === 'Alpha').id;
  for (const useRollups of [true, false]) {
    const r = await getMetric({ db: database.db, defaultTimezone: 'UTC', now: new Date('2026-12-05T05:00:00Z'), useRollups } as any, { metric: 'winrate', scope: { kind: 'team', teamId: alpha }, period: '2026-11', include: { target: false, trend: false, series: false } });
    console.log(useRollups, JSON.stringify(r.value), r.freshness?.newest ?? (r as any).newest, JSON.stringify(r.freshness).slice(0, 300));
  }
  console.log(await queryRows<any>(database.db, sql`select r.team_id, r.grain, r.bucket, r.deals_won, r.newest_won_at from metric_team_rollups r where r.newest_won_at is not null order by bucket`));
  await database.close();
}
main();
