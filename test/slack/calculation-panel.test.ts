import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { accounts, activities, contracts, leads, opportunities } from '../../src/db/schema/index.js';
import { COMPUTERS } from '../../src/metrics/compute/registry.js';
import { getMetric, setTarget } from '../../src/metrics/index.js';
import type { MetricId, MetricResult } from '../../src/metrics/types.js';
import { buildCalculationMessage, formatInput } from '../../src/slack/blocks/calculation.js';
import { describeDb } from '../helpers/db.js';
import { addRep, addTeam } from '../metrics/fixtures.js';

// Monday 23 Nov 2026, 12:00 UTC: this quarter is Q4 2026, this month November, last quarter Q3.
const now = new Date('2026-11-23T12:00:00Z');
const org = { kind: 'org' as const };
let seq = 0;
const ext = (p: string) => `${p}-${++seq}`;

/**
 * A hand-made org touching every metric. Hand-computed figures (USD unless said):
 * - Won in Q4 (created 1 Oct 00:00): W1 1,234.56 (closed 11 Oct 06:00, A1), W2 5,000.00 (31 Oct 12:00, A3),
 *   W3 10,000.01 (5 Nov, A1), W4 2,500.00 (20 Nov 18:00). Sum 18,734.57, n 4 → deal size 4,683.6425.
 *   Cycles 10.25, 30.5, 35, 50.75 days → median 32.75. November revenue W3 + W4 = 12,500.01.
 * - Lost in Q4: 2 → win rate 4 ÷ 6. Open O1 50,000.00 (expected 15 Dec), O2 33,333.33 (20 Dec), both
 *   created in November; revenue target 100,000.00 a quarter → coverage 83,333.33 ÷ (100,000 − 18,734.57).
 * - Leads created in November answered after 100 s, 250 s, 401 s, 7,205 s, one unanswered → median 325.5 s.
 *   Qualified in October 3, 1 converted → 33.3 %. Lead-to-close in Q4: 19, 41, 35 days → median 35.
 * - Accounts: A1 (2025-01), A2 (2025-02, churned 15 Aug 2026), A3 (2025-03), A4 (2025-04), A5 (10 Aug 2026).
 *   Retention Q3: S 4, E 4, N 1 → 75 %. CLV: revenue 16,234.57 (W1–W3), customers 5, margin 80 %, lost 1 of
 *   4 → 1,039,012.48 minor, stored whole: $10,390.12. ARR now: C1 10,000.00 over 18 whole calendar months,
 *   1.5 years (666,666.67 minor a year) + C2 10 × 120.00 + C3 3 × 99.99 = $8,166.64; ARPU 1,499.97 ÷ 13 licenses.
 * - This week: 3 outbound calls, 2 emails; this month 1 meeting booked.
 */
async function seedOrg(db: Db): Promise<void> {
  const team = await addTeam(db, 'EMEA');
  const ana = await addRep(db, 'Ana', team);
  const acct = await db
    .insert(accounts)
    .values(
      [
        ['2025-01-01', null],
        ['2025-02-01', '2026-08-15'],
        ['2025-03-01', null],
        ['2025-04-01', null],
        ['2026-08-10', null],
      ].map(([became, churned], i) => ({
        externalId: `A${i + 1}`,
        name: `A${i + 1}`,
        becameCustomerAt: new Date(`${became}T00:00:00Z`),
        churnedAt: churned ? new Date(`${churned}T00:00:00Z`) : null,
      })),
    )
    .returning({ id: accounts.id });
  const [a1, , a3] = acct.map((a) => a.id);
  const opp = (outcome: 'won' | 'lost' | 'open', amount: number, closed: string | null, extra = {}) => ({
    externalId: ext('o'),
    ownerRepId: ana,
    outcome,
    amountMinor: amount,
    currency: 'USD',
    createdAt: new Date('2026-10-01T00:00:00Z'),
    closedAt: closed ? new Date(closed) : null,
    ...extra,
  });
  await db.insert(opportunities).values([
    opp('won', 123_456, '2026-10-11T06:00:00Z', { accountId: a1 }),
    opp('won', 500_000, '2026-10-31T12:00:00Z', { accountId: a3 }),
    opp('won', 1_000_001, '2026-11-05T00:00:00Z', { accountId: a1 }),
    opp('won', 250_000, '2026-11-20T18:00:00Z'),
    opp('lost', 70_000, '2026-10-20T00:00:00Z'),
    opp('lost', 80_000, '2026-11-10T00:00:00Z'),
    opp('open', 5_000_000, null, {
      createdAt: new Date('2026-11-02T00:00:00Z'),
      expectedCloseDate: '2026-12-15',
    }),
    opp('open', 3_333_333, null, {
      createdAt: new Date('2026-11-03T00:00:00Z'),
      expectedCloseDate: '2026-12-20',
    }),
  ]);
  await setTarget(db, {
    metric: 'revenue',
    scope: org,
    periodKind: 'quarter',
    value: 10_000_000,
    currency: 'USD',
    setByRepId: null,
    now,
  });
  const lead = (created: string, more: Partial<typeof leads.$inferInsert> = {}) => ({
    externalId: ext('l'),
    ownerRepId: ana,
    createdAt: new Date(created),
    ...more,
  });
  const after = (iso: string, seconds: number) => new Date(new Date(iso).getTime() + seconds * 1000);
  await db.insert(leads).values([
    ...[100, 250, 401, 7205].map((secs, i) => {
      const created = `2026-11-0${i + 2}T09:00:00Z`;
      return lead(created, { firstTouchAt: after(created, secs) });
    }),
    lead('2026-11-06T09:00:00Z'),
    lead('2026-10-01T00:00:00Z', {
      qualifiedAt: new Date('2026-10-05T00:00:00Z'),
      convertedAt: new Date('2026-10-20T00:00:00Z'),
    }),
    lead('2026-10-01T00:00:00Z', { qualifiedAt: new Date('2026-10-05T00:00:00Z') }),
    lead('2026-10-01T00:00:00Z', { qualifiedAt: new Date('2026-10-05T00:00:00Z') }),
    lead('2026-10-01T00:00:00Z', {
      firstTouchAt: new Date('2026-10-03T10:00:00Z'),
      convertedAt: new Date('2026-11-13T10:00:00Z'),
    }),
    lead('2026-09-01T00:00:00Z', {
      firstTouchAt: new Date('2026-09-02T10:00:00Z'),
      convertedAt: new Date('2026-10-07T10:00:00Z'),
    }),
  ]);
  const activity = (kind: 'call' | 'email' | 'meeting', at: string, more = {}) => ({
    externalId: ext('a'),
    repId: ana,
    kind,
    direction: 'outbound' as const,
    occurredAt: new Date(at),
    ...more,
  });
  await db
    .insert(activities)
    .values([
      activity('call', '2026-11-23T08:00:00Z'),
      activity('call', '2026-11-23T09:00:00Z', { connected: true, durationSeconds: 120 }),
      activity('call', '2026-11-23T10:00:00Z'),
      activity('email', '2026-11-23T08:30:00Z'),
      activity('email', '2026-11-23T09:30:00Z'),
      activity('meeting', '2026-11-10T10:00:00Z', { meetingBookedAt: new Date('2026-11-10T10:00:00Z') }),
    ]);
  const contract = (
    accountId: number,
    starts: string,
    ends: string,
    values: Partial<typeof contracts.$inferInsert>,
  ) => ({
    externalId: ext('c'),
    accountId,
    startsAt: new Date(starts),
    endsAt: new Date(ends),
    currency: 'USD',
    ...values,
  });
  await db.insert(contracts).values([
    contract(a1!, '2026-01-01T00:00:00Z', '2027-07-01T00:00:00Z', { totalValueMinor: 1_000_000 }),
    contract(a3!, '2026-06-01T00:00:00Z', '2027-06-01T00:00:00Z', {
      licenses: 10,
      revenuePerLicenseMinor: 12_000,
    }),
    contract(a3!, '2026-09-01T00:00:00Z', '2027-09-01T00:00:00Z', {
      licenses: 3,
      revenuePerLicenseMinor: 9_999,
    }),
  ]);
}

/** A panel as a reader sees it: the inputs by label, the median's middle values, and the result. */
interface Panel {
  inputs: Map<string, number>;
  middle: number[] | null;
  result: number;
  resultText: string;
  /** Half the last displayed digit of the result, in the result's unit (the display rounding). */
  tolerance: number;
  text: string;
}

/** Reads a displayed figure back: "$18,734.57", "1.618 KWD", "66.7%", "5m 26s", "2h 00m 05s", "32.8 days", "1.0×". */
function readFigure(shown: string): { value: number; halfStep: number } {
  const t = shown.trim().replace(/−/g, '-');
  const duration = /^(-)?(?:(\d+)d\s*)?(?:(\d+)h\s*)?(?:(\d+)m\s*)?(?:(\d+)s)?$/.exec(t);
  if (duration && /\d[dhms]/.test(t)) {
    const [, sign, d, h, m, s] = duration;
    const secs = Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0);
    const halfStep = s !== undefined ? 0.5 : m !== undefined ? 30 : 1800;
    return { value: sign ? -secs : secs, halfStep };
  }
  const number = /-?[\d,]+(?:\.(\d+))?/.exec(t);
  if (!number) throw new Error(`not a figure: "${shown}"`);
  const digits = number[1]?.length ?? 0;
  let value = Number(number[0].replace(/,/g, ''));
  let halfStep = 0.5 / 10 ** digits;
  if (t.endsWith('%')) {
    value /= 100;
    halfStep /= 100;
  }
  return { value, halfStep };
}

function mrkdwnTexts(blocks: KnownBlock[]): string[] {
  const out: string[] = [];
  for (const b of blocks) {
    if (b.type === 'section') {
      if (b.text) out.push(b.text.text);
      for (const f of b.fields ?? []) out.push(f.text);
    }
    if (b.type === 'context') for (const e of b.elements) if ('text' in e) out.push(e.text);
  }
  return out;
}

function readPanel(r: MetricResult): Panel {
  const { blocks } = buildCalculationMessage(r);
  const texts = mrkdwnTexts(blocks);
  const inputs = new Map<string, number>();
  for (const b of blocks) {
    if (b.type !== 'section' || !b.fields) continue;
    for (const f of b.fields) {
      const [, label, value] = /^\*(.+)\*\n(.+)$/s.exec(f.text) ?? [];
      inputs.set(label!, readFigure(value!).value);
    }
  }
  const working = texts.find((t) => t.includes('*Result:*'))!;
  const [, resultText] = /\*Result:\* ([^(\n]+?)(?: \(|$)/m.exec(working) ?? [];
  const median = /\*Median of [^:]+:\* (.+)$/m.exec(working)?.[1];
  let middle: number[] | null = null;
  if (median) {
    const pair = /\((.+) \+ (.+)\) ÷ 2/.exec(median);
    middle = pair
      ? [readFigure(pair[1]!).value, readFigure(pair[2]!).value]
      : [readFigure(median.split(': ').at(-1)!).value];
  }
  const result = readFigure(resultText!);
  return {
    inputs,
    middle,
    result: result.value,
    resultText: resultText!,
    tolerance: result.halfStep,
    text: texts.join('\n'),
  };
}

type Recompute = (input: (label: string) => number, middle: number[]) => number;
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/**
 * Every metric in the registry: the period asked and the reader's own calculator work on the displayed
 * inputs, written from docs/metrics.md, never from the code's own expression.
 */
const TABLE: Record<MetricId, { period: string; recompute: Recompute }> = {
  response: { period: 'this month', recompute: (_i, m) => mean(m) },
  calls: { period: 'this week', recompute: (i) => i('Outbound calls') },
  emails: { period: 'this week', recompute: (i) => i('Emails sent') },
  meetings: { period: 'this month', recompute: (i) => i('Meetings booked') },
  conversion: {
    period: 'last month',
    recompute: (i) => i('Qualified leads converted') / i('Leads qualified'),
  },
  opps: { period: 'this month', recompute: (i) => i('Opportunities created') },
  cycle: { period: 'this quarter', recompute: (_i, m) => mean(m) },
  winrate: { period: 'this quarter', recompute: (i) => i('Deals won') / i('Deals closed (won + lost)') },
  dealsize: { period: 'this quarter', recompute: (i) => i('Amount won') / i('Deals won with an amount') },
  revenue: { period: 'this month', recompute: (i) => i('Amount won') },
  retention: {
    period: 'last quarter',
    recompute: (i) =>
      (i('Customers at end (E)') - i('New customers still active (N)')) / i('Customers at start (S)'),
  },
  clv: {
    period: 'this quarter',
    recompute: (i) =>
      ((i('Revenue from customers (12 months)') / i('Customers (12 months)')) * i('Gross margin')) /
      (i('Customers lost (12 months)') / i('Customers at start (12 months ago)')),
  },
  arr: { period: 'this month', recompute: (i) => i('ARR of active contracts') },
  lostdeals: { period: 'this quarter', recompute: (i) => i('Deals lost') },
  leadcycle: { period: 'this quarter', recompute: (_i, m) => mean(m) },
  coverage: {
    period: 'this quarter',
    recompute: (i) =>
      i('Open pipeline expected to close') / (i('Revenue target for the period') - i('Won so far')),
  },
  arpu: { period: 'this month', recompute: (i) => i('Variable ARR') / i('Active licenses') },
};

describe('the calculation table', () => {
  it('covers every metric in the registry', () => {
    expect(Object.keys(TABLE).sort()).toEqual(Object.keys(COMPUTERS).sort());
  });
});

describeDb('"How is this calculated?" reconciles', (ctx) => {
  const deps = () => ({ db: ctx.db(), defaultTimezone: 'UTC', now, grossMargin: 0.8 });
  const panel = async (metric: MetricId, period: string) =>
    readPanel(await getMetric(deps(), { metric, scope: org, period }));

  it('gives every metric the same result from its displayed inputs, within the display rounding', async () => {
    await seedOrg(ctx.db());
    for (const id of Object.keys(COMPUTERS) as MetricId[]) {
      const row = TABLE[id];
      const r = await getMetric(deps(), { metric: id, scope: org, period: row.period });
      expect(r.value.kind, `${id} has a value on the hand-made data`).toBe('value');
      const p = readPanel(r);
      const input = (label: string) => {
        const v = p.inputs.get(label);
        if (v === undefined) throw new Error(`${id}: no input "${label}" in\n${p.text}`);
        return v;
      };
      if (['response', 'cycle', 'leadcycle'].includes(id))
        expect(p.middle, `${id} shows its middle values`).not.toBeNull();
      const recomputed = row.recompute(input, p.middle ?? []);
      // Money is read in major units, as shown, and its inputs to the cent; days to 0.01; seconds to the second.
      const inputRounding = { money: 0.006, days: 0.005, seconds: 0.5 }[r.metric.unit as string] ?? 1e-9;
      expect(
        Math.abs(recomputed - p.result),
        `${id}: ${recomputed} vs ${p.resultText}\n${p.text}`,
      ).toBeLessThanOrEqual(p.tolerance + inputRounding);
      // Shown rounded ⇔ the panel says so.
      const exact = Math.abs(recomputed - p.result) < 1e-9;
      if (!exact) expect(p.text, `${id} says it is rounded`).toContain('(rounded to');
      // No raw minor units: money inputs carry a currency symbol and two decimals.
      for (const input of r.calculation.inputs.filter((i) => i.unit === 'money'))
        expect(p.text).toContain(formatInput(input.value, 'money', 'USD'));
    }
  });

  it('shows deal size, revenue, ARR and CLV in dollars, reconciled, word for word', async () => {
    await seedOrg(ctx.db());
    const deal = await panel('dealsize', 'this quarter');
    expect(deal.text).toContain(
      '*Amount won*\n$18,734.57\n*Deals won with an amount*\n4\n*Calculation:* $18,734.57 ÷ 4 = $4,683.64\n*Result:* $4,684 (rounded to whole USD)',
    );
    expect(deal.text).not.toContain('1,873,457');
    const revenue = await panel('revenue', 'this month');
    expect(revenue.text).toContain(
      '*Amount won*\n$12,500.01\n*Deals won with an amount*\n2\n*Result:* $12,500 (rounded to whole USD)',
    );
    const arr = await panel('arr', 'this month');
    expect(arr.text).toContain(
      '*ARR of active contracts*\n$8,166.64\n*Active contracts*\n3\n*Result:* $8,167 (rounded to whole USD)',
    );
    const clv = await panel('clv', 'this quarter');
    expect(clv.text).toContain(
      [
        '*Revenue from customers (12 months)*\n$16,234.57',
        '*Customers (12 months)*\n5',
        '*Gross margin*\n80%',
        '*Customers lost (12 months)*\n1',
        '*Customers at start (12 months ago)*\n4',
        '*Calculation:* ($16,234.57 ÷ 5) × 80% ÷ (1 ÷ 4) = $10,390.12',
        '*Result:* $10,390 (rounded to whole USD)',
      ].join('\n'),
    );
  });

  it('shows a median as the middle values of n, not as a sum', async () => {
    await seedOrg(ctx.db());
    const response = await panel('response', 'this month');
    expect(response.text).toContain(
      '*Median of 4 response times of answered leads:* halfway between the 2nd and the 3rd of 4 in order: (4m 10s + 6m 41s) ÷ 2 = 5m 26s\n*Result:* 5m 26s (rounded to the second)',
    );
    const cycle = await panel('cycle', 'this quarter');
    expect(cycle.text).toContain(
      '(30.5 days + 35 days) ÷ 2 = 32.75 days\n*Result:* 32.8 days (rounded to 0.1 day)',
    );
    const lead = await panel('leadcycle', 'this quarter');
    expect(lead.text).toContain('the middle value, the 2nd of 3 in order: 35 days\n*Result:* 35.0 days');
  });

  it('keeps each currency’s own digits: KWD with 3 decimals, JPY with none', async () => {
    const db = ctx.db();
    const ana = await addRep(db, 'Ana');
    const won = (amount: number, currency: string, closed: string) => ({
      externalId: ext('o'),
      ownerRepId: ana,
      outcome: 'won' as const,
      amountMinor: amount,
      currency,
      createdAt: new Date('2026-10-01T00:00:00Z'),
      closedAt: new Date(closed),
    });
    await db
      .insert(opportunities)
      .values([
        won(1_234, 'KWD', '2026-11-02T00:00:00Z'),
        won(2_001, 'KWD', '2026-11-03T00:00:00Z'),
        won(3_235, 'KWD', '2026-11-04T00:00:00Z'),
      ]);
    const kwd = await panel('dealsize', 'this month');
    expect(kwd.text).toContain(
      '*Amount won*\n6.470 KWD\n*Deals won with an amount*\n3\n*Calculation:* 6.470 KWD ÷ 3 = 2.157 KWD',
    );
    expect(kwd.text).toContain('*Result:* 2.157 KWD (rounded to 0.001 KWD)');
    expect(formatInput(1_054, 'money', 'JPY')).toBe('¥1,054');
    expect(formatInput(1_054, 'money', 'KWD')).toBe('1.054 KWD');
  });
});
