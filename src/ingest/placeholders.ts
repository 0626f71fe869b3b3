/**
 * Words an export writes in a name cell that names nobody and nothing: "N/A", "-", "none", "TBD",
 * "(blank)", …, in a rep's team or in the owner of a lead, deal or activity. The spirit of the loss-reason
 * placeholders (migrations 0050 and 0051, `tally_loss_reason`), compared with the whole name in lower case
 * with runs of white space as one space. Not "na" nor "0", which that list has: "NA" is a team's name
 * (North America) as often as it is a placeholder, and a team may be numbered. One list for teams and
 * owners, so a file's "N/A" means the same in every column.
 */
const PLACEHOLDER_NAMES: ReadonlySet<string> = new Set([
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

/**
 * True when a name (already trimmed, white space as one space) is a placeholder: a team cell that names no
 * team, or an owner cell (`owner_name`, `rep_name`) that names no rep.
 */
export function isPlaceholderName(name: string): boolean {
  return PLACEHOLDER_NAMES.has(name.toLowerCase());
}
