import { findMetric, METRICS } from '../src/metrics/definitions.js';
import {
  buildHelpMessage,
  buildMetricHelpMessage,
  buildSubcommandHelpMessage,
} from '../src/slack/blocks/help.js';
import type { Reply } from '../src/slack/reply.js';
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
    run: async (_deps, input) => buildHelpReply(input.tokens[0], listOthers()),
  };
}

/**
 * The help answer for `topic` (a metric, a subcommand word, or none for the overview), given the other
 * subcommands. Needs neither the database nor the caller, so Slack can answer it at once (dispatch.ts).
 */
export function buildHelpReply(topic: string | undefined, others: CommandEntry[]): Reply {
  const metric = topic ? findMetric(topic) : undefined;
  if (metric) return { visibility: 'ephemeral', message: buildMetricHelpMessage(metric) };
  const word = topic?.toLowerCase();
  const sub = word ? others.find((s) => s.name === word || s.aliases.includes(word)) : undefined;
  if (sub) return { visibility: 'ephemeral', message: buildSubcommandHelpMessage(sub) };
  return { visibility: 'ephemeral', message: buildHelpMessage(METRICS, others) };
}
