import type { ServerResponse } from 'node:http';

/**
 * The response handed to Bolt for a request the edge has already acked (see `ackAtOnce` in
 * request-edge.ts). Bolt still calls its ack (`writeHead` and `end`), and on a listener error or after
 * its 3-second "unhandled" timer it may write a status: all of that is dropped, since Slack already has
 * its empty 200 and a second response on the same socket would throw. `headersSent` is true, which is
 * how Bolt's own error handler recognises a response it can no longer change.
 */
export function alreadyAckedResponse(): ServerResponse {
  const ignored = {
    headersSent: true,
    writableEnded: true,
    statusCode: 200,
    writeHead: () => ignored,
    setHeader: () => ignored,
    getHeader: () => undefined,
    write: () => true,
    end: () => ignored,
  };
  // Only the members above are used by Bolt's HTTP receiver (HTTPModuleFunctions, HTTPResponseAck).
  return ignored as unknown as ServerResponse;
}
