import { sql } from 'drizzle-orm';
import { bigint, char, check, integer, pgTable, text } from 'drizzle-orm/pg-core';

/**
 * Import fingerprints: for a row last written by a CSV import, a hash of the CSV record it came from
 * and of everything that shaped its reading (column plan, defaults, time zone, decimal mark, date
 * order, stage rules, and the reference epoch below). While the fingerprint is there, importing the
 * same record again with the same options is known to change nothing, so a re-import skips it before
 * validation (src/import/fingerprints.ts). Kept beside the row, not in it, so setting one never fires
 * the table's rollup triggers. Triggers (migration import_fingerprint_triggers) delete the fingerprint
 * whenever the row is updated by any path (the import writes it again afterwards) or deleted, and
 * empty the table with a TRUNCATE of the rows' table. No foreign key: its check per stored fingerprint
 * cost a first import more than the fingerprints themselves.
 */
export const opportunityFingerprints = pgTable('opportunity_fingerprints', {
  opportunityId: integer('opportunity_id').primaryKey(),
  /** base64 of 18 bytes of SHA-256 over the record and its reading. */
  fingerprint: text('fingerprint').notNull(),
  /** Decimal mark the record's amount showed ('.' or ','), which a skipped row still tells the file. */
  decimalMark: char('decimal_mark', { length: 1 }),
});

/** Import fingerprints of activities (see opportunityFingerprints). */
export const activityFingerprints = pgTable('activity_fingerprints', {
  activityId: bigint('activity_id', { mode: 'number' }).primaryKey(),
  fingerprint: text('fingerprint').notNull(),
  decimalMark: char('decimal_mark', { length: 1 }),
});

/**
 * One counter, raised by triggers whenever a reference a row's import resolved could now resolve
 * differently (a rep or account renamed or removed, a lead's or deal's external id changed or
 * removed, an account or rep inserted that would win a name). It is part of every fingerprint, so
 * raising it makes every stored fingerprint miss once.
 */
export const importReferenceEpoch = pgTable(
  'import_reference_epoch',
  {
    id: integer('id').primaryKey().default(1),
    epoch: bigint('epoch', { mode: 'number' }).notNull().default(0),
  },
  (t) => [check('import_reference_epoch_one_row', sql`${t.id} = 1`)],
);
