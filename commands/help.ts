import { findMetric, METRICS } from '../src/metrics/definitions.js';
import { buildHelpMessage, buildMetricHelpMessage } from '../src/slack/blocks/help.js';
import type { CommandEntry, Subcommand } from './types.js';

/**
 * `/metrics`, `/metrics help`, `/metrics help <metric>`: usage with examples, or one metric's definition.
 * `listOthers` gives the other registered subcommands at call time (the registry passes it in, so this
 * file needs no import of the registry).
 */
export function createHelpCommand(listOthers: () => CommandEntry[]): Subcommand {
  return {
    name: 'help',
    aliases: ['usage', '?'],
    summary: 'How to ask, with examples; `help <metric>` shows its definition.',
    usage: ['/metrics help', '/metrics help winrate'],
    run: async (_deps, input) => {
      const metric = input.tokens[0] ? findMetric(input.tokens[0]) : undefined;
      if (metric) return { visibility: 'ephemeral', message: buildMetricHelpMessage(metric) };
      return { visibility: 'ephemeral', message: buildHelpMessage(METRICS, listOthers()) };
    },
  };
}
