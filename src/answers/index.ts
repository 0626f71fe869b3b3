import type { Feature } from '../core/types.js';
import { registerAnswerActions } from './actions.js';
import { registerAppHome } from './home.js';

/**
 * Metric answers in Slack: the answer's buttons (switch period or split, share, "How is this
 * calculated?") and App Home. The `/metrics` question itself is routed by `commands/dispatch.ts`.
 */
export const answersFeature: Feature = {
  name: 'answers',
  listeners: [registerAnswerActions, registerAppHome],
};
