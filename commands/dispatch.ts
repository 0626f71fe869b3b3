import { nameChecker } from '../src/access/scope.js';
import { answerParsedAsk } from '../src/answers/answer.js';
import { wordInScopeZone } from '../src/answers/period-hint.js';
import type { Caller } from '../src/core/types.js';
import type { Deps } from '../src/deps.js';
import { beforeDeadline, fiscalCalendarFor } from '../src/metrics/index.js';
import { buildGrammarErrorMessage } from '../src/slack/blocks/notice.js';
import { chooseMonthReading } from '../src/slack/grammar/modifiers.js';
import { parseCommand } from '../src/slack/grammar/parse.js';
import { cleanPlainText } from '../src/slack/inbound.js';
import type { Reply } from '../src/slack/reply.js';
import { buildHelpReply } from './help.js';
import { findSubcommand, SUBCOMMANDS } from './index.js';
import type { CommandEntry, Subcommand } from './types.js';

/** The registered word as a runnable subcommand; entries the grammar answers itself (`summary`) have no `run`. */
function runnable(entry: CommandEntry | Subcommand | undefined): Subcommand | undefined {
  return entry && 'run' in entry ? entry : undefined;
}

/**
 * Subcommand words (names and aliases) routed to `commands/`, read from the registry at call time.
 * `help` and `summary` are understood by the grammar itself.
 */
function routedSubcommandWords(): string[] {
  return SUBCOMMANDS.filter((s) => s.name !== 'help' && runnable(s)).flatMap((s) => [s.name, ...s.aliases]);
}

/**
 * The answer to a `/metrics` text that needs no data and no caller (`/metrics`, `help`, `help <topic>`),
 * or null for anything else. Slack answers these before looking the caller up, so help comes at once
 * even while the database is busy, and reaches people Tally does not know yet.
 */
export function answerHelpRequest(text: string, now: Date, timezone: string): Reply | null {
  const clean = cleanPlainText(text);
  if (!clean.ok) return null;
  const parsed = parseCommand(clean.text, { now, timezone, subcommands: routedSubcommandWords() });
  if (parsed.kind !== 'help') return null;
  const topic = parsed.metric?.id ?? parsed.topic;
  return buildHelpReply(
    topic,
    SUBCOMMANDS.filter((s) => s.name !== 'help'),
  );
}

/**
 * True when `text` (after `/metrics`) asks a subcommand to change something stored (`target set …`,
 * `digest add …`, `alerts sla 10m`, `fiscal set …`), so a database failure answers COULD_NOT_SAVE. Pure:
 * read before the caller is looked up, which may be what fails.
 */
export function changesData(text: string, now: Date, timezone: string): boolean {
  const clean = cleanPlainText(text);
  if (!clean.ok) return false;
  const parsed = parseCommand(clean.text, { now, timezone, subcommands: routedSubcommandWords() });
  if (parsed.kind !== 'subcommand') return false;
  return runnable(findSubcommand(parsed.name))?.changes?.(parsed.tokens) ?? false;
}

export interface CommandRequest {
  /** The text after `/metrics`, decoded (Slack's `&amp;` etc. undone by src/slack/inbound.ts). */
  text: string;
  caller: Caller;
  channelId: string | null;
  now: Date;
}

/**
 * Answers one `/metrics …` text for a known caller: help, a subcommand, a metric question, the summary,
 * or a grammar error with "did you mean". The same path serves Slack and the local console.
 * Bad input never throws; database errors do (the surface turns them into one polite sentence).
 */
export async function runMetricsCommand(deps: Deps, request: CommandRequest): Promise<Reply> {
  const { caller, now } = request;
  const clean = cleanPlainText(request.text);
  if (!clean.ok) return { visibility: 'ephemeral', message: buildGrammarErrorMessage(clean.message, null) };
  // The fiscal calendar only normalises `q3` / `FY2027`; a database hiccup falls back to the env default.
  const fiscal = await beforeDeadline(fiscalCalendarFor(deps.db, deps.config.fiscalDefault)).catch(
    () => deps.config.fiscalDefault,
  );
  const asTyped = parseCommand(clean.text, {
    now,
    timezone: caller.timezone ?? deps.config.defaultTimezone,
    subcommands: routedSubcommandWords(),
    ...(fiscal ? { fiscal } : {}),
  });
  // Month words that spell a team's or person's name with the words beside them are that name (May Fisher).
  const parsed = await beforeDeadline(chooseMonthReading(asTyped, nameChecker(deps.db)));
  const input = { text: clean.text, caller, channelId: request.channelId, now, fiscal: { calendar: fiscal } };
  switch (parsed.kind) {
    case 'help': {
      const help = runnable(findSubcommand('help'));
      if (!help)
        return { visibility: 'ephemeral', message: buildGrammarErrorMessage('Help is not available.', null) };
      const topic = parsed.metric?.id ?? parsed.topic;
      return help.run(deps, { ...input, tokens: topic ? [topic] : [] });
    }
    case 'subcommand': {
      const sub = runnable(findSubcommand(parsed.name));
      if (!sub)
        return {
          visibility: 'ephemeral',
          message: buildGrammarErrorMessage(`Unknown command ${parsed.name}.`, null),
        };
      return sub.run(deps, { ...input, tokens: parsed.tokens });
    }
    case 'ask':
      return answerParsedAsk(deps, caller, parsed, now);
    case 'error': {
      // `since oct`, `30 days ago`: the dates are those of the scope's zone, as the answer's would be.
      const { message, suggestion } = await wordInScopeZone(deps, caller, parsed, now, fiscal);
      return { visibility: 'ephemeral', message: buildGrammarErrorMessage(message, suggestion) };
    }
  }
}
