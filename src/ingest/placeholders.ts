/**
 * Words an export writes in a team cell that names no team: "N/A", "-", "none", "TBD", "(blank)", …. The
 * spirit of the loss-reason placeholders (migrations 0050 and 0051, `tally_loss_reason`), compared with the
 * whole name in lower case with runs of white space as one space. Not "na" nor "0", which that list has:
 * "NA" is a team's name (North America) as often as it is a placeholder, and a team may be numbered.
 */
const PLACEHOLDER_TEAMS: ReadonlySet<string> = new Set([
  '-',
  '--',
  '–',
  '—',
  '.',
  '...',
  '…',
  '?',
  'n/a',
  'n.a.',
  '#n/a',
  'none',
  'none.',
  '(none)',
  '--none--',
  '(blank)',
  'null',
  'nil',
  'not given',
  'not specified',
  'unspecified',
  'unknown',
  'tbd',
  'no team',
]);

/** True when a team name (already trimmed, white space as one space) is a placeholder for no team. */
export function isPlaceholderTeam(name: string): boolean {
  return PLACEHOLDER_TEAMS.has(name.toLowerCase());
}
