import { describe, expect, it } from 'vitest';
import { parseConsoleArgs } from '../../src/console/args.js';

describe('console arguments', () => {
  it('reads the one-shot command and --as in either order', () => {
    expect(parseConsoleArgs(['/metrics winrate team', '--as', 'ana.lopez@example.com'])).toEqual({
      command: '/metrics winrate team',
      as: 'ana.lopez@example.com',
    });
    expect(parseConsoleArgs(['--as=ana@example.com', '/metrics', 'calls'])).toEqual({
      command: '/metrics calls',
      as: 'ana@example.com',
    });
  });

  it('starts interactively without words, and explains a bare --as', () => {
    expect(parseConsoleArgs([])).toEqual({});
    expect(parseConsoleArgs(['--as'])).toEqual({
      error: '--as needs an email, a name or #id, e.g. --as ana.lopez@example.com or --as "Ana López"',
    });
  });
});
