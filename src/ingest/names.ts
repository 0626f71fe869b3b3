import { AsyncLocalStorage } from 'node:async_hooks';
import { sql } from 'drizzle-orm';
import { fold } from '../core/fold.js';
import { type Db, queryRows } from '../db/client.js';
import { counted } from '../numbers/count.js';

/**
 * References by name (a deal's owner_name, a rep's team or manager_name, a deal's account): a name
 * matches a stored record when both are equal under fold() (src/core/fold.ts, the rule the commands
 * use: case, accents and runs of white space ignored). Two or more matches are refused, never guessed.
 */

/** What a write created because a reference named something unknown (for the summary and the API answer). */
export interface CreatedByReference {
  reps: { name: string; email: string | null }[];
  teams: string[];
  accounts: string[];
}

export const emptyCreated = (): CreatedByReference => ({ reps: [], teams: [], accounts: [] });

/** A stored record found by name: its id, its stored name, (reps) its email, (accounts) its external id. */
export interface NamedRecord {
  id: number;
  name: string;
  email: string | null;
  externalId: string | null;
}

type NameTable = 'reps' | 'teams' | 'accounts';

/**
 * Stored records of `table` whose name folds like one of `names`: fold key → records, oldest first.
 * Keys with no record are absent. One query: tally_name_probe (migration 0036, indexed on accounts)
 * narrows the candidates, fold() decides.
 */
export async function findByName(
  db: Db,
  table: NameTable,
  names: string[],
): Promise<Map<string, NamedRecord[]>> {
  const keys = new Set(names.map(fold).filter((k) => k !== ''));
  const found = new Map<string, NamedRecord[]>();
  if (keys.size === 0) return found;
  const email = table === 'reps' ? sql`email` : sql`null::text`;
  const externalId = table === 'accounts' ? sql`external_id` : sql`null::text`;
  const rows = await queryRows<NamedRecord>(
    db,
    sql`select id, name, ${email} as email, ${externalId} as "externalId" from ${sql.identifier(table)}
        where tally_name_probe(name) in
          (select tally_name_probe(value) from json_array_elements_text(${JSON.stringify([...keys])}::json))
        order by id`,
  );
  for (const r of rows) {
    const key = fold(r.name);
    if (!keys.has(key)) continue;
    const list = found.get(key);
    if (list) list.push(r);
    else found.set(key, [r]);
  }
  return found;
}

/**
 * Serialises the creation of records by name (reps, teams, accounts): one transaction-level advisory lock,
 * taken by a write before it creates a record for a name nobody matched. A second writer waits until the
 * first commits, then its next lookup (a new statement, READ COMMITTED) finds the first one's row instead
 * of creating a twin. No unique index can do this: fold() is not a SQL expression. One lock, not one per
 * name: an import holds its locks to its commit, and one per name ran out of the server's lock table
 * (max_locks_per_transaction) at about 20,000 new names; one lock also cannot deadlock with itself.
 * Writes whose names all match take no lock. Taking it again in the same transaction is a no-op.
 *
 * Lock order: this lock comes before every other lock of a transaction, so a writer never waits for it
 * while holding a table or row another writer waits for (docs/data-in.md). The import takes it first
 * thing; an ingest request, which learns only while writing whether it needs it, runs inside
 * `tryingNameLock`, where this throws NameLockBusy instead of waiting (the request is then run again,
 * taking the lock first).
 */
export async function lockNameCreation(db: Db): Promise<void> {
  if (tried.getStore()) {
    const [r] = await queryRows<{ got: boolean }>(
      db,
      sql`select pg_try_advisory_xact_lock(${NAME_LOCK}) as got`,
    );
    if (!r?.got) throw new NameLockBusy();
    return;
  }
  await db.execute(sql`select pg_advisory_xact_lock(${NAME_LOCK})`);
}

const NAME_LOCK = sql`hashtextextended('tally:create-by-name', 0)`;

/** Set while `tryingNameLock` runs: lockNameCreation tries the lock instead of waiting for it. */
const tried = new AsyncLocalStorage<true>();

/** Another transaction holds the name lock, and the caller asked not to wait for it (tryingNameLock). */
export class NameLockBusy extends Error {
  override name = 'NameLockBusy';
  constructor() {
    super('another writer holds the lock on creating records by name');
  }
}

/**
 * Runs `fn` (a whole transaction) so that lockNameCreation inside it takes the lock only when it is free,
 * and otherwise rejects with NameLockBusy: the caller rolls back what it holds and runs the transaction
 * again with the lock taken first (see lockNameCreation's lock order).
 */
export function tryingNameLock<T>(fn: () => Promise<T>): Promise<T> {
  return tried.run(true, fn);
}

/**
 * findByName for a write that creates records for the names nobody matched (a teams file, an accounts file
 * keyed by name): when any name is unmatched it takes lockNameCreation and looks every name up again (a new
 * statement after the lock sees a concurrent writer's commit), so two writers of one new name make one
 * record. Batches whose names all match take no lock. Same result shape as findByName.
 */
export async function findByNameLocked(
  db: Db,
  table: NameTable,
  names: string[],
): Promise<Map<string, NamedRecord[]>> {
  const found = await findByName(db, table, names);
  const unmatched = names.some((n) => {
    const key = fold(n);
    return key !== '' && !found.has(key);
  });
  if (!unmatched) return found;
  await lockNameCreation(db);
  return findByName(db, table, names);
}

/** `"amara okafor" matches 2 people: Amara Okafor <amara@x.com>; Amara Okafor (no email); use owner_email`. */
export function ambiguousName(said: string, what: string, matches: NamedRecord[], hint: string): string {
  const shown = matches
    .slice(0, 5)
    .map((m) =>
      what === 'people' ? `${m.name} ${m.email ? `<${m.email}>` : '(no email)'}` : `${m.name} (id ${m.id})`,
    );
  const more = matches.length > shown.length ? ` and ${matches.length - shown.length} more` : '';
  return `"${said}" matches ${matches.length} ${what}: ${shown.join('; ')}${more}; ${hint}`;
}

/**
 * A name that matches two or more stored records (the message names them and says how to pick). `field` is
 * the input field that gave the name (`team`, `manager_name`), so a line-numbered error names that column.
 */
export class AmbiguousName extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A name in a list: quoted when it holds the list's separators or a quote ("Acme, Inc."), a quote inside
 * doubled as CSV writes it ('"Hooli, ""West"""'), so where one ends is plain.
 */
const inList = (name: string) => (/[,;"]/.test(name) ? `"${name.replace(/"/g, '""')}"` : name);

const listed = (names: string[]) =>
  `${names.slice(0, 5).join(', ')}${names.length > 5 ? `, … (${(names.length - 5).toLocaleString('en-US')} more)` : ''}`;

/**
 * The name written the other way round: "Ode, Sam" → "Sam Ode", "Mary Ann Lee" → "Lee, Mary Ann"; null for
 * one word, or more than one comma. CRM exports write owners "Last, First", so "Ode, Sam" beside a rep "Sam
 * Ode" may be that person or another: fold() does not match them, and a reference is refused (findReps).
 */
export function otherNameOrder(name: string): string | null {
  const parts = name.split(',');
  if (parts.length === 2) {
    const [last, first] = parts.map((p) => p.trim());
    return last && first ? `${first} ${last}` : null;
  }
  if (parts.length > 2) return null;
  const words = name.trim().split(/\s+/);
  return words.length < 2 ? null : `${words.at(-1)}, ${words.slice(0, -1).join(' ')}`;
}

/**
 * Every other order a person's name may be written in: otherNameOrder's ("Ode, Sam" ↔ "Sam Ode"), and for a
 * name without a comma its last word first or its first word last, without a comma ("Ode Sam" ↔ "Sam Ode",
 * "Lee Mary Ann" ↔ "Mary Ann Lee"), as exports that write "Last First" do. Never the name itself; empty for one
 * word.
 */
export function otherNameOrders(name: string): string[] {
  const comma = otherNameOrder(name);
  if (comma === null) return [];
  if (name.includes(',')) return [comma];
  const words = name.trim().split(/\s+/);
  const lastFirst = [words.at(-1)!, ...words.slice(0, -1)].join(' ');
  const firstLast = [...words.slice(1), words[0]!].join(' ');
  const same = words.join(' ');
  return [...new Set([comma, lastFirst, firstLast])].filter((n) => n !== same);
}

/**
 * One line of what references created, or '' when nothing: `created 3 reps (no email): Ann, Bo, Cy;
 * 1 rep: Di <di@x.com>; 2 accounts: acme, Beta; 1 team: EMEA` (the first five names of each kind; a name
 * with a comma or semicolon in quotes: `2 accounts: "Acme, Inc.", Beta`).
 */
export function formatCreated(c: CreatedByReference): string {
  const parts: string[] = [];
  const plural = (n: number, one: string, many: string) => counted(n, [one, many]);
  const nameless = c.reps.filter((r) => r.email === null).map((r) => inList(r.name));
  const withEmail = c.reps.filter((r) => r.email !== null).map((r) => `${inList(r.name)} <${r.email}>`);
  if (nameless.length > 0)
    parts.push(`${plural(nameless.length, 'rep', 'reps')} (no email): ${listed(nameless)}`);
  if (withEmail.length > 0) parts.push(`${plural(withEmail.length, 'rep', 'reps')}: ${listed(withEmail)}`);
  if (c.accounts.length > 0)
    parts.push(`${plural(c.accounts.length, 'account', 'accounts')}: ${listed(c.accounts.map(inList))}`);
  if (c.teams.length > 0)
    parts.push(`${plural(c.teams.length, 'team', 'teams')}: ${listed(c.teams.map(inList))}`);
  return parts.length > 0 ? `created ${parts.join('; ')}` : '';
}
