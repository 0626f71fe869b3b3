#!/usr/bin/env node
// `npm run build`: compiles src/ and commands/ to dist/ with tsc, copies the SQL migrations beside them
// (dist/src/db/migrate.js finds them at ../../migrations), and writes dist/main.js, the entry point that
// `npm start` and the Docker image run. Exits with tsc's status on a type error.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

/** Builds dist/ from scratch; returns the exit code (0 = built). */
export function build() {
  rmSync(dist, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) return result.status ?? 1;
  cpSync(join(root, 'migrations'), join(dist, 'migrations'), { recursive: true });
  mkdirSync(dist, { recursive: true });
  writeFileSync(
    join(dist, 'main.js'),
    "// Built by scripts/build.mjs: the service's entry point.\nimport './src/main.js';\n",
  );
  writeFileSync(
    join(dist, 'console.js'),
    "// Built by scripts/build.mjs: `npm run console` without tsx.\nimport './src/console-main.js';\n",
  );
  writeFileSync(join(dist, '.built'), `${new Date().toISOString()}\n`);
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const code = build();
  if (code === 0) console.error(`Built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  process.exit(code);
}
