import { expect, it } from 'vitest';
import { describeDb } from '../helpers/db.js';
import { useSlackApiStub } from '../helpers/slack-api.js';
import { USERS } from '../slack/fixtures.js';
import { sendCommand, useRunningApp } from '../slack/harness.js';

describeDb('target set with a bare 1 for a rate', (ctx) => {
  const stub = useSlackApiStub();
  const app = useRunningApp(ctx, stub);
  const ask = async (text: string) => (await sendCommand(app, stub, USERS.ada.id, text)).reply.text;

  it('refuses a bare 1 (100% or 1%?) for every rate metric and stores nothing', async () => {
    for (const value of ['1', '1.0', '1.00'])
      for (const metric of ['winrate', 'conversion', 'retention'])
        expect(await ask(`target set ${metric} ${value} org`)).toBe(
          'Is that 100% or 1%? Write `100%` or `1%`.',
        );
    const list = await sendCommand(app, stub, USERS.ada.id, 'target list');
    expect(JSON.stringify(list.reply)).not.toMatch(/Win rate|Lead conversion|retention/i);
  });

  it('keeps every other reading of a rate target', async () => {
    expect(await ask('target set winrate 100% org')).toBe(
      'Target set: Win rate 100.0% (monthly) for the whole org.',
    );
    expect(await ask('target set winrate 1% org')).toContain('Win rate 1.0% (monthly)');
    expect(await ask('target set winrate 1.5 org')).toContain('Win rate 1.5% (monthly)');
    expect(await ask('target set winrate 2 org')).toContain('Win rate 2.0% (monthly)');
    expect(await ask('target set winrate 0.99 org')).toContain('Win rate 99.0% (monthly)');
    expect(await ask('target set winrate 0.3 org')).toContain('Win rate 30.0% (monthly)');
    // A count target of 1 is one thing: nothing to disambiguate.
    expect(await ask('target set calls 1 org week')).toContain('Target set: Calls 1 per week');
  });
});
