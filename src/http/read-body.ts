import type { IncomingMessage } from 'node:http';

export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
}

/**
 * How much of a body over the cap is still read (and dropped) before it is refused, as a multiple of the
 * cap: enough for a client that sent a few megabytes too many to read the 413, bounded so that a client
 * streaming without end is cut off.
 */
const DRAIN_FACTOR = 4;

/**
 * Reads a request body up to `maxBytes`; memory never exceeds the cap. A body over it (by its declared
 * Content-Length or as it grows) fails with BodyTooLargeError only once the rest has been read and dropped,
 * up to DRAIN_FACTOR times the cap: a server that answers and closes while the client is still sending
 * resets the connection, and the reset loses the answer (the client saw EPIPE or ECONNRESET, not the 413).
 * A body declared or grown past the drain limit fails at once (such a client may see the reset).
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const drainLimit = maxBytes * DRAIN_FACTOR;
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > drainLimit) return Promise.reject(new BodyTooLargeError());
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number.isFinite(declared) && declared > maxBytes;
    let done = false;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > drainLimit) {
        done = true;
        req.off('data', onData);
        reject(new BodyTooLargeError());
        return;
      }
      if (size > maxBytes) tooLarge = true;
      // Over the cap the rest is only counted, not kept.
      if (tooLarge) chunks = [];
      else chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => {
      if (done) return;
      done = true;
      if (tooLarge) reject(new BodyTooLargeError());
      else resolve(Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (done) return;
      done = true;
      reject(err);
    });
  });
}
