import { and, eq, inArray, isNull, ne } from 'drizzle-orm';
import { fold } from '../core/fold.js';
import type { Db } from '../db/client.js';
import { reps, teamManagers, teamMemberships } from '../db/schema/index.js';
import { BatchNames } from './batch-names.js';
import { applyMembership, MembershipError } from './membership.js';
import {
  AmbiguousName,
  ambiguousName,
  type CreatedByReference,
  emptyCreated,
  type NamedRecord,
} from './names.js';
import { emailInName } from './resolve.js';
import type { ItemOf } from './schemas.js';
import { ensureTeam } from './teams.js';
import type { IngestOptions, RepNamedLikeStored, WriteResult } from './types.js';
import { emptyResult } from './types.js';

export type RepItem = ItemOf<'reps'>;
type RepRow = typeof reps.$inferSelect;

class ItemFailure extends Error {
  constructor(
    readonly field: string | null,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Writes reps one by one, each in its own savepoint so a bad item leaves nothing behind. A rep is
 * matched by email, else Slack user id, else name (a rep created earlier from an owner name gets its
 * email filled in). `team` (+ `team_since`) maintains membership history; `is_manager` registers the
 * rep as a manager of that team and `manager_name` registers the named person (created if unknown; an
 * email address there means the rep with that email, and an unknown one refuses the item).
 * Names (of reps, managers and teams) are looked up once per batch, not per row (BatchNames). The teams
 * and managers an item created are added to `opts.created` only when its savepoint commits.
 * Also returned, for the caller's warnings: `repsNamedLikeStored`, the new reps (by email) whose name folds
 * like other reps' with other emails when it was written (reps an earlier item created included), and the
 * stored reps an item renamed to a name that folds like other reps' (`renamedFrom`), from the names the batch
 * loads anyway (no further query); `managersStored`, the items
 * with role=manager and is_manager not yes whose rep manages a team once the batch is written (one query
 * per batch). Neither field is set when empty. Database errors other than an
 * item's own (ItemFailure, AmbiguousName, MembershipError: item errors) are thrown.
 */
export async function writeReps(db: Db, items: RepItem[], opts: IngestOptions): Promise<WriteResult> {
  const result = emptyResult();
  const likeStored: RepNamedLikeStored[] = [];
  // Items written with role=manager and is_manager not yes, with their rep (see managersAmong).
  const roleOnly: { index: number; repId: number }[] = [];
  const names: Names = { reps: new BatchNames('reps'), teams: new BatchNames('teams') };
  await names.reps.load(
    db,
    items.flatMap((i) => [i.name ?? '', i.manager_name ?? '']),
  );
  await names.teams.load(
    db,
    items.map((i) => i.team ?? ''),
  );
  for (const [index, item] of items.entries()) {
    // What this item creates, kept apart until its savepoint commits (a refused item's are rolled back).
    const created = emptyCreated();
    try {
      const { outcome, repId, alike, renamed } = await db.transaction((sp) =>
        writeRep(sp as unknown as Db, item, { ...opts, created }, names),
      );
      result[outcome] += 1;
      if (alike && item.name && (item.email || renamed))
        likeStored.push({
          index,
          name: item.name,
          email: renamed ? renamed.email : item.email!,
          stored: alike.map((r) => ({ id: r.id, name: r.name, email: r.email })),
          ...(renamed ? { renamedFrom: renamed.from } : {}),
        });
      if (item.role === 'manager' && item.is_manager !== true) roleOnly.push({ index, repId });
      opts.created?.reps.push(...created.reps);
      opts.created?.teams.push(...created.teams);
      opts.created?.accounts.push(...created.accounts);
    } catch (err) {
      names.reps.forget();
      names.teams.forget();
      if (err instanceof ItemFailure) result.errors.push({ index, field: err.field, message: err.message });
      else if (err instanceof AmbiguousName)
        result.errors.push({ index, field: err.field, message: err.message });
      else if (err instanceof MembershipError)
        result.errors.push({ index, field: 'team_since', message: err.message });
      else throw err;
    }
  }
  if (likeStored.length > 0) result.repsNamedLikeStored = likeStored;
  const managing = await managersAmong(
    db,
    roleOnly.map((r) => r.repId),
  );
  const managersStored = roleOnly.filter((r) => managing.has(r.repId)).map((r) => r.index);
  if (managersStored.length > 0) result.managersStored = managersStored;
  return result;
}

/**
 * Which of `repIds` manage a team now (a row in team_managers): one query, a row per rep found (distinct).
 * Empty input asks nothing.
 */
async function managersAmong(db: Db, repIds: number[]): Promise<Set<number>> {
  if (repIds.length === 0) return new Set();
  const rows = await db
    .selectDistinct({ repId: teamManagers.repId })
    .from(teamManagers)
    .where(inArray(teamManagers.repId, repIds));
  return new Set(rows.map((r) => r.repId));
}

/** The batch's names: reps (by a row's name and manager_name) and teams. */
interface Names {
  reps: BatchNames;
  teams: BatchNames;
}

/**
 * What one item did: counted as inserted, updated or unchanged; its rep; and, for a new rep, the stored reps
 * its name folds like (all with other emails: see findRep), when any; for a stored rep it renamed to a name
 * that folds like other reps' (`renamed`: its name before and its email), those reps.
 */
interface RepWritten {
  outcome: 'inserted' | 'updated' | 'unchanged';
  repId: number;
  alike?: NamedRecord[];
  renamed?: { from: string; email: string | null };
}

async function writeRep(db: Db, item: RepItem, opts: IngestOptions, names: Names): Promise<RepWritten> {
  const { found, byName, alike } = await findRep(db, item, names.reps);
  await assertFree(db, found?.id ?? null, item);
  let changed = false;
  let repId: number;
  let renamedLike: NamedRecord[] | undefined;
  if (!found) {
    if (!item.name) throw new ItemFailure('name', 'is required for a new rep');
    if (!item.email) {
      // Two writers of one new name: the second waits, then finds the first one's rep (see lockNameCreation).
      await names.reps.lock(db);
      const again = await findRep(db, item, names.reps);
      if (again.found) return writeRep(db, item, opts, names);
    }
    const [row] = await db
      .insert(reps)
      .values({
        name: item.name,
        email: item.email ?? null,
        slackUserId: item.slack_user_id ?? null,
        role: item.role ?? (item.is_manager ? 'manager' : 'rep'),
        active: item.active ?? true,
        timezone: item.timezone ?? null,
      })
      .returning({ id: reps.id });
    repId = row!.id;
    names.reps.add({ id: repId, name: item.name, email: item.email ?? null, externalId: null });
  } else {
    repId = found.id;
    // An empty email cell on a row found by name read as "clear it" unlinked the rep from owner_email and
    // Slack with no word; it may as well mean "not in this export". Two readings: refused.
    if (item.email === null && found.email !== null)
      throw new ItemFailure(
        'email',
        `cannot be emptied: ${found.name} has ${found.email}, which owner_email and Slack match; give the email, or leave the column out, to keep it`,
      );
    const set: Partial<RepRow> = {};
    // A rep found by a name spelled another way keeps its stored spelling.
    if (item.name && !byName && item.name !== found.name) set.name = item.name;
    if (item.email !== undefined && item.email !== found.email) set.email = item.email;
    if (item.slack_user_id !== undefined && item.slack_user_id !== found.slackUserId)
      set.slackUserId = item.slack_user_id;
    const role = item.role ?? (item.is_manager && found.role === 'rep' ? 'manager' : undefined);
    if (role && role !== found.role) set.role = role;
    const active = item.active ?? (item.active === null ? true : undefined);
    if (active !== undefined && active !== found.active) set.active = active;
    if (item.timezone !== undefined && item.timezone !== found.timezone) set.timezone = item.timezone;
    // A rename to a name other reps have (not a respelling of its own): from then on a reference by that
    // name matches them all, so the caller counts it (tester: it went unsaid). Read before `replace` below.
    if (set.name !== undefined && fold(set.name) !== fold(found.name)) {
      const others = (await names.reps.get(db, set.name)).filter((r) => r.id !== repId);
      if (others.length > 0) renamedLike = others;
    }
    if (Object.keys(set).length > 0) {
      await db.update(reps).set(set).where(eq(reps.id, repId));
      if (set.name !== undefined || set.email !== undefined)
        names.reps.replace({
          id: repId,
          name: set.name ?? found.name,
          email: set.email === undefined ? found.email : set.email,
          externalId: null,
        });
      changed = true;
    }
  }
  let teamId: number | null | undefined;
  if (item.team !== undefined) {
    teamId = item.team === null ? null : await ensureTeam(db, item.team, names.teams, opts.created);
    changed = (await applyMembership(db, repId, teamId, item.team_since, opts.now)) || changed;
  }
  const managed =
    item.is_manager !== undefined || item.manager_name ? (teamId ?? (await currentTeam(db, repId))) : null;
  // `is_manager=no` (or empty) on a rep of no team, an admin say, has nothing to undo; yes and manager_name need a team.
  if (managed === null && (item.is_manager === true || item.manager_name))
    throw new ItemFailure(item.manager_name ? 'manager_name' : 'is_manager', 'needs a team');
  if (managed !== null) {
    if (item.is_manager === true) changed = (await addManager(db, managed, repId)) || changed;
    if (item.is_manager === false) {
      const removed = await db
        .delete(teamManagers)
        .where(and(eq(teamManagers.teamId, managed), eq(teamManagers.repId, repId)))
        .returning({ repId: teamManagers.repId });
      changed = removed.length > 0 || changed;
    }
    if (item.manager_name) {
      const managerId = await ensureManager(db, item.manager_name, names.reps, opts.created);
      changed = (await addManager(db, managed, managerId)) || changed;
    }
  }
  if (!found) return alike ? { outcome: 'inserted', repId, alike } : { outcome: 'inserted', repId };
  const outcome = changed ? 'updated' : 'unchanged';
  if (!renamedLike) return { outcome, repId };
  const email = item.email !== undefined ? item.email : found.email;
  return { outcome, repId, alike: renamedLike, renamed: { from: found.name, email } };
}

/**
 * The stored rep an item means: by email, else Slack user id, else name under fold() (src/ingest/names.ts).
 * By Slack user id, an item with another email and another name than the rep's is refused (assertSamePerson).
 * By name, an item with an email claims the one rep of that name without an email (none: a new rep);
 * an item without one matches the one rep of that name. Two or more candidates are refused, not guessed.
 * `alike`: for an item with an email that found no rep, the reps of that name (with other emails), if any.
 */
async function findRep(
  db: Db,
  item: RepItem,
  known: BatchNames,
): Promise<{ found: RepRow | undefined; byName: boolean; alike?: NamedRecord[] }> {
  if (item.email) {
    const [r] = await db.select().from(reps).where(eq(reps.email, item.email));
    if (r) return { found: r, byName: false };
  }
  if (item.slack_user_id) {
    const [r] = await db.select().from(reps).where(eq(reps.slackUserId, item.slack_user_id));
    if (r) {
      assertSamePerson(r, item);
      return { found: r, byName: false };
    }
  }
  if (!item.name) return { found: undefined, byName: false };
  const named = await known.get(db, item.name);
  const candidates = item.email ? named.filter((r) => r.email === null) : named;
  if (candidates.length > 1) {
    const hint = item.email ? 'give them emails first' : 'add email';
    throw new ItemFailure('name', ambiguousName(item.name, 'people', candidates, hint));
  }
  if (candidates.length === 0)
    return named.length > 0
      ? // A copy: BatchNames adds the rep this item creates to its own list.
        { found: undefined, byName: false, alike: [...named] }
      : { found: undefined, byName: false };
  const [r] = await db.select().from(reps).where(eq(reps.id, candidates[0]!.id));
  return { found: r, byName: true };
}

/**
 * A row found by its Slack user id alone (no rep has its email) that gives another email AND another name
 * (under fold()) than that rep's reads two ways: the same person renamed with a new address, or another
 * person given the wrong Slack id. Taken as an update, it silently turned the rep into someone else (Slack
 * showed the new name to them, and a later row with the old email made a second rep). Refused. A new email
 * with the stored name, or a new name with the stored email, is still an update. A rep stored without an
 * email has no email to contradict, so only the name differs: an update.
 */
function assertSamePerson(found: RepRow, item: RepItem): void {
  if (!item.email || !item.name || found.email === null) return;
  if (item.email.toLowerCase() === found.email.toLowerCase() || fold(item.name) === fold(found.name)) return;
  throw new ItemFailure(
    'slack_user_id',
    `${item.slack_user_id} is ${found.name} <${found.email}>, not ${item.name} <${item.email}>: fix the Slack user id; if this really is ${found.name} with a new name and email, change one at a time (this email with the name ${found.name}, then the new name)`,
  );
}

/** A rep's email and Slack id are unique: refuse to take one that belongs to someone else. */
async function assertFree(db: Db, repId: number | null, item: RepItem): Promise<void> {
  const others = (col: typeof reps.email | typeof reps.slackUserId, v: string) =>
    db
      .select({ id: reps.id })
      .from(reps)
      .where(repId === null ? eq(col, v) : and(eq(col, v), ne(reps.id, repId)));
  if (item.email && (await others(reps.email, item.email)).length > 0) {
    throw new ItemFailure('email', `${item.email} already belongs to another rep`);
  }
  if (item.slack_user_id && (await others(reps.slackUserId, item.slack_user_id)).length > 0) {
    throw new ItemFailure('slack_user_id', `${item.slack_user_id} already belongs to another rep`);
  }
}

async function currentTeam(db: Db, repId: number): Promise<number | null> {
  const [m] = await db
    .select({ teamId: teamMemberships.teamId })
    .from(teamMemberships)
    .where(and(eq(teamMemberships.repId, repId), isNull(teamMemberships.validTo)));
  return m?.teamId ?? null;
}

/**
 * The rep named `name` under fold() (created as a manager when unknown); two or more: AmbiguousName.
 * An email address in `manager_name` means the rep with that email; none: ItemFailure, never a rep named
 * by an address.
 */
async function ensureManager(
  db: Db,
  name: string,
  known: BatchNames,
  created?: CreatedByReference,
): Promise<number> {
  const address = emailInName(name);
  if (address !== null) {
    const [r] = await db.select().from(reps).where(eq(reps.email, address));
    if (!r)
      throw new ItemFailure(
        'manager_name',
        `"${name}" is an email address and no rep has it; write the manager's name in manager_name, or add the manager first on a row of their own with the name in name and the address in email`,
      );
    if (r.role === 'rep') await db.update(reps).set({ role: 'manager' }).where(eq(reps.id, r.id));
    return r.id;
  }
  const find = async () => {
    const matches = await known.get(db, name);
    if (matches.length > 1)
      throw new AmbiguousName(
        'manager_name',
        ambiguousName(name, 'people', matches, 'register them by email'),
      );
    if (matches.length === 0) return undefined;
    const [r] = await db.select().from(reps).where(eq(reps.id, matches[0]!.id));
    return r;
  };
  let existing = await find();
  if (!existing) {
    await known.lock(db);
    existing = await find();
  }
  if (!existing) {
    const [row] = await db.insert(reps).values({ name, role: 'manager' }).returning({ id: reps.id });
    known.add({ id: row!.id, name, email: null, externalId: null });
    created?.reps.push({ name, email: null });
    return row!.id;
  }
  if (existing.role === 'rep') await db.update(reps).set({ role: 'manager' }).where(eq(reps.id, existing.id));
  return existing.id;
}

async function addManager(db: Db, teamId: number, repId: number): Promise<boolean> {
  const added = await db
    .insert(teamManagers)
    .values({ teamId, repId })
    .onConflictDoNothing()
    .returning({ repId: teamManagers.repId });
  return added.length > 0;
}
