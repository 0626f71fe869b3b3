import { describe, expect, it } from 'vitest';
import { matchPeople } from '../../src/access/people.js';
import type { RepRecord } from '../../src/access/queries.js';

const person = (id: number, name: string, email: string | null): RepRecord => ({
  id,
  name,
  email,
  slackUserId: null,
  role: 'rep',
  timezone: null,
});
const people = [
  person(1, 'Ana López', 'ana.lopez@example.com'),
  person(2, 'Ana Berg', 'ana.berg@example.com'),
  person(3, 'Bo Lopez', null),
];
const ids = (said: string) => matchPeople(people, said).map((p) => p.id);

describe('matchPeople', () => {
  it('finds one person by a whole email, with or without a leading @, in any case', () => {
    expect(ids('ana.lopez@example.com')).toEqual([1]);
    expect(ids('@ana.lopez@example.com')).toEqual([1]);
    expect(ids('@Ana.Lopez@Example.com')).toEqual([1]);
  });

  it('lists everyone a first name, last name or email handle may mean, and wins on a full name', () => {
    expect(ids('@ana')).toEqual([1, 2]);
    expect(ids('lopez')).toEqual([1, 3]);
    expect(ids('ana.berg')).toEqual([2]);
    expect(ids('Ana López')).toEqual([1]);
    expect(ids('@')).toEqual([]);
    expect(ids('someone@example.com')).toEqual([]);
  });
});
