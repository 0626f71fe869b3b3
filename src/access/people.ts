import { fold } from '../core/fold.js';
import { suggestWord } from '../edit-distance.js';
import type { RepRecord } from './queries.js';

/**
 * Name matching for `/metrics calls lopez`, `calls Ana López`, `calls @ana`, `calls @ana.lopez@example.com`.
 * Pure. Case and accents are ignored (López = lopez). A full-name or whole-email match wins; otherwise a
 * first name, last name or email handle (the part before @) may match several people, and the caller
 * lists them.
 */
export function matchPeople(people: readonly RepRecord[], said: string): RepRecord[] {
  const wanted = fold(said.replace(/^@/, ''));
  if (wanted === '') return [];
  const full = people.filter(
    (p) =>
      fold(p.name) === wanted ||
      fold(p.name).replace(/ /g, '') === wanted ||
      (p.email !== null && fold(p.email) === wanted),
  );
  if (full.length > 0) return full;
  return people.filter((p) => {
    const words = fold(p.name).split(' ');
    const handle = p.email ? fold(p.email.split('@')[0] ?? '') : null;
    return words[0] === wanted || words[words.length - 1] === wanted || handle === wanted;
  });
}

/**
 * The team or person names a typed name most likely means, for "Did you mean "Sales & Success"?": the
 * closest by suggestWord, else every name that starts with it or holds it as a whole word (`Sales` →
 * "Sales & Success", `success` → the same), else every name whose words hold the typed words in order,
 * each word exact or a typo by suggestWord's measure (`Amaar` → "Amara Khan", a slip of the first name;
 * `Amara Khan` → "Amara J. Khan", a middle name left out). Compared after fold (case, accents), word by word with
 * `&` and `+` read as `and` (`sales and success` → "Sales & Success"). Empty
 * when none; at most 3.
 */
export function suggestNames(typed: string, names: readonly string[]): string[] {
  const close = suggestWord(typed, names);
  if (close) return [close];
  // Words only, so "success" is a whole word of "sales & success" and "ucces" is not; `&` and `+` are the
  // word `and`, so `sales and success` finds "Sales & Success" (tester: no "Did you mean" at all).
  const words = (text: string) =>
    ` ${fold(text)
      .replace(/[&+]/g, ' and ')
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim()} `;
  const said = words(typed);
  if (said.trim().length < 2) return [];
  const unique = [...new Set(names)];
  const holding = unique.filter((name) => fold(name).startsWith(fold(typed)) || words(name).includes(said));
  if (holding.length > 0) return holding.slice(0, 3);
  const saidWords = said.trim().split(' ');
  return unique.filter((name) => holdsInOrder(words(name).trim().split(' '), saidWords)).slice(0, 3);
}

/** Whether `typed` words appear among `words` in order, each the same word or a typo of it (suggestWord). */
function holdsInOrder(words: readonly string[], typed: readonly string[]): boolean {
  let at = 0;
  for (const t of typed) {
    while (at < words.length && words[at] !== t && suggestWord(t, [words[at]!]) === undefined) at++;
    if (at === words.length) return false;
    at++;
  }
  return true;
}

/**
 * How a name hint is put into words by the layer that shows it (the grammar in src/slack already depends on
 * this module, so these come in from there): `periodTypoHint` says what a mistyped period makes of a name
 * (`nxt month`, `zoe park septembre`), or null; `showName` makes a suggested name safe to show (for Slack: its
 * `*`, `_`, `~` and backticks neutralised, so "Zoë *Star* Müller" is shown as written, not bold, and can be
 * typed back; default: as it is).
 */
export interface NameHintWords {
  periodTypoHint(name: string): string | null;
  showName?(name: string): string;
}

/**
 * The hint for a scope no team or person has as a name, for questions, `coach` and `lost` alike: the names
 * it most likely means (`candidates`, see suggestNames: `Sales` → `Did you mean "Sales & Success"?`), else,
 * when no period was named, what `words.periodTypoHint` makes of the name; null when the scope was no typed
 * name or nothing fits.
 */
export function unknownNameHint(
  ask: {
    scope: { kind: string; name?: string | null; handle?: string; quoted?: true };
    period: string | null;
  },
  candidates: readonly string[],
  words: NameHintWords,
): string | null {
  // A typed name, or an @handle that is not a Slack mention (`@Amaar`): both can be near a known name.
  const typed =
    ask.scope.kind === 'named' ? ask.scope.name : ask.scope.kind === 'handle' ? ask.scope.handle : null;
  if (!typed) return null;
  const show = words.showName ?? ((name: string) => name);
  const names = suggestNames(typed, candidates).map((n) => `"${show(n)}"`);
  if (names.length > 0)
    return `Did you mean ${names.length > 1 ? `${names.slice(0, -1).join(', ')} or ` : ''}${names.at(-1)}?`;
  // A quoted name (`"Last Month"`) is a name whatever its words: never offered back as a period.
  return ask.scope.kind === 'named' && ask.period === null && !ask.scope.quoted
    ? words.periodTypoHint(typed)
    : null;
}
