import { describe, expect, it } from 'vitest';
import { answerState } from '../../src/answers/answer.js';
import type { Caller } from '../../src/core/types.js';
import type { Db } from '../../src/db/client.js';
import { activities } from '../../src/db/schema/index.js';
import {
  type EmailTemplates,
  getEmailTemplates,
  getMetric,
  noTemplateNote,
  spellingNotes,
} from '../../src/metrics/index.js';
import { describeDb } from '../helpers/db.js';
import { consoleDeps } from '../helpers/deps.js';
import { addRep } from '../metrics/fixtures.js';

// Monday 23 November 2026, 12:00 UTC: "last month" is October 2026.
const NOW = new Date('2026-11-23T12:00:00Z');
const ZWJ = '\u200D';
let n = 0;

/** `count` outbound emails by `rep` in October from `template`, the first `opened` opened, the first `replied` replied. */
async function send(
  db: Db,
  rep: number,
  template: string | null,
  count: number,
  opened: number,
  replied: number,
) {
  await db.insert(activities).values(
    Array.from({ length: count }, (_, i) => ({
      externalId: `tpl-${++n}`,
      repId: rep,
      kind: 'email' as const,
      direction: 'outbound' as const,
      occurredAt: new Date('2026-10-14T09:00:00Z'),
      emailTemplate: template,
      emailOpenedAt: i < opened ? new Date('2026-10-14T10:00:00Z') : null,
      emailRepliedAt: i < replied ? new Date('2026-10-14T11:00:00Z') : null,
    })),
  );
}

/**
 * October's emails, by hand:
 * - Intro v2: "Intro v2" 5 + "  Intro v2\t" 1 (the same spelling once trimmed) = 6 sent, 3 opened, 2 replied;
 *   "intro  v2" 3 sent, 1 opened, 1 replied; " INTRO V2" 1 sent, none opened. One template: 10 sent,
 *   4 opened (40.0%), 3 replied (30.0%), shown as "Intro v2" (6 of 10), also recorded as "intro  v2" (3),
 *   then "INTRO V2" (1).
 * - Follow-up: "follow-up" 2 sent, 1 opened, 1 replied; "Follow-up" 2 sent, 2 opened, none replied. A tie
 *   (2 and 2), broken in COLLATE "C" (byte) order: "F" (0x46) before "f" (0x66), so "Follow-up". 4 sent,
 *   3 opened (75.0%), 1 replied (25.0%).
 * - No template: 2 without one and 1 of only spaces: 3 sent, none opened or replied.
 * - "Promo_A & <B>" 1 sent, 1 opened; "promo_a & <b>" 1 sent: a tie, "P" before "p". 2 sent, 1 opened
 *   (50.0%), none replied (0.0%). Its note carries mrkdwn markers and `& < >` to escape.
 * Rows by sent, most first, No template last (1a3beeb): Intro v2 (10), Follow-up (4), Promo_A & <B> (2), No
 * template (3). No template
 * has 100 sends, so the two best by reply rate are compared without a test: Intro v2 30.0%, Follow-up 25.0%.
 */
async function seed(db: Db): Promise<number> {
  const ana = await addRep(db, 'Ana');
  await send(db, ana, 'Intro v2', 5, 3, 2);
  await send(db, ana, '  Intro v2\t', 1, 0, 0);
  await send(db, ana, 'intro  v2', 3, 1, 1);
  await send(db, ana, ' INTRO V2', 1, 0, 0);
  await send(db, ana, 'follow-up', 2, 1, 1);
  await send(db, ana, 'Follow-up', 2, 2, 0);
  await send(db, ana, null, 2, 0, 0);
  await send(db, ana, '   ', 1, 0, 0);
  await send(db, ana, 'Promo_A & <B>', 1, 1, 0);
  await send(db, ana, 'promo_a & <b>', 1, 0, 0);
  return ana;
}

const org = { kind: 'org' as const };

/** The texts of a message's context blocks, in order. */
function contextTexts(blocks: readonly unknown[]): string[] {
  return blocks.flatMap((b) => {
    const block = b as { type: string; elements?: { text?: string }[] };
    return block.type === 'context' ? (block.elements ?? []).map((e) => e.text ?? '') : [];
  });
}

/** `/metrics emails org last month by template`, asked by `rep` as an admin, on 23 November 2026. */
function askByTemplate(database: Parameters<typeof consoleDeps>[0], rep: number) {
  const caller: Caller = {
    slackUserId: 'UADMIN',
    repId: rep,
    name: 'Ana',
    email: null,
    role: 'admin',
    teamIds: [],
    managedTeamIds: [],
    timezone: null,
  };
  return answerState(
    consoleDeps(database, NOW),
    caller,
    { metric: 'emails', scope: org, period: 'last month', by: 'template' },
    { now: NOW, share: false },
  );
}

describeDb('email templates recorded under several spellings', (ctx) => {
  it('groups spellings that differ in case or whitespace into one template, under its most used spelling', async () => {
    const db = ctx.db();
    await seed(db);
    const deps = { db, defaultTimezone: 'UTC', now: NOW };
    const t = await getEmailTemplates(deps, { scope: org, period: '2026-10' });
    expect(
      t.rows.map((r) => [r.template, r.alsoRecordedAs, r.sent, r.opened, r.replied, r.openRate, r.replyRate]),
    ).toEqual([
      ['Intro v2', ['intro  v2', 'INTRO V2'], 10, 4, 3, 0.4, 0.3],
      ['Follow-up', ['follow-up'], 4, 3, 1, 0.75, 0.25],
      [null, [], 3, 0, 0, 0, 0],
      ['Promo_A & <B>', ['promo_a & <b>'], 2, 1, 0, 0.5, 0],
    ]);
    expect(t.verdict).toBe(
      'Not enough data yet to call it: Intro v2 replies 30.0%, Follow-up 25.0% (n = 10 / 4); the test needs at least 100 emails per template and at least 5 replies and 5 non-replies expected in each.',
    );
    // The split of the `emails` metric groups and labels its segments the same way.
    const split = await getMetric(deps, { metric: 'emails', scope: org, period: '2026-10', by: 'template' });
    expect(split.value).toEqual({ kind: 'value', value: 19 });
    expect(split.segments?.rows.map((r) => [r.label, r.value])).toEqual([
      ['Intro v2', { kind: 'value', value: 10 }],
      ['Follow-up', { kind: 'value', value: 4 }],
      ['Promo_A & <B>', { kind: 'value', value: 2 }],
      ['No template', { kind: 'value', value: 3 }],
    ]);
  });

  /**
   * By hand: "Intro v2" 3 sent + "Intro\u00a0v2" (a no-break space) 2 + "\u00a0Intro v2\u202f" 1 = one template
   * of 6, shown as "Intro v2" (3 of 6), the no-break spelling named once (the edges are trimmed, so the third is
   * "Intro v2" itself); "Zerowidth" 2 + "Zero\u200bwidth" 1 + "Zero\u00adwidth" 1 + "\u200fZerowidth" 1 (trimmed:
   * "Zerowidth") = one of 5, shown as "Zerowidth" (3 of 5); a name of only a
   * zero-width space and a byte-order mark is no template (1).
   */
  it('groups names that differ by a no-break space or an invisible character into one template', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    await send(db, ana, 'Intro v2', 3, 0, 0);
    await send(db, ana, 'Intro\u00a0v2', 2, 0, 0);
    await send(db, ana, '\u00a0Intro v2\u202f', 1, 0, 0);
    await send(db, ana, 'Zerowidth', 2, 0, 0);
    await send(db, ana, 'Zero\u200bwidth', 1, 0, 0);
    // A soft hyphen inside and a right-to-left mark at the edge show nothing either (as loss reasons).
    await send(db, ana, 'Zero\u00adwidth', 1, 0, 0);
    await send(db, ana, '\u200fZerowidth', 1, 0, 0);
    await send(db, ana, '\u200b\ufeff', 1, 0, 0);
    const deps = { db, defaultTimezone: 'UTC', now: NOW };
    const t = await getEmailTemplates(deps, { scope: org, period: '2026-10' });
    expect(t.rows.map((r) => [r.template, r.alsoRecordedAs, r.sent])).toEqual([
      ['Intro v2', ['Intro\u00a0v2'], 6],
      ['Zerowidth', ['Zero\u00adwidth', 'Zero\u200bwidth'], 5],
      [null, [], 1],
    ]);
    const split = await getMetric(deps, { metric: 'emails', scope: org, period: '2026-10', by: 'template' });
    expect(split.segments?.rows.map((r) => [r.label, r.value])).toEqual([
      ['Intro v2', { kind: 'value', value: 6 }],
      ['Zerowidth', { kind: 'value', value: 5 }],
      ['No template', { kind: 'value', value: 1 }],
    ]);
  });

  it('picks the label by use first, then by byte order (COLLATE "C"), and orders tied rows the same way', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    // "b2" is used twice, "B2" once: use decides, though "B2" comes first in byte order.
    await send(db, ana, 'B2', 1, 0, 0);
    await send(db, ana, 'b2', 2, 1, 1);
    // Three spellings once each: byte order, upper case first.
    await send(db, ana, 'c 3', 1, 0, 0);
    await send(db, ana, 'C 3', 1, 0, 0);
    await send(db, ana, 'C  3', 1, 0, 0);
    const t = await getEmailTemplates(
      { db, defaultTimezone: 'UTC', now: NOW },
      { scope: org, period: '2026-10' },
    );
    expect(t.rows.map((r) => [r.template, r.alsoRecordedAs, r.sent])).toEqual([
      ['C  3', ['C 3', 'c 3'], 3],
      ['b2', ['B2'], 3],
    ]);
  });

  it('notes the other spellings in the answer, escaped for mrkdwn like names from data', async () => {
    const ana = await seed(ctx.db());
    const reply = await askByTemplate(ctx.database(), ana);
    const notes = contextTexts(reply.message.blocks).filter((t) => t.includes('also recorded as'));
    expect(notes).toEqual([
      ':information_source: Intro v2 also recorded as “intro  v2” and “INTRO V2”',
      ':information_source: Follow-up also recorded as “follow-up”',
      `:information_source: Promo${ZWJ}_${ZWJ}A &amp; &lt;B&gt; also recorded as “promo${ZWJ}_${ZWJ}a &amp; &lt;b&gt;”`,
    ]);
    // The notes come after the template lines and before the verdict.
    const all = contextTexts(reply.message.blocks).join('\n');
    const lastLine = all.indexOf(': 2 sent · open 50.0% · reply 0.0%');
    expect(lastLine).toBeGreaterThan(0);
    expect(lastLine).toBeLessThan(all.indexOf('Intro v2 also recorded as'));
    expect(all.indexOf(`Promo${ZWJ}_${ZWJ}A &amp;`)).toBeLessThan(all.indexOf('Not enough data yet'));
    // The template lines and the verdict carry the same neutralised name, never a bare `_` Slack would read.
    expect(all).toContain(`Promo${ZWJ}_${ZWJ}A &amp; &lt;B&gt;: 2 sent · open 50.0% · reply 0.0%`);
    expect(all).not.toMatch(/Promo_A/);
  });
});

/** The texts of a message's section blocks, in order. */
function sectionTexts(blocks: readonly unknown[]): string[] {
  return blocks.flatMap((b) => {
    const block = b as { type: string; text?: { text?: string } };
    return block.type === 'section' && block.text?.text ? [block.text.text] : [];
  });
}

/**
 * Tester (LOW): the template rows read "1. Intro B — 150 _n=150_": the count of emails is the row's n, so
 * "n=" only repeated it. And the emails without a template were a row but left out of the comparison
 * without a word.
 */
describeDb('the rows and the caveat of an email A/B answer', (ctx) => {
  it('shows a count row without repeating its n, and says the emails without a template are not compared', async () => {
    const ana = await seed(ctx.db());
    const reply = await askByTemplate(ctx.database(), ana);
    const table = sectionTexts(reply.message.blocks).find((t) => t.startsWith('1. '));
    expect(table).toBe(
      `1. Intro v2 — 10\n2. Follow-up — 4\n3. Promo${ZWJ}_${ZWJ}A &amp; &lt;B&gt; — 2\n4. No template — 3`,
    );
    const notes = contextTexts(reply.message.blocks);
    const verdict = notes.findIndex((t) => t.includes('Not enough data yet to call it'));
    expect(verdict).toBeGreaterThan(0);
    expect(notes[verdict + 1]).toBe(
      ':information_source: No template (3 emails sent with no template recorded in the CRM) is not part of the comparison.',
    );
  });

  it('has no caveat when every email had a template', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    await send(db, ana, 'Alpha', 3, 1, 1);
    await send(db, ana, 'Beta', 2, 1, 0);
    const reply = await askByTemplate(ctx.database(), ana);
    const all = contextTexts(reply.message.blocks).join('\n');
    expect(all).toContain('Not enough data yet to call it');
    expect(all).not.toContain('not part of the comparison');
  });
});

describeDb('an email A/B answer with many templates', (ctx) => {
  /**
   * October, by hand: Alpha 150 sent (36 replied) + "alpha" 5 (none) = 155 sent, 36 replied (23.2%); Beta 150
   * (15 replied) + "BETA" 5 = 155 sent, 15 replied (9.7%); ten more templates "Small C"…"Small L", 8 sent each,
   * none replied. Twelve templates: ten lines, then "…and 2 more templates". The two with at least 100 sends
   * are compared: z ≈ 3.3, p ≈ 0.001 < 0.05, so the verdict calls Alpha the better. Twelve lines, two spelling
   * notes and a verdict are more than a context block's ten elements: none may be lost.
   */
  it('keeps the verdict and every spelling note when the templates fill the message', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    await send(db, ana, 'Alpha', 150, 60, 36);
    await send(db, ana, 'alpha', 5, 0, 0);
    await send(db, ana, 'Beta', 150, 40, 15);
    await send(db, ana, 'BETA', 5, 0, 0);
    for (const c of 'CDEFGHIJKL') await send(db, ana, `Small ${c}`, 8, 0, 0);
    const reply = await askByTemplate(ctx.database(), ana);
    for (const b of reply.message.blocks as { type: string; elements?: unknown[] }[])
      if (b.type === 'context') expect(b.elements!.length).toBeLessThanOrEqual(10);
    const all = contextTexts(reply.message.blocks).join('\n');
    expect(all).toContain('Alpha: 155 sent · open 38.7% · reply 23.2%');
    expect(all).toContain('Small J: 8 sent');
    expect(all).not.toContain('Small K: 8 sent');
    expect(all).toContain('…and 2 more templates');
    expect(all).toContain('Alpha also recorded as “alpha”');
    expect(all).toContain('Beta also recorded as “BETA”');
    expect(all).toMatch(
      /Alpha's reply rate is higher than Beta's \(23\.2% vs 9\.7%\), and the gap is unlikely to be chance/,
    );
  });
});

describe('spelling notes', () => {
  const row = (template: string | null, alsoRecordedAs: string[]) => ({
    template,
    alsoRecordedAs,
    sent: 1,
    opened: 0,
    replied: 0,
    openRate: 0,
    replyRate: 0,
  });
  const period = {
    label: 'October 2026',
    start: new Date('2026-10-01T00:00:00Z'),
    end: new Date('2026-11-01T00:00:00Z'),
  };
  const templates = (rows: ReturnType<typeof row>[]) =>
    ({ period, rows, test: null, verdict: null }) as unknown as EmailTemplates;

  it('names up to three other spellings, then counts the rest; none for one spelling or no template', () => {
    expect(
      spellingNotes(
        templates([
          row('Demo', ['demo', 'DEMO', 'DeMo', 'dEmo']),
          row('Demo 2', ['demo 2', 'DEMO 2', 'DeMo 2', 'dEmo 2', 'demo  2']),
          row('Solo', []),
          row(null, []),
          row('Pair', ['pair']),
          row('Three', ['three', 'THREE']),
          row('Four', ['four', 'FOUR', 'fOUR']),
        ]),
      ),
    ).toEqual([
      'Demo also recorded as “demo”, “DEMO”, “DeMo” and 1 other spelling',
      'Demo 2 also recorded as “demo 2”, “DEMO 2”, “DeMo 2” and 2 other spellings',
      'Pair also recorded as “pair”',
      'Three also recorded as “three” and “THREE”',
      'Four also recorded as “four”, “FOUR” and “fOUR”',
    ]);
  });

  it('says the emails without a template are not compared, only when there are some and a verdict', () => {
    const compared = (rows: ReturnType<typeof row>[]) =>
      ({ period, rows, test: null, verdict: 'A verdict.' }) as unknown as EmailTemplates;
    const none = { ...row(null, []), sent: 2028 };
    expect(noTemplateNote(compared([row('A', []), row('B', []), none]))).toBe(
      'No template (2,028 emails sent with no template recorded in the CRM) is not part of the comparison.',
    );
    expect(noTemplateNote(compared([row('A', []), row('B', []), row(null, [])]))).toBe(
      'No template (1 email sent with no template recorded in the CRM) is not part of the comparison.',
    );
    expect(noTemplateNote(compared([row('A', []), row('B', [])]))).toBeNull();
    // No verdict (fewer than two templates): there is no comparison to leave them out of.
    expect(noTemplateNote(templates([row('A', []), none]))).toBeNull();
  });

  it('passes every name through `show`', () => {
    expect(spellingNotes(templates([row('a*b', ['A*B'])]), (s) => `[${s}]`)).toEqual([
      '[a*b] also recorded as “[A*B]”',
    ]);
  });
});
