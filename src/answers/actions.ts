import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Deps } from '../deps.js';
import { describeError } from '../errors.js';
import { decodeState } from '../slack/ask-state.js';
import { buildNoticeMessage } from '../slack/blocks/notice.js';
import type { Reply } from '../slack/reply.js';
import { answerSafely, callerOrRefusal, findCaller, retryingRespond, toResponse } from '../slack/respond.js';
import { answerState, explainState } from './answer.js';
import { claimShare } from './share-once.js';

// pieces.actions() suffixes repeated action ids with "#n" (Slack wants them unique per message).
const VIEW = /^metrics_view(#\d+)?$/;
const SHARE = /^metrics_share(#\d+)?$/;
const CALC = /^metrics_calc(#\d+)?$/;

type Mode = 'view' | 'share' | 'calc';

/**
 * The answer's buttons. Each click is acked at once, then answered through the click's response_url:
 * period/split switches replace the message in place, "Share in channel" posts a read-only copy for
 * everyone, "How is this calculated?" adds an ephemeral explanation. Permissions are checked on every click.
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
        const first = await claimShare(
          deps.db,
          {
            userId: body.user.id,
            ...(container?.channel_id ? { channelId: container.channel_id } : {}),
            ...(container?.message_ts ? { messageTs: container.message_ts } : {}),
            value: action.value ?? '',
          },
          now,
        );
        return first
          ? answer
          : {
              visibility: 'ephemeral',
              message: buildNoticeMessage('You already shared this answer in the channel.'),
            };
      });
      // A refusal or error never replaces the answer the user already has.
      const replaceOriginal = mode === 'view' && reply.visibility === 'ephemeral' && !isNotice(reply);
      try {
        await retryingRespond(respond)(toResponse(reply, { replaceOriginal }));
      } catch (err) {
        deps.logger.error({ err: describeError(err) }, 'response_url post failed');
      }
    };
  app.action<BlockAction<ButtonAction>>(VIEW, handle('view'));
  app.action<BlockAction<ButtonAction>>(SHARE, handle('share'));
  app.action<BlockAction<ButtonAction>>(CALC, handle('calc'));
}

/** Notices are one section (plus an optional hint); answers start with a header. */
function isNotice(reply: Reply): boolean {
  return reply.message.blocks[0]?.type !== 'header';
}
