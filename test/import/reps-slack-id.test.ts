import { createReadStream } from 'node:fs';
import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { importCsv } from '../../src/import/import-csv.js';
import { formatErrors, formatSummary } from '../../src/import/report.js';
import { describeDb } from '../helpers/db.js';
import { tempCsv } from '../helpers/temp-csv.js';

const csv = tempCsv('reps-slack-id').lines;
const opts = { timezone: 'UTC', now: new Date('2026-11-23T09:00:00Z') };

// Fresh tester (HIGH): `Ivy Imp,ivy@acme.test,U0BOB,East` (Bob Stone's Slack id, another email and name) was
// "1 updated": Bob became Ivy Imp, Slack showed him "Win rate · Ivy Imp", and a later row naming
// bob@acme.test made a second Bob.
describeDb('a reps row found by Slack user id alone', (ctx) => {
  const run = async (file: string, skipInvalid = false) => {
    const r = await importCsv(ctx.db(), {
      entity: 'reps',
      input: createReadStream(file),
      skipInvalid,
      ...opts,
    });
    return { summary: formatSummary('reps', r), errors: formatErrors(r) };
  };
  const people = () => queryRows(ctx.db(), sql`select name, email, slack_user_id from reps order by id`);
  const bob = () =>
    run(csv('name,email,slack_user_id', 'Bob Stone,bob@acme.test,U0BOB')).then((r) =>
      expect(r.errors).toBe(''),
    );
  const refusal =
    'line 2: slack_user_id U0BOB is Bob Stone <bob@acme.test>, not Ivy Imp <ivy@acme.test>: fix the Slack user id; if this really is Bob Stone with a new name and email, change one at a time (this email with the name Bob Stone, then the new name)';

  it('is refused, naming both people, when its email and name are both another person', async () => {
    await bob();
    const file = csv(
      'name,email,slack_user_id,team',
      'Ivy Imp,ivy@acme.test,U0BOB,East',
      'Bob Stone,,U0BOB2,',
    );
    const r = await run(file);
    // Line 3 (Bob by name, email cell empty) was refused already: it would have erased his email.
    expect(r.errors).toBe(
      `${refusal}\nline 3: email cannot be emptied: Bob Stone has bob@acme.test, which owner_email and Slack match; give the email, or leave the column out, to keep it`,
    );
    // The file is refused whole (no --skip-invalid): Bob is unchanged, no team was created.
    expect(await people()).toEqual([{ name: 'Bob Stone', email: 'bob@acme.test', slack_user_id: 'U0BOB' }]);
    expect(await queryRows(ctx.db(), sql`select name from teams`)).toEqual([]);
    // With --skip-invalid, the other rows are written and the refused one is not.
    const skipped = await run(
      csv(
        'name,email,slack_user_id,team',
        'Ivy Imp,ivy@acme.test,U0BOB,East',
        'Cara Diaz,cara@acme.test,U0CARA,',
      ),
      true,
    );
    expect(skipped.errors).toBe(refusal);
    expect(await people()).toEqual([
      { name: 'Bob Stone', email: 'bob@acme.test', slack_user_id: 'U0BOB' },
      { name: 'Cara Diaz', email: 'cara@acme.test', slack_user_id: 'U0CARA' },
    ]);
  });

  it('updates the name when the email is the stored one, and the email when the name is', async () => {
    await bob();
    const renamed = await run(csv('name,email,slack_user_id', 'Robert Stone,bob@acme.test,U0BOB'));
    expect(renamed).toEqual({ summary: 'reps: 1 row, 0 inserted, 1 updated, 0 unchanged', errors: '' });
    expect(await people()).toEqual([
      { name: 'Robert Stone', email: 'bob@acme.test', slack_user_id: 'U0BOB' },
    ]);
    // The same name under case, accents and spaces is the same name.
    const moved = await run(csv('name,email,slack_user_id', 'robert  stone,rob@acme.test,U0BOB'));
    expect(moved).toEqual({ summary: 'reps: 1 row, 0 inserted, 1 updated, 0 unchanged', errors: '' });
    expect(await people()).toEqual([
      { name: 'robert stone', email: 'rob@acme.test', slack_user_id: 'U0BOB' },
    ]);
  });
});
