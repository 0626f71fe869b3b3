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
} from './names.js';
import { textList } from './upsert-core.js';

/**
 * Reference resolution for a batch: who owns a lead or deal, which account a deal belongs to.
 * Each resolver takes every reference in the batch at once (a few queries per batch, not per row).
 */

export interface RepRef {
  email?: string | null | undefined;
  name?: string | null | undefined;
}

/** An email address as a name column may hold one by mistake: no spaces, one @, a dot in the domain. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A resolved reference: an id, null (the input cleared it), or why it could not be resolved. */
export type Resolved = { id: number | null } | { error: string; field: string };

/**
 * Finds reps by email, else by name (equal under fold(): case, accents and white space ignored; see
 * src/ingest/names.ts). Unknown people named by name (and optionally email) are created, so public data
 * sets with owner names import without a reps file first; an unknown email with a name first claims the
 * one rep known only by that name. An unknown email with no name is an error: we will not invent a
 * person from an address alone. A name that matches two or more people is an error naming them (give the
 * email). The first spelling of a new name creates the rep; later spellings that fold the same match it.
 * Creations are appended to `created`.
 */
export async function resolveReps(
  db: Db,
  refs: RepRef[],
  fields: { email: string; name: string },
  created?: CreatedByReference,
): Promise<(ref: RepRef) => Resolved | undefined> {
  // A name column holding an email address (`owner_name` = amara@x.com) means the rep with that email:
  // it is looked up as one and never creates a rep named by an address.
  const nameAsEmail = (r: RepRef) =>
    !r.email && r.name && EMAIL.test(r.name.trim()) ? r.name.trim().toLowerCase() : null;
  const emails = uniq([...refs.map((r) => r.email), ...refs.map(nameAsEmail)]);
  const names = uniq(refs.filter((r) => nameAsEmail(r) === null).map((r) => r.name));
  const byEmail = new Map<string, number>();
  let byName = new Map<string, NamedRecord[]>();
  const load = async () => {
    if (emails.length > 0) {
      const rows = await db
        .select({ id: reps.id, email: reps.email })
        .from(reps)
        .where(sql`${reps.email} in ${textList(emails)}`);
      for (const r of rows) if (r.email) byEmail.set(r.email, r.id);
    }
    byName = await findByName(db, 'reps', names);
  };
  // New people: an unknown email with a name (first name given for it wins), a name that matches nobody.
  const plan = () => {
    const withEmail = new Map<string, string>();
    const nameOnly = new Map<string, string>();
    for (const r of refs) {
      if (r.email) {
        if (!byEmail.has(r.email) && r.name && !withEmail.has(r.email)) withEmail.set(r.email, r.name);
      } else if (r.name && nameAsEmail(r) === null) {
        const key = fold(r.name);
        if (key !== '' && !byName.has(key) && !nameOnly.has(key)) nameOnly.set(key, r.name);
      }
    }
    return { withEmail, nameOnly };
  };
  await load();
  let todo = plan();
  if (todo.withEmail.size > 0 || todo.nameOnly.size > 0) {
    await lockNameCreation(db);
    await load();
    todo = plan();
    const claimed = new Set<number>();
    for (const [email, name] of todo.withEmail) {
      // A person first known only by name (e.g. from an earlier file) gets this email instead of a twin;
      // several such people are not guessed between: the email creates its own rep.
      const nameless = (byName.get(fold(name)) ?? []).filter((r) => r.email === null && !claimed.has(r.id));
      if (nameless.length === 1) {
        claimed.add(nameless[0]!.id);
        await db
          .update(reps)
          .set({ email })
          .where(sql`${reps.id} = ${nameless[0]!.id} and ${reps.email} is null`);
        continue;
      }
      const made = await db
        .insert(reps)
        .values({ email, name })
        .onConflictDoNothing({ target: reps.email })
        .returning({ id: reps.id });
      if (made.length > 0) created?.reps.push({ name, email });
    }
    if (todo.nameOnly.size > 0) {
      const made = await db
        .insert(reps)
        .values([...todo.nameOnly.values()].map((name) => ({ name })))
        .onConflictDoNothing({ target: reps.name, where: sql`email is null` })
        .returning({ name: reps.name });
      created?.reps.push(...made.map((m) => ({ name: m.name, email: null })));
    }
    await load();
  }
  return (ref) => {
    if (ref.email) {
      const id = byEmail.get(ref.email);
      return id === undefined
        ? { error: `no rep with email ${ref.email} (add a name to create one)`, field: fields.email }
        : { id };
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
      const found = byName.get(fold(ref.name)) ?? [];
      if (found.length === 1) return { id: found[0]!.id };
      if (found.length === 0) return { error: `no rep named ${ref.name}`, field: fields.name };
      return { error: ambiguousName(ref.name, 'people', found, `use ${fields.email}`), field: fields.name };
    }
    // Both absent: leave the stored owner alone; an explicit empty value clears it.
    return ref.email === undefined && ref.name === undefined ? undefined : { id: null };
  };
}

/** An account reference resolved: its id, or why not (a name that matches several accounts). */
export type AccountRef = { id: number } | { error: string };

/**
 * Finds accounts by external id (exactly), else by name (equal under fold(), as for reps); unknown ones
 * are created with the reference as both external id and name (so a later accounts file keyed by that
 * name updates the same row). The first spelling of a new name creates it; later spellings match it.
 * A name that matches two or more accounts is an error naming them. Creations go to `created`.
 */
export async function resolveAccounts(
  db: Db,
  refs: (string | null | undefined)[],
  created?: CreatedByReference,
): Promise<Map<string, AccountRef>> {
  const wanted = uniq(refs);
  const found = new Map<string, AccountRef>();
  if (wanted.length === 0) return found;
  const load = async (list: string[]) => {
    const byId = await db
      .select({ id: accounts.id, key: accounts.externalId })
      .from(accounts)
      .where(sql`${accounts.externalId} in ${textList(list)}`);
    for (const r of byId) found.set(r.key, { id: r.id });
    const rest = list.filter((k) => !found.has(k));
    const byName = await findByName(db, 'accounts', rest);
    for (const k of rest) {
      const matches = byName.get(fold(k)) ?? [];
      if (matches.length === 1) found.set(k, { id: matches[0]!.id });
      else if (matches.length > 1)
        found.set(k, { error: ambiguousName(k, 'accounts', matches, 'use the external id') });
    }
  };
  await load(wanted);
  let missing = wanted.filter((k) => !found.has(k));
  if (missing.length > 0) {
    await lockNameCreation(db);
    await load(missing);
    missing = wanted.filter((k) => !found.has(k));
    const firstSpelling = new Map<string, string>();
    for (const k of missing) if (!firstSpelling.has(fold(k))) firstSpelling.set(fold(k), k);
    if (firstSpelling.size > 0) {
      const made = await db
        .insert(accounts)
        .values([...firstSpelling.values()].map((k) => ({ externalId: k, name: k })))
        .onConflictDoNothing({ target: accounts.externalId })
        .returning({ name: accounts.name });
      created?.accounts.push(...made.map((m) => m.name));
    }
    await load(missing);
  }
  return found;
}

function uniq(values: (string | null | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v !== ''))];
}
