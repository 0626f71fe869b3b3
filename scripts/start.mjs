#!/usr/bin/env node
// `npm start`: runs the built service (dist/main.js), building it first when dist/ is missing or older than
// any source, migration or build setting, so `npm ci && npm start` works on a fresh clone. Production
// images run `node dist/main.js` directly (see Dockerfile).
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from './build.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const INPUTS = ['src', 'commands', 'migrations', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];

/** The newest modification time (ms) under `path`, 0 when it does not exist. */
function newest(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let max = stat.mtimeMs;
  for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)));
  return max;
}

const builtAt = newest(join(root, 'dist', '.built'));
const sourcesAt = Math.max(...INPUTS.map((p) => newest(join(root, p))));
if (builtAt === 0 || sourcesAt > builtAt) {
  process.stderr.write(builtAt === 0 ? 'Building Tally (first run)…\n' : 'Sources changed: rebuilding…\n');
  const code = build();
  if (code !== 0) process.exit(code);
}
await import('../dist/main.js');
