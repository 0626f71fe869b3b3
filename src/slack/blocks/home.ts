import type { HomeView, KnownBlock } from '@slack/types';
import type { MetricResult } from '../../metrics/types.js';
import { enforceLimits, LIMITS } from '../limits.js';
import { escapeMrkdwn, escapeName } from '../mrkdwn.js';
import { COULD_NOT_LOAD } from './notice.js';
import { context, divider, header, section } from './pieces.js';
import { buildScorecardBlocks } from './scorecard.js';

export interface HomeScorecard {
  title: string;
  results: MetricResult[];
}

export interface HomeViewModel {
  callerName: string;
  /** The caller's own scorecard, then (managers) each managed team's. */
  scorecards: HomeScorecard[];
  now: Date;
  staleAfterHours: number;
  /** Feature sections after the scorecards (the manager's coaching section). */
  extraBlocks?: KnownBlock[];
}

/** App Home: the user's scorecard and, for managers, their teams'. Home tabs allow 100 blocks. */
export function buildHomeView(model: HomeViewModel): HomeView {
  const blocks: KnownBlock[] = [
    section(
      `Hi ${escapeName(model.callerName)} — here are your numbers, refreshed each time you open this tab.`,
    ),
  ];
  for (const card of model.scorecards) {
    blocks.push(
      ...buildScorecardBlocks({
        title: card.title,
        results: card.results,
        now: model.now,
        staleAfterHours: model.staleAfterHours,
      }),
      divider(),
    );
  }
  if (model.extraBlocks && model.extraBlocks.length > 0) blocks.push(...model.extraBlocks, divider());
  blocks.push(
    context(
      'Ask anything with `/metrics` — e.g. `/metrics winrate team last month by rep`. `/metrics help` lists it all.',
    ),
  );
  const limited = enforceLimits({ text: 'Tally home', blocks }, LIMITS.homeBlocks);
  return { type: 'home', blocks: limited.blocks };
}

/** App Home for someone Tally does not know yet. */
export function buildUnknownHomeView(): HomeView {
  return {
    type: 'home',
    blocks: [
      header('Tally'),
      section(
        "Tally doesn't know you yet, so there are no numbers to show. An admin can add you by importing a reps CSV with your Slack email or through the ingest API; this tab fills in on your next visit.",
      ),
    ],
  };
}

/** App Home for someone whose rep is deactivated (`active` false): says so, and how an admin reactivates it. */
export function buildDeactivatedHomeView(): HomeView {
  return {
    type: 'home',
    blocks: [
      header('Tally'),
      section(
        'Your Tally profile is deactivated, so there are no numbers to show. If that is a mistake, an admin can reactivate it by importing your row of the reps CSV with `active` set to `yes`, or through the ingest API; this tab fills in on your next visit.',
      ),
    ],
  };
}

/**
 * App Home when the numbers could not be loaded: by default the database is down or failing; Tally past
 * capacity passes the busy sentence instead. `text` is plain (escaped here).
 */
export function buildHomeErrorView(text: string = COULD_NOT_LOAD): HomeView {
  return {
    type: 'home',
    blocks: [header('Tally'), section(escapeMrkdwn(text))],
  };
}
