/**
 * `npm run bench:import`: generates a 1,000,000-row opportunities file and a 1,000,000-row activities
 * file (canonical columns, deterministic), imports each into a fresh Postgres database, then imports
 * the same files again (which must change nothing), then an opportunities file whose first quarter is new
 * deals and the rest stored deals moved to another owner (a session's first updates touch no row, its
 * later ones thousands: the statement triggers' transition-table joins), and prints rows/s and peak RSS
 * per run.
 * BENCH_IMPORT_URL (default postgres://postgres@127.0.0.1:5432/tally_i14_bench) is created fresh and
 * dropped at the end. --rows N changes the file size.
 */
import { execFile } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const URL_ = process.env.BENCH_IMPORT_URL ?? 'postgres://postgres@127.0.0.1:5432/tally_i14_bench';
const i = process.argv.indexOf('--rows');
const ROWS = i >= 0 ? Number(process.argv[i + 1]) : 1_000_000;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function admin(statement: string): Promise<void> {
  const a = new URL(URL_);
  a.pathname = '/postgres';
  const client = new pg.Client({ connectionString: a.toString() });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Writes `rows` lines from `line(i)` with backpressure. */
async function writeFile(file: string, header: string, rows: number, line: (i: number) => string) {
  const out = createWriteStream(file);
  const write = (s: string) =>
    out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r()));
  await write(`${header}\n`);
  let chunk: string[] = [];
  for (let n = 0; n < rows; n += 1) {
    chunk.push(line(n));
    if (chunk.length === 10_000) {
      await write(`${chunk.join('\n')}\n`);
      chunk = [];
    }
  }
  if (chunk.length > 0) await write(`${chunk.join('\n')}\n`);
  await new Promise<void>((r) => out.end(() => r()));
}

const day = (n: number) => new Date(Date.UTC(2024, 0, 1) + (n % 700) * 86_400_000).toISOString().slice(0, 10);
const REPS = 200;

/** Opportunity `n`'s line; `shift` moves the deal to a later rep. */
function oppLine(n: number, shift = 0): string {
  const stages = ['Prospecting', 'Qualification', 'Closed Won', 'Closed Lost'];
  const stage = stages[n % 4]!;
  const closed = stage.startsWith('Closed') ? day(n + 30) : '';
  return `OPP-${n},Rep ${(n + shift) % REPS},Account ${n % 5000},${(n % 9000) + 100}.${String(n % 100).padStart(2, '0')},USD,${day(n)},${stage},${closed}`;
}

async function generate(dir: string) {
  const opps = path.join(dir, 'opportunities.csv');
  const moved = path.join(dir, 'opportunities-moved.csv');
  const acts = path.join(dir, 'activities.csv');
  const header = 'external_id,owner_name,account,amount,currency,created_at,stage,closed_at';
  await writeFile(opps, header, ROWS, (n) => oppLine(n));
  const fresh = Math.floor(ROWS / 4);
  await writeFile(moved, header, ROWS, (n) => (n < fresh ? oppLine(ROWS + n) : oppLine(n - fresh, 1)));
  const kinds = ['call', 'email', 'meeting'];
  await writeFile(
    acts,
    'external_id,rep_name,opportunity_external_id,kind,direction,occurred_at,duration_seconds,connected',
    ROWS,
    (n) => {
      const kind = kinds[n % 3]!;
      const call = kind === 'call';
      return `ACT-${n},Rep ${n % REPS},OPP-${(n * 7) % ROWS},${kind},outbound,${day(n)}T${String(8 + (n % 9)).padStart(2, '0')}:15:00Z,${call ? n % 600 : ''},${call ? (n % 3 === 0 ? 'true' : 'false') : ''}`;
    },
  );
  return { opps, acts, moved };
}

function runImport(entity: string, file: string): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      // A 256 MB old-space cap makes V8 collect before RSS balloons; a leak would fail here, not hide.
      // 32 MB semi-spaces, as `npm run import` runs: a batch that lives across a write dies young.
      [
        '--max-semi-space-size=32',
        '--max-old-space-size=256',
        '--import',
        'tsx',
        path.join(ROOT, 'bench/import-child.ts'),
        entity,
        file,
        URL_,
      ],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${entity} import failed: ${stderr.slice(-2000)}`));
        else resolve(JSON.parse(stdout.trim().split('\n').pop()!));
      },
    );
  });
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const dir = mkdtempSync(path.join(tmpdir(), 'tally-bench-import-'));
const name = new URL(URL_).pathname.slice(1);
if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unsupported database name ${name}`);
try {
  console.log(`generating ${fmt(ROWS)}-row files in ${dir} …`);
  const files = await generate(dir);
  await admin(`drop database if exists ${name} with (force)`);
  await admin(`create database ${name}`);
  const runs: [string, string, string][] = [
    ['opportunities', files.opps, 'first import'],
    ['activities', files.acts, 'first import'],
    ['opportunities', files.opps, 're-import'],
    ['activities', files.acts, 're-import'],
    ['opportunities', files.moved, 'owners moved'],
  ];
  console.log(
    `load before: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    'entity         run           rows        seconds   rows/s    peak RSS   inserted   updated  unchanged   skipped  JS CPU  PG CPU',
  );
  for (const [entity, file, label] of runs) {
    const r = await runImport(entity, file);
    console.log(
      `${entity.padEnd(14)} ${label.padEnd(12)} ${fmt(r.rows!).padStart(10)} ${(r.ms! / 1000).toFixed(1).padStart(9)} ${fmt(r.rows! / (r.ms! / 1000)).padStart(8)} ${`${r.maxRssMb} MB`.padStart(10)} ${fmt(r.inserted!).padStart(10)} ${fmt(r.updated!).padStart(9)} ${fmt(r.unchanged!).padStart(10)} ${fmt(r.skipped!).padStart(9)} ${`${r.jsCpu!.toFixed(1)} s`.padStart(7)} ${`${r.pgCpu!.toFixed(1)} s`.padStart(7)}${r.invalid ? `  INVALID ${r.invalid}: ${JSON.stringify(r.firstError)}` : ''}`,
    );
  }
  console.log(
    `load after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
  await admin(`drop database if exists ${name} with (force)`).catch(() => {});
}
