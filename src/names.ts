/**
 * Names from data as people read them, for any layer that builds a label (metrics scope labels, digests,
 * Slack blocks). Pure; Slack escaping stays in src/slack/mrkdwn.ts (`showName` = clip, then escape).
 */

/**
 * The most characters (graphemes) of one name from data — a rep, team, lead, company, source — that a
 * Slack text shows; names are at most 200 on the way in (src/ingest/schemas.ts TEXT_LIMITS), and older
 * data may hold longer ones.
 */
export const NAME_DISPLAY_MAX = 80;

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * Cuts plain text to at most `max` characters, ending with "…" when cut. Counts graphemes, so an emoji
 * (👩‍💻) or an accented letter is never split. Cut the raw text, then escape it (`showName` in src/slack/mrkdwn.ts): cutting
 * escaped text could leave half an `&amp;` or a lone formatting marker.
 */
export function clipName(text: string, max: number = NAME_DISPLAY_MAX): string {
  if (text.length <= max) return text;
  const kept: string[] = [];
  for (const { segment } of graphemes.segment(text)) {
    if (kept.length === max) {
      kept.pop();
      return `${kept.join('')}…`;
    }
    kept.push(segment);
  }
  return text;
}
