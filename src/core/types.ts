import type { App, CustomRoute } from '@slack/bolt';
import type { RepRole } from '../db/schema/index.js';
import type { Deps } from '../deps.js';

/**
 * Contracts that every layer above the database shares. This file sits below the features (metrics
 * answers, digests, alerts, ingest, access) and the app that assembles them, and imports none of them.
 */

/** The Slack user behind a command, resolved against the reps table. */
export interface Caller {
  slackUserId: string;
  repId: number;
  name: string;
  email: string | null;
  role: RepRole;
  /** Teams the caller belongs to now (membership history, current rows). */
  teamIds: number[];
  /** Teams the caller manages (managers); admins see everything regardless. */
  managedTeamIds: number[];
  timezone: string | null;
}

/**
 * A recurring job. Jobs are idempotent and decide for themselves what is due at `now` (digests and
 * nudges keep a ledger in Postgres), so cron only says "look now": a missed tick, a restart or a second
 * instance never loses or doubles work.
 */
export interface Job {
  name: string;
  /** node-cron expression (with seconds optional), evaluated in UTC. */
  cron: string;
  run(deps: Deps, now: Date): Promise<void>;
}

/** Adds listeners (actions, events) to the Bolt app. */
export type Registrar = (app: App, deps: Deps) => void;

/**
 * What a feature contributes to the running service; `src/app/` assembles every feature's parts into the
 * Bolt app and the scheduler. `/metrics` subcommands are registered in `commands/index.ts`.
 */
export interface Feature {
  name: string;
  /** Slack listeners (buttons, events), registered in the order of the features list. */
  listeners?: Registrar[];
  /** Recurring jobs for the scheduler. */
  jobs?: Job[];
  /** HTTP routes beside `/slack/events` (HTTP mode only); they check their own authentication. */
  routes?: (deps: Deps) => CustomRoute[];
}
