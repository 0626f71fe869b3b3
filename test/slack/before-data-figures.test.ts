import type { KnownBlock } from '@slack/types';
import { expect, it } from 'vitest';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { USERS } from './fixtures.js';
import { sendCommand, useRunningApp } from './harness.js';

/** Every text of a message's blocks but its buttons, in order: header, sections, each field, context lines. */
function blockLines(blocks: KnownBlock[]): string[] {
  return blocks.flatMap((b): string[] => {
    if (b.type === 'header') return [b.text.text];
    if (b.type === 'section')
      return [...(b.text ? [b.text.text] : []), ...(b.fields ?? []).map((f) => f.text)];
    if (b.type === 'context') return b.elements.map((e) => ('text' in e ? e.text : ''));
    return [];
  });
}

// Now: Monday 23 Nov 2026 (fixtures.ts). The fixture's first record is in 2026, so June 2019 ended before it.
// Activity metrics count from the first activity (23 Nov 2026), not from the first record of any kind.
describeDb('an answer for a finished period before the first record', (ctx) => {
  const stub = useSlackApiStub();
  const app = useRunningApp(ctx, stub);

  it('shows the sub-figures of count metrics as no data, not 0 (calls, emails, meetings)', async () => {
    const answer = async (metric: string) => {
      const { reply } = await sendCommand(app, stub, USERS.ada.id, `${metric} org 2019-06`);
      return { text: reply.text, lines: blockLines(reply.blocks) };
    };
    // After the figures: the reason, the sample line, the freshness line and the metric's definition.
    const trailer = [
      ':information_source: No data: no activity before 23 Nov 2026',
      'n = 0 · 1 Jun – 30 Jun 2019 (UTC)',
      'No records behind this answer: the data starts on 23 Nov 2026, after this period.',
    ];
    const calls = await answer('calls');
    expect(calls.text).toBe('Calls · Whole org · June 2019: no data, n=0');
    expect(calls.lines.slice(0, -1)).toEqual([
      'Calls · Whole org · June 2019',
      '*no data*  calls\nvs May 2019: no earlier data (the data starts on 23 Nov 2026)',
      '*Connected*\nno data',
      '*Connect rate*\nno data',
      '*Talk time*\nno data',
      '*Calls per rep per working day*\nno data',
      ...trailer,
    ]);
    expect(calls.lines.at(-1)).toMatch(/^_Calls:_ Outbound calls made in the period/);
    const emails = await answer('emails');
    expect(emails.text).toBe('Emails · Whole org · June 2019: no data, n=0');
    expect(emails.lines.slice(2, -1)).toEqual([
      '*Open rate*\nno data',
      '*Reply rate*\nno data',
      '*Opened*\nno data',
      '*Replied*\nno data',
      ...trailer,
    ]);
    const meetings = await answer('meetings');
    expect(meetings.text).toBe('Meetings booked · Whole org · June 2019: no data, n=0');
    expect(meetings.lines.slice(2, -1)).toEqual(['*Held*\nno data', ...trailer]);
  });

  it('shows the count sub-figures of deal metrics (revenue, win rate) as no data too', async () => {
    const figures = async (metric: string) => {
      const { reply } = await sendCommand(app, stub, USERS.ada.id, `${metric} org 2019-06`);
      return blockLines(reply.blocks).filter((l) => /^\*[^*]+\*\n/.test(l));
    };
    // The figure fields ("*Label*\nvalue"), not the headline ("*no data*  revenue").
    expect(await figures('revenue')).toEqual(['*Deals won*\nno data']);
    expect(await figures('winrate')).toEqual(['*Won*\nno data', '*Lost*\nno data']);
  });

  // Tester (LOW): the reason said "no records before 23 Nov 2026, the first record" for every metric; it now
  // names what the metric reads: activity for calls, deals for revenue (the fixture's deals start 1 Oct 2026).
  it('names the kind of record the metric reads in the reason', async () => {
    const reason = async (metric: string) => {
      const { reply } = await sendCommand(app, stub, USERS.ada.id, `${metric} org 2019-06`);
      return blockLines(reply.blocks).filter((l) => l.startsWith(':information_source: No data:'));
    };
    expect(await reason('calls')).toEqual([':information_source: No data: no activity before 23 Nov 2026']);
    expect(await reason('revenue')).toEqual([':information_source: No data: no deals before 1 Oct 2026']);
    expect(await reason('opps')).toEqual([':information_source: No data: no deals before 1 Oct 2026']);
  });
});
