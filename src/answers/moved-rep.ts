import { ownTeamId } from '../access/caller.js';
import { getRepNames, listMembershipSpells } from '../access/queries.js';
import type { Caller } from '../core/types.js';
import type { Deps } from '../deps.js';
import { beforeDeadline } from '../metrics/index.js';
import { clipName } from '../names.js';
import { neutraliseMarkers } from '../slack/mrkdwn.js';
import { formatLocalDay } from '../time/format.js';

/** A period spec the suggestion repeats: the grammar's normalised words and dates, nothing to escape. */
const PLAIN_PERIOD = /^[a-z0-9 .-]{1,40}$/i;

/**
 * The refusal of a manager asking for a rep who was on a team she manages and has left it (moved to
 * another team, or to none): why she may no longer see them, and the ask that shows their results from
 * while they were hers (`team … by rep`, which counts a rep on the team over the part of the period they
 * were on it). Plain text, names neutralised for mrkdwn; null when the rep was never on her teams, so the
 * usual refusal stands. Access is not widened: this only words the refusal.
 */
export async function movedRepRefusal(
  deps: Deps,
  caller: Caller,
  repId: number,
  asked: { words: string; period: string | null },
  now: Date,
): Promise<string | null> {
  if (caller.role !== 'manager' || caller.managedTeamIds.length === 0) return null;
  const spells = await beforeDeadline(listMembershipSpells(deps.db, repId));
  const former = spells.find(
    (s) => caller.managedTeamIds.includes(s.teamId) && s.validTo !== null && s.validTo <= now,
  );
  if (!former) return null;
  const current = spells.find((s) => s.validFrom <= now && (s.validTo === null || s.validTo > now));
  const name = (await beforeDeadline(getRepNames(deps.db, [repId]))).get(repId) ?? 'This rep';
  const show = (text: string) => neutraliseMarkers(clipName(text));
  const zone = caller.timezone ?? deps.config.defaultTimezone;
  const ownTeam = ownTeamId(caller);
  const teamWords = former.teamId === ownTeam ? 'team' : `team ${clipName(former.teamName)}`;
  const period = asked.period && PLAIN_PERIOD.test(asked.period) ? asked.period : '';
  const ask = ['/metrics', asked.words || 'winrate', teamWords, period, 'by rep'].filter(Boolean).join(' ');
  const where = current
    ? `is on ${show(current.teamName)} now (since ${formatLocalDay(current.validFrom, zone)}), so their numbers are for ${show(current.teamName)}'s manager`
    : `left ${show(former.teamName)} on ${formatLocalDay(former.validTo!, zone)}, so their numbers are no longer yours to see`;
  return `Sorry — ${show(name)} ${where}; their results while on your team are in \`${ask}\`.`;
}
