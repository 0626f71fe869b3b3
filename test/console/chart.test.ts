import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runConsole } from '../../src/app/console.js';
import { parseConsoleArgs } from '../../src/console/args.js';
import type { Deps } from '../../src/deps.js';
import { describeDb } from '../helpers/db.js';
import { consoleDeps } from '../helpers/deps.js';
import { decodePng } from '../helpers/png.js';
import { NOW, seedFixture } from '../slack/fixtures.js';

describe('console --chart argument', () => {
  it('reads --chart with a file name, and refuses it without one or without a command', () => {
    expect(parseConsoleArgs(['winrate', '--chart', 'out.png'])).toEqual({
      command: 'winrate',
      chart: 'out.png',
    });
    expect(parseConsoleArgs(['--chart=x.png', 'calls'])).toEqual({ command: 'calls', chart: 'x.png' });
    expect(parseConsoleArgs(['winrate', '--chart'])).toEqual({
      error: '--chart needs a file name, e.g. --chart out.png',
    });
    expect(parseConsoleArgs(['--chart', 'out.png'])).toHaveProperty('error');
  });
});

describeDb('charts in the local console', (ctx) => {
  let deps: Deps;
  let dir: string;
  beforeEach(async () => {
    await seedFixture(ctx.db());
    dir = await mkdtemp(join(tmpdir(), 'tally-chart-'));
    deps = consoleDeps(ctx.database(), NOW);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const run = async (command: string, as: string, chart: string) => {
    const out: string[] = [];
    const code = await runConsole(deps, { command, as, chart, write: (t) => out.push(t) });
    return { code, text: out.join('\n') };
  };

  it('writes the answer’s chart as a PNG and prints its path and alt text', async () => {
    const path = join(dir, 'winrate.png');
    const { code, text } = await run('winrate team by rep', 'mia@example.com', path);
    expect(code).toBe(0);
    expect(text).toContain(`Chart written to ${path} (`);
    expect(text).toContain('Win rate by rep for EMEA, Q4 2026');
    const png = decodePng(await readFile(path));
    expect(text).toContain(`(${png.width}×${png.height} px)`);
  });

  it('draws a coaching card’s chart', async () => {
    const path = join(dir, 'coach.png');
    const { code, text } = await run('coach Ana last month', 'mia@example.com', path);
    expect(code).toBe(0);
    expect(text).toContain('Coaching card · Ana López · October 2026');
    expect(text).toContain("Ana López's percentile in the team");
    expect(decodePng(await readFile(path)).width).toBeGreaterThan(1_000);
  });

  it('says so when the last answer has no chart, and writes nothing', async () => {
    const path = join(dir, 'none.png');
    const { code, text } = await run('help', 'mia@example.com', path);
    expect(code).toBe(1);
    expect(text).toContain('`chart` draws the last answer');
    await expect(readFile(path)).rejects.toThrow();
  });
});
