import { asc, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { accounts, reps } from '../db/schema/index.js';
import { textList } from './upsert-core.js';

/**
 * Reference resolution for a batch: who owns a lead or deal, which account a deal belongs to.
 * Each resolver takes every reference in the batch at once (a few queries per batch, not per row).
 */

export interface RepRef {
  email?: string | null | undefined;
  name?: string | null | undefined;
}

/** A resolved reference: an id, null (the input cleared it), or why it could not be resolved. */
export type Resolved = { id: number | null } | { error: string; field: string };

/**
 * Finds reps by email, else by name. Unknown people named by name (and optionally email) are created,
 * so public data sets with owner names import without a reps file first; an unknown email with a name
 * first claims a rep known only by that name. An unknown email with no name is an error: we will not
 * invent a person from an address alone.
 */
export async function resolveReps(
  db: Db,
  refs: RepRef[],
  fields: { email: string; name: string },
): Promise<(ref: RepRef) => Resolved | undefined> {
  const emails = uniq(refs.map((r) => r.email));
  const names = uniq(refs.map((r) => r.name));
  const byEmail = new Map<string, number>();
  const byName = new Map<string, number>();
  const load = async () => {
    if (emails.length > 0) {
      const rows = await db
        .select({ id: reps.id, email: reps.email })
        .from(reps)
        .where(sql`${reps.email} in ${textList(emails)}`);
      for (const r of rows) if (r.email) byEmail.set(r.email, r.id);
    }
    if (names.length > 0) {
      // Several people may share a name; the oldest row wins, consistently.
      const rows = await db
        .select({ id: reps.id, name: reps.name })
        .from(reps)
        .where(sql`${reps.name} in ${textList(names)}`)
        .orderBy(asc(reps.id));
      for (const r of rows) if (!byName.has(r.name)) byName.set(r.name, r.id);
    }
  };
  await load();
  const withEmail = new Map<string, string>();
  const nameOnly = new Set<string>();
  for (const r of refs) {
    if (r.email && !byEmail.has(r.email) && r.name) withEmail.set(r.email, r.name);
    else if (!r.email && r.name && !byName.has(r.name)) nameOnly.add(r.name);
  }
  if (withEmail.size > 0) {
    // A person first known only by name (e.g. from an earlier file) gets this email instead of a twin.
    const pairs = [...withEmail].map(([email, name]) => ({ email, name }));
    await db.execute(
      sql`update reps r set email = c.email
          from (select distinct on (x.name) x.email, n.id
                from json_to_recordset(${JSON.stringify(pairs)}::json) as x(email text, name text)
                join reps n on n.name = x.name and n.email is null
                order by x.name, n.id) c
          where r.id = c.id`,
    );
    await db
      .insert(reps)
      .values([...withEmail].map(([email, name]) => ({ email, name })))
      .onConflictDoNothing({ target: reps.email });
  }
  if (nameOnly.size > 0) {
    await db
      .insert(reps)
      .values([...nameOnly].map((name) => ({ name })))
      .onConflictDoNothing({ target: reps.name, where: sql`email is null` });
  }
  if (withEmail.size > 0 || nameOnly.size > 0) await load();
  return (ref) => {
    if (ref.email) {
      const id = byEmail.get(ref.email);
      return id === undefined
        ? { error: `no rep with email ${ref.email} (add a name to create one)`, field: fields.email }
        : { id };
    }
    if (ref.name) {
      const id = byName.get(ref.name);
      return id === undefined ? { error: `no rep named ${ref.name}`, field: fields.name } : { id };
    }
    // Both absent: leave the stored owner alone; an explicit empty value clears it.
    return ref.email === undefined && ref.name === undefined ? undefined : { id: null };
  };
}

/**
 * Finds accounts by external id, else by name; unknown ones are created with the reference as both
 * external id and name (so a later accounts file keyed by that name updates the same row).
 */
export async function resolveAccounts(
  db: Db,
  refs: (string | null | undefined)[],
): Promise<Map<string, number>> {
  const wanted = uniq(refs);
  const found = new Map<string, number>();
  if (wanted.length === 0) return found;
  const load = async (list: string[]) => {
    const byId = await db
      .select({ id: accounts.id, key: accounts.externalId })
      .from(accounts)
      .where(sql`${accounts.externalId} in ${textList(list)}`);
    for (const r of byId) found.set(r.key, r.id);
    const rest = list.filter((k) => !found.has(k));
    if (rest.length === 0) return;
    const byName = await db
      .select({ id: accounts.id, key: accounts.name })
      .from(accounts)
      .where(sql`${accounts.name} in ${textList(rest)}`)
      .orderBy(asc(accounts.id));
    for (const r of byName) if (!found.has(r.key)) found.set(r.key, r.id);
  };
  await load(wanted);
  const missing = wanted.filter((k) => !found.has(k));
  if (missing.length > 0) {
    await db
      .insert(accounts)
      .values(missing.map((k) => ({ externalId: k, name: k })))
      .onConflictDoNothing({ target: accounts.externalId });
    await load(missing);
  }
  return found;
}

function uniq(values: (string | null | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v !== ''))];
}
