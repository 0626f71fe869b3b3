import { checkAccess } from '../src/access/permissions.js';
import { currentTeamIds } from '../src/access/queries.js';
import { nameChecker } from '../src/access/scope.js';
import { answerParsedAsk, answerState } from '../src/answers/answer.js';
import { unknownScopeText, wordInScopeZone } from '../src/answers/period-hint.js';
import { linkMentionedRep, resolveScopeWords } from '../src/answers/scope-words.js';
import { beforeDeadline, findMetric, fiscalCalendarFor } from '../src/metrics/index.js';
import { buildGrammarErrorMessage, buildNoticeMessage } from '../src/slack/blocks/notice.js';
import { chooseMonthReading } from '../src/slack/grammar/modifiers.js';
import { parseCommand } from '../src/slack/grammar/parse.js';
import type { Reply } from '../src/slack/reply.js';
import type { Subcommand } from './types.js';

const USAGE =
  'Usage: `/metrics lost [scope] [period] [by reason|rep|team|product|source]` — e.g. `/metrics lost team last quarter`';

/**
 * `/metrics lost [scope] [period] [by reason|rep|team|product|source]`: why deals were lost. By reason
 * (the default): deals and amount lost per normalised reason, share of all lost, change against the
 * previous period, the long tail as "Other (N reasons)". By rep, team, product or source: the `lostdeals`
 * metric's usual answer with that split.
 */
export const lostCommand: Subcommand = {
  name: 'lost',
  aliases: ['lossreasons', 'whylost'],
  summary:
    'Why deals were lost: deals and amount lost by reason, with the change against the previous period.',
  usage: ['/metrics lost team', '/metrics lost org last quarter', '/metrics lost team by rep'],
  run: async (deps, input) => {
    // Lookups outside the limiter are bound by the ask's deadline too (a person waits for them).
    const fiscal = input.fiscal
      ? input.fiscal.calendar
      : await beforeDeadline(fiscalCalendarFor(deps.db, deps.config.fiscalDefault));
    const asTyped = parseCommand(`lostdeals ${input.tokens.join(' ')}`, {
      now: input.now,
      timezone: deps.config.defaultTimezone,
      subcommands: [],
      ...(fiscal ? { fiscal } : {}),
    });
    const parsed = await beforeDeadline(chooseMonthReading(asTyped, nameChecker(deps.db)));
    if (parsed.kind === 'error') {
      const { message, suggestion } = await wordInScopeZone(deps, input.caller, parsed, input.now, fiscal);
      return reply(buildGrammarErrorMessage(message, suggestion));
    }
    if (parsed.kind !== 'ask') return reply(buildNoticeMessage('That is not a lost-deals question.', USAGE));
    if (parsed.by && parsed.by !== 'reason') return answerParsedAsk(deps, input.caller, parsed, input.now);
    const resolved = await resolveScopeWords(deps, input.caller, parsed.scope, input.now);
    if (!resolved.ok) {
      // `lost nxt month`: no one's name, a mistyped period (as questions say).
      const text = await unknownScopeText(deps, input.caller, parsed, resolved, {
        now: input.now,
        timezone: deps.config.defaultTimezone,
      });
      return reply(buildNoticeMessage(text, USAGE));
    }
    const scope = resolved.scope;
    const target =
      scope.kind === 'rep'
        ? {
            ...scope,
            teamIds:
              scope.repId === input.caller.repId
                ? input.caller.teamIds
                : await beforeDeadline(currentTeamIds(deps.db, scope.repId, input.now)),
          }
        : scope;
    const decision = checkAccess(
      input.caller,
      target,
      null,
      { leaderboardsPublic: deps.config.leaderboardsPublic },
      { words: 'lost', period: parsed.period },
    );
    if (!decision.allowed) return reply(buildNoticeMessage(decision.reason));
    await linkMentionedRep(deps, resolved);
    // Answered as its buttons answer it (a period button, Share in channel): the same state, view `lost`.
    return answerState(
      deps,
      input.caller,
      {
        metric: 'lostdeals',
        scope,
        period: parsed.period ?? findMetric('lostdeals')!.defaultPeriod,
        by: null,
        view: 'lost',
      },
      { now: input.now, share: parsed.share },
    );
  },
};

function reply(message: Reply['message']): Reply {
  return { visibility: 'ephemeral', message };
}
