/**
 * Slack mrkdwn escaping. Slack asks apps to escape exactly these three characters in any text that
 * came from users or data, so a rep called "<!channel>" or "A&B <Corp>" renders as written and
 * cannot ping anyone or inject links.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A user mention that Slack renders as the person's name. `userId` must be a Slack user id. */
export function mention(userId: string): string {
  return /^[UW][A-Z0-9]+$/.test(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
}
