import { Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { beforeEach, expect, it } from 'vitest';
import { runConsole } from '../../src/app/console.js';
import { readDataVersion } from '../../src/db/data-version.js';
import type { Deps } from '../../src/deps.js';
import { createMetricAnswers } from '../../src/metrics/index.js';
import { describeDb } from '../helpers/db.js';
import { consoleDeps } from '../helpers/deps.js';
import { addTeam } from '../metrics/fixtures.js';
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

  it('waits for a busy limiter instead of answering "busy": a person at the console gets the answer', async () => {
    // One slot, taken for longer than Slack's 2.5 s budget: a Slack ask would be told "busy"; the console waits.
    const answers = createMetricAnswers({ dataVersion: () => readDataVersion(ctx.db()), maxConcurrent: 1 });
    let release!: () => void;
    const held = answers.admit(() => new Promise<void>((r) => (release = r)));
    const timer = setTimeout(() => release(), 3_000);
    try {
      const out: string[] = [];
      const code = await runConsole(
        { ...deps, answers },
        { command: '/metrics winrate org', write: (t) => out.push(t) },
      );
      expect(out.join('\n')).not.toContain('busy');
      expect(out.join('\n')).toContain('*71.4%*  win rate');
      expect(code).toBe(0);
    } finally {
      clearTimeout(timer);
      release();
      await held;
    }
  }, 30_000);

  it("shows a coaching card's markers as emoji, never as raw codes (helper-213, finding 4)", async () => {
    const { code, text } = await run('/metrics coach me', 'ana@example.com');
    expect(code).toBe(0);
    expect(text).toContain('Coaching card · Ana López');
    expect(text).toMatch(/[🔸▫]/u);
    expect(text).not.toMatch(/:[a-z_]+:/);
  });

  it('acts as the rep given with --as, with their permissions', async () => {
    const mine = await run('winrate', 'ana@example.com');
    expect(mine.text).toContain('Win rate · Ana López · Q4 2026');
    const other = await run('winrate Bob', 'ana@example.com');
    expect(other.text).toContain("Sorry — other people's numbers are for their managers");
  });

  it('finds a person named by a whole email, with or without a leading @', async () => {
    for (const who of ['ana@example.com', '@ana@example.com']) {
      const { code, text } = await run(`/metrics winrate ${who}`);
      expect(text).toContain('Win rate · Ana López · Q4 2026');
      expect(code).toBe(0);
    }
  });

  // Tester (LOW): Slack sends `&` as `&amp;` and the app decodes it; the console read `&amp;` literally, so a
  // command copied from Slack's payload found no team "Sales & Success". Both spellings reach the team now.
  it('reads `&amp;` as the app does, so a team with `&` in its name is reachable either way', async () => {
    await addTeam(ctx.db(), 'Sales & Success');
    for (const typed of [
      'winrate "Sales & Success"',
      'winrate Sales & Success',
      'winrate Sales &amp; Success',
    ]) {
      const { code, text } = await run(typed);
      expect(text, typed).toContain('━━ Win rate · Sales & Success ·');
      expect(code, typed).toBe(0);
    }
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

  it('says there are reps but no admin or manager, and how to get one, when none of them is either', async () => {
    await ctx.db().execute(sql`update reps set role = 'rep'`);
    const count = await ctx.db().execute(sql`select count(*)::int as n from reps where active`);
    const n = (count as unknown as { rows: { n: number }[] }).rows[0]?.n ?? 0;
    expect(n).toBeGreaterThan(1);
    const nobody = `There are ${n} active reps, but none is an admin or a manager, so the console has nobody to act as by default.`;

    const once = await run('/metrics winrate org');
    expect(once.code).toBe(1);
    expect(once.text).toContain(nobody);
    expect(once.text).toContain('`as <email>`');
    expect(once.text).toContain('npm run import -- reps admins.csv');
    expect(once.text).not.toContain('no reps');

    // The interactive console's greeting and `whoami` say the same.
    const out: string[] = [];
    const code = await runConsole(deps, {
      input: Readable.from(['whoami\n', 'quit\n']),
      write: (t) => out.push(t),
    });
    expect(code).toBe(0);
    expect(out[0]).toBe(`Tally console — ${nobody} ${once.text.slice(once.text.indexOf('Act as'))}`);
    expect(out).toContain(`Nobody. ${once.text}`);
    // `as <email>` still works without an admin.
    expect((await run('winrate', 'ana@example.com')).text).toContain('Win rate · Ana López');
  });

  // Tester: with reps made from a CRM's owner names (no emails), the console said "act as one of them with
  // `as <email>`", which nothing could follow. It suggests a name then, and `as` takes names and #ids.
  it('suggests acting as someone by name when no rep has an email, and `as` takes that name', async () => {
    await ctx.db().execute(sql`update reps set role = 'rep', email = null`);
    const once = await run('/metrics winrate org');
    expect(once.code).toBe(1);
    expect(once.text).toContain(
      'Act as one of them by name with `as <name>` (or `--as "<name>"`), e.g. `as Ada Admin` (none has an email), or make someone an admin: import a reps CSV with a role column (`name,role` then e.g. `Ada Admin,admin`)',
    );
    expect(once.text).not.toContain('email>');
    // What it suggests works, in the one-shot form and at the prompt; names match as the data matches them.
    const asAda = await run('/metrics winrate org', 'Ada Admin');
    expect(asAda.code).toBe(0);
    expect(asAda.text).toContain('Win rate · Whole org');
    expect((await run('winrate', 'ana lopez')).text).toContain('Win rate · Ana López · Q4 2026');
    const ids = (await ctx.db().execute(sql`select id, name from reps order by id`)) as unknown as {
      rows: { id: number; name: string }[];
    };
    const bob = ids.rows.find((r) => r.name === 'Bob Baker')!.id;
    const { out } = await session([
      () => 'as  Ana  LÓPEZ ',
      () => `as #${bob}`,
      () => 'as Ana Lopes',
      () => 'whoami',
    ]);
    expect(out).toContain('You are now Ana López (rep).');
    expect(out).toContain('You are now Bob Baker (rep).');
    expect(out).toContain(
      'No active rep is called "Ana Lopes". Did you mean "Ana López"? Act as someone by email, name or #id.',
    );
    expect(out.at(-1)).toBe('Bob Baker (rep)');
    // Two reps of one name: refused, saying how to pick each.
    await ctx
      .db()
      .execute(sql`insert into reps (name, email, role) values ('Ana Lopez', 'ana2@example.com', 'rep')`);
    const ana = ids.rows.find((r) => r.name === 'Ana López')!.id;
    const twice = await run('winrate', 'ana lopez');
    expect(twice.code).toBe(1);
    expect(twice.text).toBe(
      `2 active reps are called "ana lopez": Ana López (\`as #${ana}\`), Ana Lopez (\`as ana2@example.com\`). Say which.`,
    );
    expect((await run('winrate', `#${ana}`)).text).toContain('Win rate · Ana López · Q4 2026');
  });

  // Tester: `as` alone was read as a metric ("I don't know `as`. Did you mean `ads`?"). It is the console's
  // own command missing its <who>: the answer is its usage, as the help describes it.
  it('answers a bare `as` with the usage of `as <who>`, not as a metric', async () => {
    const usage = 'Usage: `as <who>`: act as another rep, by email, name or #id (permissions follow them).';
    for (const line of ['as', 'as   ', 'AS', ' as\t']) {
      const once = await run(line);
      expect(once.text).toBe(usage);
      expect(once.code).toBe(1);
    }
    const { out } = await session([() => 'as', () => 'as   ', () => 'whoami']);
    // The greeting's help lists `as <who>` with the same words.
    expect(out.join('\n')).toContain(
      '  as <who>     act as another rep, by email, name or #id (permissions follow them)',
    );
    expect(out.filter((t) => t === usage)).toHaveLength(2);
    expect(out.join('\n')).not.toContain("I don't know");
    // Still acting as the first admin.
    expect(out.at(-1)).toBe('Ada Admin <ada@example.com> (admin)');
  });

  it('says there are no active reps yet when there are none', async () => {
    await ctx.db().execute(sql`update reps set active = false`);
    const { code, text } = await run('/metrics winrate org');
    expect(code).toBe(1);
    expect(text).toContain('There are no active reps in the database yet.');
  });

  /** An interactive session: `lines` typed one after another, each once the previous answer is written. */
  const session = async (lines: ((out: string[]) => string)[], who?: string) => {
    const out: string[] = [];
    async function* typed() {
      for (const line of lines) {
        const before = out.length;
        yield `${line(out)}\n`;
        while (out.length === before) await new Promise((r) => setTimeout(r, 20));
      }
      yield 'quit\n';
    }
    const code = await runConsole(deps, {
      ...(who ? { as: who } : {}),
      input: Readable.from(typed()),
      write: (t) => out.push(t),
    });
    return { code, out };
  };
  /** The number the console gave the last button labelled `label`, as typed to press it. */
  const buttonNumber = (out: string[], label: string) => {
    const shown = [...out.join('\n').matchAll(new RegExp(`\\[(\\d+)\\] ${label}`, 'g'))].pop();
    if (!shown) throw new Error(`no "${label}" button in:\n${out.join('\n')}`);
    return shown[1]!;
  };

  // Tester (LOW): pressing "Share in channel" twice at the console shared twice; Slack says "already shared".
  it('shares an answer once, as Slack does; a new answer may be shared again', async () => {
    const share = (o: string[]) => buttonNumber(o, 'Share in channel');
    const { out } = await session([
      () => '/metrics winrate org',
      share,
      share,
      () => '/metrics winrate org',
      share,
    ]);
    const [, first, second, , third] = out.slice(-5);
    expect(first).toContain('Shared by');
    expect(second).toContain('You already shared this answer in the channel.');
    expect(second).not.toContain('Shared by');
    expect(third).toContain('Shared by');
  });

  it('shows the by-rep breakdown when the digest preview\'s "By rep" button is pressed', async () => {
    const { out } = await session([() => '/metrics digest preview', (o) => buttonNumber(o, 'By rep')]);
    const pressed = out.at(-1) ?? '';
    expect(pressed).not.toContain('does nothing');
    expect(pressed).toContain('━━ By rep, November 2026');
    expect(pressed).toMatch(/1\. \S.* — /); // a ranked table, as in the digest's thread in Slack
  });

  it("keeps the digest's per-rep numbers to managers and admins when leaderboards are private", async () => {
    deps = { ...deps, config: { ...deps.config, leaderboardsPublic: false } };
    // The admin previews the digest; Bob, a rep, presses its button as he would in the team's channel.
    const { out } = await session([
      () => '/metrics digest preview',
      () => 'as bob@example.com',
      (o) => buttonNumber(o, 'By rep'),
    ]);
    expect(out.at(-1)).toContain('Per-rep numbers are for managers of this team and admins');
  });

  // Tester (LOW): pressing an answer's Chart button printed nothing (in Slack it uploads a picture); typing
  // `chart` drew it. The button now does what `chart` does.
  it('draws the chart when the Chart button is pressed, as typing `chart` does', async () => {
    const { out } = await session(
      [() => '/metrics winrate team by rep', (o) => buttonNumber(o, 'Chart'), () => 'chart'],
      'mia@example.com',
    );
    const [pressed, pressedAlt, typed, typedAlt] = out.slice(-4);
    expect(pressed).toMatch(/^Chart written to \S+tally-\S+\.png \(\d+×\d+ px\)$/);
    expect(pressedAlt).toContain('Win rate by rep for EMEA, Q4 2026');
    expect([typed, typedAlt]).toEqual([pressed, pressedAlt]);
  });
});
