import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planColumns } from '../../src/import/columns.js';
import { importCli } from '../helpers/import-cli.js';

const { dir, run: runCli, file } = importCli('counted');

// A fresh tester's import findings: "1 rows" in the summary and its warnings, and a header-only file
// that printed "0 rows, 0 inserted" with no word on why.
describe('import summary counts and a header-only file', () => {
  it('reads every count with its noun, one or many', async () => {
    const header = 'external_id,created_at,stage,closed_at,amount,outcome';
    const one = file(
      'one.csv',
      `${header}\nO-1,2026-01-05,Contract Sent,2026-02-01,100,\nO-2,2026-01-05,,2026-01-01,-5,won\n`,
    );
    const r = await runCli(['opportunities', one]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('opportunities: 2 rows, 2 inserted, 0 updated, 0 unchanged\n');
    expect(r.stderr).toContain(
      'warning: 1 row with a close date whose stage reads as open (line 2): stage "Contract Sent" has a close date',
    );
    expect(r.stderr).toContain('warning: 1 row with a close date before its create date (line 3)');
    expect(r.stderr).toContain('warning: 1 won deal with a zero or negative amount (line 3)');
    // A lost deal without a close date is refused: the one row is "1 row", in the refusal too.
    const refused = await runCli([
      'opportunities',
      file('lost.csv', `${header}\nO-3,2026-01-05,,,-1,lost\n`),
    ]);
    expect(refused.stdout).toBe(
      'opportunities: rejected, 1 invalid of 1 row; nothing imported (fix them or pass --skip-invalid)\n',
    );
    const single = await runCli(['opportunities', file('single.csv', `${header}\nO-3,2026-01-05,,,-1,\n`)]);
    expect(single.stdout).toBe('opportunities: 1 row, 1 inserted, 0 updated, 0 unchanged\n');
    expect(single.stderr).toContain('warning: 1 lost or open deal with a negative amount (line 2)');
    const dup = await runCli([
      'leads',
      file('dup.csv', 'external_id,created_at\nL-1,2026-01-05\nL-1,2026-01-06\n'),
    ]);
    expect(dup.stderr).toContain('warning: 1 duplicate external id in the file (line 3)');
  }, 120_000);

  // Second fresh tester (MED): "stored as given" warnings also counted rows refused at write (unknown owner).
  it("counts a row's own warnings only when the row is stored, not when the writer refused it", async () => {
    const r = await runCli([
      'opportunities',
      file(
        'owners.csv',
        'external_id,owner_email,created_at,closed_at,amount,outcome\n' +
          'N-1,nobody@example.com,2026-01-05,,-5,\n' +
          'N-2,,2026-01-05,,-7,\n' +
          'N-3,nobody@example.com,2026-02-05,2026-01-01,10,won\n',
      ),
      '--skip-invalid',
    ]);
    expect(r.stderr).toContain('line 2: owner_email');
    expect(r.stderr).toContain('line 4: owner_email');
    expect(r.stdout).toContain('1 inserted');
    expect(r.stderr).toContain('warning: 1 lost or open deal with a negative amount (line 3)');
    expect(r.stderr).not.toContain('close date before its create date');
  }, 120_000);

  // Fresh tester (HIGH): a stored row lost its warnings when a later row with its id was refused, and the
  // duplicate warning said the refused row won.
  it("counts the stored row's warnings when a later row with its id is refused", async () => {
    const people = file('people.csv', 'name,email\nAna,ana@example.com\n');
    expect((await runCli(['reps', people])).code).toBe(0);
    const r = await runCli([
      'opportunities',
      file(
        'repeat.csv',
        'external_id,created_at,owner_email,amount,stage,closed_at\n' +
          'P-1,2026-03-05,ana@example.com,-100,won,2026-03-01\n' +
          'P-1,2026-03-05,nobody@example.com,100,won,2026-03-08\n' +
          'P-2,2026-03-05,ana@example.com,5,won,2026-03-08\n' +
          'P-2,2026-03-05,ana@example.com,6,won,2026-03-09\n',
      ),
      '--skip-invalid',
    ]);
    expect(r.stderr).toContain('line 3: owner_email');
    expect(r.stderr).toContain('warning: 1 row with a close date before its create date (line 2)');
    expect(r.stderr).toContain('warning: 1 won deal with a zero or negative amount (line 2)');
    // P-2's repeat stands; P-1's refused repeat is no duplicate, and no line names it as the winner.
    expect(r.stderr).toContain('warning: 1 duplicate external id in the file (line 5)');
    expect(r.stderr).not.toContain('(line 3) wins');
  }, 120_000);

  it('says "would be stored" when the file was rejected and nothing was stored', async () => {
    const r = await runCli([
      'opportunities',
      file(
        'rejected.csv',
        'external_id,created_at,owner_email,amount,stage,closed_at\n' +
          'R-1,2026-03-05,,-100,won,2026-03-01\n' +
          'R-2,2026-03-05,nobody@example.com,100,won,2026-03-08\n',
      ),
    ]);
    expect(r.stdout).toContain('rejected');
    expect(r.stderr).toContain('(would be stored as given; the cycle counts as 0 days)');
    expect(r.stderr).not.toMatch(/[^e] stored as given/);
  }, 120_000);

  it('says a file with a header but no data rows has none, and still exits 0', async () => {
    const only = await runCli([
      'opportunities',
      file('header.csv', 'external_id,owner_name,account,stage,amount,currency,created_at,closed_at\n'),
    ]);
    expect(only).toEqual({
      code: 0,
      stdout: 'opportunities: 0 rows: the file has a header but no data rows; nothing imported\n',
      // Only the line naming the database written to (see formatTarget).
      stderr: `import: into the embedded database in ${path.join(dir, 'data')} (DATABASE_URL is not set)\n`,
    });
    const blanks = await runCli(['leads', file('blanks.csv', 'external_id,created_at\n,\n\n')]);
    expect(blanks.stdout).toBe(
      'leads: 0 rows: the file has a header but no data rows; nothing imported; 2 empty rows skipped (lines 2, 3)\n',
    );
  }, 120_000);

  // Fresh tester (LOW): a header-only file of the wrong export (no id column) exited 0 as "0 rows".
  it('refuses a header-only file whose header has no id column, naming the column it probably meant', async () => {
    const wrong = await runCli(['leads', file('wrong-header.csv', 'Lead ID,Owner,Created\n')]);
    expect(wrong.code).toBe(2);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr).toContain(
      'the header has no column for external_id: this does not read as leads; did you mean --map "Lead ID=external_id"?',
    );
  }, 120_000);

  it('names one header column as one column', () => {
    expect(() => planColumns(['id'], [['#2', 'external_id']], {}, ['external_id'])).toThrow(
      '--map #2=external_id: the header has 1 column',
    );
    expect(() => planColumns(['id'], [['#2', 'external_id']], {}, ['external_id'])).not.toThrow('1 columns');
  });
});
