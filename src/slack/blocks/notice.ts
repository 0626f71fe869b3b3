import { enforceLimits, type SlackMessage } from '../limits.js';
import { escapeMrkdwn } from '../mrkdwn.js';
import { context, section } from './pieces.js';

/**
 * Short messages: refusals, errors, "did you mean", confirmations. `text` is plain (escaped here),
 * `hint` is already-formatted mrkdwn of our own (usage examples).
 */
export function buildNoticeMessage(text: string, hint?: string): SlackMessage {
  const escaped = escapeMrkdwn(text);
  // The fallback `text` is rendered as mrkdwn in notifications too, so it is escaped like the blocks.
  return enforceLimits({
    text: escaped,
    blocks: [section(escaped), ...(hint ? [context(hint)] : [])],
  });
}

/** The one sentence users see when the database is slow or down (details go to the log only). */
export const COULD_NOT_LOAD = "Couldn't load metrics right now — please try again in a minute.";

/** The one sentence users see when a change (a target, a digest, alert settings) could not be saved. */
export const COULD_NOT_SAVE =
  "Couldn't save that right now — nothing was changed; please try again in a minute.";

/**
 * The sentence users see when a change took longer than ANSWER_TIMEOUT_MS: its statement may still commit,
 * so "nothing was changed" would not be known to be true.
 */
export const COULD_NOT_CONFIRM =
  "Couldn't confirm that change in time — it may still be saved; check it in a minute before trying again.";

/** For Slack users Tally does not know: says so and how an admin adds them. */
export function buildUnknownUserMessage(): SlackMessage {
  return buildNoticeMessage(
    "Tally doesn't know you yet, so it can't tell which numbers are yours.",
    'An admin can add you by importing a reps CSV with your Slack email (`npm run import`) or through the ingest API (`POST /api/v1/ingest`); Tally links you on your next command.',
  );
}

/** A grammar error: what was not understood, "did you mean `winrate`?" when close, and the usage line. */
export function buildGrammarErrorMessage(message: string, suggestion: string | null): SlackMessage {
  const text = suggestion ? `${message} Did you mean \`${suggestion}\`?` : message;
  return buildNoticeMessage(
    text,
    'Usage: `/metrics [metric] [scope] [period] [by rep|team|product|source] [share]` — e.g. `/metrics winrate team last month`. `/metrics help` lists everything.',
  );
}
