import { and, eq, sql } from 'drizzle-orm';
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { reps } from '../../src/db/schema/index.js';
import { describeError } from '../../src/errors.js';
import { describeDb } from '../helpers/db.js';

// Logs never carry personal data: a failed query's parameters (here a rep's email) stay out of
// what describeError gives the logger, whatever the failure.
const EMAIL = 'Ana.Lopez@example.com';

/** What one logger line says about `err`, as it would reach the log. */
function loggedLine(err: unknown): string {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  logger.error({ err: describeError(err) }, 'rep lookup failed');
  return lines.join('');
}

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (err) {
    return err;
  }
  throw new Error('the query was expected to fail');
}

describeDb('describeError on failed queries', (ctx) => {
  it('keeps the SQL and SQLSTATE of a failed rep lookup by email, not the email', async () => {
    const err = await failure(() =>
      ctx
        .db()
        .select()
        .from(reps)
        .where(and(eq(reps.email, EMAIL), sql`no_such_column = 1`)),
    );
    expect(String((err as Error).message)).toContain(EMAIL); // drizzle's message carries the params
    const line = loggedLine(err);
    expect(line.toLowerCase()).not.toContain(EMAIL.toLowerCase());
    expect(line).toContain('Failed query: select');
    expect(describeError(err).code).toBe('42703');
    expect(line).toContain('no_such_column');
  });

  it('blanks the value a Postgres data error quotes', async () => {
    const err = await failure(() => ctx.db().select().from(reps).where(sql`${reps.id} = ${EMAIL}`));
    const line = loggedLine(err);
    expect(line.toLowerCase()).not.toContain(EMAIL.toLowerCase());
    expect(describeError(err).code).toBe('22P02');
    expect(line).toContain('invalid input syntax for type integer');
  });
});
