import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Deps } from '../deps.js';
import { describeError } from '../errors.js';

/** What `app.action` matches on: an action_id, a pattern, or constraints (Bolt's ActionConstraints). */
type ActionConstraint = string | RegExp | { action_id?: string | RegExp };

/** The ephemeral answer to a button no listener knows (an older message's, after an upgrade). */
export const UNKNOWN_BUTTON_TEXT =
  'That button is from an older version of Tally and no longer works here. Ask again (for example `/metrics help`) for a fresh answer with working buttons.';

/**
 * Runs `register` with every `app.action(…)` it makes recorded, and returns a test for action ids that one
 * of those registrations matches. Recorded as they are registered, so the catch-all (registerUnknownActions)
 * cannot fall out of step with the features' listeners.
 */
export function recordingActions(app: App, register: () => void): (actionId: string) => boolean {
  const constraints: ActionConstraint[] = [];
  const action = app.action.bind(app);
  app.action = ((constraint: ActionConstraint, ...listeners: unknown[]) => {
    constraints.push(constraint);
    return (action as (...args: unknown[]) => unknown)(constraint, ...listeners);
  }) as App['action'];
  try {
    register();
  } finally {
    app.action = action;
  }
  return (actionId) => constraints.some((c) => matches(c, actionId));
}

function matches(constraint: ActionConstraint, actionId: string): boolean {
  if (typeof constraint === 'string') return constraint === actionId;
  if (constraint instanceof RegExp) return constraint.test(actionId);
  // Constraints without an action_id (block_id or callback_id only) may match any action: counted as known.
  return constraint.action_id === undefined || matches(constraint.action_id, actionId);
}

/**
 * Registers, after every other listener, the answer to a block action no listener matches: Bolt calls no
 * listener then, so nothing acked and Slack showed the clicker a warning triangle after 3 seconds. It is
 * acked at once, the clicker is told (ephemeral, through the click's response_url when there is one) that
 * the button is from an older version, and it is logged with the action id, user and channel only (never
 * the response_url or trigger_id: they let anyone post as the app).
 */
export function registerUnknownActions(app: App, deps: Deps, isKnown: (actionId: string) => boolean): void {
  app.action<BlockAction<ButtonAction>>(/.*/, async ({ ack, action, body, respond }) => {
    // Every listener matching the action runs: a known one acks and answers it.
    if (isKnown(action.action_id)) return;
    await ack();
    deps.logger.warn(
      {
        actionId: action.action_id.slice(0, 100),
        user: body.user?.id,
        channel: body.channel?.id,
        container: body.container?.type,
      },
      'button with an unknown action_id (from an older version?): acked and told to ask again',
    );
    if (!body.response_url) return;
    try {
      await respond({ response_type: 'ephemeral', replace_original: false, text: UNKNOWN_BUTTON_TEXT });
    } catch (err) {
      deps.logger.warn({ err: describeError(err) }, 'could not tell the clicker about an unknown button');
    }
  });
}
