import type { Dimension } from '../../metrics/types.js';

/** Who a question is about, as typed (resolved against the reps and teams later). */
export type ScopeWord =
  | { kind: 'me' }
  | { kind: 'my_team' }
  | { kind: 'org' }
  /** A Slack mention as sent with escaping on: `<@U123|ana>` (or `<@U123>`). */
  | { kind: 'user'; slackUserId: string; name: string | null }
  /** A team or person by name, resolved later ("EMEA", "team EMEA Inbound", "ana"). */
  | { kind: 'named'; name: string; teamOnly: boolean };

/** The grammar's keywords, in one place so the parser and "did you mean" agree. */

export const SCOPE_WORDS: Record<string, ScopeWord> = {
  me: { kind: 'me' },
  my: { kind: 'me' },
  mine: { kind: 'me' },
  myself: { kind: 'me' },
  team: { kind: 'my_team' },
  myteam: { kind: 'my_team' },
  org: { kind: 'org' },
  company: { kind: 'org' },
  everyone: { kind: 'org' },
  all: { kind: 'org' },
};
export const DIMENSIONS: Record<string, Dimension> = {
  rep: 'rep',
  reps: 'rep',
  person: 'rep',
  people: 'rep',
  team: 'team',
  teams: 'team',
  product: 'product',
  products: 'product',
  source: 'source',
  sources: 'source',
  channel: 'source',
};
export const FILLER = new Set(['for', 'in', 'of', 'over', 'during', 'the', 'and']);
export const SHARE_WORDS = new Set(['share', 'post', 'public']);
export const SUMMARY_WORDS = new Set(['summary', 'scorecard', 'overview']);
export const HELP_WORDS = new Set(['help', '?', 'usage']);
export const MENTION = /^<@([UW][A-Z0-9]+)(?:\|([^>]*))?>$/;
