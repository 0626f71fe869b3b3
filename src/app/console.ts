import { runMetricsCommand } from '../../commands/dispatch.js';
import { pressAnswerButton } from '../answers/answer.js';
import { findChart } from '../chart-button/find.js';
import { type ConsoleOptions, type ConsoleSurface, runRepl } from '../console/repl.js';
import type { Deps } from '../deps.js';

/** The console's view of Tally: the same `/metrics` dispatcher and answer buttons as the Bolt app. */
const CONSOLE_SURFACE: ConsoleSurface = {
  ask: (deps, caller, text, now) => runMetricsCommand(deps, { text, caller, channelId: null, now }),
  press: pressAnswerButton,
  chart: findChart,
};

/**
 * The local console on `deps`: interactive, or with `options.command` one answer and return.
 * Returns the process exit code (0 answered, 1 could not).
 */
export function runConsole(deps: Deps, options: ConsoleOptions): Promise<number> {
  return runRepl(deps, CONSOLE_SURFACE, options);
}
