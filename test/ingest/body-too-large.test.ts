import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { createIngestHandler, MAX_INGEST_BODY_BYTES } from '../../src/http/ingest-route.js';
import { silentLogger } from '../../src/logger.js';

const TOKEN = 'test-ingest-token-0123456789';

let server: Server;
let port = 0;
beforeAll(async () => {
  // A body over the cap is refused before the database is used.
  const handler = createIngestHandler({
    db: null as never,
    config: { ingestToken: TOKEN, defaultTimezone: 'UTC' },
    logger: silentLogger,
    clock: fixedClock('2026-11-23T09:00:00Z'),
  });
  server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

/**
 * POSTs `bytes` of body over a plain TCP socket as many HTTP clients do (curl, requests): the whole body is
 * written (64 KiB at a time, waiting for the socket to drain) before the answer is read. Resolves with the
 * raw answer, or `error: <message>` when the connection failed (EPIPE, ECONNRESET).
 */
function postLarge(bytes: number, chunked: boolean): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.pause();
    let answer = '';
    socket.on('data', (d: Buffer) => {
      answer += d.toString('utf8');
    });
    socket.on('error', (err) => resolve(`error: ${err.message}`));
    socket.on('end', () => resolve(answer));
    socket.on('connect', async () => {
      const length = chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${bytes}`;
      socket.write(
        `POST /api/v1/ingest HTTP/1.1\r\nHost: tally\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\n${length}\r\n\r\n`,
      );
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const framed = chunked
        ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')])
        : chunk;
      for (let sent = 0; sent < bytes && !socket.destroyed; sent += chunk.length) {
        if (!socket.write(framed))
          await new Promise((r) => {
            socket.once('drain', r);
            socket.once('close', r);
          });
      }
      if (chunked && !socket.destroyed) socket.write('0\r\n\r\n');
      socket.resume();
    });
  });
}

// Tester: a ~5 MB body sometimes ended in a connection reset instead of the 413: the server answered and
// closed the socket while the client was still sending a body it had declared too large, and the reset
// lost the answer (EPIPE). The rest of the body is now read and dropped before the 413 is sent.
it('answers a ~5 MB body with a 413 the client reads after sending it all, with or without Content-Length', async () => {
  const size = 5 * 1024 * 1024;
  expect(size).toBeGreaterThan(MAX_INGEST_BODY_BYTES);
  for (let i = 0; i < 3; i++) {
    for (const chunked of [false, true]) {
      const answer = await postLarge(size, chunked);
      expect(answer).toMatch(/^HTTP\/1\.1 413 /);
      expect(answer).toMatch(/\r\nConnection: close\r\n/i);
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({
        ok: false,
        error: `body larger than ${MAX_INGEST_BODY_BYTES} bytes`,
      });
    }
  }
});
