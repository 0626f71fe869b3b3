import { sql } from 'drizzle-orm';
import { fold } from '../core/fold.js';
import type { Db } from '../db/client.js';
import { accounts, reps } from '../db/schema/index.js';
import {
  ambiguousName,
  type CreatedByReference,
  findByName,
  lockNameCreation,
  type NamedRecord,
  otherNameOrders,
} from './names.js';
import { oneSpace } from './schemas.js';
import type { ItemError } from './types.js';
import { anyText, type PendingRow } from './upsert-core.js';

/**
 * Reference resolution for a batch: who owns a lead or deal, which account a deal belongs to.
 * Each resolver takes every reference in the batch at once (a few queries per batch, not per row), in two
 * steps: `find` looks the references up and creates nothing (an unknown name resolves to a NewName), and
 * after the writer has refused its bad rows, createNewNames creates the records that the rows it will write
 * name. A refused row therefore creates nobody and nothing, and is not listed as having created anything.
 */

export interface RepRef {
  email?: string | null | undefined;
  name?: string | null | undefined;
}

/** An email address as a name column may hold one by mistake: no spaces, one @, a dot in the domain. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The address a name holds (`amara@x.com`, lower case), or null when it is a name. */
export function emailInName(name: string | null | undefined): string | null {
  const t = name?.trim();
  return t && EMAIL.test(t) ? t.toLowerCase() : null;
}

/** A resolved reference: an id, null (the input cleared it), or why it could not be resolved. */
export type Resolved = { id: number | null } | { error: string; field: string };

/**
 * A reference to a record that is not stored yet: a row carries it in place of the id until
 * createNewNames creates the record (only for rows that will be written). `index`: the item that named it
 * (the first spelling in the batch creates the record).
 */
export class NewName<R> {
  constructor(
    readonly ref: R,
    readonly index: number,
  ) {}
}

/** The references of one column in one batch, looked up (`find`) and, on demand, created (`create`). */
export interface References<R> {
  /** The reference as the stored data resolve it: `{ id }`, an error, NewName (unknown), or undefined (absent). */
  resolve(ref: R, index: number): Resolved | NewName<R> | undefined;
  /** Looks the batch's references up again (after lockNameCreation, to see a concurrent writer's commit). */
  reload(db: Db): Promise<void>;
  /** Creates records for `refs` (first one of each name wins), appends them to `created`, then reloads. */
  create(db: Db, refs: R[], created?: CreatedByReference): Promise<void>;
  /** Why a reference is still unknown after `create` (a name the database would not take). */
  unresolved(ref: R): { error: string; field: string };
}

/**
 * Finds reps by email, else by name (equal under fold(): case, accents and white space ignored; see
 * src/ingest/names.ts). Unknown people named by name (and optionally email) resolve to a NewName and are
 * created by createNewNames when their row is written, so public data sets with owner names import
 * without a reps file first; an unknown email with a name first claims the one rep known only by that
 * name. An unknown email with no name is an error: we will not invent a person from an address alone.
 * A name column holding an email address means the rep with that email (unknown: an error saying where
 * the name and the address go). A name that matches two or more people is an error naming them (give the
 * email). The first spelling of a new name creates the rep; later spellings that fold the same match it.
 * A known email with a name that is another rep (and not this one) is an error on the name field, naming
 * who the name is; a name that matches nobody is left to the email (a nickname, a rename). An unknown email
 * with the name of reps who all have an email is an error (a twin would make the name match two people),
 * and so is an address in the name column that is not the email column's. In one batch, the first of two
 * unknown emails with one name (folded) takes the name (claims or creates its rep); the later one is then
 * refused as in a later batch, on the email, naming that rep.
 */
export async function findReps(
  db: Db,
  refs: RepRef[],
  fields: { email: string; name: string },
): Promise<References<RepRef>> {
  // A name column holding an email address (`owner_name` = amara@x.com) means the rep with that email:
  // it is looked up as one and never creates a rep named by an address.
  // Each distinct name is tested once (a batch repeats a handful of names on thousands of rows).
  const addresses = new Map<string, string | null>();
  const addressIn = (name: string | null | undefined) => {
    if (typeof name !== 'string') return null;
    let address = addresses.get(name);
    if (address === undefined) {
      address = emailInName(name);
      addresses.set(name, address);
    }
    return address;
  };
  const nameAsEmail = (r: RepRef) => (r.email ? null : addressIn(r.name));
  const emails = uniq([...refs.map((r) => r.email), ...refs.map(nameAsEmail)]);
  const names = uniq(refs.filter((r) => nameAsEmail(r) === null).map((r) => r.name));
  // Each name the other way round ("Ode, Sam" ↔ "Sam Ode", "Ode Sam" ↔ "Sam Ode"), looked up too: see otherOrder.
  const reordered = new Map(names.map((n) => [n, otherNameOrders(n)]));
  const batchKeys = new Set(names.map((n) => fold(n)));
  const byEmail = new Map<string, number>();
  let byName = new Map<string, NamedRecord[]>();
  // A batch names a handful of people on thousands of rows: each name is folded once, and the rep a
  // name resolves to is kept until the next load (the result is the same object for every such row).
  const folded = new Map<string, string>();
  const foldName = (name: string) => {
    let f = folded.get(name);
    if (f === undefined) {
      f = fold(name);
      folded.set(name, f);
    }
    return f;
  };
  let nameToRep = new Map<string, Resolved>();
  const load = async (on: Db) => {
    nameToRep = new Map();
    if (emails.length > 0) {
      const rows = await on
        .select({ id: reps.id, email: reps.email })
        .from(reps)
        .where(sql`${reps.email} = ${anyText(emails)}`);
      for (const r of rows) if (r.email) byEmail.set(r.email, r.id);
    }
    byName = await findByName(on, 'reps', uniq([...names, ...[...reordered.values()].flat()]));
  };
  // A new name-only person whose name, the other way round, is a rep ("Ode, Sam" or "Ode Sam" beside Sam Ode),
  // or (written "Last, First") is named so by another row of this batch: the same person or another, so
  // refused rather than guessed (fresh tester helper-404: a second rep "Ode, Sam" was made without a word;
  // helper-503: "Ode Sam" too).
  const otherOrder = (name: string) => {
    const others = reordered.get(name) ?? [];
    const other = others.find((o) => (byName.get(fold(o)) ?? []).length > 0) ?? others[0];
    if (!other) return undefined;
    const stored = byName.get(fold(other)) ?? [];
    if (stored.length === 0 && !(name.includes(',') && batchKeys.has(fold(other)))) return undefined;
    const who =
      stored.length > 0 ? stored.map((r) => (r.email ? `${r.name} <${r.email}>` : r.name)).join('; ') : other;
    return {
      error: `"${name}" may be ${who}, the name written the other way round; write "${stored[0]?.name ?? other}" for that rep, or give ${fields.email} for another person`,
      field: fields.name,
    };
  };
  await load(db);
  const unresolved = (ref: RepRef) =>
    ref.email
      ? { error: `matches no rep: ${ref.email}`, field: fields.email }
      : { error: `names no rep: ${ref.name}`, field: fields.name };
  const resolve = (ref: RepRef, index: number): Resolved | NewName<RepRef> | undefined => {
    if (ref.email) {
      // An address in the name column that is not the email column's: two people named, refused.
      const other = addressIn(ref.name);
      if (other !== null && other !== ref.email.toLowerCase())
        return {
          error: `"${ref.name}" is another email address than ${fields.email} ${ref.email}; give one of the two`,
          field: fields.name,
        };
      const id = byEmail.get(ref.email);
      if (id !== undefined) {
        // A name that is someone else (and not this rep too) contradicts the email: two readings, refused.
        // A name that matches nobody (a nickname, a rename) leaves the email to decide.
        const named = ref.name ? (byName.get(foldName(ref.name)) ?? []) : [];
        if (named.length > 0 && !named.some((r) => r.id === id))
          return {
            error: `"${ref.name}" is ${named.map((r) => (r.email ? `${r.name} <${r.email}>` : r.name)).join('; ')}, not the rep with ${fields.email} ${ref.email}; give one of the two, or make them name the same person`,
            field: fields.name,
          };
        return { id };
      }
      if (!ref.name)
        return { error: `matches no rep: ${ref.email} (add a name to create one)`, field: fields.email };
      // A new email with the name of reps who all have an email: a second rep of that name would make every
      // later reference by the name match two people (refused from then on), so this one is refused now.
      // (One rep of that name without an email is claimed instead: see create.)
      const named = other === null ? (byName.get(foldName(ref.name)) ?? []) : [];
      if (named.length > 0 && named.every((r) => r.email !== null))
        return {
          error: `matches no rep: ${ref.email}, and "${ref.name}" is ${named.map((r) => `${r.name} <${r.email}>`).join('; ')}; give that rep's email, or, for another person, a name no rep has`,
          field: fields.email,
        };
      return new NewName(ref, index);
    }
    const addressed = nameAsEmail(ref);
    if (addressed !== null) {
      const id = byEmail.get(addressed);
      return id === undefined
        ? {
            error: `"${ref.name}" is an email address and no rep has it; write the person's name in ${fields.name}, or the address in ${fields.email} with a name to create them`,
            field: fields.name,
          }
        : { id };
    }
    if (ref.name) {
      const known = nameToRep.get(ref.name);
      if (known !== undefined) return known;
      const key = foldName(ref.name);
      const found = byName.get(key) ?? [];
      if (found.length === 1) {
        const one = { id: found[0]!.id };
        nameToRep.set(ref.name, one);
        return one;
      }
      if (found.length === 0)
        return key === '' ? unresolved(ref) : (otherOrder(ref.name) ?? new NewName(ref, index));
      return { error: ambiguousName(ref.name, 'people', found, `use ${fields.email}`), field: fields.name };
    }
    // Both absent: leave the stored owner alone; an explicit empty value clears it.
    return ref.email === undefined && ref.name === undefined ? undefined : { id: null };
  };
  const create = async (on: Db, wanted: RepRef[], created?: CreatedByReference) => {
    // New people: an unknown email with a name (first name given for it wins), a name that matches nobody.
    const withEmail = new Map<string, string>();
    const nameOnly = new Map<string, string>();
    for (const r of wanted) {
      if (r.email) {
        if (!byEmail.has(r.email) && r.name && !withEmail.has(r.email)) withEmail.set(r.email, r.name);
      } else if (r.name && nameAsEmail(r) === null) {
        const key = fold(r.name);
        if (key !== '' && !byName.has(key) && !nameOnly.has(key)) nameOnly.set(key, r.name);
      }
    }
    if (withEmail.size === 0 && nameOnly.size === 0) return;
    const claimed = new Set<number>();
    // Folded names an earlier email of these rows took (by claiming or creating its rep): a later email with
    // such a name would make a second rep of it (tester: two unknown emails named "Pat Lee" in one batch both
    // got through, after which the name matched two people). It is left uncreated, so its row is refused
    // after the reload below with resolve's message for a later batch: the name is now a rep with an email.
    const taken = new Set<string>();
    for (const [email, name] of withEmail) {
      const key = fold(name);
      if (taken.has(key)) continue;
      taken.add(key);
      // A person first known only by name (e.g. from an earlier file) gets this email instead of a twin;
      // several such people are not guessed between: the email creates its own rep.
      const nameless = (byName.get(key) ?? []).filter((r) => r.email === null && !claimed.has(r.id));
      if (nameless.length === 1) {
        const rep = nameless[0]!;
        claimed.add(rep.id);
        // Made by a name-only row of this import (one written before this email's row, e.g. when the email
        // row's amount waited for the file's decimal mark): the email row names the person, so the rep takes
        // its spelling and the summary lists it with the email (fresh tester helper-404: it stayed "sam ode"
        // and the summary said "(no email)"). Names of reps made by other imports stand.
        const madeHere = created?.reps.find((r) => r.email === null && r.name === rep.name);
        await on
          .update(reps)
          .set(madeHere ? { email, name } : { email })
          .where(sql`${reps.id} = ${rep.id} and ${reps.email} is null`);
        if (madeHere) Object.assign(madeHere, { name, email });
        continue;
      }
      const made = await on
        .insert(reps)
        .values({ email, name })
        .onConflictDoNothing({ target: reps.email })
        .returning({ id: reps.id });
      if (made.length > 0) created?.reps.push({ name, email });
    }
    // A name that an email of these rows took is that person, not a second one (fresh tester helper-403,
    // HIGH: `Sam Ode <sam@x.com>` and a name-only `Sam Ode` in one file made two reps, so the file was
    // refused as naming two people, or with --skip-invalid the twin was stored). As when the rep is stored
    // first: the name-only rows find the rep the email made after the reload below.
    const namesOnly = [...nameOnly].filter(([key]) => !taken.has(key)).map(([, name]) => name);
    if (namesOnly.length > 0) {
      const made = await on
        .insert(reps)
        .values(namesOnly.map((name) => ({ name })))
        .onConflictDoNothing({ target: reps.name, where: sql`email is null` })
        .returning({ name: reps.name });
      created?.reps.push(...made.map((m) => ({ name: m.name, email: null })));
    }
    await load(on);
  };
  return { resolve, reload: load, create, unresolved };
}

/**
 * Finds accounts by external id (exactly), else by name (equal under fold(), as for reps); an unknown one
 * resolves to a NewName, created by createNewNames (with the reference as its external id, exactly as given,
 * so a later accounts file keyed by that name updates the same row, and as its name, each run of spaces
 * single-spaced: oneSpace) when its row is written. The first spelling
 * of a new name creates it; later spellings match it. A name that matches two or more accounts is an error
 * naming them, for field `account`.
 */
export async function findAccounts(db: Db, refs: (string | null | undefined)[]): Promise<References<string>> {
  const wanted = uniq(refs);
  const found = new Map<string, Resolved>();
  const isId = (k: string) => {
    const f = found.get(k);
    return f !== undefined && 'id' in f;
  };
  // Keys resolved to an id stay resolved (ids do not change); the rest are looked up (again).
  const load = async (on: Db) => {
    const list = wanted.filter((k) => !isId(k));
    if (list.length === 0) return;
    const byId = await on
      .select({ id: accounts.id, key: accounts.externalId })
      .from(accounts)
      .where(sql`${accounts.externalId} = ${anyText(list)}`);
    for (const r of byId) found.set(r.key, { id: r.id });
    const rest = list.filter((k) => !isId(k));
    const byName = await findByName(on, 'accounts', rest);
    for (const k of rest) {
      const matches = byName.get(fold(k)) ?? [];
      if (matches.length === 1) found.set(k, { id: matches[0]!.id });
      else if (matches.length > 1)
        found.set(k, {
          error: ambiguousName(k, 'accounts', matches, 'use the external id'),
          field: 'account',
        });
    }
  };
  await load(db);
  const resolve = (key: string, index: number) => found.get(key) ?? new NewName(key, index);
  const create = async (on: Db, keys: string[], created?: CreatedByReference) => {
    const firstSpelling = new Map<string, string>();
    for (const k of keys) if (!found.has(k) && !firstSpelling.has(fold(k))) firstSpelling.set(fold(k), k);
    if (firstSpelling.size === 0) return;
    const made = await on
      .insert(accounts)
      .values([...firstSpelling.values()].map((k) => ({ externalId: k, name: oneSpace(k) })))
      .onConflictDoNothing({ target: accounts.externalId })
      .returning({ name: accounts.name });
    created?.accounts.push(...made.map((m) => m.name));
    await load(on);
  };
  const unresolved = (key: string) => ({ error: `matches no account: ${key}`, field: 'account' });
  return { resolve, reload: load, create, unresolved };
}

/**
 * The last step before rows are written: creates the records their NewName values stand for (only these
 * rows' names, so a refused row creates nothing) and puts the ids in their place. `columns` maps a row's
 * value (drizzle key, e.g. `ownerRepId`) to the references it came from. Takes lockNameCreation once, then
 * looks every reference up again (a new statement after the lock sees a concurrent writer's commit, so two
 * writers of one new name make one record); a row whose reference now fails (another writer made its
 * name match two records) is refused in `errors` and creates nothing either. Rows without a NewName take
 * no lock. Returns the rows to write. A column's references are of its own kind (RepRef, an account key):
 * `References<unknown>` takes any kind, and a NewName in a row's column is the one that column's
 * `resolve` made, so its `ref` is of that column's kind.
 */
export async function createNewNames(
  db: Db,
  rows: PendingRow[],
  columns: Record<string, References<unknown>>,
  errors: ItemError[],
  created?: CreatedByReference,
): Promise<PendingRow[]> {
  const keys = Object.keys(columns);
  const hasNew = (row: PendingRow) => keys.some((k) => row.values[k] instanceof NewName);
  if (!rows.some(hasNew)) return rows;
  await lockNameCreation(db);
  for (const k of keys) await columns[k]!.reload(db);
  const again = (row: PendingRow, k: string) => {
    const v = row.values[k];
    return v instanceof NewName ? columns[k]!.resolve(v.ref, v.index) : undefined;
  };
  const kept = rows.filter((row) => {
    for (const k of keys) {
      const now = again(row, k);
      if (now && 'error' in now) {
        errors.push({ index: row.index, field: now.field, message: now.error });
        return false;
      }
    }
    return true;
  });
  for (const k of keys) {
    const wanted = kept
      .map((row) => row.values[k])
      .filter((v): v is NewName<unknown> => v instanceof NewName)
      .sort((a, b) => a.index - b.index);
    await columns[k]!.create(
      db,
      wanted.map((v) => v.ref),
      created,
    );
  }
  return kept.filter((row) => {
    for (const k of keys) {
      const v = row.values[k];
      if (!(v instanceof NewName)) continue;
      const now = columns[k]!.resolve(v.ref, v.index);
      // Created a moment ago under the lock; a name the database would not take stays unknown.
      if (now === undefined || now instanceof NewName || 'error' in now) {
        const why = now && 'error' in now ? now : columns[k]!.unresolved(v.ref);
        errors.push({ index: row.index, field: why.field, message: why.error });
        return false;
      }
      row.values[k] = now.id;
    }
    return true;
  });
}

function uniq(values: (string | null | undefined)[]): string[] {
  const seen = new Set<string>();
  for (const v of values) if (typeof v === 'string' && v !== '') seen.add(v);
  return [...seen];
}
