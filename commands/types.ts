import type { RepRole } from '../src/db/schema/index.js';
import type { Deps } from '../src/deps.js';
import type { SlackMessage } from '../src/slack/limits.js';

/** The Slack user behind a command, resolved against the reps table. */
export interface Caller {
  slackUserId: string;
  repId: number;
  name: string;
  email: string | null;
  role: RepRole;
  /** Teams the caller belongs to now (membership history, current rows). */
  teamIds: number[];
  /** Teams the caller manages (managers); admins see everything regardless. */
  managedTeamIds: number[];
  timezone: string | null;
}

/** One `/metrics …` invocation, as the subcommand sees it. */
export interface CommandInput {
  /** The words after the subcommand word (already split; mentions and channels kept as Slack sends them). */
  tokens: string[];
  /** The whole text after `/metrics`. */
  text: string;
  caller: Caller;
  /** Where the command was typed; null in the console. */
  channelId: string | null;
  now: Date;
}

/** What a subcommand answers: ephemeral to the caller (default) or visible in the channel. */
export interface Reply {
  visibility: 'ephemeral' | 'in_channel';
  message: SlackMessage;
}

/**
 * A `/metrics` subcommand: one file in `commands/`, registered in `commands/index.ts`.
 * `run` never throws for bad input: it answers with usage or a clear message instead.
 */
export interface Subcommand {
  /** The word that selects it: `digest`, `alerts`, `help`, … (metric names are handled by the metric subcommand). */
  name: string;
  aliases: string[];
  summary: string;
  /** Usage lines with examples, shown by `/metrics help`. */
  usage: string[];
  run(deps: Deps, input: CommandInput): Promise<Reply>;
}
