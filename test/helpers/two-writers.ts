import pg from 'pg';
import { afterEach, beforeEach } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { type DbContext, postgresAdminUrl } from './db.js';

/** Two connections of their own to a describeDb test database, for transactions that must overlap. */
export interface TwoWriters {
  /** True on Postgres; PGlite has one connection, so its writers never overlap. */
  postgres(): boolean;
  /** The connection that holds a transaction open (Postgres only). */
  first(): pg.Client;
  /** The connection that writes beside it (Postgres only). */
  second(): pg.Client;
  /** One statement on the second connection (PGlite: the test database's own); its rows. */
  run(text: string): Promise<Record<string, unknown>[]>;
}

/**
 * Registers beforeEach/afterEach hooks that open and close two `pg` clients on the test database (Postgres
 * only) and returns accessors for them. Throws from `first()`/`second()` when they are not open.
 */
export function useTwoWriters(ctx: DbContext): TwoWriters {
  let first: pg.Client | undefined;
  let second: pg.Client | undefined;
  const postgres = () => ctx.backend === 'postgres';
  const open = (c: pg.Client | undefined) => {
    if (!c) throw new Error('two writers are only open on Postgres');
    return c;
  };
  beforeEach(async () => {
    if (!postgres()) return;
    const [row] = await queryRows<{ name: string }>(ctx.db(), sql`select current_database() as name`);
    const url = new URL(postgresAdminUrl()!);
    url.pathname = `/${row!.name}`;
    first = new pg.Client({ connectionString: url.toString() });
    second = new pg.Client({ connectionString: url.toString() });
    await first.connect();
    await second.connect();
  });
  afterEach(async () => {
    await first?.end();
    await second?.end();
    first = undefined;
    second = undefined;
  });
  return {
    postgres,
    first: () => open(first),
    second: () => open(second),
    run: async (text) =>
      postgres()
        ? (await open(second).query(text)).rows
        : queryRows<Record<string, unknown>>(ctx.db(), sql.raw(text)),
  };
}
