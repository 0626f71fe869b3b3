/**
 * Lead response-time alerts: nudges when leads wait past the team SLA, escalation to managers, an optional
 * channel step, and slip alerts when a rep's response time worsens. Jobs go to the scheduler's JOBS, the
 * button listeners to the Slack app's REGISTRARS, `/metrics alerts` to SUBCOMMANDS.
 */
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
