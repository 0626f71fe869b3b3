import { expect, it } from 'vitest';
import { getFunnel } from '../../src/metrics/funnel.js';
import { describeDb } from '../helpers/db.js';
import { addLead, addOpp, addRep, addTeam } from './fixtures.js';

// Monday 23 Nov 2026, 12:00 UTC.
const now = new Date('2026-11-23T12:00:00Z');

describeDb('lead funnel', (ctx) => {
  it('counts the cohort of leads created in the period at each stage reached by now', async () => {
    const db = ctx.db();
    const emea = await addTeam(db, 'EMEA');
    const ana = await addRep(db, 'Ana', emea);
    const ben = await addRep(db, 'Ben');
    // Ana's October cohort: 5 leads; 3 qualified; 2 with an opportunity (one not qualified first); 1 won.
    const l1 = await addLead(db, ana, { created: '2026-10-02T10:00:00Z', qualified: '2026-10-03T10:00:00Z' });
    const l2 = await addLead(db, ana, { created: '2026-10-05T10:00:00Z', qualified: '2026-10-06T10:00:00Z' });
    await addLead(db, ana, { created: '2026-10-07T10:00:00Z', qualified: '2026-11-02T10:00:00Z' });
    const l4 = await addLead(db, ana, { created: '2026-10-08T10:00:00Z' });
    await addLead(db, ana, { created: '2026-10-09T10:00:00Z' });
    await addOpp(db, ana, {
      created: '2026-10-10T00:00:00Z',
      closed: '2026-11-01T00:00:00Z',
      outcome: 'won',
      leadId: l1,
    });
    await addOpp(db, ana, { created: '2026-10-12T00:00:00Z', outcome: 'open', leadId: l4 });
    // Two opportunities of one lead count the lead once; a lost one is not won.
    await addOpp(db, ana, {
      created: '2026-10-12T00:00:00Z',
      closed: '2026-10-20T00:00:00Z',
      outcome: 'lost',
      leadId: l2,
    });
    // Outside the cohort: Ana's September lead, Ben's October lead (not in EMEA).
    await addLead(db, ana, { created: '2026-09-30T23:59:00Z', qualified: '2026-10-01T10:00:00Z' });
    await addLead(db, ben, { created: '2026-10-15T10:00:00Z', qualified: '2026-10-16T10:00:00Z' });
    const deps = { db, defaultTimezone: 'UTC', now };
    const team = await getFunnel(deps, { scope: { kind: 'team', teamId: emea }, period: 'last month' });
    expect(team.period.label).toBe('October 2026');
    expect(team.steps.map((s) => [s.stage, s.count])).toEqual([
      ['lead', 5],
      ['qualified', 3],
      ['opportunity', 3],
      ['won', 1],
    ]);
    expect(team.steps.map((s) => s.stepRate)).toEqual([
      { kind: 'no_data', reason: 'first stage' },
      { kind: 'value', value: 3 / 5 },
      { kind: 'value', value: 1 },
      { kind: 'value', value: 1 / 3 },
    ]);
    const org = await getFunnel(deps, { scope: { kind: 'org' }, period: 'last month' });
    expect(org.steps.map((s) => s.count)).toEqual([6, 4, 3, 1]);
    const empty = await getFunnel(deps, { scope: { kind: 'rep', repId: ben }, period: 'this month' });
    expect(empty.steps.map((s) => s.count)).toEqual([0, 0, 0, 0]);
    expect(empty.steps[1]?.stepRate).toEqual({ kind: 'no_data', reason: 'no leads created in this period' });
  });
});
