import { listTeams } from '../src/access/queries.js';
import { fold } from '../src/core/fold.js';
import type { Deps } from '../src/deps.js';
import { clipName } from '../src/names.js';
import type { ParsedCommand } from '../src/slack/grammar/ask.js';
import { tokenize } from '../src/slack/grammar/parse.js';
import { escapeName } from '../src/slack/mrkdwn.js';

/**
 * Target words that read two ways, asked back instead of guessed: `fiscal week` with a team "Fiscal", and
 * `the team` / `the org` with a team "The Team" / "The Org". Only the commands the caller could run are
 * offered (fresh tester helper-404, MED: a caller on no team was offered their own team's command, and a
 * manager the command for a team whose targets they may not set); with none, one sentence says so.
 */

/** The words of a target command as typed before its scope: the metric, and the value when setting. */
export interface TypedBefore {
  before: string[];
}

/** Whether the caller could run `target <action> <before> <words>`: its scope found and theirs to change. */
export type Runs = (words: string[]) => Promise<boolean>;

/** "… and neither target is yours to set, so nothing was set.": the end of an ask-back with nothing to offer. */
function neither(action: 'set' | 'remove'): string {
  const done = action === 'set' ? 'set' : 'removed';
  return `and neither target is yours to ${action}, so nothing was ${done}.`;
}

/**
 * With a team called "Fiscal", the reply to a target command with `fiscal` before a period word (`fiscal
 * week`, `team fiscal quarter`); null without such a team. A target's periods are the org's calendar's
 * already, so `fiscal` there is dropped (helper-174) and the target is the caller's team's; but then a team
 * "Fiscal" had its target set on the caller's own team without a word (fresh tester helper-403, HIGH:
 * `target set calls 46 fiscal week` and `team fiscal week` replaced The Closers' target, and `target remove
 * calls fiscal week` removed it). Nothing is stored: the commands the caller could run (`runs`) are offered.
 * `given`: the words after the metric and value, as typed; `at`: where `fiscal` is.
 */
export async function fiscalTeamAsk(
  deps: Deps,
  action: 'set' | 'remove',
  typed: TypedBefore,
  given: string[],
  at: number,
  runs: Runs,
): Promise<string | null> {
  const team = (await listTeams(deps.db)).find((t) => fold(t.name) === 'fiscal');
  if (!team) return null;
  const without = given.filter((_, i) => i !== at);
  // `team fiscal week` names the team as `team "Fiscal" week`; `fiscal week` gets a `team` before it.
  const named = [...given];
  named.splice(
    at,
    1,
    ...(at > 0 && given[at - 1]!.toLowerCase() === 'team' ? [] : ['team']),
    `"${team.name}"`,
  );
  const command = (words: string[]) =>
    `\`${['/metrics target', action, ...typed.before, ...words].join(' ')}\``;
  const name = escapeName(clipName(team.name));
  const [forTeam, otherwise] = [await runs(named), await runs(without)];
  if (!forTeam && !otherwise)
    return `\`fiscal\` can be the team ${name} or the fiscal calendar, ${neither(action)}`;
  const head = `\`fiscal\` can be the team ${name} or the fiscal calendar, so nothing was ${action === 'set' ? 'set' : 'removed'}. A target's periods are the fiscal calendar's already`;
  // Typed words with a backtick would end the example's code early: then none is shown.
  if ([...typed.before, ...given, team.name].some((w) => w.includes('`')))
    return `${head}: for the team, write its name in quotes after \`team\`; otherwise leave \`fiscal\` out.`;
  if (!otherwise) return `${head}: for the team, type ${command(named)}.`;
  if (!forTeam)
    return `${head}, and the team's targets are not yours to ${action}: type ${command(without)}.`;
  return `${head}: for the team, type ${command(named)}; otherwise, ${command(without)}.`;
}

/**
 * `target set calls 43 the team week` with a team "The Team" (`parsed`'s scope has an OrTeam, its commands
 * written as target commands, see asTarget): the ask-back offering only the commands the caller could run;
 * null when both run (the grammar's own ask-back says it then) or when no such team is asked back. `head`:
 * the command's words before its scope (`target set calls 43`); `ownTeamId`: the team `team` is for them.
 */
export async function orTeamTargetAsk(
  deps: Deps,
  parsed: ParsedCommand,
  head: string[],
  ownTeamId: number | undefined,
  action: 'set' | 'remove',
  runs: Runs,
): Promise<string | null> {
  if (parsed.kind !== 'ask' || !('orTeam' in parsed.scope) || !parsed.scope.orTeam) return null;
  const or = parsed.scope.orTeam;
  const team = (await listTeams(deps.db)).find((t) => fold(t.name) === fold(or.name));
  if (!team || (parsed.scope.kind === 'my_team' && team.id === ownTeamId)) return null;
  const words = (command: string) => tokenize(command).slice(head.length);
  const [own, named] = [await runs(words(or.own)), await runs(words(or.named))];
  if (own && named) return null;
  const name = escapeName(clipName(team.name));
  const means = `\`${or.typed}\` can mean ${or.meaning} or the team ${name}`;
  // Fresh tester helper-503 (MED): a caller on no team was offered their own team's reading, which they lack.
  if (parsed.scope.kind === 'my_team' && ownTeamId === undefined) {
    const done = `nothing was ${action === 'set' ? 'set' : 'removed'}`;
    const onlyTeam = `\`${or.typed}\` can only be the team ${name} here, as you are on no team`;
    if (!named) return `${onlyTeam}, whose targets are not yours to ${action}, so ${done}.`;
    return `${onlyTeam}, but ${done}: for the team, ask \`${or.named}\`.`;
  }
  if (!own && !named) return `${means}, ${neither(action)}`;
  if (own) return `${means}, whose targets are not yours to ${action}: for ${or.meaning}, ask \`${or.own}\`.`;
  return `${means}: for the team, ask \`${or.named}\`.`;
}
