import { expect, it } from 'vitest';
import { createDb, queryRows, sql } from '../../src/db/client.js';
import { describeDb, postgresAdminUrl } from '../helpers/db.js';

const setting = async (db: Parameters<typeof queryRows>[0], name: string) =>
  (await queryRows<{ v: string }>(db, sql`select current_setting(${name}) as v`))[0]?.v;

describeDb(
  'metrics pool session settings',
  (ctx) => {
    it('metric queries sort in memory and run without parallel workers', async () => {
      const { metricsDb, db } = ctx.database();
      expect(await setting(metricsDb, 'work_mem')).toBe('64MB');
      if (ctx.backend === 'postgres') {
        // Up to 6 computations run at once; two workers each would be 18 processes on the server's cores.
        expect(await setting(metricsDb, 'max_parallel_workers_per_gather')).toBe('0');
        expect(await setting(metricsDb, 'jit')).toBe('off');
        // Only the metrics pool: the main pool (writes, lookups) keeps the server's setting.
        expect(await setting(db, 'max_parallel_workers_per_gather')).not.toBe('0');
      }
    });

    it('every session runs in UTC, even on a server whose default zone has daylight saving', async () => {
      const { db } = ctx.database();
      if (ctx.backend === 'pglite') {
        expect(await setting(db, 'TimeZone')).toBe('UTC');
        return;
      }
      // This test's own database gets a local default zone; new connections must still be in UTC.
      const [row] = await queryRows<{ name: string }>(db, sql`select current_database() as name`);
      await db.execute(sql.raw(`alter database "${row!.name}" set timezone = 'America/New_York'`));
      const url = new URL(postgresAdminUrl()!);
      url.pathname = `/${row!.name}`;
      // A URL may carry its own session options (a search_path, a hosted provider's endpoint id): they
      // apply, and Tally's settings still do.
      url.searchParams.set('options', '-c search_path=public,pg_catalog');
      const fresh = await createDb({ databaseUrl: url.toString(), poolSize: 1, metricsPoolSize: 1 });
      try {
        expect(await setting(fresh.db, 'TimeZone')).toBe('UTC');
        expect(await setting(fresh.metricsDb, 'TimeZone')).toBe('UTC');
        expect(await setting(fresh.metricsDb, 'jit')).toBe('off');
        expect(await setting(fresh.metricsDb, 'statement_timeout')).toBe('8s');
        expect(await setting(fresh.db, 'search_path')).toBe('public,pg_catalog');
        // A year back from just after the spring-forward change is 365 × 24 h, as the rollup paths assume.
        const [y] = await queryRows<{ h: number }>(
          fresh.metricsDb,
          sql`select extract(epoch from (t - (t - interval '365 days'))) / 3600 as h
              from (select timestamptz '2026-03-09 12:00:00+00' as t) x`,
        );
        expect(Number(y!.h)).toBe(365 * 24);
      } finally {
        await fresh.close();
        await db.execute(sql.raw(`alter database "${row!.name}" reset timezone`));
      }
    });
  },
  { truncate: false },
);
