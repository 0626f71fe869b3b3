import type { Authorize } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { AUTH_ERRORS } from '../delivery/outbox-errors.js';
import type { Deps } from '../deps.js';
import { describeError } from '../errors.js';

/**
 * Bolt's `authorize` for Tally's one workspace: the bot token at once, plus the bot's user and bot ids
 * once an `auth.test` has answered.
 *
 * Why not Bolt's own single-workspace authorization: it calls `auth.test` inside the `App` constructor
 * and caches that promise. When Slack cannot be reached at boot, the promise rejects before any request
 * awaits it (an unhandled rejection, which ends a Node process) and every later request fails with the
 * same cached error until a restart. Here a failed `auth.test` is logged once per failure and tried again
 * on a later request, and no request (so no ack) ever waits for it.
 *
 * @param client a Web API client holding the bot token (Tally's bounded retry policy and timeout)
 * @param botToken the `xoxb-` token passed back to Bolt for every listener's `client`
 * @param onTokenRefused called with Slack's error when `auth.test` says the token itself is bad (an
 *   `AUTH_ERRORS` code such as invalid_auth), so /healthz can report the lost token before any send fails
 */
export function botAuthorize(
  client: WebClient,
  botToken: string,
  logger: Deps['logger'],
  onTokenRefused: (error: string) => void = () => {},
): Authorize<boolean> {
  let ids: { botId?: string; botUserId?: string } = {};
  let asking = false;
  const refresh = () => {
    if (asking) return;
    asking = true;
    void client.auth
      .test()
      .then(
        (res) => {
          ids = {
            ...(res.bot_id ? { botId: res.bot_id } : {}),
            ...(res.user_id ? { botUserId: res.user_id } : {}),
          };
        },
        (err) => {
          logger.warn({ err: describeError(err) }, 'auth.test failed; the bot ids are looked up again later');
          const code = (err as { data?: { error?: unknown } }).data?.error;
          if (typeof code === 'string' && AUTH_ERRORS.has(code)) onTokenRefused(code);
        },
      )
      .finally(() => {
        asking = false;
      });
  };
  refresh();
  return async () => {
    if (ids.botUserId === undefined) refresh();
    return { botToken, ...ids };
  };
}
