import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1 (listens on port 0, reads the port, closes); rejects on the server's 'error'. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
