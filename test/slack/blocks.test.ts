import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { findMetric } from '../../src/metrics/index.js';
import type { MetricResult, Period } from '../../src/metrics/types.js';
import { buildCalculationMessage } from '../../src/slack/blocks/calculation.js';
import { buildMetricMessage } from '../../src/slack/blocks/metric.js';
import { context } from '../../src/slack/blocks/pieces.js';
import { LIMITS } from '../../src/slack/limits.js';

// Monday 23 Nov 2026, 10:00 UTC.
const NOW = new Date('2026-11-23T10:00:00Z');
const period = (label: string, start: string, end: string): Period => ({
  spec: 'this quarter',
  label,
  kind: 'quarter',
  start: new Date(start),
  end: new Date(end),
  timezone: 'Europe/Berlin',
  running: true,
});
const q4 = period('Q4 2026', '2026-09-30T22:00:00Z', '2026-12-31T23:00:00Z');
const q3 = period('Q3 2026', '2026-06-30T22:00:00Z', '2026-09-30T22:00:00Z');

function winRate(overrides: Partial<MetricResult> = {}): MetricResult {
  return {
    metric: findMetric('winrate')!,
    scope: { kind: 'team', teamId: 1, label: 'EMEA' },
    period: q4,
    value: { kind: 'value', value: 3 / 11 },
    figures: [
      { key: 'won', label: 'Won', unit: 'count', value: { kind: 'value', value: 3 } },
      { key: 'lost', label: 'Lost', unit: 'count', value: { kind: 'value', value: 8 } },
    ],
    sampleSize: 11,
    calculation: {
      formula: 'won ÷ (won + lost)',
      inputs: [
        { label: 'deals won', value: 3, unit: 'count' },
        { label: 'deals closed (won + lost)', value: 11, unit: 'count' },
      ],
      step: { op: 'divide', left: { input: 0 }, right: { input: 1 } },
      window: '1 Oct 2026 00:00 – 1 Jan 2027 00:00 (Europe/Berlin)',
      n: 11,
    },
    currency: null,
    notes: [],
    target: {
      target: {
        value: 0.3,
        currency: null,
        periodKind: 'quarter',
        scope: { kind: 'team', teamId: 1 },
        setByName: 'Mia',
        setAt: NOW,
      },
      targetForPeriod: 0.3,
      attainment: 0.91,
      pace: null,
      status: 'at_risk',
    },
    trend: {
      previous: { period: q3, value: { kind: 'value', value: 0.25 } },
      change: { absolute: 0.023, relative: 0.092, better: true },
    },
    series: [0.2, 0.22, 0.25, null, 0.3, 0.28, 0.25, 0.273].map((v) => ({
      period: q4,
      value:
        v === null
          ? { kind: 'no_data' as const, reason: 'no closed deals' }
          : { kind: 'value' as const, value: v },
    })),
    segments: null,
    freshness: { newestRecordAt: new Date('2026-11-23T09:33:00Z'), lastArrival: null },
    ...overrides,
  };
}

const state = {
  metric: 'winrate' as const,
  scope: { kind: 'team' as const, teamId: 1 },
  period: null,
  by: null,
};
const text = (blocks: KnownBlock[]) => JSON.stringify(blocks);

function expectWithinLimits(blocks: KnownBlock[], maxBlocks: number = LIMITS.messageBlocks) {
  expect(blocks.length).toBeLessThanOrEqual(maxBlocks);
  for (const b of blocks) {
    if (b.type === 'header') expect(b.text.text.length).toBeLessThanOrEqual(LIMITS.headerText);
    if (b.type === 'section') {
      if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
      expect((b.fields ?? []).length).toBeLessThanOrEqual(LIMITS.sectionFields);
      for (const f of b.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(LIMITS.fieldText);
    }
    if (b.type === 'actions') {
      for (const e of b.elements)
        if (e.type === 'button') expect(e.text.text.length).toBeLessThanOrEqual(LIMITS.buttonText);
      const ids = b.elements.map((e) => e.action_id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  }
}

describe('the metric answer', () => {
  it('shows headline, target with status, change, sparkline, n, freshness and definition', () => {
    const m = buildMetricMessage({
      result: winRate(),
      state,
      now: NOW,
      staleAfterHours: 24,
      interactive: true,
    });
    const t = text(m.blocks);
    expect(m.text).toBe(
      'Win rate · EMEA · Q4 2026: 27.3%, target 30.0% (at risk), better than Q3 2026, n=11',
    );
    expect(t).toContain('*27.3%*  win rate');
    expect(t).toContain('Target 30.0% · 91% attained · :large_yellow_circle: at risk');
    expect(t).toContain('vs Q3 2026 (25.0%): :large_green_circle: ▲ +2.3 pts (+9%) — better');
    expect(t).toContain('`▁▂▅·█▇▅▆` last 8 periods');
    expect(t).toContain('n = 11');
    expect(t).toContain('Data as of Mon, 23 Nov 2026, 10:33 (27 minutes ago)');
    expect(t).toContain('Deals won ÷ (won + lost)');
    expect(t).toContain('Share in channel');
    expect(t).toContain('How is this calculated?');
    expectWithinLimits(m.blocks);
  });

  it('warns about small samples and stale data', () => {
    const m = buildMetricMessage({
      result: winRate({
        sampleSize: 2,
        value: { kind: 'value', value: 1 },
        freshness: { newestRecordAt: new Date('2026-11-20T10:00:00Z'), lastArrival: null },
      }),
      state,
      now: NOW,
      staleAfterHours: 24,
      interactive: false,
    });
    const t = text(m.blocks);
    expect(t).toContain('Small sample: based on only 2 records');
    expect(t).toContain('*Data may be stale:*');
    expect(m.blocks.some((b) => b.type === 'actions')).toBe(false);
  });

  it('marks the previous figure of the trend when it rests on a small sample (helper-303, finding 3)', () => {
    // This quarter on 200 closed deals, last quarter on 9: the change is against a small sample, and the
    // answer said nothing of it (only a small current sample was marked).
    const answer = (previousN: number) =>
      buildMetricMessage({
        result: winRate({
          sampleSize: 200,
          trend: {
            previous: { period: q3, value: { kind: 'value', value: 0.4 }, sampleSize: previousN },
            change: { absolute: -0.127, relative: -0.318, better: false },
          },
        }),
        state,
        now: NOW,
        staleAfterHours: 24,
        interactive: false,
      });
    const small = answer(9);
    expect(text(small.blocks)).toContain(
      'vs Q3 2026 (40.0%, n=9, small sample): :red_circle: ▼ −12.7 pts (−32%) — worse',
    );
    expect(small.text).toBe(
      'Win rate · EMEA · Q4 2026: 27.3%, target 30.0% (at risk), worse than Q3 2026 (n=9, small sample), n=200',
    );
    // The current figure is no small sample: no headline warning.
    expect(text(small.blocks)).not.toContain('Small sample: based on only');
    // On 10 records the previous figure is no small sample: unmarked, as before.
    const full = answer(10);
    expect(text(full.blocks)).toContain('vs Q3 2026 (40.0%): :red_circle: ▼ −12.7 pts (−32%) — worse');
    expect(full.text).not.toContain('small sample');
  });

  it('marks no small sample on 0 records: pipeline coverage 0.0× with no open deal is no sample', () => {
    const m = buildMetricMessage({
      result: winRate({ metric: findMetric('coverage')!, sampleSize: 0, value: { kind: 'value', value: 0 } }),
      state,
      now: NOW,
      staleAfterHours: 24,
      interactive: false,
    });
    const t = text(m.blocks);
    expect(t).toContain('0.0×');
    expect(t).not.toContain('Small sample');
    expect(t).not.toContain('0 records');
  });

  it('says "no data" with the reason, never NaN or 0%', () => {
    const m = buildMetricMessage({
      result: winRate({
        value: { kind: 'no_data', reason: 'no deals closed in Q4 2026' },
        sampleSize: 0,
        target: null,
        trend: null,
        series: [],
      }),
      state,
      now: NOW,
      staleAfterHours: 24,
      interactive: true,
    });
    expect(m.text).toContain('no data');
    expect(text(m.blocks)).toContain('No data: no deals closed in Q4 2026');
    expect(text(m.blocks)).not.toMatch(/NaN|Infinity/);
  });

  it('shows a revenue split\'s amounts at one precision (never "€1,235" beside "€101.50")', () => {
    const row = (key: string, minor: number) => ({
      key,
      label: key,
      value: { kind: 'value' as const, value: minor },
      sampleSize: 1,
    });
    const result = winRate({
      metric: findMetric('revenue')!,
      value: { kind: 'value', value: 133600 },
      currency: 'EUR',
      target: null,
      trend: null,
      series: [],
      segments: { by: 'rep', rows: [row('Ann', 123450), row('Bo', 10150)] },
    });
    const shown = text(
      buildMetricMessage({
        result,
        state: { ...state, by: 'rep' },
        now: NOW,
        staleAfterHours: 24,
        interactive: false,
      }).blocks,
    );
    expect(shown).toContain('€1,235');
    expect(shown).toContain('€102');
    expect(shown).not.toContain('€101.50');
  });

  it('shows a money headline and the previous period at one precision ("$26,634" vs "$491", not "$491.10")', () => {
    const result = winRate({
      metric: findMetric('dealsize')!,
      value: { kind: 'value', value: 2_663_412 },
      currency: 'USD',
      target: null,
      series: [],
      trend: {
        previous: { period: q3, value: { kind: 'value', value: 49_110 } },
        change: { absolute: 2_614_302, relative: 53.2, better: true },
      },
    });
    const shown = text(
      buildMetricMessage({ result, state, now: NOW, staleAfterHours: 24, interactive: false }).blocks,
    );
    expect(shown).toContain('$26,634');
    expect(shown).toContain('Q3 2026 ($491)');
    expect(shown).not.toContain('$491.10');
  });

  it('says in the text fallback which deals a money headline left out for their currency, as the blocks do', () => {
    const note = '2 won deals in other currencies left out (no exchange rates); figures are in EUR.';
    const revenue = winRate({
      metric: findMetric('revenue')!,
      value: { kind: 'value', value: 133600 },
      currency: 'EUR',
      target: null,
      trend: null,
      series: [],
      notes: [note, 'Split by rep in Europe/Berlin: 2 reps have another time zone.'],
    });
    const m = buildMetricMessage({
      result: revenue,
      state,
      now: NOW,
      staleAfterHours: 24,
      interactive: false,
    });
    expect(text(m.blocks)).toContain(`:information_source: ${note}`);
    expect(m.text).toBe(
      'Revenue won · EMEA · Q4 2026: €1,336 (2 won deals in other currencies left out), n=11',
    );
    // A count counts every deal: its pipeline value's note is about a figure the fallback does not give.
    const opps = buildMetricMessage({
      result: {
        ...revenue,
        metric: findMetric('opps')!,
        value: { kind: 'value', value: 4 },
        notes: [`Pipeline value: ${note}`],
      },
      state,
      now: NOW,
      staleAfterHours: 24,
      interactive: false,
    });
    expect(opps.text).toBe('Opportunities created · EMEA · Q4 2026: 4, n=11');
  });

  it('stays within Block Kit limits and escapes everything for hostile, huge data', () => {
    const hostile = `<!channel> & <https://evil.example|click> ${'y'.repeat(5000)}`;
    const rows = Array.from({ length: 500 }, (_, i) => ({
      key: String(i),
      label: `${i} ${hostile}`,
      value: { kind: 'value' as const, value: 1 - i / 1000 },
      sampleSize: 10,
      repId: i,
    }));
    const result = winRate({
      scope: { kind: 'team', teamId: 1, label: hostile },
      figures: Array.from({ length: 40 }, (_, i) => ({
        key: `f${i}`,
        label: hostile,
        unit: 'count' as const,
        value: { kind: 'value' as const, value: i },
      })),
      notes: Array.from({ length: 80 }, () => hostile),
      segments: { by: 'rep', rows },
    });
    const m = buildMetricMessage({
      result,
      state: { ...state, by: 'rep' },
      now: NOW,
      staleAfterHours: 24,
      interactive: true,
      isMine: (r) => r.repId === 321,
    });
    expectWithinLimits(m.blocks);
    const mrkdwn = m.blocks.flatMap((b) =>
      b.type === 'section'
        ? [b.text?.text ?? '', ...(b.fields ?? []).map((f) => f.text)]
        : b.type === 'context'
          ? b.elements.map((e) => ('text' in e ? e.text : ''))
          : [],
    );
    for (const s of mrkdwn) {
      expect(s).not.toContain('<!channel>');
      expect(s).not.toContain('<https://evil');
    }
    expect(m.text).not.toContain('<!channel>');
    expect(m.text.length).toBeLessThanOrEqual(LIMITS.fallbackText);
    // Top 10 plus the caller's own row (rank 322), not all 500.
    expect(text(m.blocks)).toContain('322. 321 &lt;!channel&gt;');
  });

  it('explains the calculation for this very answer', () => {
    const m = buildCalculationMessage(winRate());
    const t = text(m.blocks);
    expect(t).toContain('*Deals won*\\n3');
    expect(t).toContain('*Deals closed (won + lost)*\\n11');
    expect(t).toContain('*Calculation:* 3 ÷ 11 = 27.2727%\\n*Result:* 27.3% (rounded to 0.1%)');
    expect(t).toContain('Window: 1 Oct 2026 00:00 – 1 Jan 2027 00:00 (Europe/Berlin) · n = 11');
  });
});

describe('the help message', () => {
  it('lists every subcommand in its own section, escaped, within limits', async () => {
    const { buildHelpMessage } = await import('../../src/slack/blocks/help.js');
    const { SUBCOMMANDS } = await import('../../commands/index.js');
    const { METRICS } = await import('../../src/metrics/index.js');
    const m = buildHelpMessage(METRICS, SUBCOMMANDS);
    expectWithinLimits(m.blocks);
    const t = text(m.blocks);
    for (const sub of SUBCOMMANDS) expect(t).toContain(`*${sub.name}* — `);
    for (const metric of METRICS) expect(t).toContain(`\`${metric.id}\``);
    expect(t).not.toMatch(/<(name|id)>/);
  });
});

describe('a context block', () => {
  it('keeps every item past Slack’s ten elements, in the tenth, one a line', () => {
    const items = Array.from({ length: 13 }, (_, i) => `note ${i + 1}`);
    const block = context(...items, '  ');
    expect(block.elements).toHaveLength(10);
    expect(block.elements.slice(0, 9).map((e) => (e as { text: string }).text)).toEqual(items.slice(0, 9));
    expect((block.elements[9] as { text: string }).text).toBe('note 10\nnote 11\nnote 12\nnote 13');
    expect(context('a', '', 'b').elements.map((e) => (e as { text: string }).text)).toEqual(['a', 'b']);
  });
});
