import { LRUCache } from 'lru-cache';
import type { Outcome } from '../db/schema/index.js';

/** Extra stage names (any case, exact after trimming) an organisation uses for won and lost deals. */
export interface StageRules {
  won?: readonly string[];
  lost?: readonly string[];
}

// "Won", "Closed Won", "closedwon" (HubSpot's internal id), "Closed_Won", "Closed Won (100%)",
// "Closed won renewal", "Closed Lost - No Decision": closed/won/lost as the first words.
// After "closed won" anything may follow; a bare "won" only a bracket or a dash ("Won back later"
// is a stage name of its own, so it stays open).
const WON = /^(closed[\s_-]*won(?=$|[^a-z'’])|won(?=$|\s*[(\-–—:]))/;
const LOST = /^(closed[\s_-]*lost(?=$|[^a-z'’])|lost(?=$|\s*[(\-–—:]))/;

const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');

/**
 * Reads an outcome from a stage name when the input has no outcome column. Stages listed in `rules`
 * (--won-stages / --lost-stages, or the ingest request's won_stages / lost_stages) come first; then the
 * common CRM spellings: "Won", "Closed Won", HubSpot's "closedwon", Salesforce's "Closed Won",
 * "Closed Won (100%)", "Closed won renewal" → won; the same with "lost" → lost (any case, with _ or -
 * between the words). Anything else is open ("Won back later" too).
 */
export function outcomeFromStage(stage: string | null, rules?: StageRules): Outcome {
  // A file names a handful of stages a million times: each reading is kept per rules object.
  const key = stage ?? '';
  let known = rules ? byRules.get(rules) : noRules;
  const hit = known?.get(key);
  if (hit !== undefined) return hit;
  const outcome = readStage(key, rules ?? {});
  if (!known) {
    known = newStageCache();
    byRules.set(rules!, known);
  }
  known.set(key, outcome);
  return outcome;
}

/** Stage names are the input's own text, so each cache keeps the 1,000 most recently read. */
const newStageCache = () => new LRUCache<string, Outcome>({ max: 1000 });
const noRules = newStageCache();
const byRules = new WeakMap<StageRules, LRUCache<string, Outcome>>();

function readStage(stage: string, rules: StageRules): Outcome {
  const s = norm(stage);
  if (rules.won?.some((w) => norm(w) === s)) return 'won';
  if (rules.lost?.some((w) => norm(w) === s)) return 'lost';
  if (WON.test(s)) return 'won';
  if (LOST.test(s)) return 'lost';
  return 'open';
}
