import { fold } from '../core/fold.js';
import type { RepRecord } from './queries.js';

/**
 * Name matching for `/metrics calls lopez`, `calls Ana López`, `calls @ana`. Pure. Case and accents are
 * ignored (López = lopez). A full-name match wins; otherwise a first name, last name or email handle
 * (the part before @) may match several people, and the caller lists them.
 */
export function matchPeople(people: readonly RepRecord[], said: string): RepRecord[] {
  const wanted = fold(said.replace(/^@/, ''));
  if (wanted === '') return [];
  const full = people.filter((p) => fold(p.name) === wanted || fold(p.name).replace(/ /g, '') === wanted);
  if (full.length > 0) return full;
  return people.filter((p) => {
    const words = fold(p.name).split(' ');
    const handle = p.email ? fold(p.email.split('@')[0] ?? '') : null;
    return words[0] === wanted || words[words.length - 1] === wanted || handle === wanted;
  });
}
