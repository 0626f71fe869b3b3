import { runMetricsCommand } from '../../commands/dispatch.js';
import { pressAnswerButton } from '../answers/answer.js';
import { findChart } from '../chart-button/find.js';
import { type ConsoleOptions, type ConsoleSurface, runRepl } from '../console/repl.js';
import type { Deps } from '../deps.js';
import { isByRepAction, pressByRepButton } from '../digest/by-rep.js';
import { decodeTypedEntities } from '../slack/inbound.js';
import { onStopSignals } from './stop-signals.js';

/** The console's view of Tally: the same `/metrics` dispatcher and answer buttons as the Bolt app. */
const CONSOLE_SURFACE: ConsoleSurface = {
  ask: (deps, caller, text, now) =>
    runMetricsCommand(deps, { text: decodeTypedEntities(text), caller, channelId: null, now }),
  // The digest preview's "By rep" button shows the breakdown here (Slack posts it in the digest's thread).
  press: (deps, caller, button, now) =>
    isByRepAction(button.actionId)
      ? pressByRepButton(deps, caller, button.value, now)
      : pressAnswerButton(deps, caller, button, now),
  chart: findChart,
};

/**
 * The local console on `deps`: interactive, or with `options.command` one answer and return.
 * Returns the process exit code (0 answered, 1 could not).
 */
export function runConsole(deps: Deps, options: ConsoleOptions): Promise<number> {
  return runRepl(deps, CONSOLE_SURFACE, options);
}

/**
 * Makes SIGTERM and SIGINT sent to the console's process (`kill`, or npm passing on a stop) shut it
 * down as `quit` does: the database is closed, which flushes the embedded database's files and
 * releases its data directory's lock, then the process exits with code 0. Without this, Node's default
 * handler ended the process at once and left `tally.lock` behind (the next start took it over, but the
 * database was never closed). A terminal's Ctrl-C ends the prompt itself and needs none of this.
 */
export function closeOnSignals(deps: Deps): void {
  onStopSignals(() => deps.database.close());
}
