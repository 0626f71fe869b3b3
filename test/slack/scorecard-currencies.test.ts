import { expect, it } from 'vitest';
import { answerState } from '../../src/answers/answer.js';
import { loadHomeView } from '../../src/answers/home.js';
import type { Caller } from '../../src/core/types.js';
import type { Database } from '../../src/db/client.js';
import { getScorecard } from '../../src/metrics/index.js';
import { buildScorecardBlocks } from '../../src/slack/blocks/scorecard.js';
import { describeDb } from '../helpers/db.js';
import { consoleDeps } from '../helpers/deps.js';
import { addOpp, addRep, addTeam } from '../metrics/fixtures.js';

// Thursday 3 December 2026, 12:00 UTC.
const NOW = new Date('2026-12-03T12:00:00Z');

/**
 * The tester's won deals: O1 €1,234.56 and O5 $2,000 on 1 Dec, O7 €4,000 on 2 Dec, O9 $700 on 3 Dec, all
 * created on 1 Dec. December (and Q4) tie 2 to 2; a $1,000 deal won in September, in the series, makes USD
 * the usual currency: revenue $2,000 + $700 = $2,700, average deal size $2,700 ÷ 2 = $1,350, the 2 EUR deals
 * left out.
 */
async function seed(database: Database) {
  const db = database.db;
  const team = await addTeam(db, 'Sales', { timezone: 'UTC' });
  const ana = await addRep(db, 'Ana', team);
  const ben = await addRep(db, 'Ben', team);
  const won = (closed: string, amount: number, currency: string) => ({
    created: '2026-12-01T08:00:00Z',
    closed,
    outcome: 'won' as const,
    amount,
    currency,
  });
  await addOpp(db, ben, { ...won('2026-09-15T10:00:00Z', 100_000, 'USD'), created: '2026-08-03T09:00:00Z' });
  await addOpp(db, ana, won('2026-12-01T10:00:00Z', 123_456, 'EUR'));
  await addOpp(db, ben, won('2026-12-01T11:00:00Z', 200_000, 'USD'));
  await addOpp(db, ana, won('2026-12-02T10:00:00Z', 400_000, 'EUR'));
  await addOpp(db, ben, won('2026-12-03T09:00:00Z', 70_000, 'USD'));
  return { team, ana, ben };
}

const DEALSIZE_NOTE =
  ':information_source: Average deal size: 2 won deals in other currencies left out (no exchange rates); figures are in USD.';

/** The texts of a message's context blocks, in order. */
function contextTexts(blocks: readonly unknown[]): string[] {
  return blocks.flatMap((b) => {
    const block = b as { type: string; elements?: { text?: string }[] };
    return block.type === 'context' ? (block.elements ?? []).map((e) => e.text ?? '') : [];
  });
}

describeDb('scorecards say which deals in other currencies they left out', (ctx) => {
  it('`/metrics org this month`: the average deal size in USD with its 2 EUR deals noted', async () => {
    const { ana } = await seed(ctx.database());
    const deps = consoleDeps(ctx.database(), NOW);
    const caller: Caller = {
      slackUserId: 'UADMIN',
      repId: ana,
      name: 'Ana',
      email: null,
      role: 'admin',
      teamIds: [],
      managedTeamIds: [],
      timezone: null,
    };
    const reply = await answerState(
      deps,
      caller,
      { metric: null, scope: { kind: 'org' }, period: 'this month', by: null },
      { now: NOW, share: false },
    );
    const all = JSON.stringify(reply.message.blocks);
    expect(all).toContain('*Average deal size* _December 2026_  *$1,350* _(n=2, small sample)_');
    expect(contextTexts(reply.message.blocks)).toContain(DEALSIZE_NOTE);
    // The text fallback (notifications) carries the footnote too, beside its figure and in short.
    expect(reply.message.text).toContain(
      '; Average deal size $1,350 (2 won deals in other currencies left out) (n=2, small sample)',
    );
    expect(reply.message.text).toContain('Opportunities created 4;');
    // Opportunities created counts every opportunity (4, whatever the currency): its pipeline value's note
    // is about a figure the scorecard does not show, so no footnote for it.
    expect(all).toContain('*Opportunities created* _December 2026_  *4*');
    expect(all).not.toContain('Opportunities created: ');
    expect(all).not.toContain('Pipeline value');
  });

  it('notes every money line of a scorecard, escaped, and only those', async () => {
    await seed(ctx.database());
    const deps = { db: ctx.db(), defaultTimezone: 'UTC', now: NOW };
    const results = await getScorecard(deps, {
      scope: { kind: 'org' },
      period: 'this month',
      metrics: ['revenue', 'dealsize', 'opps', 'winrate'],
    });
    expect(results.map((r) => [r.metric.id, r.currency, r.value])).toEqual([
      ['revenue', 'USD', { kind: 'value', value: 270_000 }],
      ['dealsize', 'USD', { kind: 'value', value: 135_000 }],
      ['opps', 'USD', { kind: 'value', value: 4 }],
      ['winrate', null, { kind: 'value', value: 1 }],
    ]);
    const blocks = buildScorecardBlocks({ title: 'Scorecard', results, now: NOW, staleAfterHours: 24 });
    expect(JSON.stringify(blocks)).toContain('*Revenue won* _December 2026_  *$2,700*');
    const notes = contextTexts(blocks).filter((t) => t.includes(':information_source:'));
    expect(notes).toEqual([
      [
        ':information_source: Revenue won: 2 won deals in other currencies left out (no exchange rates); figures are in USD.',
        DEALSIZE_NOTE,
      ].join('\n'),
    ]);
    // A label from the data is escaped as every other text of the blocks.
    const odd = results.map((r) => ({ ...r, metric: { ...r.metric, label: `<!here> & ${r.metric.label}` } }));
    const escaped = JSON.stringify(
      buildScorecardBlocks({ title: 'S', results: odd, now: NOW, staleAfterHours: 24 }),
    );
    expect(escaped).toContain(':information_source: &lt;!here&gt; &amp; Revenue won: 2 won deals');
  });

  it('App Home: a team scorecard’s average deal size (this quarter) notes its deals in other currencies', async () => {
    const { team } = await seed(ctx.database());
    const manager = await addRep(ctx.db(), 'Mia', team);
    const deps = consoleDeps(ctx.database(), NOW);
    const view = await loadHomeView(
      deps,
      {
        slackUserId: 'UMIA',
        repId: manager,
        name: 'Mia',
        email: null,
        role: 'manager',
        teamIds: [team],
        managedTeamIds: [team],
        timezone: null,
      },
      NOW,
    );
    const all = JSON.stringify(view.blocks);
    // Q4 2026 ties too (2 USD, 2 EUR); Q3's September deal makes it USD.
    expect(all).toContain('*Average deal size* _Q4 2026_  *$1,350* _(n=2, small sample)_');
    expect(contextTexts(view.blocks)).toContain(DEALSIZE_NOTE);
  });
});
