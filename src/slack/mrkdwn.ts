/**
 * The one outbound mrkdwn pipeline. Every piece of text that reaches a mrkdwn field goes through here:
 *
 * - `escapeMrkdwn(text)` — sentences (ours or with user words inside): Slack asks apps to escape exactly
 *   `&`, `<` and `>`, so a rep called "<!channel>" or "A&B <Corp>" renders as written and cannot ping
 *   anyone or inject a link. Our own `*bold*` and backticks in the sentence keep working.
 * - `escapeName(text)` — names and labels from data (reps, teams, leads, companies, products, sources):
 *   the same, and `*`, `_`, `~` and backticks are neutralised, so "*Bob*" or "ana_b_" is shown as written,
 *   not bold or italic.
 *
 * Why a zero-width joiner and not `plain_text`: names sit inside lines that also carry our own
 * formatting, mentions and emoji (leaderboard rows, digests, nudges), and plain_text elements can only
 * stand alone (a header, a whole context element), never mixed into a mrkdwn line. Slack has no
 * backslash escape; it only opens `*`/`_`/`~`/`` ` `` formatting at a word boundary. A U+200D on both
 * sides of the character means no marker ever sits at a boundary, while the text looks and copies the
 * same (U+200D is invisible and, unlike a zero-width space, never lets the line break there).
 *
 * Finally `guardMrkdwn` (run by enforceLimits on every message) escapes any `<`, `>` or `&` that is not
 * part of an entity we make on purpose — a safety net for fixed text such as "`help <metric>`".
 */

import { clipName, NAME_DISPLAY_MAX } from '../names.js';

const ZWJ = '\u200D';

/** `&`, `<`, `>` → `&amp;`, `&lt;`, `&gt;` (for any sentence that may carry words from users or data). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A name or label from data, escaped and with `* _ ~ \`` neutralised by zero-width joiners (see above). */
export function escapeName(text: string): string {
  return neutraliseMarkers(escapeMrkdwn(text));
}

/**
 * Only the second half of escapeName: `* _ ~ \`` neutralised, `& < >` left as they are — for a name put
 * into a sentence that is escaped as a whole later (buildNoticeMessage escapes its text).
 */
export function neutraliseMarkers(text: string): string {
  return text.replace(/[*_~`]/g, (c) => `${ZWJ}${c}${ZWJ}`);
}

/**
 * One name from data as it goes into mrkdwn: cut to `max` characters (`clipName`) and then escaped
 * (`escapeName`). Use this, not `escapeName` alone, wherever a single name is shown, so a 40,000-character
 * lead name cannot crowd the rest of a line (the wait time, the link) out of Slack's 3,000-character field.
 */
export function showName(text: string, max: number = NAME_DISPLAY_MAX): string {
  return escapeName(clipName(text, max));
}

/** A user mention that Slack renders as the person's name. `userId` must be a Slack user id. */
export function mention(userId: string): string {
  return /^[UW][A-Z0-9]+$/.test(userId) ? `<@${userId}>` : escapeName(userId);
}

/**
 * The entities Tally itself writes: user and channel mentions, `<!date^…>` times, http(s) links with an
 * optional label, and the three escapes. Nothing else may keep a raw `<`, `>` or `&`.
 */
const OWN_ENTITY =
  /<(?:@[UW][A-Z0-9]+|#[CGD][A-Z0-9]+(?:\|[^<>|]*)?|!date\^\d+\^[^<>|]*(?:\^[^<>|]*)?\|[^<>|]*|https?:\/\/[^\s<>|]+(?:\|[^<>]*)?)>|&(?:amp|lt|gt);/g;

/**
 * Escapes every `<`, `>` and `&` in mrkdwn that is not one of OWN_ENTITY — so a forgotten escape in
 * fixed text ("Ask `/metrics help <metric>`", "(<1%)") can never be eaten by Slack as a link. Idempotent.
 */
export function guardMrkdwn(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(OWN_ENTITY)) {
    out += escapeMrkdwn(text.slice(last, m.index));
    out += m[0];
    last = m.index + m[0].length;
  }
  return out + escapeMrkdwn(text.slice(last));
}

/** True when `text` has a raw `<`, `>` or `&` outside Tally's own entities (for tests and assertions). */
export function hasUnescapedMarkup(text: string): boolean {
  return guardMrkdwn(text) !== text;
}
