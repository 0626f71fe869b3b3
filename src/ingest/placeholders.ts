/**
 * Words an export writes in a name cell that names nobody and nothing: "N/A", "-", "none", "TBD",
 * "(blank)", "Unassigned" (HubSpot's and Salesforce's default owner), …, in a rep's team or manager or in the
 * owner of a lead, deal or activity. The spirit of the loss-reason placeholders (migrations 0050 and 0051,
 * `tally_loss_reason`), compared with the whole name in lower case with runs of white space as one space and
 * none around a slash ("N / A" is "n/a"). Not "na" nor "0", which that list has: "NA" is a team's name
 * (North America) as often as it is a placeholder, and a team may be numbered; a person's cell reads "na" as
 * one (PERSON_PLACEHOLDER_NAMES). One list for teams and people, so a file's "N/A" means the same in every
 * column.
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
  'n/a.',
  'n.a',
  'n.a.',
  '#n/a',
  'none',
  'none.',
  '(none)',
  '--none--',
  '(blank)',
  '<blank>',
  '[blank]',
  'null',
  'nil',
  'not given',
  'not specified',
  'unspecified',
  'unknown',
  'not applicable',
  'tbd',
  'tba',
  'unassigned',
  'vacant',
  'nobody',
  'no team',
  'no manager',
  'no owner',
]);

/**
 * Placeholders only in a person's cell (`manager_name`, `owner_name`, `rep_name`): "NA" names no person,
 * though it may name a team (North America).
 */
const PERSON_PLACEHOLDER_NAMES: ReadonlySet<string> = new Set(['na']);

/**
 * True when a name (already trimmed, white space as one space) is a placeholder: a team cell that names no
 * team, or (`person`) a cell that names no person: `manager_name`, an owner's (`owner_name`, `rep_name`).
 */
export function isPlaceholderName(name: string, opts?: { person?: boolean }): boolean {
  const key = name.toLowerCase().replace(/ ?\/ ?/g, '/');
  return PLACEHOLDER_NAMES.has(key) || (opts?.person === true && PERSON_PLACEHOLDER_NAMES.has(key));
}
