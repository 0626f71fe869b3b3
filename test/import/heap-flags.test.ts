import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

/** The V8 heap flags (`--max-…-size=N`) in a piece of text, sorted. */
const heapFlags = (text: string) => [...text.matchAll(/--max-[a-z-]+-size=\d+/g)].map((m) => m[0]).sort();

it('runs `npm run import` with the heap caps bench:import measures (old space 256 MB, 32 MB semi-spaces)', () => {
  const script = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.import!;
  const bench = heapFlags(read('bench/import.ts'));
  expect(bench).toEqual(['--max-old-space-size=256', '--max-semi-space-size=32']);
  expect(heapFlags(script)).toEqual(bench);
});
