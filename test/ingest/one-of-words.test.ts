import { describe, expect, it } from 'vitest';
import { buildItemSchemas, parseItem } from '../../src/ingest/schemas.js';

// A word field (outcome, activity kind, direction, role) names its words, and says what was meant when the
// word is one slip away, or what to do when it is a word a CRM exports that Tally does not store.
const schemas = buildItemSchemas('UTC');
const refusal = (entity: keyof typeof schemas, item: Record<string, unknown>) => {
  const parsed = parseItem(schemas[entity], item);
  return parsed.success ? null : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('word fields', () => {
  const deal = { external_id: 'O1', created_at: '2026-01-05', owner_name: 'Ann Lee' };

  it("refuses Pipedrive's deleted status with advice to leave deleted deals out", () => {
    expect(refusal('opportunities', { ...deal, outcome: 'Deleted' })).toEqual([
      'outcome: "Deleted" is not one of open, won, lost: a deleted deal was neither won nor lost, so Tally does not count it: leave deleted deals out of the file (in Pipedrive, filter the export by Status)',
    ]);
  });

  it('reads a stage name given as the outcome as the outcome it names, and says where the stage goes', () => {
    // helper-188: `closed won` got neither "did you mean won" nor where a stage name belongs.
    for (const typed of ['Closed Won', 'closed-won', 'closed_won'])
      expect(refusal('opportunities', { ...deal, outcome: typed })).toEqual([
        `outcome: "${typed}" is not one of open, won, lost: did you mean won? "Closed Won" is a stage name: write won here, or give it in the stage column, which sets the outcome`,
      ]);
    expect(refusal('opportunities', { ...deal, outcome: 'Closed Lost' })?.[0]).toContain(
      'did you mean lost?',
    );
  });

  it('offers the word one slip away', () => {
    expect(refusal('opportunities', { ...deal, outcome: 'wonn' })).toEqual([
      'outcome: "wonn" is not one of open, won, lost; did you mean won?',
    ]);
    expect(refusal('activities', { external_id: 'A1', occurred_at: '2026-01-05', kind: 'emial' })).toEqual([
      'kind: "emial" is not one of call, email, meeting; did you mean email?',
    ]);
  });

  // Tester (LOW): `mtg` and `phone call` as an activity kind got no suggestion.
  it('suggests the activity kind that CRM spellings of it name, and none when they name two', () => {
    const kind = (typed: string) =>
      refusal('activities', { external_id: 'A1', occurred_at: '2026-01-05', kind: typed });
    const meant: [string, string][] = [
      ['mtg', 'meeting'],
      ['Mtg.', 'meeting'],
      ['phone call', 'call'],
      ['Phone Call', 'call'],
      ['call logged', 'call'],
      ['Logged call', 'call'],
      ['Phone', 'call'],
      ['email sent', 'email'],
      ['E-mail sent', 'email'],
      ['E-mail', 'email'],
    ];
    for (const [typed, guess] of meant)
      expect(kind(typed)).toEqual([
        `kind: "${typed}" is not one of call, email, meeting; did you mean ${guess}?`,
      ]);
    for (const typed of ['phone meeting', 'call or email', 'task'])
      expect(kind(typed)).toEqual([`kind: "${typed}" is not one of call, email, meeting`]);
    expect(kind('Meeting')).toBeNull();
  });

  it('names the words alone when nothing is close, and still takes any case', () => {
    expect(refusal('opportunities', { ...deal, outcome: 'pending' })).toEqual([
      'outcome: "pending" is not one of open, won, lost',
    ]);
    expect(refusal('opportunities', { ...deal, outcome: 'WON' })).toBeNull();
  });
});
