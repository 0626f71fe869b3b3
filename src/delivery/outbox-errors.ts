/**
 * How the outbox reads Slack's answers: which errors mean "this destination cannot receive messages",
 * which are worth another try, and which fail at once.
 */

/** Errors that mean "this destination cannot receive our messages"; the caller should stop sending there. */
export const UNREACHABLE_ERRORS: ReadonlySet<string> = new Set([
  'not_in_channel',
  'channel_not_found',
  'is_archived',
  'user_not_found',
  'users_not_found',
  'cannot_dm_bot',
  'account_inactive',
  'user_disabled',
  'user_is_restricted',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'restricted_action_non_threadable_channel',
  'team_access_not_granted',
  'ekm_access_denied',
  'not_allowed_token_type',
  'missing_scope',
]);

/** Errors worth another try: Slack had a bad moment. Everything not listed here and not unreachable fails at once. */
const TRANSIENT_ERRORS: ReadonlySet<string> = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
  'rate_limited',
]);

/**
 * Errors that mean Slack no longer accepts the bot token: nothing can be sent until it is fixed.
 * `account_inactive` means the token's own account on a post, but the DM partner on conversations.open.
 */
export const AUTH_ERRORS: ReadonlySet<string> = new Set([
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'account_inactive',
]);

/** The outcome of one call to Slack, as the outbox's policy sees it. */
export type Attempt =
  | { kind: 'ok'; channel: string; ts: string }
  | { kind: 'rate_limited'; retryAfterSeconds: number }
  | { kind: 'unreachable'; error: string }
  | { kind: 'transient'; error: string }
  | { kind: 'auth_lost'; error: string }
  | { kind: 'rejected'; error: string };

/**
 * Maps a WebClient error to what the policy does with it; `call` says which kind of call it answered.
 * A 429 is `rate_limited` from either kind of client: the outbox's (which rejects it at once) and the
 * app's (which throws only once its own retries ran out), so it is never logged as a `request_error`.
 */
export function classify(err: unknown, call: 'post' | 'open' = 'post'): Exclude<Attempt, { kind: 'ok' }> {
  const e = err as {
    code?: string;
    retryAfter?: number;
    statusCode?: number;
    data?: { error?: string };
    original?: { message?: string };
  };
  switch (e?.code) {
    case 'slack_webapi_rate_limited_error':
      return { kind: 'rate_limited', retryAfterSeconds: Number(e.retryAfter) || 1 };
    case 'slack_webapi_platform_error': {
      const error = e.data?.error ?? 'unknown_error';
      if (AUTH_ERRORS.has(error) && !(call === 'open' && error === 'account_inactive'))
        return { kind: 'auth_lost', error };
      if (UNREACHABLE_ERRORS.has(error)) return { kind: 'unreachable', error };
      if (TRANSIENT_ERRORS.has(error)) return { kind: 'transient', error };
      return { kind: 'rejected', error };
    }
    case 'slack_webapi_http_error':
      // A 429 that reached us as a plain HTTP error (client built without rejectRateLimitedCalls).
      if (e.statusCode === 429) return { kind: 'rate_limited', retryAfterSeconds: 1 };
      return { kind: 'transient', error: `http_${e.statusCode ?? 'error'}` };
    case 'slack_webapi_request_error': {
      // A client that waits out a 429 itself (the library's default) throws, once its retries run out,
      // a request error whose original has no code, only "A rate limit was exceeded (url: …, retry-after: N)".
      const limited = /^A rate limit was exceeded \(.*retry-after: (\d+)\)$/.exec(e.original?.message ?? '');
      if (limited) return { kind: 'rate_limited', retryAfterSeconds: Number(limited[1]) };
      return { kind: 'transient', error: 'request_error' };
    }
    default:
      return { kind: 'transient', error: 'request_error' };
  }
}
