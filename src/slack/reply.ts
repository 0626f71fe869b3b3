import type { SlackMessage } from './limits.js';

/** What a `/metrics` answer is: ephemeral to the caller (default) or visible in the channel. */
export interface Reply {
  visibility: 'ephemeral' | 'in_channel';
  message: SlackMessage;
}
