import { alertsCommand } from './alerts.js';
import { coachCommand } from './coach.js';
import { digestCommand } from './digest.js';
import { fiscalCommand } from './fiscal.js';
import { createHelpCommand } from './help.js';
import { lostCommand } from './lost.js';
import { summaryCommand } from './summary.js';
import { targetCommand } from './target.js';
import type { CommandEntry, Subcommand } from './types.js';

/**
 * Every `/metrics` subcommand word (`help`, `summary`, `target`, `digest`, `alerts`, …), one file each in
 * `commands/`. Anything else after `/metrics` is a metric question, answered by `src/answers/answer.ts`
 * (routed in `./dispatch.ts`).
 * Helpers add their subcommand here (one import, one entry); `manifest.yml`'s usage hint must name it
 * (a test checks that they agree).
 */
export const SUBCOMMANDS: (CommandEntry | Subcommand)[] = [
  createHelpCommand(() => SUBCOMMANDS.filter((s) => s.name !== 'help')),
  summaryCommand,
  targetCommand,
  alertsCommand,
  digestCommand,
  fiscalCommand,
  lostCommand,
  coachCommand,
];

/** The subcommand selected by `word` (name or alias, case-insensitive), if any. */
export function findSubcommand(word: string): CommandEntry | Subcommand | undefined {
  const w = word.trim().toLowerCase();
  return SUBCOMMANDS.find((s) => s.name === w || s.aliases.includes(w));
}
