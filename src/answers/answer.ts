import { checkAccess, checkShareAccess } from '../access/permissions.js';
import { currentTeamIds } from '../access/queries.js';
import type { Caller } from '../core/types.js';
import { yieldToIo } from '../core/yield-to-io.js';
import type { Deps } from '../deps.js';
import { metricDepsFor } from '../deps.js';
import {
  beforeDeadline,
  getEmailTemplates,
  getLossReasons,
  getMetric,
  getScorecard,
  interactiveDeadline,
  METRICS,
  MetricsError,
  noTemplateNote,
  spellingNotes,
  templateLines,
  topLossReasonsLine,
} from '../metrics/index.js';
import type { MetricDeps, MetricResult, Scope, SegmentRow } from '../metrics/types.js';
import { clipName } from '../names.js';
import { type AskState, decodeState } from '../slack/ask-state.js';
import { buildCalculationMessage } from '../slack/blocks/calculation.js';
import { buildLostMessage } from '../slack/blocks/lost.js';
import { buildMetricMessage } from '../slack/blocks/metric.js';
import { buildNoticeMessage } from '../slack/blocks/notice.js';
import { buildScorecardBlocks, scorecardFallback } from '../slack/blocks/scorecard.js';
import type { MetricAsk } from '../slack/grammar/ask.js';
import { enforceLimits } from '../slack/limits.js';
import { neutraliseMarkers } from '../slack/mrkdwn.js';
import type { Reply } from '../slack/reply.js';
import { movedRepRefusal } from './moved-rep.js';
import { unknownScopeText } from './period-hint.js';
import { linkMentionedRep, resolveScopeWords } from './scope-words.js';
import { ALREADY_SHARED, claimShare } from './share-once.js';

/**
 * Answers a metric question (`/metrics winrate team last month by rep`) or the summary scorecard.
 * Used by the slash command, the answer's buttons (which re-ask with one thing changed) and the console.
 * Database errors propagate; the Slack layer turns them into one polite sentence.
 */

const SCOPE_HINT = 'Scopes: `me`, `team`, a team name, `@person`, `org`.';

/** From the parsed grammar: resolves the scope words, then answers. */
export async function answerParsedAsk(deps: Deps, caller: Caller, ask: MetricAsk, now: Date): Promise<Reply> {
  // Lookups outside the limiter are still bound by the ask's deadline (a person waits for them too).
  const resolved = await resolveScopeWords(deps, caller, ask.scope, now);
  if (!resolved.ok) {
    // A name like a team's or person's (`EMAE`, `Sales`), else a mistyped period (`octobr`, `nxt month`).
    const timezone = caller.timezone ?? deps.config.defaultTimezone;
    const text = await unknownScopeText(deps, caller, ask, resolved, { now, timezone });
    return ephemeral(buildNoticeMessage(text, SCOPE_HINT));
  }
  const state: AskState = {
    metric: ask.metric?.id ?? null,
    scope: resolved.scope,
    period: ask.period,
    by: ask.by,
  };
  if (resolved.link) {
    // Link the mentioned person's Slack id only once the caller may see them.
    const refusal = await checkStateAccess(deps, caller, state, now);
    if (refusal) return refusal;
    await linkMentionedRep(deps, resolved);
  }
  return answerState(deps, caller, state, { now, share: ask.share });
}

export interface AnswerOptions {
  now: Date;
  /** Post for the channel (no buttons, "figures as of …, when shared") instead of the asker's interactive ephemeral answer. */
  share: boolean;
}

/** Answers an already-resolved question, checking permissions first (buttons come through here too). */
export async function answerState(
  deps: Deps,
  caller: Caller,
  state: AskState,
  options: AnswerOptions,
): Promise<Reply> {
  const refusal = await checkStateAccess(deps, caller, state, options.now);
  if (refusal) return refusal;
  const settings = { leaderboardsPublic: deps.config.leaderboardsPublic };
  if (options.share) {
    const share = checkShareAccess(state.by, settings);
    if (!share.allowed) return ephemeral(buildNoticeMessage(share.reason));
  }
  // Buttons offer only what this caller may open and post (the same rules as above).
  const canSplitByRep =
    state.scope.kind !== 'rep' && checkAccess(caller, state.scope, 'rep', settings).allowed;
  const canShare = checkShareAccess(state.by, settings).allowed;
  // On Slack a person waits against Slack's clock: past capacity, say "busy" within seconds rather than time
  // out. One deadline for every metric this answer needs (win rate then its loss reasons, a scorecard's
  // metrics), set by Slack's surfaces when the request came in (answerSafely, App Home). The local console
  // sets none: one person, one question at a time, who gets the answer (or a real error), never "busy".
  const deadline = interactiveDeadline();
  const metricDeps: MetricDeps = {
    ...metricDepsFor(deps, options.now),
    shed: deadline !== undefined,
    ...(deadline !== undefined ? { deadline } : {}),
  };
  try {
    if (state.metric === null) return await answerSummary(deps, metricDeps, caller, state, options);
    if (state.view === 'lost' && (state.by === null || state.by === 'reason'))
      return await answerLost(deps, metricDeps, caller, state, { ...options, canSplitByRep, canShare });
    const shared = await getMetric(metricDeps, {
      metric: state.metric,
      scope: state.scope,
      period: state.period ?? defaultPeriodOf(state),
      ...(state.by ? { by: state.by } : {}),
    });
    // `shared` may be the cached answer other askers get too: add this answer's lines to a copy, never to it.
    const extra: string[] = [];
    if (shared.metric.id === 'emails' && state.by === 'template') {
      // Template names are data: each clipped and its mrkdwn markers neutralised wherever it appears (the
      // lines, the spelling notes, the verdict); the notes are escaped as a whole where they are shown. A
      // template recorded under several spellings is one row: a note names the others.
      const ab = await getEmailTemplates(metricDeps, {
        scope: state.scope,
        period: shared.period,
        show: (name) => neutraliseMarkers(clipName(name)),
      });
      // Emails without a template are a row but not in the comparison: the verdict is followed by a caveat.
      const leftOut = noTemplateNote(ab);
      extra.push(
        ...templateLines(ab),
        ...spellingNotes(ab),
        ...(ab.verdict ? [ab.verdict] : []),
        ...(leftOut ? [leftOut] : []),
      );
    }
    if (shared.metric.id === 'winrate') {
      const line = await topLossReasonsLine(
        metricDeps,
        { scope: state.scope, period: shared.period },
        3,
        neutraliseMarkers,
      );
      if (line) extra.push(line);
    }
    const result: MetricResult =
      extra.length > 0 ? { ...shared, notes: [...shared.notes, ...extra] } : shared;
    // Building the blocks is the answer's largest synchronous step: requests waiting for an ack go first.
    await yieldToIo();
    const message = buildMetricMessage({
      result,
      state,
      now: options.now,
      staleAfterHours: deps.config.staleAfterHours,
      interactive: !options.share,
      canSplitByRep,
      canShare,
      // "← you" is for the asker's own copy: a channel post is read by everyone, so it marks no one.
      ...(options.share
        ? { sharedBy: caller.name }
        : {
            isMine: (row: SegmentRow) =>
              row.repId === caller.repId || (row.teamId !== undefined && caller.teamIds.includes(row.teamId)),
          }),
    });
    return { visibility: options.share ? 'in_channel' : 'ephemeral', message };
  } catch (err) {
    if (err instanceof MetricsError)
      return ephemeral(buildNoticeMessage(err.message, err.code === 'busy' ? undefined : SCOPE_HINT));
    throw err;
  }
}

/** "How is this calculated?" for an answer's state: numerator, denominator, window and n, permission-checked. */
export async function explainState(deps: Deps, caller: Caller, state: AskState, now: Date): Promise<Reply> {
  const refusal = await checkStateAccess(deps, caller, state, now);
  if (refusal) return refusal;
  if (state.metric === null)
    return ephemeral(buildNoticeMessage('Ask `/metrics help <metric>` for each definition.'));
  try {
    const result = await getMetric(metricDepsFor(deps, now), {
      metric: state.metric,
      scope: state.scope,
      period: state.period ?? defaultPeriodOf(state),
      ...(state.by ? { by: state.by } : {}),
    });
    return ephemeral(buildCalculationMessage(result));
  } catch (err) {
    if (err instanceof MetricsError) return ephemeral(buildNoticeMessage(err.message));
    throw err;
  }
}

/**
 * The MetricResult behind an answer's state, permission-checked like the answer itself (the "Chart" button
 * draws from it). Bad states give a refusal or notice to send; database errors propagate.
 */
export async function resultForState(
  deps: Deps,
  caller: Caller,
  state: AskState,
  now: Date,
): Promise<{ ok: true; result: MetricResult } | { ok: false; reply: Reply }> {
  const refusal = await checkStateAccess(deps, caller, state, now);
  if (refusal) return { ok: false, reply: refusal };
  if (state.metric === null)
    return { ok: false, reply: ephemeral(buildNoticeMessage('Charts are drawn for one metric at a time.')) };
  try {
    const result = await getMetric(metricDepsFor(deps, now), {
      metric: state.metric,
      scope: state.scope,
      period: state.period ?? defaultPeriodOf(state),
      ...(state.by ? { by: state.by } : {}),
    });
    return { ok: true, result };
  } catch (err) {
    if (err instanceof MetricsError) return { ok: false, reply: ephemeral(buildNoticeMessage(err.message)) };
    throw err;
  }
}

/** null when allowed; otherwise the polite refusal to send. */
async function checkStateAccess(
  deps: Deps,
  caller: Caller,
  state: AskState,
  now: Date,
): Promise<Reply | null> {
  const target =
    state.scope.kind === 'rep'
      ? {
          ...state.scope,
          teamIds:
            state.scope.repId === caller.repId
              ? caller.teamIds
              : await beforeDeadline(currentTeamIds(deps.db, state.scope.repId, now)),
        }
      : state.scope;
  const decision = checkAccess(
    caller,
    target,
    state.by,
    { leaderboardsPublic: deps.config.leaderboardsPublic },
    // A refusal suggests this metric and period (`/metrics calls team 30d`), not another one.
    { words: state.view ?? state.metric ?? '', period: state.period },
  );
  if (decision.allowed) return null;
  // A rep who was on the manager's team and moved on: say why, and where their results from then are.
  const moved =
    target.kind === 'rep'
      ? await movedRepRefusal(
          deps,
          caller,
          target.repId,
          { words: state.view ?? state.metric ?? '', period: state.period },
          now,
        )
      : null;
  return ephemeral(buildNoticeMessage(moved ?? decision.reason));
}

async function answerSummary(
  deps: Deps,
  metricDeps: MetricDeps,
  caller: Caller,
  state: AskState,
  options: AnswerOptions,
): Promise<Reply> {
  const results = await getScorecard(metricDeps, {
    scope: state.scope,
    ...(state.period ? { period: state.period } : {}),
  });
  const label = results[0]?.scope.label ?? scopeWord(state.scope);
  const title = `Scorecard · ${label}${state.period ? ` · ${results[0]?.period.label ?? state.period}` : ''}`;
  const blocks = buildScorecardBlocks({
    title,
    results,
    now: options.now,
    staleAfterHours: deps.config.staleAfterHours,
    // A shared scorecard ends as a shared metric answer does: who shared it, and when its figures are from.
    ...(options.share
      ? {
          shared: {
            by: caller.name,
            timezone: results[0]?.period.timezone ?? metricDeps.defaultTimezone,
          },
        }
      : {}),
  });
  return {
    visibility: options.share ? 'in_channel' : 'ephemeral',
    message: enforceLimits({ text: scorecardFallback(title, results), blocks }),
  };
}

/**
 * The `/metrics lost` answer (lost deals by reason) for a state whose `view` is `lost`: the command and its
 * buttons answer through here, so a period button or Share in channel gives the reasons again.
 */
async function answerLost(
  deps: Deps,
  metricDeps: MetricDeps,
  caller: Caller,
  state: AskState,
  options: AnswerOptions & { canSplitByRep: boolean; canShare: boolean },
): Promise<Reply> {
  const lr = await getLossReasons(metricDeps, {
    scope: state.scope,
    period: state.period ?? defaultPeriodOf(state),
  });
  await yieldToIo();
  const message = buildLostMessage(
    lr,
    { now: options.now, staleAfterHours: deps.config.staleAfterHours },
    options.share
      ? { state, sharedBy: caller.name }
      : { state, canSplitByRep: options.canSplitByRep, canShare: options.canShare },
  );
  return { visibility: options.share ? 'in_channel' : 'ephemeral', message };
}

function defaultPeriodOf(state: AskState): string {
  return state.metric ? (METRIC_DEFAULTS.get(state.metric) ?? 'this month') : 'this month';
}

function scopeWord(scope: Scope): string {
  return scope.kind === 'org' ? 'Whole org' : scope.kind;
}

function ephemeral(message: Reply['message']): Reply {
  return { visibility: 'ephemeral', message };
}

const METRIC_DEFAULTS = new Map(METRICS.map((m) => [m.id, m.defaultPeriod]));

/**
 * A click on one of an answer's buttons, from its action id (`metrics_view`, `metrics_share`,
 * `metrics_calc`, each maybe suffixed `#n`) and value (the encoded ask). An expired or foreign value
 * answers with a notice. Used by the console; Slack's listener is `./actions.ts`.
 */
export async function pressAnswerButton(
  deps: Deps,
  caller: Caller,
  button: { actionId: string; value: string; messageId?: string },
  now: Date,
): Promise<Reply> {
  const state = decodeState(button.value);
  if (!state) return ephemeral(buildNoticeMessage('That button does nothing here.'));
  if (button.actionId.startsWith('metrics_calc')) return explainState(deps, caller, state, now);
  const share = button.actionId.startsWith('metrics_share');
  const answer = await answerState(deps, caller, state, { now, share });
  if (!share || answer.visibility !== 'in_channel' || !button.messageId) return answer;
  // One share per answer message, as in Slack (./actions.ts): the console's message id stands for its ts.
  const first = await claimShare(
    deps.db,
    { userId: caller.slackUserId, channelId: 'console', messageTs: button.messageId, value: button.value },
    now,
  );
  return first ? answer : ephemeral(buildNoticeMessage(ALREADY_SHARED));
}
