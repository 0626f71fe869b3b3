import type { ColumnBuffer } from './bulk.js';
import { DAY, HOUR, nextWorkingTime, type TeamCalendar } from './calendar.js';
import type { RepPlan } from './org-plan.js';
import { clamp, type Random } from './random.js';

export const MINUTE = 60_000;

export interface Buffers {
  leads: ColumnBuffer;
  accounts: ColumnBuffer;
  opportunities: ColumnBuffer;
  activities: ColumnBuffer;
  contracts: ColumnBuffer;
}

/** Next id per table; the generator numbers rows itself so they can reference each other before insert. */
export interface NextIds {
  lead: number;
  account: number;
  opportunity: number;
  activity: number;
  contract: number;
}

export interface LeadContext {
  now: number;
  buffers: Buffers;
  ids: NextIds;
  /**
   * Draws for details added to rows after the main streams were fixed (loss reasons): a stream of its own,
   * so adding them changed no other generated value.
   */
  details: Random;
  /** Draws for the email template of each outbound email: a stream of its own, for the same reason. */
  templates: Random;
}

/**
 * The demo's email templates: [name (null = written by hand), share of emails, relative reply rate]. A
 * template is drawn after the email's reply was, from `P(template | replied)`, so templates change no other
 * generated value while "Short follow-up" still replies clearly better than "Intro v1" (email A/B answer).
 */
const EMAIL_TEMPLATES: readonly (readonly [string | null, number, number])[] = [
  ['Intro v1', 0.35, 1],
  ['Short follow-up', 0.35, 1.8],
  ['Case study', 0.2, 0.7],
  [null, 0.1, 1],
];

/** The template of an email given whether it was replied to: weights share × reply rate, or share alone. */
function emailTemplate(rng: Random, replied: boolean): string | null {
  const weights = EMAIL_TEMPLATES.map(([, share, rate]) => (replied ? share * rate : share));
  let draw = rng.between(
    0,
    weights.reduce((a, b) => a + b, 0),
  );
  for (const [i, w] of weights.entries()) {
    draw -= w;
    if (draw < 0) return EMAIL_TEMPLATES[i]![0];
  }
  return EMAIL_TEMPLATES.at(-1)![0];
}

/** Writes one activity row if it has happened by `now`; returns its time when outbound (for first touch). */
export function touch(
  ctx: LeadContext,
  rep: RepPlan,
  rng: Random,
  repId: number,
  leadId: number,
  oppId: number | null,
  kind: 'call' | 'email',
  at: number,
  forceConnect = false,
): { at: number; connected: boolean; replied: boolean } | null {
  if (at > ctx.now) return null;
  const t = rep.traits;
  const id = ctx.ids.activity++;
  if (kind === 'call') {
    const connected = forceConnect || rng.chance(t.connectRate);
    const duration = connected ? Math.round(clamp(rng.logNormal(260, 0.7), 30, 3600)) : rng.int(5, 40);
    ctx.buffers.activities.push(
      id,
      id,
      repId,
      leadId,
      oppId,
      'call',
      'outbound',
      at,
      duration,
      connected,
      null,
      null,
      null,
      null,
      null,
    );
    return { at, connected, replied: false };
  }
  let opened: number | null = null;
  let replied: number | null = null;
  if (rng.chance(t.openRate)) {
    opened = at + Math.round(clamp(rng.logNormal(2 * HOUR, 1.2), MINUTE, 5 * DAY));
    if (rng.chance(t.replyRate / t.openRate))
      replied = opened + Math.round(clamp(rng.logNormal(4 * HOUR, 1), MINUTE, 4 * DAY));
  }
  if (opened !== null && opened > ctx.now) opened = null;
  if (replied !== null && (opened === null || replied > ctx.now)) replied = null;
  ctx.buffers.activities.push(
    id,
    id,
    repId,
    leadId,
    oppId,
    'email',
    'outbound',
    at,
    null,
    null,
    opened,
    replied,
    null,
    null,
    emailTemplate(ctx.templates, replied !== null),
  );
  return { at, connected: false, replied: replied !== null };
}

/** A meeting booked at `bookedAt` for a later working slot; held unless a no-show. Returns its start. */
export function meeting(
  ctx: LeadContext,
  rng: Random,
  cal: TeamCalendar,
  repId: number,
  leadId: number,
  oppId: number | null,
  bookedAt: number,
): { at: number; held: boolean } | null {
  if (bookedAt > ctx.now) return null;
  const at = nextWorkingTime(cal, bookedAt + Math.round(rng.logNormal(3 * DAY, 0.6)), rng.between(0.5, 8));
  const held = at <= ctx.now && rng.chance(0.85);
  const id = ctx.ids.activity++;
  const duration = held ? rng.pick([1800, 1800, 2700, 3600]) : null;
  ctx.buffers.activities.push(
    id,
    id,
    repId,
    leadId,
    oppId,
    'meeting',
    'outbound',
    at,
    duration,
    null,
    null,
    null,
    bookedAt,
    held ? at : null,
    null,
  );
  return { at, held };
}
