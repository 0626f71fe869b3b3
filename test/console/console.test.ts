import { beforeEach, expect, it } from 'vitest';
import { runConsole } from '../../src/app/console.js';
import type { Deps } from '../../src/deps.js';
import { describeDb } from '../helpers/db.js';
import { consoleDeps } from '../helpers/deps.js';
import { NOW, seedFixture } from '../slack/fixtures.js';

describeDb('the local console', (ctx) => {
  let deps: Deps;
  beforeEach(async () => {
    await seedFixture(ctx.db());
    deps = consoleDeps(ctx.database(), NOW);
  });

  const run = async (command: string, who?: string) => {
    const out: string[] = [];
    const code = await runConsole(deps, { command, ...(who ? { as: who } : {}), write: (t) => out.push(t) });
    return { code, text: out.join('\n') };
  };

  it('answers one command as the first admin by default, rendered readably', async () => {
    const { code, text } = await run('/metrics winrate org');
    expect(code).toBe(0);
    // Org: 5 won of 7 closed.
    expect(text).toContain('━━ Win rate · Whole org · Q4 2026');
    expect(text).toContain('*71.4%*  win rate');
    expect(text).toContain('Share in channel');
  });

  it('acts as the rep given with --as, with their permissions', async () => {
    const mine = await run('winrate', 'ana@example.com');
    expect(mine.text).toContain('Win rate · Ana López · Q4 2026');
    const other = await run('winrate Bob', 'ana@example.com');
    expect(other.text).toContain("Sorry — other people's numbers are for their managers");
  });

  it('shows unescaped names in the terminal', async () => {
    const { text } = await run('winrate team by rep', 'mia@example.com');
    expect(text).toContain('1. <!channel> & Co — 100.0%');
  });

  it('fails clearly for an unknown --as email', async () => {
    const { code, text } = await run('winrate', 'nobody@example.com');
    expect(code).toBe(1);
    expect(text).toContain('No active rep has the email nobody@example.com');
  });
});
