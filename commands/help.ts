import { findMetric, METRICS } from '../src/metrics/definitions.js';
import {
  buildHelpMessage,
  buildMetricHelpMessage,
  buildSubcommandHelpMessage,
} from '../src/slack/blocks/help.js';
import type { CommandEntry, Subcommand } from './types.js';

/**
 * `/metrics`, `/metrics help`, `/metrics help <metric>`: usage with examples, or one metric's definition;
 * `/metrics help <subcommand>` (`help digest`): that subcommand's summary and usage lines.
 * `listOthers` gives the other registered subcommands at call time (the registry passes it in, so this
 * file needs no import of the registry).
 */
export function createHelpCommand(listOthers: () => CommandEntry[]): Subcommand {
  return {
    name: 'help',
    aliases: ['usage', '?'],
    summary:
      'How to ask, with examples; `help <metric>` shows its definition, `help digest` a command’s usage.',
    usage: ['/metrics help', '/metrics help winrate'],
    run: async (_deps, input) => {
      const metric = input.tokens[0] ? findMetric(input.tokens[0]) : undefined;
      if (metric) return { visibility: 'ephemeral', message: buildMetricHelpMessage(metric) };
      const word = input.tokens[0]?.toLowerCase();
      const sub = word ? listOthers().find((s) => s.name === word || s.aliases.includes(word)) : undefined;
      if (sub) return { visibility: 'ephemeral', message: buildSubcommandHelpMessage(sub) };
      return { visibility: 'ephemeral', message: buildHelpMessage(METRICS, listOthers()) };
    },
  };
}
