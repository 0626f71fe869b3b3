import { findMetric, METRICS } from '../src/metrics/definitions.js';
import { buildHelpMessage, buildMetricHelpMessage } from '../src/slack/blocks/help.js';
import type { Subcommand } from './types.js';

/** `/metrics`, `/metrics help`, `/metrics help <metric>`: usage with examples, or one metric's definition. */
export const helpCommand: Subcommand = {
  name: 'help',
  aliases: ['usage', '?'],
  summary: 'How to ask, with examples; `help <metric>` shows its definition.',
  usage: ['/metrics help', '/metrics help winrate'],
  run: async (_deps, input) => {
    const metric = input.tokens[0] ? findMetric(input.tokens[0]) : undefined;
    if (metric) return { visibility: 'ephemeral', message: buildMetricHelpMessage(metric) };
    // Imported lazily: the registry imports this file, and a static import back would be a cycle.
    const { SUBCOMMANDS } = await import('./index.js');
    const others = SUBCOMMANDS.filter((s) => s.name !== 'help');
    return { visibility: 'ephemeral', message: buildHelpMessage(METRICS, others) };
  },
};
