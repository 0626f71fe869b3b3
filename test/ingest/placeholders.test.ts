import { describe, expect, it } from 'vitest';
import { isPlaceholderName } from '../../src/ingest/placeholders.js';

// Tester (MED): CRM placeholders such as "Unassigned" (HubSpot's and Salesforce's default owner), "TBA" and
// "N / A" were not in the list, so they became reps, teams and managers.
describe('isPlaceholderName', () => {
  it.each([
    'Unassigned',
    'TBA',
    'Vacant',
    'n.a',
    'N / A',
    'n /a',
    'n/a.',
    'Not applicable',
    'No manager',
    'No owner',
    '<blank>',
    '[blank]',
    'Nobody',
  ])('reads %j as a placeholder in a team or a person cell', (name) => {
    expect(isPlaceholderName(name)).toBe(true);
    expect(isPlaceholderName(name, { person: true })).toBe(true);
  });

  it('reads "NA" as a placeholder in a person cell only (a team may be North America)', () => {
    expect(isPlaceholderName('NA')).toBe(false);
    expect(isPlaceholderName('NA', { person: true })).toBe(true);
    expect(isPlaceholderName('0', { person: true })).toBe(false);
  });

  it('keeps names that merely hold a placeholder word', () => {
    expect(isPlaceholderName('Nobody Jones', { person: true })).toBe(false);
    expect(isPlaceholderName('NA East')).toBe(false);
    expect(isPlaceholderName('A/B team')).toBe(false);
  });
});
