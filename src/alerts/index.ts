/**
 * Lead response-time alerts: nudges when leads wait past the team SLA, escalation to managers, an optional
 * channel step, and slip alerts when a rep's response time worsens. `alertsFeature` hands its jobs and
 * button listeners to the app (`src/app/`); `/metrics alerts` is `commands/alerts.ts`.
 */
import type { Feature } from '../core/types.js';
import { leadNudgesJob } from './nudges.js';
import { registerAlertActions } from './slack/actions.js';
import { slipAlertsJob } from './slip.js';

/** The alerts' contribution to the service: the nudge and slip jobs, the nudge buttons. */
export const alertsFeature: Feature = {
  name: 'alerts',
  listeners: [registerAlertActions],
  jobs: [leadNudgesJob, slipAlertsJob],
};
