import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Runs `npm start`'s entry point with only the given environment; returns exit code and stderr lines. */
function start(env: Record<string, string>) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return {
    code: result.status,
    lines: result.stderr
      .trim()
      .split('\n')
      .filter((l) => l !== ''),
  };
}

describe('npm start', () => {
  it('stops with one line naming a bad variable', () => {
    const { code, lines } = start({ PORT: 'abc' });
    expect(code).toBe(1);
    expect(lines).toEqual(['Invalid configuration: PORT: Invalid input: expected number, received NaN']);
  });

  it('says which Slack setting is missing for a bot token alone', () => {
    const { code, lines } = start({ SLACK_BOT_TOKEN: 'xoxb-1' });
    expect(code).toBe(1);
    expect(lines).toEqual([
      'SLACK_BOT_TOKEN is set: also set SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode).',
    ]);
  });
});
