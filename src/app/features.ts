import { alertsFeature } from '../alerts/index.js';
import { answersFeature } from '../answers/index.js';
import { chartButtonFeature } from '../chart-button/index.js';
import type { Feature, Job, Registrar } from '../core/types.js';
import { digestFeature } from '../digest/index.js';
import { ingestFeature } from '../http/index.js';
import { deliveryFeature } from './delivery.js';

/**
 * Every feature of the running service, in registration order. A new feature exports a `Feature` from
 * its folder and is added here; its `/metrics` subcommand goes into `commands/index.ts`.
 */
export const FEATURES: Feature[] = [
  answersFeature,
  alertsFeature,
  digestFeature,
  ingestFeature,
  chartButtonFeature,
  deliveryFeature,
];

/** The Slack listeners of `features`, in order. */
export function listenersOf(features: Feature[]): Registrar[] {
  return features.flatMap((f) => f.listeners ?? []);
}

/** The scheduler's jobs of `features`, in order. */
export function jobsOf(features: Feature[]): Job[] {
  return features.flatMap((f) => f.jobs ?? []);
}
