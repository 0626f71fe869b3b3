import { describe, expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { testBackends } from '../helpers/db.js';
import {
  openMigratedBefore,
  counterRollupState as state,
  lostWithReasonPerGrain as withReason,
} from '../helpers/migrations-before.js';
import { addMembership, addOpp, addRep, addTeam } from '../metrics/fixtures.js';

// A database that counts "Price too high", "Price too high!", "Price Too High." and "price-too-high" as four
// reasons, and "..." or "none!" as reasons, when migration 0052 (loss_reason_punctuation) arrives: one key
// for the four spellings, the placeholders under their punctuation no reason, and deals_lost_with_reason
// recounted in metric_rollups and its team twin as a rebuild from scratch stores it (tester, MED).

const REASONS = [
  'Price too high',
  'Price too high!',
  'Price Too High.',
  'price-too-high',
  '...',
  'none!',
  'N/A.',
];

for (const backend of testBackends()) {
  describe(`migration 0052 on a database with punctuated loss reasons [${backend}]`, () => {
    it('reads hyphens between words as spaces, drops end punctuation, and recounts', async () => {
      const database = await openMigratedBefore(backend, 51, '0051_loss_reason_variants');
      try {
        const db = database.db;
        const closers = await addTeam(db, 'Closers');
        const ana = await addRep(db, 'Ana');
        await addMembership(db, ana, closers, '2020-01-01T00:00:00Z');
        const lost = (closed: string, lossReason: string | null) => ({
          created: '2026-07-01T00:00:00Z',
          closed,
          outcome: 'lost' as const,
          amount: 1_000,
          lossReason,
        });
        for (const [i, r] of REASONS.entries()) await addOpp(db, ana, lost(`2026-08-2${i}T10:00:00Z`, r));
        await addOpp(db, null, lost('2026-09-01T00:00:00Z', 'n.a.!'));
        await addOpp(db, null, lost('2026-09-01T00:10:00Z', null));
        // Before: "...", "none!", "N/A." and "n.a.!" count as reasons (only "..." alone was a placeholder).
        expect(await withReason(db)).toEqual(['d 7/7', 'h 7/7', 'm 7/7']);
        const before = await state(db);

        await runMigrations(database);

        // After: the four "Price too high" spellings; the punctuated placeholders and null are no reason.
        expect(await withReason(db)).toEqual(['d 4/4', 'h 4/4', 'm 4/4']);
        const raw = await queryRows<{ n: number }>(
          db,
          sql`select count(*)::int as n from opportunities
            where outcome = 'lost' and tally_loss_reason(loss_reason) is not null`,
        );
        expect(raw[0]?.n).toBe(4);
        const migrated = await state(db);
        // Only deals_lost_with_reason moved: the same keys, every other column as it was.
        const without = (s: typeof before) => ({
          reps: s.reps.map(({ deals_lost_with_reason: _, ...r }) => r),
          teams: s.teams.map(({ deals_lost_with_reason: _, ...r }) => r),
        });
        expect(without(migrated)).toEqual(without(before));
        await db.execute(sql`select tally_rollup_rebuild_all()`);
        expect(await state(db)).toEqual(migrated);

        const fn = async (name: 'tally_loss_reason' | 'tally_loss_reason_spelling', reason: string) =>
          (await queryRows<{ v: string | null }>(db, sql`select ${sql.raw(name)}(${reason}::text) as v`))[0]
            ?.v;
        const keys = [];
        for (const r of REASONS) keys.push(await fn('tally_loss_reason', r));
        expect(keys).toEqual([
          'price too high',
          'price too high',
          'price too high',
          'price too high',
          null,
          null,
          null,
        ]);
        // Hyphens and underscores between words, in runs, are one space; elsewhere a hyphen stays.
        expect(await fn('tally_loss_reason', 'price__too--high')).toBe('price too high');
        expect(await fn('tally_loss_reason', 'Went with SAP_HANA')).toBe('went with sap hana');
        expect(await fn('tally_loss_reason', '- price')).toBe('- price');
        expect(await fn('tally_loss_reason', 'price -')).toBe('price -');
        // Each of . ! ? , ; : at either end goes, with the spaces beside it; inside a reason it stays.
        expect(await fn('tally_loss_reason', '?! Price too high ,;: ')).toBe('price too high');
        expect(await fn('tally_loss_reason', 'A.B. test lost: timing')).toBe('a.b. test lost: timing');
        // Placeholders under punctuation and spelled with hyphens are still placeholders.
        for (const p of [
          '.',
          '!',
          '?!',
          'None.',
          'n.a.',
          'no-reason-given',
          'TBD?',
          '0.',
          '--none--',
          '#N/A',
        ])
          expect(await fn('tally_loss_reason', p)).toBeNull();
        expect(await fn('tally_loss_reason', '0 budget!')).toBe('0 budget');
        // The shown spelling is as recorded (the label is the most used one): only the key folds punctuation.
        expect(await fn('tally_loss_reason_spelling', 'price-too-high!')).toBe('price-too-high!');
        // The planner still inlines it: a plan over the table names no call of either function.
        const plan = await queryRows<Record<string, string>>(
          db,
          sql`explain (verbose) select tally_loss_reason(loss_reason) from opportunities`,
        );
        expect(JSON.stringify(plan)).not.toContain('tally_loss_reason');
        const volatility = await queryRows<{ v: string }>(
          db,
          sql`select provolatile as v from pg_proc where proname = 'tally_loss_reason'`,
        );
        expect(volatility).toEqual([{ v: 'i' }]);
      } finally {
        await database.drop();
      }
    }, 120_000);
  });
}
