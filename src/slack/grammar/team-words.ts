import type { OrTeam } from './words.js';

/**
 * Words around `team` that read as the caller's own team, or as the caller's team and a period, where they
 * could also spell a team's name: `my team` (a team "My Team"), `team fiscal year` (a team "Fiscal" or
 * "Fiscal Year"). The grammar reads them as the caller's team and carries an OrTeam, so the answer can ask
 * back when such a team exists instead of guessing. Pure.
 */

/** `team`, `team's`, `teams'` (as in `my team's winrate`), a curly apostrophe read as a straight one. */
const TEAM_FORM = /^team(?:['\u2019]s|s['\u2019])?$/i;

/** Whether the words at `index` are `my team` (or `my team's`): the caller's own team. */
export function isMyTeamAt(tokens: string[], index: number): boolean {
  return tokens[index]?.toLowerCase() === 'my' && TEAM_FORM.test(tokens[index + 1] ?? '');
}

/** The tokens with each `my team` (`my team's`) read as `team`: `winrate my team last month` is `winrate team last month`. */
export function withMyTeamAsTeam(tokens: string[]): string[] {
  return tokens.flatMap((t, i) => (isMyTeamAt(tokens, i) ? [] : isMyTeamAt(tokens, i - 1) ? ['team'] : [t]));
}

/**
 * The first `my team` phrase in `tokens`: as typed (`my team's`) and as a name (`my team`), to name back
 * when a team is called so; null when there is none.
 */
export function myTeamTyped(tokens: string[]): { typed: string; name: string } | null {
  const at = tokens.findIndex((_, i) => isMyTeamAt(tokens, i));
  if (at < 0) return null;
  const team = tokens[at + 1]!;
  return { typed: `${tokens[at]} ${team}`, name: `${tokens[at]} ${team.slice(0, 4)}` };
}

/**
 * `team fiscal year`, `team fiscal quarter` ending the ask (or before `by …` / `share`): the caller's team
 * this fiscal year or quarter (the org's quarters and years are fiscal already), as `winrate fiscal year`
 * is read. Returns the tokens with `fiscal` read as `this`, where `team` stands in them, and `fiscal` and
 * the phrase as typed; null when the words are not there.
 */
export function fiscalAfterTeam(
  tokens: string[],
): { tokens: string[]; teamAt: number; word: string; typed: string } | null {
  const lower = tokens.map((t) => t.toLowerCase());
  const at = lower.findIndex(
    (w, i) =>
      w === 'team' &&
      lower[i + 1] === 'fiscal' &&
      /^(?:quarter|year)$/.test(lower[i + 2] ?? '') &&
      (lower[i + 3] === undefined || lower[i + 3] === 'by' || lower[i + 3] === 'share'),
  );
  if (at < 0) return null;
  return {
    tokens: [...tokens.slice(0, at + 1), 'this', ...tokens.slice(at + 2)],
    teamAt: at,
    word: tokens[at + 1]!,
    typed: tokens.slice(at, at + 3).join(' '),
  };
}

/**
 * The OrTeam for an ask read as the caller's team (`tokens`, the words as read, `team` at `teamAt`): the
 * team name the words could spell (`name`), the words as typed, what they mean as read, and both commands
 * to type: the ask as read, and the same with the name in quotes after `team`.
 */
export function orTeam(
  tokens: string[],
  teamAt: number,
  reading: { name: string; typed: string; meaning: string },
): OrTeam {
  const named = [...tokens.slice(0, teamAt + 1), `"${reading.name}"`, ...tokens.slice(teamAt + 1)];
  return { ...reading, own: tokens.join(' '), named: named.join(' ') };
}

/** Where the scope word `team` stands in `tokens` (not the `team` of `by team`), or -1. */
export function scopeTeamAt(tokens: string[]): number {
  return tokens.findIndex((t, i) => t.toLowerCase() === 'team' && tokens[i - 1]?.toLowerCase() !== 'by');
}
