import { loadConfig } from '../config.js';
import { createDb } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';
import { messageForPeople } from '../errors.js';
import { parseSeedArgs } from './args.js';
import { ensureBenchData } from './bench.js';
import { formatCounts, seedDemo } from './seed.js';
import { clearSeededTables } from './seed-runs.js';

/** `npm run seed -- …`: generates the demo org (or the bench data set) into the configured database. */
async function main(): Promise<number> {
  const parsed = parseSeedArgs(process.argv.slice(2));
  if (!parsed.ok) {
    if (parsed.help) {
      console.log(parsed.message);
      return 0;
    }
    console.error(parsed.message);
    return 2;
  }
  const args = parsed.args;
  const config = loadConfig();
  const database = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const progress = (line: string) => console.log(line);
  try {
    await runMigrations(database);
    const now = args.now ?? new Date();
    console.log(`Seeding ${database.kind} (data ends ${now.toISOString()})`);
    if (args.profile === 'bench') {
      const result = await ensureBenchData(database, { now, progress, seed: args.seed, reset: args.reset });
      console.log(
        `${result.reused ? 'Reused the existing bench data set' : `Bench data seeded in ${(result.ms / 1000).toFixed(0)} s`}: ${formatCounts(result.counts)}`,
      );
      return 0;
    }
    if (args.reset) {
      await clearSeededTables(database.db);
      console.log('Emptied the seeded tables (--reset).');
    }
    const { reset: _reset, profile: _profile, ...sizes } = args;
    const defined = Object.fromEntries(Object.entries(sizes).filter(([, v]) => v !== undefined));
    await seedDemo(database, { ...defined, now, progress, profile: 'custom' });
    return 0;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`Seed failed: ${messageForPeople(err)}`);
    process.exit(1);
  },
);
