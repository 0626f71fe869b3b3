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

// A database that counts "No bud<soft hyphen>get" and full-width "Ｎｏ ｂｕｄｇｅｔ" as reasons of their own
// beside "No budget", and "0" alone as a reason, when migration 0051 (loss_reason_variants) arrives: one key
// for the three spellings, "0" no reason, and deals_lost_with_reason recounted in metric_rollups and its team
// twin as a rebuild from scratch stores it (fresh tester, LOW).

const REASONS = ['No budget', 'No bud\u00adget', 'Ｎｏ ｂｕｄｇｅｔ', '0', '0 budget'];

for (const backend of testBackends()) {
  describe(`migration 0051 on a database with loss-reason variants [${backend}]`, () => {
    it('reads soft hyphens and full-width forms as the reason they show, "0" as none, and recounts', async () => {
      const database = await openMigratedBefore(backend, 50, '0050_loss_reason_placeholders');
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
        await addOpp(db, null, lost('2026-09-01T00:00:00Z', '0'));
        await addOpp(db, null, lost('2026-09-01T00:10:00Z', null));
        // Before: every deal but the null one carries a "reason".
        expect(await withReason(db)).toEqual(['d 6/6', 'h 6/6', 'm 6/6']);
        const before = await state(db);

        await runMigrations(database);

        // After: the three "No budget" spellings and "0 budget"; the two "0"s and null are no reason.
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
        expect(keys).toEqual(['no budget', 'no budget', 'no budget', null, '0 budget']);
        expect(await fn('tally_loss_reason_spelling', 'No bud\u00adget')).toBe('No budget');
        expect(await fn('tally_loss_reason_spelling', 'Ｎｏ ｂｕｄｇｅｔ')).toBe('No budget');
        expect(await fn('tally_loss_reason_spelling', 'Ｎｏ\u3000ｂｕｄｇｅｔ')).toBe('No budget');
        // Every invisible format character is removed, not read as a space (U+200B and U+FEFF were spaces).
        for (const c of [
          ...['\u00ad', '\u180e', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff'],
          // Direction marks and controls, as text pasted from a right-to-left page carries them.
          ...['\u200e', '\u200f', '\u061c', '\u202a', '\u202e', '\u2066', '\u2069'],
        ])
          expect(await fn('tally_loss_reason_spelling', `\ufeffNo${c}bud${c}get${c}`)).toBe('Nobudget');
        expect(await fn('tally_loss_reason', '\u200b\u00ad')).toBeNull();
        // Every full-width form U+FF01-U+FF5E reads as its ASCII U+0021-U+007E, in order.
        const fullWidth = Array.from({ length: 94 }, (_, i) => String.fromCharCode(0xff01 + i)).join('');
        const ascii = Array.from({ length: 94 }, (_, i) => String.fromCharCode(0x21 + i)).join('');
        expect(await fn('tally_loss_reason_spelling', fullWidth)).toBe(ascii);
        expect(await fn('tally_loss_reason', '０')).toBeNull();
        expect(await fn('tally_loss_reason', ' 0 ')).toBeNull();
        expect(await fn('tally_loss_reason', '00')).toBe('00');
        // The planner still inlines them: a plan over the table names no call of either function.
        const plan = await queryRows<Record<string, string>>(
          db,
          sql`explain (verbose) select tally_loss_reason(loss_reason) from opportunities`,
        );
        expect(JSON.stringify(plan)).not.toContain('tally_loss_reason');
      } finally {
        await database.drop();
      }
    }, 120_000);
  });
}
