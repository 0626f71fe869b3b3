import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findSubcommand, SUBCOMMANDS } from '../../commands/index.js';
import { SLASH_COMMAND } from '../../src/app/metrics-command.js';
import { METRICS } from '../../src/metrics/index.js';

const manifest = readFileSync(new URL('../../manifest.yml', import.meta.url), 'utf8');
/** The value of `key: value` in the manifest (first occurrence), quotes removed. */
const field = (key: string) =>
  new RegExp(`^\\s*-?\\s*${key}:\\s*"?([^"\\n]*?)"?\\s*(#.*)?$`, 'm').exec(manifest)?.[1];

describe('manifest.yml and the command registry', () => {
  it('declares the slash command the app listens to, with escaping on', () => {
    expect(field('command')).toBe(SLASH_COMMAND);
    expect(field('should_escape')).toBe('true');
  });

  it('names every registered subcommand in the usage hint', () => {
    const hint = field('usage_hint') ?? '';
    const words = hint.split('·').map((w) => w.trim());
    for (const sub of SUBCOMMANDS) expect(words, sub.name).toContain(sub.name);
  });

  it('only advertises subcommand words the registry (or the grammar) knows', () => {
    const hint = field('usage_hint') ?? '';
    const advertised = hint
      .split('·')
      .slice(1)
      .map((w) => w.trim());
    // digest and alerts are registered by their own modules; until then the grammar answers "did you mean".
    const pending = new Set(['digest', 'alerts']);
    for (const word of advertised) {
      if (!pending.has(word)) expect(findSubcommand(word), word).toBeDefined();
    }
  });

  it('subscribes to app_home_opened with the home tab on, and asks for the scopes the code uses', () => {
    expect(manifest).toMatch(/bot_events:\s*\n\s*- app_home_opened/);
    expect(field('home_tab_enabled')).toBe('true');
    for (const scope of ['commands', 'chat:write', 'im:write', 'users:read', 'users:read.email']) {
      expect(manifest).toMatch(new RegExp(`^\\s*- ${scope.replace('.', '\\.')}\\s*(#.*)?$`, 'm'));
    }
  });

  it('keeps subcommand words apart from metric names and from each other', () => {
    const metricWords = new Set(METRICS.flatMap((m) => [m.id, ...m.aliases]));
    const seen = new Set<string>();
    for (const sub of SUBCOMMANDS) {
      expect(sub.summary.length, sub.name).toBeGreaterThan(0);
      expect(sub.usage.length, sub.name).toBeGreaterThan(0);
      for (const word of [sub.name, ...sub.aliases]) {
        expect(metricWords.has(word), word).toBe(false);
        expect(seen.has(word), word).toBe(false);
        seen.add(word);
      }
    }
  });
});
