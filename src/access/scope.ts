import type { Caller } from '../core/types.js';
import type { Db } from '../db/client.js';
import type { Scope } from '../metrics/types.js';
import type { AccessTarget } from './permissions.js';
import { currentTeamIds, findRepBySlackId, findRepsByName, listTeams } from './queries.js';

/** A scope word from the grammar (kept structurally equal to the Slack grammar's ScopeWord). */
export type ScopeAsk =
  | { kind: 'me' }
  | { kind: 'my_team' }
  | { kind: 'org' }
  | { kind: 'user'; slackUserId: string; name: string | null }
  | { kind: 'named'; name: string; teamOnly: boolean };

export type ScopeResolution =
  | { ok: true; scope: Scope; target: AccessTarget }
  /** `message` is plain text for the person; `candidates` are names to suggest from. */
  | { ok: false; message: string; candidates: string[] };

/**
 * Turns what the caller said ("me", "team", "EMEA", a mention, "ana") into a metrics scope plus what the
 * permission rules need to know about it. A person's current teams come from the membership history.
 */
export async function resolveScopeAsk(
  db: Db,
  caller: Caller,
  ask: ScopeAsk,
  now: Date,
): Promise<ScopeResolution> {
  switch (ask.kind) {
    case 'me':
      return ok(
        { kind: 'rep', repId: caller.repId },
        { kind: 'rep', repId: caller.repId, teamIds: caller.teamIds },
      );
    case 'org':
      return ok({ kind: 'org' }, { kind: 'org' });
    case 'my_team': {
      const teamId = caller.teamIds[0] ?? caller.managedTeamIds[0];
      if (teamId === undefined) {
        return fail(
          "You're not on a team in Tally yet, so `team` has nothing to show. Try `org`, or name a team.",
        );
      }
      return ok({ kind: 'team', teamId }, { kind: 'team', teamId });
    }
    case 'user': {
      const rep = await findRepBySlackId(db, ask.slackUserId);
      if (!rep) return fail(`Tally doesn't know ${ask.name ? `@${ask.name}` : 'that person'} yet.`);
      return repScope(db, rep.id, now);
    }
    case 'named':
      return resolveName(db, ask.name, ask.teamOnly, now);
  }
}

async function resolveName(db: Db, name: string, teamOnly: boolean, now: Date): Promise<ScopeResolution> {
  const teams = await listTeams(db);
  const team = teams.find((t) => t.name.toLowerCase() === name.toLowerCase());
  if (team) return ok({ kind: 'team', teamId: team.id }, { kind: 'team', teamId: team.id });
  if (!teamOnly) {
    const people = await findRepsByName(db, name);
    if (people.length === 1) return repScope(db, people[0]!.id, now);
    if (people.length > 1) {
      return fail(`More than one person is called "${name}". Mention them instead, like @${name}.`);
    }
  }
  return {
    ok: false,
    message: `I don't know a ${teamOnly ? 'team' : 'team or person'} called "${name}".`,
    candidates: teams.map((t) => t.name),
  };
}

async function repScope(db: Db, repId: number, now: Date): Promise<ScopeResolution> {
  const teamIds = await currentTeamIds(db, repId, now);
  return ok({ kind: 'rep', repId }, { kind: 'rep', repId, teamIds });
}

function ok(scope: Scope, target: AccessTarget): ScopeResolution {
  return { ok: true, scope, target };
}

function fail(message: string): ScopeResolution {
  return { ok: false, message, candidates: [] };
}
