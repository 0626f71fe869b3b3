import { suggestWord } from '../edit-distance.js';
import { ENTITIES } from '../ingest/index.js';

const GENERIC = `expected {"entity": one of ${ENTITIES.join('|')}, "items": [...]} or {"batches": [{"entity", "items"}, ...]}`;
const SETTINGS = ['locale', 'decimal', 'date_format', 'won_stages', 'lost_stages'];
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const didYouMean = (word: string, candidates: readonly string[]) => {
  const guess = suggestWord(word, candidates);
  return guess ? `; did you mean "${guess}"?` : '';
};
const clip = (text: string) => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);

/** What is wrong with one `{"entity", "items"}` object, `at` naming where it is ("" or "batches[2]."). */
function batchProblem(batch: Record<string, unknown>, at: string, allowed: readonly string[]): string | null {
  const unknown = Object.keys(batch).find((k) => !allowed.includes(k));
  if (unknown !== undefined)
    return `${at}${clip(unknown)} is not a field of the request${didYouMean(unknown, allowed)}`;
  if (batch.entity === undefined) return `${at}entity is missing: one of ${ENTITIES.join(', ')}`;
  if (typeof batch.entity !== 'string' || !(ENTITIES as readonly string[]).includes(batch.entity)) {
    const given = typeof batch.entity === 'string' ? clip(batch.entity) : JSON.stringify(batch.entity);
    const guess = typeof batch.entity === 'string' ? didYouMean(batch.entity, ENTITIES) : '';
    return `${at}entity ${given} is not one of ${ENTITIES.join(', ')}${guess}`;
  }
  if (batch.items === undefined) return `${at}items is missing: a list of ${batch.entity}`;
  if (!Array.isArray(batch.items)) return `${at}items must be a list of ${batch.entity}`;
  return null;
}

/**
 * The 400 message for a JSON body that is not an ingest request, naming the first thing wrong: not an
 * object, a field the request has no such name for (with a did-you-mean), `entity` missing or unknown,
 * `items` missing or not a list, `batches` empty or one of them wrong (`batches[1].entity …`). Falls back to
 * the request's expected shape. Request-wide settings are checked elsewhere (their own messages).
 */
export function envelopeProblem(json: unknown): string {
  if (!isObject(json)) return `the body must be a JSON object: ${GENERIC}`;
  if ('batches' in json) {
    const stray = Object.keys(json).find((k) => k !== 'batches' && !SETTINGS.includes(k));
    if (stray !== undefined)
      return `${clip(stray)} is not a field of a request with "batches" (each batch has its own "entity" and "items")`;
    if (!Array.isArray(json.batches) || json.batches.length === 0)
      return 'batches must be a non-empty list of {"entity", "items"}';
    for (const [i, batch] of json.batches.entries()) {
      if (!isObject(batch)) return `batches[${i}] must be an object {"entity", "items"}`;
      const problem = batchProblem(batch, `batches[${i}].`, ['entity', 'items']);
      if (problem) return problem;
    }
    return GENERIC;
  }
  return batchProblem(json, '', ['entity', 'items', 'batches', ...SETTINGS]) ?? GENERIC;
}
