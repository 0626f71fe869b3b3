import { WebClient } from '@slack/web-api';
import { expect, it } from 'vitest';
import { answerSlashCommand } from '../../src/app/metrics-command.js';
import { METRICS } from '../../src/metrics/index.js';
import { COULD_NOT_LOAD } from '../../src/slack/blocks/notice.js';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { slackRuleViolations } from '../helpers/slack-rules.js';
import { USERS } from './fixtures.js';
import { sendCommand, useRunningApp } from './harness.js';

/**
 * Issue 10, "done means": 10,000 generated command texts (grammar words, unicode, emoji, up to 10 KB,
 * `<!channel>`, object-key words, NUL, RTL marks, huge numbers), each answered through the same function
 * the slash-command listener uses (answerSlashCommand), plus a slice over real signed HTTP. Fails on any
 * "Couldn't load metrics", any reply breaking Slack's limits or escaping, any reply slower than 3 s.
 * Seeded, so a failure names a reproducible text.
 */
const SEED = 20261123;
const COUNT = 10_000;
const OVER_HTTP = 150;

/** mulberry32: a tiny seeded PRNG, enough for test inputs. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  ...METRICS.flatMap((m) => [m.id, ...m.aliases]),
  'me',
  'team',
  'org',
  'all',
  'by',
  'rep',
  'product',
  'source',
  'share',
  'help',
  'summary',
  'target',
  'set',
  'list',
  'digest',
  'add',
  'preview',
  'alerts',
  'sla',
  'today',
  'yesterday',
  'this',
  'last',
  'week',
  'month',
  'quarter',
  'year',
  'all time',
  'q3',
  'q3 2017',
  '30d',
  '0d',
  '2026-10',
  '2026-Q3',
  '2026-02-30..2026-03-01',
  '2026-10-31..2026-10-01',
  'last 99999999999 days',
  '1e308d',
  'EMEA',
  'AMER',
  'Ana',
  'lopez',
  '@ana',
  'mnth',
  'constructor',
  '__proto__',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<@U0ANA|ana>',
  '<@U0BOB>',
  '<@UNOBODY|x>',
  '<#C0SALES|sales>',
  '<mailto:bob@example.com|bob@example.com>',
  '<https://evil.example|click>',
  '&amp;',
  '&lt;',
  '&gt;',
  '&amp;lt;',
  '*bold*',
  '_it_',
  '~s~',
  '`c`',
  '```',
  '\u0000',
  '\u0007',
  '\u202E',
  '\u200F',
  '\u200B',
  '\uFEFF',
  '😀',
  '👩🏽‍💻',
  '🇩🇪',
  'Zoë',
  'Ñandú',
  'مرحبا',
  '日本語',
  'ß',
  '\uD800',
  '9'.repeat(40),
  '-1',
  'NaN',
  'Infinity',
];

function generate(next: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  const roll = next();
  if (roll < 0.01)
    return pick(WORDS)
      .repeat(1 + Math.floor(next() * 2_000))
      .slice(0, 10_240);
  if (roll < 0.03) {
    // Random code points, up to 10 KB.
    const n = Math.floor(next() * 10_240);
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCodePoint(Math.floor(next() * 0x2ffff));
    return s;
  }
  const n = 1 + Math.floor(next() * 7);
  return Array.from({ length: n }, () => pick(WORDS)).join(next() < 0.9 ? ' ' : '  ');
}

describeDb('fuzz: 10,000 command texts', (ctx) => {
  const stub = useSlackApiStub();
  const app = useRunningApp(ctx, stub);

  const problems = (
    text: string,
    reply: { text: string; blocks: never[] | object[] },
    ms: number,
  ): string[] => {
    const out = slackRuleViolations(reply as never).filter((v) => !v.includes('would be formatted'));
    if (reply.text.includes(COULD_NOT_LOAD) || JSON.stringify(reply.blocks).includes("Couldn't load metrics"))
      out.push("Couldn't load metrics");
    if (ms > 3_000) out.push(`slow: ${Math.round(ms)} ms`);
    return out.map((p) => `${JSON.stringify(text.slice(0, 120))}: ${p}`);
  };

  it('answers every text within Slack limits and escaping, in under 3 s, never "Couldn\'t load"', async () => {
    const next = rng(SEED);
    const client = new WebClient('xoxb-test-token', { slackApiUrl: stub.apiUrl });
    const users = [USERS.ada.id, USERS.ana.id, USERS.mia.id];
    const failures: string[] = [];
    for (let i = 0; i < COUNT && failures.length < 20; i++) {
      const text = generate(next);
      const started = performance.now();
      const reply = await answerSlashCommand(app.deps, client, {
        text,
        user_id: users[i % users.length]!,
        channel_id: 'C0SALES',
      });
      failures.push(...problems(text, reply, performance.now() - started));
    }
    expect(failures).toEqual([]);
  }, 600_000);

  it('answers a slice of them over real signed HTTP the same way', async () => {
    const next = rng(SEED + 1);
    const failures: string[] = [];
    for (let i = 0; i < OVER_HTTP; i++) {
      // Slack caps slash-command text at what a message holds; the form body carries it all the same.
      const text = generate(next);
      const started = performance.now();
      const { status, reply } = await sendCommand(app, stub, USERS.ada.id, text);
      if (status !== 200) failures.push(`${JSON.stringify(text.slice(0, 120))}: status ${status}`);
      failures.push(...problems(text, reply, performance.now() - started));
    }
    expect(failures).toEqual([]);
  }, 600_000);
});
