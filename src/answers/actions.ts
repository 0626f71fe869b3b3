import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Deps } from '../deps.js';
import { describeError } from '../errors.js';
import { decodeState } from '../slack/ask-state.js';
import { buildNoticeMessage } from '../slack/blocks/notice.js';
import type { Reply } from '../slack/reply.js';
import {
  answerSafely,
  callerOrRefusal,
  findCaller,
  retryingRespond,
  tellEphemeral,
  toResponse,
} from '../slack/respond.js';
import { answerState, explainState } from './answer.js';
import { ALREADY_SHARED, claimShare, releaseShare, type ShareClick } from './share-once.js';

// pieces.actions() suffixes repeated action ids with "#n" (Slack wants them unique per message).
const VIEW = /^metrics_view(#\d+)?$/;
const SHARE = /^metrics_share(#\d+)?$/;
const CALC = /^metrics_calc(#\d+)?$/;

type Mode = 'view' | 'share' | 'calc';

/**
 * The answer's buttons. Each click is acked at once, then answered through the click's response_url:
 * period/split switches replace the message in place, "Share in channel" posts the answer, computed
 * again now and without buttons, for everyone ("figures as of …, when shared"), "How is this calculated?"
 * adds an ephemeral explanation. Permissions are checked on every click.
 */
export function registerAnswerActions(app: App, deps: Deps): void {
  const handle =
    (mode: Mode) =>
    async ({
      ack,
      body,
      action,
      respond,
      client,
    }: Parameters<Parameters<typeof app.action<BlockAction<ButtonAction>>>[1]>[0]) => {
      await ack();
      const now = deps.clock();
      // Set once this click holds the answer's one share: its post must then land, or be given back.
      let claimed: ShareClick | undefined;
      const reply = await answerSafely(deps, `button ${mode}`, async (): Promise<Reply> => {
        const state = decodeState(action.value);
        if (!state)
          return {
            visibility: 'ephemeral',
            message: buildNoticeMessage('That button has expired — ask again with /metrics.'),
          };
        const asking = callerOrRefusal(await findCaller(deps, client, body.user.id, now));
        if (!asking.ok) return asking.reply;
        const { caller } = asking;
        if (mode === 'calc') return explainState(deps, caller, state, now);
        const answer = await answerState(deps, caller, state, { now, share: mode === 'share' });
        if (mode !== 'share' || answer.visibility !== 'in_channel') return answer;
        // One post per answer message: a second click (a double click, or later) is told so instead.
        const container = body.container as { channel_id?: string; message_ts?: string } | undefined;
        const click: ShareClick = {
          userId: body.user.id,
          ...(container?.channel_id ? { channelId: container.channel_id } : {}),
          ...(container?.message_ts ? { messageTs: container.message_ts } : {}),
          value: action.value ?? '',
        };
        const first = await claimShare(deps.db, click, now);
        if (first) claimed = click;
        return first
          ? answer
          : {
              visibility: 'ephemeral',
              message: buildNoticeMessage(ALREADY_SHARED),
            };
      });
      // A refusal or error never replaces the answer the user already has.
      const replaceOriginal = mode === 'view' && reply.visibility === 'ephemeral' && !isNotice(reply);
      try {
        await retryingRespond(respond)(toResponse(reply, { replaceOriginal }));
      } catch (err) {
        deps.logger.error({ err: describeError(err) }, 'response_url post failed');
        if (claimed) await shareFailed(deps, client, claimed, err);
      }
    };
  app.action<BlockAction<ButtonAction>>(VIEW, handle('view'));
  app.action<BlockAction<ButtonAction>>(SHARE, handle('share'));
  app.action<BlockAction<ButtonAction>>(CALC, handle('calc'));
}

/**
 * The share's post to the channel failed (every try of retryingRespond): the person is told so, by an
 * ephemeral message through the Web API (the response_url just failed). When Slack answered with an error
 * status, nothing was posted: the claim is given back, so pressing the button again tries again. When Slack
 * never answered (a timeout, a dropped connection), the post may have landed: the claim stands, so no
 * second press can post it twice, and the person is asked to look in the channel.
 */
async function shareFailed(deps: Deps, client: WebClient, click: ShareClick, err: unknown): Promise<void> {
  const status = (err as { statusCode?: unknown }).statusCode;
  let text: string;
  if (typeof status === 'number') {
    try {
      await releaseShare(deps.db, click);
      text =
        `Your share didn't go through: Slack refused the post (HTTP ${status}), so nothing was posted in the ` +
        'channel. Press Share in channel again, or if that fails too, ask again with /metrics and share the new answer.';
    } catch (releaseErr) {
      deps.logger.error({ err: describeError(releaseErr) }, 'could not release a failed share');
      text =
        `Your share didn't go through: Slack refused the post (HTTP ${status}), so nothing was posted in the ` +
        'channel. Ask again with /metrics and share the new answer.';
    }
  } else {
    text =
      "Tally couldn't confirm that your share reached the channel: Slack did not answer. Look in the channel: " +
      'if the answer is not there, ask again with /metrics and share the new answer.';
  }
  if (!click.channelId) return;
  const to = { channel: click.channelId, user: click.userId };
  await tellEphemeral(deps, client, to, text, 'could not tell the person their share failed');
}

/** Notices are one section (plus an optional hint); answers start with a header. */
function isNotice(reply: Reply): boolean {
  return reply.message.blocks[0]?.type !== 'header';
}
