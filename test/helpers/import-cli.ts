import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** What one run of the import command gave: its exit code (99 when it had none) and its output. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The import command of one test file, over a throwaway PGlite data dir of its own. */
export interface ImportCli {
  /** The temp folder (`tally-<name>-…`): files written by `file`, and the data dir `data/` inside it. */
  dir: string;
  /** Runs `npm run import -- …args` (the same script, src/import/cli.ts) on `dir/data`, zone UTC. */
  run(args: string[]): Promise<CliRun>;
  /** Writes `text` to `dir/name`; returns its path. */
  file(name: string, text: string): string;
}

/** A temp folder and the import command over a PGlite data dir in it, for the test file that calls it. */
export function importCli(name: string): ImportCli {
  const dir = mkdtempSync(path.join(tmpdir(), `tally-${name}-`));
  const run = (args: string[]): Promise<CliRun> => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TALLY_DATA_DIR: path.join(dir, 'data'),
      LOG_LEVEL: 'silent',
      DEFAULT_TIMEZONE: 'UTC',
    };
    delete env.DATABASE_URL;
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', path.join(ROOT, 'src/import/cli.ts'), ...args],
        { cwd: ROOT, env },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : 99) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
  };
  const file = (fileName: string, text: string) => {
    const p = path.join(dir, fileName);
    writeFileSync(p, text);
    return p;
  };
  return { dir, run, file };
}
