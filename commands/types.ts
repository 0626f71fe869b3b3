import type { Caller } from '../src/core/types.js';
import type { Deps } from '../src/deps.js';
import type { Reply } from '../src/slack/reply.js';
import type { FiscalCalendar } from '../src/time/fiscal.js';

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
  /**
   * The org's fiscal calendar as the dispatcher read it for this command (`calendar` undefined: the calendar
   * year), so a subcommand that reads periods does not read it again; absent when nothing read it yet.
   */
  fiscal?: { calendar: FiscalCalendar | undefined };
}

/**
 * A `/metrics` subcommand word as `help` and the manifest list it. A word the grammar answers itself
 * (`summary`) is only this; every other one is a `Subcommand`.
 */
export interface CommandEntry {
  /** The word that selects it: `digest`, `alerts`, `help`, … (metric names are handled by the metric subcommand). */
  name: string;
  aliases: string[];
  summary: string;
  /** Usage lines with examples, shown by `/metrics help`. */
  usage: string[];
}

/**
 * A `/metrics` subcommand: one file in `commands/`, registered in `commands/index.ts`.
 * `run` never throws for bad input: it answers with usage or a clear message instead.
 */
export interface Subcommand extends CommandEntry {
  run(deps: Deps, input: CommandInput): Promise<Reply>;
  /**
   * True when these words (after the subcommand word) ask to change something stored (`set`, `add`,
   * `remove`, …): should the database fail, the person is told nothing was saved, not that metrics could
   * not be loaded. Pure; absent: the subcommand only reads.
   */
  changes?(tokens: string[]): boolean;
}
