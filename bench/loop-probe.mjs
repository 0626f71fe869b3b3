// Preloaded into the bot by `npm run bench:ack` (node --import): where the ack time goes inside the bot.
// Records the event-loop delay (perf_hooks, 5 ms resolution), garbage-collection pauses and CPU time of
// the process; SIGUSR2 starts the measured window (after the warm-up), SIGTERM writes one JSON line with
// the window's figures (ms) to BENCH_LOOP_PROBE_FILE. Measures only: changes nothing in the bot.
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

const out = process.env.BENCH_LOOP_PROBE_FILE;
if (out) {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  let pauses = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) pauses.push(e.duration);
  }).observe({ entryTypes: ['gc'] });
  let cpu = process.cpuUsage();
  let wall = performance.now();
  process.on('SIGUSR2', () => {
    delay.reset();
    pauses = [];
    cpu = process.cpuUsage();
    wall = performance.now();
  });
  process.on('SIGTERM', () => {
    const ms = (ns) => Math.round(ns / 1e4) / 100;
    const used = process.cpuUsage(cpu);
    writeFileSync(
      out,
      `${JSON.stringify({
        wallMs: Math.round(performance.now() - wall),
        cpuMs: Math.round((used.user + used.system) / 1000),
        loopDelay: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) },
        gc: {
          count: pauses.length,
          totalMs: Math.round(pauses.reduce((a, b) => a + b, 0)),
          maxMs: Math.round(Math.max(0, ...pauses)),
        },
      })}\n`,
    );
  });
}
