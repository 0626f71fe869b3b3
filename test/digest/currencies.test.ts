import { expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/client.js';
import { readDataVersion } from '../../src/db/data-version.js';
import { buildDigest, type DigestSpec } from '../../src/digest/build.js';
import { buildByRepMessage, parseByRepPayload } from '../../src/digest/by-rep.js';
import { silentLogger } from '../../src/logger.js';
import { createMetricAnswers, getMetric } from '../../src/metrics/index.js';
import type { MetricId } from '../../src/metrics/types.js';
import { describeDb } from '../helpers/db.js';
import { addOpp } from '../metrics/fixtures.js';
import { addRep, addTeam } from './fixtures.js';

// Thursday 3 December 2026, 12:00 UTC: the digest's yesterday is 2 December, its month December to date.
const NOW = new Date('2026-12-03T12:00:00Z');

/**
 * Won deals in two currencies (the tester's): O1 €1,234.56 and O5 $2,000 on 1 Dec, O7 €4,000 on 2 Dec, O9 $700
 * on 3 Dec. December ties 2 to 2; a $1,000 deal in September (the answers' series) makes USD the usual
 * currency, so December is in USD: $2,000 + $700 = $2,700, average $2,700 ÷ 2 = $1,350, the 2 EUR deals
 * left out. Ana won the EUR deals, Ben the USD ones.
 */
async function seed(database: Database) {
  const teamId = await addTeam(database, 'Sales', 'UTC');
  const ana = await addRep(database, { name: 'Ana', slackUserId: 'UANA', teamId });
  const ben = await addRep(database, { name: 'Ben', slackUserId: 'UBEN', teamId });
  const won = (closed: string, amount: number, currency: string) => ({
    created: '2026-11-02T09:00:00Z',
    closed,
    outcome: 'won' as const,
    amount,
    currency,
  });
  const db = database.db;
  await addOpp(db, ben, { ...won('2026-09-15T10:00:00Z', 100_000, 'USD'), created: '2026-08-03T09:00:00Z' });
  await addOpp(db, ana, won('2026-12-01T10:00:00Z', 123_456, 'EUR')); // O1
  await addOpp(db, ben, won('2026-12-01T11:00:00Z', 200_000, 'USD')); // O5
  await addOpp(db, ana, won('2026-12-02T10:00:00Z', 400_000, 'EUR')); // O7
  await addOpp(db, ben, won('2026-12-03T09:00:00Z', 70_000, 'USD')); // O9
  return { teamId, ana, ben };
}

describeDb('digests in one currency per line, with the deals in others noted', (ctx) => {
  const config = loadConfig({});
  const spec = (metrics: MetricId[], over: Partial<DigestSpec> = {}): DigestSpec => ({
    subscriptionId: 1,
    scope: { kind: 'org' },
    scopeLabel: 'Org',
    metrics,
    cadence: 'daily',
    timezone: 'UTC',
    slot: NOW,
    lateScheduledLocal: null,
    personal: false,
    ...over,
  });

  it('computes yesterday in the month’s currency and says what was left out, for each column', async () => {
    await seed(ctx.database());
    const msg = await buildDigest({ db: ctx.db(), config }, spec(['revenue', 'dealsize', 'calls']), NOW);
    const all = JSON.stringify(msg.blocks);
    // Yesterday's only deal is €4,000: in USD yesterday has no figure, never "€4,000" beside "$2,700".
    expect(all).toContain('Yesterday *no data* · December 2026 to date *$2,700*');
    expect(all).toContain('Yesterday *no data* · December 2026 to date *$1,350* _(n=2, small sample)_');
    expect(all).not.toContain('€');
    // The text fallback (notifications) says what each figure left out too, in short.
    expect(msg.text).toContain(
      'Revenue won: yesterday no data (1 won deal in another currency left out), to date $2,700 (2 won deals in other currencies left out);',
    );
    expect(msg.text).toContain(
      'Average deal size: yesterday no data (1 won deal in another currency left out), to date $1,350 (2 won deals in other currencies left out);',
    );
    expect(msg.text).toContain('Calls: yesterday 0, to date 0.');
    // The footnotes say, per column, what each figure left out.
    const footnotes = [
      ':information_source: Revenue won, yesterday: 1 won deal in another currency left out (no exchange rates); figures are in USD.',
      ':information_source: Revenue won, December 2026 to date: 2 won deals in other currencies left out (no exchange rates); figures are in USD.',
      ':information_source: Average deal size, yesterday: 1 won deal in another currency left out (no exchange rates); figures are in USD.',
      ':information_source: Average deal size, December 2026 to date: 2 won deals in other currencies left out (no exchange rates); figures are in USD.',
    ];
    const context = msg.blocks.at(-2);
    expect(context?.type).toBe('context');
    expect(JSON.stringify(context)).toContain(JSON.stringify(footnotes.join('\n')).slice(1, -1));
    // Calls are no money: nothing to note.
    expect(all).not.toContain('Calls, ');
    // The leaderboard (revenue, the first counting metric) is in the line's currency too: Ben's $2,700,
    // not Ana's €5,234.56 (a split alone would break December's tie by code, EUR first).
    expect(all).toContain('*Leaderboard* — Revenue won, December 2026');
    const board = msg.blocks.find((b) => JSON.stringify(b).includes('1. Ben'));
    expect(JSON.stringify(board)).toBe(
      JSON.stringify({ type: 'section', text: { type: 'mrkdwn', text: '1. Ben — $2,700' } }),
    );
  });

  it('keeps a line in one currency when its recent window alone would pick another', async () => {
    await seed(ctx.database());
    // A weekly digest: the last 7 days (26 Nov – 2 Dec) hold O1 €1,234.56, O5 $2,000 and O7 €4,000, which
    // alone would be in EUR (€5,234.56); the line is in December's USD: $2,000, the 2 EUR deals left out.
    const msg = await buildDigest(
      { db: ctx.db(), config },
      spec(['revenue'], { cadence: 'weekly', personal: true }),
      NOW,
    );
    expect(msg.text).toContain(
      'Revenue won: last 7 days $2,000 (2 won deals in other currencies left out), to date $2,700 (2 won deals in other currencies left out).',
    );
    expect(JSON.stringify(msg.blocks)).toContain('Last 7 days *$2,000* · December 2026 to date *$2,700*');
    expect(JSON.stringify(msg.blocks)).toContain(
      ':information_source: Revenue won, last 7 days: 2 won deals in other currencies left out (no exchange rates); figures are in USD.',
    );
  });

  it('gives the per-rep tables of the By rep button in the digest line’s currency, noted', async () => {
    await seed(ctx.database());
    const msg = await buildDigest({ db: ctx.db(), config }, spec(['revenue', 'calls']), NOW);
    const value = msg.blocks
      .flatMap((b) => ('elements' in b ? (b.elements as { value?: string }[]) : []))
      .find((e) => e.value?.includes('"metrics"'))?.value;
    const payload = parseByRepPayload(value);
    expect(payload?.currencies).toEqual({ revenue: 'USD' });
    const thread = await buildByRepMessage({ db: ctx.db(), config, logger: silentLogger }, payload!, NOW);
    const all = JSON.stringify(thread.blocks);
    expect(all).toContain('1. Ben — $2,700 _n=2_');
    expect(all).toContain('2. Ana — no data in USD _n=0, 2 in other currencies_');
    expect(all).toContain(
      ':information_source: Revenue won: 2 won deals in other currencies left out (no exchange rates); figures are in USD.',
    );
    // The text fallback says so too, in short: the tables are not the whole of December's revenue.
    expect(thread.text).toBe(
      'By rep, December 2026: Revenue won (2 won deals in other currencies left out), Calls',
    );
    // A button from before the currencies were carried still answers (in the table's own currency).
    const { currencies: _, ...older } = payload!;
    const before = await buildByRepMessage({ db: ctx.db(), config, logger: silentLogger }, older, NOW);
    expect(JSON.stringify(before.blocks)).toContain('Revenue won');
    // Only ISO codes are read back from a button.
    expect(
      parseByRepPayload(JSON.stringify({ ...payload, currencies: { revenue: 'usd' } }))?.currencies,
    ).toBe(undefined);
  });

  it('answers a question in the currency it asks for, every window alike', async () => {
    await seed(ctx.database());
    const deps = { db: ctx.db(), defaultTimezone: 'UTC', now: NOW };
    const asked = await getMetric(deps, {
      metric: 'revenue',
      scope: { kind: 'org' },
      period: '2026-12-02..2026-12-02',
      include: { target: false, trend: false, series: false },
      currency: 'USD',
    });
    expect(asked.currency).toBe('USD');
    expect(asked.value).toEqual({ kind: 'no_data', reason: 'no deals won in USD' });
    expect(asked.notes).toContain(
      '1 won deal in another currency left out (no exchange rates); figures are in USD.',
    );
    // Without it the day answers in its own currency; identical questions are shared, but not across
    // currencies (the sharing point keys on it).
    const shared = {
      ...deps,
      answers: createMetricAnswers({ dataVersion: () => readDataVersion(ctx.db()) }),
    };
    const day = (currency?: string) =>
      getMetric(shared, {
        metric: 'revenue',
        scope: { kind: 'org' },
        period: '2026-12-02..2026-12-02',
        include: { target: false, trend: false, series: false },
        ...(currency ? { currency } : {}),
      });
    expect((await day('USD')).currency).toBe('USD');
    expect((await day()).currency).toBe('EUR');
    const own = await getMetric(deps, {
      metric: 'revenue',
      scope: { kind: 'org' },
      period: '2026-12-02..2026-12-02',
      include: { target: false, trend: false, series: false },
    });
    expect(own.currency).toBe('EUR');
    expect(own.value).toEqual({ kind: 'value', value: 400_000 });
    // The month in EUR, with its trend and split in EUR too: €1,234.56 + €4,000 = €5,234.56, by rep Ana alone.
    const month = await getMetric(deps, {
      metric: 'revenue',
      scope: { kind: 'org' },
      period: 'this month',
      by: 'rep',
      currency: 'EUR',
    });
    expect(month.currency).toBe('EUR');
    expect(month.value).toEqual({ kind: 'value', value: 523_456 });
    expect(month.segments?.rows.map((r) => [r.label, r.value, r.otherCurrenciesOnly])).toEqual([
      ['Ana', { kind: 'value', value: 523_456 }, undefined],
      ['Ben', expect.objectContaining({ kind: 'no_data' }), 2],
    ]);
    // September's $1,000 is no EUR: the series has no figure there but no made-up one either.
    const sep = month.series.find((p) => p.period.label === 'September 2026');
    expect(sep?.value).toEqual({ kind: 'no_data', reason: 'no deals won in EUR' });
  });
});
