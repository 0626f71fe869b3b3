// Preloaded into the bot by `npm run bench:ack` (node --import): where the ack time goes inside the bot.
// Records the event-loop delay (perf_hooks, 5 ms resolution), garbage-collection pauses, CPU time of
// the process and each Slack request's time inside the bot (headers read to ack sent); SIGUSR2 starts
// the measured window (after the warm-up), SIGTERM writes one JSON line with the window's figures (ms)
// to BENCH_LOOP_PROBE_FILE. Measures only: changes nothing in the bot.
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { Session } from 'node:inspector';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

const out = process.env.BENCH_LOOP_PROBE_FILE;
if (out) {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  let pauses = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) pauses.push(e.duration);
  }).observe({ entryTypes: ['gc'] });
  // Each Slack request's time inside the bot: its 'request' event (headers read) to the response's
  // 'finish' (the ack handed to the socket). The driver's ack time adds its own and the OS's delays.
  let acks = [];
  let windowStart = performance.now();
  const emit = http.Server.prototype.emit;
  // Epoch ms (performance.timeOrigin + now(), comparable with the driver's) of each connection's accept.
  const epoch = () => performance.timeOrigin + performance.now();
  const acceptedAt = new WeakMap();
  http.Server.prototype.emit = function (event, ...args) {
    const [req, res] = args;
    if (event === 'connection') acceptedAt.set(req, epoch());
    if (event === 'request' && req.url?.startsWith('/slack/events')) {
      const start = performance.now();
      const readAt = epoch();
      const accepted = acceptedAt.get(req.socket);
      res.once('finish', () => {
        if (start >= windowStart) acks.push([start, performance.now() - start, accepted, readAt, epoch()]);
      });
    }
    return emit.call(this, event, ...args);
  };
  const pct = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  let cpu = process.cpuUsage();
  let wall = performance.now();
  // BENCH_BURST_PROFILE=file: a CPU profile of the window's first 150 ms (the burst), for diagnosis.
  const profileFile = process.env.BENCH_BURST_PROFILE;
  process.on('SIGUSR2', () => {
    if (profileFile) {
      const session = new Session();
      session.connect();
      session.post('Profiler.enable', () =>
        session.post('Profiler.setSamplingInterval', { interval: 100 }, () =>
          session.post('Profiler.start', () =>
            setTimeout(
              () =>
                session.post('Profiler.stop', (_err, r) =>
                  writeFileSync(profileFile, JSON.stringify(r.profile)),
                ),
              150,
            ),
          ),
        ),
      );
    }
    delay.reset();
    pauses = [];
    acks = [];
    windowStart = performance.now();
    cpu = process.cpuUsage();
    wall = performance.now();
  });
  process.on('SIGTERM', () => {
    const ms = (ns) => Math.round(ns / 1e4) / 100;
    const used = process.cpuUsage(cpu);
    const inBot = acks.map((a) => a[1]).sort((a, b) => a - b);
    // The burst: the first 20 requests of the window (sent before the steady stream).
    const firstRows = [...acks].sort((a, b) => a[0] - b[0]).slice(0, 20);
    const first = firstRows.map((a) => a[1]).sort((a, b) => a - b);
    const ms2 = (v) => Math.round(v * 100) / 100;
    writeFileSync(
      out,
      `${JSON.stringify({
        wallMs: Math.round(performance.now() - wall),
        cpuMs: Math.round((used.user + used.system) / 1000),
        loopDelay: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) },
        ack: {
          count: inBot.length,
          p50: ms2(pct(inBot, 0.5)),
          p99: ms2(pct(inBot, 0.99)),
          max: ms2(inBot.at(-1) ?? 0),
          first20: { p50: ms2(pct(first, 0.5)), max: ms2(first.at(-1) ?? 0) },
          // The burst's timeline: [accepted, headers read, ack sent] per request, epoch ms.
          firstTimeline: firstRows.map((a) => [a[2] ?? null, a[3], a[4]]),
        },
        gc: {
          count: pauses.length,
          totalMs: Math.round(pauses.reduce((a, b) => a + b, 0)),
          maxMs: Math.round(Math.max(0, ...pauses)),
        },
      })}\n`,
    );
  });
}
