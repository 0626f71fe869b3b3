import type { IncomingMessage } from 'node:http';
import type { App, ReceiverEvent } from '@slack/bolt';
import { pendingReplayVerdict } from '../http/request-edge.js';
import type { Logger } from '../logger.js';

/** The Bolt custom property that carries a request's pending replay verdict from the edge to the app. */
const VERDICT = 'tallyReplayVerdict';

/** Thrown by a gated `ack()` when the request turned out to be a replay: the listener stops there. */
export class ReplayedRequestError extends Error {
  /** A Bolt-style code, so Bolt's error handling passes this object through as it is. */
  readonly code = 'tally_replayed_request';
  constructor() {
    super('replayed request dropped after the ack');
    this.name = 'ReplayedRequestError';
  }
}

/** True for the error a gated ack throws (Bolt may hand it over wrapped in `original`). */
export function isReplayedRequest(err: unknown): boolean {
  const e = err as { original?: unknown } | null;
  return err instanceof ReplayedRequestError || e?.original instanceof ReplayedRequestError;
}

/**
 * For HTTPReceiver's `customPropertiesExtractor`: hands Bolt the edge's pending replay verdict of `req`
 * (src/http/request-edge.ts), when the shared record had not answered before the request went on.
 */
export function replayVerdictProperty(req: IncomingMessage): Record<string, unknown> {
  const verdict = pendingReplayVerdict(req);
  return verdict ? { [VERDICT]: verdict } : {};
}

/**
 * Makes the ack the gate for requests whose replay verdict is still pending: `ack()` sends Slack its
 * answer at once, then waits for the verdict and throws ReplayedRequestError when the request must not
 * run. Every listener acks first and works after, so a replay is acked but never worked on. Events that
 * Bolt acks itself end there, logged at debug.
 */
export function gateOnReplayVerdict(app: App, logger: Logger): void {
  const processEvent = app.processEvent.bind(app);
  app.processEvent = async (event: ReceiverEvent) => {
    const verdict = event.customProperties?.[VERDICT];
    if (!(verdict instanceof Promise)) return processEvent(event);
    const ack: ReceiverEvent['ack'] = async (response) => {
      await event.ack(response);
      if (!(await verdict)) throw new ReplayedRequestError();
    };
    try {
      await processEvent({ ...event, ack });
    } catch (err) {
      if (!isReplayedRequest(err)) throw err;
      logger.debug('replayed event dropped after the ack');
    }
  };
}
