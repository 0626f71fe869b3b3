import { fold } from '../core/fold.js';
import { FirstLines } from './first-lines.js';
import type { RowCheckLog } from './warning-kinds.js';

/**
 * Names that fold alike (fold(): case, accents, apostrophes and spacing ignored) under different identities:
 * accounts under other external ids, reps under other emails. Both are stored, but a later reference by that
 * name matches both and is refused, so it is counted now.
 */
export class LookAlikes {
  /**
   * Accounts: each folded name → the first line it was on, and each folded name with an external id, to tell
   * a look-alike under another id from the same account again (hashes: flat for a file of a million rows).
   */
  private accountNames: FirstLines | undefined;
  private accountNameIds: FirstLines | undefined;

  /**
   * Reps: each email (lower case) a row gave → its first line, so that a look-alike the writer finds
   * (repNameLikeStored) is named by the row of this file that gave it, when one did. A Map, not hashes: a
   * reps file lists people, not millions of rows.
   */
  private repEmails: Map<string, number> | undefined;

  /**
   * Counts an account whose name folds like an earlier one's under another external id: both are stored (two
   * companies may share a name), but a later reference by that name matches both and is refused, so say so
   * now. Rows without an external id are references by name themselves (they update the account of that name).
   */
  checkAccount(log: RowCheckLog, item: Record<string, unknown>, line: number): void {
    const id = item.external_id;
    const name = item.name;
    if (typeof id !== 'string' || typeof name !== 'string') return;
    const key = fold(name);
    if (key === '') return;
    this.accountNames ??= new FirstLines();
    this.accountNameIds ??= new FirstLines();
    const sameAccountAgain = this.accountNameIds.firstOrAdd(`${key}\u0000${id}`, line) !== undefined;
    const first = this.accountNames.firstOrAdd(key, line);
    if (first === undefined || sameAccountAgain) return;
    log.add('name like another account', line, () =>
      log.audience === 'request'
        ? `account "${name}" (external id ${JSON.stringify(id)}) has the name of item ${first} under another external id, ignoring case and accents: both are stored, and a reference to either by that name is refused as ambiguous; refer to them by external id, or give them one external id if they are one company`
        : `account "${name}" (external id ${JSON.stringify(id)}) has the name of the account on line ${first} under another external id, ignoring case and accents: both are stored, and a reference to either by that name (a deal's account) is refused as ambiguous; refer to them by external id, or give them one external id if they are one company`,
    );
  }

  /**
   * Counts a new account (external id `externalId`, not stored before) whose name folds like the name of
   * `stored` accounts under other external ids (found by the writer: see NamedLikeStored); `line` is its line,
   * or its item index in a request. Both are stored, as for a look-alike in the file; a stored account that
   * an earlier row of this file or request named so is left to checkAccount, which counted it already.
   */
  accountLikeStored(
    log: RowCheckLog,
    line: number,
    name: string,
    externalId: string,
    stored: { id: number; externalId: string }[],
  ): void {
    const key = fold(name);
    const others = stored.filter((s) => {
      const first = this.accountNameIds?.first(`${key}\u0000${s.externalId}`);
      return first === undefined || first > line;
    });
    if (others.length === 0) return;
    log.add('name like a stored account', line, () => {
      const one = others.length === 1;
      const said = others
        .slice(0, 3)
        .map((s) => `id ${s.id} (external id ${JSON.stringify(s.externalId)})`)
        .join(', ');
      const more = others.length > 3 ? ` and ${others.length - 3} more` : '';
      const use = one
        ? `the stored account's external id ${JSON.stringify(others[0]!.externalId)}`
        : "that stored account's external id";
      const row = log.audience === 'request' ? 'item' : 'row';
      return `new account "${name}" (external id ${JSON.stringify(externalId)}) has the name of ${one ? 'stored account' : 'stored accounts'} ${said}${more}, ignoring case and accents: both are stored, and a reference to ${one ? 'either' : 'any of them'} by that name (a deal's account) is refused as ambiguous; if they are one company, put ${use} on this ${row} to update it instead, then rename the new account and empty its dates (nothing deletes it); if they are different companies, rename one`;
    });
  }

  /** Remembers the first line of a reps row's email (see repEmails). */
  seeRepEmail(item: Record<string, unknown>, line: number): void {
    const email = item.email;
    if (typeof email !== 'string' || email === '') return;
    this.repEmails ??= new Map();
    const key = email.toLowerCase();
    if (!this.repEmails.has(key)) this.repEmails.set(key, line);
  }

  /**
   * Counts a new rep (email `email`, not stored before) whose name folds like the name of other reps with
   * other emails (`stored`), found by the writer when it wrote the row (see RepNamedLikeStored); `line` is its
   * line, or its item index in a request. Both are stored (an email is a rep's identity, and two people may
   * share a name), but a reference by that name (owner_name, manager_name) now matches both and is refused.
   * Reps stored before this file or request came: `name like a stored rep`; when all of them were given by
   * earlier rows of it: `name like another rep`, naming the first such row.
   */
  repLikeStored(
    log: RowCheckLog,
    line: number,
    name: string,
    email: string,
    stored: { id: number; name: string; email: string | null }[],
  ): void {
    const earlier = (s: { email: string | null }) => {
      const first = s.email === null ? undefined : this.repEmails?.get(s.email.toLowerCase());
      return first !== undefined && first < line ? first : undefined;
    };
    const others = stored.filter((s) => earlier(s) === undefined);
    const row = log.audience === 'request' ? 'item' : 'row';
    if (others.length === 0) {
      const [first] = stored.map((s) => ({ rep: s, at: earlier(s)! })).sort((a, b) => a.at - b.at);
      if (!first) return;
      log.add('name like another rep', line, () => {
        const where = log.audience === 'request' ? `item ${first.at}` : `line ${first.at}`;
        return `rep "${name}" <${email}> has the name of the rep of ${where}, ${who(first.rep)}, ignoring case and accents: both are stored as two reps (an email is a rep's identity), ${askWhich('either')}; if they are one person, give both ${row}s the same email, then rename the rep of the wrong email and set it inactive (${row === 'item' ? 'an item' : 'a row'} with that email, another name and active=no; nothing deletes a rep); ${TWO_PEOPLE}`;
      });
      return;
    }
    log.add('name like a stored rep', line, () => {
      const one = others.length === 1;
      const said = others.slice(0, 3).map(who).join(', ');
      const more = others.length > 3 ? ` and ${others.length - 3} more` : '';
      const stored = one ? `the stored email ${others[0]!.email}` : 'the stored email of that person';
      return `new rep "${name}" <${email}> has the name of ${one ? 'stored rep' : 'stored reps'} ${said}${more}, ignoring case and accents: ${one ? 'both' : 'all'} are stored (an email is a rep's identity), ${askWhich(one ? 'either' : 'any of them')}; if they are one person, correct the email on this ${row} to ${stored}, then rename the new rep and set it inactive (${row === 'item' ? 'an item' : 'a row'} with email ${email}, another name and active=no; nothing deletes a rep); ${TWO_PEOPLE}`;
    });
  }

  /**
   * Counts a reps row (item) that renamed the stored rep of `email` (found by email or Slack user id) from
   * `from` to `name`, a name that folds like the name of `others` (found by the writer: see RepNamedLikeStored):
   * both are kept, and a reference by that name now matches them all and is refused. `line` as for
   * repLikeStored.
   */
  repRenamedLike(
    log: RowCheckLog,
    line: number,
    name: string,
    email: string | null,
    from: string,
    others: { id: number; name: string; email: string | null }[],
  ): void {
    if (others.length === 0) return;
    log.add('rep renamed like another rep', line, () => {
      const one = others.length === 1;
      const said = others.slice(0, 3).map(who).join(', ');
      const more = others.length > 3 ? ` and ${others.length - 3} more` : '';
      const row = log.audience === 'request' ? 'item' : 'row';
      const rep = email === null ? `rep "${from}" (no email)` : `rep <${email}>`;
      return `${rep} renamed from "${from}" to "${name}", the name of stored ${one ? 'rep' : 'reps'} ${said}${more}, ignoring case and accents: ${one ? 'both' : 'all'} are kept as ${one ? 'two reps' : 'separate reps'} (an email is a rep's identity), ${askWhich(one ? 'either' : 'any of them')}; if the new name is a mistake, give this ${row} the name "${from}" again; if they are one person, rename the rep of the other email and set it inactive (${row === 'item' ? 'an item' : 'a row'} with that email, another name and active=no; nothing deletes a rep); ${TWO_PEOPLE}`;
    });
  }
}

/** A rep as a warning names it: `Amara Okafor <amara@x.com>`, or `Pat Lee (no email)`. */
const who = (s: { name: string; email: string | null }) =>
  s.email === null ? `${s.name} (no email)` : `${s.name} <${s.email}>`;

/** What a name two reps share does to a reference by it. */
const askWhich = (them: string) =>
  `and a reference to ${them} by that name (a deal's owner_name, a rep's manager_name) is refused as ambiguous, and /metrics asks which one is meant`;

const TWO_PEOPLE =
  'if two people share the name, nothing to do: refer to each by email, or by @mention in Slack';
