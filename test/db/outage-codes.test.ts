import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { errorCode, isDatabaseOutage } from '../../src/db/failures.js';
import { postgresAdminUrl } from '../helpers/db.js';

/** `err` as drizzle wraps a driver error: the SQLSTATE on its cause. */
const wrapped = (code: string) =>
  new Error('Failed query: insert …', { cause: Object.assign(new Error('x'), { code }) });

describe('a database outage, as the ingest API answers it (503 and Retry-After, not 500)', () => {
  it('counts a database that is gone or shutting down as an outage, a bad statement not', () => {
    // 3D000 invalid_catalog_name: the database was dropped (or never made); 57P04 database_dropped.
    for (const code of ['3D000', '57P04', '57P01', '57P03', '08006', 'ECONNREFUSED'])
      expect(isDatabaseOutage(wrapped(code)), code).toBe(true);
    for (const code of ['23505', '42P01', '40001']) expect(isDatabaseOutage(wrapped(code)), code).toBe(false);
  });
});

const adminUrl = postgresAdminUrl();

// Defined only where Postgres is (as describeDb defines its Postgres variant): in CI always, and it then
// fails, not skips, when Postgres cannot be reached.
if (adminUrl)
  describe('a database dropped under a running app [postgres]', () => {
    const urlOf = (name: string) => {
      const url = new URL(adminUrl!);
      url.pathname = `/${name}`;
      return url.toString();
    };
    const failureOf = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (err) {
        return err;
      }
      throw new Error('expected the database to fail');
    };

    it('is an outage for a new connection (3D000) and for a statement running when it went', async () => {
      const name = `tally_t_${process.pid}_${randomBytes(4).toString('hex')}_dropped`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      try {
        await admin.query(`create database ${name}`);
        const inUse = new pg.Client({ connectionString: urlOf(name) });
        inUse.on('error', () => {});
        await inUse.connect();
        // A statement running when the database is dropped (an ingest batch in flight).
        const running = failureOf(inUse.query('select pg_sleep(10)'));
        await admin.query(`drop database ${name} with (force)`);

        const during = await running;
        expect(isDatabaseOutage(during)).toBe(true);
        await inUse.end().catch(() => {});

        const after = new pg.Client({ connectionString: urlOf(name) });
        const connect = await failureOf(after.connect());
        expect(errorCode(connect)).toBe('3D000');
        expect(isDatabaseOutage(connect)).toBe(true);
      } finally {
        await admin.query(`drop database if exists ${name} with (force)`);
        await admin.end();
      }
    });
  });
