import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { describeDb } from '../helpers/db.js';

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
  },
  { truncate: false },
);
