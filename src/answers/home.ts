import type { App } from '@slack/bolt';
import type { HomeView } from '@slack/types';
import { isDeactivated } from '../access/caller.js';
import { getTeams } from '../access/queries.js';
import { buildCoachingHomeBlocks } from '../coach/home.js';
import type { Caller } from '../core/types.js';
import { classify } from '../delivery/outbox-errors.js';
import type { Deps } from '../deps.js';
import { metricDepsFor } from '../deps.js';
import { describeError } from '../errors.js';
import {
  BUSY_MESSAGE,
  beforeDeadline,
  getScorecard,
  INTERACTIVE_BUDGET_MS,
  isBusyError,
  withInteractiveDeadline,
} from '../metrics/index.js';
import { clipName } from '../names.js';
import {
  buildDeactivatedHomeView,
  buildHomeErrorView,
  buildHomeView,
  buildUnknownHomeView,
  type HomeScorecard,
} from '../slack/blocks/home.js';
import { findCaller, SlackRateLimitedError, slackBusyMessage } from '../slack/respond.js';

/** Managers see at most this many team scorecards on App Home (each is ~8 blocks of the 100 allowed). */
const MAX_HOME_TEAMS = 5;

/** The caller's home content: their scorecard and, for managers and admins, their managed teams'. */
export async function loadHomeView(deps: Deps, caller: Caller, now: Date): Promise<HomeView> {
  const metricDeps = metricDepsFor(deps, now);
  const mine = await getScorecard(metricDeps, { scope: { kind: 'rep', repId: caller.repId } });
  const cards: HomeScorecard[] = [{ title: 'Your scorecard', results: mine }];
  if (caller.role !== 'rep') {
    const teams = await beforeDeadline(getTeams(deps.db, caller.managedTeamIds.slice(0, MAX_HOME_TEAMS)));
    for (const team of teams) {
      const results = await getScorecard(metricDeps, { scope: { kind: 'team', teamId: team.id } });
      cards.push({ title: `Team ${clipName(team.name)}`, results });
    }
  }
  const coaching =
    caller.role === 'rep' ? [] : await buildCoachingHomeBlocks(metricDeps, caller.managedTeamIds);
  return buildHomeView({
    callerName: clipName(caller.name),
    scorecards: cards,
    extraBlocks: coaching,
    now,
    staleAfterHours: deps.config.staleAfterHours,
  });
}

/** `app_home_opened` → views.publish, so the tab is fresh every time it is opened. */
export function registerAppHome(app: App, deps: Deps): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab && event.tab !== 'home') return;
    const now = deps.clock();
    let view: HomeView;
    try {
      // An interactive ask like a command: past capacity the tab says "busy" within seconds.
      view = await withInteractiveDeadline(Date.now() + INTERACTIVE_BUDGET_MS, async () => {
        const caller = await findCaller(deps, client, event.user, now);
        if (!caller) return buildUnknownHomeView();
        return isDeactivated(caller) ? buildDeactivatedHomeView() : loadHomeView(deps, caller, now);
      });
    } catch (err) {
      if (err instanceof SlackRateLimitedError) {
        view = buildHomeErrorView(slackBusyMessage(err.retryAfterSeconds));
      } else if (isBusyError(err)) {
        deps.logger.info({ what: 'app home' }, 'past capacity: told the user to try again');
        view = buildHomeErrorView(BUSY_MESSAGE);
      } else {
        deps.logger.error({ err: describeError(err) }, 'app home failed');
        view = buildHomeErrorView();
      }
    }
    await publishWithRetry(() => client.views.publish({ user_id: event.user, view }), deps);
  });
}

/** Attempts of one views.publish that Slack answers `ratelimited` (HTTP 200 or 429). */
const PUBLISH_ATTEMPTS = 3;

/**
 * views.publish with Slack's quirk handled: it may answer HTTP 200 `{ok:false, error:'ratelimited'}`
 * instead of a 429, which the WebClient does not retry. Retried after 1 s, then 2 s (or Retry-After;
 * bounded). A rate limit is logged as every other is, `slack rate limited` with the method and the
 * Retry-After seconds, never as `views.publish failed`. A 429 rejects at once (webClientOptions:
 * rejectRateLimitedCalls) and is retried here after Slack's Retry-After, holding only this publish, never
 * the app's other calls. Any other error is logged once. Never throws.
 */
export async function publishWithRetry(
  publish: () => Promise<unknown>,
  deps: Pick<Deps, 'logger'>,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      await publish();
      return true;
    } catch (err) {
      const seen = classify(err);
      const limited =
        seen.kind === 'rate_limited' ||
        (seen.kind === 'transient' && (seen.error === 'ratelimited' || seen.error === 'rate_limited'));
      if (!limited) {
        deps.logger.error({ err: describeError(err), attempt }, 'views.publish failed');
        return false;
      }
      const retryAfterSeconds =
        seen.kind === 'rate_limited'
          ? seen.retryAfterSeconds
          : Math.max(1, Number((err as { retryAfter?: number }).retryAfter) || 2 ** (attempt - 1));
      // The client's own retries (webClientOptions) end in a request error: it has waited enough.
      const clientRetried = (err as { code?: string }).code === 'slack_webapi_request_error';
      const gaveUp = clientRetried || attempt >= PUBLISH_ATTEMPTS;
      deps.logger.warn(
        { method: 'views.publish', retryAfterSeconds, attempt, ...(gaveUp ? { gaveUp } : {}) },
        'slack rate limited',
      );
      if (gaveUp) return false;
      await sleep(Math.max(1, retryAfterSeconds) * 1000);
    }
  }
}
