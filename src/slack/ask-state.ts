import { z } from 'zod';
import { findMetric } from '../metrics/definitions.js';
import type { Dimension, MetricId, Scope } from '../metrics/types.js';

/**
 * What an answer's buttons carry in their `value` (Slack returns it verbatim on click): the resolved
 * question, so a click re-asks it with one thing changed. Permissions are checked again on every click;
 * the value is only a convenience, never a grant.
 */
export interface AskState {
  /** Metric id, or null for the summary scorecard. */
  metric: MetricId | null;
  scope: Scope;
  /** Period spec in the metrics grammar; null = the metric's default. */
  period: string | null;
  by: Dimension | null;
  /**
   * `lost`: the `/metrics lost` answer (lost deals by reason, `metric` is `lostdeals`) rather than the
   * metric's own; with a split other than by reason it is the metric's answer with that split, as the command
   * answers it, whose "No split" leads back to the reasons.
   */
  view?: 'lost';
}

const scopeSchema = z.union([
  z.object({ kind: z.literal('org') }),
  z.object({ kind: z.literal('team'), teamId: z.number().int() }),
  z.object({ kind: z.literal('rep'), repId: z.number().int() }),
]);

const stateSchema = z.object({
  m: z.string().nullable(),
  s: scopeSchema,
  p: z.string().max(100).nullable(),
  b: z.enum(['rep', 'team', 'product', 'source', 'reason', 'template']).nullable(),
  v: z.literal('lost').optional(),
});

/** Compact JSON for a button value (well under Slack's 2,000 characters). */
export function encodeState(state: AskState): string {
  return JSON.stringify({
    m: state.metric,
    s: state.scope,
    p: state.period,
    b: state.by,
    ...(state.view ? { v: state.view } : {}),
  });
}

/** The state from a button value, or null for anything malformed (never throws). */
export function decodeState(value: string | undefined): AskState | null {
  if (!value) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(value);
  } catch {
    return null;
  }
  const parsed = stateSchema.safeParse(raw);
  if (!parsed.success) return null;
  const { m, s, p, b, v } = parsed.data;
  const metric = m === null ? null : (findMetric(m)?.id ?? undefined);
  if (metric === undefined) return null;
  // The reasons view is of lost deals only.
  if (v && metric !== 'lostdeals') return null;
  return { metric, scope: s as Scope, period: p, by: b, ...(v ? { view: v } : {}) };
}
