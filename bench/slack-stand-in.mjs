// The HTTP benches' stand-in for Slack (bench/bot-driver.ts), run in a worker thread of its own: the Web
// API the bot calls (auth.test, users.info from the bench's reps, ok for anything else) and the
// response_url that receives each answer. Real Slack is not on the bot's machine, and neither should its
// stand-in share the load driver's event loop: there, parsing a burst of answers (Block Kit JSON) delayed
// the driver's reading of the acks it was timing. Each answer is classified here and reported to the
// driver as one small message `{ id, kind, at }`, `at` the absolute time it arrived (performance.timeOrigin
// + performance.now(), ms), so neither the driver's loop nor the message's trip adds to the answer time.
// workerData: { reps: [{ id, email }] }. Messages out: `{ type: 'listening', port }`, then answers.
import { createServer } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

const port = parentPort;
if (!port) throw new Error('slack-stand-in.mjs runs only as a worker thread (see bench/bot-driver.ts)');
const people = new Map(workerData.reps.map((r) => [`U${r.id}`, r]));
const debug = Boolean(process.env.BENCH_LOAD_DEBUG);

/** What an answer turned out to be, as the benches count it. */
const kindOf = (text) =>
  text.includes("Couldn't load") ? 'could_not_load' : text.includes('busy') ? 'busy' : 'answer';

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const url = req.url ?? '';
    res.setHeader('content-type', 'application/json');
    if (url.startsWith('/response/')) {
      const at = performance.timeOrigin + performance.now();
      if (debug) console.error(body.slice(0, 300));
      port.postMessage({ id: url.slice('/response/'.length), kind: kindOf(body), at });
      res.end('{"ok":true}');
      return;
    }
    if (url.startsWith('/api/auth.test')) {
      // As Slack answers for a bot token: with the bot's ids (without them the bot asks again on each request).
      res.end(JSON.stringify({ ok: true, team_id: 'T0001', user_id: 'UBENCHBOT', bot_id: 'BBENCHBOT' }));
      return;
    }
    if (url.startsWith('/api/users.info')) {
      const id = new URLSearchParams(body).get('user') ?? '';
      const p = people.get(id);
      res.end(
        JSON.stringify(
          p
            ? { ok: true, user: { id, profile: { email: p.email }, tz: 'UTC' } }
            : { ok: false, error: 'user_not_found' },
        ),
      );
      return;
    }
    res.end('{"ok":true}');
  });
});

server.listen(0, '127.0.0.1', () => {
  port.postMessage({ type: 'listening', port: server.address().port });
});
port.on('message', (m) => {
  if (m?.type === 'stop') server.close(() => port.close());
});
