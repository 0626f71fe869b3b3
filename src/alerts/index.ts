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

export {
  addBusinessSeconds,
  type BusinessHours,
  businessSecondsBetween,
  describeBusinessHours,
  isBusinessTime,
} from './business-time.js';
export { CHANNEL_STEP_FACTOR, leadNudgesJob, NUDGE_LOOKBACK_DAYS, runLeadNudges } from './nudges.js';
export {
  type AlertSettings,
  DEFAULT_ESCALATION_FACTOR,
  getAlertSettings,
  listAlertSettings,
  updateAlertSettings,
} from './settings.js';
export { findSlips, runSlipAlerts, SLIP_MIN_LEADS, SLIP_WORSEN_SHARE, slipAlertsJob } from './slip.js';
