/** Timing and comparison helpers for `npm run bench`. */
import { loadavg } from 'node:os';
import type { MetricResult } from '../src/metrics/types.js';

export interface Timing {
  median: number;
  p95: number;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;

/**
 * Times several variants interleaved: after `warmups` rounds, each round runs every variant once, starting
 * with a different one each round, so drift in machine load hits all of them alike.
 */
export async function timeInterleaved(
  variants: (() => Promise<unknown>)[],
  runs: number,
  warmups = 2,
): Promise<Timing[]> {
  for (let w = 0; w < warmups; w++) for (const v of variants) await v();
  const ms: number[][] = variants.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (let j = 0; j < variants.length; j++) {
      const k = (i + j) % variants.length;
      const t = performance.now();
      await variants[k]!();
      ms[k]!.push(performance.now() - t);
    }
  }
  return ms.map((list) => {
    list.sort((a, b) => a - b);
    return { median: quantile(list, 0.5), p95: quantile(list, 0.95) };
  });
}

export const fmt = (ms: number | undefined): string =>
  ms === undefined ? '—' : ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);

export const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

export interface HandRow {
  k: string | null;
  v: number | null;
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/**
 * Compares Tally's numbers with the hand SQL's rows. For a split, every rep Tally lists must match the hand
 * row; hand rows Tally leaves out must be empty (null or 0: no records). Returns null when equal, else what differs.
 */
export function compareWithHand(result: MetricResult, hand: HandRow[], split: boolean): string | null {
  if (!split) {
    const v = hand[0]?.v ?? null;
    const mine = result.value.kind === 'value' ? result.value.value : null;
    if (v === null && mine === null) return null;
    if (v !== null && mine !== null && close(v, mine)) return null;
    return `headline ${mine} ≠ hand ${v}`;
  }
  const byKey = new Map(hand.map((r) => [r.k ?? 'none', r.v]));
  let equal = 0;
  for (const row of result.segments?.rows ?? []) {
    const v = byKey.get(row.key);
    byKey.delete(row.key);
    const mine = row.value.kind === 'value' ? row.value.value : null;
    if ((v ?? null) === null && mine === null) equal++;
    else if (v !== undefined && v !== null && mine !== null && close(v, mine)) equal++;
    else return `rep ${row.key}: ${mine} ≠ hand ${v}`;
  }
  for (const [k, v] of byKey) if (v !== null && v !== 0) return `rep ${k} missing from Tally (hand ${v})`;
  return equal > 0 ? null : 'no rows to compare';
}

/** Whether two answers carry the same headline and split (the full answer adds trend, series and target). */
export function sameNumbers(a: MetricResult, b: MetricResult): boolean {
  const val = (r: MetricResult) => JSON.stringify([r.value, r.segments?.rows.map((s) => [s.key, s.value])]);
  return val(a) === val(b);
}
