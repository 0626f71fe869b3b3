import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { answerHelpRequest, changesData, runMetricsCommand } from '../../commands/dispatch.js';
import { yieldToIo } from '../core/yield-to-io.js';
import type { Deps } from '../deps.js';
import { describeError } from '../errors.js';
import { BUSY_MESSAGE, beforeDeadline } from '../metrics/index.js';
import {
  BUSY_NOTHING_CHANGED,
  buildNoticeMessage,
  COULD_NOT_CONFIRM,
  COULD_NOT_LOAD,
  COULD_NOT_SAVE,
} from '../slack/blocks/notice.js';
import { decodeSlackText } from '../slack/inbound.js';
import {
  answerSafely,
  callerOrRefusal,
  findCaller,
  retryingRespond,
  slackErrorCode,
  tellEphemeral,
  toResponse,
} from '../slack/respond.js';

/** The slash command as registered in manifest.yml. */
export const SLASH_COMMAND = '/metrics';

/**
 * `/metrics …`: ack at once with an empty body (Slack wants it within 3 s), then answer through
 * response_url — ephemeral unless the user said `share`.
 */
export function registerMetricsCommand(app: App, deps: Deps): void {
  app.command(SLASH_COMMAND, async ({ ack, command, respond, client }) => {
    await ack();
    const reply = await answerSlashCommand(deps, client, command);
    // Posting (JSON, HTTP) waits for pending acks too (see yieldToIo).
    await yieldToIo();
    try {
      // Slack always sends response_url; a payload without one (a proxy, a hand-made request) is answered
      // through the Web API instead: ephemeral to the caller, or in the channel when they said `share`.
      if (typeof respond !== 'function') {
        deps.logger.warn(
          { channel: command.channel_id },
          'slash command without response_url: answered via the Web API',
        );
        await answerViaWebApi(deps, client, command, reply);
        return;
      }
      // A 5xx or network failure is tried again (a bounded few times); a 4xx is not.
      await retryingRespond(respond)(reply);
    } catch (err) {
      deps.logger.error({ err: describeError(err) }, 'response_url post failed');
      if (reply.response_type === 'in_channel') await typedShareFailed(deps, client, command, err);
    }
  });
}

/**
 * A `… share` command whose post to the channel failed (every try of retryingRespond): the person is told by
 * an ephemeral message through the Web API, as a Share button's failure tells them (src/answers/actions.ts),
 * rather than left believing it was shared (helper-218 HIGH). Slack answered with an error status: nothing
 * was posted. No answer at all (a timeout): it may have been, so they are asked to look first. Never throws.
 */
async function typedShareFailed(
  deps: Deps,
  client: WebClient,
  command: SlashCommandFields,
  err: unknown,
): Promise<void> {
  const status = (err as { statusCode?: unknown }).statusCode;
  const text =
    typeof status === 'number'
      ? `Your share didn't go through: Slack refused the post (HTTP ${status}), so nothing was posted in the ` +
        'channel. Ask again with /metrics to share it.'
      : "Tally couldn't confirm that your share reached the channel: Slack did not answer. Look in the channel: " +
        'if the answer is not there, ask again with /metrics to share it.';
  const to = { channel: command.channel_id, user: command.user_id };
  await tellEphemeral(deps, client, to, text, 'could not tell the person their share failed');
}

/**
 * The answer to a command that came without response_url, through the Web API: in the channel when shared,
 * else ephemeral to the caller. When Slack refuses the ephemeral post (`channel_not_found`: a channel the
 * app cannot see, …) the answer goes to the caller as a DM from the app (chat.postMessage to their user id)
 * instead. Each failure is logged naming the method and Slack's error code (no message text, no token).
 * Never throws.
 */
async function answerViaWebApi(
  deps: Deps,
  client: WebClient,
  command: SlashCommandFields,
  reply: ReturnType<typeof toResponse>,
): Promise<void> {
  const { response_type, replace_original: _, ...message } = reply;
  const method = response_type === 'in_channel' ? 'chat.postMessage' : 'chat.postEphemeral';
  try {
    if (response_type === 'in_channel')
      await client.chat.postMessage({ channel: command.channel_id, ...message });
    else await client.chat.postEphemeral({ channel: command.channel_id, user: command.user_id, ...message });
    return;
  } catch (err) {
    deps.logger.warn(
      { method, slackError: slackErrorCode(err), channel: command.channel_id, user: command.user_id },
      `slash command answer via ${method} failed; sending it to the user as a DM`,
    );
  }
  try {
    await client.chat.postMessage({ channel: command.user_id, ...message });
  } catch (err) {
    deps.logger.error(
      { method: 'chat.postMessage', slackError: slackErrorCode(err), user: command.user_id },
      'slash command answer as a DM failed too: the user got no answer',
    );
  }
}

/** The fields of a slash-command payload the answer depends on (Slack may omit `text`). */
export interface SlashCommandFields {
  text?: string;
  user_id: string;
  channel_id: string;
}

/**
 * The response_url payload for one `/metrics` command, exactly as the listener sends it (the fuzz test
 * calls this directly): Slack's escaping undone, help answered at once, else the caller found and the
 * command answered, limits enforced. Never throws; past capacity the user is told Tally is busy (within
 * INTERACTIVE_BUDGET_MS of the ack), database trouble becomes the one polite sentence.
 */
export async function answerSlashCommand(deps: Deps, client: WebClient, command: SlashCommandFields) {
  const now = deps.clock();
  // A change (`target set …`) that fails says nothing was saved (or, timed out, that it may have been),
  // not that metrics could not be loaded.
  let changes = false;
  const reply = await answerSafely(
    deps,
    'slash command',
    async () => {
      // Parsing the command is CPU work: requests still waiting for their ack go first, and so do the steps
      // of answers already under way; past capacity this wait reaches the deadline and the asker is told
      // "busy" then, not once the backlog ahead has drained (see yieldToIo).
      await beforeDeadline(yieldToIo({ starting: true }));
      // Slack's escaping is undone once, here; everything below reads plain text.
      const inbound = decodeSlackText(command.text ?? '');
      if (!inbound.ok) return { visibility: 'ephemeral', message: buildNoticeMessage(inbound.message) };
      changes = changesData(inbound.text, now, deps.config.defaultTimezone);
      // Help needs no data: it comes at once, however busy the database.
      const help = answerHelpRequest(inbound.text, now, deps.config.defaultTimezone);
      if (help) return help;
      const asking = callerOrRefusal(await findCaller(deps, client, command.user_id, now));
      if (!asking.ok) return asking.reply;
      const { caller } = asking;
      return runMetricsCommand(deps, { text: inbound.text, caller, channelId: command.channel_id, now });
    },
    {
      failure: (cause) =>
        !changes ? COULD_NOT_LOAD : cause === 'timeout' ? COULD_NOT_CONFIRM : COULD_NOT_SAVE,
      busy: () => (changes ? BUSY_NOTHING_CHANGED : BUSY_MESSAGE),
      changes: () => changes,
    },
  );
  return toResponse(reply, { replaceOriginal: false });
}
