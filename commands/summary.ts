import type { CommandEntry } from './types.js';

/**
 * `/metrics summary [scope] [period]`: the scorecard of key metrics with targets and trends. Also the
 * answer when only a scope or period is given (`/metrics team this week`). The grammar answers both (in
 * the caller's time zone), so this entry has no `run`: it is here for `help` and the manifest.
 */
export const summaryCommand: CommandEntry = {
  name: 'summary',
  aliases: ['scorecard', 'overview'],
  summary: 'A scorecard of the key metrics with targets and trends.',
  usage: ['/metrics summary team', '/metrics team this week', '/metrics summary org last month'],
};
