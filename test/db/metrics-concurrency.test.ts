import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  createDb,
  type Db,
  isLocalServer,
  metricsConcurrencyFor,
  queryRows,
  sql,
} from '../../src/db/client.js';
import { describeDb, postgresAdminUrl } from '../helpers/db.js';

describe('metric computations at once', () => {
  it('runs as many as the cores of a machine that also runs Postgres, between 2 and 6', () => {
    expect(metricsConcurrencyFor(1, true)).toBe(2);
    expect(metricsConcurrencyFor(2, true)).toBe(2);
    expect(metricsConcurrencyFor(4, true)).toBe(4);
    expect(metricsConcurrencyFor(32, true)).toBe(6);
  });

  it('runs 6 on a server elsewhere, whatever the cores here', () => {
    expect(metricsConcurrencyFor(2, false)).toBe(6);
    expect(metricsConcurrencyFor(32, false)).toBe(6);
  });

  it('reads loopback hosts and unix sockets as this machine, other hosts as elsewhere', () => {
    for (const url of [
      'postgres://postgres@127.0.0.1:5432/tally',
      'postgres://postgres@127.0.1.1/tally',
      'postgres://u:p@localhost/tally',
      'postgres://u@[::1]:5432/tally',
      'postgres:///tally',
      'postgres://u@db.example.com/tally?host=/var/run/postgresql',
      'postgres://u@%2Fvar%2Frun%2Fpostgresql/tally',
    ])
      expect(isLocalServer(url), url).toBe(true);
    for (const url of [
      'postgres://u:p@db.example.com:5432/tally',
      'postgres://u@10.0.0.7/tally',
      'postgres://u@127.example.com/tally',
      'not a url',
    ])
      expect(isLocalServer(url), url).toBe(false);
  });
});

describeDb(
  'the metrics pool on this machine',
  (ctx) => {
    it("opens as many connections as the limiter's slots, sized to this machine's cores", async () => {
      const expected = ctx.backend === 'pglite' ? 3 : metricsConcurrencyFor(availableParallelism(), true);
      expect(ctx.database().metricsConcurrency).toBe(expected);
      if (ctx.backend === 'pglite') return;
      // Ask for one more statement than that at once: the pool runs `expected` of them, on as many sessions.
      const [row] = await queryRows<{ name: string }>(ctx.db(), sql`select current_database() as name`);
      const url = new URL(postgresAdminUrl()!);
      url.pathname = `/${row!.name}`;
      const fresh = await createDb({ databaseUrl: url.toString(), poolSize: 1, cores: 2 });
      try {
        expect(fresh.metricsConcurrency).toBe(2);
        const pids = await Promise.all(
          Array.from({ length: 3 }, () =>
            queryRows<{ pid: number }>(
              fresh.metricsDb as Db,
              sql`select pg_backend_pid() as pid, pg_sleep(0.2)`,
            ).then((rows) => rows[0]!.pid),
          ),
        );
        expect(new Set(pids).size).toBe(2);
      } finally {
        await fresh.close();
      }
    });
  },
  { truncate: false },
);
