import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const stopSignals = fileURLToPath(new URL('../../src/app/stop-signals.ts', import.meta.url));

/** Runs a process whose stop never settles (as with a database that accepts but never answers), then SIGTERMs it. */
function runHungStop(deadlineMs: number): Promise<{ code: number | null; tookMs: number; out: string }> {
  const script = `
    const { onStopSignals } = await import(${JSON.stringify(stopSignals)});
    onStopSignals(() => new Promise(() => {}), { deadlineMs: ${deadlineMs}, onOverrun: () => console.log('overrun') });
    setInterval(() => {}, 1000);
    console.log('ready');
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  let sentAt = 0;
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (sentAt === 0 && out.includes('ready')) {
        sentAt = Date.now();
        child.kill('SIGTERM');
      }
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, tookMs: Date.now() - sentAt, out }));
  });
}

describe('stop deadline', () => {
  it('exits with code 1 when a stop hangs past its deadline, after saying so', async () => {
    // A tester's database proxy that accepted connections and dropped traffic kept the process alive for
    // minutes after SIGTERM: closing the pool waited for queries that would never answer.
    const { code, tookMs, out } = await runHungStop(300);
    expect(code).toBe(1);
    expect(out).toContain('overrun');
    expect(tookMs).toBeGreaterThanOrEqual(250);
    expect(tookMs).toBeLessThan(10_000);
  }, 30_000);
});
