import { enforceLimits, type SlackMessage } from '../limits.js';
import { escapeMrkdwn, neutraliseMarkers } from '../mrkdwn.js';
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
 * The busy sentence for a change (a target, a digest, alert settings) past capacity: a change is told busy
 * only before its write starts (throwIfPastDeadline, setTarget's lock wait), so nothing was changed
 * (helper-181: "busy" alone left a manager unsure whether the target was saved).
 */
export const BUSY_NOTHING_CHANGED =
  'Tally is busy right now — nothing was changed; try again in a few seconds.';

/**
 * The sentence users see when a change took longer than ANSWER_TIMEOUT_MS: its statement may still commit,
 * so "nothing was changed" would not be known to be true.
 */
export const COULD_NOT_CONFIRM =
  "Couldn't confirm that change in time — it may still be saved; check it in a minute before trying again.";

/**
 * For Slack users Tally does not know: says so, that Tally answers only the people on its reps list (reps,
 * managers, admins: docs/usage.md, "Who may see what"), so no figures at all, the org's included, and how
 * an admin adds them.
 */
export function buildUnknownUserMessage(): SlackMessage {
  return buildNoticeMessage(
    "Tally doesn't know you yet: it answers only people on its reps list (reps, managers and admins), so it can't show you any figures, not even the org's.",
    'To be added, ask a Tally admin: they import a reps CSV with your Slack email (`npm run import`) or add you through the ingest API (`POST /api/v1/ingest`), and Tally links you on your next command.',
  );
}

/**
 * For a Slack user whose rep is deactivated (`active` false on the reps row): says so, not "Tally doesn't
 * know you", and how an admin reactivates the profile (docs/data-in.md, `active`). Like people Tally does
 * not know, they see no figures.
 */
export function buildDeactivatedUserMessage(): SlackMessage {
  return buildNoticeMessage(
    "Your Tally profile is deactivated, so Tally can't show you any figures, not even the org's.",
    'If that is a mistake, ask a Tally admin to reactivate it: they import your row of the reps CSV with `active` set to `yes` (`npm run import`) or send it with `"active": true` through the ingest API (`POST /api/v1/ingest`), and Tally answers your next command.',
  );
}

/**
 * A grammar error: what was not understood, "did you mean `winrate`?" when close, and the usage line. A
 * suggestion holding a backtick (the rest of an ask typed with one), which no code span can hold, ends the
 * sentence as plain text with its markers neutralised (the joiners are dropped again when a command is
 * read, src/slack/inbound.ts), without quotes or a question mark that copying it would carry along.
 */
export function buildGrammarErrorMessage(message: string, suggestion: string | null): SlackMessage {
  const meant =
    suggestion === null
      ? ''
      : suggestion.includes('`')
        ? ` Did you mean this: ${neutraliseMarkers(suggestion)}`
        : ` Did you mean \`${suggestion}\`?`;
  const text = `${message}${meant}`;
  return buildNoticeMessage(
    text,
    'Usage: `/metrics [metric] [scope] [period] [by rep|team|product|source|reason|template] [share]` — e.g. `/metrics winrate team last month`. `/metrics help` lists everything.',
  );
}
