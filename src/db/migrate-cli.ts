import { type CliArgs, parseCli } from '../cli/args.js';
import { loadConfig } from '../config.js';
import { messageForPeople } from '../errors.js';
import { createDb } from './client.js';
import { runMigrations } from './migrate.js';

const MIGRATE_USAGE = `Usage: npm run migrate
  Applies the migrations in migrations/ to DATABASE_URL (else the embedded PGlite database under
  TALLY_DATA_DIR), under an advisory lock. Exit 0 when the schema is current, 1 when it is not.
  --help   show this help`;

/** `npm run migrate`: exit 0 when the schema is current, 1 with one line on stderr when it is not. */
async function main(): Promise<void> {
  let cli: CliArgs;
  try {
    cli = parseCli(process.argv.slice(2), {});
  } catch (err) {
    console.error(`${(err as Error).message}\n${MIGRATE_USAGE}`);
    process.exit(2);
  }
  if (cli.help) {
    console.log(MIGRATE_USAGE);
    return;
  }
  const config = loadConfig();
  const database = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await runMigrations(database);
    console.log(`Migrations applied (${database.kind}).`);
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  console.error(`Migration failed: ${messageForPeople(err)}`);
  process.exit(1);
});
