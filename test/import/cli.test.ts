import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client.js';
import { formatTarget } from '../../src/import/report.js';
import { failFirstInsert } from '../helpers/fail-once.js';
import { importCli } from '../helpers/import-cli.js';

const { dir, run: runCli, file } = importCli('cli');
/** The first line on stderr: the database the import writes to (here this file's embedded one). */
const into = `import: into the embedded database in ${path.join(dir, 'data')} (DATABASE_URL is not set)\n`;

describe('import CLI', () => {
  it('imports, rejects with line numbers, and exits with clear codes', async () => {
    const good = file('good.csv', 'id,created\nL-1,2026-11-20\nL-2,2026-11-21\n');
    const ok = await runCli(['leads', good, '--map', 'id=external_id', '--map', 'created=created_at']);
    expect(ok).toMatchObject({ code: 0, stdout: 'leads: 2 rows, 2 inserted, 0 updated, 0 unchanged\n' });

    const bad = file('bad.csv', 'external_id,created_at\nL-3,2026-11-20\nL-4,nope\n');
    const rejected = await runCli(['leads', bad]);
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toContain('line 3: created_at "nope" is not an ISO date');
    expect(rejected.stdout).toBe(
      'leads: rejected, 1 invalid of 2 rows; nothing imported (fix them or pass --skip-invalid)\n',
    );

    // Notices read like the other lines before the summary: no `import:` prefix, counted nouns.
    const extra = file('extra.csv', 'external_id,created_at,extra\nL-5,2026-11-20,x\n');
    const noticed = await runCli(['leads', extra]);
    expect(noticed.stderr).toBe(
      `${into}ignoring 1 column that is not a leads field: extra (use --map source=canonical to read it)\n`,
    );
    const extras = file('extras.csv', 'external_id,created_at,a,b\nL-6,2026-11-20,x,y\n');
    expect((await runCli(['leads', extras])).stderr).toBe(
      `${into}ignoring 2 columns that are not leads fields: a, b (use --map source=canonical to read one)\n`,
    );
    // Second fresh tester (LOW): a reps export headed "Full Name;E-Mail" got no --map hint.
    const reps = file('reps.csv', 'Full Name;E-Mail;Team;Notes\nAnn Lee;ann@example.com;Sales & Success;x\n');
    const repsRun = await runCli(['reps', reps, '--delimiter', ';']);
    expect(repsRun.stderr).toContain(
      'ignoring 3 columns that are not reps fields: Full Name, E-Mail, Notes (did you mean --map "Full Name=name" --map "E-Mail=email"?)\n',
    );
    expect(repsRun.stderr).toContain('line 2: name is required');

    const skipped = await runCli(['leads', bad, '--skip-invalid']);
    expect(skipped).toMatchObject({
      code: 0,
      stdout: 'leads: 2 rows, 1 inserted, 0 updated, 0 unchanged, 1 invalid skipped\n',
    });

    // Fresh tester helper-175: a file whose every row was refused exited 0 under --skip-invalid.
    const allBad = file('all-bad.csv', 'external_id,created_at\nL-7,nope\nL-8,2026-13-01\n');
    expect(await runCli(['leads', allBad, '--skip-invalid'])).toMatchObject({
      code: 1,
      stdout:
        'leads: 2 rows, 0 inserted, 0 updated, 0 unchanged, 2 invalid skipped; every row was invalid, so nothing was imported\n',
    });

    const usage = await runCli(['leads']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Usage: npm run import');
    expect((await runCli(['leads', path.join(dir, 'missing.csv')])).code).toBe(2);
  }, 120_000);

  it('reads the file again when the import lost a deadlock to another writer, and says so', async () => {
    // The data dir exists (the first test imported into it). The first insert of leads fails as the loser of
    // a deadlock does (SQLSTATE 40P01), later ones pass; the trigger stays (the data dir is this file's own).
    const database = await createDb({ dataDir: path.join(dir, 'data') });
    await failFirstInsert(database.db, 'leads', '40P01');
    await database.close();
    const f = file('deadlock.csv', 'external_id,created_at\nL-90,2026-11-20\nL-91,2026-11-21\n');
    const r = await runCli(['leads', f]);
    expect(r.stderr).toBe(
      into +
        'import: another writer (an ingest request or a second import) deadlocked with this import; nothing was written; reading the file again (attempt 2 of 3)\n',
    );
    expect(r).toMatchObject({ code: 0, stdout: 'leads: 2 rows, 2 inserted, 0 updated, 0 unchanged\n' });
  }, 120_000);

  it('says why a file cannot be read: no such file, is a directory', async () => {
    const missing = path.join(dir, 'nonexist', 'nonexist.csv');
    expect(await runCli(['leads', missing])).toMatchObject({
      code: 2,
      stderr: `import: cannot read ${missing}: no such file\n`,
    });
    expect(await runCli(['leads', dir])).toMatchObject({
      code: 2,
      stderr: `import: cannot read ${dir}: is a directory\n`,
    });
  }, 120_000);

  it('refuses a CSV syntax error as a file error (exit 2, one line, no stack)', async () => {
    const quote = file('quote.csv', 'external_id,created_at,product\nQ-1,2026-10-01,27" monitor\n');
    const refused = await runCli(['opportunities', quote]);
    expect(refused).toMatchObject({ code: 2, stdout: '' });
    expect(refused.stderr.startsWith(into)).toBe(true);
    expect(refused.stderr.slice(into.length)).toMatch(
      /^import: line 2: a stray quote in an unquoted cell .*\n$/,
    );
  }, 120_000);

  it('skips rows of only delimiters or spaces and ends the summary with their count and lines', async () => {
    const empty = file('empty.csv', 'external_id,created_at\nL-9,2026-11-20\n,\n \n');
    expect(await runCli(['leads', empty])).toMatchObject({
      code: 0,
      stdout: 'leads: 1 row, 1 inserted, 0 updated, 0 unchanged; 2 empty rows skipped (lines 3, 4)\n',
    });
  }, 120_000);

  // Fresh tester helper-503 (HIGH): two runs of one file 2 s apart both said "120,000 inserted; created 40
  // reps", and the Postgres database showed one write. Nothing said which database a run wrote to: a run
  // started without DATABASE_URL imports into the embedded database, silently. The first line says it.
  it('says first which database it writes to, naming no user or password', async () => {
    const f = file('target.csv', 'external_id,created_at\nL-50,2026-11-20\n');
    const r = await runCli(['leads', f]);
    expect(r).toMatchObject({
      code: 0,
      stderr: into,
      stdout: 'leads: 1 row, 1 inserted, 0 updated, 0 unchanged\n',
    });
    expect(formatTarget('postgres://tally:s3cret@db.example.com:6432/sales?sslmode=require', '.tally')).toBe(
      'import: into database "sales" on db.example.com:6432',
    );
    expect(formatTarget('postgres://postgres@127.0.0.1/test', '.tally')).toBe(
      'import: into database "test" on 127.0.0.1',
    );
    expect(formatTarget('postgresql:///tally?host=/var/run/postgresql', '.tally')).toBe(
      'import: into database "tally" on the local socket /var/run/postgresql',
    );
    expect(formatTarget(undefined, '/srv/tally/data')).toBe(
      'import: into the embedded database in /srv/tally/data (DATABASE_URL is not set)',
    );
  }, 120_000);
});
