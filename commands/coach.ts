import { nameChecker } from '../src/access/scope.js';
import { unknownScopeText, wordInScopeZone } from '../src/answers/period-hint.js';
import { linkMentionedRep, resolveScopeWords } from '../src/answers/scope-words.js';
import { buildCoachingMessage } from '../src/coach/blocks.js';
import { loadCoachingCard, COACH_USAGE as USAGE } from '../src/coach/load.js';
import { beforeDeadline } from '../src/metrics/index.js';
import { buildGrammarErrorMessage, buildNoticeMessage } from '../src/slack/blocks/notice.js';
import { chooseMonthReading } from '../src/slack/grammar/modifiers.js';
import { parseCommand } from '../src/slack/grammar/parse.js';
import type { Reply } from '../src/slack/reply.js';
import type { Subcommand } from './types.js';

/**
 * `/metrics coach @rep [period]`: the rep's 1:1 coaching card, for the rep's manager and admins;
 * `/metrics coach me` for a rep's own card. Percentiles follow the leaderboard policy.
 */
export const coachCommand: Subcommand = {
  name: 'coach',
  aliases: ['coaching', '1on1'],
  summary: "A rep's 1:1 coaching card: every metric vs the team, biggest changes, talking points.",
  usage: ['/metrics coach @ana', '/metrics coach @ana last month', '/metrics coach me'],
  run: async (deps, input) => {
    if (input.tokens.length === 0) return ephemeral(buildNoticeMessage('Whose coaching card?', USAGE));
    const asTyped = parseCommand(`summary ${input.tokens.join(' ')}`, {
      now: input.now,
      timezone: input.caller.timezone ?? deps.config.defaultTimezone,
      subcommands: [],
    });
    const parsed = await beforeDeadline(chooseMonthReading(asTyped, nameChecker(deps.db)));
    if (parsed.kind === 'error') {
      const { message, suggestion } = await wordInScopeZone(deps, input.caller, parsed, input.now);
      return ephemeral(buildGrammarErrorMessage(message, suggestion));
    }
    if (parsed.kind !== 'ask' || parsed.by !== null)
      return ephemeral(buildNoticeMessage('A coaching card is for one person.', USAGE));
    const resolved = await resolveScopeWords(deps, input.caller, parsed.scope, input.now);
    if (!resolved.ok) {
      // `coach nxt month`: no one's name, a mistyped period (as questions say).
      const text = await unknownScopeText(deps, input.caller, parsed, resolved, {
        now: input.now,
        timezone: input.caller.timezone ?? deps.config.defaultTimezone,
      });
      return ephemeral(buildNoticeMessage(text, USAGE));
    }
    if (resolved.scope.kind !== 'rep' || resolved.target.kind !== 'rep')
      return ephemeral(
        buildNoticeMessage('A coaching card is for one person, not a team or the org.', USAGE),
      );
    const outcome = await loadCoachingCard(
      deps,
      input.caller,
      resolved.scope.repId,
      resolved.target.teamIds,
      {
        now: input.now,
        ...(parsed.period ? { period: parsed.period } : {}),
      },
    );
    if (!outcome.ok) return outcome.reply;
    // The card was allowed: remember a mentioned rep's Slack id (found through users.info).
    await linkMentionedRep(deps, resolved);
    return ephemeral(buildCoachingMessage(outcome.card, { interactive: true }));
  },
};

function ephemeral(message: Reply['message']): Reply {
  return { visibility: 'ephemeral', message };
}
