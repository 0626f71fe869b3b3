import { withoutFormatChars } from '../core/fold.js';
import { NAME_FIELDS, OWNER_NAME_FIELDS } from './schemas.js';
import type { RowCheckLog } from './warning-kinds.js';
import { placeholders } from './warning-text.js';

/**
 * The text given in `field` of `raw` (the row or item before the schema read it), trimmed, when the schema
 * read it as an empty cell (`item[field]` null) though it was not empty: a placeholder ("N/A", "-", "TBD":
 * isPlaceholderName). Null otherwise.
 */
function placeholderGiven(item: Record<string, unknown>, raw: unknown, field: string): string | null {
  if (item[field] !== null || typeof raw !== 'object' || raw === null) return null;
  const given = (raw as Record<string, unknown>)[field];
  return typeof given === 'string' && given.trim() !== '' ? given.trim() : null;
}

/**
 * Counts a lead, deal or activity whose owner cell (`owner_name`, an activity's `rep_name`) held a
 * placeholder ("N/A", "-", "none": isPlaceholderName), which the schema read as an empty cell rather
 * than creating a rep of that name: the owner comes from the email column, or there is none. `raw`: the
 * row or item as given, before the schema read it.
 */
export function checkPlaceholderOwner(
  log: RowCheckLog,
  item: Record<string, unknown>,
  line: number,
  raw: unknown,
): void {
  const field = OWNER_NAME_FIELDS[log.entity];
  const given = field ? placeholderGiven(item, raw, field) : null;
  if (given === null) return;
  const email = field === 'rep_name' ? 'rep_email' : 'owner_email';
  log.addQuoted(
    'placeholder owner',
    line,
    given,
    (values) =>
      `${field} ${placeholders(values)}, not ${values.length > 1 ? 'rep names' : "a rep's name"}: read as an empty ${field} cell (the owner is the rep with the ${email}, if given), no rep is created`,
  );
}

/**
 * Counts a rep whose team cell held a placeholder ("N/A", "-", "TBD": isPlaceholderName), which the
 * schema read as an empty cell, no team, rather than creating a team of that name.
 */
export function checkPlaceholderTeam(
  log: RowCheckLog,
  item: Record<string, unknown>,
  line: number,
  raw: unknown,
): void {
  const given = placeholderGiven(item, raw, 'team');
  if (given === null) return;
  log.addQuoted(
    'placeholder team',
    line,
    given,
    (values) =>
      `team ${placeholders(values)}, not ${values.length > 1 ? 'team names' : "a team's name"}: read as an empty team cell, the rep is left without a team`,
  );
}

/**
 * Counts a rep whose manager_name cell held a placeholder ("N/A", "-", "TBD": isPlaceholderName), which the
 * schema read as an empty cell, no manager named, rather than creating a manager of that name.
 */
export function checkPlaceholderManager(
  log: RowCheckLog,
  item: Record<string, unknown>,
  line: number,
  raw: unknown,
): void {
  const given = placeholderGiven(item, raw, 'manager_name');
  if (given === null) return;
  log.addQuoted(
    'placeholder manager',
    line,
    given,
    (values) =>
      `manager_name ${placeholders(values)}, not ${values.length > 1 ? "people's names" : "a person's name"}: read as an empty manager_name cell, no manager is named and none is created`,
  );
}

/**
 * Counts a lead whose source cell held a placeholder ("N/A", "-", "none": isPlaceholderName), which the
 * schema read as an empty cell, no source, rather than storing a source of that name.
 */
export function checkPlaceholderSource(
  log: RowCheckLog,
  item: Record<string, unknown>,
  line: number,
  raw: unknown,
): void {
  const given = log.entity === 'leads' ? placeholderGiven(item, raw, 'source') : null;
  if (given === null) return;
  log.addQuoted(
    'placeholder source',
    line,
    given,
    (values) =>
      `source ${placeholders(values)}, not ${values.length > 1 ? 'lead sources' : 'a lead source'}: read as an empty source cell, the lead has no source`,
  );
}

/** Counts an item whose names (NAME_FIELDS) were read without some format characters (`raw`: as given). */
export function checkFormatChars(
  log: RowCheckLog,
  item: Record<string, unknown>,
  line: number,
  raw: unknown,
): void {
  const fields = NAME_FIELDS[log.entity];
  if (!fields || typeof raw !== 'object' || raw === null) return;
  const input = raw as Record<string, unknown>;
  if (!anyFormatChars(input, fields)) return;
  const cleaned = fields.filter((f) => {
    const v = input[f];
    return typeof v === 'string' && typeof item[f] === 'string' && withoutFormatChars(v) !== v;
  });
  if (cleaned.length === 0) return;
  log.add('invisible characters removed', line, () =>
    cleaned
      .map((f) => {
        const kept = item[f] as string;
        const gone = [...new Set(String(input[f]))].filter((c) => /\p{Cf}/u.test(c) && !kept.includes(c));
        const codes = gone.map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);
        return `${f} "${kept}" (${codes.join(', ')} removed)`;
      })
      .join(', '),
  );
}

/**
 * Counts an item whose names (NAME_FIELDS) hold an HTML entity (`R&amp;D`): text copied from Slack or a
 * web page, escaped once too often. Stored as given (a company may really be called that), but a name
 * typed in Slack (`R&D`) will not match it, and a second spelling makes a look-alike record.
 */
export function checkEscapedNames(log: RowCheckLog, item: Record<string, unknown>, line: number): void {
  const fields = NAME_FIELDS[log.entity];
  if (!fields) return;
  const escaped = fields.filter((f) => typeof item[f] === 'string' && HTML_ENTITY.test(item[f] as string));
  if (escaped.length === 0) return;
  log.add('name looks HTML-escaped', line, () => {
    const said = escaped.map((f) => `${f} "${item[f] as string}"`).join(', ');
    const read = escaped.map((f) => unescapeHtml(item[f] as string));
    const them = escaped.length > 1 ? 'them' : 'it';
    const why = 'holds HTML escapes (such as &amp; for "&", as Slack and web pages write text)';
    if (read.some((r) => r === null))
      return `${said} ${why}: stored as given, so the name as people type it will not match it; if the source meant the plain text, send ${them} unescaped`;
    const plain = read.map((r) => `"${r}"`).join(', ');
    return `${said} ${why}: stored as given, so ${plain} typed in Slack will not match it; if the source meant ${plain}, send ${them} unescaped`;
  });
}

/**
 * An HTML entity as Slack and web pages escape text: a name of two or more letters (`&amp;`, `&eacute;`) or a
 * code point (`&#39;`, `&#x27;`), ended by `;` (`AT&T;` and `Q&A;` are no entities).
 */
const HTML_ENTITY = /&([a-z][a-z0-9]{1,31}|#\d{1,7}|#x[0-9a-f]{1,6});/i;
/** Every HTML_ENTITY of a text, its name (or `#` code) captured. */
const HTML_ENTITIES = new RegExp(HTML_ENTITY.source, 'gi');

/**
 * The text with its HTML escapes read, for the warning's suggestion only (nothing is stored so): the five
 * that escaping text makes (`&amp; &lt; &gt; &quot; &apos;`) and code points; null when it holds another
 * named entity (`&eacute;`), which the warning then does not spell out.
 */
function unescapeHtml(text: string): string | null {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  let unknown = false;
  const read = text.replace(HTML_ENTITIES, (whole, name: string) => {
    const lower = name.toLowerCase();
    if (named[lower]) return named[lower];
    if (!lower.startsWith('#')) {
      unknown = true;
      return whole;
    }
    const code = lower.startsWith('#x') ? Number.parseInt(lower.slice(2), 16) : Number(lower.slice(1));
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
  return unknown ? null : read;
}

/** True when a name field of the raw input holds format characters (see checkFormatChars). */
function anyFormatChars(input: Record<string, unknown>, fields: string[]): boolean {
  for (const f of fields) {
    const v = input[f];
    if (typeof v === 'string' && withoutFormatChars(v) !== v) return true;
  }
  return false;
}
