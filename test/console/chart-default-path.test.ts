import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { expect, it } from 'vitest';
import { defaultChartPath } from '../../src/console/chart.js';

it('writes a chart without a path to the OS temp folder, never the working directory', () => {
  const path = defaultChartPath({ kind: 'coach' });
  expect(path).toBe(join(tmpdir(), 'tally-coach.png'));
  expect(isAbsolute(path)).toBe(true);
  expect(path.startsWith(process.cwd())).toBe(false);
});
