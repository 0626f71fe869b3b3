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
import { answerSafely, callerOrRefusal, findCaller, retryingRespond, toResponse } from '../slack/respond.js';

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
        const { response_type, replace_original: _, ...message } = reply;
        if (response_type === 'in_channel')
          await client.chat.postMessage({ channel: command.channel_id, ...message });
        else
          await client.chat.postEphemeral({ channel: command.channel_id, user: command.user_id, ...message });
        return;
      }
      // A 5xx or network failure is tried again (a bounded few times); a 4xx is not.
      await retryingRespond(respond)(reply);
    } catch (err) {
      deps.logger.error({ err: describeError(err) }, 'response_url post failed');
    }
  });
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
