import { createHmac } from 'node:crypto';

/**
 * Sends requests to the Bolt app exactly as Slack does: form-encoded bodies signed with
 * `v0=HMAC-SHA256(signing secret, "v0:<timestamp>:<body>")` in X-Slack-Signature.
 */
export function signBody(secret: string, body: string, timestamp: number): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SignedPostOptions {
  secret: string;
  /** Unix seconds; defaults to now. A value over 5 minutes old is "stale" and Bolt must refuse it. */
  timestamp?: number;
  /** Override the signature (e.g. to send a bad one). */
  signature?: string;
  contentType?: string;
}

export async function postSigned(url: string, body: string, options: SignedPostOptions): Promise<Response> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': options.signature ?? signBody(options.secret, body, timestamp),
    },
    body,
  });
}

/** The form body of a slash command, as Slack sends it (escaping on: mentions arrive as <@U123|name>). */
export function slashCommandBody(fields: {
  text: string;
  userId: string;
  channelId?: string;
  responseUrl: string;
  command?: string;
  userName?: string;
  teamId?: string;
}): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: fields.teamId ?? 'T0001',
    team_domain: 'testco',
    channel_id: fields.channelId ?? 'C0SALES',
    channel_name: 'sales',
    user_id: fields.userId,
    user_name: fields.userName ?? fields.userId.toLowerCase(),
    command: fields.command ?? '/metrics',
    text: fields.text,
    api_app_id: 'A0TALLY',
    is_enterprise_install: 'false',
    response_url: fields.responseUrl,
    trigger_id: `${Date.now()}.trigger`,
  }).toString();
}

/** The form body of an interactive payload (button click, …): `payload=<json>`. */
export function interactionBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** The JSON body of an Events API callback (e.g. app_home_opened). */
export function eventBody(event: Record<string, unknown>, teamId = 'T0001'): string {
  return JSON.stringify({
    token: 'deprecated-verification-token',
    team_id: teamId,
    api_app_id: 'A0TALLY',
    type: 'event_callback',
    event_id: `Ev${Date.now()}${Math.floor(Math.random() * 1000)}`,
    event_time: Math.floor(Date.now() / 1000),
    event,
  });
}
