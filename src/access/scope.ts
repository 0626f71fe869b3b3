import { fold } from '../core/fold.js';
import type { Caller } from '../core/types.js';
import type { Db } from '../db/client.js';
import type { Scope } from '../metrics/types.js';
import { clipName } from '../names.js';
import { ownTeamId, type SlackProfile } from './caller.js';
import { matchPeople } from './people.js';
import { type AccessTarget, NO_MANAGED_TEAM } from './permissions.js';
import {
  currentTeamIds,
  findFormerRepForSlackUser,
  findRepByEmail,
  findRepBySlackId,
  listActiveRepNames,
  listFormerRepNames,
  listTeams,
  type RepRecord,
  type TeamRecord,
} from './queries.js';

/** Words that could also spell a team's name (`my team`, `the org`): see the grammar's OrTeam. */
interface OrTeamAsk {
  name: string;
  typed: string;
  meaning: string;
  own: string;
  named: string;
}

/** A scope word from the grammar (kept structurally equal to the Slack grammar's ScopeWord). */
export type ScopeAsk =
  /** `monthOrName`: see src/slack/grammar/words.ts (a month word that could also name a team or person). */
  | { kind: 'me'; monthOrName?: { word: string; period: string }; orTeam?: OrTeamAsk }
  | {
      kind: 'my_team';
      monthOrName?: { word: string; period: string };
      /** No scope typed beside a split (`winrate by rep`): see the grammar's ScopeWord. */
      unwritten?: { metric: string; by: 'rep' | 'team' };
      orTeam?: OrTeamAsk;
    }
  | { kind: 'org'; orTeam?: OrTeamAsk }
  | { kind: 'user'; slackUserId: string; name: string | null }
  | { kind: 'email'; email: string }
  | { kind: 'handle'; handle: string }
  /** `theTyped`: a `the` was typed before the name (see the grammar's ScopeWord). */
  | {
      kind: 'named';
      name: string;
      teamOnly: boolean;
      personOnly?: true;
      quoted?: true;
      atTyped?: true;
      theTyped?: true;
    };

/** A Slack user id to remember for a rep found through users.info (done once the caller may see them). */
export interface SlackLink {
  repId: number;
  slackUserId: string;
  timezone: string | null;
}

export type ScopeResolution =
  | { ok: true; scope: Scope; target: AccessTarget; link?: SlackLink }
  /** `message` is plain text for the person; `candidates` are names to suggest from. */
  | { ok: false; message: string; candidates: string[] };

/** Makes a name or typed word safe to show in a refusal's plain text (see resolveScopeAsk's `show`). */
type Show = (name: string) => string;
const asIs: Show = (name) => name;

/**
 * Turns what the caller said ("me", "team", "EMEA", a mention, "ana") into a metrics scope plus what the
 * permission rules need to know about it. A person's current teams come from the membership history.
 * `show` is applied to every typed word and name a refusal quotes in its sentence (not in code spans, which
 * repeat them as they are): for Slack it neutralises `* _ ~` and backticks, so `team *boss*` is answered
 * with "*boss*" as typed, not bold; this layer knows nothing of Slack, so by default names are shown as
 * they are. Words that could also spell a team's name (an OrTeam: `the team`, a team "The Team") are asked
 * back, except from a caller on no team, for whom `the team` can only be the team so called.
 */
export async function resolveScopeAsk(
  db: Db,
  caller: Caller,
  ask: ScopeAsk,
  now: Date,
  /** users.info for mentions of people not linked yet; without it such mentions are unknown. */
  lookupProfile?: (slackUserId: string) => Promise<SlackProfile | null>,
  show: Show = asIs,
): Promise<ScopeResolution> {
  if ((ask.kind === 'me' || ask.kind === 'my_team') && ask.monthOrName) {
    const clash = await monthNameClash(db, ask.monthOrName, ask.kind === 'my_team', show);
    if (clash) return clash;
  }
  // `my team` and a team "My Team", `the org` and a team "The Org", `winrate fiscal year` and a team
  // "Fiscal": say how to ask for each (not when the team so called is the caller's own team that was meant).
  const orTeam = ask.kind === 'me' || ask.kind === 'org' || ask.kind === 'my_team' ? ask.orTeam : undefined;
  if (orTeam) {
    const other = (await listTeams(db)).find((t) => fold(t.name) === fold(orTeam.name));
    const own = ask.kind === 'my_team' ? ownTeamId(caller) : undefined;
    // Fresh tester helper-503 (MED): a caller on no team was offered their own team's command, which answers
    // "You're not on a team": for them the words can only mean the team so called.
    if (other && ask.kind === 'my_team' && own === undefined)
      return ok({ kind: 'team', teamId: other.id }, { kind: 'team', teamId: other.id });
    if (other && other.id !== own) return orTeamRefusal(orTeam, other.name, show);
  }
  switch (ask.kind) {
    case 'me':
      return ok(
        { kind: 'rep', repId: caller.repId },
        { kind: 'rep', repId: caller.repId, teamIds: caller.teamIds },
      );
    case 'org':
      return ok({ kind: 'org' }, { kind: 'org' });
    case 'my_team': {
      const teamId = ownTeamId(caller);
      if (teamId === undefined) {
        // `winrate by rep` with no scope typed, from someone with no team: say which scopes split.
        if (ask.unwritten) {
          const { metric, by } = ask.unwritten;
          return fail(
            `\`by ${by}\` splits a team or the org: try \`/metrics ${metric} team by ${by}\` or \`/metrics ${metric} org by ${by}\`.`,
          );
        }
        // A manager by role who is on no team and manages none: say what makes a team's manager.
        if (caller.role === 'manager') return fail(`${NO_MANAGED_TEAM} Try \`org\`, or name a team.`);
        return fail(
          "You're not on a team in Tally yet, so `team` has nothing to show. Try `org`, or name a team.",
        );
      }
      return ok({ kind: 'team', teamId }, { kind: 'team', teamId });
    }
    case 'user': {
      const rep = await findRepBySlackId(db, ask.slackUserId);
      if (rep) return repScope(db, rep.id, now);
      // Never used Tally: Slack's profile email finds their rep record (then the id is linked).
      const profile = lookupProfile ? await lookupProfile(ask.slackUserId) : null;
      const byEmail = profile?.email ? await findRepByEmail(db, profile.email) : null;
      if (!byEmail || (byEmail.slackUserId && byEmail.slackUserId !== ask.slackUserId)) {
        // Someone who has left (their rep deactivated): answered as asking for them by full name is.
        const former = await findFormerRepForSlackUser(db, ask.slackUserId, profile?.email ?? null);
        if (former) return repScope(db, former.id, now);
        return fail(`Tally doesn't know ${ask.name ? `@${show(ask.name)}` : 'that person'} yet.`);
      }
      const resolved = await repScope(db, byEmail.id, now);
      return resolved.ok
        ? {
            ...resolved,
            link: { repId: byEmail.id, slackUserId: ask.slackUserId, timezone: profile?.timezone ?? null },
          }
        : resolved;
    }
    case 'email': {
      const rep = await findRepByEmail(db, ask.email);
      if (!rep) return fail(`Tally doesn't know anyone with the email ${show(ask.email)}.`);
      return repScope(db, rep.id, now);
    }
    case 'handle': {
      const everyone = await listActiveRepNames(db);
      const people = matchPeople(everyone, ask.handle);
      if (people.length > 0) return resolvePeople(db, `@${ask.handle}`, people, now, show);
      // `@Amaar`, near no one: everyone's names go with it for a did-you-mean (unknownNameHint), as for a typed name.
      return {
        ok: false,
        message: `I don't know anyone called "@${show(ask.handle)}".`,
        candidates: everyone.map((p) => p.name),
      };
    }
    case 'named':
      return resolveName(db, ask, now, show);
  }
}

/** The refusal of words that read as the caller, their team or the org, and spell the team `team` too. */
function orTeamRefusal(or: OrTeamAsk, team: string, show: Show): ScopeResolution {
  return fail(
    `\`${or.typed}\` can mean ${or.meaning} or the team ${show(clipName(team))}: for ${or.meaning}, ask \`${or.own}\`; for the team, ask \`${or.named}\`.`,
  );
}

/**
 * A typed name: a team's name first (also with "The" before it, as the grammar drops a `the`; the one with
 * "The" first when `the` was typed, see `theTyped`), then people
 * (first, last or full name). A name that is both a
 * team's and a person's full name is refused with how to ask for each (`team "X"`, `rep "X"`), never
 * guessed; `teamOnly` and `personOnly` look at one kind only.
 */
async function resolveName(
  db: Db,
  ask: Extract<ScopeAsk, { kind: 'named' }>,
  now: Date,
  show: Show,
): Promise<ScopeResolution> {
  const { name, teamOnly, personOnly } = ask;
  const teams = personOnly ? [] : await listTeams(db);
  // `Team Star` reads as the word `team` and the name "Star": a team called "Team Star" is that team when
  // no team is called "Star" (fresh tester helper-209: "I don't know a team called "Star". Did you mean
  // "Team Star"?", and the suggestion typed back said the same).
  const team =
    teams.find((t) => fold(t.name) === fold(name)) ??
    (teamOnly ? teams.find((t) => fold(t.name) === fold(`team ${name}`)) : undefined);
  const everyone = teamOnly ? [] : await listActiveRepNames(db);
  // `calls the closers`: the grammar drops `the`, so a team called "The Closers" is found by "closers"
  // (tester: it was suggested back as "The Closers", and typing that failed the same way); when people are
  // found by the name too, it is asked back, never guessed.
  const theTeam = teams.find((t) => fold(t.name) === fold(`the ${name}`));
  // Teams "Closers" and "The Closers" both: the name as typed is the one meant, `the` and all (`calls the
  // closers` is The Closers, `calls closers` is Closers; fresh tester helper-304, HIGH: it answered, and set
  // targets, for "Closers"; then it asked back, though "The Closers" was typed in full). A name of `the`s alone
  // (`team the` with teams "The" and "The The") is still asked back: its only word is the one dropped elsewhere.
  const both = team && theTeam && team.id !== theTeam.id && !ask.quoted;
  if (
    both &&
    !ask.theTyped &&
    fold(name)
      .split(' ')
      .every((w) => w === 'the')
  )
    return fail(
      `"${show(clipName(name))}" can be the team ${show(clipName(theTeam.name))} or the team ${show(clipName(team.name))}: ask \`team "${clipName(theTeam.name)}"\` or \`team "${clipName(team.name)}"\`.`,
    );
  if (theTeam && (!team || (both && ask.theTyped))) {
    const people = matchPeople(everyone, name);
    if (people.length === 0)
      return ok({ kind: 'team', teamId: theTeam.id }, { kind: 'team', teamId: theTeam.id });
    const who = people.length === 1 ? show(clipName(people[0]!.name)) : `${people.length} people`;
    return fail(
      `"${show(clipName(name))}" can be the team ${show(clipName(theTeam.name))} or ${who}. For the team, ask \`team "${clipName(theTeam.name)}"\`; for a person, their full name or an @mention.`,
    );
  }
  if (team) {
    const namesake = everyone.some((p) => fold(p.name) === fold(team.name));
    if (!namesake) return ok({ kind: 'team', teamId: team.id }, { kind: 'team', teamId: team.id });
    const quoted = `"${clipName(team.name)}"`;
    return fail(
      `"${show(clipName(team.name))}" is the name of a team and of a person. For the team, ask \`team ${quoted}\`; for the person, \`rep ${quoted}\`.`,
    );
  }
  const people = matchPeople(everyone, name);
  if (people.length > 0) return resolvePeople(db, name, people, now, show);
  // A former rep by full name (fresh tester helper-184: shown in `winrate org by rep`, but "I don't know anyone
  // called" when asked for); only the full name, so a first name never picks someone who has left.
  if (!teamOnly) {
    const formerReps = await listFormerRepNames(db);
    const former = formerReps.filter((p) => fold(p.name) === fold(name));
    if (former.length > 0) return resolvePeople(db, name, former, now, show);
    // A first or last name of someone who has left: say who, and how to ask (helper-185).
    const like = matchPeople(formerReps, name).slice(0, 3);
    if (like.length > 0) {
      const who = like.map((p) => clipName(p.name));
      return fail(
        `"${show(clipName(name))}" matches ${who.map(show).join(', ')}, no longer active: ask for ${like.length === 1 ? 'them' : 'one'} by full name (\`${who[0]}\`).`,
      );
    }
  }
  return {
    ok: false,
    message: personOnly
      ? `I don't know anyone called "${show(name)}".`
      : `I don't know a ${teamOnly ? 'team' : 'team or person'} called "${show(name)}".`,
    candidates: [...teams.map((t) => t.name), ...everyone.map((p) => p.name)],
  };
}

/**
 * A name check for one command (the grammar's NameCheck): whether `name` names a team (also with "The"
 * before it, as resolveScopeAsk finds it) (or, unless
 * `teamOnly`, an active person). With `exact`, only a team's name or a person's full name, compared after
 * the same fold as the lookup (case, accents, spaces); without, anyone resolveScopeAsk would find for it (a
 * first or last name too, even if several match). Teams and people are listed once, on first use, however
 * many readings of the command are checked.
 */
export function nameChecker(
  db: Db,
): (scope: { name: string; teamOnly: boolean; personOnly?: true }, exact: boolean) => Promise<boolean> {
  let teams: Promise<TeamRecord[]> | undefined;
  let people: Promise<RepRecord[]> | undefined;
  return async ({ name, teamOnly, personOnly }, exact) => {
    const wanted = fold(name);
    teams ??= listTeams(db);
    const theWanted = fold(`the ${name}`);
    if (!personOnly && (await teams).some((t) => fold(t.name) === wanted || fold(t.name) === theWanted))
      return true;
    if (teamOnly) return false;
    people ??= listActiveRepNames(db);
    const list = await people;
    return exact ? list.some((p) => fold(p.name) === wanted) : matchPeople(list, name).length > 0;
  };
}

/**
 * A refusal when a month word read as the period (`october`) is also the name of a team (or, with
 * `teamOnly` false, of a person): the words read two ways, so say how to ask for each. Null otherwise.
 */
async function monthNameClash(
  db: Db,
  month: { word: string; period: string },
  teamOnly: boolean,
  show: Show,
): Promise<ScopeResolution | null> {
  const team = (await listTeams(db)).find((t) => fold(t.name) === fold(month.word));
  const people = team || teamOnly ? [] : matchPeople(await listActiveRepNames(db), month.word);
  if (!team && people.length === 0) return null;
  const named = team
    ? `the team ${show(clipName(team.name))}`
    : people.length === 1
      ? show(clipName(people[0]!.name))
      : 'a person';
  const example = `${teamOnly ? 'team ' : ''}${team ? clipName(team.name) : month.word} this month`;
  return fail(
    `"${month.word}" can be the month or ${named}. For the month, write \`${month.period}\`; for ${team ? 'the team' : 'the person'}, add a period (\`${example}\`).`,
  );
}

/** One match answers; several list the candidates (up to 10) with a way to pick one. */
async function resolvePeople(
  db: Db,
  said: string,
  people: RepRecord[],
  now: Date,
  show: Show,
): Promise<ScopeResolution> {
  if (people.length === 0) return fail(`I don't know anyone called "${show(said)}".`);
  if (people.length === 1) return repScope(db, people[0]!.id, now);
  const shown = people
    .slice(0, 10)
    .map((p) => `${show(clipName(p.name))}${p.email ? ` (${show(p.email)})` : ''}`);
  const more = people.length > shown.length ? ` and ${people.length - shown.length} more` : '';
  // When every match carries the very name asked for, the full name cannot tell them apart.
  const byName = people.some((p) => fold(p.name) !== fold(said)) ? 'the full name, ' : '';
  return fail(
    `${people.length} people match "${show(said)}": ${shown.join('; ')}${more}. Ask again with ${byName}their email or an @mention.`,
  );
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
