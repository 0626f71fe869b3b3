import { answerParsedAsk } from '../src/answers/answer.js';
import { buildGrammarErrorMessage } from '../src/slack/blocks/notice.js';
import { parseCommand } from '../src/slack/grammar/parse.js';
import type { Subcommand } from './types.js';

/**
 * `/metrics summary [scope] [period]`: the scorecard of key metrics with targets and trends. Also the
 * answer when only a scope or period is given (`/metrics team this week`); the grammar handles both.
 */
export const summaryCommand: Subcommand = {
  name: 'summary',
  aliases: ['scorecard', 'overview'],
  summary: 'A scorecard of the key metrics with targets and trends.',
  usage: ['/metrics summary team', '/metrics team this week', '/metrics summary org last month'],
  run: async (deps, input) => {
    const parsed = parseCommand(`summary ${input.tokens.join(' ')}`, {
      now: input.now,
      timezone: deps.config.defaultTimezone,
      subcommands: [],
    });
    if (parsed.kind === 'error') {
      return {
        visibility: 'ephemeral',
        message: buildGrammarErrorMessage(parsed.message, parsed.suggestion),
      };
    }
    if (parsed.kind !== 'ask') {
      return {
        visibility: 'ephemeral',
        message: buildGrammarErrorMessage('That is not a summary question.', null),
      };
    }
    return answerParsedAsk(deps, input.caller, parsed, input.now);
  },
};
